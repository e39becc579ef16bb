"""Module 03's widgets: thin views over :mod:`postparis.proxies.model`.

* :func:`analogy_scorecard`: one slider per dimension of the Afghanistan-Syria analogy,
  the sourced facts beside it, and a summary from :func:`~postparis.proxies.model.score_analogy`.
* :func:`decision_explorer`: six sliders for the decision model, a chart of the expected
  value against the leak probability, and a one-line readout.

Neither calls ``display``: each returns a container, which the notebook shows with
:func:`postparis.display.show`. Every control has a visible label and works from the
keyboard (Tab to reach it, arrow keys to move it).
"""

from __future__ import annotations

import ipywidgets as widgets

from postparis.controls import labelled_slider
from postparis.figures import LiveFigure, new_figure
from postparis.proxies.model import (
    ANALOGY_DIMENSIONS,
    DEFAULT_SCENARIO,
    VALUE_LIMIT,
    ProposalScenario,
    score_analogy,
)
from postparis.proxies.plots import (
    EV_CAPTION,
    EV_GRID,
    dimension_card,
    expected_value_alt_text,
    expected_value_artists,
    plot_expected_value,
    render_analogy_summary,
    render_decision_readout,
    update_expected_value,
)
from postparis.validation import CourseInputError

__all__ = ["analogy_scorecard", "decision_explorer"]

#: Fixed label widths, so that the sliders of one widget line up.
_SCORECARD_LABEL = "24em"
_DECISION_LABEL = "26em"


def analogy_scorecard(ratings: dict[str, int] | None = None) -> widgets.VBox:
    """Return the analogy scorecard: a rated slider under each dimension's sourced facts.

    Parameters
    ----------
    ratings
        Starting ratings (1-5) for every dimension; all 3 ("mixed") if omitted.

    Returns
    -------
    ipywidgets.VBox
        One card and one slider per dimension, then the summary (an ``HTML`` widget,
        ``children[-1]``) that updates whenever a slider moves.
    """
    start = score_analogy(ratings or {d.key: 3 for d in ANALOGY_DIMENSIONS})["ratings"]
    sliders: dict[str, widgets.IntSlider | widgets.FloatSlider] = {}
    rows: list[widgets.Widget] = []
    for dimension in ANALOGY_DIMENSIONS:
        slider = labelled_slider(
            f"Similarity: {dimension.label}",
            start[dimension.key],
            1,
            5,
            1,
            label_width=_SCORECARD_LABEL,
            width="95%",
        )
        sliders[dimension.key] = slider
        rows.extend([widgets.HTML(dimension_card(dimension)), slider])
    summary = widgets.HTML(render_analogy_summary(start))

    def update(_change: object) -> None:
        summary.value = render_analogy_summary({k: s.value for k, s in sliders.items()})

    for slider in sliders.values():
        slider.observe(update, names="value")
    return widgets.VBox([*rows, summary])


_SLIDERS: tuple[tuple[str, str, float, float, float], ...] = (
    # name, visible label, min, max, step
    ("p_deter", "p_deter: chance the missiles deter Russian strikes", 0.0, 1.0, 0.01),
    ("v_deter", "v_deter: value of deterrence (points)", 0.0, VALUE_LIMIT, 5.0),
    ("p_leak", "p_leak: chance missiles reach extremists", 0.0, float(EV_GRID.max()), 0.005),
    ("v_leak", "v_leak: value of a leak (points)", -VALUE_LIMIT, 0.0, 5.0),
    ("p_incident", "p_incident: chance of a US-Russian incident", 0.0, 1.0, 0.01),
    ("v_incident", "v_incident: value of an incident (points)", -VALUE_LIMIT, 0.0, 5.0),
)


def decision_explorer(
    scenario: ProposalScenario = DEFAULT_SCENARIO, *, show_break_even: bool = False
) -> widgets.VBox:
    """Return six labelled sliders, a chart and a readout for the decision model.

    Parameters
    ----------
    scenario
        The starting values of the six sliders.
    show_break_even
        Whether the readout also states the break-even leak probability. Off by default,
        so that the exercise asks the learner to find it on the chart.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` holds the sliders (a ``VBox``, in the order p_deter, v_deter,
        p_leak, v_leak, p_incident, v_incident), ``children[1]`` the chart (``HTML``),
        ``children[2]`` the readout (``HTML``).
    """
    if not isinstance(scenario, ProposalScenario):
        raise CourseInputError("scenario must be a ProposalScenario, e.g. DEFAULT_SCENARIO.")
    values = scenario.as_dict()
    sliders: dict[str, widgets.FloatSlider] = {}
    for name, label, low, high, step in _SLIDERS:
        value = values[name]
        if not low <= value <= high:
            raise CourseInputError(
                f"{name} = {value:g} lies outside the slider's {low:g}-{high:g}."
            )
        sliders[name] = labelled_slider(
            label,
            float(value),
            low,
            high,
            step,
            readout=".3f" if name.startswith("p_") else ".0f",
            label_width=_DECISION_LABEL,
            width="95%",
        )
    fig, ax = new_figure(6.0, 3.2)
    plot_expected_value(scenario, ax=ax)
    live = LiveFigure(fig, moving=expected_value_artists(ax))
    chart = widgets.HTML(live.html(expected_value_alt_text(scenario), EV_CAPTION))
    readout = widgets.HTML(render_decision_readout(scenario, show_break_even=show_break_even))

    def update(_change: object) -> None:
        current = ProposalScenario(**{k: float(s.value) for k, s in sliders.items()})
        update_expected_value(ax, current)
        chart.value = live.html(expected_value_alt_text(current), EV_CAPTION)
        readout.value = render_decision_readout(current, show_break_even=show_break_even)

    for slider in sliders.values():
        slider.observe(update, names="value")
    return widgets.VBox([widgets.VBox(list(sliders.values())), chart, readout])
