"""Ordinary mistakes in a submission still get the grade the remaining answers earn.

Module 00 has two exercises: A (1 point) and B (2 points). Each learner below starts
from the answer key and makes one ordinary mistake. Plain nbgrader 0.9.6 gives the
first two a ``KeyError`` (no grade), the third no feedback, and the fourth an error
that names a method nbgrader lacks (``CourseDirectory.fail``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import instructor_grade

from postparis_instructor.course import CourseWorkspace, nbgrader_environment
from postparis_instructor.notebooks import cell_role

pytestmark = pytest.mark.slow

MODULE = "00-start-here"
EXPECTED = {
    "key": 3.0,
    "duplicated": 3.0,  # the answer cell of exercise B pasted twice
    "deleted": 2.0,  # exercise A's answer and test deleted: A scores 0, B still counts
    "marker": 3.0,  # an answer mentions "BEGIN HIDDEN TESTS" in a comment
    "badstamp": 3.0,  # timestamp.txt holds no date
}


def _key_answers(workspace: CourseWorkspace) -> nbformat.NotebookNode:
    key = nbformat.read(workspace.source_notebook(MODULE), as_version=4)
    notebook = nbformat.read(workspace.release_notebook(MODULE), as_version=4)
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in key.cells
        if cell_role(c) in {"solution", "answer"}
    }
    for cell in notebook.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in solutions:
            cell.source = solutions[gid]
    return notebook


def _index(notebook: nbformat.NotebookNode, grade_id: str) -> int:
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]
    return ids.index(grade_id)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    workspace = CourseWorkspace(tmp_path_factory.mktemp("mistakes") / "course", modules=[MODULE])
    workspace.generate(MODULE)
    for student in EXPECTED:
        notebook = _key_answers(workspace)
        if student == "duplicated":
            at = _index(notebook, "proposal_paragraphs_answer")
            pasted = nbformat.from_dict(notebook.cells[at])
            pasted["id"] = "pasted-copy"  # JupyterLab gives a pasted cell a new id only
            notebook.cells.insert(at + 1, pasted)
        elif student == "deleted":
            at = _index(notebook, "brennan_first_paragraph_answer")
            del notebook.cells[at : at + 2]
        elif student == "marker":
            at = _index(notebook, "proposal_paragraphs_answer")
            notebook.cells[at].source += "\n# I wondered what BEGIN HIDDEN TESTS means"
        folder = workspace.root / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{MODULE}.ipynb")
        if student == "badstamp":
            (folder / "timestamp.txt").write_text("yesterday, just before the deadline\n")
    grade = instructor_grade(
        workspace, MODULE, "--course-dir", str(workspace.root), "--workers", "2"
    )
    feedback = workspace.nbgrader("generate_feedback", MODULE, "--force", check=False)
    return {"workspace": workspace, "grade": grade, "feedback": feedback}


@pytest.mark.parametrize("student", EXPECTED)
def test_each_gets_what_the_remaining_answers_earn(student: str, graded: dict) -> None:
    workspace: CourseWorkspace = graded["workspace"]
    records = [g for g in workspace.grades(MODULE, student) if g.auto]
    score = sum(g.score or 0 for g in records)
    line = next(x for x in graded["grade"].stdout.splitlines() if x.startswith(f"{student} "))
    # The grade the remaining answers earn: an ordinary mistake is no forgery, so nothing
    # is withheld (a test cell nbgrader puts back is the instructor's code).
    assert "FLAGGED" not in line, graded["grade"].stdout
    assert score == EXPECTED[student], graded["grade"].stdout
    assert sum(g.max_score for g in records) == 3.0


def test_the_class_is_graded_cleanly_and_the_bad_timestamp_is_named(graded: dict) -> None:
    done = graded["grade"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KeyError" not in done.stdout + done.stderr
    assert f"{len(EXPECTED)} graded, 0 incomplete" in done.stdout
    line = next(x for x in done.stdout.splitlines() if x.startswith("badstamp "))
    assert "timestamp.txt is not a date" in line


def test_every_learner_gets_feedback(graded: dict) -> None:
    workspace: CourseWorkspace = graded["workspace"]
    assert graded["feedback"].returncode == 0, graded["feedback"].stdout + graded["feedback"].stderr
    for student in EXPECTED:
        page = workspace.root / "feedback" / student / MODULE / f"{MODULE}.html"
        assert page.is_file(), f"no feedback for {student}"
    marker = (workspace.root / "feedback" / "marker" / MODULE / f"{MODULE}.html").read_text()
    assert "I wondered what BEGIN HIDDEN TESTS means" in marker


def test_plain_nbgrader_grades_them_too(graded: dict) -> None:
    workspace: CourseWorkspace = graded["workspace"]
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "nbgrader"),
            "autograde",
            MODULE,
            "--force",
            "--student",
            "deleted",
        ],
        cwd=workspace.root,
        env=nbgrader_environment(workspace.env()),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "KeyError" not in done.stdout + done.stderr


def test_a_submission_over_its_budget_is_stopped_and_named(graded: dict) -> None:
    """Each cell is under the per-cell limit; the whole submission is over its budget."""
    workspace: CourseWorkspace = graded["workspace"]
    notebook = _key_answers(workspace)
    at = _index(notebook, "proposal_paragraphs_answer")
    notebook.cells[at].source = "import time\ntime.sleep(50)\n" + notebook.cells[at].source
    folder = workspace.root / "submitted" / "sleeper" / MODULE
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{MODULE}.ipynb")
    workspace.nbgrader("db", "student", "add", "sleeper")  # the roster now has students
    done = instructor_grade(
        workspace, MODULE, "--student", "sleeper", "--budget", "20", timeout=600
    )
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("sleeper "))
    assert "NOT graded" in line
    assert "over the budget of 20 s" in line
    # Nothing half-graded is left where feedback would be made from it.
    assert not (workspace.root / "autograded" / "sleeper" / MODULE).exists()
