"""Module 04's charts and views: New START, the fighter estimates, the repeated game.

Each ``plot_*`` helper takes ``ax=None`` and returns the ``Axes``; each has a partner
that writes its text alternative from the same numbers. The widgets draw with these
helpers too.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from postparis.dialogue.model import (
    CATEGORIES,
    CATEGORY_LABELS,
    LIMITS,
    PARTIES,
    PARTY_LABELS,
    PUNISHMENT,
    REWARD,
    MatchResult,
    exchange_table,
    margin_text,
)
from postparis.figures import LINESTYLES, MARKERS, PALETTE, add_source, by_gid, use_axes
from postparis.validation import CourseInputError, check_choice

__all__ = [
    "SOURCE_LINE",
    "describe_estimates",
    "describe_exchanges",
    "describe_new_start",
    "describe_noise_sweep",
    "exchange_html",
    "figure_text",
    "match_alt_text",
    "match_artists",
    "match_caption",
    "moves_strip",
    "plot_fighter_estimates",
    "plot_match",
    "plot_new_start",
    "plot_noise_sweep",
    "render_match_summary",
    "update_match",
]

SOURCE_LINE = "Source: New START data exchanges, as reported (data/new_start.csv)"

_COLOURS = (PALETTE["blue"], PALETTE["vermillion"], PALETTE["bluish_green"], PALETTE["orange"])


def _check_sweep(sweep: Mapping[str, Sequence[float]]) -> list[str]:
    if "noise" not in sweep or len(sweep) < 2:
        raise CourseInputError("Expected the result of game.noise_sweep([...]).")
    return [name for name in sweep if name != "noise"]


def plot_noise_sweep(sweep: Mapping[str, Sequence[float]], ax: Axes | None = None) -> Axes:
    """Plot each strategy's payoff against itself as the noise grows.

    Parameters
    ----------
    sweep
        The result of :func:`postparis.dialogue.model.noise_sweep`.
    ax
        Axes to draw on (default: a new figure).
    """
    names = _check_sweep(sweep)
    ax = use_axes(ax)
    for i, name in enumerate(names):
        ax.plot(
            sweep["noise"],
            sweep[name],
            label=f"{name} against itself",
            color=_COLOURS[i % len(_COLOURS)],
            marker=MARKERS[i % len(MARKERS)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            markersize=5,
        )
    _levels(ax)
    ax.set_ylim(0, 3.4)
    ax.set_xlabel("noise: chance that a move is flipped")
    ax.set_ylabel("average payoff per round")
    ax.legend(loc="lower left", fontsize=9)
    add_source(ax, "Model: repeated prisoner's dilemma, payoffs 5/3/1/0 (Axelrod 1984)")
    return ax


def describe_noise_sweep(sweep: Mapping[str, Sequence[float]]) -> str:
    """Return a text alternative for :func:`plot_noise_sweep`, built from the numbers shown."""
    names = _check_sweep(sweep)
    noise = list(sweep["noise"])
    parts = [
        f"Line chart of the average payoff per round of each strategy playing itself, "
        f"for noise from {noise[0]:.2f} to {noise[-1]:.2f}."
    ]
    for name in names:
        values = list(sweep[name])
        parts.append(
            f"{name.capitalize()}: {values[0]:.2f} without noise, {values[-1]:.2f} at noise "
            f"{noise[-1]:.2f}."
        )
    return " ".join(parts)


# --- New START ------------------------------------------------------------------------

_STYLE: dict[str, dict[str, Any]] = {
    "US": {"color": PALETTE["blue"], "marker": MARKERS[0], "linestyle": LINESTYLES[0]},
    "Russia": {"color": PALETTE["vermillion"], "marker": MARKERS[1], "linestyle": LINESTYLES[1]},
}


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
    ax = use_axes(ax)
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


# --- Fighter estimates ----------------------------------------------------------------


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
    ax = use_axes(ax, 8.0, 5.2)
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


# --- The New START explorer's table ----------------------------------------------------


def exchange_html(wide: pd.DataFrame, category: str, parties: Sequence[str]) -> str:
    """Return the table of declared numbers and margins the New START explorer shows."""
    limit = LIMITS[category]
    head = "".join(
        f'<th scope="col">{PARTY_LABELS[p]}</th><th scope="col">margin</th>' for p in parties
    )
    rows = []
    for when, row in wide.iterrows():
        cells = ""
        for p in parties:
            value = row[p]
            shown = "not found" if pd.isna(value) else f"{int(value):,}"
            cells += f"<td>{shown}</td><td>{margin_text(value, limit)}</td>"
        rows.append(f'<tr><th scope="row">{when:%d %b %Y}</th>{cells}</tr>')
    caption = (
        f"{html.escape(CATEGORY_LABELS[category])}: declared numbers and the margin under "
        f"(or over) the limit of {limit:,} at each data exchange"
    )
    return (
        '<table class="postparis-table" style="border-collapse:collapse;min-width:36em">'
        f'<caption style="text-align:left">{caption}</caption>'
        f'<thead><tr><th scope="col">exchange</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# --- One match of the repeated game -----------------------------------------------------

#: What each player's line and flip markers look like in :func:`plot_match`.
_Player = Literal["A", "B"]


class _PlayerStyle(TypedDict):
    color: str
    linestyle: str
    flip: str  # the marker of a flipped move
    flip_y: float  # where flipped moves are marked


_PLAYER_STYLE: dict[_Player, _PlayerStyle] = {
    "A": {"color": PALETTE["blue"], "linestyle": "-", "flip": "v", "flip_y": 0.25},
    "B": {"color": PALETTE["vermillion"], "linestyle": "--", "flip": "^", "flip_y": 0.55},
}


def _levels(ax: Axes) -> None:
    """Mark what mutual cooperation and mutual defection pay, with dotted lines."""
    for level, text in ((REWARD, "both always cooperate"), (PUNISHMENT, "both always defect")):
        ax.axhline(level, color=PALETTE["black"], linestyle=":", linewidth=1)
        ax.annotate(
            text,
            xy=(0.99, level),
            xycoords=("axes fraction", "data"),
            xytext=(0, 3),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )


def plot_match(result: MatchResult, players: Sequence[str], ax: Axes | None = None) -> Axes:
    """Draw each player's average payoff per round so far, and the moves noise flipped.

    Parameters
    ----------
    result
        A match from :func:`postparis.dialogue.model.play_match`.
    players
        The names of the strategies of player A and player B, for the title.
    ax
        Axes to draw on (default: a new figure).
    """
    ax = use_axes(ax, 7.0, 3.6)
    for player, style in _PLAYER_STYLE.items():
        ax.plot(
            [],
            [],
            label=f"player {player}",
            color=style["color"],
            linestyle=style["linestyle"],
            gid=f"line-{player}",
        )
    for player, style in _PLAYER_STYLE.items():
        ax.plot(
            [],
            [],
            style["flip"],
            color=style["color"],
            label=f"{player}'s move flipped",
            gid=f"flips-{player}",
        )
    _levels(ax)
    ax.set_ylim(-0.1, 6.3)
    ax.set_yticks(range(6))
    ax.set_xlabel("round")
    ax.set_ylabel("average payoff per round so far")
    ax.legend(loc="upper center", ncols=4, fontsize=8)
    add_source(ax, "Model: repeated prisoner's dilemma, payoffs 5/3/1/0 (Axelrod 1984)")
    update_match(ax, result, players)
    return ax


def match_artists(ax: Axes) -> list[Artist]:
    """Return what :func:`update_match` changes: the round axis, the title, lines and flips."""
    lines = [by_gid(ax, gid) for gid in ("line-A", "line-B", "flips-A", "flips-B")]
    return [ax.xaxis, ax.title, *lines]


def update_match(ax: Axes, result: MatchResult, players: Sequence[str]) -> None:
    """Show ``result`` on the axes :func:`plot_match` drew."""
    x = list(range(1, result.rounds + 1))
    flips: dict[_Player, Sequence[bool]] = {"A": result.flipped_a, "B": result.flipped_b}
    for player, flipped in flips.items():
        by_gid(ax, f"line-{player}", Line2D).set_data(x, result.running_average(player))
        marks = [t for t, f in zip(x, flipped, strict=True) if f]
        y = _PLAYER_STYLE[player]["flip_y"]
        by_gid(ax, f"flips-{player}", Line2D).set_data(marks, [y] * len(marks))
    ax.set_xlim(0.5, result.rounds + 0.5)
    ax.set_title(f"Player A: {players[0]}; player B: {players[1]}", fontsize=11)


def match_alt_text(result: MatchResult, players: Sequence[str], noise: float) -> str:
    """Describe :func:`plot_match`'s chart in words, for a screen reader."""
    flipped = sum(result.flipped_a) + sum(result.flipped_b)
    return (
        f"Line chart over {result.rounds} rounds of each player's average payoff per "
        f"round so far, noise {noise:.2f}. Player A ({players[0]}) ends at "
        f"{result.average_a:.2f}, player B ({players[1]}) at {result.average_b:.2f}; "
        f"mutual cooperation pays {REWARD} a round and mutual defection {PUNISHMENT}. "
        f"Noise flipped {flipped} moves, marked by triangles near the bottom."
    )


def match_caption(players: Sequence[str]) -> str:
    """Return the caption of :func:`plot_match`'s chart."""
    return (
        f"One match, {players[0]} (A) against {players[1]} (B): each player's "
        "average payoff per round so far."
    )


def render_match_summary(
    result: MatchResult, players: Sequence[str], comparison: tuple[float, float], matches: int
) -> str:
    """Return the simulator's text: this match, then tit for tat against generous tit for tat.

    ``comparison`` is each strategy's payoff against itself over ``matches`` matches
    with the same settings (see :func:`postparis.dialogue.model.self_play_payoff`).
    """
    tft, gtft = comparison
    flipped = sum(result.flipped_a) + sum(result.flipped_b)
    verdict = (
        "tit for tat does <b>worse</b>" if tft < gtft else "tit for tat does <b>not</b> do worse"
    )
    return (
        f"<p>In this match player A ({html.escape(players[0])}) averaged "
        f"<b>{result.average_a:.2f}</b> points per round and player B "
        f"({html.escape(players[1])}) <b>{result.average_b:.2f}</b>. Both cooperated "
        f"in {result.mutual_cooperation:.0%} of rounds; noise flipped {flipped} moves.</p>"
        f"<p><b>Comparison over {matches} matches</b> with this noise, number "
        f"of rounds, generosity and seed: tit for tat against itself averages "
        f"<b>{tft:.3f}</b>; generous tit for tat against itself <b>{gtft:.3f}</b>. "
        f"Here {verdict} than generous tit for tat.</p>" + moves_strip(result)
    )


def moves_strip(result: MatchResult, limit: int = 40) -> str:
    """Return the first ``limit`` moves of each player as text; flipped moves underlined."""

    def strip(moves: tuple[str, ...], flipped: tuple[bool, ...]) -> str:
        return " ".join(
            f"<u>{m}</u>" if f else m for m, f in zip(moves[:limit], flipped[:limit], strict=True)
        )

    more = f" (first {limit} of {result.rounds} rounds)" if result.rounds > limit else ""
    return (
        f"<p><b>Moves{more}</b>; an underlined move was flipped by noise:<br>"
        f"<code>A: {strip(result.moves_a, result.flipped_a)}</code><br>"
        f"<code>B: {strip(result.moves_b, result.flipped_b)}</code></p>"
    )
