"""pytest fixtures shared by the browser test modules: a pytest plugin.

A test module loads it with ``pytest_plugins = ["browser_support.fixtures"]``. The
Playwright driver and Chromium are started once per run, when a test first needs them,
and stopped at the end of the run, even when tests fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from browser_support.chromium import TrackedPage, chromium_path, launch_chromium
from browser_support.report import RunReport, run_report

__all__ = [
    "browser",
    "chromium",
    "new_page",
    "playwright",
    "report",
    "screenshots",
]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

#: Viewport of the pages: a common laptop screen.
VIEWPORT = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, or a clear failure saying how to install it."""
    path = chromium_path()
    if path is None or not path.exists():
        pytest.fail(
            "The browser tests drive Debian's Chromium: install it with "
            "`sudo apt-get install chromium` (.ci/run does), or set POSTPARIS_CHROMIUM "
            "to a Chromium executable."
        )
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver (sync API), stopped at the end of the run."""
    manager = sync_playwright()
    driver = manager.start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium: Path) -> Iterator[Browser]:
    """A headless Chromium with a fresh profile, closed at the end of the run."""
    instance = launch_chromium(playwright, chromium)
    try:
        yield instance
    finally:
        instance.close()


@pytest.fixture(scope="module")
def new_page(browser: Browser) -> Iterator[Callable[[], TrackedPage]]:
    """A factory of pages sharing one browser context (so JupyterLab's files are cached)."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    context.set_default_timeout(60_000)
    made: list[TrackedPage] = []

    def make() -> TrackedPage:
        tracked = TrackedPage(context.new_page())
        tracked.page.on("pageerror", lambda error: tracked.errors.append(str(error)))
        made.append(tracked)
        return tracked

    try:
        yield make
    finally:
        for tracked in made:
            if not tracked.page.is_closed():
                tracked.page.close()
        context.close()


@pytest.fixture(scope="session")
def report(pytestconfig: pytest.Config) -> RunReport:
    """The run's report: printed at the end of the run."""
    return run_report(pytestconfig)


@pytest.fixture(scope="session")
def screenshots(report: RunReport) -> Path:
    """``test-artifacts/screenshots/``, reported at the end of the run."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report.folders.add(SCREENSHOTS)
    return SCREENSHOTS
