"""Visible checks of module 05, What happened next."""

from __future__ import annotations

import math
import random

from postparis import forecasting as fc
from postparis.checks import (
    AnswerCheckFailed,
    answer,
    correct,
    count_matching,
    expect,
    expect_close,
    recorded,
)
from postparis.data import load_forecast_questions
from postparis.exercises import Case, Namespace, check_function, check_value, expected, need_number
from postparis.validation import CourseInputError


def _ids() -> list[str]:
    return load_forecast_questions()["question_id"].tolist()


def my_forecasts(namespace: Namespace) -> None:
    """Check Exercise A: one probability from 0 to 1 for each question (any is fine)."""
    forecasts = answer(namespace, "my_forecasts")
    try:
        checked = fc.validate_forecasts(forecasts, load_forecast_questions())
    except CourseInputError as problem:
        raise AnswerCheckFailed(str(problem)) from None
    expect(
        all(type(p) in (int, float) for p in forecasts.values()),
        "write each forecast as a plain number such as 0.35, without quotes.",
    )
    expect(
        set(forecasts) == set(_ids()) and len(checked) == len(_ids()),
        "the keys of my_forecasts should be the question ids q01 to q10.",
    )
    recorded(
        "one probability for each of the ten questions. Part 4 scores your forecasts "
        "against what happened, beside three reference forecasters."
    )


_rng = random.Random(5)
_RANDOM_P = [_rng.random() for _ in range(50)]
_RANDOM_O = [int(_rng.random() < 0.4) for _ in range(50)]
BRIER_CASES = (
    Case(([1.0, 0.0], [1, 0]), "Forecasting 1 for what happened and 0 for what did not scores 0."),
    Case(([0.8, 0.3], [1, 0]), "Average the squared differences (p - o) ** 2 over the questions."),
    Case(([1, 0, 1, 1, 0], [1, 0, 1, 1, 0]), "A perfect forecaster scores 0."),
    Case(
        ([0.5] * 9, [1, 0, 0, 1, 1, 1, 0, 0, 1]),
        "Always forecasting 50% scores the same whatever happens.",
    ),
    Case(
        ([0.0, 1.0], [1, 0]), "The worst possible forecaster: every forecast wrong with certainty."
    ),
    Case(
        (_RANDOM_P, _RANDOM_O),
        "On 50 random forecasts: square each difference, add, divide by the number of questions.",
        shown="50 random forecasts, 50 outcomes",
    ),
)
BRIER_REFUSALS = (
    Case(([0.5, 0.5], [1]), "Lists of different lengths cannot be paired."),
    Case(([1.2], [1]), "A forecast above 1 is not a probability."),
    Case(([-0.1], [0]), "A negative forecast is not a probability."),
    Case(([0.5], [2]), "An outcome is 1 (it happened) or 0 (it did not)."),
    Case(([], []), "With nothing to score, there is no mean."),
)


def brier_score(namespace: Namespace) -> None:
    """Check Exercise B: brier_score on known values, and that it refuses invalid input."""
    check_function(
        namespace,
        "brier_score",
        BRIER_CASES,
        salt="05.brier_score",
        misreadings=[
            (lambda r: r**2, "that is the square root of the Brier score: do not take a root."),
            (lambda r: r / 2, "divide by the number of questions (the mean, not the sum)."),
        ],
        raises=BRIER_REFUSALS,
        own=True,
    )
    correct("brier_score gives the expected values and refuses every invalid input above.")


def my_resolutions(namespace: Namespace) -> None:
    """Check Exercise C: each question resolved 1 or 0 from its criterion and the evidence."""
    resolutions = answer(namespace, "my_resolutions")
    try:
        resolved = fc.validate_resolutions(resolutions, load_forecast_questions())
    except CourseInputError as problem:
        raise AnswerCheckFailed(str(problem)) from None
    expect(
        resolved["q05"] == 0,
        "q05 is the worked example: the INF Treaty was no longer in force on 1 January 2020, "
        "so it resolves 0.",
    )
    right = sum(
        count_matching([resolved[q]], expected(f"05.resolution.{q}"), salt=f"05.resolution.{q}")
        for q in sorted(resolved)
    )
    expect(
        right == len(resolved),
        f"{right} of your {len(resolved)} resolutions match the evidence. Re-read each "
        "question's resolution criterion (its exact date and wording) against its evidence rows.",
    )
    correct("every question is resolved as its criterion and the evidence say.")


def scores(namespace: Namespace) -> None:
    """Check Exercise D: my_score (from the learner's own forecasts) and three reference scores."""
    values = {}
    for name in ("my_score", "score_always_50", "score_status_quo", "score_article"):
        values[name] = need_number(namespace, name, "0.21")
        expect(
            0 <= values[name] <= 1,
            f"{name} should be a Brier score between 0 and 1; it is {values[name]!r}.",
        )
    questions = load_forecast_questions()
    outcomes = fc.outcomes_from(questions)
    check_value(
        values["score_always_50"],
        "05.score_always_50",
        "score_always_50 is not the Brier score of a forecaster who always says 50%.",
        decimals=6,
    )
    references = {
        "score_status_quo": fc.score_forecasts(fc.status_quo_forecaster(questions), outcomes),
        "score_article": fc.score_forecasts(fc.article_forecaster(questions), outcomes),
    }
    if math.isclose(values["score_status_quo"], references["score_article"], abs_tol=1e-9):
        raise AnswerCheckFailed("score_status_quo and score_article are swapped.")
    expect_close(
        values["score_status_quo"],
        references["score_status_quo"],
        "score_status_quo is not the status-quo forecaster's Brier score on the ten questions.",
    )
    expect_close(
        values["score_article"],
        references["score_article"],
        "score_article is not the article forecaster's Brier score on all ten questions.",
    )
    try:
        mine = fc.score_forecasts(
            fc.validate_forecasts(answer(namespace, "my_forecasts"), questions), outcomes
        )
    except CourseInputError as problem:
        raise AnswerCheckFailed(f"my_forecasts is not valid: {problem}") from None
    expect_close(
        values["my_score"],
        mine,
        "my_score is not the Brier score of your my_forecasts against the outcomes: "
        "score your forecasts, in the same question order as the outcomes.",
    )
    correct("your score and the three reference scores are right.")


def calibration_gaps(namespace: Namespace) -> None:
    """Check Widget exercise: the largest calibration gaps for 10 and 1,000 questions."""
    ten = need_number(namespace, "gap_10_questions", "0.3")
    thousand = need_number(namespace, "gap_1000_questions", "0.3")
    for name, value in (("gap_10_questions", ten), ("gap_1000_questions", thousand)):
        expect(0 <= value <= 1, f"{name} should be a number between 0 and 1; it is {value!r}.")
    expect(
        ten > thousand,
        "with only 10 questions chance produces the bigger gap: check which number is which.",
    )
    check_value(
        ten,
        "05.gap_10_questions",
        "gap_10_questions differs from what the explorer shows for 10 questions and 5 bins "
        "(to within 0.01).",
        decimals=2,
    )
    check_value(
        thousand,
        "05.gap_1000_questions",
        "gap_1000_questions differs from what the explorer shows for 1,000 questions and "
        "5 bins (to within 0.01).",
        decimals=2,
    )
    correct(
        "both gaps match the explorer: a calibrated forecaster can look badly calibrated on ten questions."
    )
