"""Module 04's widgets: thin views over :mod:`~postparis.dialogue.newstart` and :mod:`~postparis.dialogue.game`.

Each factory returns a container and never calls ``display``; a notebook shows it with
:func:`postparis.display.show`. Every control has a visible label and works from the
keyboard. Each widget keeps one matplotlib figure, updates its artists when a control
moves, and renders it to an :class:`ipywidgets.HTML` with alt text and a caption.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.dates as mdates
import pandas as pd

from postparis.dialogue.game import (
    DEFAULT_GENEROSITY,
    DEFAULT_MATCHES,
    DEFAULT_ROUNDS,
    DEFAULT_SEED,
    NOISE_GRID,
    PUNISHMENT,
    REWARD,
    STRATEGY_NAMES,
    MatchResult,
    get_strategy,
    play_match,
    self_play_payoff,
)
from postparis.dialogue.newstart import (
    CATEGORIES,
    CATEGORY_LABELS,
    LIMITS,
    PARTIES,
    PARTY_LABELS,
    SOURCE_LINE,
    describe_exchanges,
    exchange_table,
    margin_text,
    through_cutoff,
)
from postparis.figures import (
    LINESTYLES,
    MARKERS,
    PALETTE,
    LiveFigure,
    add_source,
    figure_html,
    new_figure,
)

__all__ = ["new_start_explorer", "repeated_game_simulator"]

_STYLE = {"description_width": "initial"}
_PARTY_STYLE = {
    "US": {"color": PALETTE["blue"], "marker": MARKERS[0], "linestyle": LINESTYLES[0]},
    "Russia": {"color": PALETTE["vermillion"], "marker": MARKERS[1], "linestyle": LINESTYLES[1]},
}


def _freeze_layout(fig: object, first_render: list[bool]) -> None:
    """After the first render (which ran the constrained layout), keep that layout.

    Later renders then skip the layout pass, the slowest part of drawing a figure.
    """
    if first_render[0]:
        fig.set_layout_engine("none")  # type: ignore[attr-defined]
        first_render[0] = False


# --- New START explorer ---------------------------------------------------------------


def _exchange_html(wide: pd.DataFrame, category: str, parties: list[str]) -> str:
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


def new_start_explorer(table: pd.DataFrame, *, category: str = "deployed_warheads") -> widgets.VBox:
    """Return an explorer of the New START exchanges known by 31 December 2015.

    Parameters
    ----------
    table
        The table from :func:`postparis.data.load_new_start` (later rows are dropped).
    category
        The category shown first.

    Returns
    -------
    ipywidgets.VBox
        Controls (party, category, limit line), the chart and a table of margins.
    """
    data = through_cutoff(table)
    wide_by_category = {c: exchange_table(data, c) for c in CATEGORIES}  # computed once

    party = widgets.Dropdown(
        options=[("Both", "both"), ("United States", "US"), ("Russia", "Russia")],
        value="both",
        description="Party",
        style=_STYLE,
    )
    chooser = widgets.Dropdown(
        options=[(CATEGORY_LABELS[c], c) for c in CATEGORIES],
        value=category,
        description="Category",
        style=_STYLE,
        layout=widgets.Layout(width="max-content"),
    )
    show_limit = widgets.Checkbox(value=True, description="Show the treaty limit", indent=False)
    chart = widgets.HTML()
    numbers = widgets.HTML()

    fig, ax = new_figure()
    lines = {
        p: ax.plot([], [], label=PARTY_LABELS[p], markersize=6, **_PARTY_STYLE[p])[0]
        for p in PARTIES
    }
    limit_line = ax.axhline(0, color=PALETTE["black"], linestyle=":", linewidth=1.5)
    limit_label = ax.annotate(
        "",
        xy=(0.01, 0),
        xycoords=("axes fraction", "data"),
        xytext=(0, 3),
        textcoords="offset points",
        fontsize=9,
    )
    ax.set_ylabel("number declared")
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    add_source(ax, SOURCE_LINE)
    first_render = [True]
    # The chart and table depend only on the three controls (18 states): each state is
    # drawn once, and showing it again costs nothing.
    rendered: dict[tuple[str, str, bool], tuple[str, str]] = {}

    def render(_change: object = None) -> None:
        key = (party.value, chooser.value, bool(show_limit.value))
        if key not in rendered:
            rendered[key] = draw()
        chart.value, numbers.value = rendered[key]

    def draw() -> tuple[str, str]:
        wanted = list(PARTIES) if party.value == "both" else [party.value]
        wide = wide_by_category[chooser.value]
        limit = LIMITS[chooser.value]
        values: list[float] = []
        for p, line in lines.items():
            series = wide[p].dropna()
            line.set_data(series.index, series.to_numpy(dtype=float))
            line.set_visible(p in wanted)
            if p in wanted:
                values.extend(series.to_numpy(dtype=float))
        limit_line.set_ydata([limit, limit])
        limit_line.set_visible(show_limit.value)
        limit_label.xy = (0.01, limit)
        limit_label.set_text(f"limit {limit:,}")
        limit_label.set_visible(show_limit.value)
        if show_limit.value:
            values.append(float(limit))
        low, high = min(values), max(values)
        pad = max(20.0, (high - low) * 0.12)
        ax.set_ylim(low - pad, high + pad)
        ax.set_xlim(
            wide.index.min() - pd.Timedelta(days=60), wide.index.max() + pd.Timedelta(days=60)
        )
        ax.set_title(CATEGORY_LABELS[chooser.value], fontsize=11)
        ax.legend(handles=[lines[p] for p in wanted], loc="upper right")
        picture = figure_html(
            fig,
            alt=describe_exchanges(wide, chooser.value, wanted, show_limit=show_limit.value),
            caption=f"{' and '.join(PARTY_LABELS[p] for p in wanted)}: "
            f"{CATEGORY_LABELS[chooser.value].lower()}, declared at each New START data "
            "exchange up to September 2015.",
        )
        _freeze_layout(fig, first_render)
        return picture, _exchange_html(wide, chooser.value, wanted)

    for control in (party, chooser, show_limit):
        control.observe(render, names="value")
    render()
    return widgets.VBox([widgets.HBox([party, chooser, show_limit]), chart, numbers])


# --- Repeated-game simulator ----------------------------------------------------------


def _moves_strip(result: MatchResult, limit: int = 40) -> str:
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


def repeated_game_simulator(
    *,
    player_a: str = "tit for tat",
    player_b: str = "tit for tat",
    noise: float = 0.0,
    rounds: int = DEFAULT_ROUNDS,
    generosity: float = DEFAULT_GENEROSITY,
    seed: int = DEFAULT_SEED,
) -> widgets.VBox:
    """Return a simulator of the repeated prisoner's dilemma with noise.

    The chart follows one match: each player's average payoff per round so far. Under
    it, the simulator compares tit for tat and generous tit for tat, each playing
    itself, over :data:`~postparis.dialogue.game.DEFAULT_MATCHES` matches with the
    same settings (see :func:`~postparis.dialogue.game.self_play_payoff`).

    Returns
    -------
    ipywidgets.VBox
        Controls (two strategy pickers, sliders for noise, rounds and generosity, a
        seed box), the chart and a text summary.
    """
    pick_a = widgets.Dropdown(
        options=STRATEGY_NAMES, value=player_a, description="Player A", style=_STYLE
    )
    pick_b = widgets.Dropdown(
        options=STRATEGY_NAMES, value=player_b, description="Player B", style=_STYLE
    )
    noise_slider = widgets.FloatSlider(
        value=noise,
        min=NOISE_GRID[0],
        max=NOISE_GRID[-1],
        step=0.01,
        description="Noise (chance a move is flipped)",
        readout_format=".2f",
        continuous_update=False,
        style=_STYLE,
        layout=widgets.Layout(width="32em"),
    )
    rounds_slider = widgets.IntSlider(
        value=rounds,
        min=10,
        max=500,
        step=10,
        description="Rounds",
        continuous_update=False,
        style=_STYLE,
        layout=widgets.Layout(width="32em"),
    )
    generosity_slider = widgets.FloatSlider(
        value=generosity,
        min=0.0,
        max=1.0,
        step=0.05,
        description="Generosity (generous tit for tat)",
        readout_format=".2f",
        continuous_update=False,
        style=_STYLE,
        layout=widgets.Layout(width="32em"),
    )
    seed_box = widgets.BoundedIntText(
        value=seed, min=0, max=1_000_000, description="Seed", style=_STYLE
    )
    chart = widgets.HTML()
    summary = widgets.HTML()

    fig, ax = new_figure(height=3.6)
    line_a = ax.plot([], [], label="player A", color=PALETTE["blue"], linestyle="-")[0]
    line_b = ax.plot([], [], label="player B", color=PALETTE["vermillion"], linestyle="--")[0]
    flips_a = ax.plot([], [], "v", color=PALETTE["blue"], label="A's move flipped")[0]
    flips_b = ax.plot([], [], "^", color=PALETTE["vermillion"], label="B's move flipped")[0]
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
    ax.set_ylim(-0.1, 6.3)
    ax.set_yticks(range(6))
    ax.set_xlabel("round")
    ax.set_ylabel("average payoff per round so far")
    ax.legend(loc="upper center", ncols=4, fontsize=8)
    add_source(ax, "Model: repeated prisoner's dilemma, payoffs 5/3/1/0 (Axelrod 1984)")
    # Axes, levels, legend and source are drawn once; a move redraws only the two lines
    # and the flip markers (everything again when the rounds or the strategies change).
    live = LiveFigure(fig, moving=[line_a, line_b, flips_a, flips_b])

    def render(_change: object = None) -> None:
        g = float(generosity_slider.value)
        result = play_match(
            get_strategy(pick_a.value, g),
            get_strategy(pick_b.value, g),
            rounds=int(rounds_slider.value),
            noise=float(noise_slider.value),
            seed=int(seed_box.value),
        )
        x = list(range(1, result.rounds + 1))
        line_a.set_data(x, result.running_average("A"))
        line_b.set_data(x, result.running_average("B"))
        flips_a.set_data(
            [t for t, f in zip(x, result.flipped_a, strict=True) if f],
            [0.25] * sum(result.flipped_a),
        )
        flips_b.set_data(
            [t for t, f in zip(x, result.flipped_b, strict=True) if f],
            [0.55] * sum(result.flipped_b),
        )
        ax.set_xlim(0.5, result.rounds + 0.5)
        ax.set_title(f"Player A: {pick_a.value}; player B: {pick_b.value}", fontsize=11)
        flipped = sum(result.flipped_a) + sum(result.flipped_b)
        alt = (
            f"Line chart over {result.rounds} rounds of each player's average payoff per "
            f"round so far, noise {noise_slider.value:.2f}. Player A ({pick_a.value}) ends at "
            f"{result.average_a:.2f}, player B ({pick_b.value}) at {result.average_b:.2f}; "
            f"mutual cooperation pays {REWARD} a round and mutual defection {PUNISHMENT}. "
            f"Noise flipped {flipped} moves, marked by triangles near the bottom."
        )
        chart.value = live.html(
            alt,
            f"One match, {pick_a.value} (A) against {pick_b.value} (B): each player's "
            "average payoff per round so far.",
        )
        common = {
            "noise": float(noise_slider.value),
            "rounds": int(rounds_slider.value),
            "generosity": g,
            "seed": int(seed_box.value),
            "matches": DEFAULT_MATCHES,
        }
        tft = self_play_payoff("tit for tat", **common)
        gtft = self_play_payoff("generous tit for tat", **common)
        verdict = (
            "tit for tat does <b>worse</b>"
            if tft < gtft
            else "tit for tat does <b>not</b> do worse"
        )
        summary.value = (
            f"<p>In this match player A ({html.escape(pick_a.value)}) averaged "
            f"<b>{result.average_a:.2f}</b> points per round and player B "
            f"({html.escape(pick_b.value)}) <b>{result.average_b:.2f}</b>. Both cooperated "
            f"in {result.mutual_cooperation:.0%} of rounds; noise flipped {flipped} moves.</p>"
            f"<p><b>Comparison over {DEFAULT_MATCHES} matches</b> with this noise, number "
            f"of rounds, generosity and seed: tit for tat against itself averages "
            f"<b>{tft:.3f}</b>; generous tit for tat against itself <b>{gtft:.3f}</b>. "
            f"Here {verdict} than generous tit for tat.</p>" + _moves_strip(result)
        )

    controls = (pick_a, pick_b, noise_slider, rounds_slider, generosity_slider, seed_box)
    for control in controls:
        control.observe(render, names="value")
    render()
    return widgets.VBox(
        [
            widgets.HBox([pick_a, pick_b]),
            noise_slider,
            rounds_slider,
            generosity_slider,
            seed_box,
            chart,
            summary,
        ]
    )
