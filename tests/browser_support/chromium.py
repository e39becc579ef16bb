"""Launch Debian's Chromium through Playwright for Python.

``playwright install`` downloads a browser build of its own, which this project does not
use: the tests drive the distribution's ``chromium`` package (``apt-get install
chromium``; ``.ci/run`` installs it) through ``executable_path``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright

__all__ = ["CHROMIUM_ARGS", "TrackedPage", "chromium_path", "launch_chromium"]

#: Flags for a quiet, headless Chromium that also runs as root. Without the
#: background-networking ones, Chromium's own connections (component updates, sync,
#: field trials) compete with the page's and get refused many at a time.
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def chromium_path() -> Path | None:
    """Return the Chromium to drive: ``$POSTPARIS_CHROMIUM``, or Debian's ``chromium``."""
    configured = os.environ.get("POSTPARIS_CHROMIUM")
    if configured:
        return Path(configured)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def launch_chromium(playwright: Playwright, executable: Path) -> Browser:
    """Launch a headless Chromium with a fresh profile (Playwright makes a new one)."""
    return playwright.chromium.launch(
        executable_path=str(executable),
        headless=True,
        # Chromium's sandbox cannot start as root; the pages are our own localhost ones.
        chromium_sandbox=False,
        args=list(CHROMIUM_ARGS),
        timeout=120_000,
    )


@dataclass
class TrackedPage:
    """A Playwright page and the uncaught JavaScript errors it has had."""

    page: Page
    errors: list[str] = field(default_factory=list)
