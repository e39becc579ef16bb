"""Autograde a whole class in parallel: ``postparis-instructor grade MODULE``.

``nbgrader autograde`` grades students one after another, so a class of 60 keeps one
core busy while the others wait. :func:`grade_class` runs nbgrader's own autograder
(:class:`nbgrader.converters.Autograde`, exactly what ``nbgrader autograde MODULE
--student ID --force --create`` runs) in several worker processes, one student per
worker at a time, in the real course directory: the graded notebooks land in
``autograded/`` and the grades in nbgrader's own gradebook, as after a serial run.

Concurrency. The gradebook is an SQLite file, and two nbgrader processes writing it at
once can fail with "database is locked" (nbgrader then aborts the whole run). Every
worker therefore takes an exclusive lock (``flock`` on ``<gradebook>.lock``) for as long
as it holds a :class:`nbgrader.api.Gradebook` open; nbgrader opens one only for short
reads and writes, never while a notebook executes, so notebooks run in parallel and
only the database work is serialized. A lock error from outside (e.g. a formgrader
writing at the same moment) is retried with a back-off.

What plain nbgrader only warns about or leaves in its log, the closing table says for
every folder ``submitted/<student>/<module>``: graded (score), INCOMPLETE (graded, but a
cell was stopped at the timeout: its exercise scored 0 and needs a look), or NOT graded
and why (no notebook, a notebook that is not JSON, a renamed notebook, a kernel that
died, any other error). The exit status is 1 if any submission is not cleanly graded.

The grading sandbox (:mod:`postparis_instructor.sandbox`) needs nothing special: when a
course enables it, nbgrader's configuration names the sandbox kernel, every worker
loads that configuration, and each kernel launch leases its own uid.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import glob
import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from postparis_instructor.safety.names import escape_name

__all__ = [
    "GradingError",
    "Outcome",
    "Status",
    "add_grade_command",
    "course_root",
    "format_progress",
    "format_table",
    "grade_class",
    "gradebook_lock",
]

Status = Literal["graded", "incomplete", "not graded", "set aside"]

#: How often a submission is retried when the gradebook stays locked from outside.
LOCK_RETRIES = 4
#: Wall-clock seconds one submission may take in all, by default (``--budget``).
DEFAULT_BUDGET = 600.0
#: The worker's first line on its protocol channel once it is ready.
_READY = "ready"


class GradingError(RuntimeError):
    """The class cannot be graded at all (not a course, module not generated...)."""


@dataclass(frozen=True)
class Outcome:
    """What happened to one student's submission.

    Attributes
    ----------
    student
        The student id (the folder name under ``submitted/``).
    status
        ``"graded"``, ``"incomplete"`` (graded, but a cell was stopped at the time
        limit) or ``"not graded"``.
    score, max_score
        Autograded points earned and available (``None`` if nothing was recorded).
    seconds
        Wall-clock time spent on this submission.
    reason
        Why it is not cleanly graded; empty when it is.
    notes
        Anything else worth a look (e.g. an extra notebook that was ignored).
    attempts
        How many times nbgrader ran on it (more than 1 after a locked gradebook).
    """

    student: str
    status: Status
    score: float | None = None
    max_score: float | None = None
    seconds: float = 0.0
    reason: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    attempts: int = 0

    @property
    def ok(self) -> bool:
        """True if the submission is cleanly graded."""
        return self.status == "graded"

    def score_text(self) -> str:
        """Return ``"2.5 / 3"``, or ``"-"`` when nothing was recorded."""
        if self.score is None or self.max_score is None:
            return "-"
        return f"{self.score:g} / {self.max_score:g}"


# -- the gradebook lock --------------------------------------------------------------------------
def _sqlite_path(db_url: str) -> Path | None:
    """Return the file behind an ``sqlite:///`` URL, or None for any other database."""
    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        return None
    path = db_url[len(prefix) :].split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


class _ReentrantFileLock:
    """An exclusive ``flock`` that the same process may take again while it holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.depth = 0
        self.fd: int | None = None

    def acquire(self) -> None:
        if self.depth == 0:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o660)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self.fd = fd
        self.depth += 1

    def release(self) -> None:
        if self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0 and self.fd is not None:
            fd, self.fd = self.fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


_LOCKS: dict[Path, _ReentrantFileLock] = {}


def _lock_for(database: Path) -> _ReentrantFileLock:
    path = database.with_name(database.name + ".lock")
    return _LOCKS.setdefault(path, _ReentrantFileLock(path))


@contextlib.contextmanager
def gradebook_lock(db_url: str) -> Iterator[None]:
    """Hold the course's gradebook lock (if the gradebook is an SQLite file).

    The parallel graders take the same lock whenever they open the gradebook, so code
    holding it reads or writes the database alone.
    """
    database = _sqlite_path(db_url)
    if database is None:
        yield
        return
    lock = _lock_for(database)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def _serialize_gradebook_access(db_url: str) -> None:
    """Make every :class:`nbgrader.api.Gradebook` on ``db_url`` hold the lock while open.

    nbgrader opens the gradebook in short ``with Gradebook(...)`` blocks (its converters
    and preprocessors), never while a notebook executes; holding the lock from the
    constructor (which may create tables) to ``close()`` serializes exactly that.
    """
    from nbgrader.api import Gradebook

    database = _sqlite_path(db_url)
    if database is None or getattr(Gradebook, "_postparis_locked", False):
        return
    lock = _lock_for(database)
    original_init = Gradebook.__init__
    original_close = Gradebook.close

    def locked_init(self: Any, url: str, *args: Any, **kwargs: Any) -> None:
        locked = _sqlite_path(url) == database
        if locked:
            lock.acquire()
        try:
            original_init(self, url, *args, **kwargs)
        except BaseException:
            if locked:
                lock.release()
            raise
        self._postparis_holds_lock = locked

    def locked_close(self: Any) -> None:
        try:
            original_close(self)
        finally:
            if self.__dict__.pop("_postparis_holds_lock", False):
                lock.release()

    Gradebook.__init__ = locked_init
    Gradebook.close = locked_close
    Gradebook._postparis_locked = True


# -- loading the course ------------------------------------------------------------------------
def _load_nbgrader(course: Path, argv: Sequence[str] = ()) -> Any:
    """Return an initialized nbgrader application for ``course`` (its config loaded)."""
    from nbgrader.apps.baseapp import NbGrader

    previous = Path.cwd()
    os.chdir(course)
    try:
        app = NbGrader()
        app.initialize(list(argv))
    finally:
        os.chdir(previous)
    return app


def _course_folder(course_dir: Path | None) -> Path:
    """Return the folder whose ``nbgrader_config.py`` configures the course."""
    if course_dir is None:
        here = Path.cwd()
        if (here / "nbgrader_config.py").is_file():
            course_dir = here
        else:
            from postparis_instructor.course import NbgraderError, source_directory

            try:
                course_dir = source_directory().parent
            except NbgraderError as error:
                raise GradingError(
                    f"{here} is not an nbgrader course (no nbgrader_config.py): "
                    "run from the course folder or pass --course-dir"
                ) from error
    folder = Path(course_dir).absolute()
    if not (folder / "nbgrader_config.py").is_file():
        raise GradingError(f"{folder} is not an nbgrader course folder (no nbgrader_config.py)")
    return folder


def course_root(course_dir: Path | None = None) -> Path:
    """Return the nbgrader course folder to grade in.

    Parameters
    ----------
    course_dir
        A course folder (holding ``nbgrader_config.py``), or a folder whose nbgrader
        configuration points at one (as the repository root's does). Default: the
        current folder if it has an ``nbgrader_config.py``, else the repository's
        ``assignments/``.

    Raises
    ------
    GradingError
        If the folder is not an nbgrader course.
    """
    app = _load_nbgrader(_course_folder(course_dir))
    return Path(app.coursedir.root).absolute()


# -- what is in the class --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Submission:
    student: str
    folder: Path
    notebooks: tuple[str, ...]  # *.ipynb file names in the folder
    problem: str = ""  # set when there is nothing nbgrader can grade
    reason: str = ""
    notes: tuple[str, ...] = ()


def _inspect(student: str, folder: Path, expected: set[str]) -> _Submission:
    """Look at a submission folder before grading and say what nbgrader will find."""
    from postparis_instructor.safety.files import check_submission_folder

    if not os.path.lexists(folder):
        return _Submission(
            student, folder, (), "missing", f"no submission folder {folder.name} for this student"
        )
    # Links, hard links and special files are moved aside before anything reads the folder.
    usable, refused = check_submission_folder(folder)
    if not usable:
        return _Submission(student, folder, (), "missing", "; ".join(refused))
    names = tuple(sorted(p.name for p in folder.glob("*.ipynb")))
    if not names:
        others = sorted(p.name for p in folder.iterdir())[:4]
        found = f" (it holds {', '.join(others)})" if others else " (it is empty)"
        return _Submission(
            student,
            folder,
            names,
            "no-notebook",
            "; ".join([f"no notebook in the folder{found}", *refused]),
        )
    from postparis_instructor.release import GLOSSARY  # released with every module

    known = [n for n in names if n in expected]
    unknown = [n for n in names if n not in expected and n != GLOSSARY]
    wanted = ", ".join(sorted(expected)) or "?"
    if not known:
        return _Submission(
            student,
            folder,
            names,
            "renamed",
            f"renamed notebook: found {', '.join(unknown)}, expected {wanted}",
        )
    notes = (*refused, *(f"ignored {name} (not a notebook of this assignment)" for name in unknown))
    for name in known:
        try:
            content = json.loads((folder / name).read_bytes())
        except (OSError, ValueError) as error:
            detail = "not valid JSON" if isinstance(error, ValueError) else str(error)
            return _Submission(
                student, folder, names, "not-json", f"{name} is not a notebook ({detail})", notes
            )
        if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
            return _Submission(
                student, folder, names, "not-json", f"{name} is not a notebook (no cells)", notes
            )
    return _Submission(student, folder, names, notes=notes)


_STUDENT_MARK = "\x00student\x00"


def shown(name: str) -> str:
    """Return a folder or student name safe to print: control characters escaped.

    A name with anything but printable characters, or with spaces at either end, is
    shown quoted, so that ``ada `` and ``ada`` never look the same in a report.
    """
    escaped = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in name
    )
    if escaped != name or name != name.strip() or not name:
        return f'"{escaped}"'
    return name


_STATE = ".postparis-grading"


def _stamp(folder: Path) -> str:
    """Return a digest of what a submission folder holds (its notebooks and timestamp)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted([*folder.glob("*.ipynb"), folder / "timestamp.txt"]):
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _state_file(root: str | Path, module: str, student: str) -> Path:
    """Return where a clean grading of ``student``'s ``module`` is recorded."""
    return Path(root) / _STATE / module / f"{student}.json"


def _graded_without_roster(root: str | Path, module: str) -> Path:
    """Return where the students ``module``'s grading took on without a roster are listed."""
    return Path(root) / _STATE / module / "graded-without-roster.json"


def _read_names(path: Path) -> set[str]:
    try:
        return {str(name) for name in json.loads(path.read_text(encoding="utf-8"))}
    except (OSError, ValueError, TypeError):
        return set()


def _note_graded_without_roster(root: str | Path, module: str, students: Sequence[str]) -> None:
    """Note, before grading starts, whom a class without a roster is about to grade.

    nbgrader adds each student it grades to the gradebook, which then reads as a roster;
    after an interrupted run it would hold only the students reached so far, and the next
    run would set the others aside. :func:`_effective_roster` discounts these names.
    """
    path = _graded_without_roster(root, module)
    names = _read_names(path) | set(students)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sorted(names)), encoding="utf-8")


def _effective_roster(students: Sequence[str], root: str | Path, module: str) -> list[str]:
    """Return the roster to grade ``module`` by: none if the gradebook holds only its own graded."""
    if set(students) <= _read_names(_graded_without_roster(root, module)):
        return []
    return list(students)


def _already_graded(layout: dict[str, Any], student: str, folder: Path) -> dict[str, Any] | None:
    """Return the record of a clean grading of this very submission, if there is one.

    A record is written only after nbgrader has graded a submission cleanly and its
    scores are read back, so a grader killed at any point leaves the student to grade
    again; a submission changed since (a new notebook or timestamp) is graded again too.
    """
    state = _state_file(layout["root"], layout["module"], student)
    graded = Path(layout["graded_template"].replace(_STUDENT_MARK, student))
    try:
        record = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    wanted = set(layout["expected"])
    present = {p.name for p in graded.glob("*.ipynb")}
    if record.get("stamp") != _stamp(folder) or not (wanted & present):
        return None
    return record


def _set_aside_reason(name: str, roster: Sequence[str]) -> str:
    """Say why the folder ``name`` is no student's to grade, or return ``""``.

    Names with control characters or spaces are never graded; when the gradebook has a
    roster (``nbgrader db student add/import``), only its students are.
    """
    if not name or any(not ch.isprintable() or ch.isspace() for ch in name):
        return "set aside: the folder name has spaces or control characters"
    if roster and name not in roster:
        alike = [s for s in roster if s.casefold() == name.strip().casefold()]
        hint = (
            f" (it looks like {shown(alike[0])}: rename the folder if it is theirs)"
            if alike
            else f" (if this is your student: nbgrader db student add {shown(name)})"
        )
        return f"set aside: not on the roster{hint}"
    return ""


def _discover(
    layout: dict[str, Any], students: Sequence[str] | None, force: bool = True
) -> list[_Submission]:
    """Return every submission (or only ``students``'), in name order.

    ``layout`` is what a worker reports once nbgrader's configuration is loaded: the
    glob of the submission folders, the folder of a student (with a mark for the id)
    and the notebook names the gradebook expects.
    """
    expected = set(layout["expected"])
    roster = layout.get("roster") or []
    if students:
        names = list(dict.fromkeys(students))
    else:
        found = glob.glob(layout["pattern"])
        names = sorted(Path(p).parent.name for p in found if Path(p).is_dir())
    submissions = []
    for name in names:
        folder = Path(layout["template"].replace(_STUDENT_MARK, name))
        reason = _set_aside_reason(name, roster)
        record = None if reason or force else _already_graded(layout, name, folder)
        if reason:
            submissions.append(_Submission(name, folder, (), "set-aside", reason))
        elif record is not None:
            note = (f"{record['score']:g} / {record['max_score']:g}",)
            submissions.append(_Submission(name, folder, (), "already", "", note))
        else:
            submissions.append(_inspect(name, folder, expected))
    return submissions


def _roster(db_url: str, course_id: str) -> list[str]:
    """Return the student ids in the gradebook (empty before any is added)."""
    from nbgrader.api import Gradebook

    with gradebook_lock(db_url), Gradebook(db_url, course_id) as gradebook:
        return sorted(student.id for student in gradebook.students)


def _expected_notebooks(
    db_url: str, course_id: str, module: str, source: Path | None = None
) -> set[str]:
    """Return the notebook file names of ``module`` known to the gradebook.

    ``source`` is the course's source folder: a module found neither there nor in the
    gradebook is misspelt, and the error names the closest module id.
    """
    from nbgrader.api import Gradebook, MissingEntry

    from postparis_instructor.course import module_ids, unknown_module

    sources = module_ids(source) if source is not None and source.is_dir() else []
    database = _sqlite_path(db_url)
    if database is not None and not database.is_file():
        misspelt = unknown_module(module, sources) if sources else None
        raise GradingError(
            misspelt
            or f"no gradebook at {database}: run `nbgrader generate_assignment {module}` first"
        )
    with gradebook_lock(db_url), Gradebook(db_url, course_id) as gradebook:
        try:
            assignment = gradebook.find_assignment(module)
        except MissingEntry:
            generated = [a.name for a in gradebook.assignments]
            misspelt = None if module in sources else unknown_module(module, sources + generated)
            raise GradingError(
                misspelt
                or f"{module!r} is not in the gradebook: run `nbgrader generate_assignment "
                f"{module}` in the course folder first"
            ) from None
        return {f"{notebook.name}.ipynb" for notebook in assignment.notebooks}


# -- the worker ----------------------------------------------------------------------------------------
def _explain_failure(text: str) -> tuple[str, str]:
    """Return ``(kind, reason)`` for a failed nbgrader run, from its log and traceback."""
    checks: list[tuple[tuple[str, ...], str, str]] = [
        (
            ("DeadKernelError", "Kernel died"),
            "kernel-died",
            "the kernel died while running the notebook (the student's code crashed or "
            "ended the Python process)",
        ),
        (
            ("UnresponsiveKernelError", "kernel became unresponsive"),
            "unresponsive",
            "the kernel stopped responding and could not be interrupted",
        ),
        (
            ("NotJSONError", "does not appear to be JSON", "JSONDecodeError"),
            "not-json",
            "the notebook is not valid JSON",
        ),
        (
            ("No notebooks found", "Skipping unknown notebook"),
            "renamed",
            "no notebook with the assignment's name",
        ),
        (
            ("database is locked",),
            "locked",
            "the gradebook stayed locked by another program",
        ),
        (
            ("Kernel didn't respond", "Kernel died before replying"),
            "kernel-start",
            "the kernel did not start",
        ),
    ]
    for needles, kind, reason in checks:
        if any(needle in text for needle in needles):
            return kind, reason
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "Exception" in line]
    last = (errors or lines or ["no details"])[-1]
    return "error", f"nbgrader failed: {last[:200]}"


def _timeouts(folder: Path) -> list[str]:
    """Return the cells of the graded notebooks in ``folder`` stopped at the time limit."""
    import nbformat

    stopped = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # a graded notebook we cannot read has no timeouts to report
            continue
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error" and output.get("ename") == (
                    "CellTimeoutError"
                ):
                    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                    stopped.append(grade_id or f"cell {index + 1}")
    return stopped


def _auto_scores(db_url: str, course_id: str, module: str, student: str) -> tuple[float, float]:
    """Return the autograded points earned and available for ``student``'s ``module``."""
    from nbgrader.api import Gradebook

    score = maximum = 0.0
    with gradebook_lock(db_url), Gradebook(db_url, course_id) as gradebook:
        submission = gradebook.find_submission(module, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                cell = grade.cell
                if cell.cell_type == "code":
                    maximum += float(cell.max_score)
                    score += float(grade.score or 0.0)
    return score, maximum


class _Worker:
    """Grades one student at a time inside a worker process (see :func:`_worker_main`)."""

    def __init__(self, course: Path, module: str, argv: Sequence[str]) -> None:
        import logging

        self.module = module
        self.app = _load_nbgrader(course, argv)
        for handler in list(self.app.log.handlers):
            if type(handler) is logging.StreamHandler:
                self.app.log.removeHandler(handler)  # the parent reports; the log has details
        self.coursedir = self.app.coursedir
        self.db_url = self.coursedir.db_url
        self.course_id = self.coursedir.course_id
        _serialize_gradebook_access(self.db_url)
        self.bad_timestamps: set[str] = set()
        read_timestamp = self.coursedir.get_existing_timestamp

        def tolerant_timestamp(path: str) -> Any:
            # nbgrader 0.9.6 calls a missing CourseDirectory.fail on a bad timestamp.txt
            # and stops the student's grading; grade it without a submission time.
            try:
                return read_timestamp(path)
            except (ValueError, AttributeError):
                self.bad_timestamps.add(os.path.realpath(path))
                return None

        self.coursedir.get_existing_timestamp = tolerant_timestamp

    def layout(self) -> dict[str, Any]:
        """Describe the class for the parent (see :func:`_discover`).

        Raises
        ------
        GradingError
            If the module is not in the gradebook.
        """
        submitted = self.coursedir.submitted_directory
        return {
            "module": self.module,
            "root": str(self.coursedir.root),
            "pattern": self.coursedir.format_path(submitted, "*", self.module),
            "template": self.coursedir.format_path(submitted, _STUDENT_MARK, self.module),
            "expected": sorted(
                _expected_notebooks(
                    self.db_url,
                    self.course_id,
                    self.module,
                    Path(self.coursedir.root) / self.coursedir.source_directory,
                )
            ),
            "roster": _effective_roster(
                _roster(self.db_url, self.course_id), self.coursedir.root, self.module
            ),
            "graded_template": self.coursedir.format_path(
                self.coursedir.autograded_directory, _STUDENT_MARK, self.module
            ),
        }

    def grade(self, student: str) -> dict[str, Any]:
        from nbgrader.converters import Autograde
        from nbgrader.utils import capture_log, temp_attrs

        started = time.perf_counter()
        attempts = 0
        while True:
            attempts += 1
            with temp_attrs(
                self.coursedir, assignment_id=self.module, student_id=glob.escape(student)
            ):
                converter = Autograde(coursedir=self.coursedir, parent=self.app)
                converter.force = True
                converter.create_student = True
                result = capture_log(converter)
            text = f"{result.get('log', '')}\n{result.get('error', '')}"
            if result["success"] or attempts >= LOCK_RETRIES or "database is locked" not in text:
                break
            time.sleep(0.5 * 2**attempts)
        report: dict[str, Any] = {"student": student, "attempts": attempts}
        if result["success"]:
            graded = Path(
                self.coursedir.format_path(
                    self.coursedir.autograded_directory, student, self.module
                )
            )
            stopped = _timeouts(graded)
            report["kind"] = "timeout" if stopped else ""
            report["reason"] = (
                f"stopped at the time limit in {', '.join(stopped)} (scored 0; check by hand)"
                if stopped
                else ""
            )
        else:
            report["kind"], report["reason"] = _explain_failure(text)
        notes = sorted(
            {
                line.split("Skipping unknown notebook:", 1)[1].strip()
                for line in text.splitlines()
                if "Skipping unknown notebook:" in line
            }
        )
        report["notes"] = [f"ignored {Path(n).name}" for n in notes]
        submitted = self.coursedir.format_path(
            self.coursedir.submitted_directory, student, self.module
        )
        if os.path.realpath(submitted) in self.bad_timestamps:
            report["notes"].append(
                "timestamp.txt is not a date: graded without a submission time (check lateness)"
            )
        # Files refused at collect or grading time, and a forged-results flag.
        from postparis_instructor.safety.files import refusal_notes
        from postparis_instructor.safety.nbgrader_hooks import review_notes

        root = Path(self.coursedir.root)
        report["notes"] += refusal_notes(root, student, self.module)
        report["notes"] += review_notes(root, student, self.module)
        try:
            report["score"], report["max_score"] = _auto_scores(
                self.db_url, self.course_id, self.module, student
            )
        except Exception:  # no submission recorded: report no score
            report["score"] = report["max_score"] = None
        report["seconds"] = time.perf_counter() - started
        if result["success"] and not report["kind"] and report["score"] is not None:
            state = _state_file(self.coursedir.root, self.module, student)
            state.parent.mkdir(parents=True, exist_ok=True)
            record = {k: report[k] for k in ("score", "max_score")}
            state.write_text(json.dumps({**record, "stamp": _stamp(Path(submitted))}))
        return report


def _die_with_parent() -> None:
    """Have the kernel kill this worker when the grading parent dies (Linux).

    Otherwise a parent killed mid-class (SIGKILL, a closed session) leaves its workers
    grading on, unseen, while the instructor's next ``grade`` grades the same students.
    Each worker's kernel notices its own parent is gone and stops too (ipykernel).
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _worker_main(course: str, module: str, argv: list[str]) -> int:
    """Serve grading requests: one student id per line on stdin, one JSON line back.

    The real stdout is kept for the replies; anything else printed goes to stderr.
    """
    _die_with_parent()
    channel = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        worker = _Worker(Path(course), module, argv)
        layout = worker.layout()
    except GradingError as error:  # the class cannot be graded: the parent says why
        channel.write(json.dumps({"fatal": str(error), "setup": True}) + "\n")
        return 1
    except Exception as error:  # sent to the parent, which reports it
        channel.write(json.dumps({"fatal": f"{type(error).__name__}: {error}"}) + "\n")
        traceback.print_exc()
        return 1
    channel.write(json.dumps({_READY: True, "layout": layout}) + "\n")
    for line in sys.stdin:
        student = line.strip()
        if not student:
            continue
        try:
            reply = worker.grade(student)
        except Exception as error:  # one broken submission must not stop the class
            traceback.print_exc()
            reply = {
                "student": student,
                "kind": "error",
                "reason": f"{type(error).__name__}: {error}",
            }
        channel.write(json.dumps(reply) + "\n")
    return 0


# -- the parent: a small pool of worker processes -----------------------------------------------------
class _Process:
    """One worker process and the student it is grading."""

    def __init__(self, course: Path, module: str, argv: Sequence[str], log: IO[bytes]) -> None:
        from postparis_instructor.course import nbgrader_environment

        command = [
            sys.executable,
            "-m",
            "postparis_instructor.grading",
            "--worker",
            str(course),
            module,
            *argv,
        ]
        self.log = log
        self.popen = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=course,
            env=nbgrader_environment(),
            text=True,
            bufsize=1,
        )
        self.student: str | None = None
        self.started = 0.0
        self.ready = False

    def send(self, student: str) -> None:
        assert self.popen.stdin is not None
        self.student = student
        self.started = time.perf_counter()
        self.popen.stdin.write(student + "\n")
        self.popen.stdin.flush()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.popen.stdin:
                self.popen.stdin.close()

    def stderr_tail(self, limit: int = 300) -> str:
        self.log.flush()
        self.log.seek(0)
        text = self.log.read().decode("utf-8", errors="replace").strip()
        return text[-limit:]


def _outcome(submission: _Submission, reply: dict[str, Any]) -> Outcome:
    """Combine what the folder looked like with what nbgrader reported."""
    kind = reply.get("kind", "error")
    reason = reply.get("reason", "")
    if submission.problem and kind:
        reason = submission.reason  # our own look at the folder says it more precisely
    if submission.problem == "renamed":
        reply = {**reply, "notes": []}  # the reason already names the notebook found
    status: Status = "graded" if not kind else ("incomplete" if kind == "timeout" else "not graded")
    scored = status != "not graded"  # a failed run leaves empty grades: show none
    return Outcome(
        student=submission.student,
        status=status,
        score=reply.get("score") if scored else None,
        max_score=reply.get("max_score") if scored else None,
        seconds=float(reply.get("seconds", 0.0)),
        reason=reason,
        notes=tuple(dict.fromkeys([*submission.notes, *reply.get("notes", [])])),
        attempts=int(reply.get("attempts", 0)),
    )


def grade_class(
    module: str,
    *,
    course_dir: Path | None = None,
    workers: int | None = None,
    students: Sequence[str] | None = None,
    timeout: int | None = None,
    force: bool = False,
    budget: float | None = DEFAULT_BUDGET,
    on_result: Callable[[Outcome, int, int], None] | None = None,
) -> list[Outcome]:
    """Autograde every submission of ``module`` with nbgrader, in parallel workers.

    Parameters
    ----------
    module
        The assignment (module) id, e.g. ``"02-sanctions"``.
    course_dir
        The nbgrader course folder (default: see :func:`course_root`).
    workers
        Worker processes (default: the number of CPUs); each grades one student at a time.
    students
        Only these students (default: every folder ``submitted/*/<module>``).
    timeout
        Stop any cell running longer than this many seconds (nbgrader's
        ``Execute.timeout``; default: the course's configuration).
    force
        Grade every submission again, even one already graded cleanly and unchanged
        since (by default only the others are graded: a new or changed submission, and
        any left ungraded or half graded by an interrupted run).
    budget
        Wall-clock seconds one submission may take in all (None: no limit). A worker
        over it is stopped and the submission reported NOT graded, with the reason;
        the per-cell ``timeout`` alone would let 100 slow cells hold a worker for hours.
    on_result
        Called as ``on_result(outcome, done, total)`` as each submission finishes.

    Returns
    -------
    list of Outcome
        One per submission folder (or requested student), in student order.

    Raises
    ------
    GradingError
        If the course or the module cannot be graded at all.
    """
    folder = _course_folder(course_dir)
    argv = [f"--Execute.timeout={int(timeout)}"] if timeout else []
    count = max(1, workers or os.cpu_count() or 1)
    pool: list[_Process] = []
    selector = selectors.DefaultSelector()

    def start_worker() -> None:
        log = tempfile.TemporaryFile(prefix="postparis-grade-")  # noqa: SIM115 - closed by stop_worker
        process = _Process(folder, module, argv, log)
        pool.append(process)
        assert process.popen.stdout is not None
        selector.register(process.popen.stdout, selectors.EVENT_READ, process)

    def stop_worker(process: _Process, kill: bool = False) -> None:
        assert process.popen.stdout is not None
        selector.unregister(process.popen.stdout)
        pool.remove(process)
        process.close()
        if kill:
            process.popen.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.popen.wait(timeout=30)
        process.popen.stdout.close()
        process.log.close()

    # The parent never imports nbgrader: the first worker to be ready (nbgrader loaded,
    # the course's configuration read) describes the class, and the others start
    # grading as soon as they are ready too.
    for _ in range(count):
        start_worker()
    submissions: list[_Submission] | None = None
    outcomes: dict[str, Outcome] = {}
    by_student: dict[str, _Submission] = {}
    queue: list[_Submission] = []

    def finish(outcome: Outcome) -> None:
        outcomes[outcome.student] = outcome
        if on_result:
            on_result(outcome, len(outcomes), len(submissions or ()))

    graded_template = ""

    def discard_partial(student: str) -> None:
        # A worker stopped or killed mid-grading leaves what nbgrader had copied so far in
        # autograded/: remove it, as nbgrader does after a failure, so that feedback is
        # never made from a half-graded notebook.
        if graded_template:
            graded = Path(graded_template.replace(_STUDENT_MARK, student))
            shutil.rmtree(graded, ignore_errors=True)

    def plan(layout: dict[str, Any]) -> None:
        nonlocal submissions, graded_template
        graded_template = layout["graded_template"]
        submissions = _discover(layout, students, force)
        for submission in submissions:
            if submission.problem == "set-aside":
                finish(Outcome(submission.student, "set aside", reason=submission.reason))
            elif submission.problem == "already":
                score, maximum = (float(x) for x in submission.notes[0].split(" / "))
                finish(
                    Outcome(
                        submission.student,
                        "graded",
                        score,
                        maximum,
                        notes=("already graded, unchanged since (--force grades it again)",),
                    )
                )
            elif submission.problem in ("missing", "no-notebook"):
                finish(Outcome(submission.student, "not graded", reason=submission.reason))
            else:
                by_student[submission.student] = submission
                queue.append(submission)
        if queue and not layout.get("roster"):
            _note_graded_without_roster(layout["root"], module, [s.student for s in queue])
        queue.reverse()

    restarts = count  # replaced once the class is known
    failed_starts = 0
    try:
        while pool:
            for process in list(pool):
                if (
                    budget is not None
                    and process.student is not None
                    and time.perf_counter() - process.started > budget
                ):
                    finish(
                        Outcome(
                            process.student,
                            "not graded",
                            seconds=time.perf_counter() - process.started,
                            reason=f"over the budget of {budget:g} s for one submission: "
                            "stopped (grade it by hand, or again with a larger --budget)",
                        )
                    )
                    stop_worker(process, kill=True)
                    discard_partial(process.student)
                    if queue:
                        start_worker()
            if not pool:
                break
            for key, _ in selector.select(timeout=1.0 if budget is not None else None):
                process = key.data
                assert process.popen.stdout is not None
                line = process.popen.stdout.readline()
                if not line:  # the worker died
                    process.popen.wait()
                    tail = process.stderr_tail()
                    if not process.ready:
                        failed_starts += 1
                        if submissions is None and failed_starts >= count:
                            raise GradingError(f"the grading workers failed to start:\n{tail}")
                    if process.student is not None:
                        finish(
                            Outcome(
                                process.student,
                                "not graded",
                                seconds=time.perf_counter() - process.started,
                                reason="the grading process died (exit status "
                                f"{process.popen.returncode}): {tail[-150:]}",
                            )
                        )
                        discard_partial(process.student)
                    stop_worker(process)
                    if (queue or submissions is None) and restarts > 0:
                        restarts -= 1
                        start_worker()
                    continue
                reply = json.loads(line)
                if "fatal" in reply:
                    if reply.get("setup"):
                        raise GradingError(reply["fatal"])
                    tail = process.stderr_tail()
                    raise GradingError(
                        f"a grading worker could not start: {reply['fatal']}\n{tail}"
                    )
                if reply.get(_READY):
                    process.ready = True
                    if submissions is None:
                        plan(reply["layout"])
                        restarts = len(queue) + count  # one death per submission, no loop
                else:
                    finish(_outcome(by_student[reply["student"]], reply))
                    process.student = None
                if queue:
                    process.send(queue.pop().student)
                else:
                    stop_worker(process)
        for submission in reversed(queue):  # only if workers kept dying
            finish(Outcome(submission.student, "not graded", reason="no grading process left"))
    finally:
        for process in list(pool):
            stop_worker(process, kill=True)
        selector.close()
    return [outcomes[s.student] for s in submissions or ()]


# -- reporting -----------------------------------------------------------------------------------------
def format_progress(outcome: Outcome, done: int, total: int) -> str:
    """Return the one-line progress report for a finished submission."""
    width = len(str(total))
    if outcome.status == "graded":
        what = outcome.score_text()
    elif outcome.status == "incomplete":
        what = f"{outcome.score_text()}, INCOMPLETE: {outcome.reason}"
    elif outcome.status == "set aside":
        what = f"SET ASIDE, {outcome.reason}"
    else:
        what = f"NOT graded: {outcome.reason}"
    what += "".join(f"; {note}" for note in outcome.notes if note.startswith("FLAGGED"))
    line = f"[{done:>{width}}/{total}] {shown(outcome.student)}  {what}  ({outcome.seconds:.1f} s)"
    return escape_name(line, backslashes=False)


def format_table(outcomes: Sequence[Outcome], module: str, seconds: float, workers: int) -> str:
    """Return the closing table: every submission, graded (score) or not and why."""
    header = ("student", "result", "score", "seconds", "why / notes")
    rows = []
    for outcome in outcomes:
        label = {
            "graded": "graded",
            "incomplete": "INCOMPLETE",
            "not graded": "NOT graded",
            "set aside": "SET ASIDE",
        }[outcome.status]
        why = "; ".join(part for part in (outcome.reason, *outcome.notes) if part)
        if any(note.startswith("FLAGGED") for note in outcome.notes):
            label += ", FLAGGED"
        rows.append(
            (
                shown(outcome.student),
                label,
                outcome.score_text(),
                f"{outcome.seconds:.1f}",
                escape_name(why or "", backslashes=False),
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    lines = [
        f"Autograded {module}: {len(outcomes)} submission(s) in {seconds:.1f} s "
        f"with {workers} worker(s).",
        "",
        "  ".join(h.ljust(w) for h, w in zip(header[:4], widths, strict=True)) + "  " + header[4],
        "  ".join("-" * w for w in widths) + "  " + "-" * len(header[4]),
    ]
    for row in rows:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [row[2].rjust(widths[2]), row[3].rjust(widths[3])]
        lines.append(("  ".join(cells) + "  " + row[4]).rstrip())
    graded = sum(o.status == "graded" for o in outcomes)
    incomplete = sum(o.status == "incomplete" for o in outcomes)
    failed = sum(o.status == "not graded" for o in outcomes)
    aside = sum(o.status == "set aside" for o in outcomes)
    lines += [
        "",
        f"{graded} graded, {incomplete} incomplete (a cell stopped at the time limit), "
        f"{failed} NOT graded."
        + (f" {aside} set aside (not a student's folder: see above)." if aside else ""),
    ]
    if incomplete or failed:
        lines.append(
            "To see nbgrader's full output for one of them, run in the course folder: "
            f"nbgrader autograde {module} --student ID --force"
        )
    return "\n".join(lines)


def _cmd_grade(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        print("postparis-instructor grade: error: --workers must be at least 1", file=sys.stderr)
        return 2

    def progress(outcome: Outcome, done: int, total: int) -> None:
        print(format_progress(outcome, done, total), flush=True)

    started = time.perf_counter()
    try:
        outcomes = grade_class(
            args.module,
            course_dir=args.course_dir,
            workers=args.workers,
            students=args.student or None,
            timeout=args.timeout,
            force=args.force,
            budget=args.budget or None,
            on_result=progress,
        )
    except GradingError as error:
        print(f"postparis-instructor grade: error: {error}", file=sys.stderr)
        return 2
    if not outcomes:
        print(f"No submissions of {args.module} to grade.")
        return 0
    workers = max(1, min(args.workers or os.cpu_count() or 1, len(outcomes)))
    print()
    print(format_table(outcomes, args.module, time.perf_counter() - started, workers), flush=True)
    return 0 if all(o.ok for o in outcomes) else 1


def add_grade_command(subparsers: Any) -> None:
    """Register ``grade MODULE [--workers N] [--student ID ...] [--timeout S]``."""
    grade = subparsers.add_parser(
        "grade",
        help="autograde a whole class with nbgrader in parallel worker processes",
        description=(
            "Autograde every submission of MODULE (submitted/<student>/MODULE) with "
            "nbgrader's autograder, one student per worker process at a time, into the "
            "course's own gradebook (a submission already graded cleanly and unchanged "
            "since is skipped unless --force; one left by an interrupted run is graded "
            "again); then print a table of every submission: "
            "graded (score), INCOMPLETE (a cell hit the time limit) or NOT graded and "
            "why. Exit status: 0 if every submission is graded, 1 if any is not cleanly "
            "graded, 2 if the class cannot be graded at all (e.g. the module was never "
            "generated)."
        ),
    )
    grade.add_argument("module", help="the module (assignment) id, e.g. 02-sanctions")
    grade.add_argument("--workers", type=int, help="worker processes (default: the number of CPUs)")
    grade.add_argument(
        "--student", action="append", metavar="ID", help="grade only this student (repeatable)"
    )
    grade.add_argument(
        "--timeout",
        type=int,
        metavar="S",
        help="stop a cell after S seconds (default: the course's Execute.timeout)",
    )
    grade.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        metavar="S",
        help=f"stop grading one submission after S seconds in all and report it "
        f"(default: {DEFAULT_BUDGET:g}; 0: no limit)",
    )
    grade.add_argument(
        "--force",
        action="store_true",
        help="grade every submission again (default: skip those already graded cleanly "
        "and unchanged since; an interrupted run's are graded again)",
    )
    grade.add_argument(
        "--course-dir",
        type=Path,
        help="the nbgrader course folder (default: this folder's, else the repository's assignments/)",
    )
    grade.set_defaults(func=_cmd_grade)


def _main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--worker"] and len(args) >= 3:
        return _worker_main(args[1], args[2], args[3:])
    parser = argparse.ArgumentParser(prog="python -m postparis_instructor.grading")
    add_grade_command(parser.add_subparsers(dest="command", required=True))
    parsed = parser.parse_args(["grade", *args])
    return int(parsed.func(parsed))


if __name__ == "__main__":
    sys.exit(_main())
