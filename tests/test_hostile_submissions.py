"""Broken and hostile submissions, graded as one batch beside good ones, for every module.

What nbgrader itself guarantees, and what this suite pins down:

- test cells edited, test cells deleted, locked cells edited: nbgrader puts the locked
  and test cells back from the gradebook (``OverwriteCells``, ``add_missing_cells``), so
  a key-based submission still earns exactly full marks;
- an infinite loop: stopped by the per-cell timeout; only the looping exercise is lost;
- a crashing kernel (``os._exit``), a notebook that is not JSON, a renamed notebook:
  0 points, and nbgrader's closing summary names the student;
- a huge output: trimmed (``LimitOutput``), graded normally;
- extra files: ignored;
- a cell that redefines the checking helpers the visible tests use: the hidden tests use
  plain ``assert`` on literal values, so the submission still earns nothing;
- the other students are graded exactly as alone, and the gradebook stays intact.

Reading the key or the gradebook, and writing other students' work, are not stopped
by nbgrader at all (it runs student code with the grader's rights): the grading sandbox
(``tests/test_sandbox*.py``) covers those.
"""

from __future__ import annotations

import ast
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from conftest import MODULES
from nbformat import NotebookNode

from postparis_instructor.course import CourseWorkspace
from postparis_instructor.notebooks import cell_role

pytestmark = pytest.mark.slow

#: A short per-cell timeout keeps the infinite loop cheap in the test.
CELL_TIMEOUT = 20


def _solution_code_cells(nb: NotebookNode) -> list[NotebookNode]:
    return [c for c in nb.cells if cell_role(c) == "solution" and c.cell_type == "code"]


def _edit_tests(nb: NotebookNode) -> None:
    for cell in nb.cells:
        if cell_role(cell) == "tests":
            cell.source = "pass  # the student emptied this test"


def _delete_tests(nb: NotebookNode) -> None:
    nb.cells = [c for c in nb.cells if cell_role(c) != "tests"]


def _edit_locked(nb: NotebookNode) -> None:
    for cell in nb.cells:
        if cell_role(cell) in {"tests", "locked", "task"}:
            cell.source = "# edited by the student\n" + (
                "pass" if cell.cell_type == "code" else "(the question was rewritten)"
            )


def _infinite_loop(nb: NotebookNode) -> None:
    cell = _solution_code_cells(nb)[-1]
    cell.source = "while True:\n    pass\n" + cell.source


def _crash(nb: NotebookNode) -> None:
    cell = _solution_code_cells(nb)[0]
    cell.source = "import os\nos._exit(1)\n" + cell.source


def _huge_output(nb: NotebookNode) -> None:
    cell = _solution_code_cells(nb)[0]
    cell.source = "for _i in range(200_000):\n    print('spam ' * 20)\n" + cell.source


PATCH_CHECKS = """\
import postparis.checks as _checks
for _name in dir(_checks):
    if _name.startswith("expect"):
        setattr(_checks, _name, lambda *args, **kwargs: None)
"""


def _redefine_checks(nb: NotebookNode) -> None:
    """Turn every check into a no-op and every answer into a wrong placeholder."""
    for index, cell in enumerate(_solution_code_cells(nb)):
        tree = ast.parse(cell.source)
        lines = [PATCH_CHECKS] if index == 0 else []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                lines.append(f"def {node.name}(*args, **kwargs):\n    return None")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        lines.append(f"{target.id} = None")
        cell.source = "\n".join(lines) or "pass"


VARIANTS: dict[str, Callable[[NotebookNode], None]] = {
    "edited-tests": _edit_tests,
    "deleted-tests": _delete_tests,
    "edited-locked": _edit_locked,
    "infinite-loop": _infinite_loop,
    "crash": _crash,
    "huge-output": _huge_output,
    "redefines-checks": _redefine_checks,
}


def _submit_variant(
    workspace: CourseWorkspace, module: str, student: str, change: Callable[[NotebookNode], None]
) -> None:
    nb = nbformat.read(workspace.source_notebook(module), as_version=4)
    change(nb)
    folder = workspace.root / "submitted" / student / module
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{module}.ipynb")


def _folder(workspace: CourseWorkspace, module: str, student: str) -> Path:
    folder = workspace.root / "submitted" / student / module
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    workspace = CourseWorkspace(tmp_path_factory.mktemp("hostile") / "course")
    runs: dict[str, dict[str, object]] = {}
    for module in MODULES:
        workspace.generate(module)
        workspace.submit("good", module, workspace.source_notebook(module))
        workspace.submit("blank", module, workspace.release_notebook(module))
        for student, change in VARIANTS.items():
            _submit_variant(workspace, module, student, change)
        (_folder(workspace, module, "not-json") / f"{module}.ipynb").write_text("{not json")
        (_folder(workspace, module, "no-notebook") / "notes.txt").write_text("forgot it")
        renamed = _folder(workspace, module, "renamed") / "my-work.ipynb"
        renamed.write_bytes(workspace.source_notebook(module).read_bytes())
        extra = workspace.submit("extra-files", module, workspace.source_notebook(module)).parent
        (extra / "notes.txt").write_text("my notes")
        (extra / "scratch").mkdir()
        (extra / "scratch" / "data.csv").write_text("a,b\n1,2\n")
        started = time.perf_counter()
        done = workspace.nbgrader(
            "autograde",
            module,
            "--force",
            "--create",
            f"--Execute.timeout={CELL_TIMEOUT}",
            check=False,
        )
        runs[module] = {"done": done, "seconds": time.perf_counter() - started}
    return {"workspace": workspace, "runs": runs}


def _score(workspace: CourseWorkspace, module: str, student: str) -> tuple[float, float]:
    records = [g for g in workspace.grades(module, student) if g.auto]
    return sum(g.score or 0 for g in records), sum(g.max_score for g in records)


FULL_MARKS = [
    "good",
    "edited-tests",
    "deleted-tests",
    "edited-locked",
    "huge-output",
    "extra-files",
]
ZERO = ["blank", "redefines-checks", "crash", "not-json", "renamed"]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("student", FULL_MARKS)
def test_tampering_and_noise_do_not_change_a_correct_grade(
    module: str, student: str, batch: dict
) -> None:
    score, maximum = _score(batch["workspace"], module, student)
    assert maximum > 0
    assert score == maximum, f"{student} earned {score}/{maximum} in {module}"


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("student", ZERO)
def test_broken_or_cheating_submissions_earn_nothing(
    module: str, student: str, batch: dict
) -> None:
    score, _ = _score(batch["workspace"], module, student)
    assert score == 0, f"{student} earned {score} in {module}"


@pytest.mark.parametrize("module", MODULES)
def test_an_infinite_loop_costs_only_its_exercise(module: str, batch: dict) -> None:
    workspace = batch["workspace"]
    score, maximum = _score(workspace, module, "infinite-loop")
    assert score < maximum
    # The loop sits in the last exercise; every earlier test cell still ran.
    records = workspace.grades(module, "infinite-loop")
    assert all(r.score is not None for r in records if r.auto)
    assert batch["runs"][module]["seconds"] < 20 * CELL_TIMEOUT


def test_module_00_infinite_loop_keeps_exercise_a(batch: dict) -> None:
    assert _score(batch["workspace"], "00-start-here", "infinite-loop") == (1.0, 3.0)


@pytest.mark.parametrize("module", MODULES)
def test_locked_cells_are_restored_in_the_graded_notebook(module: str, batch: dict) -> None:
    workspace = batch["workspace"]
    graded = nbformat.read(
        workspace.root / "autograded" / "edited-locked" / module / f"{module}.ipynb", as_version=4
    )
    assert not any("edited by the student" in c.source for c in graded.cells)
    deleted = nbformat.read(
        workspace.root / "autograded" / "deleted-tests" / module / f"{module}.ipynb", as_version=4
    )
    source = nbformat.read(workspace.source_notebook(module), as_version=4)
    assert sum(cell_role(c) == "tests" for c in deleted.cells) == sum(
        cell_role(c) == "tests" for c in source.cells
    )


@pytest.mark.parametrize("module", MODULES)
def test_huge_output_is_trimmed(module: str, batch: dict) -> None:
    graded = batch["workspace"].root / "autograded" / "huge-output" / module / f"{module}.ipynb"
    assert graded.stat().st_size < 2_000_000


@pytest.mark.parametrize("module", MODULES)
def test_the_instructor_is_told_which_submissions_failed(module: str, batch: dict) -> None:
    done = batch["runs"][module]["done"]
    output = done.stdout + done.stderr
    assert done.returncode == 1, "autograde should exit 1 when a submission fails"
    for student in ("crash", "not-json", "renamed"):
        assert f"for student '{student}'" in output
    assert "for student 'good'" not in output
    assert f"submitted/no-notebook/{module}/*.ipynb" in output


@pytest.mark.parametrize("module", MODULES)
def test_a_submission_without_a_notebook_is_not_graded(module: str, batch: dict) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(batch["workspace"].gradebook_url) as gradebook, pytest.raises(MissingEntry):
        gradebook.find_submission(module, "no-notebook")


def test_the_gradebook_is_intact(batch: dict) -> None:
    workspace = batch["workspace"]
    with sqlite3.connect(workspace.root / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    from nbgrader.api import Gradebook

    with Gradebook(workspace.gradebook_url) as gradebook:
        students = {s.id for s in gradebook.students}
        assert set(FULL_MARKS + ZERO + ["infinite-loop"]) <= students
        for module in MODULES:
            assert gradebook.find_assignment(module).num_submissions >= len(FULL_MARKS) + 1
