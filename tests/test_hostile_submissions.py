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
import html.parser
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from conftest import MODULES, ROOT, generate_every_module, instructor_grade
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
def batch(generated_course: Callable[[str], CourseWorkspace]) -> dict[str, object]:
    workspace = generated_course("hostile")
    runs: dict[str, dict[str, object]] = {}
    for module in MODULES:
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


# == Grading safety: links, active content, forged results, hidden tests, byte limits ==========
# Each kind below is a submission graded in one batch with good ones, per grading mode:
# `nbgrader autograde` and `postparis-instructor grade --workers 2`, each without and (as
# root) with the grading sandbox. Every kind ends as a fair grade, or as "flagged for
# review" with its automatic score withheld; nothing outside a student's folder is read,
# nothing active reaches the graded notebook or the feedback, no hidden test either.

SAFETY_MODULES = ["00-start-here", "01-the-argument"]
#: Marks every active payload: none may reach a browser.
PWNED = "PWNED-BY-STUDENT"
ATTACK_JS = f"fetch('/api/contents/{PWNED}.txt', {{method: 'PUT'}})"

MARKDOWN_ATTACKS = f"""\
Hostile Markdown, raw HTML in every form.

<script>{ATTACK_JS}</script>
<img src=x onerror="{ATTACK_JS}">
<iframe src="javascript:{ATTACK_JS}"></iframe>
<form action="/api/kernels" method="post"><button>{PWNED}</button></form>
<svg><script>{ATTACK_JS}</script></svg>
<a href="JaVa&#x09;ScRiPt:{ATTACK_JS}">a link</a>
[markdown link](javascript:{ATTACK_JS})
$\\href{{javascript:{ATTACK_JS}}}{{math link}}$
![attached](attachment:evil.svg)
"""

OUTPUT_ATTACKS = "\n".join(
    [
        "from IPython.display import HTML, SVG, Javascript, Markdown, display",
        f"display(HTML({'<b>bold</b><script>' + ATTACK_JS + '</script>'!r}))",
        f"display(HTML({'<img src=x onerror=' + repr(ATTACK_JS) + '>'!r}))",
        f"display(Javascript({ATTACK_JS!r}))",
        f"display(SVG({'<svg xmlns=' + chr(34) + 'http://www.w3.org/2000/svg' + chr(34) + '><script>' + ATTACK_JS + '</script></svg>'!r}))",
        f"display(Markdown({'[md](javascript:' + ATTACK_JS + ')'!r}))",
        f"display(HTML({'<iframe srcdoc=' + chr(34) + '<script>x</script>' + chr(34) + '></iframe><form action=/api/kernels></form>'!r}))",
        f"print({PWNED + '-LINE '!r} + 'x' * 20_000_000)",
    ]
)

TRANSFORMER = """\
def _wrap(lines):
    body = "".join("    " + line for line in lines) or "    pass\\n"
    return ["try:\\n", body, "\\nexcept BaseException:\\n    pass\\n"]
get_ipython().input_transformers_cleanup.append(_wrap)
"""

FULLWIDTH = """\
def _wrap(lines):
    body = "".join("    " + line for line in lines) or "    pass\\n"
    return ["try:\\n", body, "\\nexcept BaseException:\\n    pass\\n"]
\uff47\uff45\uff54\uff3f\uff49\uff50\uff59\uff54\uff48\uff4f\uff4e().\uff49\uff4e\uff50\uff55\uff54\uff3f\uff54\uff52\uff41\uff4e\uff53\uff46\uff4f\uff52\uff4d\uff45\uff52\uff53\uff3f\uff43\uff4c\uff45\uff41\uff4e\uff55\uff50.append(_wrap)
"""

PRE_RUN_HOOK = """\
_ip = get_ipython()
_ip.events.register("pre_run_cell", lambda *args: _ip.display_pub.publish({"text/plain": "3"}))
"""

SYS_MODULES = """\
import sys, types
_fake = types.ModuleType("postparis.checks")
_fake.expect = _fake.expect_close = _fake.expect_same_items = lambda *a, **k: None
sys.modules["postparis.checks"] = _fake
"""

BUILTINS = """\
import builtins
builtins.isinstance = lambda *args: True
"""

ALWAYS_EQUAL = """\
class _Always(int):
    def __eq__(self, other):
        return True
    __hash__ = int.__hash__
brennan_first_paragraph = _Always(5)
"""

HIDDEN_LEAK = """\
get_ipython().events.register("post_run_cell", lambda result: print(result.info.raw_cell))
"""

RELOAD_CHECKS = """\
import importlib
import postparis.checks as _c
importlib.reload = lambda module: module
for _name in dir(_c):
    if _name.startswith("expect"):
        setattr(_c, _name, lambda *args, **kwargs: None)
"""


def _prepend(base: NotebookNode, code: str) -> NotebookNode:
    """Put ``code`` at the top of the first code cell (a lesson cell the student may edit)."""
    first = next(c for c in base.cells if c.cell_type == "code")
    first.source = code + "\n" + first.source
    return base


def _with_active_content(nb: NotebookNode) -> NotebookNode:
    import base64

    cell = nbformat.v4.new_markdown_cell(MARKDOWN_ATTACKS)
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><script>{ATTACK_JS}</script></svg>'
    cell.attachments = {
        "evil.svg": {"image/svg+xml": base64.b64encode(svg.encode()).decode()},
        "huge.png": {"image/png": base64.b64encode(b"\x89PNG" + b"\0" * 5_000_000).decode()},
    }
    nb.cells.insert(1, cell)
    nb.cells.insert(2, nbformat.v4.new_raw_cell(f"<script>{ATTACK_JS}</script>"))
    nb.cells[2].metadata["format"] = "text/html"
    nb.cells.insert(3, nbformat.v4.new_code_cell(OUTPUT_ATTACKS))
    return nb


#: kind -> (module -> how its notebook is made from the key or the blank), for the kinds
#: that are a notebook; the link kinds are made in _make_safety_course.
NOTEBOOK_KINDS: dict[str, tuple[str, Callable[[NotebookNode], NotebookNode]]] = {
    "active-content": ("key", _with_active_content),
    "transformer": ("blank", lambda nb: _prepend(nb, TRANSFORMER)),
    "fullwidth": ("blank", lambda nb: _prepend(nb, FULLWIDTH)),
    "prerun-hook": ("blank", lambda nb: _prepend(nb, PRE_RUN_HOOK)),
    "sys-modules": ("blank", lambda nb: _prepend(nb, SYS_MODULES)),
    "builtins": ("blank", lambda nb: _prepend(nb, BUILTINS)),
    "always-equal": ("blank", lambda nb: _prepend(nb, ALWAYS_EQUAL)),
    "confusable": ("blank", lambda nb: _prepend(nb, "brennan_first_p\u0430ragraph = 12\n")),
    "hidden-leak": ("key", lambda nb: _prepend(nb, HIDDEN_LEAK)),
    "reload-checks": ("blank", lambda nb: _prepend(nb, RELOAD_CHECKS)),
}
#: The kinds of each module (module 01 adds its reload defence's forgery).
SAFETY_KINDS = {
    "00-start-here": [
        "good", "blank", "victim", "symlink-key", "links", "active-content", "transformer",
        "fullwidth", "prerun-hook", "sys-modules", "builtins", "always-equal", "confusable",
        "hidden-leak",
    ],
    "01-the-argument": ["good", "blank", "victim", "reload-checks", "transformer"],
}  # fmt: skip
FLAGGED = {
    "transformer", "fullwidth", "prerun-hook", "sys-modules", "builtins", "always-equal",
    "confusable", "hidden-leak", "reload-checks",
}  # fmt: skip
FULL = {"good", "victim", "links", "active-content"}
CONTROL_NAME = "\x1b]0;pwned\x07\x1b[2Jnotes.txt"


def _make_safety_course(root: Path) -> CourseWorkspace:
    from nbgrader.api import Gradebook

    workspace = CourseWorkspace(root, modules=SAFETY_MODULES)
    generate_every_module(workspace)
    # The guide's step 3: the roster is in the gradebook before anything is graded, so a
    # student who submits only module 01 is graded there, not set aside.
    with Gradebook(workspace.gradebook_url) as gradebook:
        for kind in sorted({kind for kinds in SAFETY_KINDS.values() for kind in kinds}):
            gradebook.update_or_create_student(kind)
    for module in SAFETY_MODULES:
        key, blank = workspace.source_notebook(module), workspace.release_notebook(module)
        for kind in SAFETY_KINDS[module]:
            folder = workspace.root / "submitted" / kind / module
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{module}.ipynb"
            if kind in ("good", "victim", "links"):
                shutil.copy(key, target)
            elif kind == "blank":
                shutil.copy(blank, target)
            elif kind == "symlink-key":
                target.symlink_to(key)
            else:
                base, change = NOTEBOOK_KINDS[kind]
                nb = nbformat.read(key if base == "key" else blank, as_version=4)
                nbformat.write(change(nb), target)
        if "links" not in SAFETY_KINDS[module]:
            continue
        links = workspace.root / "submitted" / "links" / module
        victim = workspace.root / "submitted" / "victim" / module / f"{module}.ipynb"
        (links / "gradebook.db").symlink_to(workspace.root / "gradebook.db")
        (links / "classmate.ipynb").symlink_to(victim)
        (links / "shadow.txt").symlink_to("/etc/shadow")
        (links / "cwd-gradebook.db").symlink_to("/proc/self/cwd/gradebook.db")
        (links / "zero.bin").symlink_to("/dev/zero")
        (links / "folder").symlink_to(workspace.root / "source")
        os.mkfifo(links / "pipe")
        os.link(key, links / "hard-link.ipynb")  # a second name of the answer key
        (links / CONTROL_NAME).write_text("a name that rewrites the terminal")
        (links / "evil.html").write_text(f"<script>{ATTACK_JS}</script>")
    return workspace


@dataclass
class SafetyRun:
    """One grading mode's batch: the course, what each command printed, and its time."""

    mode: str
    workspace: CourseWorkspace
    output: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def _grade_batch(run: SafetyRun) -> None:
    started = time.perf_counter()
    for module in SAFETY_MODULES:
        if run.mode.startswith("autograde"):
            done = run.workspace.nbgrader("autograde", module, "--force", "--create", check=False)
        else:
            root = str(run.workspace.root)
            done = instructor_grade(
                run.workspace, module, "--workers", "2", "--course-dir", root, timeout=1800
            )
        run.output[module] = done.stdout + done.stderr
    run.seconds = time.perf_counter() - started


SAFETY_MODES = ["autograde", "grade", "autograde+sandbox", "grade+sandbox"]
needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="the sandbox needs root (CI runs as root)"
)


@pytest.fixture(scope="module")
def safety_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bool]:
    """The grading sandbox, installed in a private prefix (only as root)."""
    if os.geteuid() != 0:
        yield False
        return
    from postparis_instructor import sandbox

    prefix = tmp_path_factory.mktemp("safety-sandbox")
    first, count = 2_100_800_000, 64  # a uid range of this module's own
    sandbox.install(
        prefix,
        settings={"uid_first": first, "uid_count": count, "state_dir": str(prefix / "state")},
    )
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
    try:
        yield True
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved
        sandbox.wait_until_reaped(first, count, timeout=10)


class SafetyRuns:
    """The batches, each graded when a test first asks for its mode (``-k`` picks modes)."""

    def __init__(self, factory: pytest.TempPathFactory, sandboxed: bool) -> None:
        self.factory = factory
        self.sandboxed = sandboxed
        self.runs: dict[str, SafetyRun] = {}
        self.made: list[Path] = []

    def get(self, mode: str) -> SafetyRun:
        if mode in self.runs:
            return self.runs[mode]
        if mode.endswith("sandbox"):
            if not self.sandboxed:
                pytest.skip("the sandbox modes need root (CI runs as root)")
            from postparis_instructor import sandbox

            # Outside /tmp: the sandbox gives each kernel a private /tmp.
            parent = ROOT / "test-artifacts"
            parent.mkdir(exist_ok=True)
            base = Path(tempfile.mkdtemp(prefix="safety-", dir=parent))
            base.chmod(0o755)
            self.made.append(base)
            workspace = _make_safety_course(base / "course")
            sandbox.enable(workspace.root)
        else:
            workspace = _make_safety_course(self.factory.mktemp(mode) / "course")
        self.runs[mode] = SafetyRun(mode, workspace)
        _grade_batch(self.runs[mode])
        return self.runs[mode]


@pytest.fixture(scope="module")
def safety_runs(
    tmp_path_factory: pytest.TempPathFactory, safety_sandbox: bool
) -> Iterator[SafetyRuns]:
    """Every safety kind graded in one batch per mode (the sandbox modes only as root)."""
    runs = SafetyRuns(tmp_path_factory, safety_sandbox)
    try:
        yield runs
    finally:
        for base in runs.made:
            shutil.rmtree(base, ignore_errors=True)


def _safety_cases() -> list[tuple[str, str, str]]:
    return [
        (mode, module, kind)
        for mode in SAFETY_MODES
        for module in SAFETY_MODULES
        for kind in SAFETY_KINDS[module]
    ]


def _run(runs: SafetyRuns, mode: str) -> SafetyRun:
    return runs.get(mode)


def _records(workspace: CourseWorkspace, module: str, kind: str) -> list[tuple[float, float, bool]]:
    """Return (score, auto score, needs manual grade) of each autograded cell."""
    from nbgrader.api import Gradebook

    with Gradebook(workspace.gradebook_url) as gradebook:
        submission = gradebook.find_submission_notebook(module, module, kind)
        return [
            (float(g.score or 0), float(g.auto_score or 0), bool(g.needs_manual_grade))
            for g in submission.grades
            if g.cell.cell_type == "code"
        ]


@pytest.mark.parametrize(("mode", "module", "kind"), _safety_cases())
def test_each_kind_gets_a_fair_grade_or_a_flag(
    safety_runs: SafetyRuns, mode: str, module: str, kind: str
) -> None:
    run = _run(safety_runs, mode)
    flags = run.workspace.root / "review" / kind / module / "flags.json"
    if kind == "symlink-key":  # the notebook is refused: nothing to grade
        records = (
            _records(run.workspace, module, kind) if _has_submission(run, module, kind) else []
        )
        assert sum(score for score, _, _ in records) == 0
        return
    graded = run.workspace.root / "autograded" / kind / module / f"{module}.ipynb"
    if kind in FLAGGED and not graded.exists():
        # The forgery broke the kernel (e.g. a patched builtin): not graded, it earns nothing.
        records = (
            _records(run.workspace, module, kind) if _has_submission(run, module, kind) else []
        )
        assert sum(score for score, _, _ in records) == 0
        return
    records = _records(run.workspace, module, kind)
    assert records, f"{kind} was not graded in {mode}"
    total = sum(score for score, _, _ in records)
    if kind in FLAGGED:
        assert flags.is_file(), f"{kind} is not flagged in {mode}"
        assert total == 0, f"{kind}'s score is not withheld in {mode}"
        assert all(needs for _, _, needs in records), "the gradebook does not ask for a review"
    else:
        assert not flags.exists(), f"{kind} flagged in {mode}: {flags.read_text()}"
        expected = {"00-start-here": 3, "01-the-argument": 15}[module] if kind in FULL else 0
        assert total == expected, f"{kind} earned {total} in {module}, {mode}"


def _has_submission(run: SafetyRun, module: str, kind: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(run.workspace.gradebook_url) as gradebook:
        try:
            gradebook.find_submission(module, kind)
        except MissingEntry:
            return False
    return True


@pytest.mark.parametrize("mode", SAFETY_MODES)
def test_links_and_special_files_are_refused_and_nothing_outside_is_copied(
    safety_runs: SafetyRuns, mode: str
) -> None:
    run = _run(safety_runs, mode)
    root = run.workspace.root
    for module in SAFETY_MODULES:
        if "links" not in SAFETY_KINDS[module]:
            continue
        refused = json.loads((root / "review" / "links" / module / "refused.json").read_text())
        names = {r["path"] for r in refused}
        assert {"gradebook.db", "classmate.ipynb", "shadow.txt", "cwd-gradebook.db", "zero.bin",
                "folder", "pipe", "hard-link.ipynb", CONTROL_NAME, "evil.html"} <= names  # fmt: skip
        graded = root / "autograded" / "links" / module
        for path in graded.rglob("*"):
            assert not path.is_symlink(), path
            assert path.is_file() or path.is_dir(), path
            assert path.stat().st_size < 5_000_000, path
        assert sorted(p.name for p in graded.iterdir()) == [f"{module}.ipynb"]
        if mode.startswith("grade"):
            table = run.output[module]
            assert "refused shadow.txt (a symbolic link)" in table
            assert "\x1b" not in table
            assert "\\x1b]0;pwned\\x07" in table
    key_graded = root / "autograded" / "symlink-key"
    assert not any(key_graded.rglob("*.ipynb")), "a notebook linked to the key was graded"


@pytest.mark.parametrize("mode", ["grade", "grade+sandbox"])
def test_the_grade_table_shows_flags(safety_runs: SafetyRuns, mode: str) -> None:
    run = _run(safety_runs, mode)
    for module in SAFETY_MODULES:
        table = run.output[module]
        for kind in FLAGGED & set(SAFETY_KINDS[module]):
            line = next(row for row in table.splitlines() if row.startswith(kind + " "))
            if "NOT graded" in line:  # the forgery broke the kernel: it earns nothing
                assert " - " in line, line
                continue
            assert "FLAGGED" in line, line
            assert "withheld" in line, line
        for kind in FULL & set(SAFETY_KINDS[module]):
            line = next(row for row in table.splitlines() if row.startswith(kind + " "))
            assert "FLAGGED" not in line, line


class _ActiveContent(html.parser.HTMLParser):
    """Collect what could run script in rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"iframe", "frame", "object", "embed", "form", "svg", "base"}:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            squashed = re.sub(r"\s", "", (value or "")).lower()
            if name in {"href", "src", "action", "formaction", "srcdoc"} and (
                squashed.startswith(("javascript:", "data:text", "vbscript:")) or name == "srcdoc"
            ):
                self.found.append(f"<{tag} {name}={value[:40] if value else ''}>")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and PWNED in data:
            self.found.append("<script> written by the student")


def active_content(page: str) -> list[str]:
    """Return every piece of active content written by the student in an HTML page."""
    parser = _ActiveContent()
    parser.feed(page)
    return parser.found


def _rendered(notebook: Path) -> str:
    """Render a notebook as nbgrader's formgrader does (nbconvert's HTML exporter)."""
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_filename(str(notebook))
    return body


@pytest.mark.parametrize("mode", SAFETY_MODES)
def test_graded_notebooks_carry_no_active_content(safety_runs: SafetyRuns, mode: str) -> None:
    run = _run(safety_runs, mode)
    module = "00-start-here"
    graded = run.workspace.root / "autograded" / "active-content" / module / f"{module}.ipynb"
    assert active_content(_rendered(graded)) == []
    # The control: the submission as the student wrote it is full of it.
    submitted = run.workspace.root / "submitted" / "active-content" / module / f"{module}.ipynb"
    assert len(active_content(_rendered(submitted))) >= 5
    # Byte limits: the 20 MB line and the 5 MB attachment are gone.
    assert graded.stat().st_size < 2_000_000
    nb = nbformat.read(graded, as_version=4)
    assert all(len(json.dumps(c.get("attachments", {}))) < 10_000 for c in nb.cells)
    assert any(f"{PWNED}-LINE" in json.dumps(c.get("outputs", [])) for c in nb.cells)


def _feedback(run: SafetyRun, module: str, student: str) -> str:
    run.workspace.nbgrader("generate_feedback", module, "--student", student, "--force")
    return (run.workspace.root / "feedback" / student / module / f"{module}.html").read_text()


def _hidden_lines(module: str) -> list[str]:
    """Return the lines (8 characters or more) of the key's hidden tests."""
    text = (ROOT / "assignments" / "source" / module / f"{module}.ipynb").read_text()
    source = "\n".join(
        "".join(cell["source"]) for cell in json.loads(text)["cells"] if cell["cell_type"] == "code"
    )
    regions = re.findall(r"BEGIN HIDDEN TESTS\n(.*?)\n[^\n]*END HIDDEN TESTS", source, re.DOTALL)
    return [
        line.strip() for region in regions for line in region.splitlines() if len(line.strip()) >= 8
    ]


def test_feedback_has_no_hidden_test_and_no_active_content(
    safety_runs: SafetyRuns,
) -> None:
    import html as html_module

    run = safety_runs.get("autograde")
    module = "00-start-here"
    leak = html_module.unescape(_feedback(run, module, "hidden-leak"))
    hidden = _hidden_lines(module)
    assert hidden
    assert not [line for line in hidden if line in leak]
    page = _feedback(run, module, "active-content")
    assert active_content(page) == []
    assert "Content-Security-Policy" in page
    assert "default-src 'none'" in page
    # The control: the autograded notebook still holds what the hook printed.
    graded = run.workspace.root / "autograded" / "hidden-leak" / module / f"{module}.ipynb"
    assert any(line in graded.read_text() for line in hidden)


@pytest.mark.parametrize("mode", SAFETY_MODES)
def test_good_blank_and_victim_grades_are_unchanged_in_every_mode(
    safety_runs: SafetyRuns, mode: str
) -> None:
    expected = {"00-start-here": (3, 0, 3), "01-the-argument": (15, 0, 15)}
    run = _run(safety_runs, mode)
    for module, scores in expected.items():
        got = tuple(
            sum(s for s, _, _ in _records(run.workspace, module, kind))
            for kind in ("good", "blank", "victim")
        )
        assert got == scores, f"{mode} {module}: {got}"
    print(f"{mode}: graded in {run.seconds:.0f} s")


def test_collect_copies_regular_files_only(tmp_path: Path) -> None:
    module = "00-start-here"
    workspace = CourseWorkspace(tmp_path / "course", modules=[module])
    stamp = "2026-12-03 10:00:00.000000 UTC"
    inbox = workspace.exchange / "postparis" / "inbound" / f"mallory+{module}+{stamp}"
    inbox.mkdir(parents=True)
    (inbox / "timestamp.txt").write_text(stamp)
    (inbox / f"{module}.ipynb").symlink_to(workspace.source_notebook(module))
    (inbox / "shadow.txt").symlink_to("/etc/shadow")
    (inbox / "zero.bin").symlink_to("/dev/zero")
    os.mkfifo(inbox / "pipe")
    (inbox / "notes.txt").write_text("my own notes")
    done = workspace.nbgrader("collect", module, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    submitted = workspace.root / "submitted" / "mallory" / module
    assert sorted(p.name for p in submitted.iterdir()) == ["notes.txt", "timestamp.txt"]
    assert not any(p.is_symlink() for p in submitted.iterdir())
    refused = json.loads(
        (workspace.root / "review" / "mallory" / module / "refused.json").read_text()
    )
    assert {r["path"] for r in refused} == {f"{module}.ipynb", "shadow.txt", "zero.bin", "pipe"}
    assert "refused shadow.txt (a symbolic link)" in done.stdout + done.stderr
