"""Module 06's widget: a thin view over :mod:`postparis.capstone.model`.

* :func:`decision_matrix`: choose a role, and its suggested weights load into five
  labelled sliders; moving one weight rescales the others in proportion (the rule of
  :func:`~postparis.capstone.model.reweight`), so the weights always add up to 1. The
  options are ranked live, with the smallest change to each weight that would change
  the top option, and the two lines of Python that record the weights.

It returns a container and never calls ``display``; graded answers never depend on it.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from postparis.capstone.model import (
    CRITERIA,
    rank_options,
    reweight,
    role_weights,
    round_weights,
    smallest_flip,
)
from postparis.capstone.plots import (
    TOTALS_CAPTION,
    option_totals_alt_text,
    option_totals_artists,
    plot_option_totals,
    render_flip_table,
    render_ranking,
    render_weights_line,
    update_option_totals,
)
from postparis.controls import LABEL, labelled_slider
from postparis.figures import LiveFigure, new_figure

__all__ = ["decision_matrix"]


def _weight_sliders(
    labels: dict[str, str], start: dict[str, float]
) -> dict[str, widgets.FloatSlider | widgets.IntSlider]:
    """One labelled slider per criterion, 0 to 1 in steps of 0.01."""
    return {
        c: labelled_slider(
            f"Weight: {labels[c]}",
            start[c],
            0.0,
            1.0,
            0.01,
            readout=".2f",
            label_width="16em",
            width="95%",
        )
        for c in CRITERIA
    }


def decision_matrix(
    scores: pd.DataFrame,
    roles: pd.DataFrame,
    criteria: pd.DataFrame,
    options: pd.DataFrame,
    role: str = "president",
) -> widgets.VBox:
    """Return the decision matrix: a role list, five weight sliders and what they give.

    Parameters
    ----------
    scores, roles, criteria, options
        From :func:`~postparis.capstone.model.load_scores`, ``load_roles``,
        ``load_criteria`` and ``load_options``.
    role
        The role chosen first.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` the role list (arrow keys choose), ``children[1]`` the five
        sliders (0 to 1 in steps of 0.01; arrow keys move the one in focus),
        ``children[2]`` the chart, ``children[3]`` the ranking, the fragility table and
        the lines to copy. ``box.sliders`` maps criteria to sliders, ``box.role`` is the
        role list.
    """
    criterion_labels = dict(zip(criteria["criterion"], criteria["label"], strict=True))
    option_labels = dict(zip(options["option"], options["label"], strict=True))
    titles = list(zip(roles["title"], roles["role"], strict=True))
    chooser = widgets.Dropdown(options=titles, value=role, description="Your role", style=LABEL)
    start = role_weights(roles, role)
    sliders = _weight_sliders(criterion_labels, start)
    fig, ax = new_figure(6.4, 0.4 * len(scores) + 1.2)
    plot_option_totals(scores, start, option_labels, ax=ax)
    live = LiveFigure(fig, moving=option_totals_artists(ax))
    chart, readout = widgets.HTML(), widgets.HTML()
    busy = False

    def show(weights: dict[str, float]) -> None:
        ranking = rank_options(scores, weights)
        update_option_totals(ax, scores, weights)
        chart.value = live.html(option_totals_alt_text(ranking, option_labels), TOTALS_CAPTION)
        readout.value = (
            render_ranking(ranking, option_labels)
            + render_flip_table(smallest_flip(scores, weights), criterion_labels, option_labels)
            + render_weights_line(chooser.value, weights)
        )

    def set_sliders(weights: dict[str, float]) -> None:
        nonlocal busy
        busy = True
        try:
            for c in CRITERIA:
                sliders[c].value = weights[c]
        finally:
            busy = False
        show(weights)

    def on_weight(change: dict[str, object]) -> None:
        if busy:
            return
        moved = next(c for c in CRITERIA if sliders[c] is change["owner"])
        current = {c: sliders[c].value for c in CRITERIA}
        current[moved] = float(change["old"])  # type: ignore[arg-type]  # a slider's value
        set_sliders(round_weights(reweight(current, moved, float(sliders[moved].value))))

    def on_role(_change: object) -> None:
        set_sliders(role_weights(roles, chooser.value))

    for slider in sliders.values():
        slider.observe(on_weight, names="value")
    chooser.observe(on_role, names="value")
    show(start)
    box = widgets.VBox([chooser, widgets.VBox(list(sliders.values())), chart, readout])
    box.sliders = sliders
    box.role = chooser
    return box
