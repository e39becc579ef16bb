"""A throw-away nbgrader course built from this repository's answer key.

The tests, the benchmarks and the build of the student notebooks all need the same
thing: a private copy of the course directory where nbgrader can generate, collect and
autograde without touching the repository. :class:`CourseWorkspace` is that copy.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from postparis.paths import repository_root

__all__ = [
    "CourseWorkspace",
    "GradeRecord",
    "NbgraderError",
    "module_ids",
    "nbgrader_environment",
    "source_directory",
    "unknown_module",
]


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries its output."""


def source_directory() -> Path:
    """Return ``assignments/source`` of the repository (the answer key)."""
    root = repository_root()
    if root is None:
        raise NbgraderError(
            "The instructor tools need the course repository (an editable install); "
            "the answer key is not part of the installed package."
        )
    return root / "assignments" / "source"


def module_ids(source: Path | None = None) -> list[str]:
    """Return the course's module ids, in teaching order.

    A module is a folder ``assignments/source/<id>/`` that holds ``<id>.ipynb``: adding
    such a folder is all it takes for the tests to cover a new module.
    """
    folder = source or source_directory()
    return sorted(p.name for p in folder.iterdir() if (p / f"{p.name}.ipynb").is_file())


def unknown_module(module: str, known: list[str]) -> str | None:
    """Return one line saying ``module`` is not a module of the course, or None if it is.

    The line names the closest of the ``known`` module ids (a misspelt one, such as
    ``01-the-argumnet``, gets ``did you mean '01-the-argument'?``), else lists them.
    """
    if module in known:
        return None
    close = difflib.get_close_matches(module, known, n=1, cutoff=0.6)
    if close:
        return f"no module {module!r} in this course: did you mean {close[0]!r}?"
    listed = ", ".join(sorted(known)) or "none yet"
    return f"no module {module!r} in this course (its modules: {listed})"


def nbgrader_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return an environment for running nbgrader from this Python environment.

    nbgrader calls ``alembic`` from ``PATH`` when it creates a gradebook, so the
    environment's ``bin`` folder goes first on ``PATH``.
    """
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.update(extra or {})
    return env


@dataclass(frozen=True)
class GradeRecord:
    """The autograded result of one graded cell of one student's submission."""

    student: str
    grade_id: str
    score: float | None
    max_score: float
    auto: bool  # True for an autograded test cell, False for a manual answer or task


class CourseWorkspace:
    """A private nbgrader course directory with the repository's configuration.

    Parameters
    ----------
    root
        An empty or missing folder to build the course in.
    modules
        The module ids to copy from the answer key (default: all).
    exchange
        The exchange folder (default: ``root / "exchange"``).
    """

    def __init__(
        self, root: Path, modules: list[str] | None = None, exchange: Path | None = None
    ) -> None:
        self.root = Path(root)
        self.exchange = Path(exchange) if exchange else self.root / "exchange"
        source = source_directory()
        self.root.mkdir(parents=True, exist_ok=True)
        self.exchange.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source.parent / "nbgrader_config.py", self.root / "nbgrader_config.py")
        for module in modules or module_ids(source):
            shutil.copytree(source / module, self.root / "source" / module, dirs_exist_ok=True)

    # -- running nbgrader --------------------------------------------------------------
    def env(self) -> dict[str, str]:
        """Return the environment nbgrader runs with in this workspace."""
        return nbgrader_environment({"POSTPARIS_EXCHANGE": str(self.exchange)})

    def nbgrader(
        self, *args: str, check: bool = True, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        """Run ``nbgrader ARGS`` in the workspace and return the finished process.

        Raises
        ------
        NbgraderError
            If ``check`` and nbgrader exits non-zero; the message holds its output.
        """
        command = [str(Path(sys.executable).parent / "nbgrader"), *args]
        done = subprocess.run(
            command,
            cwd=self.root,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise NbgraderError(
                f"`nbgrader {' '.join(args)}` exited {done.returncode}:\n"
                f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
            )
        return done

    def generate(self, module: str, *options: str) -> Path:
        """Generate the student version of ``module``; return its notebook's path.

        ``options`` go to ``nbgrader generate_assignment`` (e.g. a ``--Class.trait=value``).
        """
        self.nbgrader("generate_assignment", module, "--force", *options)
        return self.release_notebook(module)

    def release_notebook(self, module: str) -> Path:
        """Return the path of the generated student version of ``module``."""
        return self.root / "release" / module / f"{module}.ipynb"

    def source_notebook(self, module: str) -> Path:
        """Return the path of the answer key of ``module`` in this workspace."""
        return self.root / "source" / module / f"{module}.ipynb"

    def submit(self, student: str, module: str, notebook: Path) -> Path:
        """Place ``notebook`` as ``student``'s submission of ``module`` (no exchange)."""
        folder = self.root / "submitted" / student / module
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{module}.ipynb"
        shutil.copy2(notebook, target)
        return target

    def autograde(
        self, module: str, student: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Autograde ``module`` for one student, or for every submission."""
        args = ["autograde", module, "--force", "--create"]
        if student:
            args += ["--student", student]
        return self.nbgrader(*args, check=check)

    # -- reading the gradebook ------------------------------------------------------------
    @property
    def gradebook_url(self) -> str:
        """The gradebook's database URL (nbgrader's default location in the course)."""
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def grades(self, module: str, student: str) -> list[GradeRecord]:
        """Return the grade of every graded cell of ``student``'s ``module``."""
        from nbgrader.api import Gradebook

        records = []
        with Gradebook(self.gradebook_url) as gradebook:
            submission = gradebook.find_submission(module, student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cell = grade.cell
                    auto = cell.cell_type == "code" and not getattr(cell, "task", False)
                    records.append(
                        GradeRecord(student, grade.name, grade.score, float(cell.max_score), auto)
                    )
        return records
