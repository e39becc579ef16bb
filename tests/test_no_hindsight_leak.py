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
4. what the answer keys *show* when they run (their outputs) passes the same scan;
5. the data know *when* each figure became public (its ``published`` date, the New START
   numbers and stockpile estimates included), a figure about a period is never dated before
   the period ended, and code that loads a dataset with figures published after the cutoff
   filters on that date (``known_by``, or module 04's ``through_cutoff``), not on the period
   the figure describes;
6. the prose of modules 00-04 quotes no figure that was published after the cutoff;
7. the glossary, which every module links to, passes the same scan as the modules;
8. module 06, the capstone, is set on the day of its meeting (18 November 2015): every
   cell before its wrap-up section, and its package, pass the same scan and a stricter
   one (:data:`AFTER_THE_MEETING`: nothing from the days after the meeting either). Only
   the wrap-up section (from :data:`WRAP_UP_HEADING` to the next level-2 heading) looks
   back on what happened, by design.

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
import numpy as np
import pandas as pd
import pytest
from conftest import MODULES, NOTEBOOKS, ROOT, SOURCE, ExecutedNotebooks

from postparis.data import INFORMATION_CUTOFF, read_dataset

FIRST_HINDSIGHT_MODULE = "05"
EARLIER_MODULES = [m for m in MODULES if m[:2] < FIRST_HINDSIGHT_MODULE]

#: The topic packages of modules 00-04 (each a folder, like ``dialogue/``).
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
    (
        r"\(FAT\\?\* '19\)\*?, 2019",
        "The glossary cites a 2019 paper on a method (model cards), not an event after 2015.",
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
    assert (ROOT / "src" / "postparis" / "start" / "model.py") in _package_files()


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


# -- dates of knowledge: the data ----------------------------------------------------------

#: Datasets of modules 00-04 whose rows are dated figures and events: each must say when
#: every row became public.
DATED_FIGURES = ("russia_economy", "syria_2015", "afghanistan_stinger")
GLOSSARY = NOTEBOOKS / "glossary.ipynb"


def _known_on(frame: pd.DataFrame) -> pd.Series:
    """When each row became public: ``published`` if the data record it, else ``date``."""
    return frame["published"] if "published" in frame.columns else frame["date"]


def _period_over(frame: pd.DataFrame) -> pd.Series:
    """The first day after the period each row describes (a quarter spans three months).

    A figure that sums up a period (an average, a year's growth) cannot be known before
    the period is over: 2015's average is known on 1 January 2016 at the earliest.
    """
    end = frame["date"].copy()
    months = frame["date_precision"] == "month"
    years = frame["date_precision"] == "year"
    end[months] = frame.loc[months, "date"] + pd.offsets.MonthEnd(0)
    end[years] = frame.loc[years, "date"] + pd.offsets.YearEnd(0)
    if "period" in frame.columns:
        quarters = frame["period"].str.contains("quarter")
        end[quarters] = frame.loc[quarters, "date"] + pd.offsets.MonthEnd(3)
    return end + pd.Timedelta(days=1)


def _describes_a_period(frame: pd.DataFrame) -> pd.Series:
    """Rows whose figure sums up a span of time (an average, a year, a quarter)."""
    if "period" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["period"].str.contains(
        r"average|year|quarter|December on December", regex=True
    ) & ~frame["period"].str.contains(r"forecast|short run|medium term", regex=True)


@pytest.mark.parametrize("name", DATED_FIGURES)
def test_every_dated_figure_says_when_it_became_public(name: str) -> None:
    frame = read_dataset(name)
    assert "published" in frame.columns, (
        f"{name}.csv does not record when its figures became public (a 'published' column); "
        "without it the cutoff can only filter on the period a figure describes."
    )
    assert frame["published"].notna().all(), name


@pytest.mark.parametrize("name", DATED_FIGURES)
def test_no_figure_is_known_before_its_period_ends(name: str) -> None:
    frame = read_dataset(name)
    period = _describes_a_period(frame)
    early = frame[period & (_known_on(frame) < _period_over(frame))]
    assert early.empty, (
        f"{name}.csv dates figures before the period they describe was over, so the cutoff "
        "keeps figures published later:\n"
        + early[["date", "period", "indicator", "value"]].to_string()
    )


@pytest.mark.parametrize("name", DATED_FIGURES)
def test_after_publication_follows_the_date_of_knowledge(name: str) -> None:
    frame = read_dataset(name)
    period = _describes_a_period(frame)
    known = _known_on(frame).where(~period, np.maximum(_known_on(frame), _period_over(frame)))
    wrong = frame[frame["after_publication"] != (known > pd.Timestamp("2015-11-16"))]
    assert wrong.empty, (
        f"{name}.csv flags figures public only after 16 November 2015 as known before it:\n"
        + wrong.drop(columns=["source_url", "note"], errors="ignore").to_string()
    )


def _late_rows(name: str) -> pd.DataFrame:
    frame = read_dataset(name)
    known = _known_on(frame)
    period = _describes_a_period(frame)
    known = known.where(~period, np.maximum(known, _period_over(frame)))
    return frame[known > INFORMATION_CUTOFF]


def _code_sources() -> list[tuple[str, str]]:
    """(where, text) of every code cell of modules 00-04 and every topic-package file."""
    found = []
    for path in _earlier_notebooks():
        nb = nbformat.read(path, as_version=4)
        rel = path.relative_to(ROOT)
        found.extend(
            (f"{rel}, cell {i}", c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"
        )
    found.extend(
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in _package_files()
    )
    return found


LOADER_OF = {
    "russia_economy": "load_russia_economy(",
    "syria_2015": "load_syria_2015(",
    "afghanistan_stinger": "load_afghanistan(",
}
#: Package helpers that keep only rows known on the day they describe (checked below).
SAME_DAY_HELPERS = ("rouble_rates(",)
PERIOD_FILTER = re.compile(r"\[\s*[\"']date[\"']\s*\]\s*<=?\s*INFORMATION_CUTOFF")


def test_code_filters_late_figures_by_when_they_were_published() -> None:
    late = [name for name in DATED_FIGURES if not _late_rows(name).empty]
    findings = []
    for where, text in _code_sources():
        for name in late:
            if LOADER_OF[name] not in text:
                continue
            if PERIOD_FILTER.search(text):
                findings.append(f"{where}: filters {name} on the period a figure describes")
            elif not any(w in text for w in ("known_by(", "published", *SAME_DAY_HELPERS)):
                findings.append(
                    f"{where}: loads {name}, which holds figures published after the "
                    "cutoff, without filtering them (use postparis.data.known_by)"
                )
    assert not findings, "\n".join(findings)


def test_same_day_helpers_keep_only_what_was_known_by_the_cutoff() -> None:
    from postparis.data import known_by, load_russia_economy
    from postparis.sanctions.model import rouble_rates

    economy = load_russia_economy()
    rates = rouble_rates(economy)
    known = known_by(economy)
    assert set(rates.index) <= set(known["date"]), "rouble_rates returns a rate not yet public"


KEYWORDS = {
    "Real GDP growth": r"GDP|econom",
    "CPI inflation": r"inflation|prices",
    "Net private capital outflow": r"capital",
    "Brent crude price": r"Brent|oil",
    "RUB per USD": r"roubles?|rubles?",
    "CBR key rate": r"key rate|interest",
}


def _number_pattern(value: float) -> re.Pattern[str]:
    text = f"{abs(value):g}"
    return re.compile(rf"(?<![\d.]){re.escape(text)}(?![\d])")


def test_module_prose_quotes_no_figure_published_after_the_cutoff() -> None:
    late = _late_rows("russia_economy")
    prose = []
    for path in [*_earlier_notebooks(), GLOSSARY]:
        nb = nbformat.read(path, as_version=4)
        prose.extend(
            (f"{path.relative_to(ROOT)}, cell {i}", line)
            for i, c in enumerate(nb.cells)
            if c.cell_type == "markdown"
            for line in c.source.splitlines()
        )
    findings = []
    for _, row in late.iterrows():
        keyword = re.compile(KEYWORDS.get(row["indicator"], r"$^"), re.IGNORECASE)
        number = _number_pattern(row["value"])
        for where, line in prose:
            if number.search(URL.sub(" ", line)) and keyword.search(line):
                findings.append(
                    f"{where}: quotes {row['indicator']} {row['value']:g} ({row['period']} "
                    f"{row['date']:%Y}), published after the cutoff: {line.strip()[:120]!r}"
                )
    assert not findings, "\n".join(findings)


def test_the_glossary_gives_nothing_away() -> None:
    findings = [f for where, text in _notebook_texts(GLOSSARY) for f in scan_text(text, where)]
    assert not findings, "Hindsight in the glossary:\n" + "\n".join(map(str, findings))


def test_the_glossary_does_not_answer_the_exercises() -> None:
    """An entry an exercise links to must not hand out that exercise's answer."""
    texts = dict(_notebook_texts(GLOSSARY))
    thesis = next(t for t in texts.values() if t.startswith("### Thesis"))
    assert not re.search(r"first paragraph|paragraph 1\b|¶\s*1\b", thesis), (
        "The glossary's 'Thesis' entry says where the article states its thesis, which is "
        "what module 01 asks learners to find."
    )


# -- module 06, the capstone: only its wrap-up looks back ------------------------------------

CAPSTONE = "06-nsc-meeting"
#: The heading that opens the capstone's wrap-up, the one section allowed to use hindsight.
WRAP_UP_HEADING = "## Part 6 · Wrap-up"
#: What the capstone's meeting (18 November 2015) could not know yet, beyond the years
#: 2016-2026: the weeks after it, and the forecasting module's data and package.
AFTER_THE_MEETING: tuple[tuple[str, str], ...] = (
    (r"\bSu-24\b|shoot[\s-]?down|shot down", "the Su-24 shoot-down (24 November 2015)"),
    (
        r"\b(19|2\d|30) Nov(?:ember|\.)? 2015\b|2015-11-(19|2\d|30)|\bDec(?:ember|\.)? 2015\b"
        r"|2015-12-\d\d|\b\d{1,2} December\b(?! 2015)",
        "a date after the meeting of 18 November 2015",
    ),
)
_AFTER_THE_MEETING = [(re.compile(p, re.IGNORECASE), why) for p, why in AFTER_THE_MEETING]
#: Dates after the meeting that the capstone may name before its wrap-up: (pattern, reason).
CAPSTONE_ALLOWED = (
    (
        r"cutoff of 31 December 2015|31 December 2015, so nothing",
        "The course's own cutoff, named to say the capstone's is stricter.",
    ),
)
CAPSTONE_PACKAGES = ("capstone",)


def scan_before_the_meeting(text: str, where: str) -> list[Finding]:
    """The course-wide scan, plus what the 18 November 2015 meeting could not know yet."""
    findings = scan_text(text, where)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = URL.sub(" ", line)
        for pattern, _ in CAPSTONE_ALLOWED:
            stripped = re.sub(pattern, " ", stripped, flags=re.IGNORECASE)
        for pattern, why in _AFTER_THE_MEETING:
            if pattern.search(stripped):
                findings.append(Finding(f"{where}, line {number}", line, f"mentions {why}"))
    return findings


def wrap_up_cells(cells: list[str]) -> range:
    """The indices of the wrap-up: its heading's cell up to the next level-2 heading."""
    starts = [i for i, text in enumerate(cells) if text.lstrip().startswith(WRAP_UP_HEADING)]
    assert len(starts) == 1, f"{CAPSTONE} should have one wrap-up section ({WRAP_UP_HEADING!r})"
    end = next(
        (i for i in range(starts[0] + 1, len(cells)) if re.match(r"## (?!#)", cells[i].lstrip())),
        len(cells),
    )
    return range(starts[0], end)


def _capstone_notebooks() -> list[Path]:
    paths = sorted((SOURCE / CAPSTONE).glob("*.ipynb"))
    student = NOTEBOOKS / f"{CAPSTONE}.ipynb"
    return [*paths, student] if student.is_file() else paths


def _before_wrap_up(path: Path) -> list[tuple[str, str]]:
    texts = _notebook_texts(path)
    hindsight = wrap_up_cells([text for _, text in texts])
    return [item for i, item in enumerate(texts) if i not in hindsight]


def test_the_capstone_scanner_is_stricter_than_the_course() -> None:
    for line in (
        "Turkish F-16s shot down a Russian Su-24.",
        "On 24 November 2015 a jet was lost.",
        "The EU prolonged its sanctions on 21 December.",
        "events = load_what_happened_next()",
    ):
        assert scan_before_the_meeting(line, "example"), line
    for line in (
        "On 16 November 2015 Hollande called for one coalition.",
        "The meeting is on 18 November 2015.",
        "stricter even than the course's cutoff of 31 December 2015, so nothing later",
    ):
        assert not scan_before_the_meeting(line, "example"), line


def test_only_the_wrap_up_section_is_exempt() -> None:
    cells = [
        "# Title",
        "## Part 5 · Deciding",
        f"{WRAP_UP_HEADING}: hindsight",
        "a 2019 event",
        "### Reflection",
        "## Key points",
    ]
    assert list(wrap_up_cells(cells)) == [2, 3, 4]


@pytest.mark.skipif(not (SOURCE / CAPSTONE).is_dir(), reason="module 06 is not in this checkout")
@pytest.mark.parametrize("path", _capstone_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_capstone_stays_on_the_day_of_its_meeting_until_its_wrap_up(path: Path) -> None:
    findings = [
        f for where, text in _before_wrap_up(path) for f in scan_before_the_meeting(text, where)
    ]
    assert not findings, "Hindsight before module 06's wrap-up:\n" + "\n".join(map(str, findings))


def test_the_capstone_package_stays_on_the_day_of_its_meeting() -> None:
    files = [
        *sorted((ROOT / "src" / "postparis" / "capstone").glob("*.py")),
        ROOT / "src" / "postparis" / "exercises" / "capstone.py",
    ]
    findings = [
        f
        for path in files
        if path.is_file()
        for f in scan_before_the_meeting(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))
        )
    ]
    assert not findings, "Hindsight in the capstone's package:\n" + "\n".join(map(str, findings))


@pytest.mark.slow
@pytest.mark.skipif(CAPSTONE not in MODULES, reason="module 06 is not in this checkout")
def test_the_capstone_shows_nothing_after_its_meeting_until_its_wrap_up(
    executed: ExecutedNotebooks,
) -> None:
    nb = executed.answer_key(CAPSTONE)
    hindsight = wrap_up_cells([cell.source for cell in nb.cells])
    findings = []
    for index, cell in enumerate(nb.cells):
        if index in hindsight:
            continue
        for output in cell.get("outputs", []):
            text = _output_text(json.loads(json.dumps(output)))
            findings.extend(scan_before_the_meeting(text, f"{CAPSTONE} output of cell {index}"))
    assert not findings, "Hindsight in what module 06 shows:\n" + "\n".join(map(str, findings))


# -- dates of knowledge: the New START numbers and the stockpile estimates ---------------

#: Datasets that modules 00-04 load although some of their rows were not public by the
#: cutoff: each row records when it became public, and the flag and filters follow that.
LATE_FIGURES = ("new_start", "nuclear_stockpiles")


def _not_public_by_cutoff(frame: pd.DataFrame) -> pd.Series:
    """Rows published after the cutoff, or whose publication date was never found."""
    return frame["published"].isna() | (frame["published"] > INFORMATION_CUTOFF)


@pytest.mark.parametrize("name", LATE_FIGURES)
def test_late_figures_are_flagged_by_when_they_became_public(name: str) -> None:
    frame = read_dataset(name)
    assert "published" in frame.columns, f"{name}.csv does not say when its figures became public"
    wrong = frame[frame["after_cutoff"] != _not_public_by_cutoff(frame)]
    assert wrong.empty, (
        f"{name}.csv flags figures as known by the cutoff that were not (or not provably) "
        "public by then:\n" + wrong.drop(columns=["source_url", "note"]).to_string()
    )


def _with_a_late_row(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` plus a copy of its first row that describes 2015 but was published in 2016."""
    late = table.iloc[[0]].copy()
    late["as_of"] = pd.Timestamp("2015-12-01")
    late["published"] = pd.Timestamp("2016-01-15")
    late["after_cutoff"] = False  # a wrong flag: only the publication date can catch the row
    return pd.concat([table, late], ignore_index=True)


def test_module_04_filter_keeps_only_what_was_public_by_the_cutoff() -> None:
    """``through_cutoff`` (module 04's filter) uses the date of knowledge, not the period."""
    from postparis.dialogue.model import through_cutoff

    table = read_dataset("new_start")
    kept = through_cutoff(table)
    assert kept["published"].notna().all()
    assert (kept["published"] <= INFORMATION_CUTOFF).all()
    assert len(kept) == (~_not_public_by_cutoff(table)).sum()
    planted = through_cutoff(_with_a_late_row(table))
    assert pd.Timestamp("2015-12-01") not in set(planted["as_of"]), (
        "through_cutoff kept a figure about 2015 that was published in 2016"
    )


def _number_texts(value: int) -> re.Pattern[str]:
    """A count as prose writes it: 1796 or 1,796."""
    plain = str(value)
    comma = f"{value:,}"
    return re.compile(rf"(?<![\d.,])(?:{re.escape(comma)}|{plain})(?![\d])")


def test_module_prose_quotes_no_new_start_number_published_after_the_cutoff() -> None:
    table = read_dataset("new_start")
    late = _not_public_by_cutoff(table)
    known_values = set(table.loc[~late, "value"]) | set(table["limit"])
    late_values = sorted(set(table.loc[late, "value"]) - known_values)
    keyword = re.compile(r"warhead|launcher|bomber|ICBM|SLBM|New START", re.IGNORECASE)
    findings = []
    for path in [*_earlier_notebooks(), GLOSSARY]:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            for line in cell.source.splitlines():
                stripped = URL.sub(" ", line)
                if not keyword.search(stripped):
                    continue
                hits = [v for v in late_values if _number_texts(v).search(stripped)]
                if hits:
                    findings.append(
                        f"{path.relative_to(ROOT)}, cell {i}: quotes {hits}, New START numbers "
                        f"public only after the cutoff: {line.strip()[:120]!r}"
                    )
    assert not findings, "\n".join(findings)


#: How modules name a topic of source_disagreements.csv in their code or prose.
TOPIC_USE = re.compile(
    r"accounts_of\(\s*\w+\s*,\s*\\?\"([^\"\\]+)\\?\"|\[\s*\"topic\"\s*\]\s*==\s*\"([^\"]+)\""
)


def test_competing_values_shown_before_module_05_were_public_by_the_cutoff() -> None:
    """Every topic of source_disagreements.csv that modules 00-04 show holds only values
    public by 31 December 2015; a topic with later values would need ``known_by`` first."""
    table = read_dataset("source_disagreements")
    topics = {t.lower(): t for t in table["topic"]}
    shown: dict[str, str] = {}
    for path in _earlier_notebooks():
        for where, text in _notebook_texts(path):
            for match in TOPIC_USE.finditer(text):
                name = (match.group(1) or match.group(2)).lower()
                assert name in topics, f"{where}: no topic {name!r} in source_disagreements.csv"
                shown[topics[name]] = where
    assert len(shown) >= 3, shown
    findings = []
    for topic, where in sorted(shown.items()):
        rows = table[table["topic"] == topic]
        late = rows[rows["published"].isna() | (rows["published"] > INFORMATION_CUTOFF)]
        findings.extend(
            f"{where}: topic {topic!r} shows {row.value_text!r} ({row.source_name}), "
            "not public by the cutoff"
            for row in late.itertuples()
        )
    assert not findings, "\n".join(findings)
