"""The competing estimates of fighters from Russia and the former Soviet Union with IS.

Four estimates were public by the end of 2015. They count different groups (Russians
only, or Russians and citizens of other CIS states), come from different kinds of
source (an intelligence chief, a head of state, a private security firm) and were
given on different dates, one of them after the article appeared. This module picks
them out of :func:`postparis.data.load_syria_2015` and draws them side by side.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from postparis.data import INFORMATION_CUTOFF
from postparis.figures import PALETTE, add_source, new_figure
from postparis.validation import CourseInputError

__all__ = [
    "describe_estimates",
    "fighter_estimates",
    "figure_text",
    "plot_fighter_estimates",
]

_KEYWORDS = ("russia", "russian", "cis")


def fighter_estimates(syria: pd.DataFrame) -> pd.DataFrame:
    """Return the estimates of fighters from Russia (and the CIS) known by 31 December 2015.

    Parameters
    ----------
    syria
        The table from :func:`postparis.data.load_syria_2015`.

    Returns
    -------
    pandas.DataFrame
        One row per estimate, oldest first, with columns ``date``, ``claimant``,
        ``measure`` (who is counted), ``low``, ``high`` (equal for a single figure),
        ``value_kind``, ``after_publication``, ``source_url``, ``source_publisher``,
        ``confidence``.
    """
    needed = {"date", "event", "claimant", "measure", "value", "value_high", "unit"}
    needed |= {"after_publication"}
    if not isinstance(syria, pd.DataFrame) or not needed <= set(syria.columns):
        raise CourseInputError("Expected the table from load_syria_2015().")
    measure = syria["measure"].str.lower()
    is_people = syria["unit"].str.strip().eq("people")
    about_fighters = measure.str.contains("fight") | syria["event"].str.lower().str.contains(
        "fight"
    )
    about_russia = measure.apply(lambda text: any(k in text for k in _KEYWORDS))
    keep = is_people & about_fighters & about_russia & (syria["date"] <= INFORMATION_CUTOFF)
    rows = syria.loc[keep].sort_values("date").reset_index(drop=True)
    return pd.DataFrame(
        {
            "date": rows["date"],
            "claimant": rows["claimant"],
            "measure": rows["measure"],
            "low": rows["value"].astype(float),
            "high": rows["value_high"].fillna(rows["value"]).astype(float),
            "value_kind": rows["value_kind"],
            "after_publication": rows["after_publication"].astype(bool),
            "source_url": rows["source_url"],
            "source_publisher": rows["source_publisher"],
            "confidence": rows["confidence"],
        }
    )


def figure_text(low: float, high: float, value_kind: str) -> str:
    """Write an estimate as its source gave it: "2,000 to 3,000", "up to 3,000", "2,400"."""
    if high > low:
        return f"{low:,.0f} to {high:,.0f}"
    if "up to" in value_kind:
        return f"up to {high:,.0f}"
    return f"{high:,.0f}"


def plot_fighter_estimates(estimates: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw each estimate as a bar (a range) or a dot (a single figure), labelled.

    Estimates published after the article appeared (16 November 2015) are drawn with
    hollow markers and marked "(after the article)" in their label, so the difference
    does not rest on colour.
    """
    if ax is None:
        _, ax = new_figure(width=8.0, height=5.2)
    labels = []
    for i, row in enumerate(estimates.itertuples()):
        late = bool(row.after_publication)
        colour = PALETTE["vermillion"] if late else PALETTE["blue"]
        if row.high > row.low:
            ax.plot([row.low, row.high], [i, i], color=colour, linewidth=6, solid_capstyle="butt")
        ax.plot(
            [row.high],
            [i],
            marker="o",
            markersize=8,
            color=colour,
            markerfacecolor="white" if late else colour,
            linestyle="none",
        )
        when = row.date.strftime("%b %Y")
        suffix = " (after the article)" if late else ""
        figure = figure_text(row.low, row.high, row.value_kind)
        labels.append(
            f"{row.claimant}, {when}{suffix}\n{figure} {row.measure}\n"
            f"reported by {row.source_publisher}"
        )
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(8000.0, float(estimates["high"].max()) * 1.1) if len(estimates) else 8000)
    ax.set_xlabel("people (estimate)")
    add_source(ax, "Source: data/syria_2015.csv (publishers named in each label)")
    return ax


def describe_estimates(estimates: pd.DataFrame) -> str:
    """Return a text alternative for :func:`plot_fighter_estimates`, built from the data."""
    parts = [f"Chart of {len(estimates)} estimates of fighters from Russia or the CIS with IS."]
    for row in estimates.itertuples():
        figure = figure_text(row.low, row.high, row.value_kind)
        late = ", after the article" if row.after_publication else ""
        parts.append(
            f"{row.claimant} ({row.date:%b %Y}{late}, reported by {row.source_publisher}): "
            f"{figure} {row.measure}."
        )
    return " ".join(parts)
