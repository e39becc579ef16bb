"""The safety checks as nbgrader pieces, named in the course's ``nbgrader_config.py``.

- :class:`RegularFilesCollect` (``ExchangeFactory.collect``): ``nbgrader collect``
  copies regular files only out of the exchange inbox;
- :class:`ExecuteUntilHung` (first in ``Autograde.autograde_preprocessors``, in place of
  nbgrader's ``Execute``): once a cell has timed out and the interrupted kernel no longer
  answers, the remaining cells are not sent to it, so a hung kernel costs one time limit,
  not one per cell;
- :func:`refuse_irregular_files` (``Autograde.pre_convert_hook``): before ``autograde``
  copies or reads a ``submitted/`` folder, refused entries are moved aside; a refused
  notebook is not graded;
- :class:`SanitizeNotebook` (in ``Autograde.sanitize_preprocessors`` and
  ``autograde_preprocessors``, and in ``GenerateFeedback.preprocessors``): no active
  content, outputs capped in bytes (:mod:`.sanitize`);
- :class:`FlagForgedResults` (in ``Autograde.autograde_preprocessors``, after
  ``SaveAutoGrades``): a notebook whose code reaches the grading machinery
  (:mod:`.forgery`) is flagged: its automatic scores are withheld in the gradebook
  (manual score 0, "needs manual grading", with the reasons as a comment) until the
  instructor decides;
- :class:`RedactHiddenTests` (in ``GenerateFeedback.preprocessors``, before
  ``ClearHiddenTests``): no output that quotes a hidden test reaches the feedback;
- :func:`protect_feedback` (``GenerateFeedback.post_convert_hook``): each feedback
  page carries a Content-Security-Policy that allows no script at all.

Every message printed names student files with control characters escaped.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from queue import Empty
from typing import Any

from nbformat import NotebookNode
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Float, Int, Unicode

from .files import clear_record, copy_regular_tree, quarantine, review_folder
from .forgery import Finding, analyse_cells
from .names import escape_name
from .sanitize import Limits, sanitize_notebook

__all__ = [
    "FEEDBACK_CSP",
    "ExecuteUntilHung",
    "FlagForgedResults",
    "RedactHiddenTests",
    "RegularFilesCollect",
    "SanitizeNotebook",
    "protect_feedback",
    "read_flags",
    "refuse_irregular_files",
    "review_notes",
]


def _say(message: str) -> None:
    print(f"[postparis safety] {message}", file=sys.stderr, flush=True)


# -- collect ---------------------------------------------------------------------------------------
class RegularFilesCollect(ExchangeCollect):
    """``nbgrader collect`` that copies regular files only (never a link or a device)."""

    def do_copy(self, src: str, dest: str, log: Any = None) -> None:
        """Copy one submission out of the inbox, refusing what is not a regular file."""
        from nbgrader.utils import ignore_patterns

        student, module = Path(dest).parent.name, Path(dest).name
        root = Path(self.coursedir.root)
        clear_record(root, student, module)
        ignore = ignore_patterns(
            exclude=self.coursedir.ignore,
            include=self.coursedir.include,
            max_file_size=self.coursedir.max_file_size,
            log=self.log,
        )
        refused = copy_regular_tree(Path(src), Path(dest), ignore)
        if refused:
            from .files import _record

            _record(root, student, module, refused)
        for refusal in refused:
            self.log.warning("%s: %s", escape_name(student), refusal.note())
        if refused and refused[0].path == ".":
            return


# -- autograde: before anything is read --------------------------------------------------------------
def refuse_irregular_files(
    assignment: str = "", student: str = "", notebooks: list[str] | None = None, **_: Any
) -> None:
    """``Autograde.pre_convert_hook``: move refused entries out of the submission folder.

    nbgrader passes the list of notebooks it is about to grade; refused notebooks are
    removed from it in place. nbgrader ignores an exception raised by a hook, so on any
    unexpected error every notebook is removed: the student is then reported as not
    graded, rather than graded from files that were not checked.
    """
    if not notebooks:
        return
    try:
        folder = Path(notebooks[0]).parent
        student_name, module = folder.parent.name, folder.name
        course = folder.parent.parent.parent
        if os.path.islink(folder.parent):
            refused = quarantine(folder.parent, course, student_name, module)  # refuses "."
        else:
            refused = quarantine(folder, course, student_name, module)
        for refusal in refused:
            _say(f"{escape_name(student_name)} {escape_name(module)}: {refusal.note()}")
        if refused and refused[0].path == ".":
            notebooks.clear()
            return
        for notebook in list(notebooks):
            if not (os.path.isfile(notebook) and not os.path.islink(notebook)):
                notebooks.remove(notebook)
    except Exception as error:  # fail closed: grade nothing unchecked
        _say(f"could not check the submission's files ({type(error).__name__}): not graded")
        notebooks.clear()


# -- preprocessors -------------------------------------------------------------------------------------
class SanitizeNotebook(NbGraderPreprocessor):
    """Remove active content and cap outputs in bytes (see :mod:`.sanitize`)."""

    max_output_bytes = Int(Limits.text_output, help="Bytes of one text output.").tag(config=True)
    max_cell_output_bytes = Int(Limits.cell_outputs, help="Bytes of one cell's outputs.").tag(
        config=True
    )
    max_notebook_output_bytes = Int(
        Limits.notebook_outputs, help="Bytes of all the outputs of a notebook."
    ).tag(config=True)
    max_attachment_bytes = Int(
        Limits.cell_attachments, help="Bytes of one Markdown cell's attachments."
    ).tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Sanitize the whole notebook; log what changed."""
        limits = Limits(
            text_output=self.max_output_bytes,
            cell_outputs=self.max_cell_output_bytes,
            notebook_outputs=self.max_notebook_output_bytes,
            cell_attachments=self.max_attachment_bytes,
        )
        for cell in nb.cells:
            grading = cell.get("metadata", {}).get("nbgrader", {})
            if isinstance(grading.get("grade_id"), str):
                grading["grade_id"] = escape_name(grading["grade_id"])
        report = sanitize_notebook(nb, limits)
        who = escape_name(str(resources.get("nbgrader", {}).get("student", "")))
        for line in report:
            self.log.warning("%s: %s", who, line)
        return nb, resources


def _course_root(preprocessor: NbGraderPreprocessor) -> Path:
    from nbgrader.coursedir import CourseDirectory

    return Path(CourseDirectory(config=preprocessor.config).root)


def read_flags(course: Path, student: str, module: str) -> dict[str, Any]:
    """Return the forgery flags recorded for ``student``'s ``module`` (``{}`` if none)."""
    path = review_folder(course, student, module) / "flags.json"
    try:
        return dict(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return {}


def review_notes(course: Path, student: str, module: str) -> list[str]:
    """Return the grade table's notes for a flagged submission (empty if it is not)."""
    flags = read_flags(course, student, module)
    notes = []
    for notebook, record in sorted(flags.items()):
        reasons = record.get("findings", [])
        shown = "; ".join(escape_name(str(r)) for r in reasons[:3])
        more = f" (+{len(reasons) - 3} more)" if len(reasons) > 3 else ""
        notes.append(
            f"FLAGGED for review: automatic score {record.get('withheld', 0):g} withheld "
            f"in {escape_name(notebook)} until you grade it by hand: {shown}{more}"
        )
    return notes


#: The line nbgrader writes above a cell it puts back into a submission.
_RESTORED_NOTE = re.compile(
    r"\A# This cell \(id:[^)\n]*\) was missing from the submission\. "
    r"It was added back by nbgrader\.\n\n"
)


class ExecuteUntilHung(Execute):
    """nbgrader's ``Execute``, which stops sending cells to a kernel that no longer answers.

    A cell over ``Execute.timeout`` is interrupted and recorded as a ``CellTimeoutError``
    (nbgrader's own behaviour). Then the kernel is asked for its ``kernel_info``: a
    kernel that does not answer within ``answer_wait`` seconds is hung (a student's code
    can make it ignore interrupts, or break the machinery that answers), and every later
    code cell gets an error output saying it was not run, instead of waiting the full
    time limit again. The tests of those cells fail, as they would after each timeout.
    """

    answer_wait = Float(
        15.0, help="Seconds an interrupted kernel has to answer before it is taken as hung."
    ).tag(config=True)

    _hung = False

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        """Execute ``nb`` with a kernel that is taken to answer until it does not."""
        self._hung = False
        configured: bool = self.raise_on_iopub_timeout  # type: ignore[has-type]  # untyped in nbgrader
        try:
            return super().preprocess(nb, resources, km=km)
        finally:
            self.raise_on_iopub_timeout = configured

    async def _async_handle_timeout(
        self, timeout: int, cell: NotebookNode | None = None
    ) -> dict[str, Any] | None:
        reply = await super()._async_handle_timeout(timeout, cell)
        if not await self._kernel_answers():
            self._hung = True
            # A hung kernel never says it is idle: record the timed-out cell and go on,
            # rather than failing the whole notebook on the missing status message.
            self.raise_on_iopub_timeout = False
            self.log.error(
                "The kernel did not answer %gs after the interrupt: the remaining cells "
                "are not run",
                self.answer_wait,
            )
        return reply

    async def _kernel_answers(self) -> bool:
        from jupyter_core.utils import ensure_async

        assert self.kc is not None
        asked = self.kc.kernel_info()
        loop = asyncio.get_running_loop()
        until = loop.time() + self.answer_wait
        while (left := until - loop.time()) > 0:
            try:
                message = await ensure_async(self.kc.shell_channel.get_msg(timeout=left))
            except Empty:
                return False
            if message["parent_header"].get("msg_id") == asked:
                return True
        return False

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        """Run ``cell``, or mark it as not run once the kernel has stopped answering."""
        if self._hung and cell.cell_type == "code" and cell.source.strip():
            cell.outputs = [
                NotebookNode(
                    output_type="error",
                    ename="KernelNotAnswering",
                    evalue="not run: the kernel stopped answering after an earlier cell",
                    traceback=[
                        "KernelNotAnswering: not run: the kernel stopped answering after "
                        "an earlier cell timed out"
                    ],
                )
            ]
            return cell, resources
        return super().preprocess_cell(cell, resources, index)


class FlagForgedResults(NbGraderPreprocessor):
    """Withhold the automatic score of a notebook whose code could forge results."""

    comment_prefix = Unicode("FLAGGED FOR REVIEW").tag(config=True)

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Analyse the student's code cells; flag the submission in the gradebook."""
        from nbgrader.api import Gradebook

        info = resources["nbgrader"]
        student, module, notebook = info["student"], info["assignment"], info["notebook"]
        with Gradebook(info["db_url"]) as gradebook:
            trusted = {
                cell.name: cell.source
                for cell in gradebook.find_notebook(notebook, module).source_cells
                if cell.locked
            }
        student_cells, trusted_sources = [], list(trusted.values())
        # A cell whose text is exactly one of the instructor's locked cells runs the
        # instructor's code, wherever it stands: nbgrader puts a deleted test cell back
        # without the student's metadata, and it must not count as the student's code.
        instructor_text = set(trusted_sources)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if _RESTORED_NOTE.sub("", cell.source, count=1) in instructor_text:
                continue
            student_cells.append((index, cell.source))
        findings = analyse_cells(student_cells, [*trusted_sources, *(s for _, s in student_cells)])
        self._record(student, module, notebook, findings, info["db_url"])
        return nb, resources

    def _record(
        self, student: str, module: str, notebook: str, findings: Sequence[Finding], db_url: str
    ) -> None:
        from nbgrader.api import Gradebook

        root = _course_root(self)
        flags = read_flags(root, student, module)
        flags.pop(notebook, None)
        if findings:
            withheld = 0.0
            with Gradebook(db_url) as gradebook:
                submitted = gradebook.find_submission_notebook(notebook, module, student)
                for grade in submitted.grades:
                    if grade.cell.cell_type == "code":
                        withheld += float(grade.auto_score or 0.0)
                        grade.manual_score = 0.0
                        grade.needs_manual_grade = True
                text = f"{self.comment_prefix}: " + "; ".join(f.text() for f in findings[:10])
                for comment in submitted.comments:
                    comment.auto_comment = text
                gradebook.db.commit()
            flags[notebook] = {
                "withheld": withheld,
                "findings": [f.text() for f in findings],
            }
            self.log.warning(
                "%s %s FLAGGED for review, automatic score %g withheld: %s",
                escape_name(student),
                escape_name(notebook),
                withheld,
                escape_name("; ".join(f.text() for f in findings[:5])),
            )
        folder = review_folder(root, student, module)
        if flags:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "flags.json").write_text(json.dumps(flags, indent=1), encoding="utf-8")
        elif (folder / "flags.json").exists():
            (folder / "flags.json").unlink()


class RedactHiddenTests(NbGraderPreprocessor):
    """Remove from the feedback every output that could show a hidden test.

    In a cell that holds hidden tests, only error outputs (shortened to one line by
    ``ClearHiddenTestTracebacks``) and printed lines that appear in the visible part of
    the cell's source are kept: anything else there was printed by student code (a
    hook) while the tests ran. In every other cell, an output that quotes a line of a
    hidden test is removed.
    """

    begin_marker = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_marker = Unicode("END HIDDEN TESTS").tag(config=True)
    #: Hidden lines shorter than this (``pass``, ``)``) are too common to look for.
    min_line = Int(8).tag(config=True)

    def _hidden_lines(self, nb: NotebookNode) -> tuple[set[str], dict[int, str]]:
        lines: set[str] = set()
        visible: dict[int, str] = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or self.begin_marker not in cell.source:
                continue
            inside, shown = False, []
            for line in cell.source.splitlines():
                if self.begin_marker in line:
                    inside = True
                elif self.end_marker in line:
                    inside = False
                elif inside:
                    squashed = _squash(line)
                    if len(squashed) >= self.min_line:
                        lines.add(squashed)
                else:
                    shown.append(line)
            visible[index] = "\n".join(shown)
        return lines, visible

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Redact outputs; log how many were removed."""
        hidden, visible = self._hidden_lines(nb)
        removed = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                text = _output_text(output)
                if index in visible and output.get("output_type") != "error":
                    allowed = all(
                        line.strip() in visible[index] for line in text.splitlines() if line.strip()
                    )
                    if not allowed or output.get("output_type") != "stream":
                        removed += 1
                        continue
                squashed = _squash(text)
                if hidden and any(line in squashed for line in hidden):
                    removed += 1
                    kept.append(
                        {
                            "output_type": "stream",
                            "name": "stdout",
                            "text": "[output removed from the feedback: it quoted a hidden test]\n",
                        }
                    )
                    continue
                kept.append(output)
            cell["outputs"] = [_node(o) for o in kept]
        if removed:
            self.log.warning("%d output(s) removed from the feedback", removed)
        return nb, resources


def _node(output: Any) -> Any:
    from nbformat import from_dict

    return from_dict(output)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _output_text(output: Any) -> str:
    parts = [str(output.get("text", "")), str(output.get("evalue", ""))]
    parts += [str(line) for line in output.get("traceback", [])]
    for value in output.get("data", {}).values():
        parts.append("".join(value) if isinstance(value, list) else str(value))
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", "\n".join(parts))


# -- feedback pages ----------------------------------------------------------------------------------------
#: No script of any kind, no frames, forms, plugins or outside requests; inline styles and
#: ``data:`` images (the figures) are allowed.
FEEDBACK_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
_META = f'<meta http-equiv="Content-Security-Policy" content="{FEEDBACK_CSP}">'


def protect_feedback(
    assignment: str = "", student: str = "", notebooks: list[str] | None = None, **_: Any
) -> None:
    """``GenerateFeedback.post_convert_hook``: put :data:`FEEDBACK_CSP` in each page."""
    for notebook in notebooks or []:
        path = Path(notebook)
        # autograded/<student>/<module>/<name>.ipynb -> feedback/<student>/<module>/<name>.html
        page = path.parents[3] / "feedback" / path.parent.parent.name / path.parent.name
        page = page / (path.stem + ".html")
        if page.is_file() and not page.is_symlink():
            text = page.read_text("utf-8")
            if _META not in text:
                text = re.sub(r"<head[^>]*>", lambda m: m.group(0) + "\n" + _META, text, count=1)
                page.write_text(text, "utf-8")
