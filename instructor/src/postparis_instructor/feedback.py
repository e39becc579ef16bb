"""Feedback that shows learners their work, results and comments, not the answer key.

Hidden tests are never shown, not even in a traceback; the mark scheme only if the
instructor turns it on.

nbgrader's ``ClearHiddenTests`` removes the hidden region from a test cell's source
before feedback is rendered, but a hidden test that failed leaves an error output whose
traceback quotes the lines around the failure, hidden ones included. The preprocessor
here, which must run before ``ClearHiddenTests``, replaces the traceback of every error
in a cell that holds hidden tests by its one-line summary (``NameError: name 'x' is not
defined``), which tells the student what failed without showing how it was tested.
"""

from __future__ import annotations

from typing import Any

from nbformat import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor
from traitlets import Bool, List, Unicode

__all__ = ["ClearHiddenTestTracebacks", "HideHiddenTests", "HideMarkScheme"]


class _Quiet(NbGraderPreprocessor):
    """An nbgrader preprocessor that accepts nbconvert's ``display_data_priority``.

    nbconvert's HTML exporter configures ``display_data_priority`` for every
    preprocessor; nbgrader's base class re-declares it without ``config=True``, so each
    nbgrader preprocessor in the feedback logs a false "not recognized" warning.
    """

    display_data_priority = List(
        ["text/html", "application/pdf", "text/latex", "image/svg+xml", "image/png", "text/plain"]
    ).tag(config=True)


class HideHiddenTests(_Quiet, ClearHiddenTests):
    """nbgrader's ``ClearHiddenTests`` for test cells only, without a false warning.

    Hidden tests live in locked test cells, which autograding restores from the key.
    nbgrader's version also reads every learner's cell, so an answer that merely
    contains the marker text ("BEGIN HIDDEN TESTS") stops the learner's feedback with
    an error; here a learner's cell is shown as written.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Clear the hidden tests of a test cell; leave every other cell alone."""
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if not nbgrader.get("grade") or nbgrader.get("solution"):
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


class ClearHiddenTestTracebacks(_Quiet):
    """Shorten error tracebacks in cells that contain hidden tests to one line."""

    begin_marker = Unicode("BEGIN HIDDEN TESTS").tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Replace the traceback of each error output of a hidden-test cell."""
        if cell.cell_type == "code" and self.begin_marker in cell.source:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    summary = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    output["traceback"] = [summary]
        return cell, resources


class HideMarkScheme(_Quiet):
    """Remove the mark scheme of the written questions from a learner's feedback.

    nbgrader puts a task cell's locked source, mark scheme included, back into the
    graded notebook, so by default feedback shows learners the whole scheme. This
    preprocessor removes the region between the delimiters from task cells only (a
    learner's own answer that quotes the delimiters is left alone and never crashes the
    feedback). ``c.HideMarkScheme.show_mark_scheme = True`` in the course's
    configuration keeps the scheme in feedback.
    """

    show_mark_scheme = Bool(
        False, help="Show learners the mark scheme of the written questions in their feedback."
    ).tag(config=True)
    begin_marker = Unicode("BEGIN MARK SCHEME").tag(config=True)
    end_marker = Unicode("END MARK SCHEME").tag(config=True)
    replacement = Unicode("(The mark scheme is not part of your feedback.)").tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Cut the mark scheme out of a task cell, unless it is to be shown."""
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if (
            self.show_mark_scheme
            or not nbgrader.get("task")
            or self.begin_marker not in cell.source
        ):
            return cell, resources
        kept, inside, cut = [], False, False
        for line in cell.source.split("\n"):
            if self.begin_marker in line and not inside:
                inside, cut = True, True
                kept.append(self.replacement)
            elif self.end_marker in line and inside:
                inside = False
            elif not inside:
                kept.append(line)
        if cut:
            cell.source = "\n".join(kept)
        return cell, resources
