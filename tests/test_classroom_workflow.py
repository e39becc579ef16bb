"""The whole nbgrader classroom workflow, end to end, through a temporary exchange.

Everything runs as one OS user, so each student acts with ``--student``. For every
module: the instructor generates and releases; three students fetch it; one answers
from the key, one answers partly, one hands in the blank; the first and the last
validate (what Validate says to each is checked), and all three submit; the instructor
collects, autogrades, exports grades to CSV, generates and releases feedback; each
student fetches their feedback, which shows no hidden test.

The students act at the same time, as a class does (each in their own folder with their
own cache). The first module is autograded with plain ``nbgrader autograde``, the others
with the instructor guide's ``postparis-instructor grade MODULE`` (two workers): both
commands the guide gives are walked through the exchange.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from conftest import MODULES

from postparis_instructor.course import CourseWorkspace, nbgrader_environment
from postparis_instructor.notebooks import cell_role

pytestmark = pytest.mark.slow

COURSE_ID = "postparis"
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command of the project's environment in ``cwd``; return the finished process."""
    return subprocess.run(
        [str(Path(sys.executable).parent / command[0]), *command[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def _student(workspace: CourseWorkspace, home: Path, student: str, *args: str) -> str:
    """Run an nbgrader exchange command as ``student`` from their own folder."""
    command = [
        "nbgrader",
        *args,
        "--student",
        student,
        "--course",
        COURSE_ID,
        f"--Exchange.root={workspace.exchange}",
        # Each student keeps their own submission cache, as separate users would.
        f"--Exchange.cache={home / '.nbgrader-cache'}",
    ]
    done = _run(command, home, nbgrader_environment())
    assert done.returncode == 0, (
        f"{' '.join(args)} for {student} failed:\n{done.stdout}\n{done.stderr}"
    )
    return done.stdout + done.stderr


def _answer(key: Path, fetched: Path, how: str) -> None:
    """Write a student's answers into their fetched notebook: key, partial or blank."""
    if how == "blank":
        return
    answers = nbformat.read(key, as_version=4)
    notebook = nbformat.read(fetched, as_version=4)
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in answers.cells
        if cell_role(c) in {"solution", "answer"}
    }
    code_solutions = [
        gid
        for gid, _ in solutions.items()
        if any(
            c.metadata.get("nbgrader", {}).get("grade_id") == gid and c.cell_type == "code"
            for c in notebook.cells
        )
    ]
    left_blank = code_solutions[:1] if how == "partial" else []
    for cell in notebook.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions and gid not in left_blank:
            cell.source = solutions[gid]
    nbformat.write(notebook, fetched)


#: Who validates before submitting: Validate's message is checked for these two.
VALIDATING = {"ada", "cleo"}


def _validate(home: Path, notebook: Path) -> str:
    """Run ``nbgrader validate`` on a student's notebook; return what it printed."""
    return _run(["nbgrader", "validate", str(notebook)], home, nbgrader_environment()).stdout


def _each_student(homes: dict[str, Path], work: Callable[[str, Path], object]) -> None:
    """Run ``work(student, home)`` for every student at once; re-raise the first failure."""
    with ThreadPoolExecutor(max_workers=len(homes)) as pool:
        futures = [pool.submit(work, student, home) for student, home in homes.items()]
        for future in futures:
            future.result()


def _grade(workspace: CourseWorkspace, module: str) -> None:
    """Autograde every collected submission: plain nbgrader for the first module."""
    if module == MODULES[0]:
        workspace.autograde(module)
        return
    command = ["postparis-instructor", "grade", module, "--workers", "2"]
    done = _run([*command, "--course-dir", str(workspace.root)], workspace.root, workspace.env())
    assert done.returncode == 0, f"grade {module} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("classroom")
    workspace = CourseWorkspace(base / "course", exchange=base / "exchange")
    homes = {name: base / "home" / name for name in ("ada", "ben", "cleo")}
    plan = {"ada": "key", "ben": "partial", "cleo": "blank"}
    validation: dict[tuple[str, str], str] = {}
    for home in homes.values():
        home.mkdir(parents=True, exist_ok=True)
    for module in MODULES:
        workspace.generate(module)
        workspace.nbgrader("release_assignment", module, "--force")

        def hand_in(student: str, home: Path, module: str = module) -> None:
            _student(workspace, home, student, "fetch_assignment", module)
            fetched = home / module / f"{module}.ipynb"
            _answer(workspace.source_notebook(module), fetched, plan[student])
            if student in VALIDATING:
                validation[(student, module)] = _validate(home, fetched)
            _student(workspace, home, student, "submit", module)

        _each_student(homes, hand_in)
        workspace.nbgrader("collect", module)
        _grade(workspace, module)
        workspace.nbgrader("generate_feedback", module, "--force")
        workspace.nbgrader("release_feedback", module)
        _each_student(
            homes,
            lambda student, home, module=module: _student(
                workspace, home, student, "fetch_feedback", module
            ),
        )
    workspace.nbgrader("export", "--to", str(base / "grades.csv"))
    return {
        "workspace": workspace,
        "homes": homes,
        "plan": plan,
        "base": base,
        "validation": validation,
    }


def _auto_score(workspace: CourseWorkspace, module: str, student: str) -> tuple[float, float]:
    records = [g for g in workspace.grades(module, student) if g.auto]
    return sum(g.score or 0 for g in records), sum(g.max_score for g in records)


@pytest.mark.parametrize("module", MODULES)
def test_scores_per_student(module: str, classroom: dict) -> None:
    workspace = classroom["workspace"]
    full, maximum = _auto_score(workspace, module, "ada")
    partial, _ = _auto_score(workspace, module, "ben")
    blank, _ = _auto_score(workspace, module, "cleo")
    assert maximum > 0
    assert full == maximum, "the student who answered from the key lost points"
    assert 0 < partial < maximum, f"partly right should earn some points: {partial}/{maximum}"
    assert blank == 0


def test_module_00_scores_are_exact(classroom: dict) -> None:
    workspace = classroom["workspace"]
    # Exercise A (1 point) left blank by ben; exercise B (2 points) answered.
    assert _auto_score(workspace, "00-start-here", "ada") == (3.0, 3.0)
    assert _auto_score(workspace, "00-start-here", "ben") == (2.0, 3.0)
    assert _auto_score(workspace, "00-start-here", "cleo") == (0.0, 3.0)


@pytest.mark.parametrize("module", MODULES)
def test_validate_tells_students_apart(module: str, classroom: dict) -> None:
    validation = classroom["validation"]
    assert "Success! Your notebook passes all the tests." in validation[("ada", module)]
    assert "Success!" not in validation[("cleo", module)]


def test_grades_are_exported_to_csv(classroom: dict) -> None:
    with (classroom["base"] / "grades.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["student_id"] for r in rows} == {"ada", "ben", "cleo"}
    assert {r["assignment"] for r in rows} == set(MODULES)
    for row in rows:
        if row["student_id"] == "cleo":
            assert float(row["raw_score"]) == 0.0
    assert len(rows) == 3 * len(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_feedback_reaches_each_student_without_hidden_tests(module: str, classroom: dict) -> None:
    workspace = classroom["workspace"]
    source = nbformat.read(workspace.source_notebook(module), as_version=4)
    hidden_lines = []
    for cell in source.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 15:
                hidden_lines.append(line.strip())
    assert hidden_lines, f"{module} has no hidden tests to hide"
    for student, home in classroom["homes"].items():
        pages = list((home / module / "feedback").glob(f"*/{module}.html"))
        assert len(pages) == 1, f"{student} has no feedback for {module}"
        page = pages[0].read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in page
        for line in hidden_lines:
            escaped = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert line not in page
            assert escaped not in page, f"hidden test shown to {student}: {line}"
