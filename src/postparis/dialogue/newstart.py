"""New START as a channel: the numbers each side declared, against the treaty's limits.

The treaty (signed 8 April 2010, in force 5 February 2011) sets three central limits
that each party had to meet by 5 February 2018 and keep afterwards. Twice a year each
side declares its numbers; the US State Department publishes the totals. This module
holds small, pure helpers over :func:`postparis.data.load_new_start` and one plot.

Sources: US Department of State, "The New START Treaty" fact sheet, 20 October 2011,
https://2009-2017.state.gov/t/avc/rls/175945.htm (limits, seven years to meet them,
inspections); the data rows carry their own sources.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes

from postparis.data import INFORMATION_CUTOFF
from postparis.figures import LINESTYLES, MARKERS, PALETTE, add_source, new_figure
from postparis.validation import CourseInputError, check_choice

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "COMPLIANCE_DEADLINE",
    "LIMITS",
    "PARTIES",
    "PARTY_LABELS",
    "SOURCE_LINE",
    "describe_exchanges",
    "describe_new_start",
    "exchange_table",
    "margin_text",
    "plot_new_start",
    "through_cutoff",
]

#: The three central limits (State Department fact sheet, 20 October 2011).
LIMITS: dict[str, int] = {
    "deployed_warheads": 1550,
    "deployed_launchers": 700,
    "deployed_and_nondeployed_launchers": 800,
}
CATEGORIES: tuple[str, ...] = tuple(LIMITS)
#: Plain-language names of the counting categories.
CATEGORY_LABELS: dict[str, str] = {
    "deployed_warheads": "Deployed warheads (a heavy bomber counts as one)",
    "deployed_launchers": "Deployed missiles and heavy bombers",
    "deployed_and_nondeployed_launchers": "Deployed and non-deployed launchers and bombers",
}
PARTIES: tuple[str, ...] = ("US", "Russia")
PARTY_LABELS: dict[str, str] = {"US": "United States", "Russia": "Russia"}
#: The date by which both parties had to be within all three limits.
COMPLIANCE_DEADLINE = pd.Timestamp("2018-02-05")
SOURCE_LINE = "Source: New START data exchanges, as reported (data/new_start.csv)"

_STYLE = {
    "US": {"color": PALETTE["blue"], "marker": MARKERS[0], "linestyle": LINESTYLES[0]},
    "Russia": {"color": PALETTE["vermillion"], "marker": MARKERS[1], "linestyle": LINESTYLES[1]},
}


def _check_table(table: object) -> pd.DataFrame:
    needed = {"as_of", "party", "category", "value", "limit"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise CourseInputError(
            "Expected the New START table from load_new_start(), with the columns "
            "as_of, party, category, value and limit."
        )
    return table


def through_cutoff(table: pd.DataFrame) -> pd.DataFrame:
    """Keep the exchanges known by 31 December 2015 (the course's information cutoff).

    Rows flagged ``after_cutoff`` (and any dated after the cutoff) are dropped; the
    rest are sorted by date, party and category.
    """
    table = _check_table(table)
    keep = table["as_of"] <= INFORMATION_CUTOFF
    if "after_cutoff" in table.columns:
        keep &= ~table["after_cutoff"].astype(bool)
    return table.loc[keep].sort_values(["as_of", "party", "category"]).reset_index(drop=True)


def exchange_table(table: pd.DataFrame, category: str) -> pd.DataFrame:
    """Return one category as a wide table: one row per exchange, a column per party.

    Parameters
    ----------
    table
        Long New START table (see :func:`postparis.data.load_new_start`).
    category
        One of :data:`CATEGORIES`.

    Returns
    -------
    pandas.DataFrame
        Index ``as_of``; columns ``US`` and ``Russia`` (declared numbers, ``<NA>``
        where a figure was not found) and ``limit``.
    """
    table = _check_table(table)
    chosen = check_choice(category, CATEGORIES, "New START category")
    rows = table.loc[table["category"] == chosen]
    wide = rows.pivot_table(index="as_of", columns="party", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(PARTIES)).astype("Int64")
    wide["limit"] = LIMITS[chosen]
    wide.columns.name = None
    return wide.sort_index()


def margin_text(value: object, limit: int) -> str:
    """Say how far ``value`` is under or over ``limit``: "12 under", "98 over"."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return "not found"
    margin = limit - int(value)  # type: ignore[call-overload]
    if margin > 0:
        return f"{margin:,} under"
    if margin < 0:
        return f"{-margin:,} over"
    return "exactly at the limit"


def describe_exchanges(
    wide: pd.DataFrame,
    category: str,
    parties: tuple[str, ...] | list[str] = PARTIES,
    *,
    show_limit: bool = True,
) -> str:
    """Describe a table from :func:`exchange_table` in words (a chart's text alternative)."""
    chosen = check_choice(category, CATEGORIES, "New START category")
    limit = LIMITS[chosen]
    first, last = wide.index.min(), wide.index.max()
    parts = [
        f"Line chart of {CATEGORY_LABELS[chosen].lower()} declared at each New START data "
        f"exchange from {first:%B %Y} to {last:%B %Y}"
        + (f", with the treaty limit of {limit:,} as a dotted line." if show_limit else ".")
    ]
    for party in parties:
        series = wide[check_choice(party, PARTIES, "party")].dropna()
        if series.empty:
            continue
        end = series.iloc[-1]
        parts.append(
            f"{PARTY_LABELS[party]}: from {int(series.iloc[0]):,} to {int(end):,}, "
            f"{margin_text(end, limit)} at the last exchange."
        )
    return " ".join(parts)


def describe_new_start(
    table: pd.DataFrame,
    category: str = "deployed_warheads",
    parties: tuple[str, ...] | list[str] = PARTIES,
    *,
    show_limit: bool = True,
) -> str:
    """Return a text alternative for :func:`plot_new_start`, built from the data shown."""
    chosen = check_choice(category, CATEGORIES, "New START category")
    return describe_exchanges(exchange_table(table, chosen), chosen, parties, show_limit=show_limit)


def plot_new_start(
    table: pd.DataFrame,
    category: str = "deployed_warheads",
    parties: tuple[str, ...] = PARTIES,
    *,
    show_limit: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """Plot each party's declared numbers in one category against the treaty limit.

    Each party has its own colour, marker and line style; the limit is a dotted black
    line with its value written on it, so colour is never the only cue.
    """
    chosen = check_choice(category, CATEGORIES, "New START category")
    wanted = [check_choice(p, PARTIES, "party") for p in parties]
    wide = exchange_table(table, chosen)
    if ax is None:
        _, ax = new_figure()
    for party in wanted:
        series = wide[party].dropna()
        ax.plot(
            series.index,
            series.to_numpy(dtype=float),
            label=PARTY_LABELS[party],
            **_STYLE[party],
        )
    if show_limit:
        ax.axhline(LIMITS[chosen], color=PALETTE["black"], linestyle=":", linewidth=1.5)
        ax.annotate(
            f"limit {LIMITS[chosen]:,}",
            xy=(0.01, LIMITS[chosen]),
            xycoords=("axes fraction", "data"),
            xytext=(0, 3),
            textcoords="offset points",
            fontsize=9,
        )
    ax.set_ylabel("number declared")
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_title(CATEGORY_LABELS[chosen], fontsize=11)
    ax.legend(loc="best")
    add_source(ax, SOURCE_LINE)
    return ax
