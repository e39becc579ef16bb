"""No module before 05 leaks what happened after 2015.

Modules 00-04 stay inside what was known by 31 December 2015 (the course's information
cutoff), so that a learner's forecasts in module 05 are honest. This file checks, for
every module folder present in ``assignments/source/`` whose number is below 05, and
for the topic packages those modules use:

1. their text (every cell of the answer key and of the student notebook, every line of
   the package's Python files) names no year from 2016 to 2026 and no event that only
   module 05 may discuss;
2. they do not use module 05's data or package;
3. package code that loads a dataset holding rows after 2015 filters them out;
4. what the answer keys *show* when they run (their outputs) passes the same scan.

Web addresses are left out of the year scan: a page published in, say, 2021 can be the
source of a 2015 fact, and its address often carries its date. A few later dates were
already known in 2015; they are allowed explicitly in :data:`ALLOWED`, each with its
reason. Anything else is reported with the file, cell and line, so that it can either
be removed or, if it really was known in 2015, added to :data:`ALLOWED` with a reason.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from conftest import MODULES, NOTEBOOKS, ROOT, SOURCE, ExecutedNotebooks

FIRST_HINDSIGHT_MODULE = "05"
EARLIER_MODULES = [m for m in MODULES if m[:2] < FIRST_HINDSIGHT_MODULE]

#: The topic packages of modules 00-04 (a module ``start.py`` or a folder ``dialogue/``).
TOPIC_PACKAGES = ("start", "argument", "sanctions", "proxies", "dialogue")

#: A four-digit year from 2016 to 2026 that is not part of a longer number.
YEAR = re.compile(r"(?<![\d.])20(1[6-9]|2[0-6])(?![\d])")
URL = re.compile(r"https?://\S+")

#: Later dates that were fixed, and public, by 31 December 2015: (pattern, reason).
ALLOWED: tuple[tuple[str, str], ...] = (
    (
        r"\b5 February 2018\b|\bFeb(?:ruary|\.)? 2018\b|2018-02-05|\b2018 deadline\b"
        r"|treaty allowed that until 2018\b",
        "New START's deadline for meeting its central limits, set by the treaty in 2010.",
    ),
    (
        r"\b5 February 2021\b|\bFeb(?:ruary|\.)? 2021\b|2021-02-05",
        "New START's original expiry, ten years after entry into force (5 Feb 2011).",
    ),
    (
        r"\b31 Jan(?:uary|\.)? 2016\b|2016-01-31",
        "EU economic sanctions prolonged to 31 Jan 2016, decided on 22 June 2015.",
    ),
    (
        r"\b31 Jul(?:y|\.)? 2016\b|2016-07-31",
        "EU economic sanctions prolonged to 31 Jul 2016, decided on 21 December 2015.",
    ),
    (
        r"\b(?:5 )?Aug(?:ust|\.)? 2016\b|2016-08-05",
        "Russia's food ban prolonged to 5 Aug 2016, decreed on 24 June 2015.",
    ),
    (
        r"\b2016 and later\b|\b2016-2026\b",
        "Names module 05's period without saying what happened in it (module 00's roadmap).",
    ),
    (
        r"2016-01-01",
        "The first day after the cutoff, used in code as an exclusive boundary.",
    ),
)

#: Events and names that belong to module 05 only: (pattern, what it reveals).
FORBIDDEN: tuple[tuple[str, str], ...] = (
    (r"enhanced[\s_-]+forward[\s_-]+presence|\bEFP\b", "NATO's battlegroups (decided 2016)"),
    (r"Warsaw[\s_-]+summit", "NATO's 2016 Warsaw summit"),
    (r"\bCAATSA\b|Countering America.s Adversaries", "the 2017 US sanctions law"),
    (r"\b9M729\b|SSC-8", "the missile named publicly in 2017"),
    (
        r"\bINF\b[^.\n]{0,60}(withdr[ae]w|withdrawal|terminat|collaps|demise|\bended\b)"
        r"|(withdr[ae]w|withdrawal)[^.\n]{0,60}\bINF\b",
        "the end of the INF Treaty (2019)",
    ),
    (
        r"Open[\s_-]+Skies[^.\n]{0,60}(withdr|\bexit|\bleft\b)",
        "the US and Russian exits from Open Skies (2020-2021)",
    ),
    (
        r"New[\s_-]+START[^.\n]{0,80}(was extended|extended (it|the treaty) for|"
        r"suspen[ds]|expired|lapsed)",
        "New START's extension, suspension or expiry (2021-2026)",
    ),
    (r"full[\s_-]+scale[\s_-]+invasion", "Russia's 2022 invasion of Ukraine"),
    (
        r"fall[\s_-]+of[\s_-]+(the[\s_-]+)?Assad|Assad.{0,20}\b(fled|flees|fell|collapsed)\b",
        "the fall of Assad (December 2024)",
    ),
    (r"\bZelensk", "Ukraine's president from 2019"),
    (r"\bSkripal", "the 2018 Salisbury poisoning"),
    (
        r"load_what_happened_next|load_forecast_questions|what_happened_next\.csv"
        r"|forecast_questions\.csv|postparis\.forecasting|from postparis import forecasting",
        "module 05's data or package",
    ),
)

_ALLOWED = [re.compile(p, re.IGNORECASE) for p, _ in ALLOWED]
_FORBIDDEN = [(re.compile(p, re.IGNORECASE), why) for p, why in FORBIDDEN]

#: Loaders whose datasets hold rows after 2015, and words that show a file filters them.
LATE_LOADERS = ("load_new_start(", "load_new_start_events(", "load_stockpiles(")
CUTOFF_WORDS = ("after_cutoff", "INFORMATION_CUTOFF", "through_cutoff", "2015-12-31")


@dataclass(frozen=True)
class Finding:
    """One suspicious line: where it is and why it is suspicious."""

    where: str
    text: str
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}: {self.text.strip()[:160]!r}"


def scan_text(text: str, where: str) -> list[Finding]:
    """Return the lines of ``text`` that name a later year or a module-05 event."""
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        place = f"{where}, line {number}"
        for pattern, why in _FORBIDDEN:
            if pattern.search(line):
                findings.append(Finding(place, line, f"mentions {why}"))
        stripped = URL.sub(" ", line)
        for pattern in _ALLOWED:
            stripped = pattern.sub(" ", stripped)
        years = sorted({m.group(0) for m in YEAR.finditer(stripped)})
        if years:
            findings.append(Finding(place, line, f"names the year(s) {', '.join(years)}"))
    return findings


def _notebook_texts(path: Path) -> list[tuple[str, str]]:
    nb = nbformat.read(path, as_version=4)
    rel = path.relative_to(ROOT)
    return [(f"{rel}, cell {i}", cell.source) for i, cell in enumerate(nb.cells)]


def _package_files() -> list[Path]:
    files: list[Path] = []
    for name in TOPIC_PACKAGES:
        module = ROOT / "src" / "postparis" / f"{name}.py"
        if module.is_file():
            files.append(module)
        folder = ROOT / "src" / "postparis" / name
        if folder.is_dir():
            files.extend(sorted(folder.rglob("*.py")))
    return files


def _earlier_notebooks() -> list[Path]:
    paths = []
    for module in EARLIER_MODULES:
        paths.extend(sorted((SOURCE / module).glob("*.ipynb")))
        student = NOTEBOOKS / f"{module}.ipynb"
        if student.is_file():
            paths.append(student)
    return paths


# -- the scanner itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "The EU prolonged its sanctions in 2017.",
        "NATO's enhanced forward presence arrived in the Baltics.",
        "Russia's full-scale invasion of Ukraine",
        "the US withdrew from the INF Treaty",
        "After the fall of Assad, Russia",
        "New START expired without a successor",
        "events = load_what_happened_next()",
        'df[df["date"] < "2019-08-02"]',
    ],
)
def test_scanner_catches_hindsight(line: str) -> None:
    assert scan_text(line, "example"), line


@pytest.mark.parametrize(
    "line",
    [
        "Both sides had to meet the limits by 5 February 2018.",
        "What does the 2018 deadline change?",
        "The ban was prolonged without a gap to August 2016.",
        "New START runs to 5 February 2021 and can be extended by up to five years.",
        "The EU prolonged its sanctions to 31 July 2016 on 21 December 2015.",
        "What happened in 2016 and later is kept for module 05.",
        "Source: https://www.vrt.be/vrtnws/en/2021/09/08/belgium_s-abdeslam-faces-justice",
        "In 2015 the US accused Russia of violating the INF Treaty.",
        "Russia's annexation of Crimea in 2014",
        "COMPLIANCE_DEADLINE = pd.Timestamp('2018-02-05')",
        "a value of 12016 roubles or version 3.2016",
    ],
)
def test_scanner_allows_what_was_known_in_2015(line: str) -> None:
    assert not scan_text(line, "example"), scan_text(line, "example")


def test_allowlist_entries_are_explained() -> None:
    for pattern, reason in ALLOWED:
        re.compile(pattern)
        assert len(reason) > 30, f"explain why {pattern!r} was known by 2015"


# -- the modules and packages present now ------------------------------------------------


def test_the_earlier_modules_are_found() -> None:
    assert "00-start-here" in EARLIER_MODULES
    assert all(m[:2] < FIRST_HINDSIGHT_MODULE for m in EARLIER_MODULES)
    assert "05-what-happened-next" not in EARLIER_MODULES
    assert (ROOT / "src" / "postparis" / "start.py") in _package_files()


@pytest.mark.parametrize("path", _earlier_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_earlier_notebooks_stay_before_2016(path: Path) -> None:
    findings = [f for where, text in _notebook_texts(path) for f in scan_text(text, where)]
    assert not findings, "Hindsight in a module before 05:\n" + "\n".join(map(str, findings))


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_earlier_topic_packages_stay_before_2016(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    findings = scan_text(text, str(path.relative_to(ROOT)))
    assert not findings, "Hindsight in a topic package:\n" + "\n".join(map(str, findings))
    if any(loader in text for loader in LATE_LOADERS):
        assert any(word in text for word in CUTOFF_WORDS), (
            f"{path.relative_to(ROOT)} loads a dataset with rows after 2015 but never filters "
            f"them (use the after_cutoff column or INFORMATION_CUTOFF)."
        )


# -- what the answer keys show when they run ---------------------------------------------


def _output_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return ""
    data = output.get("data", {})
    text = data.get("text/plain", "")
    html = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", data.get("text/html", ""))
    html = re.sub(r"<[^>]+>", " ", html)
    return f"{text}\n{html}"


@pytest.mark.slow
@pytest.mark.parametrize("module", EARLIER_MODULES)
def test_earlier_answer_keys_show_nothing_after_2015(
    module: str, executed: ExecutedNotebooks
) -> None:
    nb = executed.answer_key(module)
    findings = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = _output_text(json.loads(json.dumps(output)))
            findings.extend(scan_text(text, f"{module} output of cell {index}"))
    assert not findings, "Hindsight in what a module shows:\n" + "\n".join(map(str, findings))
