"""Binder, simulated without Docker: the environment it builds from binder/, and a learner in it.

mybinder.org builds an image with repo2docker. For a repository with binder/
requirements.txt, runtime.txt and postBuild, repo2docker's Dockerfile (printed here by
``repo2docker --no-build --debug``, which needs no Docker engine):

1. creates a Python environment of the version in runtime.txt, which also serves
   JupyterLab;
2. copies *only* binder/requirements.txt and runs ``pip install -r
   binder/requirements.txt`` (so the file may not refer to anything else in the
   repository);
3. copies the repository and runs ``./binder/postBuild`` from its root, with a fresh
   home folder.

The module fixture does the same from a clean copy of the repository (the files git
would commit) into a fresh virtual environment; then the tests check that repo2docker
reads our files, that the environment is exactly the lock, and that a learner who
follows the README's badge gets the start notebook with working widgets and Validate,
and nothing of the instructor's tools.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support.checks import Stopwatch, rendering_problems
from browser_support.chromium import TrackedPage
from browser_support.lab import LabServer, lab_environment, start_lab
from browser_support.notebook import (
    INSTRUCTOR_PLUGINS,
    INSTRUCTOR_ROUTES,
    NotebookPage,
    instructor_ui,
)
from browser_support.report import RunReport
from conftest import ROOT
from packaging.markers import Marker

pytest_plugins = ["browser_support.fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The builder mybinder.org runs, pinned; installed in a throwaway environment of its
#: own, because it is a tool that reads the repository, not part of the course.
REPO2DOCKER = "jupyter-repo2docker==2026.4.0"

#: pip's cache between runs (wheels built from source distributions, index pages).
PIP_CACHE = ROOT / "test-artifacts" / "cache" / "pip"

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _badge_urlpath() -> str:
    """The ``urlpath`` of the README's Binder badge, e.g. ``lab/tree/notebooks/x.ipynb``."""
    found = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]*[?&]urlpath=([^)&\s]+)\)", README)
    assert found, "the README has no Binder badge with a urlpath"
    return found.group(1)


def _tail(path: Path, characters: int = 5000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-characters:]


def _run(command: list[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float) -> float:
    """Run ``command`` with its output in ``log``; return its duration; fail with the log."""
    began = time.monotonic()
    with log.open("ab") as out:
        out.write(f"$ {' '.join(command)}\n".encode())
        out.flush()
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    if done.returncode != 0:
        pytest.fail(f"`{' '.join(command)}` exited {done.returncode}:\n{_tail(log)}")
    return time.monotonic() - began


def clean_copy(target: Path) -> Path:
    """Copy the files git would commit (tracked and new, not ignored) into ``target``."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)  # keeps the executable bit of postBuild
    return target


@dataclass(frozen=True)
class BinderBuild:
    """The simulated Binder image: the repository copy and its environment."""

    repo: Path
    prefix: Path
    home: Path
    builder: Path
    log: Path

    @property
    def bin(self) -> Path:
        """The environment's ``bin`` folder (first on PATH, as in the image)."""
        return self.prefix / "bin"

    def env(self) -> dict[str, str]:
        """The build's environment: the image's PATH and HOME, private Jupyter folders."""
        env = lab_environment(self.bin, self.home.parent / "jupyter", os.environ)
        env["HOME"] = str(self.home)
        return env


@pytest.fixture(scope="module")
def binder(tmp_path_factory: pytest.TempPathFactory, report: RunReport) -> BinderBuild:
    """Build the environment from binder/ as repo2docker does; meanwhile install repo2docker."""
    runtime = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    here = f"python-{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != here:
        pytest.fail(f"binder/runtime.txt asks for {runtime}; the tests run on {here}")
    base = tmp_path_factory.mktemp("binder")
    clock = Stopwatch()
    build = BinderBuild(
        repo=clean_copy(base / "repo"),
        prefix=base / "srv" / "notebook",
        home=base / "home" / "jovyan",
        builder=base / "repo2docker" / "bin" / "repo2docker",
        log=base / "build.log",
    )
    build.home.mkdir(parents=True)
    clock.lap("clean copy")
    env = build.env()
    PIP_CACHE.mkdir(parents=True, exist_ok=True)
    pip_cache = ["--cache-dir", str(PIP_CACHE)]

    def install_builder() -> float:
        log = base / "repo2docker-install.log"
        venv = build.builder.parent.parent
        took = _run(
            [sys.executable, "-m", "venv", str(venv)], cwd=base, env=env, log=log, timeout=300
        )
        return took + _run(
            [str(venv / "bin" / "pip"), "install", "--quiet", *pip_cache, REPO2DOCKER],
            cwd=base,
            env=env,
            log=log,
            timeout=900,
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        builder_job = pool.submit(install_builder)
        # 1. A fresh environment of runtime.txt's Python version.
        _run(
            [sys.executable, "-m", "venv", str(build.prefix)],
            cwd=base,
            env=env,
            log=build.log,
            timeout=300,
        )
        clock.lap("venv")
        # 2. pip install -r binder/requirements.txt, with nothing else of the repository.
        stage = base / "preassemble"
        (stage / "binder").mkdir(parents=True)
        shutil.copy2(build.repo / "binder" / "requirements.txt", stage / "binder")
        # (Binder adds --no-cache-dir and compiles bytecode; a cache and --no-compile
        # change nothing installed, and save a minute of a 2-core machine.)
        _run(
            [
                str(build.bin / "pip"),
                "install",
                "--no-compile",
                *pip_cache,
                "-r",
                "binder/requirements.txt",
            ],
            cwd=stage,
            env=env,
            log=build.log,
            timeout=1200,
        )
        clock.lap("pip install -r binder/requirements.txt")
        # 3. chmod +x binder/postBuild; ./binder/postBuild, from the repository's root.
        postbuild = build.repo / "binder" / "postBuild"
        postbuild.chmod(postbuild.stat().st_mode | 0o111)
        _run(["./binder/postBuild"], cwd=build.repo, env=env, log=build.log, timeout=900)
        clock.lap("postBuild")
        builder_took = builder_job.result()
    report.timing(
        f"Binder build: {clock}; repo2docker installed alongside in {builder_took:.1f} s",
        clock.total(),
    )
    return build


def _python(build: BinderBuild, code: str) -> str:
    """Run ``code`` with the Binder environment's Python, from outside the repository."""
    done = subprocess.run(
        [str(build.bin / "python"), "-c", code],
        cwd=build.home,
        env=build.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_repo2docker_builds_from_our_binder_files(binder: BinderBuild) -> None:
    """The builder itself, without Docker: its Dockerfile installs our lock and runs postBuild."""
    done = subprocess.run(
        [str(binder.builder), "--no-build", "--debug", str(binder.repo)],
        cwd=binder.repo.parent,
        env=binder.env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    text = done.stdout + done.stderr
    assert done.returncode == 0, text[-5000:]
    # runtime.txt: the environment is Python 3.11 (and serves JupyterLab: one environment).
    assert "Building conda environment for python=3.11" in text, text[:2000]
    assert "ENV KERNEL_PYTHON_PREFIX=${NB_PYTHON_PREFIX}" in text
    # requirements.txt: copied alone, installed before the rest of the repository.
    copied = (
        r"COPY --chown=\S+ src/binder/requirements\.txt \$\{REPO_DIR\}/binder/requirements\.txt"
    )
    assert re.search(copied, text), text[-5000:]
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in text
    assert 'pip install --no-cache-dir -r "requirements.txt"' not in text  # binder/ wins
    # postBuild: made executable and run.
    assert "RUN chmod +x binder/postBuild" in text
    assert "RUN ./binder/postBuild" in text


def test_binder_environment_is_exactly_the_lock(binder: BinderBuild) -> None:
    """postBuild changes no pinned version; the helper package is a wheel that has its data."""
    installed = {
        _normal(item["name"]): item["version"]
        for item in json.loads(
            _python(
                binder,
                "import json, importlib.metadata as m; print(json.dumps("
                "[{'name': d.metadata['Name'], 'version': d.version} for d in m.distributions()]))",
            )
        )
    }
    lock = (binder.repo / "binder" / "requirements.txt").read_text(encoding="utf-8")
    # The lock is universal: a pin whose environment marker excludes this machine
    # (pywinpty on Windows, appnope on macOS) is not installed here.
    pins = {
        name: version
        for name, version, marker in re.findall(
            r"^([A-Za-z0-9_.\-]+)==([^\s;]+)(?:\s*;\s*(.+))?$", lock, flags=re.M
        )
        if not marker or Marker(marker).evaluate()
    }
    assert pins, "binder/requirements.txt pins nothing"
    wrong = {
        name: (version, installed.get(_normal(name)))
        for name, version in pins.items()
        if installed.get(_normal(name)) != version
    }
    assert not wrong, f"pinned (wanted, installed): {wrong}"
    located = _python(
        binder,
        "import postparis, postparis.data as d; "
        "print(postparis.__file__); print(len(d.load_article_paragraphs()))",
    ).split()
    assert located[0].startswith(str(binder.prefix)), (
        f"postparis is not the installed wheel: {located}"
    )
    assert int(located[1]) == 24


@pytest.fixture(scope="module")
def binder_lab(binder: BinderBuild, report: RunReport) -> Iterator[LabServer]:
    """The image's command (``jupyter notebook``, which also serves /lab) in the repository.

    No test settings are given: what the learner gets is what postBuild configured.
    """
    server = start_lab(
        binder.bin,
        binder.repo,
        binder.home.parent / "server",
        cwd=binder.repo,
        app="notebook",
        settings={},
        environment={"HOME": str(binder.home)},
    )
    report.timing(
        f"Binder server started (pid {server.pid}, port {server.port})", server.started_in
    )
    try:
        yield server
    finally:
        server.stop()


def test_a_learner_on_binder_gets_the_course_and_no_instructor_tools(
    binder_lab: LabServer,
    binder: BinderBuild,
    new_page: Callable[[], TrackedPage],
    screenshots: Path,
    report: RunReport,
) -> None:
    clock = Stopwatch()
    urlpath = _badge_urlpath()
    assert urlpath.startswith("lab/tree/"), urlpath
    notebook_file = binder.repo / urlpath.removeprefix("lab/tree/")
    tracked = new_page()
    try:
        notebook = NotebookPage.open(tracked.page, binder_lab.url(urlpath), notebook_file)
        clock.lap("open the badge's notebook")

        # Nothing of the instructor's: no Nbgrader menu, no panel, no server routes.
        ui = instructor_ui(tracked.page)
        assert not ui.visible, f"instructor tools visible on Binder: {ui.visible}"
        assert set(INSTRUCTOR_PLUGINS) <= set(ui.disabled), ui.disabled
        assert set(INSTRUCTOR_PLUGINS) <= set(ui.locked), ui.locked
        assert "@jupyter/nbgrader:validate-assignment" not in ui.disabled
        assert ui.validate_button
        for route, extension in INSTRUCTOR_ROUTES.items():
            assert binder_lab.status_code(route) == 404, f"{extension} still serves /{route}"
        assert binder_lab.status_code("nbgrader_version?version=0.9.6") == 200
        # No news prompt, and no "build recommended" prompt for the learner.
        notification = binder_lab.api(
            "GET", "lab/api/settings/@jupyterlab/apputils-extension:notification"
        )
        # postBuild's overrides.json becomes the default; the learner has set nothing yet.
        fetch_news = notification["settings"].get(
            "fetchNews", notification["schema"]["properties"]["fetchNews"]["default"]
        )
        assert fetch_news == "false", notification
        assert binder_lab.api("GET", "lab/api/build", timeout=300)["status"] == "stable"
        clock.lap("instructor tools")

        # The notebook runs as far as a blank allows, shows its widgets, and a widget works.
        notebook.run_past_unanswered_exercises()
        clock.lap("run")
        problems = rendering_problems(notebook, notebook.save(), answers=False)
        assert not problems, "On Binder:\n" + "\n".join(problems)
        change = notebook.drive_a_widget()
        tracked.page.screenshot(path=str(screenshots / "binder-start-notebook.png"))
        clock.lap("widget")

        # Validate works, and a blank fails every autograded test.
        result = notebook.validate(screenshot=screenshots / "binder-start-notebook-validate.png")
        clock.lap("validate")
        assert result.outcome == "failed", result
        tests = sum(role == "tests" for _kind, role in notebook.roles)
        assert result.text.count("The following cell failed:") == tests, result.text[:2000]
        assert not tracked.errors, f"uncaught JavaScript errors: {tracked.errors}"
    finally:
        tracked.page.close()
        binder_lab.shut_down_kernels()
    report.timing(
        f"Binder learner: {clock}; {change.kind} {change.label!r}: {change.how}, {change.change}",
        clock.total(),
    )
