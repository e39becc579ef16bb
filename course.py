"""Set up the course and open it in JupyterLab, on Linux, macOS or Windows, without make.

    python course.py lab      (Windows: py course.py lab)

does what ``make lab`` does: it creates the virtual environment ``.venv`` in this folder
from the pinned lock (requirements.txt), installs the course's helper package into it,
and opens JupyterLab at the start notebook. Nothing is installed outside the folder.
``python course.py setup`` only sets up; ``python course.py check-python`` only checks
that this Python is one the course supports. The Makefile runs this same script to set
up, so both ways give the same environment.

This file runs on any Python 3 far enough to say which versions work: keep its syntax
plain (no f-strings, no annotations).
"""

import hashlib
import json
import os
import subprocess
import sys

# The Pythons the course supports: the lock is compiled and tested for these.
LOWEST = (3, 11, 5)
HIGHEST_MINOR = (3, 13)
SUPPORTED = "Python 3.11.5 to 3.13"

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
STAMP = os.path.join(VENV, ".runtime")
LOCK = os.path.join(ROOT, "requirements.txt")
START = "notebooks/00-start-here.ipynb"
# The self-learner's JupyterLab has no instructor menus (formgrader, create assignment,
# course list) and no server side for them: a Jupyter config folder put first on
# JUPYTER_CONFIG_PATH for `lab` only (the instructor's `postparis-instructor lab` keeps
# them). Validate and the assignment list stay.
LEARNER_CONFIG = os.path.join(ROOT, "config", "learner-lab")


def unsupported_reason(version=None):
    """Return one line saying why ``version`` cannot run the course, or None if it can."""
    version = tuple(version or sys.version_info[:3])
    if version >= LOWEST and version[:2] <= HIGHEST_MINOR:
        return None
    return "This course needs {}; this is Python {} ({}). Install one of those, run again.".format(
        SUPPORTED, ".".join(str(part) for part in version), sys.executable
    )


def check_python():
    """Exit with one line naming the supported versions if this Python is not one."""
    reason = unsupported_reason()
    if reason:
        sys.stderr.write(reason + "\n")
        sys.exit(1)


def venv_python():
    """Return the path of the environment's Python (Scripts on Windows, bin elsewhere)."""
    if os.name == "nt":
        return os.path.join(VENV, "Scripts", "python.exe")
    return os.path.join(VENV, "bin", "python")


def _fingerprint():
    digest = hashlib.sha256()
    for name in ("requirements.txt", "pyproject.toml"):
        with open(os.path.join(ROOT, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def _run(*command):
    print("+ " + " ".join(command))
    subprocess.check_call(command, cwd=ROOT)


def setup():
    """Create .venv from the lock and install the helper package (skipped if up to date)."""
    check_python()
    fingerprint = _fingerprint()
    if os.path.isfile(STAMP):
        with open(STAMP) as handle:
            if handle.read().strip() == fingerprint:
                os.utime(STAMP, None)  # up to date: tell make so too
                return
    if not os.path.isfile(venv_python()):
        _run(sys.executable, "-m", "venv", VENV)
    python = venv_python()
    _run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(python, "-m", "pip", "install", "--quiet", "-r", LOCK)
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ROOT)
    with open(STAMP, "w") as handle:
        handle.write(fingerprint + "\n")


def lab_command(options=()):
    """Return the command that opens the course in JupyterLab at the start notebook.

    ``options`` go to ``jupyter lab`` (e.g. ``--port=8890 --no-browser``).
    """
    command = [venv_python(), "-m", "jupyter", "lab"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # e.g. in a container
    command.extend(options)
    command.append(START)
    return command


def lab_environment(environ=None):
    """Return the environment JupyterLab runs with: the learner's config folder first."""
    environment = dict(os.environ if environ is None else environ)
    # nbgrader's Validate calls `alembic` from PATH: the environment's folder goes first.
    environment["PATH"] = os.path.dirname(venv_python()) + os.pathsep + environment.get("PATH", "")
    paths = [LEARNER_CONFIG] + [
        p for p in environment.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p
    ]
    environment["JUPYTER_CONFIG_PATH"] = os.pathsep.join(paths)
    return environment


def running_servers():
    """Return Jupyter's record (url, pid, root_dir...) of each server running this course."""
    done = subprocess.run(
        [venv_python(), "-m", "jupyter", "server", "list", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    servers = []
    for line in done.stdout.splitlines():
        try:
            info = json.loads(line)
        except ValueError:
            continue
        root = info.get("root_dir") or info.get("notebook_dir") or ""
        # `jupyter lab notebooks/...` serves notebooks/ (or the clone, when asked to).
        if os.path.realpath(root) in (
            os.path.realpath(ROOT),
            os.path.dirname(os.path.realpath(os.path.join(ROOT, START))),
        ):
            servers.append(info)
    return servers


def server_address(info):
    """Return the address that opens the start notebook in the running server ``info``."""
    served = info.get("root_dir") or info.get("notebook_dir") or ROOT
    start = os.path.relpath(os.path.join(ROOT, START), served).replace(os.sep, "/")
    address = info["url"].rstrip("/") + "/lab/tree/" + start
    if info.get("token"):
        address += "?token=" + info["token"]
    return address


def lab(*options):
    """Set up, then open JupyterLab at the start notebook (as `make lab`).

    If JupyterLab already runs for this course, say where instead of starting another.
    """
    setup()
    os.chdir(ROOT)
    running = running_servers()
    if running:
        info = running[0]
        print("JupyterLab is already running for this course (PID {}): open".format(info["pid"]))
        print("  " + server_address(info))
        print(
            "Stop it with Ctrl-C twice in its terminal, or: {} -m jupyter lab stop {}".format(
                os.path.relpath(venv_python(), ROOT), info["port"]
            )
        )
        return
    sys.exit(subprocess.call(lab_command(options), env=lab_environment()))


COMMANDS = {"check-python": check_python, "setup": setup, "lab": lab}


def main(argv):
    """Run the one command named in ``argv``; return the exit status."""
    # Only `lab` takes options: they go to `jupyter lab`.
    if not argv or argv[0] not in COMMANDS or (len(argv) > 1 and argv[0] != "lab"):
        sys.stderr.write("usage: python course.py {{{}}}\n".format(",".join(sorted(COMMANDS))))
        return 2
    COMMANDS[argv[0]](*argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
