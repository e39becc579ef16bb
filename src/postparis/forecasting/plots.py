"""Charts for module 05: the 2015-2026 timeline, forecasters' scores, a reliability diagram.

Each helper takes ``ax=None`` (a new course-style figure is made when it is None) and
returns the ``Axes``, so an exercise can reuse it. Colour is never the only cue:
categories also differ by marker, and bars carry their value as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes

from postparis.figures import MARKERS, PALETTE, add_source, new_figure
from postparis.forecasting.model import calibration_table

__all__ = ["format_when", "plot_reliability", "plot_scores", "plot_timeline"]

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def format_when(date: pd.Timestamp, precision: str) -> str:
    """Write a date as precisely as it is sourced: ``8 Jul 2016``, ``Jan 2017`` or ``2017``.

    Examples
    --------
    >>> format_when(pd.Timestamp("2017-01-01"), "month")
    'Jan 2017'
    """
    if precision == "year":
        return f"{date.year}"
    if precision == "month":
        return f"{_MONTHS[date.month - 1]} {date.year}"
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


def plot_timeline(timeline: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Plot dated events as markers, one row per category, labelled with their event id.

    Parameters
    ----------
    timeline
        The table from :func:`postparis.forecasting.model.timeline_with_questions`.
    ax
        Where to draw; a new figure is made when None.
    """
    if ax is None:
        _, ax = new_figure(8.0, 4.2)
    categories = sorted(timeline["category"].unique())
    colours = list(PALETTE.values())[1:]
    for row, category in enumerate(categories):
        part = timeline.loc[timeline["category"] == category]
        ax.scatter(
            part["date"],
            [row] * len(part),
            marker=MARKERS[row % len(MARKERS)],
            color=colours[row % len(colours)],
            edgecolor="black",
            linewidth=0.5,
            s=60,
            zorder=3,
        )
        for k, (date, event_id) in enumerate(zip(part["date"], part["event_id"], strict=True)):
            ax.annotate(
                event_id,
                (date, row),
                xytext=(0, 8 if k % 2 == 0 else -13),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
    ax.set_yticks(range(len(categories)), categories)
    ax.set_ylim(-0.8, len(categories) - 0.2)
    ax.set_xlabel("Date of the event")
    ax.set_title("What happened next, 2015-2026 (labels are event ids)")
    add_source(ax, "Source: data/what_happened_next.csv (each row cites its own source)")
    return ax


def plot_scores(scores: Mapping[str, float], ax: Axes | None = None) -> Axes:
    """Draw one horizontal bar per forecaster with its Brier score written beside it.

    Lower is better; the dashed line marks 0.25, the score of always saying 50%.
    """
    if ax is None:
        _, ax = new_figure(7.0, 0.6 * len(scores) + 1.4)
    names = list(scores)
    values = [float(scores[n]) for n in names]
    hatches = ["", "//", "..", "xx", "\\\\", "++", "oo", "--"]
    bars = ax.barh(range(len(names)), values, color=PALETTE["sky_blue"], edgecolor="black")
    for bar, hatch in zip(bars, hatches * 2, strict=False):
        bar.set_hatch(hatch)
    for i, v in enumerate(values):
        ax.annotate(f"{v:.3f}", (v, i), xytext=(4, 0), textcoords="offset points", va="center")
    ax.axvline(0.25, linestyle="--", color=PALETTE["black"], linewidth=1)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(0, max([*values, 0.25]) * 1.25)
    ax.set_xlabel("Brier score (0 = perfect, 1 = worst; lower is better)")
    add_source(ax, "Source: data/forecast_questions.csv; scores computed in this notebook")
    return ax


def plot_reliability(
    forecasts: Sequence[float],
    outcomes: Sequence[int],
    n_bins: int = 5,
    ax: Axes | None = None,
    label: str = "forecasts",
) -> Axes:
    """Draw a reliability diagram: each bin's mean forecast against how often it happened.

    Points on the dashed diagonal are perfectly calibrated; each point is labelled with
    how many forecasts fell in its bin, because a share of 1 out of 2 means little.
    """
    if ax is None:
        _, ax = new_figure(5.5, 4.0)
    table = calibration_table(forecasts, outcomes, n_bins).dropna()
    ax.plot([0, 1], [0, 1], linestyle="--", color=PALETTE["black"], label="perfect calibration")
    ax.plot(
        table["mean_forecast"],
        table["observed_share"],
        marker="o",
        color=PALETTE["vermillion"],
        label=label,
    )
    for x, y, n in zip(table["mean_forecast"], table["observed_share"], table["n"], strict=True):
        ax.annotate(f"n={n}", (x, y), xytext=(5, -10), textcoords="offset points", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("Mean forecast in the bin (probability of yes)")
    ax.set_ylabel("Share that happened")
    ax.legend(loc="upper left")
    add_source(ax, "Source: data/forecast_questions.csv")
    return ax
