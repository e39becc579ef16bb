"""Module 02's models, charts and widgets: the timeline, the rouble and oil, the bargain."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from postparis.data import load_rouble_and_brent, load_russia_economy, load_sanctions_timeline
from postparis.sanctions import model, plots, widgets
from postparis.sanctions.model import (
    DEFAULT_BARGAIN,
    BargainParameters,
    deal_payoffs,
    deal_zone,
    filter_timeline,
    fit_line,
    max_credibility_cost,
    payoff_curves,
    rouble_rates,
    russia_threshold,
)
from postparis.validation import CourseInputError


@pytest.fixture(scope="module")
def timeline() -> pd.DataFrame:
    return load_sanctions_timeline()


@pytest.fixture(scope="module")
def economy() -> pd.DataFrame:
    return load_russia_economy()


# -- the timeline ----------------------------------------------------------------------


def test_filter_timeline_by_actor_kind_and_dates(timeline: pd.DataFrame) -> None:
    eu_sectoral = filter_timeline(timeline, actors=["EU"], kinds=["sectoral"])
    assert len(eu_sectoral) > 0
    assert set(eu_sectoral["actor"]) == {"EU"}
    assert set(eu_sectoral["kind"]) == {"sectoral"}
    assert eu_sectoral["date"].is_monotonic_increasing
    assert list(eu_sectoral.index) == list(range(len(eu_sectoral)))

    window = filter_timeline(timeline, start="2014-07-17", end="2014-08-06")
    assert window["date"].min() >= pd.Timestamp("2014-07-17")
    assert window["date"].max() <= pd.Timestamp("2014-08-06")
    # Both ends are included: MH17 (17 Jul) and the food ban (6 Aug) are in the window.
    assert {"MH17 shot down", "Food import ban"} <= set(window["measure"])


def test_filter_timeline_accepts_one_name_and_forgives_case(timeline: pd.DataFrame) -> None:
    assert filter_timeline(timeline, actors="eu").equals(filter_timeline(timeline, actors=["EU"]))


def test_filter_timeline_without_filters_keeps_everything(timeline: pd.DataFrame) -> None:
    assert len(filter_timeline(timeline)) == len(timeline)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"actors": ["UK"]}, "no actor called 'UK'"),
        ({"kinds": ["sectorial"]}, "Did you mean 'sectoral'"),
        ({"start": "17 July"}, "written like '2014-07-17'"),
        ({"end": 2015}, "written like '2014-07-17'"),
        ({"actors": 3}, "as a list"),
    ],
)
def test_filter_timeline_explains_bad_input(
    timeline: pd.DataFrame, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(CourseInputError, match=message):
        filter_timeline(timeline, **arguments)  # type: ignore[arg-type]


def test_timeline_dates_are_sorted_and_distinct(timeline: pd.DataFrame) -> None:
    dates = model.timeline_dates(timeline)
    assert dates == sorted(set(dates))
    assert len(dates) == timeline["date"].nunique()


# -- the rouble and oil ----------------------------------------------------------------


def test_rouble_rates_is_one_sourced_value_per_day(economy: pd.DataFrame) -> None:
    rates = rouble_rates(economy)
    sourced = economy[
        (economy["indicator"] == "RUB per USD") & (economy["date_precision"] == "day")
    ]
    assert len(rates) == len(sourced)
    assert rates.index.is_unique
    assert rates.index.is_monotonic_increasing
    day = sourced.iloc[0]
    assert rates.loc[f"{day['date']:%Y-%m-%d}"] == pytest.approx(day["value"])


def test_rouble_rates_can_leave_out_intraday_quotes(economy: pd.DataFrame) -> None:
    everything = rouble_rates(economy)
    closing = rouble_rates(economy, include_intraday=False)
    intraday = economy[(economy["indicator"] == "RUB per USD") & (economy["period"] == "intraday")]
    assert len(everything) - len(closing) == len(intraday)


def test_rouble_rates_refuses_an_ambiguous_day(economy: pd.DataFrame) -> None:
    rows = economy[economy["indicator"] == "RUB per USD"]
    doubled = pd.concat([economy, rows.head(1)], ignore_index=True)
    with pytest.raises(CourseInputError, match="two rouble quotations"):
        rouble_rates(doubled)


def test_fit_line_recovers_a_known_line() -> None:
    fit = fit_line([1.0, 2.0, 3.0, 4.0], [3.0, 5.0, 7.0, 9.0])
    assert fit.slope == pytest.approx(2.0)
    assert fit.intercept == pytest.approx(1.0)
    assert fit.n == 4
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.predict(10.0) == pytest.approx(21.0)


def test_fit_line_agrees_with_numpy_on_the_course_data() -> None:
    pairs = load_rouble_and_brent()
    fit = fit_line(pairs["brent_usd"], pairs["rub_per_usd"])
    slope, intercept = np.polyfit(pairs["brent_usd"], pairs["rub_per_usd"], 1)
    assert fit.slope == pytest.approx(slope)
    assert fit.intercept == pytest.approx(intercept)
    assert fit.n == len(pairs)
    assert 0.0 <= fit.r_squared <= 1.0
    # Oil and the rouble fell together: more roubles per dollar when oil is cheaper.
    assert fit.slope < 0


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([1.0], [2.0], "at least two"),
        ([1.0, 2.0], [1.0], "pair them up"),
        ([3.0, 3.0], [1.0, 2.0], "All x values are equal"),
        ([1.0, float("nan")], [1.0, 2.0], "missing values"),
    ],
)
def test_fit_line_explains_what_it_cannot_fit(x: list[float], y: list[float], message: str) -> None:
    with pytest.raises(CourseInputError, match=message):
        fit_line(x, y)


# -- the bargain -----------------------------------------------------------------------


def test_default_bargain_numbers() -> None:
    assert deal_payoffs(0.0) == (-3.0, 4.0)
    assert deal_payoffs(0.5) == (0.0, 2.5)
    assert deal_payoffs(1.0) == (3.0, 1.0)
    assert russia_threshold() == 0.5
    assert deal_zone() == (0.5, 1.0)
    assert max_credibility_cost() == 8.0


@pytest.mark.parametrize("bad", [-0.1, 1.5, "half", float("nan"), True])
def test_deal_payoffs_rejects_impossible_relief(bad: object) -> None:
    with pytest.raises(CourseInputError, match="relief share"):
        deal_payoffs(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [
        {"credibility_cost_west": -1.0},
        {"relief_value_russia": float("nan")},
        {"cooperation_value_west": "a lot"},
        {"cooperation_cost_russia": math.inf},
    ],
)
def test_bargain_parameters_are_checked(changes: dict[str, object]) -> None:
    with pytest.raises(CourseInputError):
        BargainParameters(**changes)  # type: ignore[arg-type]


def test_bargain_parameters_become_floats() -> None:
    params = BargainParameters(cooperation_value_west=4)
    assert isinstance(params.cooperation_value_west, float)


def test_payoff_curves_match_deal_payoffs() -> None:
    params = BargainParameters(1.0, 3.0, 2.5, 6.0, 7.0)
    shares = np.linspace(0.0, 1.0, 11)
    russia, west = payoff_curves(params, shares)
    for share, r, w in zip(shares, russia, west, strict=True):
        assert (r, w) == pytest.approx(deal_payoffs(float(share), params))
    with pytest.raises(CourseInputError):
        payoff_curves(params, [0.0, 1.2])


@pytest.mark.parametrize(
    ("params", "zone"),
    [
        # Russia gains at no relief, the West at full relief: every share pays both.
        (BargainParameters(6.0, 2.0, 5.0, 4.0, 3.0), (0.0, 1.0)),
        # No credibility cost: the West gains at any share.
        (BargainParameters(2.0, 6.0, 5.0, 4.0, 0.0), (0.5, 1.0)),
        # The West's gain reaches zero at 40% relief, before Russia's turns positive.
        (BargainParameters(2.0, 6.0, 5.0, 4.0, 10.0), None),
        # Cooperation is worth nothing to the West.
        (BargainParameters(2.0, 6.0, 5.0, 0.0, 3.0), None),
        # Russia needs exactly full relief: at 1 its gain is 0, which does not pay.
        (BargainParameters(2.0, 3.0, 5.0, 4.0, 3.0), None),
        # No relief is worth anything to Russia and cooperating costs it more than it gains.
        (BargainParameters(2.0, 0.0, 5.0, 4.0, 3.0), None),
        # Russia is exactly indifferent at no relief; any positive relief pays it.
        (BargainParameters(5.0, 6.0, 5.0, 4.0, 8.0), (0.0, 0.5)),
    ],
)
def test_deal_zone_boundary_cases(
    params: BargainParameters, zone: tuple[float, float] | None
) -> None:
    assert deal_zone(params) == (pytest.approx(zone) if zone else None)


@pytest.mark.parametrize("seed", range(5))
def test_deal_zone_agrees_with_a_brute_force_search(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shares = np.linspace(0.0, 1.0, 2001)
    for _ in range(200):
        params = BargainParameters(*rng.integers(0, 11, size=5).astype(float))
        russia, west = payoff_curves(params, shares)
        both = shares[(russia > 0) & (west > 0)]
        zone = deal_zone(params)
        if zone is None:
            assert both.size == 0, params
        else:
            assert both.size > 0, params
            assert both.min() == pytest.approx(zone[0], abs=1e-3)
            assert both.max() == pytest.approx(zone[1], abs=1e-3)


def test_russia_threshold_boundary_cases() -> None:
    assert russia_threshold(BargainParameters(6.0, 2.0, 5.0, 4.0, 3.0)) == 0.0
    assert russia_threshold(BargainParameters(2.0, 0.0, 5.0, 4.0, 3.0)) is None
    assert russia_threshold(BargainParameters(2.0, 3.0, 5.0, 4.0, 3.0)) is None
    assert russia_threshold(BargainParameters(2.0, 12.0, 5.0, 4.0, 3.0)) == 0.25


def test_max_credibility_cost_is_where_the_last_deal_vanishes() -> None:
    boundary = max_credibility_cost(DEFAULT_BARGAIN)
    assert boundary == 8.0
    assert deal_zone(replace(DEFAULT_BARGAIN, credibility_cost_west=boundary - 1e-6))
    assert deal_zone(replace(DEFAULT_BARGAIN, credibility_cost_west=boundary)) is None
    assert deal_zone(replace(DEFAULT_BARGAIN, credibility_cost_west=boundary + 1.0)) is None


def test_max_credibility_cost_special_cases() -> None:
    assert max_credibility_cost(BargainParameters(5.0, 6.0, 5.0, 4.0, 3.0)) == math.inf
    assert max_credibility_cost(BargainParameters(2.0, 6.0, 5.0, 0.0, 3.0)) is None
    assert max_credibility_cost(BargainParameters(2.0, 3.0, 5.0, 4.0, 3.0)) is None


# -- charts ----------------------------------------------------------------------------


def _texts(ax: Axes) -> str:
    return " ".join(t.get_text() for t in ax.figure.findobj(match=lambda a: hasattr(a, "get_text")))


def test_timeline_chart_has_a_row_per_actor_and_a_source(timeline: pd.DataFrame) -> None:
    ax = plots.plot_sanctions_timeline(timeline)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [a for a in plots.ACTOR_STYLE if a in set(timeline["actor"])]
    assert "Source:" in _texts(ax)


def test_rouble_and_brent_figure_stays_inside_its_dates(
    economy: pd.DataFrame, timeline: pd.DataFrame
) -> None:
    fig, (top, bottom) = plots.rouble_and_brent_figure(economy, timeline, end="2015-11-16")
    data_lines = [
        line for line in top.get_lines() + bottom.get_lines() if line.get_label()[0] != "_"
    ]
    assert data_lines
    last = max(max(pd.to_datetime(line.get_xdata())) for line in data_lines)
    assert last <= pd.Timestamp("2015-11-16")
    assert "Sources:" in _texts(bottom)
    assert fig.axes == [top, bottom]


def test_rouble_vs_oil_draws_every_pair_and_the_line() -> None:
    pairs = load_rouble_and_brent()
    fit = fit_line(pairs["brent_usd"], pairs["rub_per_usd"])
    ax = plots.plot_rouble_vs_oil(pairs, fit)
    points = sum(len(line.get_xdata()) for line in ax.get_lines() if line.get_linestyle() == "None")
    assert points == len(pairs)
    assert f"n = {len(pairs)}" in " ".join(t.get_text() for t in ax.get_legend().get_texts())


# -- widgets ---------------------------------------------------------------------------


def test_timeline_explorer_filters_when_controls_change(timeline: pd.DataFrame) -> None:
    explorer = widgets.timeline_explorer(timeline)
    (actor_list, kind_list), date_range, table = (
        explorer.children[0].children,
        explorer.children[1],
        explorer.children[2],
    )
    assert actor_list.description == "Actor"
    assert kind_list.description == "Kind"
    assert date_range.description.startswith("Dates")
    assert f"<b>{len(timeline)} rows</b>" in table.value
    first, last = min(timeline["date"]), max(timeline["date"])
    assert f"from {first:%d %b %Y} to {last:%d %b %Y}" in table.value

    actor_list.value = ("Russia",)
    russian = len(timeline[timeline["actor"] == "Russia"])
    assert f"<b>{russian} row" in table.value
    assert "Food import ban" in table.value
    assert "Executive Order 13660" not in table.value

    kind_list.value = ("counter-sanction",)
    assert "<b>1 row</b>" in table.value

    actor_list.value = tuple(actor_list.options)
    kind_list.value = tuple(kind_list.options)
    options = date_range.options
    mh17 = next(i for i, (_, d) in enumerate(options) if d == pd.Timestamp("2014-07-17"))
    date_range.index = (mh17, mh17)
    assert "<b>1 row</b>" in table.value
    assert "MH17" in table.value


def test_render_timeline_rows_escapes_and_counts() -> None:
    rows = pd.DataFrame(
        {
            "date": [pd.Timestamp("2015-01-01")],
            "actor": ["EU"],
            "kind": ["policy"],
            "measure": ["<script>"],
            "target": ["x"],
            "sector": ["all"],
        }
    )
    out = plots.render_timeline_rows(rows)
    assert "&lt;script&gt;" in out
    assert "<b>1 row</b>" in out
    assert "0 rows" in plots.render_timeline_rows(rows.iloc[0:0])


def test_bargain_explorer_updates_chart_and_summary() -> None:
    explorer = widgets.bargain_explorer()
    sliders = explorer.sliders
    chart, summary = explorer.children[1], explorer.children[2]
    assert len(sliders) == 5
    assert all(s.description for s in sliders.values())
    assert "between 50% and 100%" in summary.value
    assert 'alt="Line chart' in chart.value
    before = chart.value

    sliders["credibility_cost_west"].value = 8.0
    assert "No relief share pays both sides" in summary.value
    assert chart.value != before

    sliders["cooperation_value_russia"].value = 6.0
    assert "even with no relief" in summary.value


def test_bargain_summary_covers_every_case() -> None:
    assert "Even lifting all" in plots.render_bargain_summary(
        BargainParameters(2.0, 0.0, 5.0, 4.0, 3.0)
    )
    assert "more than 50%" in plots.render_bargain_summary(DEFAULT_BARGAIN)
