"""Module 05's scoring model: validation, the Brier score, reference forecasters, calibration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from postparis.data import load_forecast_questions, load_what_happened_next
from postparis.forecasting import model
from postparis.forecasting.plots import format_when, plot_reliability, plot_scores, plot_timeline
from postparis.validation import CourseInputError


@pytest.fixture(scope="module")
def questions() -> pd.DataFrame:
    return load_forecast_questions()


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return load_what_happened_next()


@pytest.fixture(scope="module")
def outcomes(questions) -> dict[str, int]:
    return model.outcomes_from(questions)


# -- the data the module relies on -------------------------------------------------------


def test_question_set_is_the_size_the_module_promises(questions) -> None:
    assert 8 <= len(questions) <= 12
    assert questions["question_id"].is_unique
    assert set(questions["outcome"]) <= {0, 1}
    assert (questions["opened"] == pd.Timestamp("2015-12-31")).all()
    assert (questions["resolution_date"] > questions["opened"]).all()


def test_every_resolving_event_is_in_the_timeline(questions, events) -> None:
    for question_id in questions["question_id"]:
        evidence = model.evidence_for(question_id, questions, events)
        assert not evidence.empty, f"{question_id} has no resolving event"
        assert evidence["date"].is_monotonic_increasing


def test_status_quo_covers_exactly_the_questions(questions) -> None:
    assert set(model.STATUS_QUO) == set(questions["question_id"])
    for answer, reason in model.STATUS_QUO.values():
        assert isinstance(answer, bool)
        assert len(reason) > 20


def test_questions_as_of_2015_hide_outcomes(questions) -> None:
    shown = model.questions_as_of_2015(questions)
    for column in ("outcome", "resolved_by", "note", "article_implied"):
        assert column not in shown.columns
    assert list(shown["question_id"]) == list(questions["question_id"])
    assert "outcome" in questions.columns  # the original is untouched


# -- validating forecasts ----------------------------------------------------------------


def test_validate_forecasts_accepts_any_probabilities_in_order(questions) -> None:
    ids = list(questions["question_id"])
    given = {q: (i % 11) / 10 for i, q in enumerate(reversed(ids))}
    checked = model.validate_forecasts(given, questions)
    assert list(checked) == ids
    assert all(isinstance(v, float) for v in checked.values())
    assert checked == {q: float(given[q]) for q in ids}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.pop("q03"), "not given a probability for q03"),
        (lambda f: f.update(q99=0.5), "no question 'q99'"),
        (lambda f: f.update(q01=1.3), "between 0 and 1"),
        (lambda f: f.update(q01=70), r"write 30% as 0\.3"),
        (lambda f: f.update(q02="0.4"), "must be a number"),
        (lambda f: f.update(q02=None), "must be a number"),
        (lambda f: f.update(q02=float("nan")), "between 0 and 1"),
        (lambda f: f.update(q02=True), "must be a number"),
    ],
)
def test_validate_forecasts_explains_what_is_wrong(questions, change, message) -> None:
    forecasts = dict.fromkeys(questions["question_id"], 0.5)
    change(forecasts)
    with pytest.raises(CourseInputError, match=message):
        model.validate_forecasts(forecasts, questions)


def test_validate_forecasts_rejects_a_list(questions) -> None:
    with pytest.raises(CourseInputError, match="should be a dict"):
        model.validate_forecasts([0.5] * len(questions), questions)


def test_validate_resolutions(questions, outcomes) -> None:
    assert model.validate_resolutions(outcomes, questions) == outcomes
    for bad, message in [
        ({**outcomes, "q01": 0.5}, "write 1 if it resolved yes"),
        ({**outcomes, "q01": True}, "write 1 if it resolved yes"),
        ({k: v for k, v in outcomes.items() if k != "q02"}, "not resolved q02"),
        ([0, 1], "should be a dict"),
    ]:
        with pytest.raises(CourseInputError, match=message):
            model.validate_resolutions(bad, questions)


# -- the Brier score ---------------------------------------------------------------------


def test_brier_score_known_values() -> None:
    assert model.brier_score([1.0, 0.0, 1], [1, 0, 1]) == 0.0
    assert model.brier_score([0.5] * 7, [1, 0, 1, 1, 0, 0, 1]) == 0.25
    assert model.brier_score([0.0, 1.0], [1, 0]) == 1.0
    assert math.isclose(model.brier_score([0.8, 0.3], [1, 0]), (0.04 + 0.09) / 2)
    assert model.brier_score(np.array([0.2]), [True]) == pytest.approx(0.64)


def test_brier_score_is_the_mean_squared_error_on_random_data() -> None:
    rng = np.random.default_rng(5)
    p = rng.random(200)
    o = (rng.random(200) < 0.4).astype(int)
    assert model.brier_score(list(p), list(o)) == pytest.approx(float(np.mean((p - o) ** 2)))


@pytest.mark.parametrize(
    ("forecasts", "outcomes", "message"),
    [
        ([0.5, 0.5], [1], "2 forecasts but 1 outcomes"),
        ([], [], "empty"),
        ([1.2], [1], "between 0 and 1"),
        ([-0.1], [0], "between 0 and 1"),
        ([0.5], [2], "must be 1"),
        ([0.5], [0.5], "must be 1"),
        ("0.5", [1], "should be a list"),
        ({"q01": 0.5}, [1], "should be a list"),
    ],
)
def test_brier_score_rejects_invalid_input(forecasts, outcomes, message) -> None:
    with pytest.raises(CourseInputError, match=message):
        model.brier_score(forecasts, outcomes)


def test_score_forecasts_aligns_by_question_id() -> None:
    forecasts = {"q02": 0.2, "q01": 0.9}
    assert model.score_forecasts(forecasts, {"q01": 1, "q02": 0}) == pytest.approx(0.025)
    table = model.brier_by_question(forecasts, {"q01": 1, "q02": 0})
    assert list(table["question_id"]) == ["q01", "q02"]
    assert table["squared_error"].mean() == pytest.approx(0.025)


# -- reference forecasters ---------------------------------------------------------------


def test_reference_forecasters_and_their_scores(questions, outcomes) -> None:
    forecasters = model.reference_forecasters(questions, outcomes)
    scores = {name: model.score_forecasts(f, outcomes) for name, f in forecasters.items()}
    assert scores["always 50%"] == 0.25
    share_yes = sum(outcomes.values()) / len(outcomes)
    base = forecasters["hindsight base rate (leaks outcomes)"]
    assert set(base.values()) == {share_yes}
    # The best constant forecast in hindsight is the share of yes: never worse than 50%.
    assert scores["hindsight base rate (leaks outcomes)"] <= 0.25
    assert scores["hindsight base rate (leaks outcomes)"] == pytest.approx(
        share_yes * (1 - share_yes)
    )


def test_status_quo_forecaster_follows_the_stated_answers(questions) -> None:
    forecasts = model.status_quo_forecaster(questions, confidence=0.9)
    for q, p in forecasts.items():
        assert p == pytest.approx(0.9 if model.STATUS_QUO[q][0] else 0.1)
    with pytest.raises(CourseInputError, match="no answer for q99"):
        model.status_quo_forecaster(["q99"])


def test_article_forecaster_uses_article_implied_or_no_view(questions) -> None:
    forecasts = model.article_forecaster(questions)
    for q, implied in zip(questions["question_id"], questions["article_implied"], strict=True):
        assert forecasts[q] == (0.5 if pd.isna(implied) else pytest.approx(implied))
    assert questions["article_implied"].notna().sum() >= 3


def test_constant_forecaster() -> None:
    assert model.constant_forecaster(["q01", "q02"], 0.3) == {"q01": 0.3, "q02": 0.3}
    with pytest.raises(CourseInputError):
        model.constant_forecaster(["q01"], 1.5)


# -- the timeline ------------------------------------------------------------------------


def test_timeline_says_which_questions_each_event_resolves(questions, events) -> None:
    timeline = model.timeline_with_questions(events, questions)
    assert len(timeline) == len(events)
    assert timeline["date"].is_monotonic_increasing
    named = {q.strip() for cell in timeline["resolves"] for q in cell.split(",") if q.strip()}
    assert named == set(questions["question_id"])


def test_evidence_is_flagged_against_the_resolution_date(questions, events) -> None:
    evidence = model.evidence_for("q05", questions, events)
    resolution = questions.set_index("question_id").loc["q05", "resolution_date"]
    assert (evidence["by_resolution_date"] == (evidence["date"] <= resolution)).all()
    with pytest.raises(CourseInputError, match="no question 'q42'"):
        model.evidence_for("q42", questions, events)


# -- calibration -------------------------------------------------------------------------


def test_calibration_table_bins_and_counts() -> None:
    table = model.calibration_table([0.1, 0.15, 0.5, 0.95, 1.0], [0, 1, 1, 1, 1], n_bins=5)
    assert list(table["n"]) == [2, 0, 1, 0, 2]
    assert table.loc[0, "mean_forecast"] == pytest.approx(0.125)
    assert table.loc[0, "observed_share"] == pytest.approx(0.5)
    assert math.isnan(table.loc[1, "observed_share"])
    assert table.loc[4, "observed_share"] == 1.0
    assert model.largest_calibration_gap(table) == pytest.approx(0.5)  # the 0.4-0.6 bin
    with pytest.raises(CourseInputError, match="whole number"):
        model.calibration_table([0.5], [1], n_bins=2.5)
    with pytest.raises(CourseInputError, match="at most 20"):
        model.calibration_table([0.5], [1], n_bins=50)


def test_simulated_forecaster_is_seeded_and_calibrated_in_the_long_run() -> None:
    small = model.simulate_calibrated_forecaster(10)
    assert small == model.simulate_calibrated_forecaster(10)
    big = model.simulate_calibrated_forecaster(20_000)
    gap_small = model.largest_calibration_gap(model.calibration_table(*small, n_bins=5))
    gap_big = model.largest_calibration_gap(model.calibration_table(*big, n_bins=5))
    assert gap_big < 0.03
    assert gap_small > gap_big


# -- plots -------------------------------------------------------------------------------


def test_plots_draw_what_they_are_given(questions, events, outcomes) -> None:
    timeline = model.timeline_with_questions(events, questions)
    ax = plot_timeline(timeline)
    assert len(ax.collections) == timeline["category"].nunique()
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(timeline)
    ax = plot_scores({"a": 0.25, "b": 0.1})
    assert [round(p.get_width(), 2) for p in ax.patches] == [0.25, 0.1]
    ax = plot_reliability([0.1, 0.9, 0.9], [0, 1, 0], n_bins=2)
    _xs, ys = ax.lines[1].get_data()
    assert list(np.round(ys, 2)) == [0.0, 0.5]
    assert format_when(pd.Timestamp("2016-07-08"), "day") == "8 Jul 2016"
    assert format_when(pd.Timestamp("2017-01-01"), "year") == "2017"


def test_views_show_full_text_and_links(questions, events) -> None:
    from postparis.forecasting.plots import question_cards, timeline_table

    cards = question_cards(model.questions_as_of_2015(questions)).data
    assert questions["question"].iloc[0].replace("'", "&#x27;") in cards
    assert "resolves on" in cards
    assert str(questions["outcome"].name) not in cards
    table = timeline_table(model.timeline_with_questions(events, questions), events).data
    assert table.count("<tr>") == len(events) + 1
    assert events["source_url"].iloc[0] in table
    assert "8 Jul 2016" in table
