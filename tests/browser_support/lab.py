"""Start JupyterLab from a Python environment, talk to its REST API, stop it by its PID.

The server is isolated from the machine's own Jupyter setup: its configuration, data,
runtime, settings and workspaces folders are fresh temporary ones, so only the
environment's ``sys.prefix`` configuration (what ``pip install`` and ``postBuild``
write) is in force. It listens on a free localhost port chosen beforehand, with
``port_retries=0`` so it can never quietly move to another one.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "LAB_SETTINGS",
    "LabServer",
    "LabStartError",
    "free_port",
    "running_lab",
    "start_lab",
]

#: JupyterLab settings for a test run, per plugin. No news prompt ("fetch news?"
#: toast) and no update check: both would cover the page and reach the network.
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}

#: Variables that make the course's widgets print a notice instead of rendering
#: (postparis.display.show). The browser's kernels must not inherit them.
HEADLESS_VARIABLES = ("POSTPARIS_HEADLESS", "NBGRADER_EXECUTION")

#: JupyterLab page configuration for a test run. ``buildCheck`` off: on every page load
#: the front end otherwise asks the server whether the application needs a rebuild,
#: which costs the server about 4 s of CPU (15 s on a busy 2-core machine) while the
#: page waits. A learner sees nothing of it when the build is up to date, which the
#: Binder simulation checks once through the same API.
PAGE_CONFIG: dict[str, Any] = {"buildCheck": False}


class LabStartError(RuntimeError):
    """JupyterLab did not start; the message carries the end of its log."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_settings(settings_dir: Path, settings: Mapping[str, Mapping[str, Any]]) -> None:
    # JupyterLab keeps user settings as <settings_dir>/<package>/<plugin>.jupyterlab-settings
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.split(":")
        target = settings_dir / package / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2), encoding="utf-8")


@dataclass
class LabServer:
    """A running JupyterLab server started by :func:`start_lab`."""

    process: subprocess.Popen[bytes]
    port: int
    token: str
    root_dir: Path
    work_dir: Path
    log_path: Path
    started_in: float = 0.0
    _log: Any = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        """The server's own process id (recorded, and checked against its runtime file)."""
        return self.process.pid

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/``."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def runtime_dir(self) -> Path:
        """The server's runtime folder (server info, kernel connection files)."""
        return self.work_dir / "runtime"

    def url(self, path: str, **query: str) -> str:
        """Return the URL of ``path`` on the server, with the token (and ``query``)."""
        path, _, given = path.partition("?")
        params = "&".join(
            [p for p in given.split("&") if p]
            + [f"token={self.token}"]
            + [f"{k}={v}" for k, v in query.items()]
        )
        return f"{self.base_url}{path.lstrip('/')}?{params}"

    def lab_url(self, path: str, **query: str) -> str:
        """Return the URL that opens ``path`` (relative to the root) in JupyterLab."""
        return self.url(f"lab/tree/{path}", **query)

    def log_tail(self, characters: int = 6000) -> str:
        """Return the end of the server's log."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-characters:]
        except OSError:
            return ""

    # -- REST API ---------------------------------------------------------------------
    def api(self, method: str, path: str, body: object | None = None, timeout: float = 30) -> Any:
        """Call the server's REST API and return the decoded JSON answer (or None)."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            f"{self.base_url}{path.lstrip('/')}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
        return json.loads(payload) if payload else None

    def status_code(self, path: str) -> int:
        """Return the HTTP status of a GET of ``path`` (an authenticated request)."""
        try:
            request = urllib.request.Request(
                f"{self.base_url}{path.lstrip('/')}",
                headers={"Authorization": f"token {self.token}"},
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    def kernel_ids(self) -> list[str]:
        """Return the ids of the server's running kernels."""
        return [kernel["id"] for kernel in self.api("GET", "api/kernels")]

    def shut_down_kernels(self, timeout: float = 60) -> None:
        """Shut down every session and kernel and wait until none is left."""
        for session in self.api("GET", "api/sessions"):
            self.api("DELETE", f"api/sessions/{session['id']}")
        deadline = time.monotonic() + timeout
        while kernels := self.kernel_ids():
            for kernel_id in kernels:
                try:
                    self.api("DELETE", f"api/kernels/{kernel_id}")
                except urllib.error.HTTPError as error:
                    if error.code != 404:  # already gone
                        raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"kernels still running after {timeout} s: {kernels}")

    # -- stopping -----------------------------------------------------------------------
    def _stray_kernels(self) -> list[int]:
        """PIDs of kernels started by this server (their command line names its runtime dir)."""
        marker = str(self.runtime_dir).encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker in cmdline and int(entry.name) != self.pid:
                found.append(int(entry.name))
        return found

    def stop(self, timeout: float = 30) -> None:
        """Stop the server by its PID (SIGTERM, then SIGKILL), and any kernel it left."""
        try:
            if self.process.poll() is None:
                os.kill(self.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    os.kill(self.pid, signal.SIGKILL)
                    self.process.wait(timeout=timeout)
            for pid in self._stray_kernels():
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None


def lab_environment(bin_dir: Path, work_dir: Path, base: Mapping[str, str]) -> dict[str, str]:
    """Return the server's environment: ``bin_dir`` first on PATH, private Jupyter folders.

    Headless markers are removed, so that widgets display in the browser's kernels.
    """
    env = {k: v for k, v in base.items() if k not in HEADLESS_VARIABLES}
    # A virtual environment is "activated" by its bin folder alone; drop another one's.
    for variable in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH"):
        env.pop(variable, None)
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    folders = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython",
    }
    for variable, name in folders.items():
        folder = work_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    return env


def start_lab(
    bin_dir: Path,
    root_dir: Path,
    work_dir: Path,
    *,
    cwd: Path | None = None,
    app: str = "lab",
    settings: Mapping[str, Mapping[str, Any]] = LAB_SETTINGS,
    page_config: Mapping[str, Any] = PAGE_CONFIG,
    environment: Mapping[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
    timeout: float = 180,
) -> LabServer:
    """Start ``jupyter <app>`` (``lab`` or ``notebook``) from ``bin_dir`` and wait until it serves.

    Parameters
    ----------
    bin_dir
        The environment's ``bin`` folder: ``bin_dir/jupyter-<app>`` is started.
    root_dir
        The folder the file browser shows.
    work_dir
        An empty folder for the server's private settings, runtime files and log.
    cwd
        The server's working folder (nbgrader's Validate reads ``nbgrader_config.py``
        there); default ``root_dir``.
    app
        ``"lab"``, or ``"notebook"`` (Notebook 7, which also serves ``/lab``).
    settings
        JupyterLab user settings, by plugin id.
    page_config
        JupyterLab page configuration, merged over the environment's own.
    environment
        Variables to set for the server (and so its kernels), e.g. ``HOME``.
    extra_args
        More command-line options.
    timeout
        Seconds to wait for the server to answer.

    Raises
    ------
    LabStartError
        If the server exits or does not answer in time.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    env = lab_environment(bin_dir, work_dir, os.environ)
    env.update(environment or {})
    _write_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]), settings)
    labconfig = Path(env["JUPYTER_CONFIG_DIR"]) / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(page_config), encoding="utf-8")
    token = secrets.token_hex(24)
    log_path = work_dir / f"jupyter-{app}.log"
    for attempt in range(3):
        # The port is free when chosen; should another process take it before the
        # server binds it, the server stops (port_retries=0) and a new port is chosen.
        port = free_port()
        command = [
            str(bin_dir / f"jupyter-{app}"),
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root_dir}",
            *extra_args,
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        log = log_path.open("wb")
        began = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=cwd or root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        server = LabServer(process, port, token, root_dir, work_dir, log_path, _log=log)
        try:
            _wait_until_serving(server, timeout)
        except LabStartError:
            server.stop()
            if attempt < 2 and "already in use" in server.log_tail():
                continue
            raise
        except BaseException:
            server.stop()
            raise
        server.started_in = time.monotonic() - began
        return server
    raise AssertionError("unreachable")  # pragma: no cover


def _wait_until_serving(server: LabServer, timeout: float) -> None:
    """Poll the server until it answers /api/status and has written its own PID."""
    deadline = time.monotonic() + timeout
    info = server.runtime_dir / f"jpserver-{server.pid}.json"
    while True:
        if server.process.poll() is not None:
            raise LabStartError(
                f"JupyterLab exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        if info.is_file():
            try:
                server.api("GET", "api/status", timeout=5)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            else:
                recorded = json.loads(info.read_text(encoding="utf-8"))
                if recorded["pid"] != server.pid or recorded["port"] != server.port:
                    raise LabStartError(f"unexpected server info {recorded}")
                return
        if time.monotonic() > deadline:
            raise LabStartError(f"JupyterLab did not answer in {timeout} s:\n{server.log_tail()}")
        # Between two polls, wait on the process itself: a crash ends the wait at once.
        with suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=0.1)


@contextmanager
def running_lab(
    bin_dir: Path, root_dir: Path, work_dir: Path, **kwargs: Any
) -> Iterator[LabServer]:
    """Run JupyterLab for the duration of a ``with`` block; stop it even on failure."""
    server = start_lab(bin_dir, root_dir, work_dir, **kwargs)
    try:
        yield server
    finally:
        server.stop()
