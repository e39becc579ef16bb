"""Module 03, "Arming proxies": the small models behind Pickering's missile proposal.

Everything here is pure (no widgets, no plotting, no reading of files) and is shown in
the notebook next to a *model card* that says what it assumes and what it cannot tell.

* Dates: :func:`autumn_2015_timeline`, :func:`days_between` and :func:`months_between`
  put the events of autumn 2015 and of the Afghan war in order and measure the gaps,
  with the counting convention stated.
* Disputed figures: :func:`estimate_ranges` and :func:`compare_estimates` line up what
  different sources say about one quantity (how many Stingers were supplied).
* The analogy: :data:`ANALOGY_DIMENSIONS` and :func:`score_analogy` turn a learner's
  ratings of Syria 2015 against Afghanistan 1986 into a summary.
* The decision model: :func:`expected_value` and :func:`break_even_leak_probability`
  weigh three consequences of supplying anti-aircraft missiles. Every number in
  :data:`DEFAULT_SCENARIO` and :data:`SCEPTIC_SCENARIO` is an illustrative assumption,
  not an estimate.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TypeAlias, TypedDict

import numpy as np
import pandas as pd

from postparis.data import INFORMATION_CUTOFF
from postparis.validation import (
    CourseInputError,
    check_date,
    check_keys,
    check_number,
    check_probability,
)

__all__ = [
    "ANALOGY_DIMENSIONS",
    "ANALOGY_SCALE",
    "AUTUMN_2015_START",
    "DEFAULT_SCENARIO",
    "FIRST_STINGER_PATTERN",
    "SCEPTIC_SCENARIO",
    "STINGERS_SUPPLIED_PATTERN",
    "STRIKE_CLAIM_PATTERN",
    "VALUE_LIMIT",
    "WITHDRAWAL_COMPLETED_PATTERN",
    "AnalogyDimension",
    "AnalogySummary",
    "EstimateComparison",
    "ProposalScenario",
    "autumn_2015_timeline",
    "break_even_leak_probability",
    "compare_estimates",
    "days_between",
    "describe_break_even",
    "estimate_ranges",
    "expected_value",
    "expected_value_curve",
    "months_between",
    "rows_matching",
    "score_analogy",
    "strike_claims_before",
]

# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

#: The first day of the Russian air campaign in Syria (see data/syria_2015.csv).
AUTUMN_2015_START = pd.Timestamp("2015-09-30")

#: Text that identifies rows in the course data (matched case-insensitively).
FIRST_STINGER_PATTERN = "first stinger"
WITHDRAWAL_COMPLETED_PATTERN = "withdrawal completed"
STINGERS_SUPPLIED_PATTERN = "stingers the us supplied"
STRIKE_CLAIM_PATTERN = "russian strikes"

DateLike: TypeAlias = str | dt.date | pd.Timestamp


def days_between(start: DateLike, end: DateLike) -> int:
    """Return the number of days from ``start`` to ``end`` (negative if ``end`` is earlier).

    Examples
    --------
    >>> days_between("2015-09-30", "2015-11-24")
    55
    """
    first = check_date(start, "The start date")
    last = check_date(end, "The end date")
    return int((last.normalize() - first.normalize()).days)


def months_between(start: DateLike, end: DateLike) -> int:
    """Return the whole calendar months from the month of ``start`` to the month of ``end``.

    The day of the month is ignored, on purpose: several sources date the first Stinger
    shot only to the month ("September 1986", "the end of November"), so counting days
    would invent a precision the sources do not have.

    Examples
    --------
    >>> months_between("1986-09", "1989-02-15")
    29
    >>> months_between("1986-11-30", "1989-02-01")
    27
    """
    first = check_date(start, "The start date")
    last = check_date(end, "The end date")
    return (last.year - first.year) * 12 + (last.month - first.month)


def rows_matching(frame: pd.DataFrame, column: str, pattern: str) -> pd.DataFrame:
    """Return the rows whose ``column`` contains ``pattern`` (ignoring case), in order.

    Raises
    ------
    CourseInputError
        If the table has no such column, or no row matches.
    """
    if column not in frame.columns:
        raise CourseInputError(
            f"The table has no column {column!r}; its columns are {', '.join(frame.columns)}."
        )
    mask = frame[column].astype(str).str.contains(pattern, case=False, regex=False)
    if not mask.any():
        raise CourseInputError(f"No row of the table has {pattern!r} in its {column!r} column.")
    return frame.loc[mask]


def autumn_2015_timeline(
    syria: pd.DataFrame,
    start: DateLike = AUTUMN_2015_START,
    end: DateLike = INFORMATION_CUTOFF,
) -> pd.DataFrame:
    """Return the rows of the Syria table dated from ``start`` to ``end``, sorted by date.

    Parameters
    ----------
    syria
        The table from :func:`postparis.data.load_syria_2015`.
    start, end
        The first and last day to keep (inclusive). A row dated only to a month counts
        from the first day of that month, as the loader stores it.

    Returns
    -------
    pandas.DataFrame
        The matching rows, sorted by date (ties keep the table's order), with a fresh
        index 0, 1, 2, ...
    """
    first = check_date(start, "The start date")
    last = check_date(end, "The end date")
    if last < first:
        raise CourseInputError(f"The end date {last.date()} is before the start {first.date()}.")
    kept = syria.loc[(syria["date"] >= first) & (syria["date"] <= last)]
    return kept.sort_values("date", kind="stable").reset_index(drop=True)


def strike_claims_before(timeline: pd.DataFrame, day: DateLike) -> list[str]:
    """Return who had claimed a share of Russian strikes on or before ``day``, in date order.

    A "strike claim" is a row whose ``measure`` mentions Russian strikes (for example the
    State Department's share of strikes not aimed at ISIL or al-Qaeda affiliates).
    """
    last = check_date(day, "The day")
    measure = (
        timeline["measure"].astype(str).str.contains(STRIKE_CLAIM_PATTERN, case=False, regex=False)
    )
    rows = timeline.loc[measure & (timeline["date"] <= last)].sort_values("date", kind="stable")
    return rows["claimant"].tolist()


# ---------------------------------------------------------------------------
# Disputed figures
# ---------------------------------------------------------------------------


class EstimateComparison(TypedDict):
    """What :func:`compare_estimates` returns."""

    lowest: float
    highest: float
    ratio: float
    sources: list[str]


def estimate_ranges(afghanistan: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Return who gives which range for one disputed quantity of the Afghan table.

    Parameters
    ----------
    afghanistan
        The table from :func:`postparis.data.load_afghanistan`.
    pattern
        Text that the ``fact`` of every competing row contains, e.g.
        :data:`STINGERS_SUPPLIED_PATTERN`.

    Returns
    -------
    pandas.DataFrame
        Columns ``claimant``, ``value_low``, ``value_high``, ``value_kind``,
        ``source_publisher``, ``confidence``, one row per source, lowest first.
    """
    rows = rows_matching(afghanistan, "fact", pattern)
    columns = ["claimant", "value_low", "value_high", "value_kind", "source_publisher"]
    columns.append("confidence")
    return rows[columns].sort_values("value_low", kind="stable").reset_index(drop=True)


def compare_estimates(ranges: pd.DataFrame) -> EstimateComparison:
    """Return the lowest and highest figure any source gives, and how far apart they are.

    Raises
    ------
    CourseInputError
        If the table holds no figure, or a figure of zero or less (no ratio then).
    """
    lows = ranges["value_low"].dropna()
    highs = ranges["value_high"].dropna()
    if lows.empty or highs.empty:
        raise CourseInputError("The table holds no figures to compare.")
    lowest = float(lows.min())
    highest = float(highs.max())
    if lowest <= 0:
        raise CourseInputError(f"The lowest figure is {lowest:g}; a ratio needs figures above 0.")
    return EstimateComparison(
        lowest=lowest,
        highest=highest,
        ratio=highest / lowest,
        sources=ranges["claimant"].tolist(),
    )


# ---------------------------------------------------------------------------
# The analogy scorecard
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalogyDimension:
    """One dimension along which Syria 2015 is compared with Afghanistan 1986.

    ``afghanistan`` and ``syria`` hold sourced facts, each ending with a Markdown link
    to its source, so that a rating can be argued from evidence.
    """

    key: str
    label: str
    question: str
    afghanistan: str
    syria: str


#: What a rating means: how similar Syria 2015 is to Afghanistan 1986 on a dimension.
ANALOGY_SCALE: dict[int, str] = {
    1: "very different",
    2: "rather different",
    3: "mixed",
    4: "rather similar",
    5: "very similar",
}

_WAPO_1986 = "http://articles.orlandosentinel.com/1986-03-30/news/0210160069_1_stinger-missiles-angola-afghanistan"
_REUTERS_2015_10_09 = (
    "http://www.reuters.com/article/us-mideast-crisis-syria-whitehouse-idUSKCN0S31ZD20151009"
)
_FA_2002 = "https://www.foreignaffairs.com/articles/afghanistan/2002-01-01/stinging-rebukes"
_LAT_1993 = "http://articles.baltimoresun.com/1993-07-23/news/1993204174_1_stingers-buyback-program-missiles"

#: The five dimensions of the scorecard, in the order the issue lists them.
ANALOGY_DIMENSIONS: tuple[AnalogyDimension, ...] = (
    AnalogyDimension(
        key="adversary",
        label="Whom the patron's missiles would be fired at",
        question="Would the missiles be aimed at the same kind of enemy, for the same reasons?",
        afghanistan=(
            "The Soviet army, which had intervened in December 1979 and occupied the "
            "country for nine years "
            "([RFE/RL](https://rferl.org/amp/Thirtieth_Anniversary_Of_Soviet_Storming_Of_Afghan_Presidential_Palace/1914778.html); "
            "[Washington Post, 1989](https://www.washingtonpost.com/archive/politics/1989/02/16/soviets-complete-pullout-from-war-in-afghanistan/57a3834c-3753-42a3-9ca1-d5d5c1ba40f0/))."
        ),
        syria=(
            "Russian aircraft, flying since 30 September 2015 in support of the Syrian "
            "government, which had asked for them "
            "([Sputnik, 8 Oct 2015](https://sputnikglobe.com/20151008/russia-isil-targets-destruction-1028218708.html)); "
            "US officials said most strikes hit opponents of Assad rather than IS (¶18)."
        ),
    ),
    AnalogyDimension(
        key="air_threat",
        label="The air threat the proxies face",
        question="Is the air power the missiles would counter of the same kind and importance?",
        afghanistan=(
            "Soviet helicopter gunships had inflicted heavy casualties on the rebels "
            f"([Washington Post, March 1986]({_WAPO_1986})); Soviet countermeasures soon "
            f"blunted the Stinger, says Kuperman ([Foreign Affairs, 2002]({_FA_2002}))."
        ),
        syria=(
            "Russian strike jets such as the Su-25 and Su-34 "
            "([Sputnik, 8 Oct 2015](https://sputnikglobe.com/20151008/russia-isil-targets-destruction-1028218708.html)), "
            "and cruise missiles fired from warships in the Caspian Sea, 26 on 7 October 2015 "
            "by Russia's count "
            "([IBTimes UK](https://www.ibtimes.co.uk/syria-90-russian-air-strikes-not-aimed-isis-us-claims-1522982))."
        ),
    ),
    AnalogyDimension(
        key="proxy_reliability",
        label="How far the proxies can be relied on",
        question="Would the weapons stay with fighters who share the patron's aims?",
        afghanistan=(
            "The mujahideen fought the occupier, but by 1988 had all but stopped firing "
            "Stingers and sold some on international arms markets, says Kuperman "
            f"([Foreign Affairs, 2002]({_FA_2002}))."
        ),
        syria=(
            "The Pentagon's $500 million programme to train and equip Syrian rebels had "
            "trained only 60 fighters against a goal of 5,400 when it was paused on "
            f"9 October 2015 ([Reuters]({_REUTERS_2015_10_09}))."
        ),
    ),
    AnalogyDimension(
        key="great_power_clash",
        label="Risk of a direct clash between the great powers",
        question="How likely is a missile to start a direct US-Russian crisis?",
        afghanistan=(
            "The US supplied the missiles covertly; opponents of the 1986 decision warned "
            "that US-made weapons turn such wars into US-Soviet confrontations "
            f"([Washington Post, March 1986]({_WAPO_1986}))."
        ),
        syria=(
            "US-led coalition and Russian aircraft shared Syrian airspace under an air-safety "
            "memorandum signed on 20 October 2015 "
            "([Roll Call](https://rollcall.com/2015/10/21/u-s-and-russia-sign-memo-of-understanding-to-avoid-air-conflict-over-syria/)); "
            "on 24 November, after the article, Turkey, a NATO member, shot down a Russian Su-24 "
            "([The Guardian, 24 November 2015](https://www.theguardian.com/world/live/2015/nov/24/russian-jet-downed-by-turkish-planes-near-syrian-border-live-updates))."
        ),
    ),
    AnalogyDimension(
        key="weapon_controls",
        label="Controls on the weapons",
        question="Could the patron keep track of the missiles and get them back?",
        afghanistan=(
            "Roughly 1,000 Stingers were supplied; in 1993 the CIA asked for $55 million to "
            "buy back hundreds, when one sold for upward of $100,000 on the black market "
            f"([Los Angeles Times]({_LAT_1993}))."
        ),
        syria=(
            "Pickering said any supply would need strict controls (¶19); in October 2015 the "
            "Pentagon said it would give vetted rebel leaders basic equipment, not "
            f"anti-aircraft missiles ([Reuters]({_REUTERS_2015_10_09}))."
        ),
    ),
)

_DIMENSION_KEYS = tuple(d.key for d in ANALOGY_DIMENSIONS)


class AnalogySummary(TypedDict):
    """What :func:`score_analogy` returns."""

    ratings: dict[str, int]
    mean: float
    closest: list[str]
    furthest: list[str]
    verdict: str


def _check_ratings(ratings: Mapping[str, object]) -> dict[str, int]:
    """Return the ratings as a plain dict in dimension order, or explain what is wrong."""
    given = check_keys(
        ratings,
        _DIMENSION_KEYS,
        not_a_dict="The ratings must be a dictionary such as "
        "{{'adversary': 3, 'air_threat': 4, ...}}; you gave a {type}.",
        unknown="There is no dimension called {names}. "
        f"The dimensions are: {', '.join(_DIMENSION_KEYS)}.",
        missing="Rate every dimension; missing: {names}.",
    )
    checked: dict[str, int] = {}
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise CourseInputError(
                f"The rating for {key!r} must be a whole number from 1 to 5; you gave {value!r}."
            )
        if not 1 <= int(value) <= 5:
            raise CourseInputError(
                f"The rating for {key!r} must be from 1 (very different) to 5 (very similar); "
                f"you gave {value}."
            )
        checked[key] = int(value)
    return checked


def score_analogy(ratings: Mapping[str, int]) -> AnalogySummary:
    """Summarise a learner's ratings of how far Syria 2015 resembles Afghanistan 1986.

    Parameters
    ----------
    ratings
        One whole number from 1 (very different) to 5 (very similar) for every key of
        :data:`ANALOGY_DIMENSIONS`.

    Returns
    -------
    AnalogySummary
        The ratings, their unweighted mean, the dimensions rated most and least similar,
        and a one-sentence verdict. The mean treats all five dimensions as equally
        important: a single dimension (the risk of a great-power clash, say) may matter
        more than the others together, and the verdict says so when it is rated low.

    Raises
    ------
    CourseInputError
        If a dimension is missing or unknown, or a rating is not 1 to 5.

    Examples
    --------
    >>> summary = score_analogy(
    ...     {"adversary": 3, "air_threat": 4, "proxy_reliability": 2,
    ...      "great_power_clash": 1, "weapon_controls": 2}
    ... )
    >>> summary["mean"], summary["furthest"]
    (2.4, ['great_power_clash'])
    """
    checked = _check_ratings(ratings)
    values = list(checked.values())
    mean = sum(values) / len(values)
    top, bottom = max(values), min(values)
    closest = [k for k, v in checked.items() if v == top]
    furthest = [k for k, v in checked.items() if v == bottom]
    labels = {d.key: d.label.lower() for d in ANALOGY_DIMENSIONS}
    if mean >= 4:
        verdict = "On your ratings the analogy holds on most dimensions."
    elif mean >= 2.5:
        verdict = "On your ratings the analogy is partial: it fits on some dimensions only."
    else:
        verdict = "On your ratings the analogy is weak: Syria 2015 differs on most dimensions."
    if bottom <= 2 and mean >= 2.5:
        weak = " and ".join(labels[k] for k in furthest)
        verdict += f" It breaks down on {weak}, which may matter more than the average."
    return AnalogySummary(
        ratings=checked,
        mean=mean,
        closest=closest,
        furthest=furthest,
        verdict=verdict,
    )


# ---------------------------------------------------------------------------
# The decision model
# ---------------------------------------------------------------------------

#: Values are points on an illustrative scale from -100 (the worst consequence one can
#: imagine from this decision) to +100 (the best), where 0 is not supplying missiles.
VALUE_LIMIT = 100.0


@dataclass(frozen=True)
class ProposalScenario:
    """The six numbers of the decision model. All are illustrative assumptions.

    Attributes
    ----------
    p_deter, v_deter
        Probability that the missiles deter Russian air strikes on the armed groups the
        US supports, and the value of that outcome (a benefit, so usually positive).
    p_leak, v_leak
        Probability that some missiles reach extremist groups, and the value of that
        outcome (a harm, so negative).
    p_incident, v_incident
        Probability of a direct US-Russian incident (a US-supplied missile downs a
        Russian aircraft and Moscow holds Washington responsible), and its value
        (negative).
    """

    p_deter: float
    v_deter: float
    p_leak: float
    v_leak: float
    p_incident: float
    v_incident: float

    def as_dict(self) -> dict[str, float]:
        """Return the six numbers as a dict, ready for ``expected_value(**...)``."""
        return asdict(self)


#: A scenario an advocate of the proposal might write down (illustrative, not estimated).
DEFAULT_SCENARIO = ProposalScenario(
    p_deter=0.3, v_deter=40.0, p_leak=0.05, v_leak=-80.0, p_incident=0.05, v_incident=-100.0
)
#: A sceptic's scenario for the widget exercise: the Stinger's effect fades (Kuperman's
#: argument) and an incident is a little less likely but as grave (illustrative).
SCEPTIC_SCENARIO = ProposalScenario(
    p_deter=0.2, v_deter=40.0, p_leak=0.05, v_leak=-80.0, p_incident=0.03, v_incident=-100.0
)


def _check_value(value: object, name: str) -> float:
    return check_number(value, name, minimum=-VALUE_LIMIT, maximum=VALUE_LIMIT)


def expected_value(
    p_deter: float,
    v_deter: float,
    p_leak: float,
    v_leak: float,
    p_incident: float,
    v_incident: float,
) -> float:
    """Return the expected value of supplying the missiles, compared with not supplying them.

    ``EV = p_deter * v_deter + p_leak * v_leak + p_incident * v_incident``

    The three outcomes are not alternatives: any, all or none of them may happen, so
    the probabilities need not add up to 1. The sum is still the expected value,
    because expectations add up whether or not the outcomes are linked; what the model
    does assume is that the *values* add up (no outcome makes another better or worse).

    Parameters
    ----------
    p_deter, p_leak, p_incident
        Probabilities, from 0 to 1.
    v_deter, v_leak, v_incident
        Values on the illustrative scale from -100 to +100 (0 = not supplying).

    Raises
    ------
    CourseInputError
        If a probability is outside 0-1 or a value outside -100 to +100.

    Examples
    --------
    >>> expected_value(0.3, 40, 0.05, -80, 0.05, -100)
    3.0
    """
    terms = [
        check_probability(p_deter, "p_deter") * _check_value(v_deter, "v_deter"),
        check_probability(p_leak, "p_leak") * _check_value(v_leak, "v_leak"),
        check_probability(p_incident, "p_incident") * _check_value(v_incident, "v_incident"),
    ]
    return float(round(math.fsum(terms), 12))


def break_even_leak_probability(
    p_deter: float,
    v_deter: float,
    v_leak: float,
    p_incident: float,
    v_incident: float,
) -> float:
    """Return the leak probability at which the proposal stops paying (its EV is 0).

    Setting the expected value to zero and solving for ``p_leak``::

        p_deter * v_deter + p_leak * v_leak + p_incident * v_incident = 0
        p_leak = -(p_deter * v_deter + p_incident * v_incident) / v_leak

    Below this probability the proposal has a positive expected value; above it, a
    negative one. The number is returned as computed, even outside 0-1: a negative
    result means the proposal does not pay even if no missile ever leaks; a result above
    1 means it pays even if leaks are certain (see :func:`describe_break_even`).

    Raises
    ------
    CourseInputError
        If ``v_leak`` is not negative (without a harm from leaks there is no break-even),
        or another input is out of range.

    Examples
    --------
    >>> break_even_leak_probability(0.3, 40, -80, 0.05, -100)
    0.0875
    """
    leak_value = _check_value(v_leak, "v_leak")
    if leak_value >= 0:
        raise CourseInputError(
            f"v_leak must be negative (a leak is a harm) for a break-even to exist; "
            f"you gave {leak_value:g}."
        )
    other = expected_value(p_deter, v_deter, 0.0, leak_value, p_incident, v_incident)
    return float(round(-other / leak_value, 12))


def describe_break_even(p_star: float) -> str:
    """Say in words what a break-even leak probability means for the decision."""
    value = check_number(p_star, "The break-even probability")
    if value <= 0:
        return "The proposal does not pay even if no missile ever leaks."
    if value >= 1:
        return "The proposal pays even if leaks are certain."
    return (
        f"The proposal pays if the chance of a leak is below {value:.4g} "
        f"({value:.2%}) and stops paying above it."
    )


def expected_value_curve(
    scenario: ProposalScenario, leak_grid: Sequence[float] | np.ndarray
) -> np.ndarray:
    """Return the expected value at every leak probability in ``leak_grid``.

    The other five numbers come from ``scenario``; its own ``p_leak`` is ignored. This
    is what the decision explorer draws: a straight line, since the expected value is
    linear in ``p_leak``.
    """
    grid = np.asarray(leak_grid, dtype=float)
    if grid.ndim != 1 or grid.size == 0:
        raise CourseInputError("leak_grid must be a non-empty list of probabilities.")
    if np.isnan(grid).any() or (grid < 0).any() or (grid > 1).any():
        raise CourseInputError("Every probability in leak_grid must be between 0 and 1.")
    base = expected_value(
        scenario.p_deter,
        scenario.v_deter,
        0.0,
        scenario.v_leak,
        scenario.p_incident,
        scenario.v_incident,
    )
    return base + grid * _check_value(scenario.v_leak, "v_leak")
