"""Tests of the data package as a whole: validity, provenance, dates, documentation."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from frictionless import Package, validate

import postparis.data as data_module
from postparis.data import INFORMATION_CUTOFF, PUBLICATION_CUTOFF, read_dataset

DATA = Path(__file__).resolve().parents[1] / "data"
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = [r["name"] for r in PACKAGE["resources"]]
JUNK = ("freenews-en.tk", "46.235.172.94", "porn", "xxx")
#: Hosts below the course's rule for sources (primary or reputable: statistics offices, central
#: banks, official texts, wire services, major newspapers). Each was once cited here and replaced
#: or dropped; a row citing one of them, or a subdomain of one, in any column fails the package.
WEAK_HOSTS = (
    "wikipedia.org",  # a tertiary source: cite what it cites
    "blogspot.com",  # personal blogs and reposts
    "wordpress.com",
    "docslib.org",  # document scrapers
    "domain-b.com",
    "russiabusinesstoday.com",
    "tl-group.ru",  # a logistics firm's news page
    "shafaq.com",
    "david-cook.org",
    "globebanner.com",
    "alliansfriheten.se",
    "urdupoint.com",
    "valdaiclub.com",
    "sldinfo.com",
    "5times4.com",
    "easyreader.org",
    "breitbart.com",
    "ronpaulinstitute.org",
    "able2know.org",  # a forum
    "kolanews.ru",
    "24tv.ua",
    "mapsofworld.com",
    "chinagate.cn",  # a reprint portal of Chinese state media
    "sharecast.com",
    "metro.us",  # a free sheet rewriting the Daily Mail
    "mypaper.sg",
    "capital.ro",
    "financialtribune.com",
    "mbl.is",
    "noticiabrasil.net.br",  # Sputnik's Portuguese edition under another name
    "vestnikkavkaza.net",
)
URL_HOST = re.compile(r"https?://([^/\s\"',;)]+)", re.IGNORECASE)
# the only datasets allowed to hold rows after the information cutoff
AFTER_CUTOFF_ALLOWED = {"what_happened_next"}
LOADERS = {
    "article_paragraphs": "load_article_paragraphs",
    "actors": "load_actors",
    "claims": "load_claims",
    "sanctions_2014_2015": "load_sanctions_timeline",
    "russia_economy": "load_russia_economy",
    "syria_2015": "load_syria_2015",
    "afghanistan_stinger": "load_afghanistan",
    "new_start": "load_new_start",
    "new_start_events": "load_new_start_events",
    "nuclear_stockpiles": "load_stockpiles",
    "what_happened_next": "load_what_happened_next",
    "forecast_questions": "load_forecast_questions",
    "source_disagreements": "load_source_disagreements",
    "voices": "load_voices",
    # module 06 reads its own tables: "module:function" names a loader outside postparis.data
    "capstone_criteria": "postparis.capstone.model:load_criteria",
    "capstone_options": "postparis.capstone.model:load_options",
    "capstone_scores": "postparis.capstone.model:load_score_notes",
    "capstone_roles": "postparis.capstone.model:load_roles",
    "capstone_evidence": "postparis.capstone.model:load_evidence",
}
# Tables the course authors wrote (module 06's role-play) carry no per-row source columns; their
# evidence is cited row by row in capstone_evidence.csv, checked by tests/test_data_capstone.py.
AUTHORED = {
    "capstone_criteria",
    "capstone_options",
    "capstone_scores",
    "capstone_roles",
    "capstone_evidence",
}
SOURCED = [name for name in RESOURCES if name not in AUTHORED]


def loader_for(name: str):
    """The loader function registered for a resource (in postparis.data unless named)."""
    module, _, function = LOADERS[name].rpartition(":")
    return getattr(importlib.import_module(module) if module else data_module, function)


def test_package_validates_with_frictionless():
    report = validate(str(DATA / "datapackage.json"))
    errors = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors]
    assert report.valid, "\n".join(errors[:20])


def test_package_has_licence_sources_and_one_resource_per_csv():
    package = Package(str(DATA / "datapackage.json"))
    assert package.licenses[0]["name"] == "CC-BY-4.0"
    assert any("eurasianet.org/node/76136" in s.get("path", "") for s in package.sources)
    csvs = sorted(p.name for p in DATA.glob("*.csv"))
    assert csvs == sorted(r["path"] for r in PACKAGE["resources"])


def test_every_resource_has_a_loader():
    assert set(LOADERS) == set(RESOURCES)


def test_only_the_authored_tables_lack_row_sources():
    for resource in PACKAGE["resources"]:
        fields = {f["name"] for f in resource["schema"]["fields"]}
        has_sources = {"source_url", "source_publisher", "confidence"} <= fields
        assert has_sources != (resource["name"] in AUTHORED), resource["name"]


@pytest.mark.parametrize("name", SOURCED)
def test_every_row_is_sourced(name):
    frame = read_dataset(name)
    assert len(frame) > 0
    for column in ("source_url", "source_publisher", "confidence"):
        assert (frame[column] != "").all(), f"{name}: empty {column}"
    assert frame["source_url"].str.match(r"^https?://\S+$").all()
    assert set(frame["confidence"]) <= {"high", "medium", "low"}
    for junk in JUNK:
        assert not frame["source_url"].str.contains(junk, regex=False).any(), (name, junk)


def weak_hosts_in(text: str) -> list[str]:
    """The host of every web address in ``text`` that is on the deny-list (or a subdomain of one)."""
    found = []
    for host in URL_HOST.findall(text):
        host = host.lower().split(":")[0].rstrip(".")
        if any(host == weak or host.endswith("." + weak) for weak in WEAK_HOSTS):
            found.append(host)
    return found


def weak_hosts_cited(frame: pd.DataFrame) -> list[tuple[int, str, str]]:
    """(row, column, host) for every web address in any text column whose host is on the deny-list."""
    found = []
    for column in frame.columns:
        if not pd.api.types.is_string_dtype(frame[column]):
            continue
        for row, text in frame[column].dropna().items():
            found += [(row, column, host) for host in weak_hosts_in(str(text))]
    return found


def weak_hosts_in_notebook(path: Path) -> list[tuple[int, str]]:
    """(cell number, host) for every deny-listed web address in a notebook's cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        (number, host)
        for number, cell in enumerate(cells)
        for host in weak_hosts_in("".join(cell["source"]))
    ]


#: What a learner reads besides the tables: every module's source notebook, the glossary
#: and the course package's own text (analogy tables, captions), all of which carry links.
ROOT = DATA.parent
READ_BY_LEARNERS = sorted(
    [*ROOT.glob("assignments/source/*/*.ipynb"), ROOT / "notebooks" / "glossary.ipynb"]
)
PACKAGE_TEXT = sorted((ROOT / "src" / "postparis").rglob("*.py"))


@pytest.mark.parametrize("name", RESOURCES)
def test_no_row_cites_a_host_below_the_rule(name):
    cited = weak_hosts_cited(read_dataset(name))
    assert not cited, f"{name} cites hosts below the rule (row, column, host): {cited}"


@pytest.mark.parametrize(
    ("url", "caught"),
    [
        ("https://en.wikipedia.org/wiki/New_START", True),
        ("http://michelekearneynuclearwire.blogspot.com/2016/05/x.html", True),
        ("https://www.shafaq.com/en/World/x", True),
        ("see https://docslib.org/doc/1 and the Bulletin", True),
        ("https://www.reuters.com/article/x", False),
        ("https://notwikipedia.org.example/x", False),
        ("http://en.chinagate.cn/2015-09/30/content_36723863.htm", True),
        ("https://noticiabrasil.net.br/20151113/x.html", True),
        ("https://www.metro.us/russia-begins-airstrikes-in-syria/", True),
        ("https://www.theguardian.com/world/2015/sep/30/x", False),
        ("https://www.metro.usnews.example/x", False),
    ],
)
def test_the_weak_host_check_catches_a_planted_row(url, caught):
    frame = read_dataset("new_start_events").head(2).copy()
    frame.loc[frame.index[1], "source_url"] = url
    assert bool(weak_hosts_cited(frame)) is caught


def test_the_learners_reading_list_is_found():
    names = {path.name for path in READ_BY_LEARNERS}
    assert {"01-the-argument.ipynb", "03-proxy-war.ipynb", "glossary.ipynb"} <= names, names
    assert all(path.exists() for path in READ_BY_LEARNERS)


@pytest.mark.parametrize("path", READ_BY_LEARNERS, ids=lambda path: path.name)
def test_no_notebook_cites_a_host_below_the_rule(path):
    cited = weak_hosts_in_notebook(path)
    assert not cited, f"{path.name} cites hosts below the rule (cell, host): {cited}"


def test_the_course_package_cites_no_host_below_the_rule():
    cited = {
        str(path.relative_to(ROOT)): hosts
        for path in PACKAGE_TEXT
        if (hosts := weak_hosts_in(path.read_text(encoding="utf-8")))
    }
    assert not cited, f"the package's text cites hosts below the rule: {cited}"


def test_the_notebook_check_catches_a_planted_link(tmp_path):
    module = json.loads(READ_BY_LEARNERS[0].read_text(encoding="utf-8"))
    module["cells"].append(
        {
            "cell_type": "markdown",
            "id": "planted",
            "metadata": {},
            "source": [
                "Putin at the BRICS meeting ([Vestnik Kavkaza]",
                "(https://vestnikkavkaza.net/news/Putin-and-Obama.html))",
            ],
        }
    )
    planted = tmp_path / "planted.ipynb"
    planted.write_text(json.dumps(module), encoding="utf-8")
    assert weak_hosts_in_notebook(planted) == [(len(module["cells"]) - 1, "vestnikkavkaza.net")]
    assert weak_hosts_in_notebook(READ_BY_LEARNERS[0]) == []


@pytest.mark.parametrize("name", RESOURCES)
def test_numbers_say_what_kind_of_number_they_are(name):
    frame = read_dataset(name)
    numeric = [c for c in ("value", "value_low") if c in frame.columns]
    if not numeric or "value_kind" not in frame.columns:
        return
    has_number = frame[numeric].notna().any(axis=1)
    assert (frame.loc[has_number, "value_kind"] != "").all(), name


def _date_column(frame: pd.DataFrame) -> str | None:
    for column in ("date", "as_of"):
        if column in frame.columns:
            return column
    return None


@pytest.mark.parametrize("name", RESOURCES)
def test_dates_are_plausible_and_after_cutoff_rows_are_flagged(name):
    frame = read_dataset(name)
    column = _date_column(frame)
    if column is None:
        return
    dates = frame[column]
    assert dates.notna().all(), name
    assert dates.between(pd.Timestamp("1945-01-01"), pd.Timestamp("2026-12-31")).all()
    late = dates > INFORMATION_CUTOFF
    if "published" in frame.columns and "after_cutoff" in frame.columns:
        # the flag follows the date of knowledge; an undated row counts as not public
        late |= frame["published"].isna() | (frame["published"] > INFORMATION_CUTOFF)
    if "after_cutoff" in frame.columns:
        wrong = frame.loc[frame["after_cutoff"] != late]
        assert wrong.empty, f"{name}: after_cutoff wrong on rows {list(wrong.index)}"
    elif name not in AFTER_CUTOFF_ALLOWED:
        assert not late.any(), f"{name} holds rows dated after 2015-12-31"


@pytest.mark.parametrize("name", RESOURCES)
def test_rows_after_publication_are_flagged(name):
    frame = read_dataset(name)
    if "after_publication" not in frame.columns:
        return
    known = frame["published"] if "published" in frame.columns else frame["date"]
    expected = known > PUBLICATION_CUTOFF
    wrong = frame.loc[frame["after_publication"] != expected]
    assert wrong.empty, f"{name}: after_publication wrong on rows {list(wrong.index)}"


@pytest.mark.parametrize("name", RESOURCES)
def test_dates_of_knowledge_come_after_what_they_describe(name):
    """A figure is published on or after the day it describes, never before."""
    frame = read_dataset(name)
    if "published" not in frame.columns or "date" not in frame.columns:
        return
    assert frame["published"].notna().all(), name
    early = frame.loc[frame["published"] < frame["date"]]
    assert early.empty, f"{name}: published before the date described on rows {list(early.index)}"
    averaged = frame["published_basis"] == "after the period"
    assert (frame.loc[averaged, "date_precision"] != "day").all(), name


#: Datasets whose date of knowledge is sourced row by row: (table, column of the period described).
SOURCED_PUBLICATION = {"new_start": "as_of", "nuclear_stockpiles": "year"}


@pytest.mark.parametrize("name", sorted(SOURCED_PUBLICATION))
def test_every_publication_date_is_sourced_or_declared_missing(name):
    """Each row says when it became public and how we know, or says that nobody found out."""
    frame = read_dataset(name)
    missing = frame["published_basis"] == "not found"
    assert (frame["published"].isna() == missing).all(), f"{name}: published vs not found"
    assert (frame.loc[missing, "published_source"] == "").all(), name
    dated = frame.loc[~missing, "published_source"]
    assert dated.str.match(r"^https?://\S+$").all(), f"{name}: a publication date without a page"
    assert (frame["note"].str.len() > 20).all(), f"{name}: every row explains its publication date"
    assert frame.loc[missing, "note"].str.contains("not found").all(), name
    described = frame[SOURCED_PUBLICATION[name]]
    if name == "nuclear_stockpiles":
        described = pd.to_datetime(described.astype(str), format="%Y")
    early = frame.loc[~missing & (frame["published"] < described)]
    assert early.empty, (
        f"{name}: published before the date it describes on rows {list(early.index)}"
    )


def test_competing_values_say_when_they_became_public():
    frame = read_dataset("source_disagreements")
    missing = frame["published_basis"] == "not found"
    assert (frame["published"].isna() == missing).all()
    assert frame.loc[missing, "note"].str.contains("not found").all()
    # the post-cutoff values are there, and dated after it: the 2015 Brent averages, 2014's revision
    late = frame[frame["published"] > INFORMATION_CUTOFF]
    assert {"52.32", "52.39", "153"} <= set(late["value_text"])


def test_only_what_happened_next_goes_beyond_the_cutoff_unflagged():
    stockpiles = read_dataset("nuclear_stockpiles")
    not_public = stockpiles["published"].isna() | (stockpiles["published"] > INFORMATION_CUTOFF)
    assert (stockpiles["after_cutoff"] == not_public).all()
    assert stockpiles.loc[stockpiles["year"] > 2015, "after_cutoff"].all()
    events = read_dataset("what_happened_next")
    assert events["after_cutoff"].any()
    assert (events["date"] >= pd.Timestamp("2015-10-01")).all()


def test_article_paragraph_references_are_1_to_24():
    for name in RESOURCES:
        frame = read_dataset(name)
        for column in ("paragraph", "first_paragraph", "article_para"):
            if column in frame.columns:
                present = frame[column].dropna()
                assert present.between(1, 24).all(), (name, column)


@pytest.mark.parametrize("name", RESOURCES)
def test_loader_returns_the_package_columns_with_documented_types(name):
    loader = loader_for(name)
    frame = loader()
    fields = next(r for r in PACKAGE["resources"] if r["name"] == name)["schema"]["fields"]
    assert list(frame.columns) == [f["name"] for f in fields]
    doc = loader.__doc__ or ""
    for field in fields:
        assert f"``{field['name']}``" in doc, f"{LOADERS[name]} does not document {field['name']}"
        series = frame[field["name"]]
        if field["name"] in {"date", "as_of", "opened", "resolution_date", "published", "known_on"}:
            assert pd.api.types.is_datetime64_any_dtype(series)
        elif field["type"] == "integer":
            assert pd.api.types.is_integer_dtype(series)
        elif field["type"] == "number":
            assert pd.api.types.is_float_dtype(series)
        elif field["type"] == "boolean":
            assert pd.api.types.is_bool_dtype(series)
        else:
            assert pd.api.types.is_string_dtype(series)


def _readme_tables() -> dict[str, list[str]]:
    """Map each file name in data/README.md to the column names listed in its table."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in (DATA / "README.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `([a-z0-9_]+\.csv)`", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
            continue
        if line.startswith("## "):
            current = None
        row = re.match(r"^\| `([a-z_]+)` \|", line)
        if current and row:
            tables[current].append(row.group(1))
    return tables


def test_readme_documents_exactly_the_package_columns():
    tables = _readme_tables()
    assert set(tables) == {r["path"] for r in PACKAGE["resources"]}
    for resource in PACKAGE["resources"]:
        documented = tables[resource["path"]]
        described = [f["name"] for f in resource["schema"]["fields"]]
        assert documented == described, resource["path"]
