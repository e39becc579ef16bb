"""Module 02's charts: the sanctions timeline, the rouble beside Brent, rouble against oil.

Each helper takes an ``ax`` (or makes a figure in the course style), draws only sourced
points, puts a source line under the chart, and returns what it drew on, so that an
exercise can add to it. Colour is never the only cue: every series also has its own
marker or line style and a label.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.dates import DateFormatter, MonthLocator
from matplotlib.figure import Figure

from postparis.figures import LINESTYLES, MARKERS, PALETTE, add_source, course_style, new_figure
from postparis.sanctions.model import LineFit

__all__ = [
    "ACTOR_STYLE",
    "plot_rouble_vs_oil",
    "plot_sanctions_timeline",
    "rouble_and_brent_figure",
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


def _ax(ax: Axes | None, width: float = 7.0, height: float = 3.8) -> Axes:
    if ax is not None:
        return ax
    return new_figure(width, height)[1]


def plot_sanctions_timeline(timeline: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Draw one row per actor with a marker for each measure or event, by date.

    Events (MH17, Minsk II ...) are drawn as hollow markers, measures as filled ones.
    """
    ax = _ax(ax, 7.5, 3.2)
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


def rouble_and_brent_figure(
    economy: pd.DataFrame,
    timeline: pd.DataFrame | None = None,
    *,
    end: str = "2015-12-31",
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
    stop = pd.Timestamp(end)
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
    for ax in (top, bottom):
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
    ax = _ax(ax, 7.0, 4.2)
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
