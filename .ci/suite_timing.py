"""Summarise a pytest JUnit XML report as the suite's time by part (one test file a part).

    .venv/bin/python -m pytest --junitxml=test-artifacts/suite.xml
    .venv/bin/python .ci/suite_timing.py test-artifacts/suite.xml

Prints a Markdown table: each file's tests, outcomes and seconds (JUnit's time of a test
includes its share of fixture set-up and tear-down, so a session fixture's work counts
in the first test that asks for it), largest first, and the total. benchmarks/suite.md
keeps the tables of measured runs.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections import defaultdict


def parts(report: str) -> dict[str, dict[str, float]]:
    """Return, per test file, the seconds and the count of each outcome."""
    table: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("classname", "").split(".")
        part = "/".join(name[:2]) + ".py" if len(name) > 1 else case.get("classname", "?")
        row = table[part]
        row["seconds"] += float(case.get("time", 0))
        outcome = next((child.tag for child in case if child.tag != "system-out"), "passed")
        outcome = {"failure": "failed", "error": "errors", "skipped": "skipped"}.get(
            outcome, "passed" if outcome in {"system-err", "properties"} else outcome
        )
        row[outcome] += 1
    return table


def main(report: str) -> int:
    """Print the table of ``report``."""
    table = parts(report)
    print("| part | passed | failed | errors | skipped | seconds |")
    print("|---|---:|---:|---:|---:|---:|")
    for part, row in sorted(table.items(), key=lambda item: -item[1]["seconds"]):
        counts = " | ".join(
            str(int(row[k])) for k in ("passed", "failed", "errors", "skipped")
        )  # fmt: skip
        print(f"| {part} | {counts} | {row['seconds']:.0f} |")
    total = sum(row["seconds"] for row in table.values())
    print(f"| **total** | | | | | **{total:.0f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
