"""Module 04's models: the New START helpers, the fighter estimates and the repeated game."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from matplotlib.axes import Axes

from postparis.data import INFORMATION_CUTOFF, load_new_start, load_syria_2015
from postparis.dialogue.model import (
    DEFAULT_GENEROSITY,
    LIMITS,
    NOISE_GRID,
    PAYOFFS,
    STRATEGY_NAMES,
    always_cooperate,
    always_defect,
    exchange_table,
    fighter_estimates,
    generous_tit_for_tat,
    get_strategy,
    grim_trigger,
    mean_payoffs,
    noise_sweep,
    noise_threshold,
    payoff,
    play_match,
    round_robin,
    self_play_payoff,
    through_cutoff,
    tit_for_tat,
)
from postparis.dialogue.plots import plot_fighter_estimates, plot_new_start
from postparis.validation import CourseInputError

# --- New START --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def new_start() -> pd.DataFrame:
    return through_cutoff(load_new_start())


def test_through_cutoff_keeps_exchanges_up_to_september_2015(new_start) -> None:
    assert new_start["as_of"].max() == pd.Timestamp("2015-09-01")
    assert new_start["as_of"].min() == pd.Timestamp("2011-02-05")
    assert not new_start["after_cutoff"].any()
    assert len(load_new_start()) > len(new_start)  # later rows exist and were dropped


def test_limits_are_the_treatys(new_start) -> None:
    assert LIMITS == {
        "deployed_warheads": 1550,
        "deployed_launchers": 700,
        "deployed_and_nondeployed_launchers": 800,
    }
    for category, limit in LIMITS.items():
        assert set(new_start.loc[new_start["category"] == category, "limit"]) == {limit}


def test_exchange_table_is_wide_and_sorted(new_start) -> None:
    wide = exchange_table(new_start, "deployed_warheads")
    assert list(wide.columns) == ["US", "Russia", "limit"]
    assert wide.index.is_monotonic_increasing
    last = wide.loc[pd.Timestamp("2015-09-01")]
    assert (last["US"], last["Russia"], last["limit"]) == (1538, 1648, 1550)


def test_no_limit_had_both_parties_within_it_by_2015(new_start) -> None:
    # The fact that exercise 2 of the notebook rests on: the answer is None for all three.
    for category in LIMITS:
        wide = exchange_table(new_start, category).dropna(subset=["US", "Russia"])
        both = (wide["US"] <= wide["limit"]) & (wide["Russia"] <= wide["limit"])
        assert not both.any(), category


def test_plot_new_start_draws_each_party_and_the_limit(new_start) -> None:
    ax = plot_new_start(new_start, "deployed_launchers")
    assert isinstance(ax, Axes)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "United States" in labels
    assert "Russia" in labels
    assert any(line.get_ydata()[0] == 700 for line in ax.get_lines()[2:])
    assert any("Source" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize("bad", ["warheads", 3, None])
def test_exchange_table_rejects_unknown_categories(new_start, bad: object) -> None:
    with pytest.raises(CourseInputError):
        exchange_table(new_start, bad)  # type: ignore[arg-type]


def test_helpers_reject_a_table_that_is_not_new_start() -> None:
    with pytest.raises(CourseInputError, match="load_new_start"):
        through_cutoff(pd.DataFrame({"a": [1]}))


# --- Fighter estimates ------------------------------------------------------------------


def test_fighter_estimates_are_the_competing_figures_known_in_2015() -> None:
    estimates = fighter_estimates(load_syria_2015())
    assert (estimates["date"] <= INFORMATION_CUTOFF).all()
    brennan = estimates[estimates["claimant"].str.contains("Brennan")]
    assert (brennan["low"].iloc[0], brennan["high"].iloc[0]) == (2000, 3000)
    soufan = estimates[estimates["claimant"].str.contains("Soufan")]
    assert set(soufan["low"]) == {2400, 4700}
    assert soufan["after_publication"].all()
    assert not brennan["after_publication"].any()
    assert (estimates["high"] >= estimates["low"]).all()
    assert not estimates["measure"].str.contains("86 countries").any()


def test_plot_fighter_estimates_labels_late_estimates() -> None:
    estimates = fighter_estimates(load_syria_2015())
    ax = plot_fighter_estimates(estimates)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == len(estimates)
    assert sum("(after the article)" in label for label in labels) == int(
        estimates["after_publication"].sum()
    )


# --- The repeated game ------------------------------------------------------------------


def test_payoffs_are_axelrods() -> None:
    assert payoff("C", "C") == (3, 3)
    assert payoff("C", "D") == (0, 5)
    assert payoff("D", "C") == (5, 0)
    assert payoff("D", "D") == (1, 1)
    assert len(PAYOFFS) == 4


@pytest.mark.parametrize("bad", ["c", "cooperate", 1, None])
def test_payoff_rejects_moves_that_are_not_c_or_d(bad: object) -> None:
    with pytest.raises(CourseInputError, match="'C'"):
        payoff(bad, "C")  # type: ignore[arg-type]


def test_simple_strategies() -> None:
    rng = random.Random(0)
    assert always_cooperate((), (), rng) == "C"
    assert always_defect((), (), rng) == "D"
    assert tit_for_tat((), (), rng) == "C"
    assert tit_for_tat(("C",), ("D",), rng) == "D"
    assert tit_for_tat(("D", "D"), ("D", "C"), rng) == "C"
    assert grim_trigger((), (), rng) == "C"
    assert grim_trigger(("C", "C", "D"), ("C", "D", "C"), rng) == "D"


def test_generous_tit_for_tat_forgives_at_the_rate_given() -> None:
    rng = random.Random(1)
    assert generous_tit_for_tat((), (), rng) == "C"
    assert generous_tit_for_tat(("C",), ("C",), rng) == "C"
    assert generous_tit_for_tat(("C",), ("D",), rng, generosity=0.0) == "D"
    assert generous_tit_for_tat(("C",), ("D",), rng, generosity=1.0) == "C"
    rng = random.Random(4)
    forgiven = sum(generous_tit_for_tat(("C",), ("D",), rng) == "C" for _ in range(4000))
    assert 0.27 < forgiven / 4000 < 0.33
    assert DEFAULT_GENEROSITY == 0.3


def test_generous_tit_for_tat_draws_only_after_a_defection() -> None:
    rng = random.Random(7)
    state = rng.getstate()
    generous_tit_for_tat(("C",), ("C",), rng)
    assert rng.getstate() == state
    generous_tit_for_tat(("C",), ("D",), rng)
    assert rng.getstate() != state


def test_get_strategy_by_name_and_suggestions() -> None:
    assert get_strategy("tit for tat") is tit_for_tat
    gtft = get_strategy("Generous Tit for Tat", generosity=1.0)
    assert gtft(("C",), ("D",), random.Random(0)) == "C"
    assert set(STRATEGY_NAMES) >= {"always defect", "tit for tat", "grim trigger"}
    with pytest.raises(CourseInputError, match="Did you mean 'tit for tat'"):
        get_strategy("tit for tatt")
    with pytest.raises(CourseInputError, match="generosity"):
        get_strategy("generous tit for tat", generosity=1.5)


def test_tit_for_tat_loses_only_the_first_round_to_always_defect() -> None:
    result = play_match(tit_for_tat, always_defect, rounds=10)
    assert result.moves_a == ("C",) + ("D",) * 9
    assert (result.total_a, result.total_b) == (9, 14)
    assert result.average_b == 1.4
    assert result.running_average("B")[-1] == pytest.approx(result.average_b)


def test_without_noise_nice_strategies_always_cooperate() -> None:
    for a in (tit_for_tat, generous_tit_for_tat, grim_trigger, always_cooperate):
        result = play_match(a, tit_for_tat, rounds=50, noise=0.0)
        assert result.mutual_cooperation == 1.0
        assert result.average_a == result.average_b == 3.0


def test_one_misread_signal_traps_tit_for_tat_in_an_echo() -> None:
    result = play_match(tit_for_tat, tit_for_tat, rounds=8, flips=[(3, "A")])
    assert "".join(result.moves_a) == "CCDCDCDC"
    assert "".join(result.moves_b) == "CCCDCDCD"
    assert result.flipped_a == (False, False, True, False, False, False, False, False)
    assert result.mutual_cooperation == 2 / 8


def test_a_match_is_reproducible_from_its_seed() -> None:
    one = play_match(generous_tit_for_tat, tit_for_tat, rounds=200, noise=0.1, seed=5)
    two = play_match(generous_tit_for_tat, tit_for_tat, rounds=200, noise=0.1, seed=5)
    other = play_match(generous_tit_for_tat, tit_for_tat, rounds=200, noise=0.1, seed=6)
    assert one == two
    assert one != other


def _called_each_round(strategy):
    """The same strategy, wrapped: play_match calls it each round as any learner's function."""
    return lambda own, other, rng: strategy(own, other, rng)


@pytest.mark.parametrize("generosity", [0.0, DEFAULT_GENEROSITY, 0.77, 1.0])
@pytest.mark.parametrize(
    ("rounds", "noise", "seed", "flips"),
    [
        (60, 0.0, 1, ()),
        (200, 0.1, 7, ()),
        (33, 0.5, 2015, [(3, "A"), (5, "B")]),
        (9, 1.0, 3, [(1, "A")]),
    ],
)
def test_the_course_strategies_play_as_their_functions_do(
    generosity: float, rounds: int, noise: float, seed: int, flips: list
) -> None:
    # play_match plays the course's own strategies by their rules, without calling them:
    # every pair must give exactly the match the functions give, draw for draw.
    settings = {"rounds": rounds, "noise": noise, "seed": seed, "flips": flips}
    for name_a in STRATEGY_NAMES:
        for name_b in STRATEGY_NAMES:
            a, b = get_strategy(name_a, generosity), get_strategy(name_b, generosity)
            fast = play_match(a, b, **settings)
            assert fast == play_match(_called_each_round(a), _called_each_round(b), **settings)
            assert fast == play_match(a, _called_each_round(b), **settings)
    plain = play_match(generous_tit_for_tat, tit_for_tat, **settings)
    assert plain == play_match(_called_each_round(generous_tit_for_tat), tit_for_tat, **settings)


def test_same_seed_means_same_accidents_for_any_strategies() -> None:
    a = play_match(tit_for_tat, tit_for_tat, rounds=300, noise=0.05, seed=9)
    b = play_match(generous_tit_for_tat, always_defect, rounds=300, noise=0.05, seed=9)
    assert a.flipped_a == b.flipped_a
    assert a.flipped_b == b.flipped_b
    assert any(a.flipped_a)


def test_noise_one_flips_every_move() -> None:
    result = play_match(always_cooperate, always_cooperate, rounds=5, noise=1.0)
    assert result.moves_a == ("D",) * 5
    assert all(result.flipped_a)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"noise": 1.5}, "noise"),
        ({"rounds": 0}, "at least 1"),
        ({"rounds": 2.5}, "whole number"),
        ({"seed": "x"}, "seed"),
        ({"flips": [(0, "A")]}, "round from 1"),
        ({"flips": [(1, "C")]}, "player"),
        ({"flips": [3]}, "pair"),
    ],
)
def test_play_match_explains_bad_settings(kwargs: dict, message: str) -> None:
    with pytest.raises(CourseInputError, match=message):
        play_match(tit_for_tat, tit_for_tat, **{"rounds": 10, **kwargs})


def test_a_strategy_that_returns_nonsense_is_reported() -> None:
    with pytest.raises(CourseInputError, match="Strategy A"):
        play_match(lambda own, other, rng: "cooperate", tit_for_tat, rounds=3)


def test_mean_payoffs_average_over_consecutive_seeds() -> None:
    a, b = mean_payoffs(tit_for_tat, tit_for_tat, noise=0.05, rounds=50, seed=3, matches=4)
    each = [
        play_match(tit_for_tat, tit_for_tat, rounds=50, noise=0.05, seed=s) for s in range(3, 7)
    ]
    assert a == pytest.approx(sum(r.average_a for r in each) / 4)
    assert b == pytest.approx(sum(r.average_b for r in each) / 4)


def test_generosity_protects_cooperation_under_noise() -> None:
    sweep = noise_sweep(["tit for tat", "generous tit for tat"], [0.0, 0.05, 0.1])
    assert sweep["noise"] == [0.0, 0.05, 0.1]
    assert sweep["tit for tat"][0] == sweep["generous tit for tat"][0] == 3.0
    for tft, gtft in zip(sweep["tit for tat"][1:], sweep["generous tit for tat"][1:], strict=True):
        assert tft < gtft


def test_noise_threshold_is_checked_against_the_simulation() -> None:
    threshold = noise_threshold()
    assert threshold in NOISE_GRID
    assert threshold > 0
    assert self_play_payoff("tit for tat", noise=threshold) < self_play_payoff(
        "generous tit for tat", noise=threshold
    )
    for below in (x for x in NOISE_GRID if x < threshold):
        assert self_play_payoff("tit for tat", noise=below) >= self_play_payoff(
            "generous tit for tat", noise=below
        )
    assert noise_threshold([0.0]) is None


def test_round_robin_is_deterministic_and_matches_a_hand_count() -> None:
    players = {"always defect": always_defect, "tit for tat": tit_for_tat, "grim": grim_trigger}
    scores = round_robin(players, rounds=100, noise=0.0)
    # always defect: 1 against itself, (5 + 99) / 100 against each nice strategy
    assert scores["always defect"] == pytest.approx((1 + 1.04 + 1.04) / 3)
    # tit for tat: 99 / 100 against always defect, 3 against the two nice ones
    assert scores["tit for tat"] == pytest.approx((0.99 + 3 + 3) / 3)
    noisy = {n: get_strategy(n) for n in STRATEGY_NAMES}
    assert round_robin(noisy, noise=0.05, seed=1) == round_robin(noisy, noise=0.05, seed=1)
    with pytest.raises(CourseInputError):
        round_robin({})
