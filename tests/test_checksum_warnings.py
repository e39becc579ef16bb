"""Plain ``nbgrader autograde`` warns of a changed read-only cell only when a learner changed it.

nbgrader 0.9.6 keeps each locked cell in the gradebook as it was before the release
removed its hidden tests (or mark scheme), but learners receive it without them, so it
warned ``Attribute 'checksum' ... has changed!`` for every such cell of every untouched
submission (jupyter/nbgrader#1961): 2 per learner in module 00, 10 in module 01. The
course's ``KeepCells`` compares a locked cell with its released text instead. These
tests prove both halves: a correct, untouched submission gets no warning and its hidden
tests are put back and run; an edited test cell is still reported, and undone.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from nbformat import from_dict
from traitlets.config import Config

from postparis_instructor.autograde import KeepCells, _release_steps_after_saving
from postparis_instructor.course import CourseWorkspace

MODULE = "00-start-here"
WARNING = re.compile(r"Attribute '(\w+)' for cell (\S+) has changed!")
MARK = "=== BEGIN MARK SCHEME ==="


def _source(cell: dict[str, Any]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else str(text)


def _nbgrader(cell: dict[str, Any]) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


# -- fast: the comparison itself ------------------------------------------------------


def test_the_release_steps_after_saving_are_read_from_the_configuration() -> None:
    """nbgrader's default release and the course's both clear hidden tests and mark schemes."""
    names = [step.__name__ for step in _release_steps_after_saving(Config())]
    assert names == ["ClearHiddenTests", "ClearMarkScheme"]
    course = Config()
    course.GenerateAssignment.preprocessors = [
        "postparis_instructor.release.ReleaseLinks",
        "nbgrader.preprocessors.ComputeChecksums",
        "nbgrader.preprocessors.SaveCells",
        "nbgrader.preprocessors.ClearHiddenTests",
        "nbgrader.preprocessors.ComputeChecksums",
    ]
    assert [s.__name__ for s in _release_steps_after_saving(course)] == ["ClearHiddenTests"]


def test_a_written_question_is_compared_without_its_mark_scheme() -> None:
    """A task cell as released (no mark scheme) matches its key; an edited one does not."""
    key = f"Why?\n\n{MARK}\nA full answer names two reasons.\n=== END MARK SCHEME ==="
    meta = {"grade_id": "why", "task": True, "grade": False, "solution": False}
    meta.update(locked=True, points=4, schema_version=3)
    released = from_dict(
        {"cell_type": "markdown", "source": "Why?\n", "metadata": {"nbgrader": meta}}
    )
    keep = KeepCells()
    assert keep._as_released(released, key)
    edited = from_dict({**released, "source": "Why? (I changed the question)\n"})
    assert not keep._as_released(edited, key)


# -- slow: plain nbgrader autograde of real submissions ----------------------------------


@pytest.fixture(scope="module")
def autograded(tmp_path_factory: pytest.TempPathFactory) -> tuple[CourseWorkspace, str]:
    """Module 00 released, then a right and a tampering submission autograded by plain nbgrader."""
    course = CourseWorkspace(tmp_path_factory.mktemp("checksums") / "course", modules=[MODULE])
    released = json.loads(course.generate(MODULE).read_text(encoding="utf-8"))
    key = json.loads(course.source_notebook(MODULE).read_text(encoding="utf-8"))
    answers = {
        _nbgrader(c)["grade_id"]: _source(c) for c in key["cells"] if _nbgrader(c).get("solution")
    }
    right = json.loads(json.dumps(released))
    for cell in right["cells"]:
        if _nbgrader(cell).get("solution"):
            cell["source"] = answers[_nbgrader(cell)["grade_id"]]
    # A learner who answered nothing replaces a test with one that always passes.
    tampered = json.loads(json.dumps(released))
    test_cell = next(
        c for c in tampered["cells"] if _nbgrader(c).get("grade") and _nbgrader(c).get("locked")
    )
    test_cell["source"] = "print('all good')\n"
    for student, notebook in (("right", right), ("tamper", tampered)):
        path = course.root / f"{student}.ipynb"
        path.write_text(json.dumps(notebook), encoding="utf-8")
        course.submit(student, MODULE, path)
    done = course.autograde(MODULE)  # nbgrader autograde 00-start-here --force --create
    return course, done.stdout + done.stderr


def _warnings_by_student(log: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    student = ""
    for line in log.splitlines():
        if (seen := re.search(r"Sanitizing .*/submitted/([^/]+)/", line)) is not None:
            student = seen[1]
            found.setdefault(student, [])
        elif (warning := WARNING.search(line)) is not None:
            found.setdefault(student, []).append((warning[1], warning[2]))
    return found


@pytest.mark.slow
def test_a_correct_untouched_submission_gets_no_checksum_warning(
    autograded: tuple[CourseWorkspace, str],
) -> None:
    """No 'has changed!' warning for the right answers; full marks, hidden tests run."""
    course, log = autograded
    assert _warnings_by_student(log)["right"] == [], log[-3000:]
    scores = {g.grade_id: g.score for g in course.grades(MODULE, "right") if g.auto}
    assert sum(s or 0 for s in scores.values()) == 3, scores
    graded = course.root / "autograded" / "right" / MODULE / f"{MODULE}.ipynb"
    cells = json.loads(graded.read_text(encoding="utf-8"))["cells"]
    hidden = [_nbgrader(c)["grade_id"] for c in cells if "BEGIN HIDDEN TESTS" in _source(c)]
    assert len(hidden) == 2, "the hidden tests were not put back for grading"


@pytest.mark.slow
def test_an_edited_test_cell_is_still_reported_and_undone(
    autograded: tuple[CourseWorkspace, str],
) -> None:
    """The tampered test cell is named in a warning, put back, and fails for a blank answer."""
    course, log = autograded
    warnings = _warnings_by_student(log)["tamper"]
    assert len(warnings) == 1, warnings
    kind, cell = warnings[0]
    assert kind == "checksum", warnings
    grades = {g.grade_id: g.score for g in course.grades(MODULE, "tamper") if g.auto}
    assert grades[cell] == 0, grades
    assert sum(s or 0 for s in grades.values()) == 0, grades
