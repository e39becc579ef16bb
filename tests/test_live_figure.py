"""The live-chart renderer's layers: the same pixels, fewer redraws."""

from __future__ import annotations

from collections import Counter

import pytest
from matplotlib.artist import Artist

from postparis.dialogue.model import MatchResult, get_strategy, play_match
from postparis.dialogue.plots import match_artists, plot_match, update_match
from postparis.figures import LiveFigure, new_figure

PLAYERS = ("tit for tat", "always defect", "generous tit for tat")
#: (rounds, player A, seed): moves of the rounds slider, of player A, and of the seed.
MOVES = [(100, 0, 1), (120, 0, 1), (120, 1, 1), (120, 1, 2), (100, 1, 2), (100, 0, 3), (200, 2, 3)]


def _match(rounds: int, player: int, seed: int) -> MatchResult:
    a, b = get_strategy(PLAYERS[player], 0.3), get_strategy("tit for tat", 0.3)
    return play_match(a, b, rounds=rounds, noise=0.1, seed=seed)


def _renders(layered: bool) -> tuple[list[bytes], Counter[str]]:
    fig, ax = new_figure(height=3.6)
    plot_match(_match(100, 0, 1), (PLAYERS[0], "tit for tat"), ax=ax)
    live = LiveFigure(fig, moving=match_artists(ax), layers=[ax.xaxis, ax.title] if layered else [])
    drawn: Counter[str] = Counter()
    draw_artist = fig.draw_artist

    def counting(artist: Artist) -> None:
        drawn["axis" if artist is ax.xaxis else "title" if artist is ax.title else "other"] += 1
        draw_artist(artist)

    fig.draw_artist = counting  # type: ignore[method-assign]  # count the renderer's draws
    renders = []
    for rounds, player, seed in MOVES:
        update_match(ax, _match(rounds, player, seed), (PLAYERS[player], "tit for tat"))
        renders.append(live.png())
    return renders, drawn


def test_layers_give_the_same_pixels_and_draw_only_what_changed() -> None:
    plain, plain_draws = _renders(layered=False)
    layered, layered_draws = _renders(layered=True)
    assert layered == plain
    assert plain_draws["axis"] == plain_draws["title"] == len(MOVES)
    # The axis changes with the rounds only (100, 120, 200: the two new values after the
    # first render), the title with player A only; a kept layer is not drawn again.
    assert layered_draws["axis"] == 3
    assert layered_draws["title"] < len(MOVES)
    assert layered_draws["other"] == plain_draws["other"]


def test_a_layer_must_be_a_moving_artist() -> None:
    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 1])
    with pytest.raises(ValueError, match="layers must be moving artists"):
        LiveFigure(fig, moving=[line], layers=[ax.xaxis])
