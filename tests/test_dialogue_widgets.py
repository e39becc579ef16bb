"""Module 04's widgets: set a control in Python, check that what the learner sees changed."""

from __future__ import annotations

import ipywidgets as widgets

from postparis.data import load_new_start
from postparis.dialogue.widgets import new_start_explorer, repeated_game_simulator
from postparis_instructor.widget_catalogue import controls as _controls


def _by_description(container: widgets.Widget, description: str) -> widgets.Widget:
    for control in _controls(container):
        if control.description == description:
            return control
    raise AssertionError(f"no control described {description!r}")


def test_new_start_explorer_shows_parties_limits_and_margins() -> None:
    box = new_start_explorer(load_new_start())
    chart, table = box.children[1], box.children[2]
    assert "1,648" in table.value  # Russia, 1 September 2015
    assert "98 over" in table.value
    assert "12 under" in table.value  # the US
    assert "2016" not in table.value + chart.value  # nothing after the information cutoff
    _by_description(box, "Party").value = "Russia"
    assert "United States" not in table.value
    assert "Russia: from" in chart.value
    assert "<figcaption>Russia: deployed warheads" in chart.value  # visible text changes too
    _by_description(box, "Category").value = "deployed_and_nondeployed_launchers"
    assert "limit of 800" in chart.value
    assert "77 over" in table.value  # Russia's 877 in September 2015
    _by_description(box, "Show the treaty limit").value = False
    assert "dotted line" not in chart.value


def test_repeated_game_simulator_reacts_to_every_control() -> None:
    box = repeated_game_simulator()
    summary = box.children[6]
    assert "averaged <b>3.00</b>" in summary.value  # tit for tat, no noise
    assert "does <b>not</b> do worse" in summary.value
    _by_description(box, "Noise (chance a move is flipped)").value = 0.05
    assert "does <b>worse</b>" in summary.value
    _by_description(box, "Player B").value = "always defect"
    assert "always defect" in summary.value
    text = summary.value
    _by_description(box, "Rounds").value = 30
    assert "first 30" not in summary.value  # 30 rounds fit in the moves strip
    assert summary.value != text
    text = summary.value
    _by_description(box, "Generosity (generous tit for tat)").value = 0.9
    assert summary.value != text
    text = summary.value
    _by_description(box, "Seed").value = 7
    assert summary.value != text
    _by_description(box, "Player A").value = "grim trigger"
    assert "grim trigger" in box.children[5].value
