"""Learners install only what learners use: no grading, sandbox or benchmark code.

The instructor's tools are a distribution of their own (``postparis-instructor``, in
``instructor/``). The learners' ways in (``make setup`` / ``make lab``, which run ``course.py setup``, and Binder's
``postBuild``, which installs the ``postparis`` wheel) must never bring them along,
while the instructors' and developers' set-up (``make setup-instructor``,
``make setup-dev``) must.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

#: Modules a learner's helper package has no reason to import.
INSTRUCTOR_IMPORTS = {"postparis_instructor", "nbgrader", "nbclient", "jupyter_client"}
#: Words naming the instructor's tools, in a file name of the learners' package.
INSTRUCTOR_NAMES = re.compile(r"grad(e|ing)|sandbox|bench|launcher|instructor", re.IGNORECASE)


def _make_dry_run(target: str) -> str:
    """The commands ``make TARGET`` would run in a clean clone (every step, none run)."""
    done = subprocess.run(
        ["make", "--dry-run", "--always-make", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``postparis`` wheel, built as Binder's postBuild builds it."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        check=True,
    )
    (built,) = out.glob("postparis-*.whl")
    return built


def _imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_the_learners_wheel_holds_only_the_helper_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        code = {n: archive.read(n).decode("utf-8") for n in names if n.endswith(".py")}
        metadata = archive.read(next(n for n in names if n.endswith("/METADATA"))).decode()
        entry_points = [n for n in names if n.endswith("/entry_points.txt")]
    assert all(n.startswith(("postparis/", "postparis-")) for n in names), names
    assert "postparis/__init__.py" in code
    assert "postparis/py.typed" in names, "the wheel should declare its type hints (PEP 561)"
    named = [n for n in code if INSTRUCTOR_NAMES.search(Path(n).name)]
    assert not named, f"instructor tools in the learners' wheel: {named}"
    for name, source in code.items():
        assert not _imports(source) & INSTRUCTOR_IMPORTS, f"{name} imports instructor tooling"
    assert not entry_points, "the learners' package installs no command"
    assert "Requires-Dist: nbgrader" not in metadata


def test_make_setup_installs_no_instructor_tools_and_setup_dev_does() -> None:
    learner = _make_dry_run("setup")
    assert "course.py setup" in learner
    assert "instructor" not in learner, learner
    # course.py's set-up installs the lock and the helper package, nothing else.
    course = (ROOT / "course.py").read_text(encoding="utf-8")
    function = next(
        node
        for node in ast.parse(course).body
        if isinstance(node, ast.FunctionDef) and node.name == "setup"
    )
    setup = ast.get_source_segment(course, function)
    assert setup is not None
    assert '"-e", ROOT' in setup
    assert "instructor" not in setup
    for target in ("setup-instructor", "setup-dev"):
        assert "-e instructor" in _make_dry_run(target), target


def test_binder_installs_no_instructor_tools() -> None:
    post_build = (ROOT / "binder" / "postBuild").read_text(encoding="utf-8")
    installs = [line for line in post_build.splitlines() if "pip install" in line]
    assert installs, "postBuild no longer installs the helper package"
    assert not [line for line in installs if "instructor" in line], installs
    assert "instructor" not in (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")


def test_no_notebook_imports_the_instructor_tools() -> None:
    notebooks = [*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("assignments/source/*/*.ipynb")]
    assert notebooks
    for path in notebooks:
        assert "postparis_instructor" not in path.read_text(encoding="utf-8"), path


@pytest.mark.slow
def test_a_fresh_learner_environment_has_no_instructor_tools(wheel: Path, tmp_path: Path) -> None:
    """Install the wheel into a fresh environment, as Binder does, and look inside."""
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = env / "bin" / "python"
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        check=True,
    )
    probe = (
        "import importlib.util as u, importlib.metadata as m; "
        "print(u.find_spec('postparis') is not None, u.find_spec('postparis_instructor'), "
        "sorted(d.metadata['Name'] for d in m.distributions()))"
    )
    seen = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert seen.startswith("True None "), seen
    assert "postparis-instructor" not in seen
    assert not shutil.which("postparis-instructor", path=str(env / "bin"))
    files = [p.name for p in (env / "lib").rglob("postparis*/**/*.py")]
    assert files
    assert not [f for f in files if INSTRUCTOR_NAMES.search(f)], files
