"""Every widget of every topic: each control has a visible label and moves the output.

One test for every widget of the course, built as its notebook builds it (the list is
:data:`postparis_instructor.widget_catalogue.CATALOGUE`). Every control a learner can
reach is moved, step by step as with the arrow keys, and what the widget shows must
change. How long a move takes is a benchmark's question, never a test's: the targets
(median 50 ms, p95 100 ms per move) are measured by ``make bench``.
"""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from postparis_instructor.bench import move_values
from postparis_instructor.widget_catalogue import (
    CATALOGUE,
    WidgetCase,
    controls,
    output_state,
    outputs,
)

MOVES = 4
TOPICS = {"start", "argument", "sanctions", "proxies", "dialogue", "forecasting", "capstone"}


def test_every_topic_has_widgets_in_the_catalogue() -> None:
    assert {case.name.split(".")[0] for case in CATALOGUE} == TOPICS
    names = [case.name for case in CATALOGUE]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda case: case.name)
def test_every_control_is_labelled_and_updates_the_output(case: WidgetCase) -> None:
    container = case.build()
    assert isinstance(container, widgets.Box), f"{case.name} should return a container"
    found = controls(container)
    assert found, f"{case.name} has no control a learner can move"
    assert outputs(container), f"{case.name} shows nothing"
    labels = [getattr(control, "description", "").strip() for control in found]
    unlabelled = [type(c).__name__ for c, label in zip(found, labels, strict=True) if not label]
    assert not unlabelled, f"{case.name}: controls without a visible label: {unlabelled}"
    assert len(set(labels)) == len(labels), f"{case.name}: two controls share a label"
    problems = []
    for control, label in zip(found, labels, strict=True):
        changed = 0
        for value in move_values(control, MOVES):
            before = output_state(container)
            control.value = value
            changed += output_state(container) != before
        if not changed:
            problems.append(f"moving {label!r} never changed what the widget shows")
    assert not problems, f"{case.name}: " + "; ".join(problems)


def test_every_chart_a_widget_shows_has_alt_text_and_a_caption() -> None:
    charts = 0
    for case in CATALOGUE:
        for shown in outputs(case.build()):
            value = getattr(shown, "value", "")
            if isinstance(value, str) and "<img" in value:
                charts += 1
                assert 'alt="' in value, f"{case.name}: a chart without alt text"
                assert "<figcaption>" in value, f"{case.name}: a chart without a caption"
    assert charts >= 5
