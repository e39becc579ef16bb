"""The grading sandbox's guide, followed literally by an ordinary instructor account.

``docs/sandbox.md`` marks the blocks of commands an instructor copies. This test creates a
throw-away account with sudo rights, gives it a fresh clone of the course with its own
``.venv``, and runs each marked line exactly as written, through ``bash``, in the clone:
``sudo .venv/bin/postparis-instructor sandbox install ...`` into the machine's real
locations (``/usr/local``, ``/etc/sudoers.d``), ``check``, ``disable`` and ``uninstall``.
A sandbox already installed on the machine is put back afterwards.

Root only (it creates the account and the sudo rule), as CI runs.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_fixtures.checkout import Checkout, make_checkout, reachable_by_everyone

from postparis_instructor import sandbox

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "sandbox.md"
MARK = "<!-- tests/test_sandbox_docs.py runs the commands of this block literally"
USER = "postparis-docs-ta"  # a throw-away account
RULE = Path("/etc/sudoers.d/postparis-docs-test")
# Everything `install` writes at its default places, saved and put back around the test.
MACHINE = [
    Path("/usr/local/lib/postparis-sandbox"),
    Path("/usr/local/share/jupyter/kernels/postparis-sandbox"),
    sandbox.SUDOERS_FILE,
]

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="creates an account and a sudo rule: root only"),
    pytest.mark.skipif(
        shutil.which("sudo") is None, reason="sudo is not installed (CI installs it)"
    ),
]


def documented_commands() -> list[str]:
    """Return the command lines of every marked block of the guide, in order."""
    text = GUIDE.read_text(encoding="utf-8")
    lines: list[str] = []
    for block in text.split(MARK)[1:]:
        body = re.search(r"```bash\n(.*?)```", block, re.DOTALL)
        assert body, "a marked block must be followed by a ```bash block"
        lines += [line for line in body.group(1).splitlines() if line and not line.startswith("#")]
    return lines


def test_the_guide_marks_its_commands() -> None:
    commands = documented_commands()
    assert [line.split()[:4] for line in commands] == [
        ["sudo", ".venv/bin/postparis-instructor", "sandbox", "install"],
        [".venv/bin/postparis-instructor", "sandbox", "check"],
        [".venv/bin/postparis-instructor", "sandbox", "disable", "assignments"],
        ["sudo", ".venv/bin/postparis-instructor", "sandbox", "uninstall"],
    ]


def _save(paths: list[Path], into: Path) -> None:
    for index, path in enumerate(paths):
        if path.exists():
            shutil.move(str(path), into / str(index))


def _restore(paths: list[Path], saved: Path) -> None:
    for index, path in enumerate(paths):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        if (saved / str(index)).exists():
            shutil.move(str(saved / str(index)), path)


def _python_for_everyone() -> str:
    """Return a Python of this version that an ordinary account may run."""
    packages = Path(sysconfig.get_paths()["purelib"])
    if not reachable_by_everyone(packages):
        pytest.skip(f"{packages}, which the clone's environment uses, is private to root here")
    mine = Path(getattr(sys, "_base_executable", sys.executable))
    if reachable_by_everyone(mine):
        return str(mine)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        if Path(candidate).is_file() and reachable_by_everyone(Path(candidate)):
            return candidate
    pytest.skip(f"no {version} here that an ordinary account may run ({mine} is private)")


@pytest.fixture
def instructor(tmp_path: Path) -> Iterator[tuple[Checkout, pwd.struct_passwd]]:
    """An account with sudo rights, owning a fresh clone of the course with its .venv."""
    python = _python_for_everyone()
    if subprocess.run(["id", USER], capture_output=True, check=False).returncode != 0:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", USER], check=True
        )
    entry = pwd.getpwnam(USER)
    RULE.write_text(f"{USER} ALL=(root) NOPASSWD: ALL\n")
    RULE.chmod(0o440)
    saved = Path(tempfile.mkdtemp(prefix="sandbox-saved-"))
    _save(MACHINE, saved)
    base = Path(tempfile.mkdtemp(prefix="postparis-docs-"))
    base.chmod(0o755)
    try:
        checkout = make_checkout(base / "home", python)
        (checkout.course / "nbgrader_config.py").write_text("c = get_config()\n")
        subprocess.run(["chown", "-R", f"{USER}:{USER}", str(base / "home")], check=True)
        (base / "home").chmod(0o700)  # a private home: the sandbox needs no way through it
        yield checkout, entry
    finally:
        RULE.unlink(missing_ok=True)
        subprocess.run(["rm", "-rf", str(base)], check=False)
        _restore(MACHINE, saved)
        shutil.rmtree(saved, ignore_errors=True)
        subprocess.run(["userdel", USER], check=False)


def _as(entry: pwd.struct_passwd, command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(cwd),
        "USER": entry.pw_name,
        "LANG": "C.UTF-8",
    }
    argv = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--init-groups"]
    return subprocess.run(
        [*argv, "bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_the_guide_works_as_written_for_an_ordinary_account(
    instructor: tuple[Checkout, pwd.struct_passwd],
) -> None:
    checkout, entry = instructor
    install, check, disable, uninstall = documented_commands()

    done = _as(entry, install, checkout.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Checked: kernels run as throw-away uids" in done.stdout
    assert sandbox.is_enabled(checkout.course)
    assert checkout.course.stat().st_mode & 0o007 == 0
    local = checkout.course / sandbox.LOCAL_CONFIG
    assert local.stat().st_uid == entry.pw_uid  # still the instructor's file

    done = _as(entry, check, checkout.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Grading of assignments is confined: "), done.stdout
    assert done.stdout.count("\n") == 1

    done = _as(entry, disable, checkout.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not sandbox.is_enabled(checkout.course)
    done = _as(entry, check, checkout.root)
    assert done.returncode == 1
    assert "is NOT confined" in done.stdout

    done = _as(entry, uninstall, checkout.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not any(path.exists() for path in MACHINE)
