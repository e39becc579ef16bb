"""The grading sandbox (issue 12): hostile submissions graded through it, and without it.

One tiny nbgrader assignment (a solution cell, a visible and a hidden test) is submitted by
three good students and by one student per attack in ``sandbox_fixtures/attacks``. The
same course is graded twice by real ``nbgrader autograde`` runs: once as a *control*,
without the sandbox, where every attack must succeed (so the tests prove the sandbox
does the work), and once with the sandbox forced by ``postparis-instructor sandbox
enable``, where every attack must be refused and every submission still graded.

Everything runs as root, as CI does: the sandbox switches uids and mounts file systems.
The courses live under ``test-artifacts/`` (not ``/tmp``, which the sandbox replaces by a
private one and so would hide them for the wrong reason).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from postparis_instructor import sandbox

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).with_name("sandbox_fixtures")
ATTACKS = FIXTURES / "attacks"
BIN = Path(sys.executable).parent
UID_FIRST, UID_COUNT = 2_100_900_000, 256  # a range of the tests' own
MEMORY_LIMIT = 2 * 2**30  # the hog asks for 3 GiB
CANARY = "HIDDEN-TEST-CANARY-5f1c"
ASSIGNMENT = "ps1"
GOOD = ("good-alice", "good-bob", "good-carol")
VICTIM = GOOD[0]
# student -> attack file; nbgrader grades them in this (sorted) order, the vandal last
# because its final attack kills the grader when nothing stops it.
HOSTILE = {
    "h1-peeker": "peeker",
    "h2-forker": "forker",
    "h3-hog": "hog",
    "h4-daemon": "daemon",
    "h5-sleeper": "sleeper",
    "h6-stubborn": "stubborn",
    "h7-vandal": "vandal",
}
FULL_MARKS = 2.0
# Attacks judged from what the attacking notebook printed (reads leave no trace).
REPORTED = (
    "read-gradebook",
    "read-key",
    "read-hidden-tests",
    "list-students",
    "read-other-student",
    "read-shadow",
    "become-root",
    "spawn-200",
    "allocate-3GiB",
)
# Attacks judged from the host: files, the gradebook, processes, the grader's fate.
OBSERVED = (
    "write-gradebook",
    "sql-gradebook",
    "write-key",
    "write-other-student",
    "write-other-submission",
    "write-course",
    "write-exchange",
    "write-host-tmp",
    "kill-grader",
    "leave-daemon",
    "ignore-interrupts",
)

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="the grading sandbox needs root (CI runs as root)"
)
pytestmark = [needs_root]


# -- the sandbox, installed into a private prefix --------------------------------------------
@dataclass(frozen=True)
class Installed:
    """A sandbox installed for the tests (its own prefix, lock folder and uid range)."""

    prefix: Path
    jupyter_path: Path
    state_dir: Path


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    prefix = tmp_path_factory.mktemp("sandbox-prefix")
    state_dir = tmp_path_factory.mktemp("sandbox-state")
    sandbox.install(
        prefix,
        settings={
            "uid_first": UID_FIRST,
            "uid_count": UID_COUNT,
            "state_dir": str(state_dir),
            "memory_bytes": MEMORY_LIMIT,
            "cpu_seconds": 120,
        },
    )
    jupyter_path = prefix / "share" / "jupyter"
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(jupyter_path)
    try:
        yield Installed(prefix, jupyter_path, state_dir)
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved
        sandbox.wait_until_reaped(UID_FIRST, UID_COUNT, timeout=10)


# -- a throw-away course ---------------------------------------------------------------------
def _cell(kind: str, source: str, **nbgrader: object) -> nbformat.NotebookNode:
    maker = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = maker(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": False,
                                 "grade": False, **nbgrader}  # fmt: skip
    return cell


def source_notebook() -> nbformat.NotebookNode:
    """Return the answer key: one solution cell, a visible test and a hidden test."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        _cell("markdown", "Write `double(x)`.", grade_id="intro", locked=True),
        _cell(
            "code",
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            grade_id="answer",
            solution=True,
        ),
        _cell(
            "code",
            "assert double(2) == 4",
            grade_id="test_visible",
            grade=True,
            locked=True,
            points=1,
        ),
        _cell(
            "code",
            "assert double(3) == 6\n### BEGIN HIDDEN TESTS\n"
            f"# {CANARY}\nassert double(-5) == -10\n### END HIDDEN TESTS",
            grade_id="test_hidden",
            grade=True,
            locked=True,
            points=1,
        ),
    ]
    return notebook


CONFIG = """\
import sys
from pathlib import Path

sys.path.insert(0, {fixtures!r})
from gradebook_probe import ProbedExecute
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades)

c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "sandbox-test"


def _timeout(cell):
    # The endless loops need nbgrader's timeout, and so do the tiny tests that queue behind
    # a loop that ignores it; every other cell may take its time on a loaded machine.
    if "while True" in cell.source or cell.metadata.get("nbgrader", {{}}).get("grade"):
        return 3
    return 60


c.Execute.timeout_func = _timeout
c.KernelManager.shutdown_wait_time = 1.0
c.Autograde.autograde_preprocessors = [
    ProbedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata]

# As at the end of the course's assignments/nbgrader_config.py: instructor-local settings.
_local = Path(__file__).with_name("nbgrader_config_local.py")
if _local.is_file():
    load_subconfig(str(_local))
"""


@dataclass
class Course:
    """A private nbgrader course with its submissions, outside ``/tmp``."""

    base: Path
    token: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def root(self) -> Path:
        return self.base / "course"

    @property
    def exchange(self) -> Path:
        return self.base / "exchange"

    @property
    def probe_log(self) -> Path:
        return self.base / "probe.jsonl"

    @property
    def daemon_seconds(self) -> str:
        return f"987654.{int(self.token, 16) % 10**9}"

    def key(self) -> Path:
        return self.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    def release(self) -> Path:
        return self.root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    def submitted(self, student: str) -> Path:
        return self.root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    def autograded(self, student: str) -> Path:
        return self.root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def protected(self) -> list[Path]:
        """Files no submission may change: the gradebook, the key, the victim's work."""
        return [
            self.gradebook,
            self.key(),
            self.release(),
            self.submitted(VICTIM),
            self.autograded(VICTIM),
        ]

    def nbgrader(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ)
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader runs alembic
        env["POSTPARIS_PROBE_FILES"] = json.dumps([str(p) for p in self.protected()])
        env["POSTPARIS_PROBE_LOG"] = str(self.probe_log)
        return subprocess.run(
            [str(BIN / "nbgrader"), *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def autograde(self, students: str) -> subprocess.CompletedProcess[str]:
        return self.nbgrader(
            "autograde", ASSIGNMENT, "--force", "--create", f"--student={students}"
        )

    def submit(self, student: str, code: str) -> None:
        notebook = nbformat.read(self.release(), as_version=4)
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "answer":
                cell.source = code
        target = self.submitted(student)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, target)

    def attack_code(self, attack: str) -> str:
        constants = {
            "COURSE": str(self.root),
            "VICTIM": VICTIM,
            "EXCHANGE": str(self.exchange),
            "TOKEN": self.token,
            "CANARY": CANARY,
            "DAEMON_SECONDS": self.daemon_seconds,
        }
        header = "".join(f"{name} = {value!r}\n" for name, value in constants.items())
        header += (ATTACKS / "_header.py").read_text(encoding="utf-8")
        return header + "\n\n" + (ATTACKS / f"{attack}.py").read_text(encoding="utf-8")

    def scores(self, student: str) -> float | None:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(f"sqlite:///{self.gradebook}") as gradebook:
            try:
                return float(gradebook.find_submission(ASSIGNMENT, student).score)
            except MissingEntry:
                return None


def _new_course() -> Course:
    parent = ROOT / "test-artifacts"
    parent.mkdir(exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="sandbox-", dir=parent))
    base.chmod(0o755)
    return Course(base)


def _write_config(course: Course) -> None:
    config = CONFIG.format(fixtures=str(FIXTURES), root=str(course.root))
    (course.root / "nbgrader_config.py").write_text(config, encoding="utf-8")


@pytest.fixture(scope="module")
def template() -> Iterator[Course]:
    """The course with its assignment generated once (nbgrader and alembic are slow)."""
    course = _new_course()
    course.root.mkdir()
    _write_config(course)
    course.key().parent.mkdir(parents=True)
    nbformat.write(source_notebook(), course.key())
    done = course.nbgrader("generate_assignment", ASSIGNMENT, "--force")
    assert done.returncode == 0, done.stderr[-3000:]
    try:
        yield course
    finally:
        shutil.rmtree(course.base, ignore_errors=True)


def make_course(template: Course, attacks: dict[str, str]) -> Course:
    """Copy the template course and add the good submissions and the given hostile ones."""
    course = _new_course()
    shutil.copytree(template.root, course.root)
    _write_config(course)
    course.exchange.mkdir()
    course.exchange.chmod(0o1777)  # world-writable, as nbgrader's exchange is
    for student in GOOD:
        course.submit(student, "def double(x):\n    return 2 * x\n")
    for student, attack in attacks.items():
        course.submit(student, course.attack_code(attack))
    course.root.chmod(0o700)  # what `sandbox enable` asks for; the control keeps it too
    return course


def sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def daemon_pids(course: Course) -> list[int]:
    """Return the pids of the daemons the ``daemon`` attack left (by their command line)."""
    wanted = ["sleep", course.daemon_seconds]
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")[:-1]
            except OSError:
                continue
            if [arg.decode(errors="replace") for arg in argv] == wanted:
                found.append(int(entry.name))
    return found


def reported_attacks(course: Course, students: list[str]) -> dict[str, str]:
    """Return attack -> "SUCCEEDED"/"refused" from the autograded notebooks' outputs."""
    verdicts: dict[str, str] = {}
    for student in students:
        path = course.autograded(student)
        if not path.is_file():
            continue
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                for line in output.get("text", "").splitlines():
                    if line.startswith("ATTACK "):
                        name, _, rest = line[len("ATTACK ") :].partition(": ")
                        verdicts[name] = rest.split()[0]
    return verdicts


def gradebook_state(course: Course) -> tuple[bool, bool, str]:
    """Return (attacker's bytes present, attacker's table present, integrity check)."""
    raw = course.gradebook.read_bytes()
    marker = b"PWNED-" + course.token.encode() in raw
    try:
        with sqlite3.connect(f"file:{course.gradebook}?mode=ro", uri=True) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        return marker, True, str(error)
    return marker, "pwned" in tables, integrity


@dataclass
class GradingRun:
    """What grading the hostile course (with or without the sandbox) left behind."""

    mode: str
    course: Course
    good_seconds: list[float]  # wall time of `nbgrader autograde` for the good students
    hostile: subprocess.CompletedProcess[str] | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    observed: dict[str, bool] = field(default_factory=dict)
    initial_hashes: dict[str, str | None] = field(default_factory=dict)
    final_hashes: dict[str, str | None] = field(default_factory=dict)
    good_scores_before: dict[str, float | None] = field(default_factory=dict)
    probe: list[dict[str, object]] = field(default_factory=list)
    daemons: list[int] = field(default_factory=list)
    sandbox_left: list[tuple[int, int]] = field(default_factory=list)
    gradebook_integrity: str = ""

    def execute_seconds(self, students: tuple[str, ...]) -> list[float]:
        """Seconds each of ``students``' kernels took (start, cells, shutdown)."""
        return [float(str(r["seconds"])) for r in self.probe if r["student"] in students]


def grade_good(run: GradingRun) -> None:
    """Autograde the good submissions once more, timing the whole nbgrader command."""
    started = time.monotonic()
    done = run.course.autograde("good-*")
    run.good_seconds.append(time.monotonic() - started)
    assert done.returncode == 0, done.stderr[-3000:]


def grade_hostile(run: GradingRun) -> None:
    """Autograde the hostile submissions and record the evidence."""
    course = run.course
    run.initial_hashes = {str(p): sha256(p) for p in course.protected() if p != course.gradebook}
    run.good_scores_before = {student: course.scores(student) for student in GOOD}
    hostile = run.hostile = course.autograde("h*")
    run.sandbox_left = sandbox.wait_until_reaped(UID_FIRST, UID_COUNT, timeout=10)
    time.sleep(0.2)
    run.daemons = daemon_pids(course)
    run.final_hashes = {path: sha256(Path(path)) for path in run.initial_hashes}
    marker, table, run.gradebook_integrity = gradebook_state(course)

    def changed(path: Path) -> bool:
        return run.final_hashes[str(path)] != run.initial_hashes[str(path)]

    run.observed = {
        "write-gradebook": marker,
        "sql-gradebook": table,
        "write-key": changed(course.key()),
        "write-other-student": changed(course.autograded(VICTIM)),
        "write-other-submission": changed(course.submitted(VICTIM)),
        "write-course": (course.root / f"pwned-{course.token}.txt").exists(),
        "write-exchange": (course.exchange / f"pwned-{course.token}.txt").exists(),
        "write-host-tmp": Path(f"/tmp/postparis-pwned-{course.token}").exists(),
        "kill-grader": hostile.returncode == -signal.SIGKILL,
        "leave-daemon": bool(run.daemons),
        # nbgrader gives up on (and removes) a submission it could not finish grading
        "ignore-interrupts": not course.autograded("h6-stubborn").is_file(),
    }
    if course.probe_log.is_file():
        lines = course.probe_log.read_text().splitlines()
        run.probe = [json.loads(line) for line in lines]
    run.verdicts = reported_attacks(course, list(HOSTILE))


def clean_up(run: GradingRun) -> None:
    """Kill what a control run left running and remove its files outside the course."""
    for pid in run.daemons + daemon_pids(run.course):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    Path(f"/tmp/postparis-pwned-{run.course.token}").unlink(missing_ok=True)
    shutil.rmtree(run.course.base, ignore_errors=True)


def _report_grading_times(control: GradingRun, boxed: GradingRun) -> None:
    """Print what the sandbox costs (shown with ``-s``; the speed record is a benchmark's
    job, docs/sandbox.md, never a test's: a loaded machine would make it flaky)."""
    whole = statistics.median(boxed.good_seconds) / statistics.median(control.good_seconds)
    kernels = statistics.median(boxed.execute_seconds(GOOD)) / statistics.median(
        control.execute_seconds(GOOD)
    )
    print(
        f"\nautograde of {len(GOOD)} good submissions: "
        f"{[round(t, 2) for t in control.good_seconds]} s without the sandbox, "
        f"{[round(t, 2) for t in boxed.good_seconds]} s with it: ratio of medians {whole:.3f}; "
        f"per kernel (start, cells, shutdown): ratio of medians {kernels:.3f}"
    )


@pytest.fixture(scope="module")
def runs(installed: Installed, template: Course) -> Iterator[dict[str, GradingRun]]:
    """Grade the hostile course without ("control") and with the sandbox.

    The good submissions are graded once per mode before any hostile one: that is the
    timing comparison. Then the hostile submissions are graded.
    """
    graded: dict[str, GradingRun] = {}
    try:
        for mode in ("control", "sandbox"):
            graded[mode] = GradingRun(mode, make_course(template, HOSTILE), good_seconds=[])
        sandbox.enable(graded["sandbox"].course.root)
        for run in graded.values():  # once each: the times are reported, never asserted
            grade_good(run)
        for run in graded.values():
            grade_hostile(run)  # reads the kernels' timings too
        _report_grading_times(graded["control"], graded["sandbox"])
        yield graded
    finally:
        for run in graded.values():
            clean_up(run)


# -- the control: without the sandbox, every attack works --------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("attack", REPORTED)
def test_without_sandbox_reported_attack_succeeds(runs: dict[str, GradingRun], attack: str) -> None:
    assert runs["control"].verdicts.get(attack) == "SUCCEEDED", runs["control"].verdicts


@pytest.mark.slow
@pytest.mark.parametrize("attack", OBSERVED)
def test_without_sandbox_observed_attack_succeeds(runs: dict[str, GradingRun], attack: str) -> None:
    assert runs["control"].observed[attack], runs["control"].observed


# -- through the sandbox, every attack is refused ------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("attack", REPORTED)
def test_sandbox_refuses_reported_attack(runs: dict[str, GradingRun], attack: str) -> None:
    assert runs["sandbox"].verdicts.get(attack) == "refused", runs["sandbox"].verdicts


@pytest.mark.slow
@pytest.mark.parametrize("attack", OBSERVED)
def test_sandbox_refuses_observed_attack(runs: dict[str, GradingRun], attack: str) -> None:
    assert not runs["sandbox"].observed[attack], runs["sandbox"].observed


@pytest.mark.slow
def test_sandbox_grades_every_submission(runs: dict[str, GradingRun]) -> None:
    run = runs["sandbox"]
    assert run.hostile.returncode == 0, run.hostile.stderr[-3000:]
    scores = {student: run.course.scores(student) for student in (*GOOD, *HOSTILE)}
    expected = dict.fromkeys(scores, FULL_MARKS)
    expected["h6-stubborn"] = 0.0  # its tests queue behind a loop that ignores interrupts
    assert scores == expected


@pytest.mark.slow
def test_sandbox_delivers_interrupts(runs: dict[str, GradingRun]) -> None:
    # The sleeper's endless cell ends only if nbgrader's timeout interrupt reaches it.
    assert runs["sandbox"].course.scores("h5-sleeper") == FULL_MARKS


@pytest.mark.slow
def test_sandbox_keeps_gradebook_and_key_byte_for_byte_while_student_code_runs(
    runs: dict[str, GradingRun],
) -> None:
    run = runs["sandbox"]
    assert {record["student"] for record in run.probe} == {*GOOD, *HOSTILE}
    for record in run.probe:
        assert record["before"] == record["after"], record["student"]


@pytest.mark.slow
def test_sandbox_keeps_key_and_other_students_work_intact(runs: dict[str, GradingRun]) -> None:
    run = runs["sandbox"]
    assert run.final_hashes == run.initial_hashes
    assert run.gradebook_integrity == "ok"
    assert {s: run.course.scores(s) for s in GOOD} == run.good_scores_before


@pytest.mark.slow
def test_sandbox_leaves_no_process_behind(runs: dict[str, GradingRun]) -> None:
    run = runs["sandbox"]
    assert run.sandbox_left == []
    assert run.daemons == []


@pytest.mark.slow
def test_no_attack_goes_unchecked(runs: dict[str, GradingRun]) -> None:
    # Every attack a fixture prints is judged by a test above, and nothing else is printed.
    assert set(runs["control"].verdicts) | set(runs["sandbox"].verdicts) <= {
        *REPORTED,
        *OBSERVED,
    }
    assert set(REPORTED) <= set(runs["sandbox"].verdicts)
