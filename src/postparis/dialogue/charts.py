"""Charts of the repeated-game model (the model itself, in :mod:`.game`, draws nothing)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes

from postparis.dialogue.game import PUNISHMENT, REWARD
from postparis.figures import LINESTYLES, MARKERS, PALETTE, add_source, new_figure
from postparis.validation import CourseInputError

__all__ = ["describe_noise_sweep", "plot_noise_sweep"]

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
        The result of :func:`postparis.dialogue.game.noise_sweep`.
    ax
        Axes to draw on (default: a new figure).
    """
    names = _check_sweep(sweep)
    if ax is None:
        _, ax = new_figure()
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
