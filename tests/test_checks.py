"""The checks API: four honest outcomes, canonical forms and salted digests."""

from __future__ import annotations

import base64
import hashlib

import numpy as np
import pandas as pd
import pytest

from postparis import checks
from postparis.checks import AnswerCheckFailed, NotAttempted


def test_a_failure_is_an_assertion_error_that_says_not_yet() -> None:
    with pytest.raises(AssertionError, match=r"^Not yet: look again\.$"):
        checks.expect(False, "look again.")
    problem = AnswerCheckFailed("Not yet: already prefixed")
    assert str(problem) == "Not yet: already prefixed"


def test_an_undefined_or_placeholder_answer_is_not_attempted() -> None:
    with pytest.raises(NotAttempted, match=r"^Not attempted yet: x is not defined"):
        checks.answer({}, "x")
    with pytest.raises(NotAttempted, match="placeholder"):
        checks.answer({"x": ...}, "x")
    assert checks.answer({"x": 0}, "x") == 0
    assert issubclass(NotAttempted, AssertionError)


def test_a_stub_is_not_attempted_and_a_crash_is_a_message() -> None:
    def stub(a: int) -> int:
        raise NotImplementedError

    def buggy(a: int) -> float:
        return a / 0

    with pytest.raises(NotAttempted, match="NotImplementedError"):
        checks.attempt(stub, 1, name="stub(1)")
    with pytest.raises(AnswerCheckFailed, match=r"^Not yet: buggy\(1\) raised ZeroDivisionError"):
        checks.attempt(buggy, 1, name="buggy(1)")
    with pytest.raises(AnswerCheckFailed, match="should be a function"):
        checks.attempt(3, name="f()")
    assert checks.attempt(lambda a, b=0: a + b, 1, b=2, name="add") == 3


def test_correct_and_recorded_print_their_status(capsys: pytest.CaptureFixture[str]) -> None:
    checks.correct("12 is right.")
    checks.recorded("the next section compares yours with the reference.")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Correct: 12 is right.",
        "Recorded: there is no single right answer here; the next section compares yours "
        "with the reference.",
    ]


@pytest.mark.parametrize(
    ("one", "other", "canon"),
    [
        (75, 75.0, {"decimals": 3}),
        (75.0, 74.99999999, {"decimals": 3}),
        (-0.0000001, 0.0, {"decimals": 3}),
        (np.int64(12), 12, {}),
        (np.float64(0.5), 0.5, {}),
        ("  Arms   control ", "arms control", {"ignore_case": True}),
        (["b", "a"], ["a", "b"], {"ignore_order": True}),
        ({"b", "a"}, ["a", "b"], {}),
        ((27, 29), [27, 29], {}),
        (pd.Timestamp("2014-09-01"), "2014-09-01", {}),
        ({"q2": 1, "q1": 0}, {"q1": 0, "q2": 1}, {}),
    ],
)
def test_equivalent_answers_have_one_canonical_form(
    one: object, other: object, canon: dict[str, object]
) -> None:
    assert checks.canonical(one, **canon) == checks.canonical(other, **canon)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("one", "other", "canon"),
    [
        (75, 0.75, {"decimals": 3}),
        ("12", 12, {}),
        (["b", "a"], ["a", "b"], {}),
        ("Arms control", "arms control", {}),
        (True, 1, {}),
    ],
)
def test_different_answers_stay_different(
    one: object, other: object, canon: dict[str, object]
) -> None:
    assert checks.canonical(one, **canon) != checks.canonical(other, **canon)  # type: ignore[arg-type]


def test_an_uncheckable_type_gets_a_message() -> None:
    with pytest.raises(AnswerCheckFailed, match="type object cannot be checked"):
        checks.canonical(object())


def test_digests_are_salted_stretched_and_short() -> None:
    one = checks.digest(12, salt="00.a")
    assert len(one) == 16
    assert int(one, 16) >= 0
    assert checks.digest(12, salt="00.b") != one  # the salt is the exercise
    assert checks.digest(12.0, salt="00.a") == one
    plain = b"12"
    for unsalted in (hashlib.md5(plain), hashlib.sha1(plain), hashlib.sha256(plain)):
        assert one not in unsalted.hexdigest()
    assert one != base64.b16encode(plain).decode().lower()
    assert checks.matches(12, {one, "0" * 16}, salt="00.a")


def test_expect_digest_names_a_known_mistake() -> None:
    right = checks.digest(25, salt="s")
    mistakes = {checks.digest(75, salt="s"): "that is the other percentage."}
    checks.expect_digest(25, right, salt="s", message="no.")
    with pytest.raises(AnswerCheckFailed, match="other percentage"):
        checks.expect_digest(75, right, salt="s", message="no.", mistakes=mistakes)
    with pytest.raises(AnswerCheckFailed, match=r"^Not yet: no\.$"):
        checks.expect_digest(24, right, salt="s", message="no.", mistakes=mistakes)


def test_expect_items_counts_without_naming() -> None:
    want = [checks.digest(x, salt="s") for x in (12, 15, 18)]
    checks.expect_items([12, 15, 18], want, salt="s", what="paragraphs", ordered=True)
    checks.expect_items([18, 12, 15], want, salt="s", what="paragraphs")
    with pytest.raises(AnswerCheckFailed, match="not in the order"):
        checks.expect_items([18, 12, 15], want, salt="s", what="paragraphs", ordered=True)
    with pytest.raises(
        AnswerCheckFailed, match="0 of your 2 paragraphs are right; the answer has 3"
    ):
        checks.expect_items([1, 2], want, salt="s", what="paragraphs")
    with pytest.raises(
        AnswerCheckFailed, match="all 2 of your paragraphs are right, but the answer has 3"
    ):
        checks.expect_items([12, 15], want, salt="s", what="paragraphs")
    with pytest.raises(AnswerCheckFailed, match="1 of your 2 paragraphs is right"):
        checks.expect_items([12, 16], want, salt="s", what="paragraphs")
    with pytest.raises(AnswerCheckFailed, match="twice"):
        checks.expect_items([12, 12, 15], want, salt="s", what="paragraphs")
    with pytest.raises(AnswerCheckFailed, match="should be a list"):
        checks.expect_items("12, 15", want, salt="s", what="paragraphs")
    assert checks.count_matching([12, 12, 99], want, salt="s") == 1


def test_older_helpers_still_fail_with_not_yet() -> None:
    checks.expect_close(0.1 + 0.2, 0.3, "close")
    with pytest.raises(AnswerCheckFailed, match="should be a number"):
        checks.expect_close("0.3", 0.3, "close")
    with pytest.raises(AnswerCheckFailed, match=r"misses 'b' and has 1 extra: 'c'"):
        checks.expect_same_items(["a", "c"], ["a", "b"], "list")
    checks.expect_raises(ValueError, int, "x", message="raise")
    with pytest.raises(AnswerCheckFailed, match="raise"):
        checks.expect_raises(ValueError, int, "3", message="raise")


def test_the_command_line_prints_a_digest(capsys: pytest.CaptureFixture[str]) -> None:
    checks.main(["01.x", "['b', 'a']", "--ignore-order"])
    assert capsys.readouterr().out.strip() == checks.digest(["a", "b"], salt="01.x")
