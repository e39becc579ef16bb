"""Only students on the roster are graded; every other folder is set aside and named.

``postparis-instructor grade`` looks at ``submitted/`` before nbgrader does. A folder
that is no student's (an unknown id, a case or space variant of a real one, a name with
a newline or another control character) is never graded, never reaches a worker (whose
protocol is one id per line) and is named in the report with its control characters
escaped, so that ``ada`` and ``ada `` never look alike.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from postparis_instructor import grading

MODULE = "01-the-argument"
ROSTER = ["ada", "ben", "cleo"]
SUBMITTED = {
    "ada": "graded",
    "ben": "graded",
    "Ada": "not on the roster (it looks like ada",
    "ada ": "spaces or control characters",
    "ada lovelace": "spaces or control characters",
    "root": "not on the roster (if this is your student: nbgrader db student add root)",
    "eve\nben": "spaces or control characters",
    "mallory\x1b[2J": "spaces or control characters",
}


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, object]:
    for student in SUBMITTED:
        folder = tmp_path / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), folder / f"{MODULE}.ipynb")
    mark = "\x00student\x00"
    return {
        "module": MODULE,
        "root": str(tmp_path),
        "pattern": str(tmp_path / "submitted" / "*" / MODULE),
        "template": str(tmp_path / "submitted" / mark / MODULE),
        "expected": [f"{MODULE}.ipynb"],
        "roster": ROSTER,
    }


def test_only_the_roster_is_graded(layout: dict[str, object]) -> None:
    found = {s.student: s for s in grading._discover(layout, None)}
    assert set(found) == set(SUBMITTED)
    for student, expected in SUBMITTED.items():
        submission = found[student]
        if expected == "graded":
            assert submission.problem == "", submission.reason
        else:
            assert submission.problem == "set-aside"
            assert expected in submission.reason, (student, submission.reason)


def test_without_a_roster_only_unsafe_names_are_set_aside(layout: dict[str, object]) -> None:
    layout = {**layout, "roster": []}
    aside = {s.student for s in grading._discover(layout, None) if s.problem == "set-aside"}
    assert aside == {"ada ", "ada lovelace", "eve\nben", "mallory\x1b[2J"}


def test_a_requested_student_with_a_newline_is_set_aside(layout: dict[str, object]) -> None:
    [submission] = grading._discover(layout, ["eve\nben"])
    assert submission.problem == "set-aside"


def test_report_escapes_names(layout: dict[str, object]) -> None:
    outcomes = []
    for submission in grading._discover(layout, None):
        if submission.problem:
            outcomes.append(
                grading.Outcome(submission.student, "set aside", reason=submission.reason)
            )
        else:
            outcomes.append(grading.Outcome(submission.student, "graded", 3.0, 3.0, 1.0))
    table = grading.format_table(outcomes, MODULE, 2.0, 2)
    assert "\x1b" not in table
    assert '"mallory\\x1b[2J"' in table
    assert '"eve\\nben"' in table
    assert '"ada "' in table
    assert len(table.splitlines()) == 4 + len(SUBMITTED) + 2  # one line per folder
    assert "2 graded, 0 incomplete" in table
    assert "6 set aside" in table
    for outcome in outcomes:
        line = grading.format_progress(outcome, 1, len(outcomes))
        assert "\n" not in line
        assert "\x1b" not in line
    json.dumps([o.student for o in outcomes])  # the names themselves are kept intact


def test_shown_leaves_ordinary_names_alone() -> None:
    assert grading.shown("ada") == "ada"
    assert grading.shown("zoë") == "zoë"
    assert grading.shown("ada ") == '"ada "'
    assert grading.shown("a\tb") == '"a\\tb"'


def test_resume_skips_only_clean_unchanged_gradings(
    layout: dict[str, object], tmp_path: Path
) -> None:
    """A clean grading is recorded; a killed or changed one is graded again."""
    layout = {
        **layout,
        "graded_template": str(tmp_path / "autograded" / "\x00student\x00" / MODULE),
    }
    for student in ("ada", "ben"):
        graded = tmp_path / "autograded" / student / MODULE
        graded.mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), graded / f"{MODULE}.ipynb")
        state = grading._state_file(tmp_path, MODULE, student)
        state.parent.mkdir(parents=True, exist_ok=True)
        stamp = grading._stamp(tmp_path / "submitted" / student / MODULE)
        state.write_text(json.dumps({"score": 15, "max_score": 15, "stamp": stamp}))
    # ben resubmits; a killed grader had removed cleo's graded folder: both graded again.
    (tmp_path / "submitted" / "ben" / MODULE / "timestamp.txt").write_text("2026-12-03 10:00:00")
    found = {s.student: s for s in grading._discover(layout, None, force=False)}
    assert found["ada"].problem == "already"
    assert found["ben"].problem == ""
    forced = {s.student: s for s in grading._discover(layout, None, force=True)}
    assert forced["ada"].problem == ""
    (tmp_path / "autograded" / "ada" / MODULE / f"{MODULE}.ipynb").unlink()
    found = {s.student: s for s in grading._discover(layout, None, force=False)}
    assert found["ada"].problem == "", "a half-graded submission must be graded again"


def test_an_interrupted_class_without_a_roster_makes_no_roster(tmp_path: Path) -> None:
    """The students a killed run had reached are no roster for the same module's resume."""
    module = "00-start-here"
    grading._note_graded_without_roster(tmp_path, module, ["ada", "ben", "cy"])
    # nbgrader had added only ada and ben to the gradebook when the run was killed
    assert grading._effective_roster(["ada", "ben"], tmp_path, module) == []
    # a real roster (someone beyond this module's own graded) still counts, here and elsewhere
    assert grading._effective_roster(["ada", "ben", "dan"], tmp_path, module) == [
        "ada",
        "ben",
        "dan",
    ]
    assert grading._effective_roster(["ada", "ben"], tmp_path, "01-the-argument") == ["ada", "ben"]
