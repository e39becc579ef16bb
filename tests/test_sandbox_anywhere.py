"""The grading sandbox wherever the course lives, and what a kernel can reach from inside.

A course is a real checkout (``git clone`` of this repository, with its ``.git``, the
answer keys in ``assignments/source`` and a classmate's graded folder) with a virtual
environment of its own, placed under ``/tmp`` (which the sandbox replaces by a private
one) and under ``test-artifacts/`` of this checkout. For each, the sandbox is installed
for that course's Python, and two kernels grade side by side: the attacker tries to read
the key, ``.git`` and the classmate's work, to reach the other kernel's sockets, a port
the host listens on and the host's socket table. It gets nothing, and its own course
package and data still work. Then a failed ``install`` must leave nothing behind.

Root only, as CI runs.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from sandbox_fixtures.checkout import Checkout, make_checkout

from postparis_instructor import sandbox

ROOT = Path(__file__).resolve().parents[1]
UID_FIRST, UID_COUNT = 2_101_300_000, 16  # a range of this module's own

pytestmark = [
    pytest.mark.skipif(
        os.geteuid() != 0, reason="the grading sandbox needs root (CI runs as root)"
    ),
    pytest.mark.skipif(
        shutil.which("git") is None, reason="git is needed to clone the course (CI has it)"
    ),
]


def install_for(checkout: Checkout, prefix: Path, state: Path) -> sandbox.Installation:
    settings = {"uid_first": UID_FIRST, "uid_count": UID_COUNT, "state_dir": str(state)}
    return sandbox.install(prefix, kernel_python=checkout.python, settings=settings)


class Kernel:
    """A sandboxed kernel of one installation, started in a student's graded folder."""

    def __init__(self, prefix: Path, cwd: Path, sockets: Path) -> None:
        specs = KernelSpecManager(kernel_dirs=[str(prefix / "share/jupyter/kernels")])
        self.manager = KernelManager(kernel_name=sandbox.KERNEL_NAME, kernel_spec_manager=specs)
        self.manager.transport = "ipc"
        self.manager.ip = str(sockets)
        self.manager.start_kernel(cwd=str(cwd))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=120)

    def run(self, code: str) -> str:
        out: list[str] = []

        def keep(message: dict[str, object]) -> None:
            content = message["content"]
            if isinstance(content, dict) and message["msg_type"] in ("stream", "error"):
                out.append(str(content.get("text", content.get("evalue", ""))))

        self.client.execute_interactive(code, output_hook=keep, timeout=120)
        return "".join(out)

    def socket(self, channel: str) -> str:
        return f"{self.manager.ip}-{getattr(self.manager, channel + '_port')}"

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel()


ATTACK = """
import glob, json, os, socket
found = {}
def attempt(name, action):
    try:
        found[name] = action()
    except Exception as error:
        found[name] = "refused " + type(error).__name__
def read(path):
    with open(path, errors="replace") as handle:
        return handle.read()
def connect_unix(path):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(path)
        return "CONNECTED"
attempt("key", lambda: read(KEY))
attempt("git", lambda: read(GIT + "/HEAD"))
attempt("git-log", lambda: os.listdir(GIT))
attempt("classmate", lambda: read(CLASSMATE))
attempt("classmates", lambda: os.listdir(COURSE + "/autograded"))
attempt("sockets-by-link", lambda: connect_unix(OTHER_IOPUB))
attempt("sockets-by-target", lambda: connect_unix(OTHER_IOPUB_TARGET))
attempt("socket-folders", lambda: os.listdir(os.path.dirname(OWN_SOCKETS)))
attempt("socket-glob", lambda: [p for p in glob.glob("/run/**", recursive=True)
                                if not (OWN_SOCKETS.startswith(p.rstrip("/")) or p.startswith(OWN_SOCKETS))])
attempt("host-port", lambda: socket.create_connection(("127.0.0.1", HOST_PORT), timeout=3) and "CONNECTED")
attempt("host-tcp-table", lambda: (":%04X " % HOST_PORT) in read("/proc/net/tcp"))
attempt("processes", lambda: len([p for p in os.listdir("/proc") if p.isdigit()]))
import postparis, postparis.paths
from postparis.data import load_claims
found["package"] = postparis.__file__
found["data"] = str(postparis.paths.data_dir())
found["claims"] = len(load_claims())
found["cwd"] = os.getcwd()
found["own-file"] = read("data.csv").split()
print("FOUND " + json.dumps(found))
"""


@pytest.fixture(scope="module", params=["tmp", "elsewhere"])
def placed(request: pytest.FixtureRequest) -> Iterator[tuple[Checkout, Path]]:
    """A checkout under /tmp, or under test-artifacts/, with the sandbox installed for it."""
    if request.param == "tmp":
        base = Path(tempfile.mkdtemp(prefix="postparis-sandbox-course-", dir="/tmp"))
    else:
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        base = Path(tempfile.mkdtemp(prefix="anywhere-", dir=ROOT / "test-artifacts"))
    state = Path(tempfile.mkdtemp(prefix="postparis-sandbox-test-", dir="/run"))
    try:
        checkout = make_checkout(base / "course")
        prefix = base / "prefix"
        started = time.monotonic()
        done = install_for(checkout, prefix, state)
        print(f"\ninstall with its self-check: {time.monotonic() - started:.1f} s")
        assert done.report is not None
        assert done.report["sees"] == []
        yield checkout, prefix
    finally:
        sandbox.wait_until_reaped(UID_FIRST, UID_COUNT, timeout=10)
        subprocess.run(["rm", "-rf", str(base), str(state), f"{state}-ipc"], check=False)


@pytest.mark.slow
def test_an_attacker_beside_a_classmate_gets_nothing(
    placed: tuple[Checkout, Path], tmp_path: Path
) -> None:
    checkout, prefix = placed
    victim = Kernel(prefix, checkout.graded("alice"), tmp_path / "alice")
    try:
        attacker = Kernel(prefix, checkout.graded("mallory"), tmp_path / "mallory")
        try:
            with socket.create_server(("127.0.0.1", 0)) as server:
                constants = {
                    "KEY": str(checkout.key),
                    "GIT": str(checkout.root / ".git"),
                    "COURSE": str(checkout.course),
                    "CLASSMATE": str(checkout.graded("alice") / "ps1.ipynb"),
                    "OTHER_IOPUB": victim.socket("iopub"),
                    "OTHER_IOPUB_TARGET": os.path.realpath(victim.socket("iopub")),
                    "OWN_SOCKETS": os.path.dirname(os.path.realpath(attacker.socket("shell"))),
                    "HOST_PORT": server.getsockname()[1],
                }
                header = "".join(f"{name} = {value!r}\n" for name, value in constants.items())
                victim.run("print('alice is graded')")
                out = attacker.run(header + ATTACK)
        finally:
            attacker.stop()
    finally:
        victim.stop()
    assert "FOUND " in out, out
    found = json.loads(out.split("FOUND ", 1)[1].splitlines()[0])
    refused = ("key", "git", "git-log", "classmate", "classmates", "sockets-by-link",
               "sockets-by-target", "host-port")  # fmt: skip
    for attack in refused:
        assert str(found[attack]).startswith("refused"), (attack, found[attack])
    # of every kernel's socket folder, only its own exists inside
    assert found["socket-folders"] == [os.path.basename(constants["OWN_SOCKETS"])]
    assert found["socket-glob"] == []
    assert found["host-tcp-table"] is False
    assert found["processes"] <= 5
    # ... while the kernel's own package, data and grading folder work
    assert found["package"] == str(checkout.root / "src" / "postparis" / "__init__.py")
    assert found["data"] == str(checkout.root / "data")
    assert found["claims"] > 0
    assert found["own-file"] == ["x", "1"]
    assert found["cwd"] == "/tmp/ps1"


@pytest.mark.slow
def test_check_says_in_one_line_that_grading_is_confined(
    placed: tuple[Checkout, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout, prefix = placed
    (checkout.course / "nbgrader_config.py").write_text("c = get_config()\n")
    env = {**os.environ, "JUPYTER_PATH": str(prefix / "share/jupyter")}
    command = [str(Path(sys.executable).parent / "postparis-instructor"), "sandbox", "check"]
    before = subprocess.run(command, cwd=checkout.root, env=env, capture_output=True, text=True)
    assert before.returncode == 1
    assert before.stdout.count("\n") == 1
    assert before.stdout.startswith("Grading of assignments is NOT confined"), before.stdout
    monkeypatch.setenv("JUPYTER_PATH", env["JUPYTER_PATH"])
    sandbox.enable(checkout.course)
    after = subprocess.run(command, cwd=checkout.root, env=env, capture_output=True, text=True)
    assert after.returncode == 0, after.stdout + after.stderr
    assert after.stdout.count("\n") == 1
    assert after.stdout.startswith("Grading of assignments is confined: "), after.stdout
    sandbox.disable(checkout.course)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.mark.slow
def test_a_failed_install_leaves_nothing_behind(tmp_path: Path) -> None:
    # The sandbox installs, but its kernel cannot start (too little memory to load
    # Python): the self-check fails, and every file written is removed again.
    prefix, state = tmp_path / "prefix", tmp_path / "state"
    settings = {"uid_first": UID_FIRST, "uid_count": UID_COUNT, "state_dir": str(state)}
    with pytest.raises(sandbox.SandboxSetupError, match=r"did not start|not confine"):
        sandbox.install(prefix, settings={**settings, "memory_bytes": 16 * 2**20})
    assert not prefix.exists()
    assert not state.exists()
    assert not Path(f"{state}-ipc").exists()
    assert sandbox.wait_until_reaped(UID_FIRST, UID_COUNT) == []


@pytest.mark.slow
def test_a_reinstall_that_fails_restores_the_working_one(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    settings = {"uid_first": UID_FIRST, "uid_count": UID_COUNT, "state_dir": str(tmp_path / "s")}
    sandbox.install(prefix, settings=settings, verify=False)
    before = _files(prefix)
    assert len(before) == 3  # the launcher's settings, the kernelspec and the launcher
    with pytest.raises(sandbox.SandboxSetupError, match="uid range"):
        sandbox.install(prefix, settings={**settings, "uid_first": 0})  # refused up front
    with pytest.raises(sandbox.SandboxSetupError, match=r"did not start|not confine"):
        sandbox.install(prefix, settings={**settings, "memory_bytes": 16 * 2**20})
    assert _files(prefix) == before


@pytest.mark.slow
def test_an_unreadable_environment_is_refused_before_anything_changes(tmp_path: Path) -> None:
    checkout = make_checkout(tmp_path / "course")
    site = next((checkout.root / ".venv" / "lib").glob("python3*"))
    site.chmod(0o700)  # as a umask of 077 leaves it
    prefix = tmp_path / "prefix"
    with pytest.raises(sandbox.SandboxSetupError) as caught:
        install_for(checkout, prefix, tmp_path / "state")
    message = str(caught.value)
    assert "could not read" in message
    assert "chmod -R o+rX" in message
    assert "\n" not in message
    assert not prefix.exists()


@pytest.mark.slow
def test_a_kernel_python_that_would_show_the_checkout_is_refused(tmp_path: Path) -> None:
    checkout = make_checkout(tmp_path / "course")
    site = next((checkout.root / ".venv" / "lib").glob("python3*/site-packages"))
    (site / "_checkout.pth").write_text(f"{checkout.root}\n")  # the whole checkout on the path
    with pytest.raises(sandbox.SandboxSetupError, match=r"holds \.git"):
        sandbox.kernel_exposures(checkout.python)


@pytest.mark.slow
def test_install_explains_a_machine_without_namespaces(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from postparis_instructor import sandbox_launcher

    def refuse(flags: int) -> None:
        raise sandbox_launcher.SandboxError("unshare: Operation not permitted")

    monkeypatch.setattr(sandbox_launcher, "unshare", refuse)
    with pytest.raises(sandbox.SandboxSetupError, match="cannot build the sandbox: unshare"):
        sandbox.install(tmp_path / "prefix", verify=False)
    assert list(tmp_path.iterdir()) == []
