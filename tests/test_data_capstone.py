"""The capstone's data (module 06): criteria, options, the score grid, role cards and their evidence.

The files are read here with pandas directly, not through the capstone's loaders, so that a
damaged file is caught even if a loader would paper over it. Each check is a function that
returns the problems it finds, in words a contributor can act on; every check is also run on a
damaged copy of the data, to prove that it fails when it should.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import article_text, needs_article
from quotation_budget import MIN_RUN, runs, words

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SOURCE = ROOT / "assignments" / "source"
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))

#: The day of the National Security Council meeting: nothing on a card may be known later.
MEETING = pd.Timestamp("2015-11-18")
CRITERIA = [
    "effect_on_isis",
    "leverage_over_russia",
    "escalation_risk",
    "alliance_cohesion",
    "cost",
]
ROLES = {
    "president": 1,
    "secretary_of_state": 1,
    "secretary_of_defense": 1,
    "treasury": 1,
    "cia_director": 1,
    "un_ambassador": 1,
    "french_liaison": 1,
    "russian_security_council": 2,
}
#: The modules whose evidence a card may cite (05 is hindsight; 06 is the capstone itself).
MODULES = ["01-the-argument", "02-sanctions", "03-proxy-war", "04-dialogue"]
FILES = ["criteria", "options", "scores", "roles", "evidence"]
#: A quotation is a sentence or less: at most this many words (the rule for the article's
#: key quotes in data/README.md, applied to every source).
MAX_QUOTE_WORDS = 25
TEXT_COLUMNS = [
    "question",
    "summary",
    "coalition",
    "sanctions",
    "arming",
    "channels",
    "rationale",
    "interests",
    "red_lines",
    "point",
]

Tables = dict[str, pd.DataFrame]


def read_tables(folder: Path = DATA) -> Tables:
    """The five capstone files as text tables, keyed by their short name ('scores' ...)."""
    return {
        name: pd.read_csv(
            folder / f"capstone_{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8"
        )
        for name in FILES
    }


def package_fields(name: str) -> list[str]:
    resource = next(r for r in PACKAGE["resources"] if r["name"] == f"capstone_{name}")
    return [field["name"] for field in resource["schema"]["fields"]]


def package_csvs() -> set[str]:
    return {resource["path"] for resource in PACKAGE["resources"]}


# -- the checks ---------------------------------------------------------------------------


def check_columns(t: Tables) -> list[str]:
    return [
        f"capstone_{name}.csv has columns {list(t[name].columns)}; datapackage.json describes "
        f"{package_fields(name)}"
        for name in FILES
        if list(t[name].columns) != package_fields(name)
    ]


def check_no_empty_cells(t: Tables) -> list[str]:
    optional = {"evidence": {"module", "data_file"}}
    problems = []
    for name, frame in t.items():
        for column in frame.columns:
            if column in optional.get(name, set()):
                continue
            for row in frame.index[frame[column].str.strip() == ""]:
                problems.append(f"capstone_{name}.csv row {row + 1}: {column} is empty")
    return problems


def check_criteria(t: Tables) -> list[str]:
    found = list(t["criteria"]["criterion"])
    return [] if found == CRITERIA else [f"criteria are {found}; the schema fixes {CRITERIA}"]


def check_options(t: Tables) -> list[str]:
    ids = t["options"]["option"]
    problems = []
    if not 4 <= len(ids) <= 6:
        problems.append(f"{len(ids)} options; the meeting weighs 4 to 6 courses of action")
    if ids.duplicated().any():
        problems.append(f"option ids repeated: {sorted(set(ids[ids.duplicated()]))}")
    problems += [
        f"option id {i!r} is not snake_case" for i in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", i)
    ]
    return problems


def check_score_grid(t: Tables) -> list[str]:
    scores = t["scores"]
    problems = []
    bad = ~scores["score"].isin(["1", "2", "3", "4", "5"])
    problems += [
        f"scores row {r + 1}: score {scores['score'][r]!r} is not a whole number from 1 to 5"
        for r in scores.index[bad]
    ]
    unknown = set(scores["option"]) - set(t["options"]["option"])
    problems += [
        f"scores name an option not in capstone_options.csv: {o!r}" for o in sorted(unknown)
    ]
    unknown = set(scores["criterion"]) - set(t["criteria"]["criterion"])
    problems += [
        f"scores name a criterion not in capstone_criteria.csv: {c!r}" for c in sorted(unknown)
    ]
    counts = scores.groupby(["option", "criterion"]).size()
    for option in t["options"]["option"]:
        for criterion in t["criteria"]["criterion"]:
            n = int(counts.get((option, criterion), 0))
            if n != 1:
                problems.append(
                    f"the grid has {n} scores for ({option}, {criterion}); it needs exactly 1"
                )
    return problems


def check_roles_and_weights(t: Tables) -> list[str]:
    roles = t["roles"]
    problems = []
    if sorted(roles["role"]) != sorted(ROLES):
        problems.append(f"roles are {sorted(roles['role'])}; the schema fixes {sorted(ROLES)}")
    for _, row in roles.iterrows():
        expected = ROLES.get(row["role"])
        if expected is not None and row["round"] != str(expected):
            problems.append(
                f"{row['role']} is in round {row['round']}; it belongs in round {expected}"
            )
        weights = []
        for criterion in t["criteria"]["criterion"]:
            text = row.get(f"weight_{criterion}", "")
            if not re.fullmatch(r"(0(\.\d{1,2})?|1(\.0{1,2})?)", str(text)):
                problems.append(
                    f"{row['role']}: weight for {criterion!r} is {text!r}; each weight is a "
                    "number from 0 to 1 with at most two decimals"
                )
                continue
            weights.append(float(text))
        if len(weights) == len(t["criteria"]) and abs(sum(weights) - 1) > 1e-9:
            problems.append(f"{row['role']}: weights sum to {sum(weights):g}, not 1")
    return problems


def check_evidence(t: Tables) -> list[str]:
    evidence = t["evidence"]
    problems = []
    for r, row in evidence.iterrows():
        where = f"evidence row {r + 1} ({row['role']})"
        if row["role"] not in set(t["roles"]["role"]):
            problems.append(f"{where}: role not in capstone_roles.csv")
        if not re.fullmatch(r"https?://\S+", row["url"]):
            problems.append(f"{where}: url {row['url']!r} is not an http(s) address")
        if not row["source"].strip():
            problems.append(f"{where}: no source")
        known = pd.to_datetime(row["known_on"], format="%Y-%m-%d", errors="coerce")
        if pd.isna(known):
            problems.append(f"{where}: known_on {row['known_on']!r} is not a YYYY-MM-DD date")
        elif known > MEETING:
            problems.append(
                f"{where}: known_on {row['known_on']} is after the meeting of 2015-11-18"
            )
        if row["module"] and row["module"] not in MODULES:
            problems.append(f"{where}: module {row['module']!r} is not one of {MODULES}")
        elif row["module"] and not (SOURCE / row["module"] / f"{row['module']}.ipynb").is_file():
            problems.append(f"{where}: module {row['module']!r} has no source notebook")
        if row["data_file"] and (
            row["data_file"] not in package_csvs() or row["data_file"].startswith("capstone_")
        ):
            problems.append(f"{where}: data_file {row['data_file']!r} is not a course data file")
    counts = evidence["role"].value_counts()
    for role in t["roles"]["role"]:
        n = int(counts.get(role, 0))
        if not 3 <= n <= 6:
            problems.append(f"the {role} card has {n} pieces of evidence; a card has 3 to 6")
    if evidence.duplicated(["role", "url", "point"]).any():
        problems.append("evidence rows repeated")
    return problems


def period_end(text: str) -> pd.Timestamp:
    """The last day of a YYYY, YYYY-MM or YYYY-MM-DD period (the conservative day of knowledge)."""
    freq = {4: "Y", 7: "M", 10: "D"}[len(text)]
    return pd.Period(text, freq=freq).end_time.normalize()


def check_data_file_rows(t: Tables) -> list[str]:
    """A piece said to come from a data file is a row of that file, public by the meeting."""
    problems = []
    for r, row in t["evidence"].iterrows():
        name = row["data_file"]
        if not name or name not in package_csvs() or name.startswith("capstone_"):
            continue
        rows = pd.read_csv(DATA / name, dtype=str, keep_default_na=False)
        rows = rows[rows["source_url"] == row["url"]]
        where = f"evidence row {r + 1} ({row['role']})"
        if rows.empty:
            problems.append(f"{where}: {name} has no row with the source {row['url']}")
        elif "published" in rows.columns and min(map(period_end, rows["published"])) > MEETING:
            problems.append(
                f"{where}: the rows of {name} it comes from were published after the meeting"
            )
    return problems


def check_score_evidence(t: Tables) -> list[str]:
    """Every score names where its reasoning comes from, and only modules 01-04."""
    problems = []
    for r, row in t["scores"].iterrows():
        where = f"scores row {r + 1} ({row['option']}, {row['criterion']})"
        modules = re.findall(r"\b0\d-[a-z-]+", row["evidence"])
        files = re.findall(r"\b[a-z0-9_]+\.csv\b", row["evidence"])
        if not modules and not files and "¶" not in row["evidence"]:
            problems.append(f"{where}: evidence names no module, data file or article paragraph")
        problems += [
            f"{where}: cites module {m!r}, outside 01-04" for m in modules if m not in MODULES
        ]
        problems += [
            f"{where}: cites {f!r}, not a course data file"
            for f in files
            if f not in package_csvs() or f.startswith("capstone_")
        ]
    return problems


def quotations(text: str) -> list[str]:
    return re.findall(r"\"([^\"]+)\"", text)


def check_quotation_length(t: Tables) -> list[str]:
    problems = []
    for name, frame in t.items():
        for column in (c for c in TEXT_COLUMNS if c in frame.columns):
            for r, text in frame[column].items():
                for quote in quotations(text):
                    if len(quote.split()) > MAX_QUOTE_WORDS:
                        problems.append(
                            f"capstone_{name}.csv row {r + 1}, {column}: a quotation of "
                            f"{len(quote.split())} words (at most {MAX_QUOTE_WORDS})"
                        )
    return problems


def check_no_dominated_option(t: Tables) -> list[str]:
    """A course of action that is never better on any criterion teaches no trade-off."""
    grid = t["scores"].assign(score=pd.to_numeric(t["scores"]["score"], errors="coerce"))
    table = grid.pivot_table(index="option", columns="criterion", values="score")
    problems = []
    for a in table.index:
        for b in table.index:
            if a != b and (table.loc[b] >= table.loc[a]).all():
                problems.append(f"option {a!r} is never better than {b!r} on any criterion")
    return problems


CHECKS: list[Callable[[Tables], list[str]]] = [
    check_columns,
    check_no_empty_cells,
    check_criteria,
    check_options,
    check_score_grid,
    check_roles_and_weights,
    check_evidence,
    check_data_file_rows,
    check_score_evidence,
    check_quotation_length,
    check_no_dominated_option,
]


# -- the data as shipped ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables() -> Tables:
    return read_tables()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_capstone_data(tables: Tables, check: Callable[[Tables], list[str]]) -> None:
    problems = check(tables)
    assert not problems, "\n".join(problems)


def test_every_capstone_file_is_a_resource_with_licence_and_sources() -> None:
    for name in FILES:
        resource = next(r for r in PACKAGE["resources"] if r["name"] == f"capstone_{name}")
        assert resource["path"] == f"capstone_{name}.csv"
        assert resource["licenses"][0]["name"] == "CC-BY-4.0"
        assert resource["sources"], name


def test_the_readme_describes_the_capstone_files() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for name in FILES:
        assert f"### `capstone_{name}.csv`" in readme


@needs_article
def test_no_capstone_file_repeats_the_article(tables: Tables) -> None:
    article = words(article_text())
    for name in FILES:
        text = (DATA / f"capstone_{name}.csv").read_text(encoding="utf-8")
        found = runs(article, words(text))
        assert not found, (
            f"capstone_{name}.csv repeats {len(found)} run(s) of {MIN_RUN} or more of the "
            "article's words; paraphrase them (data/README.md, 'How quotations are chosen')"
        )


# -- the checks fail on damaged data ----------------------------------------------------------


def damaged(tables: Tables, name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Tables:
    copy = {key: frame.copy() for key, frame in tables.items()}
    copy[name] = change(copy[name]).reset_index(drop=True)
    return copy


def set_cell(frame: pd.DataFrame, row: int, column: str, value: str) -> pd.DataFrame:
    frame.loc[row, column] = value
    return frame


DAMAGE = {
    "score of 6": (
        check_score_grid,
        "scores",
        lambda f: set_cell(f, 0, "score", "6"),
        "not a whole number",
    ),
    "score of 2.5": (
        check_score_grid,
        "scores",
        lambda f: set_cell(f, 0, "score", "2.5"),
        "not a whole number",
    ),
    "missing cell of the grid": (
        check_score_grid,
        "scores",
        lambda f: f.drop(index=3),
        "needs exactly 1",
    ),
    "misspelt criterion": (
        check_score_grid,
        "scores",
        lambda f: set_cell(f, 0, "criterion", "escalaton_risk"),
        "not in capstone_criteria",
    ),
    "unknown option": (
        check_score_grid,
        "scores",
        lambda f: set_cell(f, 0, "option", "invade"),
        "not in capstone_options",
    ),
    "weight of 1.3": (
        check_roles_and_weights,
        "roles",
        lambda f: set_cell(f, 0, "weight_cost", "1.3"),
        "from 0 to 1",
    ),
    "weights summing to 0.9": (
        check_roles_and_weights,
        "roles",
        lambda f: set_cell(f, 0, "weight_cost", "0"),
        "sum to",
    ),
    "three decimals": (
        check_roles_and_weights,
        "roles",
        lambda f: set_cell(f, 0, "weight_cost", "0.105"),
        "two decimals",
    ),
    "Russian card in round 1": (
        check_roles_and_weights,
        "roles",
        lambda f: set_cell(f, 7, "round", "1"),
        "round 2",
    ),
    "card after the meeting": (
        check_evidence,
        "evidence",
        lambda f: set_cell(f, 0, "known_on", "2015-11-24"),
        "after the meeting",
    ),
    "date not ISO": (
        check_evidence,
        "evidence",
        lambda f: set_cell(f, 0, "known_on", "November 2015"),
        "YYYY-MM-DD",
    ),
    "no web address": (
        check_evidence,
        "evidence",
        lambda f: set_cell(f, 0, "url", "state.gov"),
        "http(s)",
    ),
    "no source": (check_evidence, "evidence", lambda f: set_cell(f, 0, "source", " "), "no source"),
    "hindsight module": (
        check_evidence,
        "evidence",
        lambda f: set_cell(f, 0, "module", "05-what-happened-next"),
        "not one of",
    ),
    "unknown data file": (
        check_evidence,
        "evidence",
        lambda f: set_cell(f, 0, "data_file", "rumours.csv"),
        "not a course data file",
    ),
    "card with two pieces": (
        check_evidence,
        "evidence",
        lambda f: f[f["role"] != "president"].pipe(
            lambda g: pd.concat([g, f[f["role"] == "president"].head(2)])
        ),
        "has 2 pieces",
    ),
    "card with seven pieces": (
        check_evidence,
        "evidence",
        lambda f: pd.concat([f, f[f["role"] == "treasury"].head(1).assign(point="another")]),
        "has 7 pieces",
    ),
    "role without a card": (
        check_evidence,
        "evidence",
        lambda f: set_cell(f, 0, "role", "vice_president"),
        "not in capstone_roles",
    ),
    "data file without the row": (
        check_data_file_rows,
        "evidence",
        lambda f: set_cell(f, 2, "data_file", "voices.csv"),
        "has no row with the source",
    ),
    "data-file row from December": (
        check_data_file_rows,
        "evidence",
        lambda f: set_cell(
            set_cell(f, 2, "data_file", "syria_2015.csv"),
            2,
            "url",
            "https://business-standard.com/amp/article/pti-stories/"
            "only-30-per-cent-of-russia-strikes-target-is-in-syria-us-115120900869_1.html",
        ),
        "published after the meeting",
    ),
    "score citing module 05": (
        check_score_evidence,
        "scores",
        lambda f: set_cell(f, 0, "evidence", "05-what-happened-next"),
        "outside 01-04",
    ),
    "score citing nothing": (
        check_score_evidence,
        "scores",
        lambda f: set_cell(f, 0, "evidence", "our hunch"),
        "names no module",
    ),
    "long quotation": (
        check_quotation_length,
        "evidence",
        lambda f: set_cell(f, 0, "point", 'He said "' + "word " * 30 + '".'),
        "a quotation of 30 words",
    ),
    "dominated option": (
        check_no_dominated_option,
        "scores",
        lambda f: f.assign(score=f["score"].where(f["option"] != "pressure_and_arm", "1")),
        "never better",
    ),
    "empty rationale": (
        check_no_empty_cells,
        "scores",
        lambda f: set_cell(f, 0, "rationale", ""),
        "rationale is empty",
    ),
    "extra column": (check_columns, "options", lambda f: f.assign(cost_usd="0"), "describes"),
}


@pytest.mark.parametrize("case", DAMAGE, ids=list(DAMAGE))
def test_each_check_fails_on_a_damaged_copy(tables: Tables, case: str) -> None:
    check, name, change, message = DAMAGE[case]
    shipped = check(tables)
    assert not shipped, f"{check.__name__} fails on the shipped data:\n" + "\n".join(shipped)
    problems = check(damaged(tables, name, change))
    assert any(message in p for p in problems), f"{case}: {problems}"


# -- the instructor's meeting script agrees with the data and the notebook ---------------------

GUIDE = ROOT / "docs" / "instructor-guide.md"
MODULE_06 = SOURCE / "06-nsc-meeting" / "06-nsc-meeting.ipynb"
#: How the guide names each seat.
GUIDE_NAMES = {
    "president": "the President",
    "secretary_of_state": "the Secretary of State",
    "secretary_of_defense": "the Secretary of Defense",
    "treasury": "the Secretary of the Treasury",
    "cia_director": "the Director of the CIA",
    "un_ambassador": "the US Ambassador to",
    "french_liaison": "the French liaison",
    "russian_security_council": "Russian Security Council briefing",
}


def meeting_script() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("## Module 06: running the National Security Council meeting")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def table_first_cells(section: str, heading: str) -> list[str]:
    """The first cell of each body row of the first table after ``heading``."""
    lines = section[section.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line.split("|")[1].strip())
    return rows


def spans(cells: list[str]) -> list[tuple[int, int]]:
    return [(int(a), int(b or a)) for a, _, b in (cell.partition("-") for cell in cells)]


def test_the_meeting_takes_fifty_minutes_without_gaps() -> None:
    minutes = spans(table_first_cells(meeting_script(), "### The 50 minutes"))
    assert minutes[0][0] == 0, minutes
    assert minutes[-1][1] == 50, minutes
    assert all(a[1] == b[0] for a, b in itertools.pairwise(minutes)), minutes


def test_every_class_size_from_6_to_40_has_a_seating() -> None:
    sizes = spans(table_first_cells(meeting_script(), "### Before class: the roles"))
    covered = [n for low, high in sizes for n in range(low, high + 1)]
    assert covered == list(range(6, 41)), sizes


def test_the_script_names_every_card(tables: Tables) -> None:
    assert set(GUIDE_NAMES) == set(tables["roles"]["role"])
    script = " ".join(meeting_script().split())
    missing = [name for name in GUIDE_NAMES.values() if name not in script]
    assert not missing, f"the meeting script never names {missing}"


def test_the_memos_the_script_grades_are_the_notebooks_task_cells() -> None:
    cells = json.loads(MODULE_06.read_text(encoding="utf-8"))["cells"]
    tasks = {
        meta["grade_id"]: meta["points"]
        for cell in cells
        if (meta := cell.get("metadata", {}).get("nbgrader", {})).get("task")
    }
    script = meeting_script()
    graded = re.findall(r"\(`([a-z_]+)`\) \| (\d+) \|", script)
    assert graded, "the script's grading table lists no grade id"
    assert {grade_id: int(points) for grade_id, points in graded} == tasks
