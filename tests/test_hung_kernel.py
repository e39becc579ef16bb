"""A kernel that stops answering costs the grader one time limit, not one per cell.

The course's autograder runs notebooks with ``ExecuteUntilHung`` (nbgrader's
``Execute``, configured in ``assignments/nbgrader_config.py``). A cell over the time
limit is interrupted; a kernel that then still does not answer is hung, and the cells
after it are marked as not run. A kernel that an interrupt brings back goes on as usual.
"""

from __future__ import annotations

import time

import nbformat
import pytest
from nbformat import NotebookNode

from postparis_instructor.safety.nbgrader_hooks import ExecuteUntilHung

pytestmark = pytest.mark.slow

TIMEOUT = 5  # seconds per cell
WAIT = 3.0  # seconds an interrupted kernel has to answer

#: Breaks the machinery the kernel answers with: it ignores every later request.
HANG = "import builtins\nbuiltins.isinstance = lambda *args: True"
#: An ordinary endless loop: the interrupt stops it, and the kernel answers again.
LOOP = "while True:\n    pass"


def _run(first: str, later: int = 6) -> tuple[NotebookNode, float]:
    cells = [nbformat.v4.new_code_cell(first)]
    cells += [nbformat.v4.new_code_cell(f"print({n} * 7)") for n in range(later)]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    executor = ExecuteUntilHung(timeout=TIMEOUT, answer_wait=WAIT, kernel_name="python3")
    started = time.monotonic()
    executor.preprocess(nb, {"metadata": {"path": "."}})
    return nb, time.monotonic() - started


def _errors(cell: NotebookNode) -> list[str]:
    return [out.ename for out in cell.outputs if out.output_type == "error"]


def test_cells_after_a_hung_kernel_are_marked_not_run_not_waited_for() -> None:
    nb, seconds = _run(HANG)
    assert _errors(nb.cells[0]) == ["CellTimeoutError"]
    for cell in nb.cells[1:]:
        assert _errors(cell) == ["KernelNotAnswering"], cell.outputs
        assert "not run" in cell.outputs[0].evalue
    # Without the check, each of the six later cells would wait its own time limit too.
    print(f"\nhung kernel: {seconds:.1f} s for {len(nb.cells)} cells")


def test_a_kernel_an_interrupt_brings_back_runs_every_later_cell() -> None:
    nb, _ = _run(LOOP)
    assert _errors(nb.cells[0])[-1] == "CellTimeoutError"
    for n, cell in enumerate(nb.cells[1:]):
        assert _errors(cell) == []
        assert "".join(out.get("text", "") for out in cell.outputs) == f"{n * 7}\n"
