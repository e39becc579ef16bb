"""Module 06's model: a decision matrix for the National Security Council, 18 November 2015.

Every option (a complete course of action) is scored from 1 to 5 on five criteria by the
course's authors (``data/capstone_scores.csv``: each score has its rationale and its
evidence). A role weighs the criteria; an option's total is the weighted sum of its
scores (linear additive weighting), and the options are ranked by total.

The rules, stated once:

* **Scores**: whole numbers from 1 to 5, higher is better for the United States on every
  criterion (escalation risk 5 = the least risk; cost 5 = the cheapest).
* **Weights**: one per criterion, each from 0 to 1, adding up to 1 (within
  :data:`SUM_TOLERANCE`). :func:`validate_weights` explains any other input in a sentence.
* **Ties**: totals are compared to :data:`TIE_DECIMALS` decimal places; options whose
  totals are equal keep the order of the scores table (the order of
  ``data/capstone_options.csv``), so the option listed first ranks first.
* **Changing one weight**: when one criterion's weight moves to a new value, the other
  weights are scaled in proportion so that they still add up to 1, keeping their ratios
  (:func:`reweight`). If the moved criterion held all the weight, the others share what
  is left equally.
* **The smallest flip**: for each criterion, :func:`smallest_flip` finds the weight,
  closest to the current one, at which another option draws level with the top option
  under the rule above; any further move in that direction puts that option first.

No widgets and no matplotlib here: :mod:`postparis.capstone.widgets` is a thin view.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from postparis.data import DataFormatError, read_dataset
from postparis.validation import CourseInputError

__all__ = [
    "CRITERIA",
    "MEETING_DATE",
    "SUM_TOLERANCE",
    "TIE_DECIMALS",
    "Flip",
    "compare_roles",
    "load_criteria",
    "load_evidence",
    "load_options",
    "load_roles",
    "load_score_notes",
    "load_scores",
    "rank_options",
    "reweight",
    "role_weights",
    "round_weights",
    "smallest_flip",
    "validate_weights",
    "weights_table",
]

#: The five criteria, in display order (the ids of data/capstone_criteria.csv).
CRITERIA: tuple[str, ...] = (
    "effect_on_isis",
    "leverage_over_russia",
    "escalation_risk",
    "alliance_cohesion",
    "cost",
)
#: The day of the meeting: nothing on a role card may have become public after it.
MEETING_DATE = pd.Timestamp("2015-11-18")
#: How far the weights' sum may be from 1 (rounding in a sum of two-decimal numbers).
SUM_TOLERANCE = 1e-6
#: Totals are compared to this many decimals: closer totals are a tie.
TIE_DECIMALS = 9
#: The lowest and highest score an option can get on a criterion.
SCORE_RANGE = (1, 5)

Weights = Mapping[str, float]


# -- the data ------------------------------------------------------------------------------


def load_criteria() -> pd.DataFrame:
    """Return the five criteria (``criterion``, ``label``, ``question``), in display order.

    Raises
    ------
    DataFormatError
        If the file does not list exactly the five criteria of :data:`CRITERIA`.
    """
    criteria = read_dataset("capstone_criteria")
    if tuple(criteria["criterion"]) != CRITERIA:
        raise DataFormatError(
            "capstone_criteria.csv must list exactly these criteria, in this order: "
            f"{', '.join(CRITERIA)}; it lists {', '.join(criteria['criterion'])}."
        )
    return criteria


def load_options() -> pd.DataFrame:
    """Return the options, one row each, in display order.

    Columns: ``option``, ``label``, what each does on the four questions
    (``coalition``, ``sanctions``, ``arming``, ``channels``) and a ``summary``.
    """
    options = read_dataset("capstone_options")
    if not options["option"].is_unique:
        raise DataFormatError("capstone_options.csv lists an option twice.")
    return options


def load_score_notes() -> pd.DataFrame:
    """Return the scores in long form, one row per (option, criterion).

    Columns: ``option``, ``criterion``, ``score`` (a whole number from 1 to 5), and the
    score's ``rationale`` and ``evidence`` (modules, data files or cited sources).
    """
    return read_dataset("capstone_scores")


def load_scores() -> pd.DataFrame:
    """Return the scores as a table of whole numbers from 1 to 5.

    One row per option (in the options' order), one column per criterion (in
    :data:`CRITERIA` order).

    Raises
    ------
    DataFormatError
        If a score is missing, repeated, outside 1 to 5, or names an unknown option or
        criterion.
    """
    notes = load_score_notes()
    options = list(load_options()["option"])
    unknown = sorted(set(notes["option"]) - set(options)) + sorted(
        set(notes["criterion"]) - set(CRITERIA)
    )
    if unknown:
        raise DataFormatError(f"capstone_scores.csv names unknown ids: {', '.join(unknown)}.")
    if notes.duplicated(["option", "criterion"]).any():
        raise DataFormatError("capstone_scores.csv scores an option twice on one criterion.")
    table = notes.pivot_table(index="option", columns="criterion", values="score", aggfunc="first")
    table = table.reindex(index=options, columns=list(CRITERIA))
    if table.isna().any().any():
        raise DataFormatError("capstone_scores.csv does not score every option on every criterion.")
    low, high = SCORE_RANGE
    if not ((table >= low) & (table <= high)).all().all():
        raise DataFormatError(f"capstone_scores.csv holds a score outside {low} to {high}.")
    table = table.astype(int)
    table.index.name, table.columns.name = "option", None
    return table


def weights_table(roles: pd.DataFrame) -> pd.DataFrame:
    """Return each role's suggested weights: one row per role, one column per criterion."""
    table = roles.set_index("role")[[f"weight_{c}" for c in CRITERIA]].astype(float)
    table.columns = list(CRITERIA)
    return table


def load_roles() -> pd.DataFrame:
    """Return the role cards, one row per role.

    Columns: ``role``, ``title``, ``round`` (1: the NSC and the French liaison; 2: the
    Russian briefing), ``interests``, ``red_lines`` and the suggested weights
    ``weight_effect_on_isis``, ``weight_leverage_over_russia``,
    ``weight_escalation_risk``, ``weight_alliance_cohesion`` and ``weight_cost``.

    Raises
    ------
    DataFormatError
        If a role's suggested weights break the rules of :func:`validate_weights`.
    """
    roles = read_dataset("capstone_roles")
    for role, weights in weights_table(roles).iterrows():
        try:
            validate_weights(weights.to_dict())
        except CourseInputError as problem:
            raise DataFormatError(f"capstone_roles.csv, role {role!r}: {problem}") from None
    return roles


def role_weights(roles: pd.DataFrame, role: str) -> dict[str, float]:
    """Return the suggested weights of ``role`` (an id such as ``"president"``)."""
    table = weights_table(roles)
    if role not in table.index:
        raise CourseInputError(_unknown(role, list(table.index), "role"))
    return {c: float(table.loc[role, c]) for c in CRITERIA}


def load_evidence() -> pd.DataFrame:
    """Return the evidence on the role cards, one row per point.

    Columns: ``role``, ``point`` (the evidence in the course's words), ``module``
    (01-04, or empty for an outside source), ``source``, ``url``, ``known_on`` (the day
    it became public, a Timestamp) and ``data_file`` (a data file it comes from, or
    empty).

    Raises
    ------
    DataFormatError
        If a point became public after the meeting (:data:`MEETING_DATE`).
    """
    evidence = read_dataset("capstone_evidence")
    evidence["known_on"] = pd.to_datetime(evidence["known_on"], format="ISO8601")
    late = evidence[evidence["known_on"] > MEETING_DATE]
    if not late.empty:
        raise DataFormatError(
            "capstone_evidence.csv holds evidence made public after the meeting of "
            f"{MEETING_DATE:%d %B %Y}: {'; '.join(late['point'].str[:60])}."
        )
    return evidence


# -- the weights ---------------------------------------------------------------------------


def _unknown(name: object, known: Sequence[str], kind: str) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.6)
    if close:
        return f"{name!r} is not a {kind}; did you mean {close[0]!r}?"
    return f"{name!r} is not a {kind}; the {kind}s are {', '.join(map(repr, known))}."


def validate_weights(weights: object) -> dict[str, float]:
    """Return ``weights`` as a dict in :data:`CRITERIA` order, or say what is wrong.

    The rules: a dict with one weight for each of the five criteria and no other key;
    each weight a number from 0 to 1 (0 means "does not matter to me"); together they
    add up to 1, within :data:`SUM_TOLERANCE`.

    Raises
    ------
    CourseInputError
        With one sentence a learner can act on, e.g. "the weight for 'escalation_risk'
        is 1.3; each weight must be between 0 and 1." or "'escalaton_risk' is not a
        criterion; did you mean 'escalation_risk'?"
    """
    if not isinstance(weights, Mapping):
        raise CourseInputError(
            "weights must be a dict such as {'effect_on_isis': 0.3, ...}; "
            f"you gave a {type(weights).__name__}."
        )
    for name in weights:
        if name not in CRITERIA:
            raise CourseInputError(_unknown(name, CRITERIA, "criterion"))
    missing = [c for c in CRITERIA if c not in weights]
    if missing:
        raise CourseInputError(
            f"there is no weight for {', '.join(map(repr, missing))}: give every criterion a "
            "weight (0 is allowed)."
        )
    clean: dict[str, float] = {}
    for name in CRITERIA:
        value = weights[name]
        if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
            value = value.item()  # a numpy number
        if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(float(value)):
            raise CourseInputError(
                f"the weight for {name!r} is {value!r}; write each weight as a number such "
                "as 0.25, without quotes."
            )
        if not 0 <= float(value) <= 1:
            raise CourseInputError(
                f"the weight for {name!r} is {value:g}; each weight must be between 0 and 1."
            )
        clean[name] = float(value)
    total = sum(clean.values())
    if abs(total - 1) > SUM_TOLERANCE:
        raise CourseInputError(
            f"the weights add up to {total:.4g}; they must add up to 1 (for example "
            "0.3 + 0.2 + 0.2 + 0.2 + 0.1)."
        )
    return clean


def reweight(weights: Weights, criterion: str, new_weight: float) -> dict[str, float]:
    """Return ``weights`` with ``criterion`` set to ``new_weight``, the others rescaled.

    The other weights keep their ratios and are scaled so that all five still add up to
    1. If ``criterion`` held all the weight (the others are all 0), the others share
    ``1 - new_weight`` equally.

    Examples
    --------
    >>> w = {"effect_on_isis": 0.4, "leverage_over_russia": 0.2, "escalation_risk": 0.2,
    ...      "alliance_cohesion": 0.1, "cost": 0.1}
    >>> r = reweight(w, "effect_on_isis", 0.7)
    >>> round(r["leverage_over_russia"], 2), round(r["cost"], 2)
    (0.1, 0.05)
    """
    clean = validate_weights(weights)
    if criterion not in CRITERIA:
        raise CourseInputError(_unknown(criterion, CRITERIA, "criterion"))
    if isinstance(new_weight, bool) or not isinstance(new_weight, Real):
        raise CourseInputError(f"the new weight must be a number; you gave {new_weight!r}.")
    if not 0 <= float(new_weight) <= 1:
        raise CourseInputError(f"the new weight is {new_weight:g}; it must be between 0 and 1.")
    others = [c for c in CRITERIA if c != criterion]
    rest = sum(clean[c] for c in others)
    left = 1.0 - float(new_weight)
    out = {criterion: float(new_weight)}
    for c in others:
        out[c] = left * clean[c] / rest if rest > 0 else left / len(others)
    return {c: out[c] for c in CRITERIA}


def round_weights(weights: Weights, decimals: int = 2) -> dict[str, float]:
    """Return ``weights`` rounded to ``decimals`` places, still adding up to exactly 1.

    Each weight is rounded down, then the units left over go to the weights that lost
    the most in rounding (ties: the first criterion), so a learner can copy the result
    and pass :func:`validate_weights`.
    """
    clean = validate_weights(weights)
    unit = 10**decimals
    floors = {c: math.floor(clean[c] * unit + 1e-9) for c in CRITERIA}
    left = unit - sum(floors.values())
    order = sorted(CRITERIA, key=lambda c: -(clean[c] * unit - floors[c]))
    for c in order[:left]:
        floors[c] += 1
    return {c: floors[c] / unit for c in CRITERIA}


# -- ranking -------------------------------------------------------------------------------


def _check_scores(scores: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(scores, pd.DataFrame):
        raise CourseInputError(
            "scores must be the table from load_scores() (a DataFrame with one row per "
            f"option); you gave a {type(scores).__name__}."
        )
    missing = [c for c in CRITERIA if c not in scores.columns]
    if missing or scores.empty:
        raise CourseInputError(
            f"the scores table has no column for {', '.join(missing)}: use load_scores()."
            if missing
            else "the scores table has no options."
        )
    if list(scores.columns) == list(CRITERIA):
        return scores  # read only: totals come from a float copy (to_numpy)
    return scores[list(CRITERIA)]


def _totals(table: pd.DataFrame, weights: Mapping[str, float]) -> list[float]:
    values = table.to_numpy(dtype=float)
    vector = [weights[c] for c in CRITERIA]
    return [float(sum(w * x for w, x in zip(vector, row, strict=True))) for row in values]


def rank_options(scores: pd.DataFrame, weights: Weights) -> list[tuple[str, float]]:
    """Return ``[(option, total), ...]``, best first: the weighted sum of each row.

    Parameters
    ----------
    scores
        One row per option (index: option ids), one column per criterion
        (:func:`load_scores`).
    weights
        One weight per criterion (checked by :func:`validate_weights`).

    Equal totals (to :data:`TIE_DECIMALS` decimals) keep the order of ``scores``.
    """
    table = _check_scores(scores)
    clean = validate_weights(weights)
    totals = _totals(table, clean)
    order = sorted(range(len(totals)), key=lambda i: -round(totals[i], TIE_DECIMALS))
    return [(str(table.index[i]), totals[i]) for i in order]


@dataclass(frozen=True)
class Flip:
    """The smallest change to one criterion's weight that changes the top option.

    Attributes
    ----------
    criterion
        The criterion whose weight moves (the others are rescaled, see :func:`reweight`).
    weight
        Its weight now.
    top
        The top option now.
    new_weight
        The weight at which ``new_top`` draws level with ``top``; any further move in the
        same direction puts ``new_top`` first. ``None`` if no weight from 0 to 1 changes
        the top option.
    new_top
        The option that takes first place, or ``None``.
    """

    criterion: str
    weight: float
    top: str
    new_weight: float | None
    new_top: str | None

    @property
    def change(self) -> float | None:
        """``new_weight - weight`` (negative: the weight must fall), or ``None``."""
        return None if self.new_weight is None else self.new_weight - self.weight


def _flip_for(
    matrix: np.ndarray, options: Sequence[str], weights: Mapping[str, float], k: int, top: int
) -> Flip:
    """Return the smallest flip when only criterion ``k``'s weight moves.

    ``matrix`` holds the scores (options x criteria); see :func:`smallest_flip`.
    """
    vector = np.array([weights[c] for c in CRITERIA])
    w = float(vector[k])
    others = np.delete(np.arange(len(CRITERIA)), k)
    rest_weights = vector[others]
    if rest_weights.sum() > 0:  # each option's score on the other criteria, rescaled
        rest = matrix[:, others] @ (rest_weights / rest_weights.sum())
    else:
        rest = matrix[:, others].mean(axis=1)
    own = matrix[:, k]
    # The gap (option - top) at weight t is a + b t: each total is t*own + (1-t)*rest.
    a = rest - rest[top]
    b = (own - own[top]) - a
    best: tuple[float, float, int, float] | None = None
    for position in range(len(options)):
        if position == top or abs(b[position]) < 1e-12:
            continue
        t = float(-a[position] / b[position])
        direction = 1.0 if b[position] > 0 else -1.0  # beyond t in this direction it leads
        # At the edge (0 or 1) nothing lies beyond: the tie itself must put the option first.
        at_edge = (direction > 0 and t >= 1) or (direction < 0 and t <= 0)
        if not (0 <= t <= 1) or (at_edge and position > top):
            continue
        if (t - w) * direction < -(10**-TIE_DECIMALS):  # it already leads: not the top
            continue
        key = (round(abs(t - w), TIE_DECIMALS), -abs(float(b[position])), position, t)
        if best is None or key[:3] < best[:3]:
            best = key
    if best is None:
        return Flip(CRITERIA[k], w, options[top], None, None)
    return Flip(CRITERIA[k], w, options[top], best[3], options[best[2]])


def smallest_flip(scores: pd.DataFrame, weights: Weights) -> dict[str, Flip]:
    """For each criterion, the smallest change to its weight that changes the top option.

    Only that criterion's weight moves; the others are rescaled as :func:`reweight`
    does. Each option's total is then a straight line in the moved weight, so the weight
    at which another option draws level with the top one is exact, not searched for.
    Of the options that could take first place, the one that needs the smallest change
    wins; then the one that gains fastest; then the table's order.

    Returns
    -------
    dict
        ``{criterion: Flip}`` in :data:`CRITERIA` order.
    """
    table = _check_scores(scores)
    clean = validate_weights(weights)
    options = [str(o) for o in table.index]
    top = options.index(rank_options(scores, clean)[0][0])
    matrix = table.to_numpy(dtype=float)
    return {c: _flip_for(matrix, options, clean, k, top) for k, c in enumerate(CRITERIA)}


def compare_roles(scores: pd.DataFrame, roles: pd.DataFrame, chosen: Sequence[str]) -> pd.DataFrame:
    """Return each option's total under each chosen role's suggested weights.

    One row per option (in the table's order), one column per role id in ``chosen``.
    """
    table = weights_table(roles)
    unknown = [r for r in chosen if r not in table.index]
    if unknown:
        raise CourseInputError(_unknown(unknown[0], list(table.index), "role"))
    out = {}
    for role in chosen:
        totals = dict(rank_options(scores, role_weights(roles, role)))
        out[role] = [totals[str(o)] for o in scores.index]
    return pd.DataFrame(out, index=scores.index)
