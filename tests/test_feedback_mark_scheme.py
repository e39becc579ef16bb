"""Feedback shows learners their work, results and comments, not the mark scheme.

nbgrader restores a task cell's locked source (mark scheme included) in the graded
notebook, so plain feedback hands every learner the scheme. The course's feedback
leaves it out unless ``c.HideMarkScheme.show_mark_scheme = True``; a learner's own
answer that quotes the delimiters is left alone and never breaks their feedback.
"""

from __future__ import annotations

import nbformat
from conftest import ROOT
from traitlets.config import Config

from postparis_instructor.feedback import HideMarkScheme

SCHEME = "Full marks: three pieces of evidence with paragraph numbers."


def _task(source: str, task: bool = True) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["nbgrader"] = {"task": task, "grade_id": "steelman", "points": 4}
    return cell


def _run(cell: nbformat.NotebookNode, config: Config | None = None) -> str:
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb, _ = HideMarkScheme(config=config or Config()).preprocess(nb, {})
    return nb.cells[0].source


QUESTION = (
    f"Steelman the reading.\n=== BEGIN MARK SCHEME ===\n{SCHEME}\n=== END MARK SCHEME ===\nAfter."
)


def test_the_mark_scheme_is_left_out_by_default() -> None:
    shown = _run(_task(QUESTION))
    assert SCHEME not in shown
    assert "BEGIN MARK SCHEME" not in shown
    assert shown.startswith("Steelman the reading.")
    assert shown.endswith("After.")


def test_the_instructor_can_turn_it_on() -> None:
    config = Config({"HideMarkScheme": {"show_mark_scheme": True}})
    assert _run(_task(QUESTION), config) == QUESTION


def test_a_learners_answer_quoting_the_marker_is_untouched() -> None:
    answer = "I think === BEGIN MARK SCHEME === is funny, and no end marker follows"
    assert _run(_task(answer, task=False)) == answer


def test_an_unclosed_scheme_in_a_task_is_cut_without_error() -> None:
    shown = _run(_task(f"Question\n=== BEGIN MARK SCHEME ===\n{SCHEME}"))
    assert SCHEME not in shown


def test_the_course_configuration_uses_it() -> None:
    text = (ROOT / "assignments" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert ".feedback.HideMarkScheme" in text
    assert "c.HideMarkScheme.show_mark_scheme = False" in text
