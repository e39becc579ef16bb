"""Every widget of the course, built as its notebook builds it.

The benchmark (``make bench``) and the widget tests share this list: each entry names a
widget and builds it with the course data. What a learner can move (the *controls*) and
what the widget shows in return (its *outputs*) are found by walking the widget's
children, so a control added to a widget is measured and tested without changing
anything here; a new widget needs one line in :data:`CATALOGUE`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import ipywidgets as widgets

from postparis.argument.widgets import argument_map_explorer, stance_coder
from postparis.capstone.model import load_criteria, load_options, load_roles, load_scores
from postparis.capstone.widgets import decision_matrix
from postparis.data import (
    load_actors,
    load_article_paragraphs,
    load_forecast_questions,
    load_new_start,
    load_sanctions_timeline,
)
from postparis.dialogue.widgets import new_start_explorer, repeated_game_simulator
from postparis.forecasting.model import questions_as_of_2015
from postparis.forecasting.widgets import calibration_explorer, forecast_sliders
from postparis.proxies.model import SCEPTIC_SCENARIO
from postparis.proxies.widgets import analogy_scorecard, decision_explorer
from postparis.sanctions.widgets import bargain_explorer, timeline_explorer
from postparis.start.widgets import paragraph_explorer

__all__ = ["CATALOGUE", "WidgetCase", "controls", "output_state", "outputs"]

#: Widgets that only show something: never counted as controls.
_DISPLAYS = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Output, widgets.Image)


@dataclass(frozen=True)
class WidgetCase:
    """One widget of the course.

    Attributes
    ----------
    name
        ``<topic>.<factory>``, e.g. ``"proxies.decision_explorer"``.
    build
        Builds the widget as the topic's notebook does and returns its container.
    """

    name: str
    build: Callable[[], widgets.Widget]


def _paragraph_explorer() -> widgets.Widget:
    actors = load_actors()
    names = dict(zip(actors["actor_id"], actors["name"], strict=True))
    return paragraph_explorer(load_article_paragraphs(), names)


#: Every widget of every topic, in the order of the modules.
CATALOGUE: tuple[WidgetCase, ...] = (
    WidgetCase("start.paragraph_explorer", _paragraph_explorer),
    WidgetCase("argument.argument_map_explorer", argument_map_explorer),
    WidgetCase("argument.stance_coder", stance_coder),
    WidgetCase("sanctions.timeline_explorer", lambda: timeline_explorer(load_sanctions_timeline())),
    WidgetCase("sanctions.bargain_explorer", bargain_explorer),
    WidgetCase("proxies.analogy_scorecard", analogy_scorecard),
    WidgetCase("proxies.decision_explorer", lambda: decision_explorer(SCEPTIC_SCENARIO)),
    WidgetCase("dialogue.new_start_explorer", lambda: new_start_explorer(load_new_start())),
    WidgetCase("dialogue.repeated_game_simulator", repeated_game_simulator),
    WidgetCase(
        "forecasting.forecast_sliders",
        lambda: forecast_sliders(questions_as_of_2015(load_forecast_questions())),
    ),
    WidgetCase("forecasting.calibration_explorer", calibration_explorer),
    WidgetCase(
        "capstone.decision_matrix",
        lambda: decision_matrix(load_scores(), load_roles(), load_criteria(), load_options()),
    ),
)


def _walk(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    """Yield ``widget`` and everything inside it, depth first, in display order."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def controls(container: widgets.Widget) -> list[widgets.Widget]:
    """Return every control a learner can move inside ``container``, in display order."""
    return [
        w
        for w in _walk(container)
        if isinstance(w, widgets.ValueWidget)
        and not isinstance(w, _DISPLAYS)
        and not getattr(w, "disabled", False)
    ]


def outputs(container: widgets.Widget) -> list[widgets.Widget]:
    """Return every widget inside ``container`` that shows a result (HTML, text, image)."""
    return [w for w in _walk(container) if isinstance(w, _DISPLAYS)]


def output_state(container: widgets.Widget) -> tuple[object, ...]:
    """Return what the widget shows now: the value of every output, in display order."""
    return tuple(getattr(w, "value", None) for w in outputs(container))
