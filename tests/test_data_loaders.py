"""Tests of the loaders' behaviour: clear errors, date parsing and dataset-specific facts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from postparis.data import (
    INFORMATION_CUTOFF,
    DataFormatError,
    known_by,
    load_afghanistan,
    load_claims,
    load_ecb_rates,
    load_forecast_questions,
    load_new_start,
    load_new_start_events,
    load_rouble_and_brent,
    load_rouble_and_brent_monthly,
    load_russia_economy,
    load_sanctions_timeline,
    load_source_disagreements,
    load_stockpiles,
    load_syria_2015,
    load_what_happened_next,
)
from postparis.paths import DataNotFoundError

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of the data folder that the loaders read instead of data/."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    monkeypatch.setenv("POSTPARIS_DATA_DIR", str(folder))
    return folder


def test_missing_file_names_the_file(data_copy):
    (data_copy / "claims.csv").unlink()
    with pytest.raises(DataNotFoundError, match=r"claims\.csv"):
        load_claims()


def test_missing_column_names_file_and_column(data_copy):
    path = data_copy / "claims.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns=["lever"]).to_csv(path, index=False)
    with pytest.raises(DataFormatError, match=r"claims\.csv lacks the column\(s\) lever"):
        load_claims()


def test_unparseable_date_names_file_column_and_row(data_copy):
    path = data_copy / "sanctions_2014_2015.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[2, "date"] = "16/03/2014"
    frame.to_csv(path, index=False)
    with pytest.raises(DataFormatError, match=r"sanctions_2014_2015\.csv.*'date'.*row 3"):
        load_sanctions_timeline()


def test_impossible_date_is_rejected(data_copy):
    path = data_copy / "new_start_events.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "date"] = "2010-02-30"
    frame.to_csv(path, index=False)
    with pytest.raises(DataFormatError, match=r"new_start_events\.csv"):
        load_new_start_events()


def test_wrong_precision_is_rejected(data_copy):
    path = data_copy / "syria_2015.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, "date_precision"] = "month"
    frame.to_csv(path, index=False)
    with pytest.raises(DataFormatError, match=r"syria_2015\.csv: data row 2.*date_precision"):
        load_syria_2015()


def test_non_numeric_value_is_rejected(data_copy):
    path = data_copy / "new_start.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "value"] = "about 900"
    frame.to_csv(path, index=False)
    with pytest.raises(DataFormatError, match=r"new_start\.csv: column 'value'.*'about 900'"):
        load_new_start()


def test_empty_required_cell_is_rejected(data_copy):
    path = data_copy / "claims.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[4, "source_url"] = ""
    frame.to_csv(path, index=False)
    with pytest.raises(
        DataFormatError, match=r"claims\.csv: column 'source_url' must not be empty"
    ):
        load_claims()


def test_garbage_file_gives_a_clear_error(data_copy):
    (data_copy / "claims.csv").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DataFormatError, match=r"claims\.csv"):
        load_claims()


def test_partial_dates_become_the_first_day_of_the_period():
    economy = load_russia_economy()
    year_row = economy[(economy["date_precision"] == "year")].iloc[0]
    assert year_row["date"] == pd.Timestamp(f"{year_row['date'].year}-01-01")
    month = economy[economy["date_precision"] == "month"]
    assert (month["date"].dt.day == 1).all()


def test_rouble_and_brent_pairs_only_days_where_both_are_sourced():
    paired = load_rouble_and_brent()
    economy = load_russia_economy()
    rouble_days = set(economy.loc[economy["indicator"] == "RUB per USD", "date"])
    assert set(paired["date"]) <= rouble_days
    # the five days with both a sourced rouble rate and an EIA spot price
    assert paired["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2014-09-08",
        "2014-12-15",
        "2014-12-16",
        "2014-12-23",
        "2015-12-30",
    ]
    # 28 Nov 2014 has an EIA Brent price but no sourced rouble rate: not paired
    brent_days = set(economy.loc[economy["indicator"] == "Brent crude price", "date"])
    assert pd.Timestamp("2014-11-28") in brent_days - rouble_days
    assert paired["date"].is_monotonic_increasing
    assert paired["rub_per_usd"].between(20, 120).all()
    assert paired["brent_usd"].between(20, 150).all()
    assert paired["brent_kind"].str.startswith("spot price").all()
    # 23 Dec 2014: official rate 56.494 against Brent spot 59.07
    row = paired[paired["date"] == pd.Timestamp("2014-12-23")].iloc[0]
    assert row["rub_per_usd"] == pytest.approx(56.494)
    assert row["brent_usd"] == pytest.approx(59.07)


def test_ecb_rates_give_the_rouble_cross_rate_on_every_working_day():
    ecb = load_ecb_rates()
    assert ecb["date"].min() == pd.Timestamp("2013-01-02")
    assert ecb["date"].max() == pd.Timestamp("2015-12-31")
    assert 740 <= len(ecb) <= 780  # about 255 ECB working days a year
    assert ecb["date"].is_monotonic_increasing
    assert not ecb["date"].duplicated().any()
    assert (ecb["rub_per_usd"] == ecb["rub_per_eur"] / ecb["usd_per_eur"]).all()
    # ECB reference rates of 31 December 2015: 1 EUR = 1.0887 USD = 80.6736 RUB
    last = ecb.iloc[-1]
    assert (last["usd_per_eur"], last["rub_per_eur"]) == (1.0887, 80.6736)
    assert last["rub_per_usd"] == pytest.approx(74.1009, abs=1e-4)
    assert (ecb["published"] == ecb["date"]).all()


def test_ecb_rates_can_be_cut_to_other_dates():
    december = load_ecb_rates("2014-12-01", "2014-12-31")
    assert december["date"].dt.month.eq(12).all()
    assert len(december) == 21
    assert december["rub_per_usd"].max() > 65  # the crisis of mid-December 2014


def test_monthly_pairs_cover_36_months_and_are_known_a_day_after_each_month():
    monthly = load_rouble_and_brent_monthly()
    assert len(monthly) == 36
    assert monthly["month"].tolist() == list(pd.date_range("2013-01-01", "2015-12-01", freq="MS"))
    ecb = load_ecb_rates()
    january = ecb[(ecb["date"] >= "2014-01-01") & (ecb["date"] < "2014-02-01")]
    row = monthly[monthly["month"] == pd.Timestamp("2014-01-01")].iloc[0]
    assert row["rub_per_usd"] == pytest.approx(january["rub_per_usd"].mean())
    assert row["ecb_days"] == len(january)
    assert row["brent_usd"] == pytest.approx(108.12)  # EIA, January 2014
    assert (monthly["published"] == monthly["month"] + pd.offsets.MonthBegin(1)).all()
    # December 2015's averages were known only in January 2016: after the cutoff
    assert len(known_by(monthly)) == 35


def test_known_by_filters_on_the_publication_date_not_the_period():
    economy = load_russia_economy()
    kept = known_by(economy)
    gdp = kept[kept["indicator"] == "Real GDP growth"]
    assert pd.Timestamp("2015-01-01") not in set(gdp["date"])  # 2015 GDP: published 2016
    assert (kept["published"] <= pd.Timestamp("2015-12-31")).all()
    assert len(known_by(economy, "2014-12-31")) < len(kept)


#: Every dataset that records when its figures became public (its date of knowledge).
PUBLISHED_TABLES = {
    "russia_economy": load_russia_economy,
    "syria_2015": load_syria_2015,
    "afghanistan_stinger": load_afghanistan,
    "new_start": load_new_start,
    "nuclear_stockpiles": load_stockpiles,
    "source_disagreements": load_source_disagreements,
}
CUTOFF = INFORMATION_CUTOFF


@pytest.mark.parametrize("name", sorted(PUBLISHED_TABLES))
def test_no_figure_published_after_the_cutoff_passes_the_filter(name):
    table = PUBLISHED_TABLES[name]()
    kept = known_by(table)
    assert kept["published"].notna().all(), f"{name}: a row of unknown publication date passed"
    assert (kept["published"] <= CUTOFF).all(), f"{name}: a figure published after 2015 passed"
    late = table["published"].isna() | (table["published"] > CUTOFF)
    assert len(kept) == (~late).sum(), f"{name}: known_by dropped a row public by the cutoff"


def _plant_new_start_rows(folder: Path) -> None:
    """Add two rows that describe 2015 but were not public by the cutoff, flagged as if they were."""
    path = folder / "new_start.csv"
    text = path.read_text(encoding="utf-8")
    columns = text.splitlines()[0].split(",")
    planted = []
    for category, published, basis in (
        ("deployed_warheads", "2016-02-01", "release date"),
        ("deployed_launchers", "", "not found"),
    ):
        row = dict.fromkeys(columns, "")
        row.update(
            as_of="2015-12-01",
            party="US",
            category=category,
            value="1500",
            limit="1550" if category == "deployed_warheads" else "700",
            after_cutoff="false",
            value_kind="count",
            published=published,
            published_basis=basis,
            note="planted by a test",
            source_url="https://example.org/planted",
            source_publisher="test",
            confidence="low",
        )
        planted.append(",".join(row[c] for c in columns))
    path.write_text(text.rstrip("\n") + "\n" + "\n".join(planted) + "\n", encoding="utf-8")


def test_a_planted_figure_published_after_the_cutoff_never_passes(data_copy):
    """A row about December 2015 published in 2016 (or never dated) is dropped by every filter.

    The planted rows carry a wrong after_cutoff flag and a date inside 2015, so only the
    publication date can keep them out: the filters must use it.
    """
    from postparis.dialogue.model import through_cutoff

    _plant_new_start_rows(data_copy)
    table = load_new_start()
    planted = table[table["as_of"] == pd.Timestamp("2015-12-01")]
    assert len(planted) == 2
    assert planted["published"].isna().sum() == 1
    for kept in (known_by(table), through_cutoff(table)):
        assert pd.Timestamp("2015-12-01") not in set(kept["as_of"])
        assert (kept["published"] <= CUTOFF).all()


def test_unknown_publication_dates_are_never_known(data_copy):
    _plant_new_start_rows(data_copy)
    table = load_new_start()
    assert known_by(table, "2100-01-01")["published"].notna().all()


def test_known_by_explains_a_table_without_publication_dates():
    with pytest.raises(DataFormatError, match="published"):
        known_by(load_claims())


def test_month_and_year_publication_dates_mean_the_end_of_the_period():
    economy = load_russia_economy()
    imf = economy[economy["indicator"].str.startswith("IMF")]
    assert (imf["published"] == pd.Timestamp("2015-08-31")).all()


def test_economy_values_are_plausible_and_typed():
    economy = load_russia_economy()
    brent = economy[economy["indicator"] == "Brent crude price"]
    assert brent["value"].between(20, 150).all()
    monthly = brent[brent["period"] == "month average"]
    assert len(monthly) == 36
    assert monthly["date"].min() == pd.Timestamp("2013-01-01")
    imf = economy[economy["value_kind"].str.startswith("model-based")]
    assert len(imf) == 3
    assert (imf["source_publisher"] != "").all()


def test_energy_sanctions_can_be_listed():
    sanctions = load_sanctions_timeline()
    energy = sanctions[sanctions["sector"].str.split(";").apply(lambda s: "energy" in s)]
    assert {"US", "EU"} <= set(energy["actor"])
    assert (energy["date"] <= pd.Timestamp("2015-12-31")).all()


def test_syria_strike_share_claims_come_from_different_claimants():
    syria = load_syria_2015()
    shares = syria[syria["unit"] == "percent"]
    assert set(shares["value"]) == {90.0, 30.0}
    assert shares["claimant"].nunique() == 2
    ranges = syria[syria["value_high"].notna()]
    assert (ranges["value_high"] > ranges["value"]).all()


def test_afghanistan_ranges_are_ordered():
    afghanistan = load_afghanistan()
    both = afghanistan.dropna(subset=["value_low", "value_high"])
    assert (both["value_high"] >= both["value_low"]).all()
    assert afghanistan["date"].min() == pd.Timestamp("1979-12-27")


def test_new_start_limits_match_categories():
    new_start = load_new_start()
    limits = new_start.groupby("category")["limit"].unique().to_dict()
    assert {k: list(v) for k, v in limits.items()} == {
        "deployed_launchers": [700],
        "deployed_warheads": [1550],
        "deployed_and_nondeployed_launchers": [800],
    }
    sept_2015 = new_start[new_start["as_of"] == pd.Timestamp("2015-09-01")]
    warheads = sept_2015[sept_2015["category"] == "deployed_warheads"].set_index("party")
    assert warheads.loc["Russia", "value"] == 1648
    assert warheads.loc["US", "value"] == 1538


def test_source_disagreements_keep_at_least_two_sources_per_topic():
    disagreements = load_source_disagreements()
    counts = disagreements.groupby("topic")["source_name"].nunique()
    assert (counts >= 2).all(), counts[counts < 2]


# Each question's outcome must follow from its sourced resolving events.
def _events(ids: str) -> pd.DataFrame:
    events = load_what_happened_next().set_index("event_id")
    return events.loc[ids.split(";")]


def test_every_resolving_event_exists_and_questions_open_at_cutoff():
    questions = load_forecast_questions()
    known = set(load_what_happened_next()["event_id"])
    assert 8 <= len(questions) <= 10
    assert (questions["opened"] == pd.Timestamp("2015-12-31")).all()
    assert (questions["resolution_date"] > questions["opened"]).all()
    assert set(questions["outcome"]) == {0, 1}
    for row in questions.itertuples():
        assert set(row.resolved_by.split(";")) <= known, row.question_id
    implied = questions["article_implied"].dropna()
    assert implied.between(0, 1).all()


def _question(qid: str) -> pd.Series:
    questions = load_forecast_questions().set_index("question_id")
    return questions.loc[qid]


def _mentions(events: pd.DataFrame, *words: str) -> pd.DataFrame:
    text = events["event"].str.lower()
    mask = pd.Series(True, index=events.index)
    for word in words:
        mask &= text.str.contains(word.lower(), regex=False)
    return events[mask]


def test_outcomes_follow_from_their_events():
    # q01: an EU prolongation adopted before the resolution date runs past it -> not lifted
    q = _question("q01")
    ev = _mentions(_events(q["resolved_by"]), "EU prolongs")
    assert (ev["date"] <= q["resolution_date"]).any()
    assert q["outcome"] == 0
    assert _mentions(ev, "31 July 2018").shape[0] == 1
    # q02: only deconfliction, then channels suspended -> no coalition
    q = _question("q02")
    ev = _events(q["resolved_by"])
    assert not _mentions(ev, "coalition").shape[0]
    assert q["outcome"] == 0
    assert _mentions(ev, "deconfliction").shape[0] == 1
    # q03: battlegroups in all four countries during 2017 -> yes
    q = _question("q03")
    ev = _events(q["resolved_by"])
    assert _mentions(ev, "all four").shape[0] == 1
    assert q["outcome"] == 1
    assert (ev["date"] <= q["resolution_date"]).all()
    # q04: extension dated before the original expiry -> yes
    q = _question("q04")
    ev = _mentions(_events(q["resolved_by"]), "New START extended")
    assert (ev["date"] < q["resolution_date"]).all()
    assert len(ev) == 1
    assert q["outcome"] == 1
    # q05, q06, q07: a withdrawal/extension event before the resolution date -> no
    for qid, words in (("q05", "INF"), ("q06", "Open Skies"), ("q07", "food embargo")):
        q = _question(qid)
        ev = _mentions(_events(q["resolved_by"]), words)
        assert (ev["date"] <= q["resolution_date"]).any(), qid
        assert q["outcome"] == 0, qid
    # q08: New START expires with no follow-on on the resolution date -> no
    q = _question("q08")
    ev = _mentions(_events(q["resolved_by"]), "expires", "no follow-on")
    assert (ev["date"] == q["resolution_date"]).all()
    assert q["outcome"] == 0
    # q09: Assad's fall comes after the resolution date -> still in power -> yes
    q = _question("q09")
    ev = _mentions(_events(q["resolved_by"]), "Assad")
    assert (ev["date"] > q["resolution_date"]).all()
    assert q["outcome"] == 1
    # q10: a prolongation adopted before the date covering it -> yes
    q = _question("q10")
    ev = _mentions(_events(q["resolved_by"]), "EU prolongs")
    assert (ev["date"] <= q["resolution_date"]).any()
    assert q["outcome"] == 1


def test_the_status_quo_forecaster_is_consistent_and_scores_0_28():
    """'No change' reads q04 and q08 alike: no extension, so no treaty in force in 2026."""
    from postparis.forecasting import (
        STATUS_QUO,
        outcomes_from,
        score_forecasts,
        status_quo_forecaster,
    )

    assert STATUS_QUO["q04"][0] is False
    assert STATUS_QUO["q08"][0] is False
    questions = load_forecast_questions()
    score = score_forecasts(status_quo_forecaster(questions), outcomes_from(questions))
    assert score == pytest.approx(0.28)
