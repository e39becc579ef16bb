"""``postparis-instructor lab`` starts JupyterLab where the formgrader finds the course.

Under ``make lab`` the server's root is ``notebooks/`` and nbgrader logs "The course
directory root is not a subdirectory of the notebook server root": the formgrader then
shows error pages. The instructor's command serves the course folder itself.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from postparis_instructor.course import nbgrader_environment

TOKEN = "classroom-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_the_formgrader_finds_the_course(tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "lab.log"
    command = [
        str(Path(sys.executable).parent / "postparis-instructor"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, cwd=tmp_path, env=nbgrader_environment(), stdout=out, stderr=out
        )
    try:
        url = f"http://127.0.0.1:{port}/formgrader/api/assignments?token={TOKEN}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    assignments = json.load(response)
                break
            except OSError:
                assert server.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(1)
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    names = {a["name"] for a in assignments}
    assert {p.name for p in (ROOT / "assignments" / "source").iterdir()} <= names
    text = log.read_text(errors="replace")
    assert "not a subdirectory" not in text
    assert f"course folder {ROOT / 'assignments'}" in text
