"""Check a learner's input and explain what is wrong in plain words.

Every helper that takes input from a learner checks it here first, so that a
probability of 1.3 or a misspelt actor name produces a sentence a learner can act
on, never a traceback from deep inside a helper.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from numbers import Real

import pandas as pd

__all__ = [
    "CourseInputError",
    "check_choice",
    "check_date",
    "check_fraction",
    "check_keys",
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


#: A date written as ISO text, optionally with a time: "2014-07-17", "2015-09-30 18:00".
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?")


def check_date(value: object, name: str) -> pd.Timestamp:
    """Return ``value`` as a Timestamp, or explain why it is not a date.

    A date may be a pandas Timestamp, a :class:`datetime.date`, or text written the
    ISO way, ``"2014-07-17"`` (optionally with a time, ``"2015-09-30 18:00"``).

    Examples
    --------
    >>> check_date("2015-11-16", "The day")
    Timestamp('2015-11-16 00:00:00')
    """
    stamp: object = pd.NaT
    if isinstance(value, pd.Timestamp | dt.date):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            stamp = pd.Timestamp(value.strip())
        except ValueError:
            stamp = pd.NaT
    if isinstance(stamp, pd.Timestamp) and not pd.isna(stamp):
        return stamp
    raise CourseInputError(
        f"{name} must be a date written like '2014-07-17' (or a pandas Timestamp); "
        f"you gave {value!r}."
    )


def check_keys(
    value: object, expected: Sequence[str], *, not_a_dict: str, unknown: str, missing: str
) -> dict[str, object]:
    """Return ``value`` as a dict with exactly the keys ``expected``, in that order.

    Each exercise words its own messages; in them ``{names}`` stands for the keys
    concerned (quoted for unknown keys), ``{count}`` for how many there are,
    ``{type}`` for the type the learner gave.

    Parameters
    ----------
    value
        What the learner gave: it should be a dict.
    expected
        Every key it must have, and no other.
    not_a_dict, unknown, missing
        The message when ``value`` is not a dict, names a key not expected, or misses
        one.

    Raises
    ------
    CourseInputError
        With the matching message.

    Examples
    --------
    >>> check_keys({"b": 2, "a": 1}, ["a", "b"], not_a_dict="", unknown="", missing="")
    {'a': 1, 'b': 2}
    """
    if not isinstance(value, Mapping):
        raise CourseInputError(not_a_dict.format(type=type(value).__name__))
    given = {str(key): item for key, item in value.items()}
    extra = [key for key in given if key not in expected]
    if extra:
        names = ", ".join(repr(key) for key in extra)
        raise CourseInputError(unknown.format(names=names, count=len(extra)))
    absent = [key for key in expected if key not in given]
    if absent:
        raise CourseInputError(missing.format(names=", ".join(absent), count=len(absent)))
    return {key: given[key] for key in expected}
