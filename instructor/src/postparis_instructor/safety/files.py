"""Regular files only: collecting and grading never follow a link out of a student's folder.

nbgrader copies a submission with the grader's rights and follows symbolic links when it
does, before any sandbox starts: a notebook submitted as a link to the answer key gets
full marks, a link to the gradebook, a classmate's notebook or ``/etc/shadow`` is copied
next to the student's code, and a link to ``/dev/zero`` is copied without end.

Here a submission may hold only regular files (one name each: a hard link is refused
too) and folders, each under :data:`MAX_FILE_BYTES`, with names free of control
characters, and no file a browser would run as a page (HTML, SVG, XML, JavaScript,
PDF: nbgrader's formgrader serves a submission's files on the Jupyter server's own
origin). Everything else is *refused*:

- :func:`scan` lists what would be refused, without opening anything;
- :func:`quarantine` moves refused entries out of a ``submitted/`` folder (a rename
  never follows a link), into ``review/<student>/<module>/refused/`` of the course, and
  records them in ``review/<student>/<module>/refused.json``;
- :func:`copy_regular_tree` copies a folder (the exchange inbox) without ever reading
  what is refused, re-checking each file as it opens it (``O_NOFOLLOW``).

The grade table (``postparis-instructor grade``) reports each refusal, and what remains
is graded; a refused notebook counts as not submitted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from .names import escape_name, has_control_characters

__all__ = [
    "MAX_FILE_BYTES",
    "Refusal",
    "copy_regular_tree",
    "quarantine",
    "read_refusals",
    "refusal_notes",
    "review_folder",
    "scan",
]

#: The largest file a submission may hold (a notebook with its figures is far smaller).
MAX_FILE_BYTES = 20_000_000
#: At most this many entries are looked at in one submission.
MAX_ENTRIES = 5_000
#: Extra files a browser would run: the formgrader serves a submission's files on the
#: Jupyter server's own origin (``/formgrader/submissions/<id>/<file>``).
ACTIVE_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt"}
    | {".js", ".mjs", ".swf", ".mht", ".mhtml", ".pdf"}
)


@dataclass(frozen=True)
class Refusal:
    """One entry of a submission that is not read: its path in the folder and why."""

    path: str
    why: str

    def note(self) -> str:
        """Return the line the grade table shows, the name escaped."""
        return f"refused {escape_name(self.path)} ({self.why})"


_SPECIAL = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


def _why(info: os.stat_result, name: str, max_bytes: int) -> str:
    """Return why an entry is refused, or "" if it may be read."""
    mode = info.st_mode
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if has_control_characters(name):
        return "control characters in its name"
    if stat.S_ISDIR(mode):
        return ""
    if not stat.S_ISREG(mode):
        return _SPECIAL.get(stat.S_IFMT(mode), "not a regular file")
    if info.st_nlink > 1:
        return f"a hard link: the file has {info.st_nlink} names"
    if info.st_size > max_bytes:
        return f"{info.st_size:,} bytes, over the limit of {max_bytes:,}"
    suffix = os.path.splitext(name)[1].lower()
    if suffix in ACTIVE_SUFFIXES:
        return f"a {suffix} file, which a browser would run as a page"
    return ""


def scan(folder: Path, max_bytes: int = MAX_FILE_BYTES) -> list[Refusal]:
    """Return every entry under ``folder`` that must not be read (nothing is opened).

    The folder itself must be a real folder, not a link: if it is not, the whole
    folder is refused (as ``"."``).
    """
    folder = Path(folder)
    try:
        top = os.lstat(folder)
    except OSError as error:
        return [Refusal(".", f"cannot be read: {error.strerror}")]
    if not stat.S_ISDIR(top.st_mode):
        return [Refusal(".", "the submission folder is a symbolic link or not a folder")]
    refused: list[Refusal] = []
    seen = 0
    pending = [Path()]
    while pending:
        relative = pending.pop()
        try:
            entries = sorted(os.scandir(folder / relative), key=lambda e: e.name)
        except OSError as error:
            refused.append(Refusal(str(relative), f"cannot be listed: {error.strerror}"))
            continue
        for entry in entries:
            seen += 1
            path = relative / entry.name
            if seen > MAX_ENTRIES:
                refused.append(Refusal(str(path), f"more than {MAX_ENTRIES:,} files"))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as error:
                refused.append(Refusal(str(path), f"cannot be read: {error.strerror}"))
                continue
            why = _why(info, entry.name, max_bytes)
            if why:
                refused.append(Refusal(str(path), why))
            elif stat.S_ISDIR(info.st_mode):
                pending.append(path)
    return refused


# -- the course's record of refusals ------------------------------------------------------------------
def review_folder(course: Path, student: str, module: str) -> Path:
    """Return ``review/<student>/<module>`` of the course (where refusals are recorded)."""
    return Path(course) / "review" / student / module


def _record(course: Path, student: str, module: str, refusals: Iterable[Refusal]) -> None:
    folder = review_folder(course, student, module)
    folder.mkdir(parents=True, exist_ok=True)
    known = {(r.path, r.why) for r in read_refusals(course, student, module)}
    records = [*read_refusals(course, student, module)]
    records += [r for r in refusals if (r.path, r.why) not in known]
    target = folder / "refused.json"
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps([asdict(r) for r in records], indent=1), encoding="utf-8")
    temporary.replace(target)


def read_refusals(course: Path, student: str, module: str) -> list[Refusal]:
    """Return the refusals recorded for ``student``'s ``module`` (collect and grading)."""
    path = review_folder(course, student, module) / "refused.json"
    try:
        return [Refusal(str(r["path"]), str(r["why"])) for r in json.loads(path.read_text("utf-8"))]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def refusal_notes(course: Path, student: str, module: str) -> list[str]:
    """Return the grade table's notes for ``student``'s refused files."""
    return [r.note() for r in read_refusals(course, student, module)]


def clear_record(course: Path, student: str, module: str) -> None:
    """Forget earlier refusals (a new collect replaces the submission)."""
    with contextlib.suppress(FileNotFoundError):
        (review_folder(course, student, module) / "refused.json").unlink()


def quarantine(folder: Path, course: Path, student: str, module: str) -> list[Refusal]:
    """Move every refused entry of a ``submitted/`` folder aside; record and return them.

    A rename moves a link or a special file itself, never what it points to. If the
    folder itself is refused, nothing is moved and the caller must not grade it.
    """
    refused = scan(folder)
    if refused and refused[0].path == ".":
        _record(course, student, module, refused)
        return refused
    aside = review_folder(course, student, module) / "refused"
    for refusal in refused:
        source = Path(folder) / refusal.path
        target = aside / escape_name(refusal.path).replace("/", "__")
        try:
            aside.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(target):
                if os.path.isdir(target) and not os.path.islink(target):
                    shutil.rmtree(target)
                else:
                    os.unlink(target)
            os.rename(source, target)
        except OSError:
            with contextlib.suppress(OSError):  # another file system: the entry goes
                if os.path.isdir(source) and not os.path.islink(source):
                    shutil.rmtree(source)
                else:
                    os.unlink(source)
    if refused:
        _record(course, student, module, refused)
    return refused


def _copy_file(source: str, target: str, *, follow_symlinks: bool = True) -> str:
    """Copy one file, refusing at the moment of opening anything but a regular file."""
    del follow_symlinks
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        why = _why(info, os.path.basename(source), MAX_FILE_BYTES)
        if why:
            raise OSError(f"{escape_name(source)} refused: {why}")
        with open(fd, "rb", closefd=False) as reader, open(target, "wb") as writer:
            shutil.copyfileobj(reader, writer)
        os.chmod(target, stat.S_IMODE(info.st_mode) & 0o755 | 0o600)
    finally:
        os.close(fd)
    return target


def copy_regular_tree(source: Path, target: Path, ignore: object = None) -> list[Refusal]:
    """Copy folder ``source`` to ``target`` (which must not exist), regular files only.

    ``ignore`` is a :func:`shutil.copytree` ignore function applied as well (nbgrader's
    ignore and size patterns). Returns what was refused (and not copied).
    """
    refused = scan(source)
    if refused and refused[0].path == ".":
        return refused
    skip = {str(Path(source) / r.path) for r in refused}

    def ignored(directory: str, names: list[str]) -> set[str]:
        chosen = {n for n in names if os.path.join(directory, n) in skip}
        if callable(ignore):
            chosen |= set(ignore(directory, names))
        return chosen

    shutil.copytree(source, target, symlinks=True, ignore=ignored, copy_function=_copy_file)
    return refused


def check_submission_folder(folder: Path) -> tuple[bool, list[str]]:
    """Refuse what a ``submitted/<student>/<module>`` folder must not hold, before reading it.

    Returns ``(usable, notes)``: ``usable`` is False if the folder itself is refused
    (a link, or not a folder); ``notes`` are the grade table's lines for every refusal
    recorded for this submission (at collect time as well).
    """
    folder = Path(folder)
    student, module, course = folder.parent.name, folder.name, folder.parent.parent.parent
    target = folder.parent if os.path.islink(folder.parent) else folder
    refused = quarantine(target, course, student, module)
    usable = not (refused and refused[0].path == ".")
    return usable, refusal_notes(course, student, module)
