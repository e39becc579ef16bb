"""Feedback preprocessing: a failed hidden test's traceback never quotes hidden lines."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from postparis_instructor.feedback import ClearHiddenTestTracebacks

HIDDEN_CELL = '''"""Checks x."""
assert x == 1
### BEGIN HIDDEN TESTS
assert x == 42, "secret expectation"
### END HIDDEN TESTS
'''


def _error(evalue: str) -> nbformat.NotebookNode:
    return new_output(
        "error",
        ename="AssertionError",
        evalue=evalue,
        traceback=["----", "      3 ### BEGIN HIDDEN TESTS", "----> 4 assert x == 42", evalue],
    )


def test_tracebacks_of_hidden_test_cells_become_one_line() -> None:
    hidden = new_code_cell(HIDDEN_CELL, outputs=[_error("secret expectation")])
    visible = new_code_cell("assert y == 2", outputs=[_error("visible")])
    nb = new_notebook(cells=[hidden, visible])
    nb, _ = ClearHiddenTestTracebacks().preprocess(nb, {})
    assert nb.cells[0].outputs[0]["traceback"] == ["AssertionError: secret expectation"]
    assert "BEGIN HIDDEN TESTS" not in "".join(nb.cells[0].outputs[0]["traceback"])
    # A cell without hidden tests keeps its full traceback: it shows only visible code.
    assert len(nb.cells[1].outputs[0]["traceback"]) == 4


def test_the_course_config_runs_it_before_clearing_hidden_tests() -> None:
    from conftest import ROOT

    config = (ROOT / "assignments" / "nbgrader_config.py").read_text(encoding="utf-8")
    ours = config.index("postparis_instructor.feedback.ClearHiddenTestTracebacks")
    theirs = config.index("postparis_instructor.feedback.HideHiddenTests")  # ClearHiddenTests
    assert ours < theirs
