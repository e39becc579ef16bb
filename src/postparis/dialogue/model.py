"""Module 04's models: New START's numbers, the fighter estimates, and the repeated game.

The repeated prisoner's dilemma with noise
------------------------------------------
A small model of cooperation under mistrust.

Two players meet for a number of rounds. In each round both choose, at the same time,
to cooperate (``"C"``) or to defect (``"D"``), and are paid by the standard table of
Axelrod (1984, p. 8): temptation T = 5, reward R = 3, punishment P = 1, sucker's
payoff S = 0.

*Noise* stands for miscalculation and misread signals: each move a player intends is
flipped, with probability ``noise``, into the other move (an "implementation error").
Both players then see the move that was really played, so a flipped move looks to the
other side exactly like a deliberate one.

A *strategy* is a function ``strategy(own, other, rng) -> move`` that sees the moves
played so far (its own and the other player's, oldest first) and may use the random
number generator ``rng`` (a :class:`random.Random`). Everything is pure Python and
reproducible: a match is fully determined by its strategies, its settings and its seed.

References
----------
Axelrod, R. (1984). *The Evolution of Cooperation*. New York: Basic Books.
Nowak, M. A. & Sigmund, K. (1992). Tit for tat in heterogeneous populations.
*Nature* 355, 250-253. https://doi.org/10.1038/355250a0

New START
---------
The treaty (signed 8 April 2010, in force 5 February 2011) sets three central limits
that each party had to meet by 5 February 2018 and keep afterwards. Twice a year each
side declares its numbers; the US State Department publishes the totals.
Source: US Department of State, "The New START Treaty" fact sheet, 20 October 2011,
https://2009-2017.state.gov/t/avc/rls/175945.htm (limits, seven years to meet them,
inspections); the data rows carry their own sources.

Fighters from Russia and the CIS with IS
----------------------------------------
Four estimates were public by the end of 2015. They count different groups (Russians
only, or Russians and citizens of other CIS states), come from different kinds of
source (an intelligence chief, a head of state, a private security firm) and were
given on different dates, one of them after the article appeared.
"""

from __future__ import annotations

import functools
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any, Literal, SupportsInt

import pandas as pd

from postparis.data import INFORMATION_CUTOFF
from postparis.validation import CourseInputError, check_choice, check_number, check_probability

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "COMPLIANCE_DEADLINE",
    "COOPERATE",
    "DEFAULT_GENEROSITY",
    "DEFAULT_MATCHES",
    "DEFAULT_ROUNDS",
    "DEFAULT_SEED",
    "DEFECT",
    "LIMITS",
    "NOISE_GRID",
    "PARTIES",
    "PARTY_LABELS",
    "PAYOFFS",
    "PUNISHMENT",
    "REWARD",
    "STRATEGY_NAMES",
    "SUCKER",
    "TEMPTATION",
    "MatchResult",
    "Strategy",
    "always_cooperate",
    "always_defect",
    "exchange_table",
    "fighter_estimates",
    "generous_tit_for_tat",
    "get_strategy",
    "grim_trigger",
    "margin_text",
    "mean_payoffs",
    "noise_sweep",
    "noise_threshold",
    "payoff",
    "play_match",
    "round_robin",
    "self_play_payoff",
    "through_cutoff",
    "tit_for_tat",
]

Move = Literal["C", "D"]
COOPERATE: Move = "C"
DEFECT: Move = "D"

#: Axelrod's payoffs (1984, p. 8): temptation, reward, punishment, sucker's payoff.
TEMPTATION, REWARD, PUNISHMENT, SUCKER = 5, 3, 1, 0

#: (my move, their move) -> (my payoff, their payoff).
PAYOFFS: Mapping[tuple[str, str], tuple[int, int]] = {
    (COOPERATE, COOPERATE): (REWARD, REWARD),
    (COOPERATE, DEFECT): (SUCKER, TEMPTATION),
    (DEFECT, COOPERATE): (TEMPTATION, SUCKER),
    (DEFECT, DEFECT): (PUNISHMENT, PUNISHMENT),
}

#: Starting values of the simulator (module 04 records findings at these values).
DEFAULT_ROUNDS = 100
DEFAULT_SEED = 2015
DEFAULT_MATCHES = 20
#: How often generous tit for tat forgives a defection. Nowak & Sigmund (1992) find
#: that, with errors, a generosity of about one third suits these payoffs; the course
#: starts a little below it.
DEFAULT_GENEROSITY = 0.3
#: The noise levels the simulator's slider offers: 0 to 0.2 in steps of 0.01.
NOISE_GRID: tuple[float, ...] = tuple(round(i * 0.01, 2) for i in range(21))

Strategy = Callable[[Sequence[str], Sequence[str], random.Random], str]


_MOVES = frozenset((COOPERATE, DEFECT))
_OTHER: Mapping[str, Move] = {COOPERATE: DEFECT, DEFECT: COOPERATE}


def _check_move(move: object, who: str) -> str:
    if move not in (COOPERATE, DEFECT):
        raise CourseInputError(f"{who} must be 'C' (cooperate) or 'D' (defect); it is {move!r}.")
    return str(move)


def payoff(my_move: str, their_move: str) -> tuple[int, int]:
    """Return the payoffs of one round: ``(mine, theirs)``.

    Examples
    --------
    >>> payoff("C", "D")
    (0, 5)
    """
    mine = _check_move(my_move, "my_move")
    theirs = _check_move(their_move, "their_move")
    return PAYOFFS[(mine, theirs)]


# --- Strategies -------------------------------------------------------------------------


def always_cooperate(own: Sequence[str], other: Sequence[str], rng: random.Random) -> str:
    """Cooperate in every round, whatever the other player does."""
    return COOPERATE


def always_defect(own: Sequence[str], other: Sequence[str], rng: random.Random) -> str:
    """Defect in every round, whatever the other player does."""
    return DEFECT


def tit_for_tat(own: Sequence[str], other: Sequence[str], rng: random.Random) -> str:
    """Cooperate first, then copy the other player's previous move."""
    return other[-1] if other else COOPERATE


def generous_tit_for_tat(
    own: Sequence[str],
    other: Sequence[str],
    rng: random.Random,
    generosity: float = DEFAULT_GENEROSITY,
) -> str:
    """Like tit for tat, but forgive a defection with probability ``generosity``.

    After the other player defected, draw one number with ``rng.random()`` and
    cooperate if it is below ``generosity``; draw nothing otherwise. (Drawing exactly
    this way keeps a match reproducible from its seed.)
    """
    if not other or other[-1] == COOPERATE:
        return COOPERATE
    return COOPERATE if rng.random() < generosity else DEFECT


def grim_trigger(own: Sequence[str], other: Sequence[str], rng: random.Random) -> str:
    """Cooperate until the other player defects once; then defect for ever."""
    return DEFECT if DEFECT in other else COOPERATE


#: The strategies the simulator offers, by the name a learner picks.
STRATEGY_NAMES: tuple[str, ...] = (
    "always defect",
    "always cooperate",
    "tit for tat",
    "generous tit for tat",
    "grim trigger",
)
_BY_NAME: dict[str, Strategy] = {
    "always defect": always_defect,
    "always cooperate": always_cooperate,
    "tit for tat": tit_for_tat,
    "grim trigger": grim_trigger,
}


def get_strategy(name: str, generosity: float = DEFAULT_GENEROSITY) -> Strategy:
    """Return the strategy called ``name`` (one of :data:`STRATEGY_NAMES`).

    ``generosity`` is used by generous tit for tat only.

    Raises
    ------
    CourseInputError
        If there is no such strategy or the generosity is not a probability.
    """
    chosen = check_choice(name, STRATEGY_NAMES, "strategy")
    if chosen == "generous tit for tat":
        g = check_probability(generosity, "The generosity")
        strategy = functools.partial(generous_tit_for_tat, generosity=g)
        strategy.__name__ = "generous_tit_for_tat"  # type: ignore[attr-defined]  # a partial takes attributes; typeshed gives it no __name__
        return strategy
    return _BY_NAME[chosen]


# --- A match ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchResult:
    """What happened in one match, round by round (round 1 first).

    Attributes
    ----------
    moves_a, moves_b
        The moves really played (after any flip).
    flipped_a, flipped_b
        True where noise (or a forced flip) turned the intended move into the other.
    """

    moves_a: tuple[str, ...]
    moves_b: tuple[str, ...]
    flipped_a: tuple[bool, ...]
    flipped_b: tuple[bool, ...]

    @property
    def rounds(self) -> int:
        """The number of rounds played."""
        return len(self.moves_a)

    @functools.cached_property
    def payoffs_a(self) -> tuple[int, ...]:
        """Player A's payoff in each round (worked out once)."""
        return tuple(PAYOFFS[(a, b)][0] for a, b in zip(self.moves_a, self.moves_b, strict=True))

    @functools.cached_property
    def payoffs_b(self) -> tuple[int, ...]:
        """Player B's payoff in each round (worked out once)."""
        return tuple(PAYOFFS[(a, b)][1] for a, b in zip(self.moves_a, self.moves_b, strict=True))

    @functools.cached_property
    def _pairs(self) -> Counter[tuple[str, str]]:
        """How many rounds each pair of moves (A's, B's) was played."""
        return Counter(zip(self.moves_a, self.moves_b, strict=True))

    @property
    def total_a(self) -> int:
        """Player A's total payoff."""
        return sum(PAYOFFS[pair][0] * count for pair, count in self._pairs.items())

    @property
    def total_b(self) -> int:
        """Player B's total payoff."""
        return sum(PAYOFFS[pair][1] * count for pair, count in self._pairs.items())

    @property
    def average_a(self) -> float:
        """Player A's average payoff per round (3 = always mutual cooperation)."""
        return self.total_a / self.rounds

    @property
    def average_b(self) -> float:
        """Player B's average payoff per round."""
        return self.total_b / self.rounds

    @property
    def mutual_cooperation(self) -> float:
        """The share of rounds in which both players cooperated."""
        return self._pairs[(COOPERATE, COOPERATE)] / self.rounds

    def running_average(self, player: Literal["A", "B"]) -> list[float]:
        """Return the player's average payoff per round over rounds 1..t, for each t."""
        payoffs = self.payoffs_a if player == "A" else self.payoffs_b
        out, total = [], 0
        for t, value in enumerate(payoffs, start=1):
            total += value
            out.append(total / t)
        return out


def _check_rounds(rounds: object) -> int:
    value = check_number(rounds, "The number of rounds", minimum=1, maximum=10_000)
    if value != int(value):
        raise CourseInputError(f"The number of rounds must be a whole number; you gave {rounds!r}.")
    return int(value)


def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise CourseInputError(f"The seed must be a whole number such as 2015; you gave {seed!r}.")
    return seed


def _check_flips(flips: Iterable[tuple[int, str]], rounds: int) -> set[tuple[int, str]]:
    checked = set()
    for item in flips:
        try:
            when, who = item
        except (TypeError, ValueError):
            raise CourseInputError(
                f"Each forced flip is a pair (round, player), like (5, 'A'); you gave {item!r}."
            ) from None
        if isinstance(when, bool) or not isinstance(when, int) or not 1 <= when <= rounds:
            raise CourseInputError(
                f"A forced flip names a round from 1 to {rounds}; you gave {when!r}."
            )
        if who not in ("A", "B"):
            raise CourseInputError(f"A forced flip names player 'A' or 'B'; you gave {who!r}.")
        checked.add((when, who))
    return checked


def _flip(move: str) -> str:
    return DEFECT if move == COOPERATE else COOPERATE


class _History(Sequence[str]):
    """A read-only view of the moves played so far, growing as the match goes on."""

    __slots__ = ("_moves",)

    def __init__(self, moves: list[str]) -> None:
        self._moves = moves

    def __len__(self) -> int:
        return len(self._moves)

    def __getitem__(self, index: Any) -> Any:
        found = self._moves[index]
        return tuple(found) if isinstance(index, slice) else found

    def __contains__(self, move: object) -> bool:
        return move in self._moves

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._moves))


def play_match(
    strategy_a: Strategy,
    strategy_b: Strategy,
    *,
    rounds: int = DEFAULT_ROUNDS,
    noise: float = 0.0,
    seed: int = DEFAULT_SEED,
    flips: Iterable[tuple[int, str]] = (),
) -> MatchResult:
    """Play one match of the repeated prisoner's dilemma and return what happened.

    Parameters
    ----------
    strategy_a, strategy_b
        Functions ``(own, other, rng) -> "C" or "D"``.
    rounds
        How many rounds the match lasts (1 to 10,000).
    noise
        The probability that an intended move is flipped (0 to 1).
    seed
        Fixes every random draw: the same seed gives the same match.
    flips
        Moves to flip for certain, as ``(round, player)`` pairs such as ``(5, "A")``:
        a deliberate "misread signal" for a demonstration.

    Returns
    -------
    MatchResult

    Notes
    -----
    The seed starts three independent random streams: one for the noise and one for
    each player's strategy. The noise stream draws two numbers every round (A's, then
    B's), whatever the strategies do, so two matches with the same seed and noise
    suffer exactly the same accidents: a fair comparison of strategies.

    The course's own strategies (:data:`STRATEGY_NAMES`) are played by their rules
    rather than by calling them each round: the same moves and the same draws, several
    times faster (a widget replays thousands of rounds on every move of a slider).
    """
    n = _check_rounds(rounds)
    p = check_probability(noise, "The noise")
    noise_seed, seed_a, seed_b = _streams(_check_seed(seed))
    forced = _check_flips(flips, n)
    flipped_a, flipped_b = _noise(noise_seed, n, p)
    if forced:
        flipped_a = tuple(f != ((t, "A") in forced) for t, f in enumerate(flipped_a, start=1))
        flipped_b = tuple(f != ((t, "B") in forced) for t, f in enumerate(flipped_b, start=1))
    rule_a, rule_b = _rule(strategy_a, seed_a), _rule(strategy_b, seed_b)
    if rule_a is not None and rule_b is not None:
        moves_a, moves_b = _play_rules(rule_a, rule_b, flipped_a, flipped_b)
    else:
        players = ((strategy_a, random.Random(seed_a)), (strategy_b, random.Random(seed_b)))
        moves_a, moves_b = _play_functions(players, flipped_a, flipped_b)
    return MatchResult(tuple(moves_a), tuple(moves_b), flipped_a, flipped_b)


@functools.lru_cache(maxsize=1024)
def _streams(seed: int) -> tuple[int, int, int]:
    """Return the seeds of a match's three random streams: the noise, player A, player B."""
    master = random.Random(seed)
    return master.getrandbits(64), master.getrandbits(64), master.getrandbits(64)


@functools.lru_cache(maxsize=64)
def _noise(seed: int, rounds: int, noise: float) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """Return which intended moves the noise flips, A's and B's, round by round.

    The noise stream draws A's number, then B's, for each round, whatever the players
    do: matches with the same seed share these flips (and the cache).
    """
    stream = random.Random(seed)
    draws = [stream.random() < noise for _ in range(2 * rounds)]
    return tuple(draws[::2]), tuple(draws[1::2])


def _play_functions(
    players: tuple[tuple[Strategy, random.Random], tuple[Strategy, random.Random]],
    flipped_a: Sequence[bool],
    flipped_b: Sequence[bool],
) -> tuple[list[str], list[str]]:
    """Return the moves played when each round calls the strategy functions."""
    (strategy_a, rng_a), (strategy_b, rng_b) = players
    moves_a: list[str] = []
    moves_b: list[str] = []
    # Strategies see the history through read-only views: no copy each round.
    seen_a, seen_b = _History(moves_a), _History(moves_b)
    for flip_a, flip_b in zip(flipped_a, flipped_b, strict=True):
        intended_a = strategy_a(seen_a, seen_b, rng_a)
        intended_b = strategy_b(seen_b, seen_a, rng_b)
        if intended_a not in _MOVES or intended_b not in _MOVES:
            _check_move(intended_a, "Strategy A")
            _check_move(intended_b, "Strategy B")
        moves_a.append(_OTHER[intended_a] if flip_a else intended_a)
        moves_b.append(_OTHER[intended_b] if flip_b else intended_b)
    return moves_a, moves_b


#: A built-in strategy as a rule: ``rule(their last move, whether they ever defected)``
#: returns the move intended (their "last move" before round 1 counts as cooperation).
_Rule = Callable[[str, bool], str]


def _rule(strategy: Strategy, seed: int) -> _Rule | None:
    """Return the rule of one of the course's strategies (None for any other function).

    Each rule intends exactly the move the function would, drawing from the player's
    stream (started from ``seed``) exactly when the function would: generous tit for
    tat draws once after each defection, the others never.
    """
    if strategy is tit_for_tat:
        return lambda last, _ever: last
    if strategy is grim_trigger:
        return lambda _last, ever: DEFECT if ever else COOPERATE
    if strategy is always_cooperate or strategy is always_defect:
        move = COOPERATE if strategy is always_cooperate else DEFECT
        return lambda _last, _ever: move
    generosity: Any = DEFAULT_GENEROSITY
    if isinstance(strategy, functools.partial):
        if strategy.func is not generous_tit_for_tat or strategy.args:
            return None
        if set(strategy.keywords) - {"generosity"}:
            return None
        generosity = strategy.keywords.get("generosity", DEFAULT_GENEROSITY)
    elif strategy is not generous_tit_for_tat:
        return None
    draw = random.Random(seed).random
    return lambda last, _ever: COOPERATE if last == COOPERATE or draw() < generosity else DEFECT


def _play_rules(
    rule_a: _Rule, rule_b: _Rule, flipped_a: Sequence[bool], flipped_b: Sequence[bool]
) -> tuple[list[str], list[str]]:
    """Return the moves played by two rules, with the given moves flipped."""
    moves_a: list[str] = []
    moves_b: list[str] = []
    last_a: str = COOPERATE
    last_b: str = COOPERATE
    ever_a = ever_b = False
    for flip_a, flip_b in zip(flipped_a, flipped_b, strict=True):
        a, b = rule_a(last_b, ever_b), rule_b(last_a, ever_a)
        last_a = _OTHER[a] if flip_a else a
        last_b = _OTHER[b] if flip_b else b
        moves_a.append(last_a)
        moves_b.append(last_b)
        ever_a = ever_a or last_a == DEFECT
        ever_b = ever_b or last_b == DEFECT
    return moves_a, moves_b


# --- Many matches -----------------------------------------------------------------------


def _check_matches(matches: object) -> int:
    value = check_number(matches, "The number of matches", minimum=1, maximum=1_000)
    if value != int(value):
        raise CourseInputError(
            f"The number of matches must be a whole number; you gave {matches!r}."
        )
    return int(value)


def mean_payoffs(
    strategy_a: Strategy,
    strategy_b: Strategy,
    *,
    rounds: int = DEFAULT_ROUNDS,
    noise: float = 0.0,
    seed: int = DEFAULT_SEED,
    matches: int = DEFAULT_MATCHES,
) -> tuple[float, float]:
    """Return each player's average payoff per round, averaged over several matches.

    The matches use the seeds ``seed``, ``seed + 1``, ..., ``seed + matches - 1``.
    """
    m = _check_matches(matches)
    base = _check_seed(seed)
    results = [
        play_match(strategy_a, strategy_b, rounds=rounds, noise=noise, seed=base + k)
        for k in range(m)
    ]
    return fmean(r.average_a for r in results), fmean(r.average_b for r in results)


@functools.lru_cache(maxsize=4096)
def _self_play(
    name: str, generosity: float, rounds: int, noise: float, seed: int, matches: int
) -> float:
    strategy = get_strategy(name, generosity)
    a, b = mean_payoffs(strategy, strategy, rounds=rounds, noise=noise, seed=seed, matches=matches)
    return (a + b) / 2


def self_play_payoff(
    name: str,
    *,
    noise: float,
    rounds: int = DEFAULT_ROUNDS,
    generosity: float = DEFAULT_GENEROSITY,
    seed: int = DEFAULT_SEED,
    matches: int = DEFAULT_MATCHES,
) -> float:
    """Return a strategy's average payoff per round against itself (both players, all matches).

    Results are cached, so asking again for the same settings costs nothing.
    """
    chosen = check_choice(name, STRATEGY_NAMES, "strategy")
    p = check_probability(noise, "The noise")
    g = check_probability(generosity, "The generosity")
    if chosen != "generous tit for tat":
        g = DEFAULT_GENEROSITY  # the others ignore it: one cached result for every value
    return _self_play(
        chosen, g, _check_rounds(rounds), p, _check_seed(seed), _check_matches(matches)
    )


def noise_sweep(
    names: Sequence[str],
    noise_levels: Sequence[float] = NOISE_GRID,
    *,
    rounds: int = DEFAULT_ROUNDS,
    generosity: float = DEFAULT_GENEROSITY,
    seed: int = DEFAULT_SEED,
    matches: int = DEFAULT_MATCHES,
) -> dict[str, list[float]]:
    """Return, for each named strategy, its payoff against itself at each noise level.

    Returns
    -------
    dict
        ``{"noise": [...], name: [...], ...}``: lists of the same length, ready for
        ``pandas.DataFrame``.
    """
    levels = [check_probability(x, "A noise level") for x in noise_levels]
    table: dict[str, list[float]] = {"noise": levels}
    for name in names:
        chosen = check_choice(name, STRATEGY_NAMES, "strategy")
        table[chosen] = [
            self_play_payoff(
                chosen, noise=x, rounds=rounds, generosity=generosity, seed=seed, matches=matches
            )
            for x in levels
        ]
    return table


def noise_threshold(
    noise_levels: Sequence[float] = NOISE_GRID,
    *,
    rounds: int = DEFAULT_ROUNDS,
    generosity: float = DEFAULT_GENEROSITY,
    seed: int = DEFAULT_SEED,
    matches: int = DEFAULT_MATCHES,
) -> float | None:
    """Return the smallest noise level at which tit for tat does worse than generous tit for tat.

    "Does worse" compares each strategy's average payoff per round against itself
    (:func:`self_play_payoff`). Returns ``None`` if tit for tat never does worse on
    the levels given.
    """
    for x in sorted(check_probability(v, "A noise level") for v in noise_levels):
        payoff = functools.partial(
            self_play_payoff,
            noise=x,
            rounds=rounds,
            generosity=generosity,
            seed=seed,
            matches=matches,
        )
        if payoff("tit for tat") < payoff("generous tit for tat"):
            return x
    return None


def round_robin(
    strategies: Mapping[str, Strategy],
    *,
    rounds: int = DEFAULT_ROUNDS,
    noise: float = 0.0,
    seed: int = DEFAULT_SEED,
) -> dict[str, float]:
    """Return each strategy's average payoff per round in a round robin.

    Every strategy plays one match, as player A, against every strategy in
    ``strategies`` (itself included), each match with the same ``seed``. A strategy's
    score is the mean, over those matches, of its average payoff per round.
    """
    if not strategies:
        raise CourseInputError("Give at least one strategy, e.g. {'tit for tat': tit_for_tat}.")
    scores = {}
    for name_a, strategy_a in strategies.items():
        averages = [
            play_match(strategy_a, strategy_b, rounds=rounds, noise=noise, seed=seed).average_a
            for strategy_b in strategies.values()
        ]
        scores[name_a] = fmean(averages)
    return scores


# --- New START ------------------------------------------------------------------------

#: The three central limits (State Department fact sheet, 20 October 2011).
LIMITS: dict[str, int] = {
    "deployed_warheads": 1550,
    "deployed_launchers": 700,
    "deployed_and_nondeployed_launchers": 800,
}
CATEGORIES: tuple[str, ...] = tuple(LIMITS)
#: Plain-language names of the counting categories.
CATEGORY_LABELS: dict[str, str] = {
    "deployed_warheads": "Deployed warheads (a heavy bomber counts as one)",
    "deployed_launchers": "Deployed missiles and heavy bombers",
    "deployed_and_nondeployed_launchers": "Deployed and non-deployed launchers and bombers",
}
PARTIES: tuple[str, ...] = ("US", "Russia")
PARTY_LABELS: dict[str, str] = {"US": "United States", "Russia": "Russia"}
#: The date by which both parties had to be within all three limits.
COMPLIANCE_DEADLINE = pd.Timestamp("2018-02-05")


def _check_table(table: object) -> pd.DataFrame:
    needed = {"as_of", "party", "category", "value", "limit"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise CourseInputError(
            "Expected the New START table from load_new_start(), with the columns "
            "as_of, party, category, value and limit."
        )
    return table


def through_cutoff(table: pd.DataFrame) -> pd.DataFrame:
    """Keep the exchanges known by 31 December 2015 (the course's information cutoff).

    Rows flagged ``after_cutoff``, any dated after the cutoff and, where the table says
    when its numbers became public (``published``), any not public by the cutoff or of
    unknown publication date are dropped; the rest are sorted by date, party and category.
    """
    table = _check_table(table)
    keep = table["as_of"] <= INFORMATION_CUTOFF
    if "published" in table.columns:
        keep &= pd.to_datetime(table["published"]) <= INFORMATION_CUTOFF
    if "after_cutoff" in table.columns:
        keep &= ~table["after_cutoff"].astype(bool)
    return table.loc[keep].sort_values(["as_of", "party", "category"]).reset_index(drop=True)


def exchange_table(table: pd.DataFrame, category: str) -> pd.DataFrame:
    """Return one category as a wide table: one row per exchange, a column per party.

    Parameters
    ----------
    table
        Long New START table (see :func:`postparis.data.load_new_start`).
    category
        One of :data:`CATEGORIES`.

    Returns
    -------
    pandas.DataFrame
        Index ``as_of``; columns ``US`` and ``Russia`` (declared numbers, ``<NA>``
        where a figure was not found) and ``limit``.
    """
    table = _check_table(table)
    chosen = check_choice(category, CATEGORIES, "New START category")
    rows = table.loc[table["category"] == chosen]
    wide = rows.pivot_table(index="as_of", columns="party", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(PARTIES)).astype("Int64")
    wide["limit"] = LIMITS[chosen]
    wide.columns.name = None
    return wide.sort_index()


def margin_text(value: SupportsInt | None, limit: int) -> str:
    """Say how far ``value`` is under or over ``limit``: "12 under", "98 over".

    ``value`` may be missing: ``None`` or pandas' ``NA`` gives "not found".
    """
    if value is None or pd.isna(value):
        return "not found"
    margin = limit - int(value)
    if margin > 0:
        return f"{margin:,} under"
    if margin < 0:
        return f"{-margin:,} over"
    return "exactly at the limit"


# --- Fighter estimates ----------------------------------------------------------------

_KEYWORDS = ("russia", "russian", "cis")


def fighter_estimates(syria: pd.DataFrame) -> pd.DataFrame:
    """Return the estimates of fighters from Russia (and the CIS) known by 31 December 2015.

    Parameters
    ----------
    syria
        The table from :func:`postparis.data.load_syria_2015`.

    Returns
    -------
    pandas.DataFrame
        One row per estimate, oldest first, with columns ``date``, ``claimant``,
        ``measure`` (who is counted), ``low``, ``high`` (equal for a single figure),
        ``value_kind``, ``after_publication``, ``source_url``, ``source_publisher``,
        ``confidence``.
    """
    needed = {"date", "event", "claimant", "measure", "value", "value_high", "unit"}
    needed |= {"after_publication"}
    if not isinstance(syria, pd.DataFrame) or not needed <= set(syria.columns):
        raise CourseInputError("Expected the table from load_syria_2015().")
    measure = syria["measure"].str.lower()
    is_people = syria["unit"].str.strip().eq("people")
    about_fighters = measure.str.contains("fight") | syria["event"].str.lower().str.contains(
        "fight"
    )
    about_russia = measure.apply(lambda text: any(k in text for k in _KEYWORDS))
    keep = is_people & about_fighters & about_russia & (syria["date"] <= INFORMATION_CUTOFF)
    rows = syria.loc[keep].sort_values("date").reset_index(drop=True)
    return pd.DataFrame(
        {
            "date": rows["date"],
            "claimant": rows["claimant"],
            "measure": rows["measure"],
            "low": rows["value"].astype(float),
            "high": rows["value_high"].fillna(rows["value"]).astype(float),
            "value_kind": rows["value_kind"],
            "after_publication": rows["after_publication"].astype(bool),
            "source_url": rows["source_url"],
            "source_publisher": rows["source_publisher"],
            "confidence": rows["confidence"],
        }
    )
