"""Visible checks of module 02, Sanctions and the quid pro quo.

The rouble-on-oil exercise has its own checks in its notebook cells.
"""

from __future__ import annotations

import datetime

import pandas as pd

from postparis.checks import (
    AnswerCheckFailed,
    answer,
    attempt,
    correct,
    expect,
    expect_items,
)
from postparis.data import INFORMATION_CUTOFF, load_sanctions_timeline
from postparis.exercises import Case, Namespace, check_function, check_value, expected, need_number
from postparis.sanctions.model import filter_timeline


def _timeline() -> pd.DataFrame:
    return filter_timeline(load_sanctions_timeline(), end=INFORMATION_CUTOFF)


def _names(namespace: Namespace, name: str) -> list[str]:
    value = answer(namespace, name)
    if not isinstance(value, list):
        raise AnswerCheckFailed(
            f"{name} should be a list of names in quotes, like ['A', 'B']; "
            f"it is a {type(value).__name__}."
        )
    known = set(load_sanctions_timeline()["measure"])
    unknown = [m for m in value if m not in known]
    expect(
        not unknown,
        f"these are not names from the measure column: {unknown}. Copy them exactly from the table.",
    )
    return value


def mh17_measures(namespace: Namespace) -> None:
    """Check Exercise A: the US and EU measures taken between MH17 and Russia's food ban."""
    value = _names(namespace, "measures_between_mh17_and_food_ban")
    expect_items(
        value,
        expected("02.mh17_measures"),
        salt="02.mh17_measures",
        what="measures",
    )
    correct("these are the US and EU measures between MH17 and the food ban.")


def energy_measures(namespace: Namespace) -> None:
    """Check Exercise B: the sectoral measures whose sector includes energy, in table order."""
    value = _names(namespace, "energy_measures")
    kinds = dict(zip(_timeline()["measure"], _timeline()["kind"], strict=True))
    expect(
        all(kinds.get(m) == "sectoral" for m in value),
        "keep only rows whose kind is 'sectoral' (an extension or a policy is not a new measure).",
    )
    expect_items(
        value,
        expected("02.energy_measures"),
        salt="02.energy_measures",
        what="energy measures",
        ordered=True,
    )
    correct("these are the sectoral measures that reach the energy sector, in table order.")


def _moved_ban(timeline: pd.DataFrame, days: int) -> pd.DataFrame:
    moved = timeline.copy()
    ban = moved["kind"] == "counter-sanction"
    moved.loc[ban, "date"] = moved.loc[ban, "date"] + datetime.timedelta(days=days)
    return moved


def coverage_cases() -> tuple[Case, ...]:
    """Return the visible cases of counter_sanction_coverage (on the timeline up to the cutoff)."""
    tl = _timeline()
    moved = _moved_ban(tl, 10)

    def on(
        start: str, end: str, hint: str, table: pd.DataFrame = tl, what: str = "timeline"
    ) -> Case:
        return Case((table, start, end), hint, shown=f"{what}, {start!r}, {end!r}")

    return (
        on("2014-08-01", "2014-08-10", "Did you count both the first and the last day?"),
        on(
            "2014-07-17",
            "2015-12-31",
            "Count the days from MH17 to the end of 2015, both included.",
        ),
        on(
            "2014-03-01",
            "2014-07-31",
            "A period that ends before the ban has no day with the ban in force "
            "(a share is never negative).",
        ),
        on(
            "2014-09-01",
            "2015-06-30",
            "In a period that starts after the ban, it is in force every day.",
        ),
        on(
            "2014-08-06",
            "2014-08-06",
            "On the day of the decree itself the ban counts as in force.",
        ),
        on("2014-08-05", "2014-08-06", "Count both days of a two-day period."),
        on(
            "2014-08-01",
            "2014-08-20",
            "Here the ban is dated 10 days later: read its date from the timeline you are "
            "given (the row whose kind is 'counter-sanction'); don't type it in.",
            moved,
            "a timeline with the ban moved 10 days later",
        ),
    )


def coverage(namespace: Namespace) -> None:
    """Check Exercise C: counter_sanction_coverage on the worked example and edge cases."""
    check_function(
        namespace,
        "counter_sanction_coverage",
        coverage_cases(),
        salt="02.coverage",
        misreadings=[(lambda r: r / 100, "return a share from 0 to 1, not a percentage.")],
    )
    correct("counter_sanction_coverage is right on the worked example and every edge case above.")


#: A made-up series of roubles per dollar, for the visible cases of rouble_depreciation.
TOY_RATES = pd.Series(
    [50.0, 60.0, 75.0, 40.0],
    index=pd.to_datetime(["2014-01-01", "2014-06-01", "2014-12-01", "2015-06-01"]),
    name="rub_per_usd",
)
TOY_SHOWN = (
    "a made-up series: 50, 60, 75 and 40 roubles per dollar on 1 Jan, 1 Jun, 1 Dec 2014, 1 Jun 2015"
)
DEPRECIATION_CASES = (
    Case((TOY_RATES, "2014-01-01", "2014-12-01"), "", shown="toy, '2014-01-01', '2014-12-01'"),
    Case((TOY_RATES, "2014-06-01", "2015-06-01"), "", shown="toy, '2014-06-01', '2015-06-01'"),
    Case((TOY_RATES, "2014-06-01", "2014-06-01"), "", shown="toy, '2014-06-01', '2014-06-01'"),
)


def depreciation(namespace: Namespace) -> None:
    """Check Exercise D: rouble_depreciation, as the percentage fall of the rouble in dollars."""
    function = answer(namespace, "rouble_depreciation")
    start, end = answer(namespace, "my_start"), answer(namespace, "my_end")
    rates = namespace.get("rouble")
    if isinstance(rates, pd.Series):
        dates = [f"{d:%Y-%m-%d}" for d in rates.index]
        expect(
            isinstance(start, str) and isinstance(end, str) and start in dates and end in dates,
            f"choose my_start and my_end, as text, among the dates of the data: {dates}.",
        )
        attempt(
            function, rates, start, end, name=f"rouble_depreciation(rouble, {start!r}, {end!r})"
        )
    for case in DEPRECIATION_CASES:
        rates_, first, last = case.args
        got = attempt(function, *case.args, name=f"rouble_depreciation({case.shown})")
        before, after = rates_.loc[first], rates_.loc[last]
        if before != after and isinstance(got, int | float):
            dollar_rose = 100 * (after / before - 1)
            expect(
                abs(got - dollar_rose) > 1e-6,
                f"on {TOY_SHOWN}, from {first} to {last} you get {got:.2f}: that is how much "
                "the dollar rose in roubles; the exercise asks how much the rouble fell in dollars.",
            )
    check_function(
        namespace,
        "rouble_depreciation",
        [Case(c.args, f"(The series is {TOY_SHOWN}.)", shown=c.shown) for c in DEPRECIATION_CASES],
        salt="02.depreciation",
        misreadings=[
            (lambda r: r * 100, "that is a share; return a percentage (times 100)."),
            (lambda r: -r, "the sign is wrong: a fall of the rouble is a positive percentage."),
        ],
    )
    correct("rouble_depreciation gives the rouble's percentage fall in dollars.")


PAYOFF_VALUES = ((2, 6, 5, 4, 3), (0, 0, 0, 0, 0), (7, 0, 3, 0, 9), (1.5, 10, 10, 2, 0.5))
PAYOFF_CASES = (
    Case((0.5, 2, 6, 5, 4, 3), "At half relief: Russia 2 + 0.5 * 6 - 5, the West 4 - 0.5 * 3."),
    *(
        Case(
            (share, *values),
            "Russia gets cooperation value + share * relief value - cooperation cost; "
            "the West gets its cooperation value - share * credibility cost.",
        )
        for share in (0.0, 0.25, 1.0)
        for values in PAYOFF_VALUES
    ),
)
PAYOFF_REFUSALS = (
    Case((1.5, 2, 6, 5, 4, 3), "A relief share above 1 (150%) is not a share."),
    Case((-0.01, 2, 6, 5, 4, 3), "A negative relief share is not a share."),
)


def payoffs(namespace: Namespace) -> None:
    """Check Exercise F: the deal's payoffs, and that a share outside 0-1 is refused."""
    check_function(
        namespace,
        "payoffs",
        PAYOFF_CASES,
        salt="02.payoffs",
        misreadings=[
            (lambda r: (r[1], r[0]), "the pair is in the wrong order: return (russia, west)."),
        ],
        raises=PAYOFF_REFUSALS,
    )
    correct("payoffs is right at every share tried, and refuses shares outside 0 to 1.")


def bargain_edges(namespace: Namespace) -> None:
    """Check Exercise G: the two edges of the deal read from the bargain explorer."""
    share = need_number(namespace, "russia_needs_more_than", "0.3")
    cost = need_number(namespace, "largest_credibility_cost", "4.5")
    expect(
        0 <= share <= 1,
        f"russia_needs_more_than is a share between 0 and 1 (write 30% as 0.3); you wrote {share!r}.",
    )
    expect(
        0 <= cost <= 10,
        f"the credibility slider runs from 0 to 10; you wrote {cost!r}.",
    )
    check_value(
        share,
        "02.russia_needs_more_than",
        "with the default values, at which share does Russia's line cross zero? "
        "Read the sentence under the chart (to within 0.05).",
        decimals=2,
    )
    check_value(
        cost,
        "02.largest_credibility_cost",
        "move only the credibility slider, from its default of 3, until the hatched band "
        "disappears (to within 0.5).",
        decimals=1,
    )
    correct("both edges of the deal are right, to the precision of the sliders.")
