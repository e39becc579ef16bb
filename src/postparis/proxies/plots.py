"""Module 03's charts. Each helper takes ``ax=None``, draws, and returns the ``Axes``.

Colour is never the only cue: events before and after the article differ in marker
shape as well as colour, and every range is labelled with who gives it.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from postparis.data import PUBLICATION_CUTOFF
from postparis.figures import PALETTE, add_source, by_gid, use_axes
from postparis.proxies.model import (
    ANALOGY_DIMENSIONS,
    ANALOGY_SCALE,
    AnalogyDimension,
    ProposalScenario,
    break_even_leak_probability,
    describe_break_even,
    expected_value,
    expected_value_curve,
    score_analogy,
)
from postparis.validation import CourseInputError

__all__ = [
    "EV_CAPTION",
    "EV_GRID",
    "dimension_card",
    "estimate_ranges_alt_text",
    "expected_value_alt_text",
    "expected_value_artists",
    "plot_estimate_ranges",
    "plot_expected_value",
    "plot_timeline",
    "render_analogy_summary",
    "render_decision_readout",
    "timeline_alt_text",
    "update_expected_value",
]

#: The leak probabilities the expected-value chart is drawn over.
EV_GRID = np.linspace(0.0, 0.3, 61)
#: The expected-value chart's caption.
EV_CAPTION = "Expected value of supplying the missiles as the leak probability rises."


def _short(text: str, width: int = 58) -> str:
    return textwrap.shorten(str(text), width=width, placeholder=" …")


def plot_timeline(timeline: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw one dot per row of a timeline, labelled with its event, oldest at the top.

    Events reported after the article (``after_publication``) are drawn as open squares,
    the others as filled circles; a dashed line marks the article's latest date.
    """
    if timeline.empty:
        raise CourseInputError("The timeline has no rows to draw.")
    ax = use_axes(ax, 7.5, 0.32 * len(timeline) + 1.4)
    rows = timeline.reset_index(drop=True)
    y = np.arange(len(rows))[::-1]
    after = rows["after_publication"].to_numpy(dtype=bool)
    ax.plot(
        rows.loc[~after, "date"],
        y[~after],
        "o",
        color=PALETTE["blue"],
        label="known when the article appeared",
    )
    ax.plot(
        rows.loc[after, "date"],
        y[after],
        "s",
        markerfacecolor="white",
        color=PALETTE["vermillion"],
        label="reported after the article",
    )
    ax.axvline(PUBLICATION_CUTOFF, color=PALETTE["black"], linestyle="--", linewidth=1)
    ax.set_yticks(y, [_short(e) for e in rows["event"]], fontsize=8)
    ax.xaxis.set_major_locator(mdates.DayLocator(bymonthday=[1, 15]))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    ax.set_xlabel("Date (2015)")
    ax.set_title("Syria, autumn 2015")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(axis="y", visible=False)
    add_source(ax, "Source: course data (syria_2015.csv), each row with its own source")
    return ax


def plot_estimate_ranges(ranges: pd.DataFrame, unit: str, ax: Axes | None = None) -> Axes:
    """Draw each source's figure (a dot) or range (a bar) for one disputed quantity.

    Parameters
    ----------
    ranges
        A table like the one :func:`postparis.proxies.model.estimate_ranges` returns.
    unit
        What the figures count, for the axis label (e.g. ``"missiles"``).
    """
    if ranges.empty:
        raise CourseInputError("The table has no estimates to draw.")
    ax = use_axes(ax, 7.0, 0.6 * len(ranges) + 1.3)
    rows = ranges.reset_index(drop=True)
    y = np.arange(len(rows))[::-1]
    for position, (_, row) in zip(y, rows.iterrows(), strict=True):
        low, high = row["value_low"], row["value_high"]
        if high > low:
            ax.plot([low, high], [position, position], "-", linewidth=6, color=PALETTE["blue"])
        ax.plot([low, high], [position, position], "o", color=PALETTE["black"])
        ax.annotate(
            f"{low:,.0f}" if high == low else f"{low:,.0f}-{high:,.0f}",
            (high, position),
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    ax.set_yticks(y, [_short(c, 62) for c in rows["claimant"]], fontsize=8)
    ax.set_xlim(0, float(rows["value_high"].max()) * 1.25)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(f"Estimate ({unit})")
    ax.grid(axis="y", visible=False)
    add_source(ax, "Source: course data (afghanistan_stinger.csv), each row with its own source")
    return ax


def plot_expected_value(
    scenario: ProposalScenario,
    ax: Axes | None = None,
    grid: Sequence[float] = tuple(EV_GRID),
) -> Axes:
    """Draw the expected value of the proposal against the leak probability.

    The line holds the other five numbers of ``scenario`` fixed; a diamond marks the
    scenario's own leak probability, and a dotted line marks zero (no gain, no loss).
    The artists carry ``gid`` names (``"ev-line"``, ``"ev-point"``) so that a widget can
    update them in place.
    """
    ax = use_axes(ax, 6.0, 3.2)
    leak = np.asarray(grid, dtype=float)
    curve = expected_value_curve(scenario, leak)
    ax.axhline(0.0, color=PALETTE["black"], linestyle=":", linewidth=1)
    (line,) = ax.plot(leak, curve, "-", color=PALETTE["blue"], label="expected value")
    line.set_gid("ev-line")
    point_value = float(expected_value_curve(scenario, [scenario.p_leak])[0])
    (point,) = ax.plot(
        [scenario.p_leak],
        [point_value],
        "D",
        color=PALETTE["vermillion"],
        label="your leak probability",
    )
    point.set_gid("ev-point")
    ax.set_xlim(float(leak.min()), float(leak.max()))
    ax.set_ylim(-50, 50)
    ax.set_xlabel("Probability that missiles reach extremists (p_leak)")
    ax.set_ylabel("Expected value (points)")
    ax.set_title("Supplying the missiles vs not (0 = no gain, no loss)")
    ax.legend(
        handles=[
            line,
            point,
            Line2D([], [], color=PALETTE["black"], linestyle=":", label="break-even level"),
        ],
        loc="upper right",
        fontsize=8,
    )
    add_source(ax, "Source: illustrative assumptions of the course's decision model")
    return ax


def expected_value_artists(ax: Axes) -> list[Artist]:
    """Return what :func:`update_expected_value` moves: the line and the diamond."""
    return [by_gid(ax, "ev-line"), by_gid(ax, "ev-point")]


def update_expected_value(ax: Axes, scenario: ProposalScenario) -> None:
    """Move the line and the diamond that :func:`plot_expected_value` drew to ``scenario``."""
    line = by_gid(ax, "ev-line", Line2D)
    point = by_gid(ax, "ev-point", Line2D)
    leak = np.asarray(line.get_xdata(), dtype=np.float64)
    line.set_ydata(expected_value_curve(scenario, leak))
    value = float(expected_value_curve(scenario, [scenario.p_leak])[0])
    point.set_data([scenario.p_leak], [value])


# ---------------------------------------------------------------------------
# Text alternatives, computed from the same data as the charts
# ---------------------------------------------------------------------------


def timeline_alt_text(timeline: pd.DataFrame) -> str:
    """Describe :func:`plot_timeline`'s chart in words, for a screen reader."""
    if timeline.empty:
        raise CourseInputError("The timeline has no rows to describe.")
    rows = timeline.sort_values("date", kind="stable")
    after = rows[rows["after_publication"].astype(bool)]
    text = (
        f"Dot chart of {len(rows)} events and claims about Syria from "
        f"{rows['date'].iloc[0]:%d %B} to {rows['date'].iloc[-1]:%d %B %Y}, one row each, "
        f"oldest at the top. {len(rows) - len(after)} were known when the article appeared "
        f"(filled circles, up to the dashed line at {PUBLICATION_CUTOFF:%d %B})"
    )
    if after.empty:
        return text + "; none came after it."
    first = after.iloc[0]
    return (
        text + f"; {len(after)} were reported after it (open squares), the first being "
        f"'{first['event']}' on {first['date']:%d %B}."
    )


def estimate_ranges_alt_text(ranges: pd.DataFrame, unit: str) -> str:
    """Describe :func:`plot_estimate_ranges`'s chart in words, for a screen reader."""
    if ranges.empty:
        raise CourseInputError("The table has no estimates to describe.")
    parts = []
    for _, row in ranges.iterrows():
        low, high = row["value_low"], row["value_high"]
        figure = f"{low:,.0f}" if high == low else f"{low:,.0f} to {high:,.0f}"
        parts.append(
            f"{figure} {unit} according to {row['claimant']} ({row['confidence']} confidence)"
        )
    return f"{len(parts)} estimates, one row each: " + "; ".join(parts) + "."


def expected_value_alt_text(scenario: ProposalScenario) -> str:
    """Describe :func:`plot_expected_value`'s chart for ``scenario`` in words."""
    values = scenario.as_dict()
    ev = expected_value(**values)
    start = expected_value(**{**values, "p_leak": 0.0})
    return (
        "Line chart of the expected value of supplying the missiles against the probability "
        f"of a leak. The straight line starts at {start:+.1f} points when no missile leaks "
        f"and changes by {scenario.v_leak / 100:+.2f} points for each percentage point "
        f"of leak probability. At p_leak = {scenario.p_leak:.3f} the expected value is "
        f"{ev:+.2f} points."
    )


# ---------------------------------------------------------------------------
# The widgets' cards and readouts
# ---------------------------------------------------------------------------

_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def _markdown_links_to_html(text: str) -> str:
    """Turn the ``[text](url)`` links of a sourced fact into HTML links (escaping the rest)."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        label, url = match.groups()
        out.append(
            f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">'
            f"{html.escape(label)}</a>"
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def dimension_card(dimension: AnalogyDimension) -> str:
    """Return the card of one dimension of the analogy, with its sourced facts linked."""
    return (
        f"<div class='postparis-card'><p><b>{html.escape(dimension.label)}</b>: "
        f"<i>{html.escape(dimension.question)}</i></p><ul>"
        f"<li><b>Afghanistan, 1986:</b> {_markdown_links_to_html(dimension.afghanistan)}</li>"
        f"<li><b>Syria, 2015:</b> {_markdown_links_to_html(dimension.syria)}</li></ul></div>"
    )


def render_analogy_summary(ratings: dict[str, int]) -> str:
    """Return the HTML summary the scorecard shows, including the line to copy into code."""
    summary = score_analogy(ratings)
    labels = {d.key: d.label for d in ANALOGY_DIMENSIONS}
    items = "".join(
        f"<li>{html.escape(labels[k])}: {v} ({ANALOGY_SCALE[v]})</li>"
        for k, v in summary["ratings"].items()
    )
    record = html.escape(f"my_ratings = {summary['ratings']!r}")
    return (
        f"<div class='postparis-card' aria-live='polite'><p><b>Your ratings</b> "
        f"(1 = very different, 5 = very similar):</p><ul>{items}</ul>"
        f"<p><b>Average:</b> {summary['mean']:.1f} of 5. {html.escape(summary['verdict'])}</p>"
        f"<p>To record them for the exercise, copy this line into the answer cell:<br>"
        f"<code>{record}</code></p></div>"
    )


def render_decision_readout(scenario: ProposalScenario, *, show_break_even: bool) -> str:
    """Return the one-line HTML readout of the decision explorer."""
    ev = expected_value(**scenario.as_dict())
    verdict = "pays" if ev > 0 else ("breaks even" if ev == 0 else "does not pay")
    text = (
        f"<p aria-live='polite'><b>Expected value:</b> {ev:+.2f} points at p_leak = "
        f"{scenario.p_leak:.3f}: on these assumptions the proposal <b>{verdict}</b>."
    )
    if show_break_even and scenario.v_leak < 0:
        p_star = break_even_leak_probability(
            scenario.p_deter,
            scenario.v_deter,
            scenario.v_leak,
            scenario.p_incident,
            scenario.v_incident,
        )
        text += f" {html.escape(describe_break_even(p_star))}"
    return text + "</p>"
