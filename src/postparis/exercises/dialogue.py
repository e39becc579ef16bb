"""Visible checks of module 04, Keeping dialogue open."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Any

import pandas as pd

from postparis.checks import AnswerCheckFailed, answer, attempt, correct, digest, expect
from postparis.data import load_new_start
from postparis.dialogue import model as game
from postparis.dialogue.model import through_cutoff
from postparis.exercises import Case, Namespace, check_function, check_value, expected


def _table() -> pd.DataFrame:
    return through_cutoff(load_new_start())


TOY_MARGINS = pd.DataFrame(
    {
        "as_of": pd.to_datetime(["2012-01-01", "2012-01-01", "2013-01-01"]),
        "party": ["US", "Russia", "US"],
        "category": ["deployed_launchers"] * 3,
        "value": [720, 650, 700],
        "limit": [700, 700, 700],
    }
)


def add_margins(namespace: Namespace) -> None:
    """Check Exercise 1: a copy of the table with margin = limit - value, row by row."""
    function = answer(namespace, "add_margins")
    for what, table, salt in (
        ("the New START table", _table(), "04.add_margins"),
        ("a made-up table of three rows", TOY_MARGINS.copy(), "04.add_margins.toy"),
    ):
        before = table.copy()
        result = attempt(function, table, name=f"add_margins on {what}")
        if not isinstance(result, pd.DataFrame):
            raise AnswerCheckFailed(
                f"add_margins should return a table (a DataFrame); it returned a "
                f"{type(result).__name__}."
            )
        expect("margin" in result.columns, "the table add_margins returns has no column 'margin'.")
        expect(
            table.equals(before),
            "add_margins changed the table it was given: work on a copy, made with table.copy().",
        )
        expect(
            len(result) == len(table) and set(table.columns) <= set(result.columns),
            f"on {what} the result should keep every row and column of the table it was given.",
        )
        margins = [float(m) for m in result["margin"]]
        if digest([-m for m in margins], salt=salt, decimals=1) in expected(salt):
            raise AnswerCheckFailed(
                f"on {what} your margins have the wrong sign: did you compute value - limit "
                "instead of limit - value?"
            )
        check_value(
            margins,
            salt,
            f"on {what} some margins are wrong: margin = limit - value, row by row.",
            decimals=1,
        )
    correct("every row has its margin, and the table you were given is unchanged.")


FIRST_TOY = pd.DataFrame(
    {
        "as_of": pd.to_datetime(
            [
                "2013-09-01", "2012-03-01", "2013-03-01", "2012-09-01", "2012-03-01",
                "2013-03-01", "2013-09-01", "2012-03-01", "2012-03-01", "2013-03-01",
                "2013-03-01",
            ]
        ),
        "party": ["Russia", "US", "US", "US", "Russia", "Russia", "US", "US", "Russia", "US", "Russia"],
        "category": ["deployed_warheads"] * 7
        + ["deployed_launchers"] * 2
        + ["deployed_and_nondeployed_launchers"] * 2,
        "value": [1400, 1600, 1550, 1540, 1500, 1549, 1500, 650, 500, 900, 850],
        "limit": [1550] * 7 + [700] * 2 + [800] * 2,
    }
)  # fmt: skip


def first_exchange_cases() -> tuple[Case, ...]:
    """Return the visible cases: the New START data up to 2015, and a made-up table."""
    real = _table()
    toy_hint = (
        "(The made-up table is FIRST_TOY in postparis.exercises.dialogue.) A value exactly at "
        "the limit counts as within; an exchange where only one party has a number does not "
        "count; look only at the category asked for; return None if there is no such exchange."
    )
    return (
        Case((real, "deployed_warheads"), "Look at both parties at each exchange date.",
             shown="through_cutoff(new_start), 'deployed_warheads'"),
        Case((real, "deployed_launchers"), "Look only at the category asked for.",
             shown="through_cutoff(new_start), 'deployed_launchers'"),
        Case((real, "deployed_and_nondeployed_launchers"), "Look only at the category asked for.",
             shown="through_cutoff(new_start), 'deployed_and_nondeployed_launchers'"),
        Case((FIRST_TOY, "deployed_warheads"), toy_hint, shown="FIRST_TOY, 'deployed_warheads'"),
        Case((FIRST_TOY, "deployed_launchers"), toy_hint, shown="FIRST_TOY, 'deployed_launchers'"),
        Case((FIRST_TOY, "deployed_and_nondeployed_launchers"), toy_hint,
             shown="FIRST_TOY, 'deployed_and_nondeployed_launchers'"),
    )  # fmt: skip


def first_exchange_both_within(namespace: Namespace) -> None:
    """Check Exercise 2: first_exchange_both_within on the data and on a made-up table."""
    check_function(
        namespace,
        "first_exchange_both_within",
        first_exchange_cases(),
        salt="04.first_exchange",
        decimals=None,
    )
    correct("first_exchange_both_within is right on the data and on every edge case above.")


def russia_furthest_over_launcher_limit(namespace: Namespace) -> None:
    """Check Widget exercise 1: the exchange at which Russia was furthest over 800 launchers."""
    value = answer(namespace, "russia_furthest_over_launcher_limit")
    if not isinstance(value, str):
        raise AnswerCheckFailed("write the date as text in quotes, like '2013-03-01'.")
    try:
        date = pd.Timestamp(value)
    except ValueError:
        raise AnswerCheckFailed(f"{value!r} is not a date written YYYY-MM-DD.") from None
    t = _table()
    ru = t[(t["party"] == "Russia") & (t["category"] == "deployed_and_nondeployed_launchers")]
    expect(
        date in set(ru["as_of"]),
        f"{value} is not the date of a data exchange; the explorer's table lists them.",
    )
    check_value(
        date,
        "04.russia_furthest",
        "that is an exchange date, but Russia was further over the 800 limit at another "
        "exchange. Compare the margins in the explorer's table.",
    )
    correct(f"{value} is the exchange at which Russia was furthest over the launcher limit.")


PAYOFF_CASES = tuple(
    Case((a, b), f"Look up ({a!r}, {b!r}) in the payoff table: (your payoff, theirs).")
    for a in "CD"
    for b in "CD"
)


def _longer_match() -> game.MatchResult:
    return game.play_match(game.tit_for_tat, game.always_defect, rounds=20, noise=0.3, seed=4)


def match_cases() -> tuple[Case, ...]:
    """Return the visible cases of match_payoff."""
    m = _longer_match()
    return (
        Case((["C", "C", "D"], ["C", "D", "D"]), "Add the payoffs of the three rounds."),
        Case(([], []), "A match with no rounds pays nothing."),
        Case(
            (list(m.moves_a), list(m.moves_b)),
            "On a longer match: add every round's payoffs.",
            shown="a 20-round match",
        ),
    )


def payoffs(namespace: Namespace) -> None:
    """Check Exercise 3: round_payoff and match_payoff against Axelrod's payoffs (5, 3, 1, 0)."""
    swapped = [(lambda r: (r[1], r[0]), "the pair is the wrong way round: (mine, theirs).")]
    check_function(
        namespace, "round_payoff", PAYOFF_CASES, salt="04.round_payoff", decimals=None,
        misreadings=swapped,
    )  # fmt: skip
    check_function(
        namespace, "match_payoff", match_cases(), salt="04.match_payoff", decimals=None,
        misreadings=swapped,
    )  # fmt: skip
    correct("one round and whole matches are scored correctly.")


def _own(namespace: Namespace, name: str) -> Callable[..., Any]:
    """Return the learner's own function ``name`` (``attempt`` reports one that is not)."""
    function = answer(namespace, name)
    expect(
        getattr(function, "__module__", "") == namespace.get("__name__", "__main__"),
        f"write {name} yourself in the cell above, rather than importing the course's version.",
    )
    return function


def tit_for_tat(namespace: Namespace) -> None:
    """Check Exercise 4a: tit for tat cooperates first, then copies the other's last move."""
    tft = _own(namespace, "tit_for_tat")
    rng = random.Random(0)
    for own, other, hint in (
        ([], [], "In the first round the other player has no moves yet."),
        (["C"], ["D"], "Look at what the other player did last."),
        (["D"], ["C"], "Copy the other player's last move, whatever you did yourself."),
    ):
        got = attempt(tft, own, other, rng, name=f"tit_for_tat({own}, {other}, rng)")
        key = f"04.tit_for_tat.{''.join(own)}{''.join(other)}"
        check_value(got, key, f"tit_for_tat({own}, {other}, rng) returns {got!r}. {hint}")
    m = game.play_match(tft, game.tit_for_tat, rounds=8, flips=[(3, "B")])
    check_value(
        "".join(m.moves_a),
        "04.tit_for_tat.flipped",
        "after one flipped move by the other player, tit for tat should echo it.",
    )
    correct("tit for tat opens with C and copies the other player's last move.")


def generous_tit_for_tat(namespace: Namespace) -> None:
    """Check Exercise 4b: generous tit for tat forgives a defection with probability generosity."""
    gtft = _own(namespace, "generous_tit_for_tat")
    rng = random.Random(0)

    def move(own: list[str], other: list[str], **kw: float) -> object:
        extra = "".join(f", generosity={v}" for v in kw.values())
        return attempt(
            gtft, own, other, rng, name=f"generous_tit_for_tat({own}, {other}, rng{extra})", **kw
        )

    expect(move([], []) == "C", "generous tit for tat cooperates in the first round.")
    expect(move(["C"], ["C"]) == "C", "after the other player cooperated, it cooperates.")
    expect(
        move(["C"], ["D"], generosity=0.0) == "D",
        "with generosity 0 it never forgives: after a defection it defects.",
    )
    expect(
        move(["C"], ["D"], generosity=1.0) == "C",
        "with generosity 1 it always forgives: after a defection it cooperates.",
    )
    for seed, kw, label in (
        (11, {"generosity": 0.3}, "With generosity 0.3"),
        (12, {}, "Without a generosity argument (default 0.3)"),
    ):
        draws = random.Random(seed)
        share = sum(gtft(["C"], ["D"], draws, **kw) == "C" for _ in range(3000)) / 3000
        expect(
            0.26 < share < 0.34,
            f"{label} your strategy forgave {share:.0%} of 3,000 defections; it should be close to 30%.",
        )
    draws = random.Random(5)
    state = draws.getstate()
    gtft(["C"], ["C"], draws)
    expect(
        draws.getstate() == state,
        "after the other player cooperated, don't draw a random number: just cooperate.",
    )
    mine = game.play_match(gtft, game.always_defect, rounds=60, seed=21)
    ref = game.play_match(game.generous_tit_for_tat, game.always_defect, rounds=60, seed=21)
    expect(
        mine.moves_a == ref.moves_a,
        "with a fixed seed your strategy moves differently from the course's. After a "
        "defection, draw exactly one number with rng.random() and cooperate if it is below "
        "generosity.",
    )
    correct("generous tit for tat opens with C and forgives about 30% of defections.")


def tft_worse_from_noise(namespace: Namespace) -> None:
    """Check Widget exercise 2: the lowest noise at which tit for tat does worse."""
    value = answer(namespace, "tft_worse_from_noise")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnswerCheckFailed(
            f"record the noise level as a number without quotes, like 0.07; it is {value!r}."
        )
    expect(0 <= value <= 0.2, "the noise slider runs from 0 to 0.2; record a level in that range.")
    expect(
        any(abs(value - x) < 1e-9 for x in game.NOISE_GRID),
        "record one of the slider's levels (steps of 0.01), such as 0.07.",
    )
    if digest(round(value, 2), salt="04.tft_worse_from_noise", decimals=2) not in expected(
        "04.tft_worse_from_noise"
    ):
        payoff = functools.partial(
            game.self_play_payoff,
            noise=round(value, 2),
            rounds=game.DEFAULT_ROUNDS,
            seed=game.DEFAULT_SEED,
        )
        worse = payoff("tit for tat") < payoff("generous tit for tat")
        raise AnswerCheckFailed(
            "tit for tat already does worse at a lower level: step down one notch at a time."
            if worse
            else "at that level tit for tat does not yet do worse than generous tit for tat. "
            "Keep the other sliders at their starting values."
        )
    correct("that is the lowest noise level at which tit for tat does worse.")


RR_SETTINGS = ({"rounds": 50, "noise": 0.05, "seed": 3}, {"rounds": 80, "noise": 0.1, "seed": 2015})


def round_robin_scores(namespace: Namespace) -> None:
    """Check Exercise 5: round_robin_scores against a hand count and the course's round robin."""
    function = answer(namespace, "round_robin_scores")
    players = {
        "always defect": game.always_defect,
        "tit for tat": game.tit_for_tat,
        "grim trigger": game.grim_trigger,
    }
    scores = attempt(
        function, players, rounds=100, noise=0.0, name="round_robin_scores(three players)"
    )
    expect(
        isinstance(scores, dict) and set(scores) == set(players),
        "round_robin_scores should return a dictionary with one score for each strategy name.",
    )
    check_value(
        float(scores["always defect"]),
        "04.round_robin.hand",
        "without noise, always defect scores 1 against itself and 1.04 against tit for tat and "
        "grim trigger (5 in the first round, then 1): work out its mean by hand and compare.",
        decimals=6,
    )
    everyone = {n: game.get_strategy(n) for n in game.STRATEGY_NAMES}
    for number, settings in enumerate(RR_SETTINGS):
        got = attempt(function, everyone, **settings, name=f"round_robin_scores(all, {settings})")
        salt = f"04.round_robin#{number}"
        check_value(
            {str(k): float(v) for k, v in dict(got).items()},
            salt,
            f"with {settings} your scores differ from the course's round robin. Play each "
            "strategy as player A against every strategy, itself included, with the same seed, "
            "and average its mean payoffs per round.",
            decimals=6,
        )
    correct("your round robin matches the hand count and the course's, with and without noise.")
