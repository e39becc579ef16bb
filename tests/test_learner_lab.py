"""The self-learner's JupyterLab (``make lab`` = ``python course.py lab``).

It shows no instructor menus (formgrader, create assignment, course list) and logs no
nbgrader error; Validate stays. A second ``course.py lab`` while one runs starts no
second server: it prints the address of the running one.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

PORT = 8917


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as reply:
            return reply.status, reply.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def _servers(env: dict[str, str]) -> list[dict]:
    listed = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter"), "server", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


def test_learner_lab_has_no_instructor_menus_and_a_second_says_where(tmp_path: Path) -> None:
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log = (tmp_path / "lab.log").open("w")
    options = [f"--port={PORT}", "--ServerApp.port_retries=0", "--no-browser"]
    first = subprocess.Popen(
        [sys.executable, "course.py", "lab", *options],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,  # course.py and its JupyterLab: stopped together below
    )
    try:
        deadline = time.monotonic() + 120
        servers: list[dict] = []
        while time.monotonic() < deadline and not servers:
            time.sleep(2)
            servers = _servers(env)
        assert servers, (tmp_path / "lab.log").read_text()
        token = servers[0]["token"]
        base = f"http://127.0.0.1:{PORT}"
        status, page = _get(f"{base}/lab?token={token}")
        assert status == 200
        config = json.loads(
            re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1)
        )
        disabled = set(config.get("disabledExtensions", []))
        for plugin in ("formgrader", "create-assignment", "course-list"):
            assert f"@jupyter/nbgrader:{plugin}" in disabled, sorted(disabled)
        assert "@jupyter/nbgrader:validate-assignment" not in disabled
        assert _get(f"{base}/formgrader?token={token}")[0] == 404

        second = subprocess.run(
            [sys.executable, "course.py", "lab", "--port=8918", "--no-browser"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert second.returncode == 0, second.stdout + second.stderr
        assert "already running" in second.stdout
        assert f"localhost:{PORT}/lab/tree/00-start-here.ipynb?token={token}" in second.stdout
        assert len(_servers(env)) == 1, "a second server was started"
    finally:
        os.killpg(first.pid, signal.SIGTERM)
        first.wait(timeout=60)
        log.close()
    text = (tmp_path / "lab.log").read_text()
    nbgrader_errors = [
        line
        for line in text.splitlines()
        if "nbgrader" in line.lower() and re.match(r"\[(E|C|W)", line)
    ]
    assert nbgrader_errors == [], text
