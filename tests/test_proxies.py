"""Module 03's models: dates, disputed ranges, the analogy scorecard, the decision model."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from postparis.data import PUBLICATION_CUTOFF, load_afghanistan, load_syria_2015
from postparis.proxies.model import (
    ANALOGY_DIMENSIONS,
    DEFAULT_SCENARIO,
    FIRST_STINGER_PATTERN,
    SCEPTIC_SCENARIO,
    STINGERS_SUPPLIED_PATTERN,
    WITHDRAWAL_COMPLETED_PATTERN,
    ProposalScenario,
    autumn_2015_timeline,
    break_even_leak_probability,
    compare_estimates,
    days_between,
    describe_break_even,
    estimate_ranges,
    expected_value,
    expected_value_curve,
    months_between,
    rows_matching,
    score_analogy,
    strike_claims_before,
)
from postparis.validation import CourseInputError


@pytest.fixture(scope="module")
def syria() -> pd.DataFrame:
    return load_syria_2015()


@pytest.fixture(scope="module")
def afghanistan() -> pd.DataFrame:
    return load_afghanistan()


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        ("2015-09-30", "2015-11-24", 55),
        (pd.Timestamp("2015-10-20"), dt.date(2015, 11, 24), 35),
        ("2015-11-24", "2015-09-30", -55),
        ("2015-09-30 18:00", "2015-10-01 06:00", 1),
    ],
)
def test_days_between(start: object, end: object, days: int) -> None:
    assert days_between(start, end) == days  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("1986-09-01", "1989-02-15", 29),
        ("1986-11-30", "1989-02-15", 27),
        ("1988-05-15", "1989-02-15", 9),
        ("2015-01-31", "2015-02-01", 1),
        ("2015-03-10", "2015-03-31", 0),
        ("1989-02-15", "1988-05-15", -9),
    ],
)
def test_months_between_counts_calendar_months(start: str, end: str, months: int) -> None:
    assert months_between(start, end) == months


@pytest.mark.parametrize("bad", ["not a date", 1986, None, pd.NaT, [1986, 9]])
def test_dates_reject_what_is_not_a_date(bad: object) -> None:
    with pytest.raises(CourseInputError, match="date"):
        months_between(bad, "1989-02-15")  # type: ignore[arg-type]
    with pytest.raises(CourseInputError, match="date"):
        days_between("1989-02-15", bad)  # type: ignore[arg-type]


def test_afghan_dates_in_the_data_give_a_range_of_27_to_29_months(afghanistan) -> None:
    first_uses = rows_matching(afghanistan, "fact", FIRST_STINGER_PATTERN)["date"]
    completed = rows_matching(afghanistan, "fact", WITHDRAWAL_COMPLETED_PATTERN)["date"].iloc[0]
    assert len(first_uses) == 2
    gaps = sorted(months_between(d, completed) for d in first_uses)
    assert gaps == [27, 29]


def test_rows_matching_explains_misses(syria) -> None:
    with pytest.raises(CourseInputError, match="no column 'events'"):
        rows_matching(syria, "events", "Su-24")
    with pytest.raises(CourseInputError, match="No row"):
        rows_matching(syria, "event", "no such event anywhere")
    assert len(rows_matching(syria, "event", "su-24")) == 1


def test_autumn_timeline_keeps_the_campaign_period_in_order(syria) -> None:
    timeline = autumn_2015_timeline(syria)
    assert timeline["date"].min() == pd.Timestamp("2015-09-30")
    assert timeline["date"].max() <= pd.Timestamp("2015-12-31")
    assert timeline["date"].is_monotonic_increasing
    assert list(timeline.index) == list(range(len(timeline)))
    in_period = syria[(syria["date"] >= "2015-09-30") & (syria["date"] <= "2015-12-31")]
    assert len(timeline) == len(in_period)
    assert not timeline["event"].str.contains("UN General Assembly").any()  # 28 September
    assert timeline["event"].str.contains("Su-24").any()


def test_autumn_timeline_rejects_a_reversed_period(syria) -> None:
    with pytest.raises(CourseInputError, match="before the start"):
        autumn_2015_timeline(syria, "2015-12-31", "2015-09-30")


def test_campaign_to_shootdown_from_the_data(syria) -> None:
    timeline = autumn_2015_timeline(syria)
    start = rows_matching(timeline, "event", "air campaign in Syria begins")["date"].iloc[0]
    shootdown = rows_matching(timeline, "event", "Su-24")["date"].iloc[0]
    assert days_between(start, shootdown) == 55


def test_strike_claims_known_when_the_article_appeared(syria) -> None:
    timeline = autumn_2015_timeline(syria)
    assert strike_claims_before(timeline, PUBLICATION_CUTOFF) == ["US Department of State"]
    later = strike_claims_before(timeline, "2015-12-31")
    assert later[0] == "US Department of State"
    assert len(later) == 2
    assert "McGurk" in later[1]


# --- disputed figures ----------------------------------------------------------------


def test_stingers_supplied_ranges_from_the_data(afghanistan) -> None:
    ranges = estimate_ranges(afghanistan, STINGERS_SUPPLIED_PATTERN)
    assert list(ranges["value_low"]) == [1000.0, 2000.0]
    assert list(ranges.columns[:3]) == ["claimant", "value_low", "value_high"]
    comparison = compare_estimates(ranges)
    assert comparison["lowest"] == 1000.0
    assert comparison["highest"] == 2000.0
    assert comparison["ratio"] == pytest.approx(2.0)
    assert len(comparison["sources"]) == 2


def test_compare_estimates_uses_both_ends_of_ranges() -> None:
    ranges = pd.DataFrame(
        {"claimant": ["a", "b"], "value_low": [100.0, 150.0], "value_high": [200.0, 150.0]}
    )
    assert compare_estimates(ranges)["ratio"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("lows", "message"), [([np.nan], "no figures"), ([0.0], "above 0"), ([-5.0], "above 0")]
)
def test_compare_estimates_rejects_tables_without_a_ratio(lows: list[float], message: str) -> None:
    ranges = pd.DataFrame({"claimant": ["a"], "value_low": lows, "value_high": [10.0]})
    with pytest.raises(CourseInputError, match=message):
        compare_estimates(ranges)


# --- the analogy scorecard -----------------------------------------------------------

ALL_THREE = {d.key: 3 for d in ANALOGY_DIMENSIONS}


def test_dimensions_are_the_five_of_the_issue_and_every_fact_is_sourced() -> None:
    assert [d.key for d in ANALOGY_DIMENSIONS] == [
        "adversary",
        "air_threat",
        "proxy_reliability",
        "great_power_clash",
        "weapon_controls",
    ]
    for dimension in ANALOGY_DIMENSIONS:
        for fact in (dimension.afghanistan, dimension.syria):
            assert re.search(r"\]\(https?://", fact), f"{dimension.key}: a fact without a link"


def test_score_analogy_summarises_and_flags_a_weak_dimension() -> None:
    summary = score_analogy(
        {
            "adversary": 3,
            "air_threat": 4,
            "proxy_reliability": 3,
            "great_power_clash": 1,
            "weapon_controls": 4,
        }
    )
    assert summary["mean"] == pytest.approx(3.0)
    assert summary["closest"] == ["air_threat", "weapon_controls"]
    assert summary["furthest"] == ["great_power_clash"]
    assert "partial" in summary["verdict"]
    assert "great powers" in summary["verdict"]


@pytest.mark.parametrize(
    ("value", "word"), [(5, "holds"), (4, "holds"), (3, "partial"), (2, "weak"), (1, "weak")]
)
def test_score_analogy_verdicts(value: int, word: str) -> None:
    summary = score_analogy(dict.fromkeys(ALL_THREE, value))
    assert word in summary["verdict"]
    assert summary["mean"] == value
    assert "breaks down" not in summary["verdict"]


def test_score_analogy_accepts_numpy_integers_and_returns_plain_ints() -> None:
    summary = score_analogy({k: np.int64(4) for k in ALL_THREE})
    assert all(type(v) is int for v in summary["ratings"].values())


@pytest.mark.parametrize(
    ("ratings", "message"),
    [
        ({**ALL_THREE, "air_threats": 3}, "no dimension called 'air_threats'"),
        ({k: v for k, v in ALL_THREE.items() if k != "adversary"}, "missing: adversary"),
        ({**ALL_THREE, "adversary": 6}, "from 1 .* to 5"),
        ({**ALL_THREE, "adversary": 0}, "from 1 .* to 5"),
        ({**ALL_THREE, "adversary": 2.5}, "whole number"),
        ({**ALL_THREE, "adversary": "3"}, "whole number"),
        ({**ALL_THREE, "adversary": True}, "whole number"),
        ([3, 3, 3, 3, 3], "dictionary"),
    ],
)
def test_score_analogy_explains_bad_ratings(ratings: object, message: str) -> None:
    with pytest.raises(CourseInputError, match=message):
        score_analogy(ratings)  # type: ignore[arg-type]


# --- the decision model --------------------------------------------------------------


def test_expected_value_of_the_default_scenario() -> None:
    assert expected_value(**DEFAULT_SCENARIO.as_dict()) == pytest.approx(3.0)
    assert expected_value(1, 100, 0, -100, 0, -100) == 100
    assert expected_value(0, 100, 1, -100, 1, -100) == -200


def test_expected_value_is_the_sum_of_probability_times_value() -> None:
    rng = np.random.default_rng(2015)
    for _ in range(200):
        p = rng.uniform(0, 1, 3)
        v = rng.uniform(-100, 100, 3)
        got = expected_value(p[0], v[0], p[1], v[1], p[2], v[2])
        assert got == pytest.approx(float(p @ v), abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p_leak": 1.5}, "p_leak must be between 0 and 1"),
        ({"p_deter": 30}, "write 30% as 0.3"),
        ({"v_incident": -150}, "v_incident must be at least -100"),
        ({"v_deter": "40"}, "v_deter must be a number"),
        ({"p_incident": float("nan")}, "p_incident"),
    ],
)
def test_expected_value_explains_bad_inputs(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(CourseInputError, match=message):
        expected_value(**{**DEFAULT_SCENARIO.as_dict(), **kwargs})  # type: ignore[arg-type]


def test_break_even_of_the_two_scenarios() -> None:
    for scenario, expected in ((DEFAULT_SCENARIO, 0.0875), (SCEPTIC_SCENARIO, 0.0625)):
        values = scenario.as_dict()
        values.pop("p_leak")
        assert break_even_leak_probability(**values) == pytest.approx(expected)


def test_break_even_is_where_the_expected_value_crosses_zero() -> None:
    rng = np.random.default_rng(1986)
    checked = 0
    while checked < 200:
        p_deter, p_incident = rng.uniform(0, 1, 2)
        v_deter = rng.uniform(0, 100)
        v_leak, v_incident = rng.uniform(-100, -1, 2)
        p_star = break_even_leak_probability(p_deter, v_deter, v_leak, p_incident, v_incident)
        if not 0 < p_star < 1:
            continue
        checked += 1
        at = expected_value(p_deter, v_deter, p_star, v_leak, p_incident, v_incident)
        assert at == pytest.approx(0.0, abs=1e-9)
        below = expected_value(p_deter, v_deter, p_star * 0.9, v_leak, p_incident, v_incident)
        above = expected_value(
            p_deter, v_deter, min(1.0, p_star * 1.1), v_leak, p_incident, v_incident
        )
        assert below > 0 > above


def test_break_even_needs_a_harmful_leak() -> None:
    with pytest.raises(CourseInputError, match="v_leak must be negative"):
        break_even_leak_probability(0.3, 40, 0, 0.05, -100)


@pytest.mark.parametrize(
    ("p_star", "phrase"),
    [
        (-0.2, "does not pay even if no missile ever leaks"),
        (0.0, "does not pay even if"),
        (1.4, "pays even if leaks are certain"),
        (0.0875, "below 0.0875 (8.75%)"),
    ],
)
def test_describe_break_even(p_star: float, phrase: str) -> None:
    assert phrase in describe_break_even(p_star)


def test_break_even_outside_zero_one_is_returned_and_explained() -> None:
    never = break_even_leak_probability(0.1, 10, -50, 0.5, -100)
    assert never < 0
    always = break_even_leak_probability(1.0, 100, -10, 0.0, -100)
    assert always > 1


def test_expected_value_curve_matches_the_function_point_by_point() -> None:
    grid = np.linspace(0, 1, 11)
    curve = expected_value_curve(DEFAULT_SCENARIO, grid)
    values = DEFAULT_SCENARIO.as_dict()
    for p, ev in zip(grid, curve, strict=True):
        assert ev == pytest.approx(expected_value(**{**values, "p_leak": float(p)}))


@pytest.mark.parametrize("grid", [[], [0.1, 1.2], [[0.1, 0.2]], [float("nan")]])
def test_expected_value_curve_rejects_bad_grids(grid: object) -> None:
    with pytest.raises(CourseInputError, match="leak_grid"):
        expected_value_curve(DEFAULT_SCENARIO, grid)  # type: ignore[arg-type]


def test_scenarios_are_frozen_and_round_trip_to_dicts() -> None:
    assert ProposalScenario(**DEFAULT_SCENARIO.as_dict()) == DEFAULT_SCENARIO
    with pytest.raises(AttributeError):
        DEFAULT_SCENARIO.p_leak = 0.5  # type: ignore[misc]
