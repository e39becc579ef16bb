"""The visible check of every autograded exercise, one module per course module.

A test cell calls one function with the notebook's ``globals()``::

    from postparis.exercises import argument as _exercise
    _exercise.thesis_paragraph(globals())

Each check ends as :mod:`postparis.checks` describes: it prints "Correct: ..." only
when the answer is right, raises "Not yet: ..." with the most specific help that does
not give the answer away, raises "Not attempted yet: ..." for an answer still to write,
or prints "Recorded: ..." for a judgement answer.

The expected answers are not here: ``digests.json`` holds salted, stretched digests of
their canonical forms (see :func:`postparis.checks.digest`), keyed by the salt, which
names the module and the answer (``"01.thesis_paragraph"``; a function's visible cases
are ``"01.cohens_kappa#0"``, ``"#1"`` ...). Instructors regenerate the file from the
answer key's values with ``python tests/exercise_answers.py --write`` after changing an
exercise or its data, and ``tests/test_exercise_feedback.py`` proves every check against
the right answer and plausible wrong ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

# Hidden tests reload postparis.checks, which makes new exception classes: catch them by
# looking them up on the module when the check runs, never by a name bound at import.
import postparis.checks as _checks
from postparis.checks import (
    AnswerCheckFailed,
    NotAttempted,
    answer,
    attempt,
    digest,
    expect_digest,
)

__all__ = [
    "Case",
    "check_function",
    "check_value",
    "expected",
    "need_number",
    "need_whole_number",
]

Namespace = Mapping[str, object]


@cache
def _digests() -> dict[str, list[str]]:
    raw = json.loads(files("postparis.exercises").joinpath("digests.json").read_text("utf-8"))
    return {salt: [value] if isinstance(value, str) else list(value) for salt, value in raw.items()}


def expected(salt: str) -> list[str]:
    """Return the stored digests for ``salt`` (several when a range of answers is accepted)."""
    try:
        return _digests()[salt]
    except KeyError:  # pragma: no cover - a course bug, not a learner's
        raise RuntimeError(f"No stored digest for {salt!r}: regenerate digests.json.") from None


def need_number(namespace: Namespace, name: str, example: str) -> float:
    """Return the learner's ``name`` if it is a real number (not text, not True/False)."""
    value = answer(namespace, name)
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerCheckFailed(
            f"{name} should be a number such as {example}, without quotes; it is {value!r}."
        )
    return float(value)


def need_whole_number(namespace: Namespace, name: str, example: str) -> int:
    """Return the learner's ``name`` if it is a whole number (an ``int``)."""
    value = answer(namespace, name)
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerCheckFailed(
            f"{name} should be a whole number such as {example}, without quotes; it is {value!r}."
        )
    return value


def check_value(
    value: object,
    salt: str,
    message: str,
    *,
    mistakes: Mapping[str, str] | None = None,
    **canon: Any,
) -> None:
    """Fail with ``message`` unless ``value`` matches the stored digests for ``salt``.

    ``mistakes`` maps a salt of a *known wrong* answer (stored under ``salt + "!name"``)
    to its specific message.
    """
    for wrong_salt, wrong_message in (mistakes or {}).items():
        if digest(value, salt=wrong_salt, **canon) in expected(wrong_salt):
            raise AnswerCheckFailed(wrong_message)
    expect_digest(value, expected(salt), salt=salt, message=message, **canon)


@dataclass(frozen=True)
class Case:
    """One visible case of a function exercise: its arguments and what to look at."""

    args: tuple[Any, ...]
    hint: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    shown: str = ""

    def call_text(self, name: str) -> str:
        """Return the call as a learner would type it, e.g. ``percent_agreement([1], [1])``."""
        if self.shown:
            return f"{name}({self.shown})"
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{name}({', '.join(parts)})"


def check_function(
    namespace: Namespace,
    name: str,
    cases: Sequence[Case],
    *,
    salt: str,
    decimals: int | None = 6,
    misreadings: Sequence[tuple[Callable[[Any], Any], str]] = (),
    raises: Sequence[Case] = (),
    own: bool = False,
) -> None:
    """Check the learner's function ``name`` on visible ``cases`` against stored digests.

    ``misreadings`` pairs a transformation of a wrong result with what it reveals, e.g.
    ``(lambda r: r * 100, "you return a share from 0 to 1, not a percentage")``: if the
    transformed result is right, the learner sees that message. ``raises`` lists calls
    that must raise ``ValueError``. With ``own``, the function must be defined in the
    notebook rather than imported from the course package.
    """
    function = answer(namespace, name)
    if own and getattr(function, "__module__", "__main__") != namespace.get("__name__", "__main__"):
        raise AnswerCheckFailed(
            f"define {name} yourself in the cell above, rather than importing the course's version."
        )
    for number, case in enumerate(cases):
        call = case.call_text(name)
        try:
            result = attempt(function, *case.args, name=call, **case.kwargs)
        except _checks.NotAttempted:
            raise
        except _checks.AnswerCheckFailed as crash:
            raise AnswerCheckFailed(f"{crash} {case.hint}".removeprefix("Not yet: ")) from None
        key = f"{salt}#{number}"
        if digest(result, salt=key, decimals=decimals) in expected(key):
            continue
        for transform, meaning in misreadings:
            try:
                hit = digest(transform(result), salt=key, decimals=decimals) in expected(key)
            except Exception:
                continue
            if hit:
                raise AnswerCheckFailed(f"{call} returns {result!r}: {meaning}")
        raise AnswerCheckFailed(f"{call} returns {result!r}, which is not right. {case.hint}")
    for case in raises:
        call = case.call_text(name)
        try:
            function(*case.args, **case.kwargs)
        except ValueError:
            continue
        except NotImplementedError:
            raise NotAttempted(f"{name} still raises NotImplementedError.") from None
        except Exception as other:
            raise AnswerCheckFailed(
                f"{call} raised {type(other).__name__}: {other}. {case.hint}"
            ) from None
        raise AnswerCheckFailed(f"{call} should raise ValueError. {case.hint}")
