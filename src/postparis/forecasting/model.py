"""Score forecasts made "as of 31 December 2015" against what happened in 2016-2026.

Everything here is a small pure function with no widgets, so that module 05's exercises
and widgets can be checked against it:

* :func:`questions_as_of_2015` hides what a forecaster could not know in 2015;
* :func:`validate_forecasts` checks a learner's forecasts (every question answered,
  every probability between 0 and 1) without judging them;
* :func:`brier_score` is the reference Brier score, :func:`score_forecasts` applies it
  to forecasts and outcomes keyed by question id, :func:`brier_by_question` shows the
  share of each question;
* :func:`constant_forecaster`, :func:`status_quo_forecaster`,
  :func:`hindsight_base_rate_forecaster` and :func:`article_forecaster` build the
  reference forecasters a learner is compared with;
* :func:`evidence_for` lists the dated events of ``data/what_happened_next.csv`` that
  settle a question, :func:`validate_resolutions` checks a learner's resolutions, and
  :func:`timeline_with_questions` says which questions each event settles;
* :func:`calibration_table` and :func:`simulate_calibrated_forecaster` are behind the
  reliability diagram.

The Brier score convention used throughout is the mean squared difference between the
probability given to "yes" and the outcome (1 yes, 0 no): 0 is perfect, 1 is the worst
possible, and a forecaster who always says 50% scores exactly 0.25. Glenn Brier's
original 1950 definition sums over both categories ("yes" and "no") and so runs from 0
to 2; scores in that convention are exactly twice ours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from numbers import Real

import numpy as np
import pandas as pd

from postparis.validation import CourseInputError, check_keys, check_number, check_probability

__all__ = [
    "HIDDEN_UNTIL_RESOLUTION",
    "STATUS_QUO",
    "STATUS_QUO_CONFIDENCE",
    "TIMELINE_COLUMNS",
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

#: Columns of ``forecast_questions.csv`` that a forecaster on 31 December 2015 could
#: not have seen: the outcome, the events that resolved it, and notes written later.
HIDDEN_UNTIL_RESOLUTION = ("outcome", "resolved_by", "note", "source_url", "source_publisher")

#: How sure the status-quo forecaster is that nothing changes (an assumption stated in
#: advance, not fitted to the outcomes).
STATUS_QUO_CONFIDENCE = 0.8

#: For each question of ``data/forecast_questions.csv``: is "yes" the answer if the
#: situation of 31 December 2015 simply carried on, and why. This is our reading of
#: the questions, written from what was known at the end of 2015 only.
STATUS_QUO: dict[str, tuple[bool, str]] = {
    "q01": (
        False,
        "The EU's sectoral sanctions were in force; on 21 Dec 2015 they were prolonged to 31 Jul 2016. Lifting them would be a change.",
    ),
    "q02": (
        False,
        "Only an air-safety (deconfliction) memorandum existed, signed on 20 Oct 2015. A joint coalition would be a change.",
    ),
    "q03": (
        False,
        "No NATO multinational battlegroups were stationed in Poland or the Baltic states; Dobriansky's basing idea (paragraph 20) was a proposal.",
    ),
    "q04": (
        False,
        "New START ran to 5 Feb 2021 and no extension had been agreed. An extension needs a new decision.",
    ),
    "q05": (
        True,
        "The INF Treaty was in force, despite US accusations (since 2014) that Russia violated it.",
    ),
    "q06": (True, "Both countries were parties to the Open Skies Treaty."),
    "q07": (
        False,
        "Russia's food import ban was in force, prolonged in June 2015 to 5 Aug 2016. Lifting it would be a change.",
    ),
    "q08": (
        False,
        "New START ran to 5 Feb 2021 and no extension or successor was under negotiation; "
        "without a new decision (the same reading as q04) no treaty would be in force in 2026.",
    ),
    "q09": (True, "Assad was president, backed since 30 Sep 2015 by Russian air strikes."),
    "q10": (True, "The EU's economic sanctions were in force."),
}


# -- questions and forecasts -------------------------------------------------------------


def questions_as_of_2015(questions: pd.DataFrame) -> pd.DataFrame:
    """Return the questions as a forecaster saw them on 31 December 2015.

    Parameters
    ----------
    questions
        The table from :func:`postparis.data.load_forecast_questions`.

    Returns
    -------
    pandas.DataFrame
        A copy without the columns in :data:`HIDDEN_UNTIL_RESOLUTION` (and without
        ``article_implied``, which module 05 reveals only when it scores the article).
    """
    hidden = [*HIDDEN_UNTIL_RESOLUTION, "article_implied", "confidence"]
    keep = [c for c in questions.columns if c not in hidden]
    return questions[keep].copy()


#: What the learner is told about a question id that does not exist.
_UNKNOWN_QUESTION = "There is no question {{names}}. The question ids are {first} to {last}."

#: The columns of :func:`timeline_with_questions`, in order.
TIMELINE_COLUMNS = (
    "date",
    "date_precision",
    "event_id",
    "category",
    "event",
    "resolves",
    "source_publisher",
    "confidence",
)


def _question_ids(question_ids: Iterable[object]) -> list[str]:
    """Return question ids from a list of ids or a questions table."""
    if isinstance(question_ids, pd.DataFrame):
        return [str(q) for q in question_ids["question_id"]]
    return [str(q) for q in question_ids]


def validate_forecasts(forecasts: object, question_ids: Iterable[object]) -> dict[str, float]:
    """Check that ``forecasts`` gives one probability to every question, and return it.

    The check is about form only: any probability from 0 to 1 passes, whatever it is.

    Parameters
    ----------
    forecasts
        What the learner recorded: a dict such as ``{"q01": 0.3, "q02": 0.75, ...}``
        mapping each question id to the probability of "yes".
    question_ids
        The ids every forecast set must cover, or the questions table itself.

    Returns
    -------
    dict of str to float
        The forecasts as floats, in the order of ``question_ids``.

    Raises
    ------
    CourseInputError
        If ``forecasts`` is not a dict, misses a question, names a question that does
        not exist, or holds something that is not a probability between 0 and 1.

    Examples
    --------
    >>> validate_forecasts({"q02": 0.25, "q01": 1}, ["q01", "q02"])
    {'q01': 1.0, 'q02': 0.25}
    """
    ids = _question_ids(question_ids)
    checked = check_keys(
        forecasts,
        ids,
        not_a_dict="Your forecasts should be a dict from question id to probability, like "
        f'{{{{"{ids[0]}": 0.3, "{ids[1]}": 0.8, ...}}}}; you gave a {{type}}.',
        unknown=_UNKNOWN_QUESTION.format(first=ids[0], last=ids[-1]),
        missing="You have not given a probability for {names}: every question needs one "
        f"({len(ids)} in all). If you have no idea, 0.5 is a forecast too.",
    )
    return {q: check_probability(p, f"Your forecast for {q}") for q, p in checked.items()}


# -- the Brier score ----------------------------------------------------------------------


def _outcome(value: object, position: int) -> int:
    if isinstance(value, Real) and not isinstance(value, bool) and value in (0, 1):
        return 1 if value == 1 else 0
    if isinstance(value, bool):
        return int(value)
    raise CourseInputError(
        f"Outcome number {position + 1} is {value!r}; an outcome must be 1 (it happened) "
        "or 0 (it did not)."
    )


def brier_score(forecasts: Sequence[float], outcomes: Sequence[int]) -> float:
    """Return the mean squared difference between probabilities and outcomes.

    Parameters
    ----------
    forecasts
        Probabilities of "yes", each from 0 to 1.
    outcomes
        What happened, 1 (yes) or 0 (no), in the same order as ``forecasts``.

    Returns
    -------
    float
        From 0 (every outcome given probability 1) to 1 (every outcome given
        probability 0). Always answering 0.5 scores 0.25. Lower is better.

    Raises
    ------
    CourseInputError
        If the two lists differ in length or are empty, a forecast is not a probability,
        or an outcome is not 0 or 1.

    Examples
    --------
    >>> brier_score([1.0, 0.0], [1, 0])
    0.0
    >>> brier_score([0.5, 0.5, 0.5], [1, 0, 1])
    0.25
    >>> round(brier_score([0.8, 0.3], [1, 0]), 3)
    0.065
    """
    for name, value in (("forecasts", forecasts), ("outcomes", outcomes)):
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence | np.ndarray):
            raise CourseInputError(
                f"The {name} should be a list, like [0.2, 0.9]; you gave a {type(value).__name__}."
            )
    if len(forecasts) != len(outcomes):
        raise CourseInputError(
            f"There are {len(forecasts)} forecasts but {len(outcomes)} outcomes; "
            "each forecast needs exactly one outcome."
        )
    if len(forecasts) == 0:
        raise CourseInputError("There is nothing to score: the lists are empty.")
    probabilities = [
        check_probability(f, f"Forecast number {i + 1}") for i, f in enumerate(forecasts)
    ]
    results = [_outcome(o, i) for i, o in enumerate(outcomes)]
    return sum((p - o) ** 2 for p, o in zip(probabilities, results, strict=True)) / len(results)


def _aligned(
    forecasts: Mapping[str, float], outcomes: Mapping[str, int]
) -> tuple[list[str], list[float], list[int]]:
    ids = list(outcomes)
    checked = validate_forecasts(forecasts, ids)
    return ids, [checked[q] for q in ids], [_outcome(outcomes[q], i) for i, q in enumerate(ids)]


def score_forecasts(forecasts: Mapping[str, float], outcomes: Mapping[str, int]) -> float:
    """Return the Brier score of forecasts and outcomes that are keyed by question id.

    Raises
    ------
    CourseInputError
        If the forecasts do not cover exactly the questions of ``outcomes``.

    Examples
    --------
    >>> round(score_forecasts({"q01": 0.9, "q02": 0.2}, {"q02": 0, "q01": 1}), 3)
    0.025
    """
    _, probabilities, results = _aligned(forecasts, outcomes)
    return brier_score(probabilities, results)


def brier_by_question(forecasts: Mapping[str, float], outcomes: Mapping[str, int]) -> pd.DataFrame:
    """Return each question's forecast, outcome and squared error.

    The Brier score is the mean of the ``squared_error`` column, so the table shows
    which questions cost the most.

    Returns
    -------
    pandas.DataFrame
        Columns ``question_id``, ``forecast``, ``outcome``, ``squared_error``.
    """
    ids, probabilities, results = _aligned(forecasts, outcomes)
    return pd.DataFrame(
        {
            "question_id": ids,
            "forecast": probabilities,
            "outcome": results,
            "squared_error": [(p - o) ** 2 for p, o in zip(probabilities, results, strict=True)],
        }
    )


# -- reference forecasters -----------------------------------------------------------------


def constant_forecaster(
    question_ids: Iterable[object], probability: float = 0.5
) -> dict[str, float]:
    """Return the same probability for every question (the "50% forecaster" by default)."""
    p = check_probability(probability, "The constant forecaster's probability")
    return dict.fromkeys(_question_ids(question_ids), p)


def status_quo_forecaster(
    question_ids: Iterable[object], confidence: float = STATUS_QUO_CONFIDENCE
) -> dict[str, float]:
    """Bet, with the same stated confidence on every question, that nothing changes.

    :data:`STATUS_QUO` says, for each question, whether "yes" means that the situation
    of 31 December 2015 simply continued. The forecaster gives that answer the
    probability ``confidence`` and the other answer ``1 - confidence``. Both the
    status-quo answers and the confidence are fixed without looking at any outcome.

    Parameters
    ----------
    question_ids
        The ids to forecast, or the questions table.
    confidence
        The probability given to "no change" (default :data:`STATUS_QUO_CONFIDENCE`).

    Raises
    ------
    CourseInputError
        If a question has no status-quo answer in :data:`STATUS_QUO`.
    """
    c = check_probability(confidence, "The status-quo forecaster's confidence")
    ids = _question_ids(question_ids)
    missing = [q for q in ids if q not in STATUS_QUO]
    if missing:
        raise CourseInputError(
            f"The status-quo forecaster has no answer for {', '.join(missing)}; "
            "add one, with its reason, to STATUS_QUO in postparis.forecasting.model."
        )
    return {q: (c if STATUS_QUO[q][0] else 1.0 - c) for q in ids}


def hindsight_base_rate_forecaster(outcomes: Mapping[str, int]) -> dict[str, float]:
    """Give every question the share of "yes" outcomes across the whole question set.

    This forecaster **cheats**: the share is computed from the outcomes it is then
    scored against, which nobody knew in 2015. It is shown only to make that leak
    visible: a "base rate" is fair only if it is fixed before the outcomes are known.
    """
    results = [_outcome(o, i) for i, o in enumerate(outcomes.values())]
    if not results:
        raise CourseInputError("There are no outcomes to take a base rate from.")
    rate = sum(results) / len(results)
    return dict.fromkeys(outcomes, rate)


def article_forecaster(questions: pd.DataFrame, *, default: float = 0.5) -> dict[str, float]:
    """Return the forecast the article's argument implies for each question.

    Where ``article_implied`` is empty (the article says nothing that bears on the
    question), the forecaster says ``default`` (0.5: no view).
    """
    d = check_probability(default, "The default probability")
    out: dict[str, float] = {}
    for q, p in zip(questions["question_id"], questions["article_implied"], strict=True):
        value = float(p) if pd.notna(p) else d
        out[str(q)] = check_probability(value, f"article_implied for {q}")
    return out


def reference_forecasters(
    questions: pd.DataFrame, outcomes: Mapping[str, int]
) -> dict[str, dict[str, float]]:
    """Return the course's reference forecasters, keyed by a short description."""
    return {
        "always 50%": constant_forecaster(questions),
        f"status quo ({STATUS_QUO_CONFIDENCE:.0%} no change)": status_quo_forecaster(questions),
        "hindsight base rate (leaks outcomes)": hindsight_base_rate_forecaster(outcomes),
        "the article's implied forecast": article_forecaster(questions),
    }


# -- resolving questions from the events ------------------------------------------------------


def _split_ids(text: object) -> list[str]:
    if not isinstance(text, str):
        return []
    return [part.strip() for part in text.split(";") if part.strip()]


def _question_row(questions: pd.DataFrame, question_id: object) -> pd.Series:
    rows = questions.loc[questions["question_id"] == question_id]
    if rows.empty:
        ids = list(questions["question_id"])
        raise CourseInputError(
            f"There is no question {question_id!r}. The question ids are {ids[0]} to {ids[-1]}."
        )
    return rows.iloc[0]


def evidence_for(question_id: str, questions: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Return the dated events that bear on one question, oldest first.

    Parameters
    ----------
    question_id
        For example ``"q01"``.
    questions, events
        The tables from :func:`postparis.data.load_forecast_questions` and
        :func:`postparis.data.load_what_happened_next`.

    Returns
    -------
    pandas.DataFrame
        Columns ``event_id``, ``date``, ``event``, ``source_publisher`` and
        ``by_resolution_date`` (True when the event happened on or before the
        question's resolution date; an event dated only by month or year counts from
        the first day of that month or year).
    """
    row = _question_row(questions, question_id)
    ids = _split_ids(row["resolved_by"])
    unknown = [e for e in ids if e not in set(events["event_id"])]
    if unknown:
        raise CourseInputError(
            f"Question {question_id} names event(s) {', '.join(unknown)} that the events "
            "table does not hold."
        )
    chosen = events.loc[events["event_id"].isin(ids)].copy()
    chosen["by_resolution_date"] = chosen["date"] <= row["resolution_date"]
    columns = ["event_id", "date", "event", "source_publisher", "by_resolution_date"]
    return chosen.sort_values("date")[columns].reset_index(drop=True)


def outcomes_from(questions: pd.DataFrame) -> dict[str, int]:
    """Return the recorded outcome of every question, ``{question_id: 1 or 0}``."""
    return {
        str(q): int(o) for q, o in zip(questions["question_id"], questions["outcome"], strict=True)
    }


def validate_resolutions(resolutions: object, question_ids: Iterable[object]) -> dict[str, int]:
    """Check that ``resolutions`` gives every question an outcome of 1 or 0, and return it.

    Raises
    ------
    CourseInputError
        If ``resolutions`` is not a dict, misses a question, names an unknown one, or
        holds anything but 1 (yes) or 0 (no).
    """
    ids = _question_ids(question_ids)
    checked = check_keys(
        resolutions,
        ids,
        not_a_dict="Your resolutions should be a dict from question id to 1 (yes) or 0 (no), "
        f'like {{{{"{ids[0]}": 0, "{ids[1]}": 1, ...}}}}; you gave a {{type}}.',
        unknown=_UNKNOWN_QUESTION.format(first=ids[0], last=ids[-1]),
        missing="You have not resolved {names} yet.",
    )
    out = {}
    for q, value in checked.items():
        if isinstance(value, bool) or value not in (0, 1):
            raise CourseInputError(
                f"The resolution of {q} is {value!r}; write 1 if it resolved yes, 0 if no."
            )
        out[q] = int(value)
    return out


def timeline_with_questions(events: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """Return the events, oldest first, with the question ids each one helps resolve.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``date_precision``, ``event_id``, ``category``, ``event``,
        ``resolves`` (e.g. ``"q01, q10"``; empty for context events),
        ``source_publisher``, ``confidence``.
    """
    resolves: dict[str, list[str]] = {}
    for q, ids in zip(questions["question_id"], questions["resolved_by"], strict=True):
        for e in _split_ids(ids):
            resolves.setdefault(e, []).append(str(q))
    table = events.sort_values(["date", "event_id"]).copy()
    table["resolves"] = [", ".join(resolves.get(e, [])) for e in table["event_id"]]
    return table[list(TIMELINE_COLUMNS)].reset_index(drop=True)


# -- calibration --------------------------------------------------------------------------------


def calibration_table(
    forecasts: Sequence[float], outcomes: Sequence[int], n_bins: int = 5
) -> pd.DataFrame:
    """Group forecasts into equal-width bins and compare each bin with what happened.

    A forecaster is *calibrated* when, among the questions given about 70%, about 70%
    happen. With a handful of questions per bin, the observed share is very noisy.

    Parameters
    ----------
    forecasts, outcomes
        As for :func:`brier_score`.
    n_bins
        How many equal-width bins to cut [0, 1] into (1 to 20). A forecast on a bin
        edge goes to the higher bin; a forecast of 1.0 goes to the last bin.

    Returns
    -------
    pandas.DataFrame
        One row per bin: ``bin_low``, ``bin_high``, ``n`` (forecasts in the bin),
        ``mean_forecast`` and ``observed_share`` (NaN for an empty bin).
    """
    brier_score(forecasts, outcomes)  # validates both lists
    bins = check_number(n_bins, "The number of bins", minimum=1, maximum=20)
    if bins != int(bins):
        raise CourseInputError(f"The number of bins must be a whole number; you gave {n_bins!r}.")
    k = int(bins)
    p = np.asarray([float(f) for f in forecasts])
    o = np.asarray([int(x) for x in outcomes], dtype=float)
    index = np.minimum((p * k).astype(int), k - 1)
    counts = np.bincount(index, minlength=k)
    sums_p = np.bincount(index, weights=p, minlength=k)
    sums_o = np.bincount(index, weights=o, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.where(counts > 0, sums_p / np.maximum(counts, 1), np.nan)
        share = np.where(counts > 0, sums_o / np.maximum(counts, 1), np.nan)
    edges = np.linspace(0.0, 1.0, k + 1)
    return pd.DataFrame(
        {
            "bin_low": edges[:-1],
            "bin_high": edges[1:],
            "n": counts.astype(int),
            "mean_forecast": mean_p,
            "observed_share": share,
        }
    )


def largest_calibration_gap(table: pd.DataFrame) -> float:
    """Return the largest gap between a bin's mean forecast and its observed share.

    Empty bins are ignored. A perfectly calibrated forecaster on very many questions
    has gaps near 0; on a few questions, chance alone makes them large.

    Examples
    --------
    >>> table = calibration_table([0.1, 0.1, 0.9, 0.9], [0, 1, 1, 1], n_bins=2)
    >>> round(largest_calibration_gap(table), 2)
    0.4
    """
    filled = table.loc[table["n"] > 0]
    if filled.empty:
        raise CourseInputError("The calibration table has no forecasts in it.")
    return float((filled["mean_forecast"] - filled["observed_share"]).abs().max())


def simulate_calibrated_forecaster(
    n_questions: int, seed: int = 2015
) -> tuple[list[float], list[int]]:
    """Simulate a perfectly calibrated forecaster on ``n_questions`` made-up questions.

    Each forecast is drawn from 0.05, 0.15, ..., 0.95 and each outcome happens with
    exactly that probability, so any gap between forecasts and outcomes in its
    reliability diagram is pure chance. Seeded, so the same call gives the same result.

    Returns
    -------
    tuple of (list of float, list of int)
        The forecasts and the simulated outcomes.
    """
    n = check_number(n_questions, "The number of questions", minimum=1, maximum=100_000)
    rng = np.random.default_rng(seed)
    grid = np.round(np.arange(0.05, 1.0, 0.1), 2)
    forecasts = rng.choice(grid, size=int(n))
    outcomes = (rng.random(int(n)) < forecasts).astype(int)
    return [float(f) for f in forecasts], [int(x) for x in outcomes]
