"""Module 05, "What happened next": forecasts as of the end of 2015, scored against 2016-2026.

:mod:`postparis.forecasting.model` holds the pure scoring functions (the Brier score,
reference forecasters, calibration), :mod:`postparis.forecasting.plots` the charts and
:mod:`postparis.forecasting.widgets` the thin widgets over them. This is the only part
of the course that may speak about what happened after 31 December 2015.
"""

from postparis.forecasting.model import (
    STATUS_QUO,
    STATUS_QUO_CONFIDENCE,
    article_forecaster,
    brier_by_question,
    brier_score,
    calibration_table,
    constant_forecaster,
    evidence_for,
    hindsight_base_rate_forecaster,
    largest_calibration_gap,
    outcomes_from,
    questions_as_of_2015,
    reference_forecasters,
    score_forecasts,
    simulate_calibrated_forecaster,
    status_quo_forecaster,
    timeline_with_questions,
    validate_forecasts,
    validate_resolutions,
)

__all__ = [
    "STATUS_QUO",
    "STATUS_QUO_CONFIDENCE",
    "article_forecaster",
    "brier_by_question",
    "brier_score",
    "calibration_table",
    "constant_forecaster",
    "evidence_for",
    "hindsight_base_rate_forecaster",
    "largest_calibration_gap",
    "outcomes_from",
    "questions_as_of_2015",
    "reference_forecasters",
    "score_forecasts",
    "simulate_calibrated_forecaster",
    "status_quo_forecaster",
    "timeline_with_questions",
    "validate_forecasts",
    "validate_resolutions",
]
