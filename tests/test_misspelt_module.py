"""A misspelt module id gets one line naming the closest module, never a traceback.

An instructor types ``postparis-instructor grade 01-the-argumnet`` (or builds the
notebooks of one): the command says which module they meant, and exits 2.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SOURCE, instructor

from postparis_instructor.grading import GradingError, _expected_notebooks

MISSPELT = "01-the-argumnet"
MEANT = "did you mean '01-the-argument'?"


def _command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return instructor(*args, cwd=cwd, timeout=300)


def _course(tmp_path: Path) -> Path:
    """A course folder like the repository's assignments/, before anything is generated."""
    course = tmp_path / "course"
    shutil.copytree(SOURCE, course / "source")
    shutil.copy2(SOURCE.parent / "nbgrader_config.py", course / "nbgrader_config.py")
    return course


@pytest.mark.slow  # starts a grading worker, which loads nbgrader
def test_grade_names_the_module_meant(tmp_path: Path) -> None:
    course = str(_course(tmp_path))
    done = _command("grade", MISSPELT, "--course-dir", course, "--workers", "1", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert MEANT in lines[0]
    assert f"generate_assignment {MISSPELT}" not in done.stderr


def test_build_notebooks_names_the_module_meant() -> None:
    done = _command("build-notebooks", MISSPELT, cwd=ROOT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert MEANT in done.stderr


@pytest.mark.slow  # creates a gradebook
def test_once_the_gradebook_exists_too(tmp_path: Path) -> None:
    from nbgrader.api import Gradebook

    course = _course(tmp_path)
    url = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(url, "postparis") as gradebook:
        gradebook.add_assignment("00-start-here")
    with pytest.raises(GradingError, match=MEANT.replace("?", r"\?")):
        _expected_notebooks(url, "postparis", MISSPELT, course / "source")
    # A real module that was not generated yet: the instructor is told to generate it.
    with pytest.raises(GradingError, match="generate_assignment 01-the-argument"):
        _expected_notebooks(url, "postparis", "01-the-argument", course / "source")
