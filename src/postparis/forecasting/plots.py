"""Charts and views for module 05: the timeline, forecasters' scores, reliability, tables.

Each helper takes ``ax=None`` (a new course-style figure is made when it is None) and
returns the ``Axes``, so an exercise can reuse it. Colour is never the only cue:
categories also differ by marker, and bars carry their value as text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd
from IPython.display import HTML
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

from postparis.figures import MARKERS, PALETTE, add_source, by_gid, use_axes
from postparis.forecasting.model import (
    TIMELINE_COLUMNS,
    calibration_table,
    largest_calibration_gap,
)

__all__ = [
    "MAX_BINS",
    "calibration_table_html",
    "format_when",
    "plot_reliability",
    "plot_scores",
    "plot_timeline",
    "question_cards",
    "reliability_alt_text",
    "reliability_artists",
    "timeline_table",
    "update_reliability",
]

#: The most bins a reliability diagram shows (as many as calibration_table allows).
MAX_BINS = 20

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
    ax = use_axes(ax, 8.0, 4.2)
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
    ax = use_axes(ax, 7.0, 0.6 * len(scores) + 1.4)
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
    The points, their labels and the title can be moved to another forecaster or
    number of bins by :func:`update_reliability`.
    """
    ax = use_axes(ax, 5.5, 4.0)
    ax.plot([0, 1], [0, 1], linestyle="--", color=PALETTE["black"], label="perfect calibration")
    ax.plot([], [], marker="o", color=PALETTE["vermillion"], label=label, gid="reliability")
    for k in range(MAX_BINS):
        ax.annotate(
            "", (0, 0), xytext=(5, -10), textcoords="offset points", fontsize=8, gid=f"bin-{k}"
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("Mean forecast in the bin (probability of yes)")
    ax.set_ylabel("Share that happened")
    ax.legend(loc="upper left")
    add_source(ax, "Source: data/forecast_questions.csv; simulated forecasters are made up")
    update_reliability(ax, calibration_table(forecasts, outcomes, n_bins))
    return ax


def reliability_artists(ax: Axes) -> list[Artist]:
    """Return what :func:`update_reliability` changes: the title, the points, their labels."""
    labels = [by_gid(ax, f"bin-{k}") for k in range(MAX_BINS)]
    return [ax.title, by_gid(ax, "reliability"), *labels]


def update_reliability(ax: Axes, table: pd.DataFrame, title: str = "") -> None:
    """Show a table from :func:`~postparis.forecasting.model.calibration_table` on the axes.

    The axes must have been drawn by :func:`plot_reliability`.
    """
    filled = table.loc[table["n"] > 0]
    by_gid(ax, "reliability", Line2D).set_data(filled["mean_forecast"], filled["observed_share"])
    rows = list(filled[["mean_forecast", "observed_share", "n"]].itertuples(index=False))
    for k in range(MAX_BINS):
        label = by_gid(ax, f"bin-{k}", Annotation)
        label.set_visible(k < len(rows))
        if k < len(rows):
            x, y, count = rows[k]
            label.xy = (x, y)
            label.set_text(f"n={int(count)}")
    ax.set_title(title, fontsize=9)


def reliability_alt_text(table: pd.DataFrame, name: str) -> str:
    """Describe a reliability diagram of ``table`` for the forecaster ``name``, in words."""
    filled = table.loc[table["n"] > 0]
    points = "; ".join(
        f"bin {lo:.1f}-{hi:.1f}: {c} forecasts, mean {m:.2f}, {s:.0%} happened"
        for lo, hi, c, m, s in filled[
            ["bin_low", "bin_high", "n", "mean_forecast", "observed_share"]
        ].itertuples(index=False)
    )
    return (
        f"Reliability diagram for {name} with {len(table)} bins. {points}. "
        f"Largest gap from the diagonal: {largest_calibration_gap(table):.2f}."
    )


def calibration_table_html(table: pd.DataFrame) -> str:
    """Return the bins of a calibration table as an HTML table, with each bin's gap."""
    rows = []
    for low, high, n, mean, share in table[
        ["bin_low", "bin_high", "n", "mean_forecast", "observed_share"]
    ].itertuples(index=False):
        if n:
            cells = f"<td>{n}</td><td>{mean:.2f}</td><td>{share:.2f}</td><td>{abs(mean - share):.2f}</td>"
        else:
            cells = "<td>0</td><td>-</td><td>-</td><td>-</td>"
        rows.append(f"<tr><td>{low:.1f}-{high:.1f}</td>{cells}</tr>")
    return (
        "<table><thead><tr><th>bin</th><th>forecasts</th><th>mean forecast</th>"
        "<th>share that happened</th><th>gap</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# -- tables ------------------------------------------------------------------------------


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def question_cards(questions: pd.DataFrame) -> HTML:
    """Show each question with its resolution date and criterion, as a table.

    Only the columns of :func:`~postparis.forecasting.model.questions_as_of_2015` are
    used, so passing the full table still shows no outcome.
    """
    rows = "".join(
        f"<tr><td><b>{html.escape(str(q))}</b></td><td>{html.escape(str(text))}</td>"
        f"<td>{when:%d %b %Y}</td><td>{html.escape(str(rule))}</td></tr>"
        for q, text, when, rule in questions[
            ["question_id", "question", "resolution_date", "criterion"]
        ].itertuples(index=False)
    )
    return HTML(
        "<table><thead><tr><th>id</th><th>question</th><th>resolves on</th>"
        f"<th>criterion</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def timeline_table(timeline: pd.DataFrame, events: pd.DataFrame) -> HTML:
    """Show the timeline with dates written as precisely as sourced and linked sources.

    Parameters
    ----------
    timeline
        From :func:`~postparis.forecasting.model.timeline_with_questions`.
    events
        From :func:`postparis.data.load_what_happened_next` (for the source links).
    """
    urls = dict(zip(events["event_id"], events["source_url"], strict=True))
    rows = "".join(
        f"<tr><td>{format_when(date, precision)}</td><td>{event_id}</td>"
        f"<td>{html.escape(category)}</td><td>{html.escape(event)}</td>"
        f"<td>{html.escape(resolves) or '-'}</td>"
        f"<td>{_link(urls[event_id], publisher)} ({html.escape(confidence)})</td></tr>"
        for date, precision, event_id, category, event, resolves, publisher, confidence in timeline[
            list(TIMELINE_COLUMNS)
        ].itertuples(index=False)
    )
    return HTML(
        "<table><thead><tr><th>when</th><th>id</th><th>category</th><th>what happened</th>"
        "<th>settles</th><th>source (confidence)</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
