#!/usr/bin/env python3
"""Set up one shared machine for a class, in one command (run as root, from the clone).

::

    sudo python3 deploy/shared-machine/shared_machine.py up --roster students.csv
    sudo python3 deploy/shared-machine/shared_machine.py down

``up`` makes the machine ready for an instructor and learners who each have their own
Unix account:

* the course environment (nbgrader, JupyterLab, the course package) in a folder every
  account can read, built once per lock by ``deploy/jupyterhub/classroom.py`` and shared
  with the JupyterHub deployment (``/opt/postparis-classroom/env-<hash>``);
* ``/etc/jupyter/nbgrader_config.py``, read by every account's nbgrader: the course id
  and the exchange folder;
* the exchange folder (mode 1777, as nbgrader needs);
* ``nbgrader``, ``jupyter``, ``postparis-instructor`` and ``alembic`` in
  ``/usr/local/bin``, linked to that environment;
* the learners' JupyterLab settings (the JupyterHub deployment's, no instructor menus:
  formgrader, course list, create assignment) in ``/etc/jupyter/postparis-learners``;
  ``jupyter`` in ``/usr/local/bin`` is a short script that puts them first for every
  account but the instructor's (whose ``postparis-instructor lab`` keeps the formgrader);
* the roster (``--roster``, a CSV with the columns id,first_name,last_name,email)
  imported into the course's gradebook, as the instructor who owns the clone.

It is idempotent, and records what it created in ``/var/lib/postparis-shared-machine``;
``down`` removes exactly that (the course environment only with ``--remove-env``: it
is a cache the JupyterHub deployment shares). Only the standard library is used.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pwd
import shlex
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
STATE_DIR = Path(os.environ.get("POSTPARIS_SHARED_STATE", "/var/lib/postparis-shared-machine"))
RECORD = STATE_DIR / "record.json"
SYSTEM_CONFIG = Path("/etc/jupyter/nbgrader_config.py")
BIN_DIR = Path("/usr/local/bin")
COMMANDS = ("nbgrader", "jupyter", "postparis-instructor", "alembic")
#: The JupyterHub deployment's learner settings, installed for the learners' accounts.
LEARNER_SOURCE = HERE.parent / "jupyterhub" / "jupyter" / "learners"
LEARNER_CONFIG = SYSTEM_CONFIG.parent / "postparis-learners"
#: ``jupyter`` is a script (not a link) that gives learners ``LEARNER_CONFIG``.
WRAPPED = "jupyter"
MARKER = "# Written by deploy/shared-machine/shared_machine.py (postparis course)."
ROSTER_COLUMNS = {"id"}


class SetupError(RuntimeError):
    """A one-line reason why the machine could not be set up."""


# deploy/jupyterhub/classroom.py builds the course environment this machine shares with
# the JupyterHub deployment. It is a script, not an installed package, so its folder goes
# first on the path and Python's own import finds it (tests/test_jupyterhub.py does the same).
sys.path.insert(0, str(HERE.parent / "jupyterhub"))
import classroom  # noqa: E402  (found through the line above)


def say(message: str) -> None:
    """Print one line of what was done."""
    print(message, flush=True)


def require_root() -> None:
    """Stop with a one-line reason unless run as root (through sudo) on Linux."""
    if sys.platform != "linux" or os.geteuid() != 0:
        raise SetupError(
            "this sets up the whole machine (/etc, /usr/local/bin, /opt): run it with sudo"
        )


def load_record() -> dict[str, list[str] | str]:
    """Return what earlier runs created (empty when none)."""
    if RECORD.is_file():
        return dict(json.loads(RECORD.read_text()))
    return {}


def save_record(record: dict[str, list[str] | str]) -> None:
    """Write the record (root only)."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    STATE_DIR.chmod(0o700)
    RECORD.write_text(json.dumps(record, indent=2) + "\n")


def created(record: dict[str, list[str] | str], path: Path) -> None:
    """Note that this command created ``path`` (so that ``down`` removes it)."""
    paths = record.setdefault("created", [])
    assert isinstance(paths, list)
    if str(path) not in paths:
        paths.append(str(path))


def instructor_of(repo: Path, name: str | None) -> pwd.struct_passwd:
    """Return the course's account: ``--instructor``, else sudo's caller, else the clone's owner."""
    name = name or (os.environ.get("SUDO_USER") if os.environ.get("SUDO_USER") != "root" else None)
    try:
        return pwd.getpwnam(name) if name else pwd.getpwuid(repo.stat().st_uid)
    except KeyError:
        raise SetupError(f"no account named {name!r} on this machine (--instructor)") from None


def check_roster(path: Path) -> Path:
    """Return the roster's absolute path, or stop with a clear reason."""
    if not path.is_file():
        raise SetupError(
            f"roster file not found: {path} (a CSV with id,first_name,last_name,email)"
        )
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    if not {column.strip() for column in header} >= ROSTER_COLUMNS:
        raise SetupError(
            f"the roster {path} has no 'id' column: its first line must be "
            "id,first_name,last_name,email"
        )
    return path.resolve()


def config_text(exchange: Path, course_id: str) -> str:
    """Return the system-wide nbgrader configuration every account reads."""
    return f"""{MARKER}
# Every account's nbgrader reads this file: the course id and the exchange folder where
# released, submitted and feedback files meet. Remove it with `... shared_machine.py down`.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {str(exchange)!r}
# Learners submit without the glossary released beside each module: a notebook with no
# feedback of its own would keep nbgrader from showing them their feedback.
try:
    import postparis_instructor.release  # noqa: F401
except ImportError:
    pass
else:
    c.ExchangeFactory.submit = "postparis_instructor.release.SubmitWithoutGlossary"
"""


def write_config(record: dict[str, list[str] | str], exchange: Path, course_id: str) -> None:
    """Write /etc/jupyter/nbgrader_config.py, never over a file this command did not write."""
    text = config_text(exchange, course_id)
    if SYSTEM_CONFIG.exists() and not SYSTEM_CONFIG.read_text().startswith(MARKER):
        raise SetupError(
            f"{SYSTEM_CONFIG} exists and was not written by this command: merge by hand"
        )
    if not SYSTEM_CONFIG.parent.is_dir():
        SYSTEM_CONFIG.parent.mkdir(parents=True, mode=0o755)
        created(record, SYSTEM_CONFIG.parent)
    if not SYSTEM_CONFIG.exists() or SYSTEM_CONFIG.read_text() != text:
        SYSTEM_CONFIG.write_text(text)
        SYSTEM_CONFIG.chmod(0o644)
        say(f"wrote {SYSTEM_CONFIG} (course {course_id}, exchange {exchange})")
    created(record, SYSTEM_CONFIG)


def make_exchange(record: dict[str, list[str] | str], exchange: Path) -> None:
    """Create the exchange folder, mode 1777 (everyone writes; no one deletes others' files)."""
    if not exchange.exists():
        top = exchange
        while not top.parent.exists():
            top = top.parent
        exchange.mkdir(parents=True)
        for folder in [exchange, *exchange.parents]:
            folder.chmod(0o1777 if folder == exchange else 0o755)
            if folder == top:
                break
        created(record, top)
        say(f"created the exchange {exchange} (mode 1777)")
    exchange.chmod(0o1777)


def jupyter_script(env: Path, instructor: str) -> str:
    """Return ``/usr/local/bin/jupyter``: the environment's, with the learners' settings first.

    ``JUPYTER_CONFIG_PATH`` outranks every other configuration folder (the environment's
    own enables nbgrader's formgrader), as on the JupyterHub, where it is set per role.
    """
    return f"""#!/bin/sh
{MARKER}
# Learners' JupyterLab has no instructor menus (formgrader, course list, create
# assignment): every account but the instructor's reads {LEARNER_CONFIG} first.
if [ "$(id -un)" != {shlex.quote(instructor)} ]; then
    JUPYTER_CONFIG_PATH="{LEARNER_CONFIG}${{JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}}"
    export JUPYTER_CONFIG_PATH
fi
exec {shlex.quote(str(env / "bin" / "jupyter"))} "$@"
"""


def install_learner_config(record: dict[str, list[str] | str]) -> None:
    """Copy the JupyterHub deployment's learner settings to ``/etc/jupyter/postparis-learners``."""
    if LEARNER_CONFIG.exists() and str(LEARNER_CONFIG) not in record.get("created", []):
        raise SetupError(f"{LEARNER_CONFIG} exists and was not written by this command")
    changed = False
    for source in sorted(LEARNER_SOURCE.rglob("*")):
        if not source.is_file():
            continue
        target = LEARNER_CONFIG / source.relative_to(LEARNER_SOURCE)
        if not target.is_file() or target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            shutil.copyfile(source, target)
            target.chmod(0o644)
            changed = True
    created(record, LEARNER_CONFIG)
    if changed:
        say(f"wrote the learners' JupyterLab settings (no instructor menus) in {LEARNER_CONFIG}")


def link_commands(record: dict[str, list[str] | str], env: Path, instructor: str) -> None:
    """Link the course's commands into /usr/local/bin, never over another program."""
    for name in COMMANDS:
        link, target = BIN_DIR / name, env / "bin" / name
        ours = str(link) in record.get("created", [])
        if name == WRAPPED:
            text = jupyter_script(env, instructor)
            if link.is_symlink() and ours:
                link.unlink()
            elif link.exists() and not (ours and MARKER in link.read_text(errors="replace")):
                raise SetupError(
                    f"{link} exists and is not this course's: remove it or rename it first"
                )
            if not link.is_file() or link.read_text() != text:
                link.write_text(text)
            link.chmod(0o755)
            created(record, link)
            continue
        if link.is_symlink() and ours:
            if Path(os.readlink(link)) == target:
                continue
            link.unlink()
        elif link.exists() or link.is_symlink():
            raise SetupError(
                f"{link} exists and is not this course's: remove it or rename it first"
            )
        link.symlink_to(target)
        created(record, link)
    linked = [name for name in COMMANDS if name != WRAPPED]
    say(
        f"linked {', '.join(linked)} in {BIN_DIR} to {env / 'bin'}; "
        f"{BIN_DIR / WRAPPED} runs its {WRAPPED} with the learners' settings"
    )


def import_roster(roster: Path, repo: Path, owner: pwd.struct_passwd, env: Path) -> None:
    """Import the roster into the course gradebook, as the instructor (who owns it)."""
    path = f"{env / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    command = ["runuser", "-u", owner.pw_name, "--", "env", f"PATH={path}", f"HOME={owner.pw_dir}"]
    try:
        classroom.run(
            [*command, "nbgrader", "db", "student", "import", roster], cwd=repo / "assignments"
        )
    except classroom.ClassroomError as error:
        last = str(error).strip().splitlines()[-1]
        raise SetupError(f"importing the roster as {owner.pw_name} failed: {last}") from None
    with roster.open(newline="", encoding="utf-8") as handle:
        count = sum(1 for row in csv.DictReader(handle) if (row.get("id") or "").strip())
    say(f"imported {count} students from {roster} into {repo / 'assignments'}'s gradebook")


def cmd_up(args: argparse.Namespace) -> int:
    """Set the machine up (again: every step checks what is already there)."""
    require_root()
    roster = check_roster(args.roster) if args.roster else None
    repo = REPO_ROOT
    owner = instructor_of(repo, args.instructor)
    record = load_record()
    opt: Path = args.opt
    opt.mkdir(parents=True, exist_ok=True)
    opt.chmod(0o755)
    try:
        python = classroom.ensure_python(opt, prefer=args.python)
    except classroom.ClassroomError:
        wanted = ".".join(map(str, classroom.MIN_PYTHON))
        if args.python:
            raise SetupError(f"{args.python} is not a Python 3.11 >= {wanted}") from None
        raise SetupError(
            f"no Python 3.11 >= {wanted} found for the course environment: add "
            "--python /path/to/python3.11 (it is copied to /opt if need be)"
        ) from None
    existed = {str(p) for p in opt.glob("env-*")}
    env = classroom.build_env(opt, python)
    try:  # the record is written even when a step fails, so that `down` undoes the rest
        record["env"] = str(env)
        if str(env) not in existed:
            created(record, env)
        classroom.install_course_package(env, repo)
        say(f"course environment (every account can read it): {env}")
        make_exchange(record, args.exchange)
        write_config(record, args.exchange, args.course_id)
        install_learner_config(record)
        link_commands(record, env, owner.pw_name)
    finally:
        save_record(record)
    if roster is not None:
        import_roster(roster, repo, owner, env)
    say(
        f"Ready: learners run `nbgrader fetch_assignment MODULE` in their home; undo with "
        f"`sudo python3 {Path(__file__).resolve().relative_to(repo)} down`."
    )
    return 0


def cmd_down(args: argparse.Namespace) -> int:
    """Remove exactly what ``up`` created (the environment only with --remove-env)."""
    require_root()
    record = load_record()
    paths = [Path(p) for p in record.get("created", [])]
    if not paths:
        say("nothing to remove: this machine was not set up by this command")
        return 0
    for path in reversed(paths):  # links before the environment, the file before its folder
        if path.name.startswith("env-") and not args.remove_env:
            continue
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            if path == SYSTEM_CONFIG.parent and any(path.iterdir()):
                continue  # someone else put files there since
            shutil.rmtree(path)
        say(f"removed {path}")
    env = Path(str(record.get("env", "")))
    if env.name and env.exists():
        say(
            f"kept the course environment {env} (a cache shared with the JupyterHub set-up"
            + ("; `down --remove-env` removes it)" if env in paths else ")")
        )
    RECORD.unlink()
    STATE_DIR.rmdir()
    say("The gradebook and the course in your clone are yours: left as they are.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run ``up`` or ``down``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="set up this machine for the class (idempotent)")
    up.add_argument("--roster", type=Path, help="CSV of students: id,first_name,last_name,email")
    up.add_argument("--instructor", help="the course's account (default: the clone's owner)")
    up.add_argument(
        "--exchange",
        type=lambda text: Path(text).absolute(),
        default=Path("/srv/nbgrader/exchange"),
        help="exchange folder",
    )
    up.add_argument("--course-id", default=classroom.COURSE_ID, help="nbgrader course id")
    up.add_argument("--python", type=Path, help="a Python 3.11 >= 3.11.5 to build from")
    up.add_argument("--opt", type=Path, default=classroom.DEFAULT_OPT, help="environment cache")
    up.set_defaults(func=cmd_up)
    down = sub.add_parser("down", help="remove what `up` created")
    down.add_argument("--remove-env", action="store_true", help="also remove the environment")
    down.set_defaults(func=cmd_down)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (SetupError, classroom.ClassroomError) as error:
        print(f"shared-machine: {str(error).strip().splitlines()[0]}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
