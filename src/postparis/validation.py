"""Check a learner's input and explain what is wrong in plain words.

Every helper that takes input from a learner checks it here first, so that a
probability of 1.3 or a misspelt actor name produces a sentence a learner can act
on, never a traceback from deep inside a helper.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from numbers import Real

__all__ = [
    "CourseInputError",
    "check_choice",
    "check_fraction",
    "check_number",
    "check_probability",
]


class CourseInputError(ValueError):
    """Input a learner gave that a helper cannot use; the message says why and what to do.

    It subclasses :class:`ValueError`, so code that already catches ``ValueError``
    keeps working.
    """

    def _render_traceback_(self) -> list[str]:  # pragma: no cover - used by IPython only
        # IPython calls this to show the error: a learner sees one clear line,
        # not the helper's internals.
        return [f"{type(self).__name__}: {self}"]


def check_number(
    value: object,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """Return ``value`` as a float, or explain why it is not an acceptable number.

    Parameters
    ----------
    value
        What the learner gave.
    name
        How to call it in the message, e.g. ``"the credibility cost"``.
    minimum, maximum
        Inclusive bounds, if any.

    Returns
    -------
    float
        The value, unchanged but for the type.

    Raises
    ------
    CourseInputError
        If ``value`` is not a real number, is NaN, or lies outside the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise CourseInputError(
            f"{name} must be a number, like 0.5; you gave {value!r} ({type(value).__name__})."
        )
    number = float(value)
    if math.isnan(number):
        raise CourseInputError(f"{name} must be a number; you gave NaN (not a number).")
    if minimum is not None and number < minimum:
        raise CourseInputError(f"{name} must be at least {minimum:g}; you gave {number:g}.")
    if maximum is not None and number > maximum:
        raise CourseInputError(f"{name} must be at most {maximum:g}; you gave {number:g}.")
    return number


def check_probability(value: object, name: str = "a probability") -> float:
    """Return ``value`` if it is a probability between 0 and 1 inclusive.

    Examples
    --------
    >>> check_probability(0.25)
    0.25
    >>> check_probability(1.3)
    Traceback (most recent call last):
    ...
    postparis.validation.CourseInputError: a probability must be between 0 and 1 \
(write 30% as 0.3); you gave 1.3.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise CourseInputError(
            f"{name} must be a number between 0 and 1, like 0.7; you gave {value!r}."
        )
    number = float(value)
    if math.isnan(number) or not 0.0 <= number <= 1.0:
        hint = " (write 30% as 0.3)" if 1.0 < number <= 100.0 else ""
        raise CourseInputError(f"{name} must be between 0 and 1{hint}; you gave {value!r}.")
    return number


def check_fraction(value: object, name: str) -> float:
    """Return ``value`` if it lies between 0 and 1 inclusive (a share, not a chance)."""
    return check_probability(value, name)


def check_choice(value: object, choices: Iterable[str], kind: str) -> str:
    """Return the allowed choice that ``value`` names, tolerating case and spaces.

    Parameters
    ----------
    value
        What the learner typed, e.g. ``"pickering"``.
    choices
        The allowed spellings, e.g. actor names.
    kind
        What a choice is, for the message: ``"actor"``, ``"policy lever"``.

    Returns
    -------
    str
        The allowed spelling that matches.

    Raises
    ------
    CourseInputError
        If nothing matches; the message suggests the closest allowed names.

    Examples
    --------
    >>> check_choice(" thomas pickering", ["Thomas Pickering", "John Brennan"], "actor")
    'Thomas Pickering'
    """
    options = list(choices)
    if not isinstance(value, str):
        raise CourseInputError(
            f"The {kind} must be given as text in quotes, like {options[0]!r}; you gave {value!r}."
        )
    wanted = " ".join(value.split()).casefold()
    for option in options:
        if option.casefold() == wanted:
            return option
    folded = {option.casefold(): option for option in options}
    close = difflib.get_close_matches(wanted, list(folded), n=3, cutoff=0.6)
    if close:
        suggestion = " or ".join(repr(folded[c]) for c in close)
        raise CourseInputError(f"There is no {kind} called {value!r}. Did you mean {suggestion}?")
    listed = ", ".join(repr(o) for o in options)
    raise CourseInputError(f"There is no {kind} called {value!r}. Choose one of: {listed}.")
