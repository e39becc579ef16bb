"""Run course notebooks headless and tell expected errors from real ones.

A student notebook executed top to bottom stops nowhere, but some of its cells fail by
design: an unanswered exercise raises ``NotImplementedError``, and the test cells after
it fail. :func:`unexpected_errors` returns every *other* error, which is a bug in the
notebook.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode

__all__ = [
    "CellError",
    "CellRole",
    "cell_role",
    "clean_notebook",
    "execute_notebook",
    "headless_environment",
    "notebook_errors",
    "unexpected_errors",
]

CellRole = Literal["solution", "tests", "answer", "task", "locked", "plain"]


def cell_role(cell: NotebookNode) -> CellRole:
    """Return the nbgrader role of ``cell``.

    ``"solution"``: the learner writes code or text here; ``"tests"``: an autograded
    test cell; ``"answer"``: a manually graded answer; ``"task"``: a manually graded
    task; ``"locked"``: a read-only cell; ``"plain"``: no nbgrader metadata.
    """
    meta = cell.get("metadata", {}).get("nbgrader")
    if not meta:
        return "plain"
    if meta.get("task"):
        return "task"
    if meta.get("solution") and meta.get("grade"):
        return "answer"
    if meta.get("solution"):
        return "solution"
    if meta.get("grade"):
        return "tests"
    return "locked"


@dataclass(frozen=True)
class CellError:
    """An error output of one executed cell."""

    index: int
    role: CellRole
    grade_id: str | None
    ename: str
    evalue: str

    def __str__(self) -> str:
        where = f"cell {self.index}" + (f" ({self.grade_id})" if self.grade_id else "")
        return f"{where}, a {self.role} cell: {self.ename}: {self.evalue}"


def notebook_errors(nb: NotebookNode) -> list[CellError]:
    """Return every error output in an executed notebook, in cell order."""
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                meta = cell.get("metadata", {}).get("nbgrader", {})
                errors.append(
                    CellError(
                        index=index,
                        role=cell_role(cell),
                        grade_id=meta.get("grade_id"),
                        ename=output.get("ename", ""),
                        evalue=output.get("evalue", ""),
                    )
                )
    return errors


def unexpected_errors(nb: NotebookNode) -> list[CellError]:
    """Return the errors an unanswered exercise does not explain.

    Allowed by design: ``NotImplementedError`` in a solution cell (the stub nbgrader
    leaves), and any error in an autograded test cell (it tests an answer that is not
    there yet). Everything else is returned.
    """
    allowed = []
    for error in notebook_errors(nb):
        if error.role == "solution" and error.ename == "NotImplementedError":
            continue
        if error.role == "tests":
            continue
        allowed.append(error)
    return allowed


@contextmanager
def headless_environment(extra: Mapping[str, str] | None = None) -> Iterator[None]:
    """Set ``POSTPARIS_HEADLESS=1`` (and ``extra``) for kernels started inside the block."""
    saved = dict(os.environ)
    os.environ["POSTPARIS_HEADLESS"] = "1"
    os.environ.update(extra or {})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def execute_notebook(
    path: Path,
    *,
    cwd: Path | None = None,
    timeout: int = 120,
    allow_errors: bool = True,
) -> NotebookNode:
    """Execute the notebook at ``path`` headless and return it with its outputs.

    The kernel runs with ``POSTPARIS_HEADLESS=1`` in ``cwd`` (default: the notebook's
    folder), as the course's tests and benchmarks expect. The file is not modified.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd or path.parent)}},
    )
    with headless_environment():
        client.execute()
    return nb


def clean_notebook(nb: NotebookNode) -> NotebookNode:
    """Remove outputs, execution counts and widget state, in place; return ``nb``."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb
