"""Tell the person running the tests where the screenshots are and how long things took.

A plugin object registered once per pytest run (from a fixture, so it is there
whichever browser test module runs) adds a section to the terminal summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

__all__ = ["RunReport", "run_report"]

_PLUGIN_NAME = "postparis-browser-report"


@dataclass
class RunReport:
    """Screenshots folders and timings collected during the run."""

    folders: set[Path] = field(default_factory=set)
    timings: list[tuple[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def timing(self, label: str, seconds: float) -> None:
        """Record that ``label`` took ``seconds``."""
        self.timings.append((label, seconds))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        """Print the screenshots folder(s), the timings and any notes."""
        if not (self.folders or self.timings or self.notes):
            return
        terminalreporter.section("browser tests: what learners see")
        for folder in sorted(self.folders):
            shots = sorted(folder.glob("*.png"))
            terminalreporter.write_line(f"screenshots ({len(shots)}): {folder}")
        for label, seconds in self.timings:
            terminalreporter.write_line(f"{seconds:7.1f} s  {label}")
        for note in self.notes:
            terminalreporter.write_line(note)


def run_report(config: pytest.Config) -> RunReport:
    """Return the run's report, registering it with pytest the first time."""
    plugin = config.pluginmanager.get_plugin(_PLUGIN_NAME)
    if plugin is None:
        plugin = RunReport()
        config.pluginmanager.register(plugin, _PLUGIN_NAME)
    assert isinstance(plugin, RunReport)
    return plugin
