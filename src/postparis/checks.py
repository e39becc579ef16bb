"""Checks for test cells: honest feedback for a learner, without the answer in sight.

Every visible check in a course notebook ends in exactly one of four ways, in the
manner of Kaggle's learntools:

``Correct: ...``
    printed, and only when the answer is right;
``Not yet: ...``
    raised as :class:`AnswerCheckFailed`, with the most specific help that does not
    give the answer away ("2 of your 4 measures are right");
``Not attempted yet: ...``
    raised as :class:`NotAttempted`, when the answer cell still raises
    ``NotImplementedError``, the name is not defined, or it still holds the
    placeholder ``...``;
``Recorded: there is no single right answer here; ...``
    printed for an answer that is the learner's own judgement (a forecast, a rating).

Both failures are ``AssertionError`` subclasses, so nbgrader counts the test cell as
failed, as it should; success prints nothing that could be mistaken for a failure.

A test cell reads like this::

    \"\"\"Checks thesis_paragraph.\"\"\"
    from postparis.exercises import argument as _exercise
    _exercise.thesis_paragraph(globals())

The exercise's check (in :mod:`postparis.exercises`) never holds the expected answer
itself. It compares a *digest* of the learner's answer, put in a canonical form first
(:func:`canonical`: sorted where order does not matter, rounded to the tolerance the
exercise states, lower-cased where case does not matter), with stored digests.
:func:`digest` is PBKDF2-HMAC-SHA256 from the standard library, salted with the
exercise's name and stretched by :data:`ITERATIONS` rounds, so no table of common
answers decodes it; docs/instructor-guide.md says how hard it is to reverse, and which
exercises have answer spaces small enough to guess. Make a digest with::

    python -m postparis.checks SALT "python literal" [--decimals N] [--ignore-case] [--ignore-order]

The older helpers :func:`expect`, :func:`expect_close`, :func:`expect_same_items` and
:func:`expect_raises` remain for the hidden tests, which compare with values computed
from the course package.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import hashlib
import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, NoReturn

__all__ = [
    "ITERATIONS",
    "AnswerCheckFailed",
    "NotAttempted",
    "answer",
    "attempt",
    "canonical",
    "correct",
    "count_matching",
    "digest",
    "expect",
    "expect_close",
    "expect_digest",
    "expect_items",
    "expect_raises",
    "expect_same_items",
    "matches",
    "recorded",
]

NOT_YET = "Not yet: "
NOT_ATTEMPTED = "Not attempted yet: "
CORRECT = "Correct: "
RECORDED = "Recorded: there is no single right answer here; "

#: Rounds of PBKDF2 per digest: about 20 ms each on a slow laptop core.
ITERATIONS = 10_000
#: Bytes of the derived key kept in a digest (16 hex digits).
DIGEST_BYTES = 8


class AnswerCheckFailed(AssertionError):
    """A check failed; the message, starting "Not yet: ", tells the learner what to look at."""

    prefix = NOT_YET

    def __init__(self, message: str) -> None:
        text = str(message)
        if not text.startswith((NOT_YET, NOT_ATTEMPTED)):
            text = self.prefix + text
        super().__init__(text)

    def _render_traceback_(self) -> list[str]:  # pragma: no cover - used by IPython only
        return [str(self)]


class NotAttempted(AnswerCheckFailed):
    """The exercise is still to be done: its name is undefined, a stub, or the placeholder."""

    prefix = NOT_ATTEMPTED


# ---------------------------------------------------------------------------- outcomes


def correct(message: str = "") -> None:
    """Say that the answer is right; call it only after every check has passed."""
    print(CORRECT + message if message else "Correct.")


def recorded(message: str) -> None:
    """Say that a judgement answer was recorded, and where the course compares it."""
    print(RECORDED + message)


def answer(namespace: Mapping[str, object], name: str) -> Any:
    """Return the learner's ``name`` from ``namespace`` (a notebook's ``globals()``).

    Raises :class:`NotAttempted` if it is undefined or still the placeholder ``...``.
    """
    if name not in namespace:
        raise NotAttempted(
            f"{name} is not defined yet. Write your answer in the cell above, run that "
            "cell (Shift+Enter), then run this check again."
        )
    value = namespace[name]
    if value is Ellipsis:
        raise NotAttempted(
            f"{name} still holds the placeholder `...`: replace it with your answer."
        )
    return value


def attempt(function: object, *args: object, name: str, **kwargs: object) -> Any:
    """Call the learner's ``function``; a stub or a crash becomes a message, not a traceback.

    ``name`` describes the call in messages, e.g. ``"percent_agreement([1, 0], [1, 1])"``.
    """
    if not callable(function):
        raise AnswerCheckFailed(f"{name.split('(')[0]} should be a function; it is {function!r}.")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted(
            f"your function still raises NotImplementedError: replace that line with your "
            f"code, run the cell, then this check. (Tried {name}.)"
        ) from None
    except AnswerCheckFailed:
        raise
    except Exception as problem:  # a learner's bug is feedback, not a crash
        raise AnswerCheckFailed(f"{name} raised {type(problem).__name__}: {problem}") from None


def _fail(message: str) -> NoReturn:
    raise AnswerCheckFailed(message)


# ------------------------------------------------------------------- canonical forms


def _plain(value: object, decimals: int | None, ignore_case: bool, ignore_order: bool) -> object:
    """Turn ``value`` into JSON-ready data in its canonical form (see :func:`canonical`)."""

    def again(item: object) -> object:
        return _plain(item, decimals, ignore_case, ignore_order)

    if value is None or isinstance(value, bool):
        return value
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return (
            value if decimals is None else _plain(float(value), decimals, ignore_case, ignore_order)
        )
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if decimals is None:
            return int(value) if value.is_integer() else repr(value)
        text = f"{round(value, decimals):.{decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    if isinstance(value, str):
        text = " ".join(value.split())
        return text.lower() if ignore_case else text
    if isinstance(value, _dt.datetime | _dt.date):
        moment: _dt.date = value
        if hasattr(value, "to_pydatetime"):  # pandas Timestamp
            moment = value.to_pydatetime()
        if isinstance(moment, _dt.datetime) and moment.time() == _dt.time(0):
            moment = moment.date()
        return moment.isoformat()
    if isinstance(value, Mapping):
        return {str(again(k)): again(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((again(v) for v in value), key=_sort_key)
    if isinstance(value, list | tuple):
        items = [again(v) for v in value]
        return sorted(items, key=_sort_key) if ignore_order else items
    raise AnswerCheckFailed(
        f"an answer of type {type(value).__name__} cannot be checked here; "
        "use numbers, text, lists or dicts as the exercise asks."
    )


def _sort_key(item: object) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def canonical(
    value: object,
    *,
    decimals: int | None = None,
    ignore_case: bool = False,
    ignore_order: bool = False,
) -> str:
    """Return ``value`` as canonical JSON text, the form that :func:`digest` hashes.

    - numbers: with ``decimals``, rounded and written with that many decimals (so 75,
      75.0 and 74.9999999 agree); without, whole floats become integers;
    - text: runs of spaces collapsed, ends stripped, lower-cased if ``ignore_case``;
    - dates and pandas Timestamps at midnight: ``YYYY-MM-DD``;
    - sets always sorted; lists and tuples sorted if ``ignore_order``; dicts by key;
    - numpy scalars as Python numbers.
    """
    data = _plain(value, decimals, ignore_case, ignore_order)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: object, *, salt: str, **canon: Any) -> str:
    """Return the salted, stretched digest (16 hex digits) of ``value``'s canonical form."""
    text = canonical(value, **canon).encode()
    key = hashlib.pbkdf2_hmac("sha256", text, f"postparis:{salt}".encode(), ITERATIONS)
    return key[:DIGEST_BYTES].hex()


def _as_set(expected: str | Collection[str]) -> set[str]:
    return {expected} if isinstance(expected, str) else set(expected)


def matches(value: object, expected: str | Collection[str], *, salt: str, **canon: Any) -> bool:
    """Whether ``value``'s digest is ``expected`` (or one of them, for accepted ranges)."""
    return digest(value, salt=salt, **canon) in _as_set(expected)


def expect_digest(
    value: object,
    expected: str | Collection[str],
    *,
    salt: str,
    message: str,
    mistakes: Mapping[str, str] | None = None,
    **canon: Any,
) -> None:
    """Fail with ``message`` unless ``value`` matches ``expected``.

    ``mistakes`` maps digests of known wrong answers (the other percentage, off by one)
    to a more specific message; they reveal nothing about the right answer.
    """
    found = digest(value, salt=salt, **canon)
    if found in _as_set(expected):
        return
    if mistakes and found in mistakes:
        _fail(mistakes[found])
    _fail(message)


def count_matching(
    items: Iterable[object], expected: Collection[str], *, salt: str, **canon: Any
) -> int:
    """How many of ``items`` are among the ``expected`` digests (each counted once)."""
    left = set(expected)
    found = 0
    for item in items:
        key = digest(item, salt=salt, **canon)
        if key in left:
            left.discard(key)
            found += 1
    return found


def expect_items(
    items: object,
    expected: Sequence[str],
    *,
    salt: str,
    what: str,
    ordered: bool = False,
    **canon: Any,
) -> None:
    """Fail unless ``items`` holds exactly the items whose digests are ``expected``.

    The message counts what is right without naming it: "2 of your 4 measures are
    right; the answer has 3." With ``ordered``, the items must also come in the order of
    ``expected`` (its digests are listed in the right order).
    """
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        _fail(f"your {what} should be a list, like ['A', 'B']; it is {items!r}.")
    got = list(items)
    if len({canonical(i, **canon) for i in got}) < len(got):
        _fail(f"your list of {what} has an item twice: keep each once.")
    right = count_matching(got, expected, salt=salt, **canon)
    if right == len(expected) == len(got):
        if ordered and [digest(i, salt=salt, **canon) for i in got] != list(expected):
            _fail(f"you have the right {what}, but not in the order asked for.")
        return
    if right == len(got):
        _fail(
            f"all {len(got)} of your {what} are right, but the answer has {len(expected)}: "
            "one or more are missing."
        )
    _fail(
        f"{right} of your {len(got)} {what} {'is' if right == 1 else 'are'} right; "
        f"the answer has {len(expected)}."
    )


# ------------------------------------------------------------- checks for hidden tests


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
    if isinstance(actual, bool | str | bytes) or not isinstance(actual, int | float):
        try:
            if isinstance(actual, bool | str | bytes):
                raise TypeError
            actual = float(actual)  # type: ignore[arg-type]  # any number: numpy scalars, Decimal, Fraction
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
    except NotImplementedError:
        raise NotAttempted("your function still raises NotImplementedError.") from None
    except Exception as other:
        raise AnswerCheckFailed(f"{message} (It raised {type(other).__name__}: {other})") from None
    raise AnswerCheckFailed(message)


# ------------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> None:
    """Print the digest of a Python literal, for an instructor writing a check."""
    parser = argparse.ArgumentParser(prog="python -m postparis.checks", description=main.__doc__)
    parser.add_argument("salt", help="the exercise's salt, e.g. 01.thesis_paragraph")
    parser.add_argument("value", help="a Python literal, e.g. 12 or \"['a', 'b']\"")
    parser.add_argument("--decimals", type=int, default=None)
    parser.add_argument("--ignore-case", action="store_true")
    parser.add_argument("--ignore-order", action="store_true")
    args = parser.parse_args(argv)
    value = ast.literal_eval(args.value)
    print(
        digest(
            value,
            salt=args.salt,
            decimals=args.decimals,
            ignore_case=args.ignore_case,
            ignore_order=args.ignore_order,
        )
    )


if __name__ == "__main__":  # pragma: no cover
    main()
