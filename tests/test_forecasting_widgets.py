"""Module 05's widgets: thin views whose outputs follow their controls."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from postparis.data import load_forecast_questions
from postparis.forecasting import widgets as fw
from postparis.forecasting.model import simulate_calibrated_forecaster
from postparis.validation import CourseInputError


def test_forecast_sliders_write_the_code_line_and_hide_outcomes() -> None:
    questions = load_forecast_questions()
    box = fw.forecast_sliders(questions)
    sliders = [c for c in box.children if isinstance(c, widgets.FloatSlider)]
    first, code = sliders[0], box.children[-1]
    assert len(sliders) == len(questions)
    assert all(s.description.endswith("P(yes)") for s in sliders)
    assert '"q01": 0.5' in code.value
    first.value = 0.85
    assert '"q01": 0.85' in code.value
    sliders[-1].value = 0.1
    assert f'"{questions["question_id"].iloc[-1]}": 0.1' in code.value
    text = " ".join(c.value for c in box.children if isinstance(c, widgets.HTML))
    for note in questions["note"]:
        assert note[:40] not in text, "a note written with hindsight reached the sliders"


def test_forecast_sliders_start_from_given_forecasts() -> None:
    questions = load_forecast_questions()
    start = dict.fromkeys(questions["question_id"], 0.2)
    box = fw.forecast_sliders(questions, start)
    assert box.children[1].value == 0.2
    with pytest.raises(CourseInputError):
        fw.forecast_sliders(questions, {"q01": 0.2})


def test_forecast_code_is_valid_python() -> None:
    line = fw.forecast_code({"q01": 0.3, "q02": 0.75, "q03": 1.0})
    namespace: dict[str, object] = {}
    exec(line, namespace)  # the learner pastes exactly this line
    assert namespace["my_forecasts"] == {"q01": 0.3, "q02": 0.75, "q03": 1.0}


def test_calibration_explorer_switches_forecaster_and_bins() -> None:
    series = {
        "ten": simulate_calibrated_forecaster(10),
        "thousand": simulate_calibrated_forecaster(1000),
    }
    box = fw.calibration_explorer(series)
    chooser, bins = box.children[0].children
    picture, numbers = box.children[1], box.children[2]
    assert chooser.description == "Forecaster"
    assert bins.description == "Bins"
    assert "alt=" in picture.value
    assert "Reliability diagram for ten" in picture.value
    chooser.value = "thousand"
    assert "Reliability diagram for thousand" in picture.value
    before = numbers.value
    bins.value = 2
    assert numbers.value != before
    assert numbers.value.count("<tr>") == 3  # header + 2 bins


def test_default_calibration_series_can_include_a_learner() -> None:
    questions = load_forecast_questions()
    mine = dict.fromkeys(questions["question_id"], 0.6)
    series = fw.default_calibration_series(questions, extra={"you": mine})
    assert series["you"][0] == [0.6] * len(questions)
    assert any(name.startswith("simulated") for name in series)
    assert isinstance(fw.calibration_explorer(series), widgets.VBox)
    with pytest.raises(CourseInputError):
        fw.calibration_explorer({})
