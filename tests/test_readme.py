"""The README's promises: its commands are what CI runs, its links resolve, its badge fits."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("course", ROOT / "course.py")
assert _spec is not None
assert _spec.loader is not None
course = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(course)

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fenced_commands(text: str) -> list[str]:
    blocks = re.findall(r"```(?:bash|powershell)\n(.*?)```", text, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_gives_the_two_commands() -> None:
    commands = _fenced_commands(README)
    assert "make lab" in commands
    assert "make test" in commands


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [ln.strip() for ln in script.splitlines() if ln.strip() and not ln.startswith("#")]
    assert steps[-1] == "make test"


def test_make_lab_opens_the_start_notebook() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^lab:.*\n\t(.+)$", makefile, flags=re.M)
    assert rule is not None
    assert rule.group(1).endswith("course.py lab")  # course.py opens the start notebook
    assert course.START == "notebooks/00-start-here.ipynb"
    assert (ROOT / "notebooks" / "00-start-here.ipynb").is_file()


def test_relative_links_in_the_readme_resolve() -> None:
    for target in re.findall(r"\]\(((?!https?://)[^)#]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_binder_badge_opens_the_start_notebook_of_this_repository() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    repository = project["project"]["urls"]["Repository"]
    owner_repo = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)", repository)
    assert owner_repo, repository
    badge = re.search(r"\(https://mybinder\.org/v2/gh/([^)]+)\)", README)
    assert badge is not None, "the README has no Binder badge"
    target = badge.group(1)
    assert target.startswith(owner_repo.group(1) + "/HEAD?"), target
    notebook = re.search(r"urlpath=lab/tree/(\S+)$", target)
    assert notebook is not None
    assert notebook.group(1) == "notebooks/00-start-here.ipynb"
    assert (ROOT / notebook.group(1)).is_file()


def test_binder_runtime_is_a_supported_python() -> None:
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    found = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert found, runtime
    # Binder takes the newest patch release of that minor version.
    assert course.unsupported_reason((3, int(found.group(1)), 99)) is None, runtime


def test_supported_pythons_are_stated_once_and_agree() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["requires-python"] == ">=3.11.5,<3.14"
    assert course.SUPPORTED == "Python 3.11.5 to 3.13"
    assert course.SUPPORTED in README
    classifiers = {c for c in project["project"]["classifiers"] if c.count(".") == 1}
    assert classifiers == {f"Programming Language :: Python :: 3.{m}" for m in (11, 12, 13)}
    lock_header = (ROOT / "requirements.txt").read_text().splitlines()[1]
    assert "--universal --python-version 3.11.5" in lock_header


@pytest.mark.parametrize(
    ("version", "supported"),
    [
        ((3, 11, 2), False),  # Debian 12's own Python: the lock needs 3.11.5
        ((3, 11, 5), True),
        ((3, 12, 1), True),
        ((3, 13, 0), True),
        ((3, 14, 0), False),
        ((2, 7, 18), False),
    ],
)
def test_an_unsupported_python_gets_one_line_naming_the_supported_ones(
    version: tuple[int, int, int], supported: bool
) -> None:
    reason = course.unsupported_reason(version)
    assert (reason is None) == supported
    if reason:
        assert "\n" not in reason
        assert "Python 3.11.5 to 3.13" in reason
        assert ".".join(map(str, version)) in reason


def test_unsupported_python_stops_before_any_install(tmp_path: Path) -> None:
    # Debian 12's python3 (3.11.2), or any Python outside the range, simulated:
    # course.py must refuse before it creates .venv.
    fake = tmp_path / "course.py"
    text = (ROOT / "course.py").read_text(encoding="utf-8")
    fake.write_text(text.replace("LOWEST = (3, 11, 5)", "LOWEST = (9, 0, 0)"))
    for name in ("requirements.txt", "pyproject.toml"):
        (tmp_path / name).write_text((ROOT / name).read_text())
    done = subprocess.run(
        [sys.executable, str(fake), "setup"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert "This course needs" in done.stderr
    assert not (tmp_path / ".venv").exists()


def test_make_sets_up_through_course_py() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^\$\(VENV\)/\.runtime:.*\n\t(.+)$", makefile, flags=re.M)
    assert rule is not None
    assert rule.group(1) == "$(PYTHON) course.py setup"


def test_course_py_lab_opens_what_make_lab_opens() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^lab:.*\n\t(.+)$", makefile, flags=re.M)
    assert rule is not None
    assert rule.group(1).split() == ["$(BIN)/python", "course.py", "lab"]  # the same code
    command = course.lab_command()
    assert command[1:4] == ["-m", "jupyter", "lab"]
    assert command[-1] == "notebooks/00-start-here.ipynb"
    assert ("--allow-root" in command) == (os.geteuid() == 0)


def test_readme_gives_a_way_in_without_make() -> None:
    commands = _fenced_commands(README)
    assert "python course.py lab" in commands
    assert "py course.py lab" in commands


def test_readme_states_the_licences_and_the_publishers_rights() -> None:
    assert "BSD-3-Clause" in README
    assert "CC BY 4.0" in README
    assert "belongs to its publisher" in README
    assert Path(ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
