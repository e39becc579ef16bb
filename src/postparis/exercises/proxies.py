"""Visible checks of module 03, Arming proxies."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from postparis.checks import (
    AnswerCheckFailed,
    answer,
    correct,
    digest,
    expect,
    expect_items,
    recorded,
)
from postparis.exercises import (
    Case,
    Namespace,
    check_function,
    check_value,
    expected,
    need_number,
    need_whole_number,
)
from postparis.proxies.model import ANALOGY_DIMENSIONS, score_analogy

START, END = pd.Timestamp("2015-09-30"), pd.Timestamp("2015-12-31")
#: The columns that tell the rows of the Syria table apart.
ROW = ["date", "event", "claimant", "measure"]


def rows(table: pd.DataFrame) -> list[list[object]]:
    """Return the rows of ``table`` as lists of the ROW columns (one digest each)."""
    return [list(row) for row in table[ROW].itertuples(index=False)]


def autumn_2015(namespace: Namespace) -> None:
    """Check Exercise A1: the Syria rows from 30 September to 31 December 2015, by date."""
    table = answer(namespace, "autumn_2015")
    if not isinstance(table, pd.DataFrame):
        raise AnswerCheckFailed(
            f"autumn_2015 should be a table (a DataFrame); it is a {type(table).__name__}."
        )
    expect(set(ROW) <= set(table.columns), "keep every column of the syria table.")
    expect(len(table) > 0, "autumn_2015 has no rows: check the dates in your conditions.")
    first, last = table["date"].min(), table["date"].max()
    expect(
        first >= START,
        f"your first row is dated {first:%d %B %Y}; the campaign began on 30 September 2015.",
    )
    expect(last <= END, f"your last row is dated {last:%d %B %Y}; stop at 31 December 2015.")
    expect(
        table["date"].is_monotonic_increasing,
        'the rows are not in date order: sort them with .sort_values("date").',
    )
    expect_items(
        rows(table),
        expected("03.autumn_2015"),
        salt="03.autumn_2015",
        what="rows (events) in the period",
    )
    correct(f"the {len(table)} rows of autumn 2015, in date order.")


def dated_questions(namespace: Namespace) -> None:
    """Check Exercise A2: a number of days and a list of claimants, read from the timeline."""
    days = need_whole_number(namespace, "days_campaign_to_shootdown", "40")
    expect(
        0 < days < 93,
        f"{days} days cannot be right: both events fall between 30 September and 31 December 2015.",
    )
    check_value(
        days,
        "03.days_campaign_to_shootdown",
        f"{days} days is not the gap between the two rows: take the dates from the rows whose "
        "event mentions the air campaign and the Su-24, and give them to days_between.",
    )
    claims = answer(namespace, "strike_claims_known_to_article")
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        raise AnswerCheckFailed(
            "strike_claims_known_to_article should be a list of claimants' names (text), "
            "like ['US Department of State']."
        )
    expect_items(
        claims,
        expected("03.strike_claims"),
        salt="03.strike_claims",
        what="claimants (of 'Russian strikes' rows dated on or before the cut-off)",
        ordered=True,
    )
    correct("both answers match the timeline.")


def _when(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


MONTHS_CASES = tuple(
    Case(
        (_when(start), _when(end)),
        hint,
        shown=f"pd.Timestamp({start!r}), pd.Timestamp({end!r})",
    )
    for start, end, hint in [
        (
            "1986-09-01",
            "1989-02-15",
            "Count whole calendar months: 12 for each year, plus the months; the day is ignored.",
        ),
        ("1979-12-27", "1989-02-15", "Count the years as 12 months each, then the months."),
        ("1988-05-15", "1989-02-15", "The period crosses a new year."),
        ("2015-09-30", "2015-11-24", "The day of the month is ignored: only the months count."),
        ("2015-01-31", "2015-02-01", "One day apart, but in the next month: that is 1 month."),
        ("1986-03-31", "1986-03-01", "Same month, the end's day earlier: still 0 months."),
        ("1989-02-15", "1988-05-15", "When end comes before start, the count is negative."),
    ]
)


def months_between(namespace: Namespace) -> None:
    """Check Exercise B: months_between, and the range it gives for the Stinger."""
    check_function(
        namespace,
        "months_between",
        MONTHS_CASES,
        salt="03.months_between",
        decimals=None,
        misreadings=[(lambda r: -r, "the sign is wrong: count from start to end.")],
    )
    value = answer(namespace, "stinger_to_withdrawal_months")
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise AnswerCheckFailed(
            f"stinger_to_withdrawal_months should be a pair (shortest, longest); it is {value!r}."
        )
    if digest(list(value)[::-1], salt="03.stinger_months") in expected("03.stinger_months"):
        raise AnswerCheckFailed("put the pair as (shortest, longest).")
    check_value(
        list(value),
        "03.stinger_months",
        "stinger_to_withdrawal_months should run from the later date of first use to the "
        "withdrawal (shortest) and from the earlier one (longest).",
    )
    correct("months_between counts calendar months, and the range covers both dates of first use.")


def stinger_ranges(namespace: Namespace) -> None:
    """Check Exercise C: the lowest and highest figures, their ratio and the best-sourced one."""
    low = need_number(namespace, "lowest_supplied", "500.0")
    high = need_number(namespace, "highest_supplied", "900.0")
    ratio = need_number(namespace, "supplied_ratio", "1.8")
    best = need_number(namespace, "best_sourced_supplied", "500.0")
    expect(low <= high, f"lowest_supplied ({low}) is above highest_supplied ({high}).")
    if low and high and math.isclose(ratio, low / high, rel_tol=1e-6) and low != high:
        raise AnswerCheckFailed("supplied_ratio is upside down: divide the highest by the lowest.")
    expect(
        low != 0 and math.isclose(ratio, high / low, rel_tol=1e-6),
        "supplied_ratio should be highest_supplied divided by lowest_supplied.",
    )
    check_value(
        low,
        "03.lowest_supplied",
        f"the lowest figure in the table is not {low}: look at value_low in every row.",
        decimals=1,
    )
    check_value(
        high,
        "03.highest_supplied",
        f"the highest figure in the table is not {high}: look at value_high in every row.",
        decimals=1,
    )
    check_value(
        best,
        "03.best_sourced_supplied",
        f"{best} is not the figure of the row whose confidence is 'high'.",
        decimals=1,
    )
    correct("the range, its ratio and the best-sourced figure are right.")


def analogy_ratings(namespace: Namespace) -> None:
    """Check Widget exercise 1: the learner's ratings (any honest ratings are fine)."""
    ratings = answer(namespace, "my_ratings")
    if not isinstance(ratings, dict):
        raise AnswerCheckFailed(
            "my_ratings should be a dictionary, like {'adversary': 3, 'air_threat': 4, ...}."
        )
    keys = [d.key for d in ANALOGY_DIMENSIONS]
    missing = [k for k in keys if k not in ratings]
    expect(not missing, f"my_ratings has no rating for: {', '.join(missing)}.")
    extra = sorted(str(k) for k in ratings if k not in keys)
    expect(not extra, f"my_ratings has keys that are not dimensions: {extra}.")
    expect(
        all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5 for v in ratings.values()
        ),
        "every rating should be a whole number from 1 (very different) to 5 (very similar), "
        "without quotes.",
    )
    summary = score_analogy(ratings)
    expect(
        namespace.get("analogy_summary") == summary,
        "analogy_summary should be score_analogy(my_ratings): run the answer cell again.",
    )
    recorded(
        f"your five ratings average {summary['mean']:.1f} of 5. The written answer asks you "
        "to defend them against the perspectives in section 6."
    )


def _ev_cases() -> tuple[Case, ...]:
    rng = np.random.default_rng(3)
    cases = [
        Case(
            (0.3, 40, 0.05, -80, 0.05, -100),
            "On the default scenario: add probability × value; check each product and the signs.",
        ),
        Case(
            (0, 40, 0, -80, 1, -100), "With a certain incident and nothing else, EV is v_incident."
        ),
    ]
    for _ in range(4):
        p = [round(float(x), 3) for x in rng.uniform(0, 1, 3)]
        v = [round(float(x), 1) for x in rng.uniform(-100, 100, 3)]
        cases.append(
            Case((p[0], v[0], p[1], v[1], p[2], v[2]), "Check each product and the signs.")
        )
    cases.append(
        Case(
            (),
            "Your function should also work when called with the names of its inputs.",
            kwargs={
                "p_incident": 0.1,
                "v_incident": -50,
                "p_leak": 0.2,
                "v_leak": -10,
                "p_deter": 0.5,
                "v_deter": 20,
            },
        )
    )
    return tuple(cases)


EV_CASES = _ev_cases()


def expected_value(namespace: Namespace) -> None:
    """Check Exercise D1: expected_value_of_proposal."""
    check_function(namespace, "expected_value_of_proposal", EV_CASES, salt="03.expected_value")
    correct("expected_value_of_proposal adds probability × value on every case above.")


BREAK_EVEN_CASES = tuple(
    Case(args, hint)
    for args, hint in [
        ((0.3, 40, -80, 0.05, -100), "On the default scenario: solve EV = 0 for p_leak."),
        ((0.2, 40, -80, 0.03, -100), "Solve EV = 0 for p_leak."),
        ((0.5, 60, -20, 0.1, -90), "Here the break-even is above 1: do not clip it to 0-1."),
        ((0.1, 10, -50, 0.5, -100), "Here the break-even is negative: do not clip it to 0-1."),
        ((0.9, 100, -10, 0.0, -100), "Do not clip the result to 0-1."),
        ((0.25, 35, -65, 0.07, -85), "Solve EV = 0 for p_leak."),
    ]
)


def break_even(namespace: Namespace) -> None:
    """Check Exercise D2: break_even_leak."""
    check_function(
        namespace,
        "break_even_leak",
        BREAK_EVEN_CASES,
        salt="03.break_even",
        misreadings=[(lambda r: -r, "the sign is wrong: divide by v_leak, which is negative.")],
    )
    correct("break_even_leak solves EV = 0 on every case above.")


def sceptic_break_even(namespace: Namespace) -> None:
    """Check Widget exercise 2: the sceptic scenario's break-even, read from the explorer."""
    value = need_number(namespace, "sceptic_break_even", "0.12")
    expect(
        0 <= value <= 0.3,
        f"{value} is outside the p_leak slider (0 to 0.3); write 5% as 0.05.",
    )
    check_value(
        value,
        "03.sceptic_break_even",
        f"at p_leak = {value} the sceptic's expected value is not close to 0: find where the "
        "readout changes from 'pays' to 'does not pay' (to within 0.01).",
        decimals=3,
    )
    correct("that is where the sceptic's expected value changes sign, to within 0.01.")
