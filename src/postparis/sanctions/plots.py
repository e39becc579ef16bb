"""Module 02's charts and views: the sanctions timeline, the rouble and oil, the bargain.

Each helper takes an ``ax`` (or makes a figure in the course style), draws only sourced
points, puts a source line under the chart, and returns what it drew on, so that an
exercise can add to it. Colour is never the only cue: every series also has its own
marker or line style and a label.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.dates import DateFormatter, MonthLocator
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from postparis.data import INFORMATION_CUTOFF
from postparis.figures import (
    LINESTYLES,
    MARKERS,
    PALETTE,
    add_source,
    by_gid,
    course_style,
    use_axes,
)
from postparis.sanctions.model import (
    DEFAULT_BARGAIN,
    BargainParameters,
    LineFit,
    deal_zone,
    payoff_curves,
    russia_threshold,
)
from postparis.validation import check_date

__all__ = [
    "ACTOR_STYLE",
    "BARGAIN_CAPTION",
    "BARGAIN_SHARES",
    "bargain_alt_text",
    "bargain_artists",
    "plot_bargain",
    "plot_rouble_vs_oil",
    "plot_sanctions_timeline",
    "render_bargain_summary",
    "render_timeline_rows",
    "rouble_and_brent_figure",
    "update_bargain",
]

#: One row of the timeline chart per actor, each with its own colour *and* marker.
ACTOR_STYLE: dict[str, tuple[str, str]] = {
    "US": (PALETTE["blue"], "s"),
    "EU": (PALETTE["bluish_green"], "o"),
    "Russia": (PALETTE["vermillion"], "^"),
    "other": (PALETTE["black"], "D"),
}

_SOURCE_TIMELINE = "Source: data/sanctions_2014_2015.csv (each row cites its own source)"
_SOURCE_ECONOMY = (
    "Sources: data/russia_economy.csv (rouble: TASS, Reuters, RFE/RL and others; Brent: EIA)"
)


def plot_sanctions_timeline(timeline: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw one row per actor with a marker for each measure or event, by date.

    Events (MH17, Minsk II ...) are drawn as hollow markers, measures as filled ones.
    """
    ax = use_axes(ax, 7.5, 3.2)
    actors = [a for a in ACTOR_STYLE if a in set(timeline["actor"])]
    for row, actor in enumerate(actors):
        colour, marker = ACTOR_STYLE[actor]
        rows = timeline[timeline["actor"] == actor]
        events = rows["kind"] == "event"
        if (~events).any():
            ax.scatter(
                rows.loc[~events, "date"],
                [row] * int((~events).sum()),
                marker=marker,
                s=60,
                color=colour,
                label=f"{actor}: measure",
                zorder=3,
            )
        if events.any():
            ax.scatter(
                rows.loc[events, "date"],
                [row] * int(events.sum()),
                marker=marker,
                s=60,
                facecolors="white",
                edgecolors=colour,
                linewidths=1.5,
                label=f"{actor}: event",
                zorder=3,
            )
    ax.set_yticks(range(len(actors)), actors)
    ax.set_ylim(-0.6, len(actors) - 0.4)
    ax.xaxis.set_major_locator(MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    ax.set_xlabel("Date")
    ax.set_title("Sanctions, counter-sanctions and events, 2014-2015")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    add_source(ax, _SOURCE_TIMELINE)
    return ax


def _mark_turning_points(
    axes: tuple[Axes, Axes], economy: pd.DataFrame, timeline: pd.DataFrame | None
) -> None:
    """Draw dashed lines at the first US and EU sectoral sanctions and the rate rise."""
    top, _ = axes
    marks: list[tuple[pd.Timestamp, str]] = []
    if timeline is not None:
        for actor in ("US", "EU"):
            sectoral = timeline[(timeline["actor"] == actor) & (timeline["kind"] == "sectoral")]
            applied = sectoral[sectoral["date"] > pd.Timestamp("2014-04-01")]
            if not applied.empty:
                marks.append((applied["date"].min(), f"first {actor} sectoral"))
    hike = economy[economy["indicator"] == "CBR key rate"]
    if not hike.empty:
        marks.append((hike["date"].min(), "rate rise"))
    for ax in axes:
        for when, _ in marks:
            ax.axvline(when, color="#555555", linestyle="--", linewidth=0.9)
    for when, label in marks:
        top.annotate(
            label,
            xy=(when, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(2, -2),
            textcoords="offset points",
            fontsize=7,
            rotation=90,
            va="top",
        )


def rouble_and_brent_figure(
    economy: pd.DataFrame,
    timeline: pd.DataFrame | None = None,
    *,
    end: str | pd.Timestamp = INFORMATION_CUTOFF,
) -> tuple[Figure, tuple[Axes, Axes]]:
    """Draw the rouble (top) above the Brent price (bottom), 2013 to ``end``.

    Only sourced values are drawn, as markers; the monthly Brent averages are joined
    by a line because they cover every month. Vertical dashed lines mark the first US
    and EU sectoral sanctions (from ``timeline``, if given) and the central bank's rate
    rise of 16 December 2014 (from ``economy``).

    Returns
    -------
    tuple
        The figure and its two axes ``(rouble_ax, brent_ax)``.
    """
    stop = check_date(end, "The end date")
    data = economy[(economy["date"] >= pd.Timestamp("2013-01-01")) & (economy["date"] <= stop)]
    with course_style():
        fig = Figure(figsize=(7.5, 5.2), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True)
    rouble = data[(data["indicator"] == "RUB per USD") & (data["date_precision"] == "day")]
    for index, (kind, rows) in enumerate(rouble.groupby("value_kind", sort=True)):
        top.plot(
            rows["date"],
            rows["value"],
            linestyle="none",
            marker=MARKERS[index % len(MARKERS)],
            markersize=7,
            label=str(kind),
        )
    top.set_ylabel("Roubles per US dollar")
    top.set_title("The rouble (more roubles per dollar = a weaker rouble)")
    top.legend(fontsize=8, loc="upper left")

    brent = data[data["indicator"] == "Brent crude price"]
    monthly = brent[brent["period"] == "month average"]
    daily = brent[brent["value_kind"].str.startswith("spot price, daily")]
    bottom.plot(
        monthly["date"],
        monthly["value"],
        color=PALETTE["black"],
        linestyle=LINESTYLES[0],
        label="monthly average spot price (EIA)",
    )
    bottom.plot(
        daily["date"],
        daily["value"],
        linestyle="none",
        marker="x",
        color=PALETTE["orange"],
        label="daily spot price on a quoted day (EIA)",
    )
    bottom.set_ylabel("US dollars a barrel")
    bottom.set_title("Brent crude oil")
    bottom.legend(fontsize=8, loc="lower left")

    _mark_turning_points((top, bottom), economy, timeline)
    bottom.xaxis.set_major_locator(MonthLocator(bymonth=(1, 7)))
    bottom.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    add_source(bottom, _SOURCE_ECONOMY)
    return fig, (top, bottom)


def plot_rouble_vs_oil(
    pairs: pd.DataFrame, fit: LineFit | None = None, ax: Axes | None = None
) -> Axes:
    """Scatter the rouble rate against the Brent price on the days both are sourced.

    Parameters
    ----------
    pairs
        The table from :func:`postparis.data.load_rouble_and_brent`.
    fit
        A :class:`~postparis.sanctions.model.LineFit` to draw as a dashed line.
    ax
        Axes to draw on; a new figure if ``None``.
    """
    ax = use_axes(ax, 7.0, 4.2)
    for index, (kind, rows) in enumerate(pairs.groupby("rub_kind", sort=True)):
        ax.plot(
            rows["brent_usd"],
            rows["rub_per_usd"],
            linestyle="none",
            marker=MARKERS[index % len(MARKERS)],
            markersize=8,
            label=f"rouble: {kind}",
        )
    for index, (_, row) in enumerate(pairs.sort_values("date").iterrows()):
        # Alternate above and below, so that labels of neighbouring days do not overlap.
        ax.annotate(
            f"{row['date']:%d %b %Y}",
            (row["brent_usd"], row["rub_per_usd"]),
            xytext=(5, 4 if index % 2 == 0 else -10),
            textcoords="offset points",
            fontsize=7,
        )
    if fit is not None:
        xs = pd.Series([pairs["brent_usd"].min(), pairs["brent_usd"].max()])
        ax.plot(
            xs,
            fit.intercept + fit.slope * xs,
            linestyle="--",
            color=PALETTE["black"],
            label=f"least-squares line (n = {fit.n})",
        )
    ax.set_xlabel("Brent crude, US dollars a barrel")
    ax.set_ylabel("Roubles per US dollar")
    ax.set_title("The rouble against oil, on the days both are sourced")
    ax.legend(fontsize=8)
    add_source(ax, _SOURCE_ECONOMY)
    return ax


# -- the bargain -------------------------------------------------------------------------


#: The relief shares the bargain chart is drawn over.
BARGAIN_SHARES = np.linspace(0.0, 1.0, 101)
#: The bargain chart's caption.
BARGAIN_CAPTION = "Each side's gain from a deal; the hatched band is where both gain."


def plot_bargain(params: BargainParameters = DEFAULT_BARGAIN, ax: Axes | None = None) -> Axes:
    """Draw both sides' gains against the share of sanctions lifted, and where both gain.

    Russia's gain is a solid line, the West's a dashed one; the hatched band marks the
    relief shares at which both gain. The three carry ``gid`` names
    (``"russia-gain"``, ``"west-gain"``, ``"deal-band"``) so that
    :func:`update_bargain` can move them.
    """
    ax = use_axes(ax, 7.2, 3.4)
    ax.plot(
        BARGAIN_SHARES,
        BARGAIN_SHARES,
        color=PALETTE["vermillion"],
        linestyle="-",
        label="Russia's gain",
        gid="russia-gain",
    )
    ax.plot(
        BARGAIN_SHARES,
        BARGAIN_SHARES,
        color=PALETTE["blue"],
        linestyle="--",
        label="the West's gain",
        gid="west-gain",
    )
    ax.axhline(0.0, color=PALETTE["black"], linewidth=0.8)
    band = Rectangle(
        (0.0, -100.0),
        0.0,
        200.0,
        facecolor="#dddddd",
        edgecolor="#555555",
        hatch="//",
        linewidth=0.0,
        alpha=0.45,  # drawn over the grid and the zero line: keep both visible
        label="deal pays both",
        gid="deal-band",
    )
    ax.add_patch(band)
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(-10.5, 20.5)
    ax.set_xlabel("Share of the sectoral sanctions lifted (0 = none, 1 = all)")
    ax.set_ylabel("Gain from a deal (points)")
    ax.set_title("Sanctions relief for cooperation: who gains?")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    add_source(ax, "Model: postparis.sanctions.model.deal_payoffs (illustrative values)")
    update_bargain(ax, params)
    return ax


def bargain_artists(ax: Axes) -> list[Artist]:
    """Return what :func:`update_bargain` moves: the band and the two gain lines."""
    return [by_gid(ax, gid) for gid in ("deal-band", "russia-gain", "west-gain")]


def update_bargain(ax: Axes, params: BargainParameters) -> None:
    """Move the lines and the band that :func:`plot_bargain` drew to show ``params``."""
    band = by_gid(ax, "deal-band", Rectangle)
    russia_line = by_gid(ax, "russia-gain", Line2D)
    west_line = by_gid(ax, "west-gain", Line2D)
    russia, west = payoff_curves(params, BARGAIN_SHARES)
    russia_line.set_ydata(russia)
    west_line.set_ydata(west)
    zone = deal_zone(params)
    band.set_x(zone[0] if zone else 0.0)
    band.set_width((zone[1] - zone[0]) if zone else 0.0)


def bargain_alt_text(params: BargainParameters) -> str:
    """Describe :func:`plot_bargain`'s chart for ``params`` in words, for a screen reader."""
    zone = deal_zone(params)
    where = (
        "No share of relief gives both sides a gain."
        if zone is None
        else f"Both gains are above zero between {zone[0]:.0%} and {zone[1]:.0%} relief."
    )
    return (
        "Line chart of each side's gain against the share of sanctions lifted. "
        f"Russia's gain rises from {params.cooperation_value_russia - params.cooperation_cost_russia:g} "
        f"to {params.cooperation_value_russia + params.relief_value_russia - params.cooperation_cost_russia:g}; "
        f"the West's gain falls from {params.cooperation_value_west:g} to "
        f"{params.cooperation_value_west - params.credibility_cost_west:g}. {where}"
    )


def render_bargain_summary(params: BargainParameters) -> str:
    """Return the sentence the bargain explorer shows under its chart."""
    zone = deal_zone(params)
    threshold = russia_threshold(params)
    if threshold is None:
        russia = "Even lifting all the sectoral sanctions leaves Russia no better off."
    elif threshold == 0:
        russia = "Russia gains from cooperating even with no relief."
    else:
        russia = f"Russia gains only if more than {threshold:.0%} of the sanctions are lifted."
    if zone is None:
        deal = "<b>No relief share pays both sides</b>: there is no deal to be had."
    else:
        low, high = zone
        deal = (
            f"<b>A deal pays both sides</b> for relief shares between {low:.0%} and "
            f"{high:.0%} (the hatched band)."
        )
    return f"<p>{deal} {russia}</p>"


# -- the timeline table ------------------------------------------------------------------

_COLUMNS = ("date", "actor", "kind", "measure", "target", "sector")


def render_timeline_rows(
    rows: pd.DataFrame, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> str:
    """Return the HTML table the timeline explorer shows for the chosen rows.

    ``start`` and ``end``, if given, are named in the sentence above the table, so that
    the chosen date range can be read (and heard by a screen reader) in full.
    """
    count = len(rows)
    span = (
        f" from {start:%d %b %Y} to {end:%d %b %Y}" if start is not None and end is not None else ""
    )
    head = f"<p><b>{count} row{'s' if count != 1 else ''}</b> match your filters{span}.</p>"
    if not count:
        return head
    header = "".join(f"<th style='text-align:left'>{c}</th>" for c in _COLUMNS)
    body = []
    for _, row in rows.iterrows():
        cells = [f"{row['date']:%d %b %Y}"] + [html.escape(str(row[c])) for c in _COLUMNS[1:]]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return (
        f"{head}<table class='postparis-table'><caption>Sanctions timeline, filtered"
        f"</caption><thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
