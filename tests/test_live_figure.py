"""The live-chart renderer's layers: the same pixels, fewer redraws."""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import pytest
from matplotlib.artist import Artist
from PIL import Image

from postparis.dialogue.model import MatchResult, get_strategy, play_match
from postparis.dialogue.plots import match_artists, plot_match, update_match
from postparis.figures import LiveFigure, add_source, new_figure

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
    # The axis changes with the rounds only (100, 120, 200), the title with player A
    # only (players 0, 1, 2): each is drawn once per new state, whatever the other does,
    # and a kept layer is not drawn again.
    assert layered_draws["axis"] == 3
    assert layered_draws["title"] == 3
    assert layered_draws["other"] == plain_draws["other"]


def test_a_layer_must_be_a_moving_artist() -> None:
    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 1])
    with pytest.raises(ValueError, match="layers must be moving artists"):
        LiveFigure(fig, moving=[line], layers=[ax.xaxis])


def test_layers_that_overlap_are_drawn_every_time_with_the_same_pixels() -> None:
    fig, ax = new_figure()
    (line,) = ax.plot([0, 1], [0, 1])
    label = ax.text(0.5, 0.5, "0", transform=ax.transAxes, fontsize=30)
    add_source(ax, "Source: example")
    renders = []
    for layers in ([], [ax.xaxis, label]):  # the label lies inside the axis's patch
        live = LiveFigure(fig, moving=[ax.xaxis, label, line], layers=layers)
        shown = []
        for k in range(4):
            ax.set_xlim(0, 1 + k % 2)
            label.set_text(str(k))
            shown.append(live.png())
        renders.append(shown)
    assert renders[0] == renders[1]
    assert len(set(renders[1])) == 4


def test_renders_are_png_with_the_canvas_pixels() -> None:
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1], color="#E69F00")
    add_source(ax, "Source: example")
    live = LiveFigure(fig)
    png = live.png()
    shown = np.asarray(Image.open(io.BytesIO(png)))
    canvas = np.asarray(live.canvas.buffer_rgba())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert np.array_equal(shown, canvas)
    assert (shown[:, :, 3] == 255).all()  # opaque
    # The orange line is there, in the palette's own colour.
    assert (shown[:, :, :3] == (0xE6, 0x9F, 0x00)).all(axis=2).any()
