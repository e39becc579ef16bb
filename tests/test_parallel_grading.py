"""``postparis-instructor grade``: a class autograded in parallel, graded as nbgrader would.

One class (answered, partly answered, blank, and the broken submissions plain nbgrader
only warns about or buries in its log) is copied twice: one copy is graded by ``nbgrader
autograde`` (serial), the other by ``postparis-instructor grade`` with two workers.
Every grade in the two gradebooks must be the same; the command must show a line per
student as it goes, end with a table naming every broken submission and why, and exit
1. No timing here: the speed-up is measured on a real module by ``make bench``, which
also checks there that the parallel and serial scores agree.

The course is a small one with the course's own nbgrader configuration, so that the
suite stays quick: what is tested is the grading machinery, not a module's content.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import instructor

from postparis_instructor import grading
from postparis_instructor.course import nbgrader_environment, source_directory
from postparis_instructor.notebooks import cell_role

MODULE = "mini"
CELL_TIMEOUT = 5  # seconds; the looping student costs this much in each run
STUDENTS = {
    "ada": "key",
    "ben": "partial",
    "cleo": "blank",
    "crash": "crash",
    "loop": "loop",
    "not-json": "not-json",
    "renamed": "renamed",
    "no-notebook": "no-notebook",
}
BROKEN = {
    "crash": "kernel died",
    "not-json": "not valid JSON",
    "renamed": "renamed notebook",
    "no-notebook": "no notebook in the folder",
}
STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
SANDBOX_UIDS = (2_101_200_000, 64)  # a range of this suite's own (test_sandbox uses another)


def _cell(kind: str, source: str, **nbgrader: object) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {
            "schema_version": 3,
            "solution": False,
            "grade": False,
            "locked": False,
            **nbgrader,
        }
    return cell


def _answer_key() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        _cell("code", "import math"),
        _cell("markdown", "## Exercise A (1 point)"),
        _cell(
            "code",
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            solution=True,
            grade_id="double-answer",
        ),
        _cell(
            "code",
            '"""Checks double."""\nassert double(2) == 4',
            grade=True,
            locked=True,
            points=1,
            grade_id="double-tests",
        ),
        _cell("markdown", "## Exercise B (2 points)"),
        _cell(
            "code",
            "def square(x):\n    ### BEGIN SOLUTION\n    return math.pow(x, 2)\n    ### END SOLUTION",
            solution=True,
            grade_id="square-answer",
        ),
        _cell(
            "code",
            '"""Checks square."""\nassert square(3) == 9\n### BEGIN HIDDEN TESTS\n'
            "assert square(-2) == 4\n### END HIDDEN TESTS",
            grade=True,
            locked=True,
            points=2,
            grade_id="square-tests",
        ),
        _cell(
            "markdown",
            "Why does squaring lose the sign? (1 point, graded by hand)",
            solution=True,
            grade=True,
            points=1,
            grade_id="why-answer",
        ),
    ]
    return nb


def _make_course(root: Path) -> None:
    """A course folder with the repository's nbgrader settings and one small assignment."""
    source = root / "source" / MODULE
    source.mkdir(parents=True)
    shutil.copy2(source_directory().parent / "nbgrader_config.py", root / "nbgrader_config.py")
    nbformat.write(_answer_key(), source / f"{MODULE}.ipynb")


def _key(root: Path) -> Path:
    return root / "source" / MODULE / f"{MODULE}.ipynb"


def _solutions(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if cell_role(c) == "solution" and c.cell_type == "code"]


def _submit(root: Path, student: str, how: str) -> None:
    folder = root / "submitted" / student / MODULE
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{MODULE}.ipynb"
    if how == "blank":
        shutil.copy2(root / "release" / MODULE / f"{MODULE}.ipynb", target)
        return
    if how == "not-json":
        target.write_text("{not json", encoding="utf-8")
        return
    if how == "renamed":
        shutil.copy2(_key(root), folder / "my-work.ipynb")
        return
    if how == "no-notebook":
        (folder / "notes.txt").write_text("forgot to attach it", encoding="utf-8")
        return
    nb = nbformat.read(_key(root), as_version=4)
    if how == "partial":
        _solutions(nb)[0].source = STUB
    elif how == "crash":
        _solutions(nb)[0].source = "import os\nos._exit(1)\n"
    elif how == "loop":
        _solutions(nb)[-1].source = "while True:\n    pass\n"
    nbformat.write(nb, target)


def _nbgrader(*args: str) -> list[str]:
    return [str(Path(sys.executable).parent / "nbgrader"), *args]


def _grade(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return instructor("grade", MODULE, *args, cwd=cwd)


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=nbgrader_environment(env),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _gradebook(root: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every grade of every submission of the module: the whole autograding result."""
    from nbgrader.api import Gradebook

    found: dict[str, list[tuple[object, ...]]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for submission in gradebook.find_assignment(MODULE).submissions:
            found[submission.student.id] = sorted(
                (
                    notebook.name,
                    grade.name,
                    grade.auto_score,
                    grade.manual_score,
                    grade.needs_manual_grade,
                    grade.max_score,
                )
                for notebook in submission.notebooks
                for grade in notebook.grades
            )
    return found


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("class") / "base"
    _make_course(root)
    done = _run(_nbgrader("generate_assignment", MODULE, "--force"), root)
    assert done.returncode == 0, done.stdout + done.stderr
    for student, how in STUDENTS.items():
        _submit(root, student, how)
    return root


def _copy(base: Path, name: str) -> Path:
    target = base.parent / name
    shutil.copytree(base, target)
    return target


@pytest.fixture(scope="module")
def runs(base: Path) -> dict[str, object]:
    serial_root = _copy(base, "serial")
    parallel_root = _copy(base, "parallel")
    serial = _run(
        _nbgrader("autograde", MODULE, "--force", "--create", f"--Execute.timeout={CELL_TIMEOUT}"),
        serial_root,
    )
    parallel = _grade(
        "--course-dir", str(parallel_root), "--workers", "2", "--timeout", str(CELL_TIMEOUT),
        cwd=base.parent,  # not a course folder: --course-dir is what counts
    )  # fmt: skip
    return {
        "serial": serial,
        "parallel": parallel,
        "serial_root": serial_root,
        "parallel_root": parallel_root,
    }


@pytest.mark.slow
def test_parallel_grades_equal_serial_grades(runs: dict) -> None:
    serial = _gradebook(runs["serial_root"])
    parallel = _gradebook(runs["parallel_root"])
    # Answered, partly answered, blank, crashed, looping, not JSON, renamed: all recorded.
    assert set(serial) == set(STUDENTS) - {"no-notebook"}
    assert parallel == serial


@pytest.mark.slow
def test_scores_are_the_expected_ones(runs: dict) -> None:
    def auto(student: str) -> float:
        rows = _gradebook(runs["parallel_root"])[student]
        return sum(score or 0 for _nb, _id, score, *_rest in rows)

    assert auto("ada") == 3.0
    assert auto("ben") == 2.0  # exercise A left blank
    assert auto("cleo") == 0.0
    assert auto("loop") == 1.0  # the loop sits in exercise B; exercise A still counts


@pytest.mark.slow
def test_graded_notebooks_are_where_nbgrader_puts_them(runs: dict) -> None:
    for root in (runs["serial_root"], runs["parallel_root"]):
        for student in ("ada", "ben", "cleo", "loop"):
            assert (root / "autograded" / student / MODULE / f"{MODULE}.ipynb").is_file()
    with sqlite3.connect(runs["parallel_root"] / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.slow
def test_progress_shows_one_line_per_student_as_it_goes(runs: dict) -> None:
    lines = runs["parallel"].stdout.splitlines()
    progress = [line for line in lines if line.startswith("[")]
    total = len(STUDENTS)
    assert len(progress) == total
    assert [line.split("]")[0] for line in progress] == [f"[{k}/{total}" for k in range(1, 9)]
    for student in STUDENTS:
        assert sum(f"] {student}  " in line for line in progress) == 1, student
    assert all(line.endswith(" s)") for line in progress)


def _table_row(output: str, student: str) -> str:
    table = output.split("student  ", 1)[1]
    return next(line for line in table.splitlines() if line.startswith(f"{student} "))


@pytest.mark.slow
def test_the_closing_table_names_every_broken_submission_and_why(runs: dict) -> None:
    done = runs["parallel"]
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"Autograded {MODULE}: 8 submission(s)" in done.stdout
    assert "3 graded, 1 incomplete" in done.stdout
    assert "4 NOT graded" in done.stdout
    for student, why in BROKEN.items():
        row = _table_row(done.stdout, student)
        assert "NOT graded" in row, row
        assert why in row, row
    assert "3 / 3" in _table_row(done.stdout, "ada")
    assert " graded " in _table_row(done.stdout, "cleo")
    loop = _table_row(done.stdout, "loop")
    assert "INCOMPLETE" in loop
    assert "time limit" in loop
    assert "1 / 3" in loop


@pytest.mark.slow
def test_grading_some_students_only_exits_0_when_all_are_graded(base: Path) -> None:
    root = _copy(base, "some")
    done = _grade("--student", "ada", "--student", "cleo", "--workers", "2", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(_gradebook(root)) == {"ada", "cleo"}
    assert "2 graded, 0 incomplete" in done.stdout


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="the grading sandbox needs root (CI runs as root)")
def test_parallel_grading_works_in_the_grading_sandbox(
    base: Path,
    runs: dict,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from postparis_instructor import sandbox

    prefix = tmp_path_factory.mktemp("sandbox-prefix")
    first, count = SANDBOX_UIDS
    sandbox.install(
        prefix,
        settings={
            "uid_first": first,
            "uid_count": count,
            "state_dir": str(tmp_path_factory.mktemp("sandbox-state")),
            "cpu_seconds": 120,
        },
    )
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    root = _copy(base, "sandboxed")
    sandbox.enable(root)
    students = ["ada", "ben", "crash", "loop"]
    picked = [arg for student in students for arg in ("--student", student)]
    done = _grade("--workers", "2", "--timeout", str(CELL_TIMEOUT), *picked, cwd=root)
    assert done.returncode == 1, done.stdout + done.stderr
    serial = _gradebook(runs["serial_root"])
    assert _gradebook(root) == {student: serial[student] for student in students}
    assert sandbox.wait_until_reaped(first, count, timeout=10) == []


@pytest.mark.slow
def test_a_module_never_generated_is_a_clear_error(tmp_path: Path) -> None:
    _make_course(tmp_path / "course")
    done = _grade("--course-dir", str(tmp_path / "course"), cwd=tmp_path)
    assert done.returncode == 2
    assert f"nbgrader generate_assignment {MODULE}" in done.stderr


def test_not_a_course_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(grading.GradingError, match="not an nbgrader course"):
        grading.course_root(tmp_path)


def test_the_gradebook_lock_excludes_other_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    probe = (
        "import fcntl, os, sys\n"
        "fd = os.open(sys.argv[1], os.O_RDWR)\n"
        "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except BlockingIOError:\n    sys.exit(3)\n"
    )
    lock_file = tmp_path / "gradebook.db.lock"
    with grading.gradebook_lock(url), grading.gradebook_lock(url):  # re-entrant
        held = subprocess.run([sys.executable, "-c", probe, str(lock_file)], check=False)
        assert held.returncode == 3
    free = subprocess.run([sys.executable, "-c", probe, str(lock_file)], check=False)
    assert free.returncode == 0
    fd = os.open(lock_file, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # nothing left holding it
    finally:
        os.close(fd)


def test_the_table_and_progress_lines() -> None:
    outcomes = [
        grading.Outcome("ada", "graded", 3.0, 3.0, 9.5),
        grading.Outcome("loop", "incomplete", 1.0, 3.0, 30.0, "stopped at the time limit: b"),
        grading.Outcome("zoe", "not graded", seconds=0.1, reason="no notebook in the folder"),
    ]
    assert grading.format_progress(outcomes[0], 1, 3) == "[1/3] ada  3 / 3  (9.5 s)"
    assert "NOT graded: no notebook" in grading.format_progress(outcomes[2], 3, 3)
    table = grading.format_table(outcomes, MODULE, 40.0, 2)
    assert "1 graded, 1 incomplete (a cell stopped at the time limit), 1 NOT graded." in table
    assert "zoe      NOT graded      -      0.1  no notebook in the folder" in table
