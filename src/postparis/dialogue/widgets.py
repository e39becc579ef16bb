"""Module 04's widgets: the New START explorer and the repeated-game simulator.

Each factory returns a container and never calls ``display``; a notebook shows it with
:func:`postparis.display.show`. Every control has a visible label and works from the
keyboard. The charts are drawn by :mod:`postparis.dialogue.plots` and rendered by
:class:`postparis.figures.LiveFigure`.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import pandas as pd

from postparis.controls import LABEL, labelled_slider
from postparis.dialogue.model import (
    CATEGORIES,
    CATEGORY_LABELS,
    DEFAULT_GENEROSITY,
    DEFAULT_MATCHES,
    DEFAULT_ROUNDS,
    DEFAULT_SEED,
    NOISE_GRID,
    PARTIES,
    PARTY_LABELS,
    STRATEGY_NAMES,
    MatchResult,
    exchange_table,
    get_strategy,
    play_match,
    self_play_payoff,
    through_cutoff,
)
from postparis.dialogue.plots import (
    describe_exchanges,
    exchange_html,
    match_alt_text,
    match_artists,
    match_caption,
    plot_match,
    plot_new_start,
    render_match_summary,
    update_match,
)
from postparis.figures import LiveFigure, new_figure

__all__ = ["COMPARISON_ROUNDS", "new_start_explorer", "repeated_game_simulator"]

#: The simulator compares tit for tat and generous tit for tat over this many rounds
#: in all: 20 matches of 100 rounds at the start, fewer matches when they are longer.
COMPARISON_ROUNDS = DEFAULT_MATCHES * DEFAULT_ROUNDS


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
    party = widgets.Dropdown(
        options=[("Both", "both"), ("United States", "US"), ("Russia", "Russia")],
        value="both",
        description="Party",
        style=LABEL,
    )
    chooser = widgets.Dropdown(
        options=[(CATEGORY_LABELS[c], c) for c in CATEGORIES],
        value=category,
        description="Category",
        style=LABEL,
        layout=widgets.Layout(width="max-content"),
    )
    show_limit = widgets.Checkbox(value=True, description="Show the treaty limit", indent=False)
    chart, numbers = widgets.HTML(), widgets.HTML()
    fig, ax = new_figure()
    live = LiveFigure(fig)

    def parties() -> tuple[str, ...]:
        return PARTIES if party.value == "both" else (party.value,)

    def draw() -> tuple[str, str]:
        ax.clear()
        plot_new_start(data, chooser.value, parties(), show_limit=show_limit.value, ax=ax)
        alt = describe_exchanges(
            wide(chooser.value), chooser.value, parties(), show_limit=show_limit.value
        )
        caption = (
            f"{' and '.join(PARTY_LABELS[p] for p in parties())}: "
            f"{CATEGORY_LABELS[chooser.value].lower()}, declared at each New START data "
            "exchange up to September 2015."
        )
        return alt, caption

    wide = functools.cache(functools.partial(exchange_table, data))  # each category once
    tables: dict[tuple[str, str], str] = {}

    def render(_change: object = None) -> None:
        chart.value = live.remember((party.value, chooser.value, show_limit.value), draw)
        key = (party.value, chooser.value)
        if key not in tables:
            tables[key] = exchange_html(wide(chooser.value), chooser.value, parties())
        numbers.value = tables[key]

    for control in (party, chooser, show_limit):
        control.observe(render, names="value")
    render()
    return widgets.VBox([widgets.HBox([party, chooser, show_limit]), chart, numbers])


def _game_controls(
    player_a: str, player_b: str, noise: float, rounds: int, generosity: float, seed: int
) -> tuple[
    widgets.Dropdown,
    widgets.Dropdown,
    widgets.FloatSlider,
    widgets.IntSlider,
    widgets.FloatSlider,
    widgets.BoundedIntText,
]:
    """Return the simulator's controls: two strategy pickers, three sliders, a seed box."""
    return (
        widgets.Dropdown(
            options=STRATEGY_NAMES, value=player_a, description="Player A", style=LABEL
        ),
        widgets.Dropdown(
            options=STRATEGY_NAMES, value=player_b, description="Player B", style=LABEL
        ),
        labelled_slider(
            "Noise (chance a move is flipped)",
            noise,
            NOISE_GRID[0],
            NOISE_GRID[-1],
            0.01,
            readout=".2f",
            width="32em",
        ),
        labelled_slider("Rounds", rounds, 10, 500, 10, width="32em"),
        labelled_slider(
            "Generosity (generous tit for tat)",
            generosity,
            0.0,
            1.0,
            0.05,
            readout=".2f",
            width="32em",
        ),
        widgets.BoundedIntText(value=seed, min=0, max=1_000_000, description="Seed", style=LABEL),
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
    itself over :data:`COMPARISON_ROUNDS` rounds in all with the same settings (see
    :func:`~postparis.dialogue.model.self_play_payoff`).

    Returns
    -------
    ipywidgets.VBox
        Controls (two strategy pickers, sliders for noise, rounds and generosity, a
        seed box), the chart and a text summary.
    """
    pick_a, pick_b, noise_slider, rounds_slider, generosity_slider, seed_box = controls = (
        _game_controls(player_a, player_b, noise, rounds, generosity, seed)
    )
    chart, summary = widgets.HTML(), widgets.HTML()

    def players() -> tuple[str, str]:
        return str(pick_a.value), str(pick_b.value)

    def match() -> MatchResult:
        g = float(generosity_slider.value)
        return play_match(
            get_strategy(pick_a.value, g),
            get_strategy(pick_b.value, g),
            rounds=int(rounds_slider.value),
            noise=float(noise_slider.value),
            seed=int(seed_box.value),
        )

    def comparison() -> tuple[tuple[float, float], int]:
        matches = max(1, round(COMPARISON_ROUNDS / int(rounds_slider.value)))
        tft, gtft = (
            self_play_payoff(
                name,
                noise=float(noise_slider.value),
                rounds=int(rounds_slider.value),
                generosity=float(generosity_slider.value),
                seed=int(seed_box.value),
                matches=matches,
            )
            for name in ("tit for tat", "generous tit for tat")
        )
        return (tft, gtft), matches

    fig, ax = new_figure(height=3.6)
    plot_match(match(), players(), ax=ax)
    live = LiveFigure(fig, moving=match_artists(ax), layers=[ax.xaxis, ax.title])

    def render(_change: object = None) -> None:
        result = match()
        update_match(ax, result, players())
        alt = match_alt_text(result, players(), float(noise_slider.value))
        chart.value = live.html(alt, match_caption(players()))
        summary.value = render_match_summary(result, players(), *comparison())

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
