"""Visible checks of module 06, the National Security Council meeting (the capstone)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from postparis.capstone.model import (
    CRITERIA,
    load_options,
    load_roles,
    load_scores,
    smallest_flip,
    weights_table,
)
from postparis.capstone.model import (
    rank_options as course_ranking,
)
from postparis.capstone.model import (
    validate_weights as course_validation,
)
from postparis.checks import AnswerCheckFailed, NotAttempted, answer, attempt, correct, recorded
from postparis.exercises import Case, Namespace, check_function
from postparis.validation import CourseInputError

ISIS, LEVERAGE, ESCALATION, ALLIANCE, COST = CRITERIA


def toy_scores(rows: Mapping[str, tuple[int, int, int, int, int]]) -> pd.DataFrame:
    """Return a small scores table in the shape of load_scores(): one row per option."""
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(CRITERIA))
    table.index.name = "option"
    return table


def weights(*values: float) -> dict[str, float]:
    """Five weights, in the criteria's order."""
    return dict(zip(CRITERIA, values, strict=True))


#: Three invented options (not the course's): visible cases never give away a real answer.
TOY = toy_scores(
    {"option_a": (4, 3, 3, 4, 3), "option_b": (2, 4, 4, 3, 4), "option_c": (5, 1, 1, 2, 2)}
)
#: Two options that tie under TIE_WEIGHTS (the table's order then decides).
TOY_TIE = toy_scores({"option_x": (4, 2, 3, 3, 3), "option_y": (2, 4, 5, 3, 1)})
TIE_WEIGHTS = weights(0.5, 0.25, 0.25, 0.0, 0.0)
W1 = weights(0.3, 0.2, 0.2, 0.2, 0.1)
SHOWN_TOY = "TOY, "
SHOWN_TIE = "TOY_TIE, "

RANK_CASES = (
    Case((TOY, W1), "Multiply each score by its weight and add them up.", shown=SHOWN_TOY + "W1"),
    Case(
        (TOY, weights(0.2, 0.2, 0.2, 0.2, 0.2)),
        "With equal weights the total is the average score. option_a and option_b tie here "
        "once the totals are rounded to 9 decimals (round(total, 9)), so the table's order "
        "decides.",
        shown=SHOWN_TOY + "equal weights",
    ),
    Case(
        (TOY, weights(1.0, 0.0, 0.0, 0.0, 0.0)),
        "With all the weight on one criterion, the total is that criterion's score.",
        shown=SHOWN_TOY + "all weight on effect_on_isis",
    ),
    Case(
        (TOY_TIE, TIE_WEIGHTS),
        "The two totals are equal: the option listed first in the table must come first "
        "(compare round(total, 9) with a stable sort: sorted(..., key=..., reverse=True)).",
        shown=SHOWN_TIE + "TIE_WEIGHTS",
    ),
    Case(
        (TOY.loc[["option_b"]], W1),
        "A table with one option gives a list with one pair.",
        shown="TOY.loc[['option_b']], W1",
    ),
)


def rank_options(namespace: Namespace) -> None:
    """Check Exercise A: rank_options(scores, weights), best first, ties in table order."""
    check_function(
        namespace,
        "rank_options",
        RANK_CASES,
        salt="06.rank_options",
        own=True,
        misreadings=[
            (lambda r: list(reversed(r)), "the order is upside down: put the best option first."),
            (
                lambda r: [(o, t / 5) for o, t in r],
                "your totals are five times too large: weight each score, do not add them.",
            ),
        ],
    )
    correct("rank_options weighs every score and ranks best first, ties in the table's order.")


REWEIGHT_CASES = (
    Case((W1, ISIS, 0.7), "The other four keep their ratios and share 0.3.", shown="W1, ISIS, 0.7"),
    Case((W1, COST, 0.0), "Setting cost to 0 scales the other four up.", shown="W1, COST, 0.0"),
    Case(
        (W1, ESCALATION, 1.0),
        "With 1.0 on one criterion the others are 0.",
        shown="W1, ESCALATION, 1.0",
    ),
    Case((W1, LEVERAGE, 0.2), "The same weight again changes nothing.", shown="W1, LEVERAGE, 0.2"),
    Case(
        (weights(1.0, 0.0, 0.0, 0.0, 0.0), ISIS, 0.6),
        "The other weights are all 0 here: share what is left (0.4) equally among them.",
        shown="all weight on ISIS, ISIS, 0.6",
    ),
)
REWEIGHT_RAISES = (
    Case((W1, ISIS, 1.2), "A weight above 1 should raise ValueError.", shown="W1, ISIS, 1.2"),
    Case((W1, COST, -0.1), "A negative weight should raise ValueError.", shown="W1, COST, -0.1"),
)


def reweight(namespace: Namespace) -> None:
    """Check Exercise B: reweight(weights, criterion, new_weight)."""
    function = answer(namespace, "reweight")
    result = attempt(function, W1, ISIS, 0.7, name="reweight(W1, ISIS, 0.7)")
    if not isinstance(result, Mapping) or set(result) != set(CRITERIA):
        raise AnswerCheckFailed(
            "reweight should return a dict with a weight for each of the five criteria; "
            f"reweight(W1, ISIS, 0.7) returned {result!r}."
        )
    total = sum(float(v) for v in result.values())
    if not math.isclose(total, 1.0, abs_tol=1e-6):
        raise AnswerCheckFailed(
            f"reweight(W1, ISIS, 0.7) returns weights that add up to {total:.3g}: scale the "
            "other four so that all five add up to 1."
        )
    check_function(
        namespace, "reweight", REWEIGHT_CASES, salt="06.reweight", own=True, raises=REWEIGHT_RAISES
    )
    correct("reweight moves one weight and rescales the others in proportion.")


FLIP_CASES = (
    Case(
        (TOY, W1, ESCALATION),
        "Try weights up, then down, one step at a time.",
        shown="TOY, W1, ESCALATION",
    ),
    Case(
        (TOY, W1, ISIS),
        "Try 0.31, 0.29, 0.32, 0.28 ... and stop at the first change.",
        shown="TOY, W1, ISIS",
    ),
    Case(
        (TOY, W1, ALLIANCE),
        "Here no weight from 0 to 1 changes the top: return None.",
        shown="TOY, W1, ALLIANCE",
    ),
    Case(
        (TOY, W1, COST),
        "Keep going step by step; never try a weight outside 0 to 1.",
        shown="TOY, W1, COST",
    ),
    Case((TOY, W1, LEVERAGE, 0.05), "Use the step you are given.", shown="TOY, W1, LEVERAGE, 0.05"),
)


def first_flip(namespace: Namespace) -> None:
    """Check Exercise C: first_flip(scores, weights, criterion, step=0.01)."""
    check_function(
        namespace,
        "first_flip",
        FLIP_CASES,
        salt="06.first_flip",
        own=True,
        decimals=4,
    )
    correct("first_flip finds the nearest weight, on the grid, that changes the top option.")


#: Valid weights a learner's check must accept: zeros, a single 1.0, sums off by rounding.
#: The rescaled weights (what ``reweight`` or the widget gives) add up to 0.9999999999999999
#: even when every digit is kept (``math.fsum``), so an exact ``== 1`` fails on them on every
#: Python; 0.1 + 0.2 + ... is off only when added one by one (Python 3.12's ``sum`` rounds it
#: to 1.0).
VALID = (
    ("W1", W1),
    ("all weight on effect_on_isis", weights(1.0, 0.0, 0.0, 0.0, 0.0)),
    ("0.1 + 0.2 + 0.3 + 0.3 + 0.1 (1 with rounding)", weights(0.1, 0.2, 0.3, 0.3, 0.1)),
    (
        "weights rescaled to keep the sum 1 (0.9999999999999999 in floating point)",
        weights(
            0.3, 0.2333333333333333, 0.18666666666666665, 0.18666666666666665, 0.09333333333333332
        ),
    ),
)
#: (what is wrong, the weights, words of which the message must contain one).
INVALID = (
    (
        "a weight of 1.3",
        weights(0.0, 0.0, 1.3, 0.0, 0.0),
        ("escalation_risk", "1.3"),
    ),
    (
        "a misspelt criterion",
        {"escalaton_risk" if k == ESCALATION else k: v for k, v in W1.items()},
        ("escalaton_risk",),
    ),
    ("weights that add up to 0.9", {**W1, COST: 0.0}, ("0.9", "add up", "sum")),
    ("a missing criterion", {k: v for k, v in W1.items() if k != COST} | {ISIS: 0.4}, ("cost",)),
    ("a negative weight", {**W1, COST: -0.1, ISIS: 0.5}, ("cost", "-0.1")),
)


def _message_for(function: object, bad: Mapping[str, float], what: str) -> str:
    try:
        function(dict(bad))  # type: ignore[operator]  # checked callable by attempt()
    except ValueError as problem:
        return str(problem)
    except NotImplementedError:
        raise NotAttempted("validate_weights still raises NotImplementedError.") from None
    except Exception as other:
        raise AnswerCheckFailed(
            f"for {what}, validate_weights raised {type(other).__name__}: {other}. Raise "
            "ValueError instead, with a message that names the problem."
        ) from None
    raise AnswerCheckFailed(f"validate_weights accepted {what}: raise ValueError for it.")


def validate_weights(namespace: Namespace) -> None:
    """Check Exercise D: validate_weights accepts good weights and explains bad ones."""
    function = answer(namespace, "validate_weights")
    if getattr(function, "__module__", "__main__") != namespace.get("__name__", "__main__"):
        raise AnswerCheckFailed(
            "define validate_weights yourself in the cell above, rather than importing the "
            "course's version."
        )
    for what, good in VALID:
        attempt(function, dict(good), name=f"validate_weights({what})")
    for what, bad, words in INVALID:
        message = _message_for(function, bad, what)
        if not any(word in message for word in words):
            raise AnswerCheckFailed(
                f"for {what}, your ValueError says {message!r}; a learner could not tell what "
                f"to fix. Name the problem (mention {' or '.join(map(repr, words))})."
            )
    correct("validate_weights accepts good weights and explains each mistake.")


def _roles_and_options() -> tuple[list[str], list[str]]:
    return list(load_roles()["role"]), list(load_options()["option"])


def _need_choice(namespace: Namespace, name: str, allowed: list[str], kind: str) -> str:
    value = answer(namespace, name)
    if not isinstance(value, str) or value not in allowed:
        raise AnswerCheckFailed(
            f"{name} should be one of the {kind} ids, in quotes: {', '.join(allowed)}; it is "
            f"{value!r}."
        )
    return value


def _need_weights(namespace: Namespace) -> dict[str, float]:
    try:
        return course_validation(answer(namespace, "my_weights"))
    except CourseInputError as problem:
        raise AnswerCheckFailed(f"my_weights: {problem}") from None


def meeting_record(namespace: Namespace) -> None:
    """Check Widget exercise 1: the role, weights, the matrix's top option and the choice."""
    roles, options = _roles_and_options()
    role = _need_choice(namespace, "my_role", roles, "role")
    mine = _need_weights(namespace)
    top = _need_choice(namespace, "matrix_top", options, "option")
    choice = _need_choice(namespace, "my_choice", options, "option")
    right = course_ranking(load_scores(), mine)[0][0]
    if top != right:
        raise AnswerCheckFailed(
            f"with your my_weights the matrix does not put {top!r} first: set the sliders to "
            "your weights (or copy the weights the widget printed) and read the top option again."
        )
    same = "the same as" if choice == top else "different from"
    suggested = weights_table(load_roles()).loc[role].to_dict()
    moved = max(abs(mine[c] - suggested[c]) for c in CRITERIA)
    recorded(
        f"as {role}, you chose {choice!r}, {same} the matrix's top option; your weights differ "
        f"from the role's suggestion by up to {moved:.2f}. Your memos explain both choices."
    )


def fragile_criterion(namespace: Namespace) -> None:
    """Check Widget exercise 2: the criterion whose weight needs the smallest change."""
    mine = _need_weights(namespace)
    value = answer(namespace, "my_fragile_criterion")
    if not isinstance(value, str) or value not in CRITERIA:
        raise AnswerCheckFailed(
            f"my_fragile_criterion should be a criterion id, in quotes, one of "
            f"{', '.join(CRITERIA)}; it is {value!r}."
        )
    flips = smallest_flip(load_scores(), mine)
    changes = {c: abs(f.change) for c, f in flips.items() if f.change is not None}
    if not changes:
        raise AnswerCheckFailed("with your my_weights no single weight changes the top option.")
    smallest = min(changes.values())
    if value not in changes:
        raise AnswerCheckFailed(
            f"no change to the weight of {value!r} alone changes the top option for your "
            "my_weights: look at the 'change' column of the fragility table."
        )
    if changes[value] > smallest + 1e-9:
        raise AnswerCheckFailed(
            f"{value!r} needs a change of {changes[value]:.3f}; another criterion needs less. "
            "Look for the smallest change (ignore its sign) in the fragility table."
        )
    correct(f"{value!r} is the weight whose smallest change ({smallest:.3f}) flips the top.")
