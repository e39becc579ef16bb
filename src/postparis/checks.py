"""Checks for test cells, with failure messages written for a learner.

A test cell in a course notebook reads like this::

    \"\"\"Checks that the thesis paragraph is a paragraph number of the article.\"\"\"
    from postparis.checks import expect, expect_close
    expect(isinstance(thesis_paragraph, int),
           f"thesis_paragraph should be a whole number such as 3; it is {thesis_paragraph!r}.")

When a check fails the learner sees :class:`AnswerCheckFailed` with the sentence, not
a bare ``AssertionError``. Because it is an ``AssertionError``, nbgrader counts the
test as failed, as it should.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

__all__ = ["AnswerCheckFailed", "expect", "expect_close", "expect_raises", "expect_same_items"]


class AnswerCheckFailed(AssertionError):
    """A test cell's check failed; the message tells the learner what to look at."""

    def _render_traceback_(self) -> list[str]:  # pragma: no cover - used by IPython only
        return [f"Not yet: {self}"]


def expect(condition: object, message: str) -> None:
    """Fail with ``message`` unless ``condition`` is true."""
    if not condition:
        raise AnswerCheckFailed(message)


def expect_close(
    actual: object,
    expected: float,
    message: str,
    *,
    tolerance: float = 1e-6,
) -> None:
    """Fail with ``message`` unless ``actual`` is a number within ``tolerance`` of ``expected``.

    The tolerance is absolute, and relative for large numbers:
    ``|actual - expected| <= tolerance * max(1, |expected|)``.
    """
    if isinstance(actual, bool) or not isinstance(actual, int | float):
        try:
            actual = float(actual)  # numpy scalars
        except (TypeError, ValueError):
            raise AnswerCheckFailed(
                f"{message} (Your answer should be a number; it is {actual!r}.)"
            ) from None
    if math.isnan(float(actual)) or abs(float(actual) - expected) > tolerance * max(
        1.0, abs(expected)
    ):
        raise AnswerCheckFailed(message)


def expect_same_items(actual: Iterable[object], expected: Iterable[object], what: str) -> None:
    """Fail unless ``actual`` holds exactly the items of ``expected``, in any order.

    The message names what is missing and what is extra, e.g.
    ``"Your list of speakers misses 'John Brennan' and has 1 extra: 'CSIS'."``
    """
    try:
        got = list(actual)
    except TypeError:
        raise AnswerCheckFailed(f"{what} should be a list; it is {actual!r}.") from None
    want = list(expected)
    missing = [item for item in want if item not in got]
    extra = [item for item in got if item not in want]
    if not missing and not extra and len(got) == len(want):
        return
    parts = []
    if missing:
        parts.append(f"misses {', '.join(repr(m) for m in missing)}")
    if extra:
        parts.append(f"has {len(extra)} extra: {', '.join(repr(e) for e in extra)}")
    if not parts:
        parts.append(f"has {len(got)} items where {len(want)} are expected (a duplicate?)")
    raise AnswerCheckFailed(f"Your {what} {' and '.join(parts)}.")


def expect_raises(
    exception: type[BaseException],
    function: Callable[..., object],
    *args: object,
    message: str,
) -> None:
    """Fail with ``message`` unless ``function(*args)`` raises ``exception``."""
    try:
        function(*args)
    except exception:
        return
    except Exception as other:
        raise AnswerCheckFailed(f"{message} (It raised {type(other).__name__}: {other})") from None
    raise AnswerCheckFailed(message)
