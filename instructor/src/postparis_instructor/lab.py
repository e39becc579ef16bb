"""``postparis-instructor lab``: JupyterLab for the instructor, with a working formgrader.

nbgrader's formgrader only works when the course folder is inside the server's root
folder, and it reads the nbgrader configuration of the folder the server starts in.
``make lab`` opens the learners' notebooks (its root is ``notebooks/``), so its
formgrader cannot find the course. This command starts JupyterLab in the course folder
itself (``assignments/`` of the clone, or ``--course-dir``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_lab_command", "lab_command"]


def lab_command(course: Path, extra: list[str]) -> list[str]:
    """Return the JupyterLab command line that serves ``course`` with its formgrader."""
    jupyter = str(Path(sys.executable).parent / "jupyter")
    command = [jupyter, "lab", f"--ServerApp.root_dir={course}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    return [*command, *extra]


def _cmd_lab(args: argparse.Namespace) -> int:
    from postparis_instructor.grading import GradingError, _course_folder

    try:
        course = _course_folder(args.course_dir)
    except GradingError as error:
        print(f"postparis-instructor lab: error: {error}", file=sys.stderr)
        return 2
    command = lab_command(course, list(args.jupyter_args))
    print(f"Starting JupyterLab in the course folder {course} (Ctrl-C twice stops it).")
    os.chdir(course)
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")  # for alembic
    os.execv(command[0], command)
    return 0  # not reached


def add_lab_command(subparsers: Any) -> None:
    """Register ``lab [--course-dir DIR] [JUPYTER OPTIONS...]``."""
    lab = subparsers.add_parser(
        "lab",
        help="start JupyterLab in the course folder, where the formgrader works",
        description=(
            "Start JupyterLab with the nbgrader course folder as its root, so that "
            "Nbgrader > Formgrader finds the course (under `make lab` it cannot). Extra "
            "options go to `jupyter lab`, e.g. --no-browser or --port=8890."
        ),
    )
    lab.add_argument(
        "--course-dir",
        type=Path,
        help="the nbgrader course folder (default: this folder's, else the repository's assignments/)",
    )
    lab.add_argument("jupyter_args", nargs=argparse.REMAINDER, help="options for jupyter lab")
    lab.set_defaults(func=_cmd_lab)
