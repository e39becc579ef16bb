"""Feedback that never shows hidden tests, not even in a traceback.

nbgrader's ``ClearHiddenTests`` removes the hidden region from a test cell's source
before feedback is rendered, but a hidden test that failed leaves an error output whose
traceback quotes the lines around the failure, hidden ones included. The preprocessor
here, which must run before ``ClearHiddenTests``, replaces the traceback of every error
in a cell that holds hidden tests by its one-line summary (``NameError: name 'x' is not
defined``), which tells the student what failed without showing how it was tested.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

__all__ = ["ClearHiddenTestTracebacks"]


class ClearHiddenTestTracebacks(NbGraderPreprocessor):
    """Shorten error tracebacks in cells that contain hidden tests to one line."""

    begin_marker = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict, index: int
    ) -> tuple[NotebookNode, dict]:
        """Replace the traceback of each error output of a hidden-test cell."""
        if cell.cell_type == "code" and self.begin_marker in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    summary = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    output["traceback"] = [summary]
        return cell, resources
