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


def lab_command():
    """Return the command that opens the course in JupyterLab at the start notebook."""
    command = [venv_python(), "-m", "jupyter", "lab"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # e.g. in a container, as `make lab` does
    command.append(START)
    return command


def lab():
    """Set up, then open JupyterLab at the start notebook (as `make lab`)."""
    setup()
    os.chdir(ROOT)
    environment = dict(os.environ)
    # nbgrader's Validate calls `alembic` from PATH: the environment's folder goes first.
    environment["PATH"] = os.path.dirname(venv_python()) + os.pathsep + environment["PATH"]
    sys.exit(subprocess.call(lab_command(), env=environment))


COMMANDS = {"check-python": check_python, "setup": setup, "lab": lab}


def main(argv):
    """Run the one command named in ``argv``; return the exit status."""
    if len(argv) != 1 or argv[0] not in COMMANDS:
        sys.stderr.write("usage: python course.py {{{}}}\n".format(",".join(sorted(COMMANDS))))
        return 2
    COMMANDS[argv[0]]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
