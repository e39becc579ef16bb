"""A course checkout for the sandbox tests: a real clone, a virtual environment of its own."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECRET = "ANSWER-KEY-CANARY-73c2"


@dataclass
class Checkout:
    """A clone of the course with an environment of its own, as an instructor has it."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / ".venv" / "bin" / "python"

    @property
    def course(self) -> Path:
        return self.root / "assignments"

    @property
    def key(self) -> Path:
        return self.course / "source" / "ps1" / "ps1.ipynb"

    def graded(self, student: str) -> Path:
        return self.course / "autograded" / student / "ps1"


def reachable_by_everyone(path: Path) -> bool:
    """Return True if an ordinary account can run ``path`` (every folder above allows it)."""
    real = path.resolve()
    folders_ok = all(folder.stat().st_mode & 0o001 for folder in real.parents)
    return folders_ok and bool(real.stat().st_mode & 0o001)  # a folder: may be entered


def make_checkout(parent: Path, base_python: str | None = None) -> Checkout:
    """Clone this repository into ``parent`` and give it a ``.venv``.

    The environment is a real virtual environment of its own (its interpreter, its
    ``site-packages``); to stay fast it takes its third-party packages from the test
    run's environment (a ``.pth`` line) and the course's two packages from the clone's ``src`` and ``instructor/src``.
    """
    parent.mkdir(parents=True, exist_ok=True)
    parent.chmod(0o755)
    root = parent / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(root)], check=True)
    base_python = base_python or getattr(sys, "_base_executable", sys.executable)
    venv = root / ".venv"
    subprocess.run([base_python, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    purelib = sysconfig.get_paths()["purelib"]
    (site / "_course.pth").write_text(
        f"{root / 'src'}\n{root / 'instructor' / 'src'}\n"
        f"import site; site.addsitedir({purelib!r})\n",
        encoding="utf-8",
    )
    script = Path(sys.executable).with_name("postparis-instructor").read_text(encoding="utf-8")
    command = venv / "bin" / "postparis-instructor"  # as pip writes it into the environment
    command.write_text(f"#!{venv / 'bin' / 'python'}\n" + script.split("\n", 1)[1])
    command.chmod(0o755)
    checkout = Checkout(root)
    checkout.key.parent.mkdir(parents=True, exist_ok=True)
    checkout.key.write_text(SECRET)
    (checkout.course / "nbgrader_config.py").touch()
    for student in ("alice", "mallory"):
        checkout.graded(student).mkdir(parents=True)
    (checkout.graded("alice") / "ps1.ipynb").write_text("alice's own answers")
    (checkout.graded("mallory") / "data.csv").write_text("x\n1\n")
    return checkout
