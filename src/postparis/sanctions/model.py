"""Module 02, "Sanctions and the quid pro quo": the pure models behind the notebook.

Three small tools, none of which touches a widget:

* **The timeline** (:func:`filter_timeline`, :func:`timeline_dates`): choose the rows of
  ``data/sanctions_2014_2015.csv`` by who imposed a measure, what kind it is and when.
* **The rouble and oil** (:func:`rouble_rates`, :func:`fit_line`): the sourced
  exchange-rate quotations as one series, and a least-squares line through a handful
  of points that says how many points it rests on.
* **The bargain** (:class:`BargainParameters`, :func:`deal_payoffs`,
  :func:`deal_zone`, :func:`russia_threshold`, :func:`max_credibility_cost`): a
  two-player model of "sanctions relief in exchange for cooperation against the
  Islamic State". Each side compares a deal with no deal (worth 0 to both):

  - Russia gains ``cooperation_value_russia + relief_share * relief_value_russia
    - cooperation_cost_russia``;
  - the West gains ``cooperation_value_west - relief_share * credibility_cost_west``.

  ``relief_share`` runs from 0 (no sanctions lifted) to 1 (all the sectoral sanctions
  lifted). A deal *pays* a side when its gain is greater than zero; at exactly zero the
  side is indifferent, and we count that as not paying. The values are judgements on
  a common scale of "points", not measurements: the model is a way to make an
  argument explicit, not a forecast.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np
import pandas as pd

from postparis.validation import CourseInputError, check_choice, check_date, check_number

__all__ = [
    "DEFAULT_BARGAIN",
    "BargainParameters",
    "LineFit",
    "deal_payoffs",
    "deal_zone",
    "filter_timeline",
    "fit_line",
    "max_credibility_cost",
    "payoff_curves",
    "rouble_rates",
    "russia_threshold",
    "timeline_dates",
]

# -- the timeline ----------------------------------------------------------------------


def _choices(values: object, allowed: Sequence[str], kind: str) -> list[str]:
    """Check a learner's list of actors or kinds against the values in the data."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise CourseInputError(
            f"Give the {kind}s as a list, like [{allowed[0]!r}]; you gave {values!r}."
        )
    return [check_choice(value, allowed, kind) for value in values]


def filter_timeline(
    timeline: pd.DataFrame,
    *,
    actors: Iterable[str] | str | None = None,
    kinds: Iterable[str] | str | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Return the rows of the sanctions timeline that match every filter given.

    Parameters
    ----------
    timeline
        The table from :func:`postparis.data.load_sanctions_timeline`.
    actors
        Who imposed the measure (``"US"``, ``"EU"``, ``"Russia"``, ``"other"``); all if
        ``None``.
    kinds
        Kinds of measure (``"targeted"``, ``"sectoral"``, ``"counter-sanction"`` ...);
        all if ``None``.
    start, end
        First and last day to keep, both included; open-ended if ``None``.

    Returns
    -------
    pandas.DataFrame
        The matching rows in date order, numbered from 0.

    Raises
    ------
    CourseInputError
        If an actor or kind is not in the data, or a date cannot be read.

    Examples
    --------
    >>> from postparis.data import load_sanctions_timeline
    >>> eu = filter_timeline(load_sanctions_timeline(), actors=["EU"], kinds=["sectoral"])
    >>> eu["measure"].iloc[0]
    'Decision 2014/512/CFSP and Regulation 833/2014'
    """
    keep = pd.Series(True, index=timeline.index)
    if actors is not None:
        allowed = sorted(timeline["actor"].unique())
        keep &= timeline["actor"].isin(_choices(actors, allowed, "actor"))
    if kinds is not None:
        allowed = sorted(timeline["kind"].unique())
        keep &= timeline["kind"].isin(_choices(kinds, allowed, "kind of measure"))
    if start is not None:
        keep &= timeline["date"] >= check_date(start, "The start date")
    if end is not None:
        keep &= timeline["date"] <= check_date(end, "The end date")
    chosen = timeline.loc[keep]
    return chosen.sort_values("date", kind="stable").reset_index(drop=True)


def timeline_dates(timeline: pd.DataFrame) -> list[pd.Timestamp]:
    """Return the distinct dates of the timeline in order (the explorer's date stops)."""
    return sorted(pd.Timestamp(d) for d in timeline["date"].dropna().unique())


# -- the rouble and oil ----------------------------------------------------------------


def rouble_rates(economy: pd.DataFrame, *, include_intraday: bool = True) -> pd.Series:
    """Return the sourced rouble-dollar quotations as a series indexed by date.

    Parameters
    ----------
    economy
        The table from :func:`postparis.data.load_russia_economy`.
    include_intraday
        Keep quotations taken during a trading day (``period == "intraday"``), which
        catch a moment rather than the day; ``False`` drops them.

    Returns
    -------
    pandas.Series
        Roubles for one US dollar, one value per sourced day, sorted by date. Its
        name is ``"rub_per_usd"``; look a day up with ``rates.loc["2014-12-23"]``.
        Only day-precision quotations are kept (no averages).

    Raises
    ------
    CourseInputError
        If two quotations of the same kind share a day, so that a lookup would be
        ambiguous.
    """
    rows = economy[(economy["indicator"] == "RUB per USD") & (economy["date_precision"] == "day")]
    if not include_intraday:
        rows = rows[rows["period"] != "intraday"]
    if rows["date"].duplicated().any():
        day = rows.loc[rows["date"].duplicated(), "date"].iloc[0]
        raise CourseInputError(
            f"The data hold two rouble quotations for {day:%d %B %Y}; choose one kind "
            "of rate before looking a day up."
        )
    series = rows.set_index("date")["value"].sort_index().astype("float64")
    series.name = "rub_per_usd"
    series.index.name = "date"
    return series


class LineFit(NamedTuple):
    """A straight line fitted by least squares, and what it rests on."""

    slope: float
    intercept: float
    n: int
    r_squared: float

    def predict(self, x: float) -> float:
        """Return the line's value at ``x``."""
        return self.intercept + self.slope * x


def fit_line(x: Iterable[float], y: Iterable[float]) -> LineFit:
    """Fit ``y = intercept + slope * x`` by ordinary least squares.

    Parameters
    ----------
    x, y
        Paired observations, e.g. the Brent price and the rouble rate on the same days.

    Returns
    -------
    LineFit
        The slope and intercept, the number of points ``n``, and the share of the
        variation in ``y`` that the line accounts for (``r_squared``, 0 to 1). With a
        few points, a high ``r_squared`` says little: two points always give 1.

    Raises
    ------
    CourseInputError
        If the two lists differ in length, hold fewer than two points, hold a missing
        value, or all ``x`` are equal (no line can be fitted).

    Examples
    --------
    >>> fit_line([1, 2, 3], [2, 4, 6]).slope
    2.0
    """
    xs = np.asarray(list(x), dtype="float64")
    ys = np.asarray(list(y), dtype="float64")
    if xs.shape != ys.shape:
        raise CourseInputError(f"x has {xs.size} values but y has {ys.size}; pair them up.")
    if xs.size < 2:
        raise CourseInputError("A line needs at least two points.")
    if np.isnan(xs).any() or np.isnan(ys).any():
        raise CourseInputError("Remove the missing values before fitting a line.")
    if np.ptp(xs) == 0:
        raise CourseInputError("All x values are equal, so no slope can be fitted.")
    x_mean, y_mean = xs.mean(), ys.mean()
    slope = float(((xs - x_mean) * (ys - y_mean)).sum() / ((xs - x_mean) ** 2).sum())
    intercept = float(y_mean - slope * x_mean)
    residual = float(((ys - (intercept + slope * xs)) ** 2).sum())
    total = float(((ys - y_mean) ** 2).sum())
    r_squared = 1.0 if total == 0 else 1.0 - residual / total
    return LineFit(slope=slope, intercept=intercept, n=int(xs.size), r_squared=r_squared)


# -- the bargain -----------------------------------------------------------------------


@dataclass(frozen=True)
class BargainParameters:
    """The five judgements behind the bargaining model, in "points" (0 or more).

    Attributes
    ----------
    cooperation_value_russia
        What joint action against the Islamic State is worth to Russia.
    relief_value_russia
        What lifting *all* the sectoral sanctions would be worth to Russia.
    cooperation_cost_russia
        What Russia gives up by cooperating on the West's terms (for example, changing
        its targets in Syria as Washington demands).
    cooperation_value_west
        What joint action against the Islamic State is worth to the West.
    credibility_cost_west
        What lifting *all* the sectoral sanctions before the Minsk agreements are
        implemented would cost the West in credibility over Ukraine.

    The defaults are illustrative, chosen to make the arithmetic easy to follow; they
    are not measured or calibrated to anything.
    """

    cooperation_value_russia: float = 2.0
    relief_value_russia: float = 6.0
    cooperation_cost_russia: float = 5.0
    cooperation_value_west: float = 4.0
    credibility_cost_west: float = 3.0

    def __post_init__(self) -> None:
        for field in fields(self):
            value = check_number(
                getattr(self, field.name), field.name.replace("_", " "), minimum=0.0
            )
            if math.isinf(value):
                raise CourseInputError(f"{field.name.replace('_', ' ')} must be finite.")
            object.__setattr__(self, field.name, value)


#: The illustrative values the notebook and the widget start from.
DEFAULT_BARGAIN = BargainParameters()


def deal_payoffs(
    relief_share: float, params: BargainParameters = DEFAULT_BARGAIN
) -> tuple[float, float]:
    """Return what a deal is worth to Russia and to the West, compared with no deal.

    Parameters
    ----------
    relief_share
        How much of the sectoral sanctions the West lifts: 0 (none) to 1 (all).
    params
        The five judgements of :class:`BargainParameters`.

    Returns
    -------
    tuple of float
        ``(russia_gain, west_gain)``: positive means the deal pays that side.

    Raises
    ------
    CourseInputError
        If ``relief_share`` is not a number between 0 and 1.

    Examples
    --------
    >>> deal_payoffs(0.5)
    (0.0, 2.5)
    """
    share = check_number(relief_share, "The relief share", minimum=0.0, maximum=1.0)
    russia = (
        params.cooperation_value_russia
        + share * params.relief_value_russia
        - params.cooperation_cost_russia
    )
    west = params.cooperation_value_west - share * params.credibility_cost_west
    return float(russia), float(west)


def payoff_curves(
    params: BargainParameters, shares: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return both sides' gains at many relief shares at once (for a chart)."""
    grid = np.asarray(shares, dtype="float64")
    if grid.size and (grid.min() < 0 or grid.max() > 1):
        raise CourseInputError("Relief shares must lie between 0 and 1.")
    russia = (
        params.cooperation_value_russia
        + grid * params.relief_value_russia
        - params.cooperation_cost_russia
    )
    west = params.cooperation_value_west - grid * params.credibility_cost_west
    return russia, west


def russia_threshold(params: BargainParameters = DEFAULT_BARGAIN) -> float | None:
    """Return the relief share at which the deal stops costing Russia (its gain is 0).

    Above it, Russia gains from the deal; below it, Russia loses.

    Returns
    -------
    float or None
        ``0.0`` if Russia gains even with no relief at all (cooperation is worth more
        to it than it costs); ``None`` if even full relief leaves Russia's gain at or
        below zero; otherwise the share, between 0 and 1.

    Examples
    --------
    >>> russia_threshold()
    0.5
    """
    net_cost = params.cooperation_cost_russia - params.cooperation_value_russia
    if net_cost < 0:
        return 0.0
    if params.relief_value_russia == 0:
        return None
    share = net_cost / params.relief_value_russia
    return share if share < 1 else None


def _russia_cut(params: BargainParameters) -> float:
    """Return the share above which (and only above which) Russia's gain is positive."""
    if params.relief_value_russia > 0:
        return (
            params.cooperation_cost_russia - params.cooperation_value_russia
        ) / params.relief_value_russia
    return (
        -math.inf if params.cooperation_value_russia > params.cooperation_cost_russia else math.inf
    )


def _west_cut(params: BargainParameters) -> float:
    """Return the share below which (and only below which) the West's gain is positive."""
    if params.credibility_cost_west > 0:
        return params.cooperation_value_west / params.credibility_cost_west
    return math.inf if params.cooperation_value_west > 0 else -math.inf


def deal_zone(params: BargainParameters = DEFAULT_BARGAIN) -> tuple[float, float] | None:
    """Return the range of relief shares for which a deal pays both sides.

    Returns
    -------
    tuple of float or None
        ``(low, high)``: every share strictly between the two (and ``low`` itself when
        it is 0 and Russia already gains at no relief, ``high`` itself when it is 1
        and the West still gains at full relief) gives both sides a gain above zero.
        ``None`` when no share between 0 and 1 does: then no deal pays both.

    Examples
    --------
    >>> deal_zone()
    (0.5, 1.0)
    """
    low = max(0.0, _russia_cut(params))
    high = min(1.0, _west_cut(params))
    if low < high:
        return float(low), float(high)
    return None


def max_credibility_cost(params: BargainParameters = DEFAULT_BARGAIN) -> float | None:
    """Return the credibility cost at which the last deal that pays both sides vanishes.

    The other four judgements are taken from ``params``; its own
    ``credibility_cost_west`` is ignored. For any credibility cost below the number
    returned some relief share pays both sides; at it and above, none does.

    Returns
    -------
    float or None
        ``math.inf`` if a deal pays both sides whatever the credibility cost (Russia
        needs no relief); ``None`` if no deal pays both sides at any credibility cost
        (the West gains nothing from cooperation, or Russia needs more than full
        relief).

    Examples
    --------
    >>> max_credibility_cost()
    8.0
    """
    if params.cooperation_value_west <= 0:
        return None
    cut = _russia_cut(params)
    if cut <= 0:
        return math.inf
    if cut >= 1:
        return None
    return float(params.cooperation_value_west / cut)
