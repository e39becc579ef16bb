"""The right answers of every autograded exercise, and the digests the visible checks use.

This file is part of the answer key (like assignments/source/): it never ships in the
learner package. The visible checks (src/postparis/exercises/) read only digests.json,
which this file writes::

    python tests/exercise_answers.py --write

Run it after changing an exercise or the data it rests on; tests/test_exercise_feedback.py
fails, naming this command, while digests.json is out of date. Most answers are computed
from the course package and its data (as the hidden tests compute them), so a data fix
changes the digest, not this file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from postparis.checks import digest

DIGESTS = Path(__file__).resolve().parents[1] / "src" / "postparis" / "exercises" / "digests.json"

Entry = tuple[str, list[str]]

#: Every right answer in plain form, by salt (filled by compute()), for the leak test.
PLAIN: dict[str, list[object]] = {}


def _keep(salt: str, values: Iterable[object]) -> None:
    PLAIN.setdefault(salt, []).extend(values)


def one(salt: str, value: object, **canon: Any) -> Entry:
    """The one right answer."""
    _keep(salt, [value])
    return salt, [digest(value, salt=salt, **canon)]


def any_of(salt: str, values: Iterable[object], **canon: Any) -> Entry:
    """Several accepted answers (a range read off a widget, to the stated tolerance)."""
    values = list(values)
    _keep(salt, values)
    return salt, sorted({digest(v, salt=salt, **canon) for v in values})


def items(salt: str, values: Iterable[object], **canon: Any) -> Entry:
    """The items of a list answer, in order, one digest each."""
    values = list(values)
    _keep(salt, values)
    return salt, [digest(v, salt=salt, **canon) for v in values]


def cases(
    salt: str, visible: Sequence[Any], reference: Callable[..., object], decimals: int | None = 6
) -> list[Entry]:
    """The reference results of a function exercise's visible cases."""
    out = []
    for number, case in enumerate(visible):
        key = f"{salt}#{number}"
        result = reference(*case.args, **case.kwargs)
        _keep(key, [result])
        out.append((key, [digest(result, salt=key, decimals=decimals)]))
    return out


def grid(centre: float, tolerance: float, decimals: int) -> list[float]:
    """Every value written with ``decimals`` decimals within ``tolerance`` of ``centre``."""
    step = 10**-decimals
    low = round(centre - tolerance, decimals) - step
    values = []
    k = 0
    while low + k * step <= centre + tolerance + step:
        v = round(low + k * step, decimals)
        if abs(v - centre) <= tolerance + 1e-12:
            values.append(v)
        k += 1
    return values


def module_00() -> list[Entry]:
    from postparis.data import load_article_paragraphs

    paragraphs = load_article_paragraphs()
    return [
        one("00.brennan_first_paragraph", 12),
        items(
            "00.proposal_paragraphs",
            paragraphs.loc[paragraphs["role"] == "proposal", "paragraph"].tolist(),
        ),
    ]


def module_01() -> list[Entry]:
    import pandas as pd

    from postparis.argument import model
    from postparis.data import load_actors, load_claims
    from postparis.exercises import argument

    claims = load_claims()
    proposals = claims[claims["kind"] == "proposal"]
    by_speaker = {a: sorted(g["claim_id"]) for a, g in proposals.groupby("actor_id")}
    actors = load_actors()
    sources = actors[~actors["voice"].isin(["author", "not quoted"])]
    table = pd.crosstab(sources["country"], sources["actor_type"])
    pickering = sorted(set(claims.loc[claims["actor_id"] == "pickering", "lever"]))
    brennan = claims.loc[claims["actor_id"] == "brennan", "lever"].iloc[0]
    entries = [
        one("01.thesis_paragraph", 1),
        items("01.proposals_by_speaker", by_speaker),
        one("01.careful_sentence", "C"),
        one("01.strikes_answer", "C"),
        items("01.sources", sources["actor_id"]),
        one("01.sources_by_country", dict(sources["country"].value_counts())),
        one("01.source_table.rows", sorted(map(str, table.index))),
        one("01.source_table.columns", sorted(map(str, table.columns))),
        one("01.source_table", argument._cells(table)),
        items("01.pickering_levers", pickering),
        one("01.brennan_lever", brennan),
    ]
    for who, ids in by_speaker.items():
        entries.append(one(f"01.proposals_by_speaker.{who}", ids))
        entries.append(items(f"01.proposals_by_speaker.{who}.items", ids))
    entries += cases("01.percent_agreement", argument.PERCENT_CASES, model.percent_agreement)
    entries += cases("01.cohens_kappa", argument.KAPPA_CASES, model.cohens_kappa)
    return entries


def _coverage(timeline: Any, start: str, end: str) -> float:
    """The answer key's counter_sanction_coverage."""
    import pandas as pd

    first, last = pd.Timestamp(start), pd.Timestamp(end)
    ban = timeline.loc[timeline["kind"] == "counter-sanction", "date"].min()
    in_force = max(0, (last - max(first, ban)).days + 1)
    return in_force / ((last - first).days + 1)


def module_02() -> list[Entry]:
    from postparis.data import load_sanctions_timeline
    from postparis.exercises import sanctions
    from postparis.sanctions import model

    timeline = model.filter_timeline(load_sanctions_timeline(), end=sanctions.INFORMATION_CUTOFF)
    window = model.filter_timeline(
        load_sanctions_timeline(), actors=["US", "EU"], start="2014-07-18", end="2014-08-05"
    )
    energy = timeline.loc[
        timeline["sector"].str.split(";").apply(lambda s: "energy" in s)
        & timeline["kind"].eq("sectoral"),
        "measure",
    ]
    entries = [
        items("02.mh17_measures", window["measure"]),
        items("02.energy_measures", energy),
        any_of("02.russia_needs_more_than", grid(model.russia_threshold(), 0.05, 2), decimals=2),
        any_of(
            "02.largest_credibility_cost", grid(model.max_credibility_cost(), 0.5, 1), decimals=1
        ),
    ]
    entries += cases("02.coverage", sanctions.coverage_cases(), _coverage)
    entries += cases(
        "02.depreciation",
        sanctions.DEPRECIATION_CASES,
        lambda rates, start, end: 100 * (1 - rates.loc[start] / rates.loc[end]),
    )
    entries += cases(
        "02.payoffs",
        sanctions.PAYOFF_CASES,
        lambda share, *values: model.deal_payoffs(share, model.BargainParameters(*values)),
    )
    return entries


def module_03() -> list[Entry]:
    from postparis.data import PUBLICATION_CUTOFF, load_afghanistan, load_syria_2015
    from postparis.exercises import proxies
    from postparis.proxies import model

    timeline = model.autumn_2015_timeline(load_syria_2015())
    events = proxies.rows(timeline)
    if len({repr(e) for e in events}) != len(events):
        raise ValueError("autumn_2015's check counts rows: they must be unique")
    start = model.rows_matching(timeline, "event", "air campaign")["date"].iloc[0]
    shootdown = model.rows_matching(timeline, "event", "Su-24")["date"].iloc[0]
    afghanistan = load_afghanistan()
    first_uses = model.rows_matching(afghanistan, "fact", "First Stinger")["date"]
    completed = model.rows_matching(afghanistan, "fact", "withdrawal completed")["date"].iloc[0]
    gaps = [model.months_between(day, completed) for day in first_uses]
    ranges = model.estimate_ranges(afghanistan, model.STINGERS_SUPPLIED_PATTERN)
    compared = model.compare_estimates(ranges)
    s = model.SCEPTIC_SCENARIO
    sceptic = model.break_even_leak_probability(
        s.p_deter, s.v_deter, s.v_leak, s.p_incident, s.v_incident
    )
    entries = [
        items("03.autumn_2015", events),
        one("03.days_campaign_to_shootdown", model.days_between(start, shootdown)),
        items("03.strike_claims", model.strike_claims_before(timeline, PUBLICATION_CUTOFF)),
        one("03.stinger_months", [min(gaps), max(gaps)]),
        one("03.lowest_supplied", compared["lowest"], decimals=1),
        one("03.highest_supplied", compared["highest"], decimals=1),
        any_of(
            "03.best_sourced_supplied",
            ranges.loc[ranges["confidence"] == "high", "value_low"],
            decimals=1,
        ),
        any_of("03.sceptic_break_even", grid(sceptic, 0.01, 3), decimals=3),
    ]
    entries += cases("03.months_between", proxies.MONTHS_CASES, model.months_between, None)
    entries += cases("03.expected_value", proxies.EV_CASES, model.expected_value)
    entries += cases("03.break_even", proxies.BREAK_EVEN_CASES, model.break_even_leak_probability)
    return entries


def _first_both_within(table: Any, category: str) -> object:
    """The answer key's first_exchange_both_within."""
    rows = table[table["category"] == category]
    for date in sorted(rows["as_of"].unique()):
        at_date = rows[rows["as_of"] == date]
        if {"US", "Russia"} <= set(at_date["party"]) and (
            at_date["value"] <= at_date["limit"]
        ).all():
            return date
    return None


def module_04() -> list[Entry]:
    import random

    from postparis.dialogue import model as game
    from postparis.exercises import dialogue

    table = dialogue._table()
    ru = table[
        (table["party"] == "Russia") & (table["category"] == "deployed_and_nondeployed_launchers")
    ]
    worst = ru.loc[(ru["value"] - ru["limit"]).idxmax(), "as_of"]
    flipped = game.play_match(game.tit_for_tat, game.tit_for_tat, rounds=8, flips=[(3, "B")])
    three = {
        "always defect": game.always_defect,
        "tit for tat": game.tit_for_tat,
        "grim trigger": game.grim_trigger,
    }
    everyone = {n: game.get_strategy(n) for n in game.STRATEGY_NAMES}
    entries = [
        one("04.add_margins", (table["limit"] - table["value"]).astype(float).tolist(), decimals=1),
        one(
            "04.add_margins.toy",
            (dialogue.TOY_MARGINS["limit"] - dialogue.TOY_MARGINS["value"]).astype(float).tolist(),
            decimals=1,
        ),
        one("04.russia_furthest", worst),
        one("04.tit_for_tat.flipped", "".join(flipped.moves_a)),
        one("04.tft_worse_from_noise", round(game.noise_threshold(), 2), decimals=2),
        one(
            "04.round_robin.hand",
            game.round_robin(three, rounds=100, noise=0.0)["always defect"],
            decimals=6,
        ),
    ]
    for own, other in (([], []), (["C"], ["D"]), (["D"], ["C"])):
        salt = f"04.tit_for_tat.{''.join(own)}{''.join(other)}"
        entries.append(one(salt, game.tit_for_tat(own, other, random.Random(0))))
    for number, settings in enumerate(dialogue.RR_SETTINGS):
        entries.append(
            one(f"04.round_robin#{number}", game.round_robin(everyone, **settings), decimals=6)
        )
    entries += cases("04.first_exchange", dialogue.first_exchange_cases(), _first_both_within, None)
    entries += cases(
        "04.round_payoff", dialogue.PAYOFF_CASES, lambda a, b: game.PAYOFFS[(a, b)], None
    )
    entries += cases(
        "04.match_payoff",
        dialogue.match_cases(),
        lambda mine, theirs: tuple(
            map(
                sum,
                zip(
                    *[game.PAYOFFS[p] for p in zip(mine, theirs, strict=True)], (0, 0), strict=False
                ),
            )
        ),
        None,
    )
    return entries


def module_05() -> list[Entry]:
    from postparis import forecasting as fc
    from postparis.data import load_forecast_questions
    from postparis.exercises import forecasting

    questions = load_forecast_questions()
    ids = questions["question_id"].tolist()
    gap = {
        n: fc.largest_calibration_gap(
            fc.calibration_table(*fc.simulate_calibrated_forecaster(n), n_bins=5)
        )
        for n in (10, 1000)
    }
    entries = [
        one(
            "05.score_always_50",
            fc.score_forecasts(fc.constant_forecaster(ids), fc.outcomes_from(questions)),
            decimals=6,
        ),
        any_of("05.gap_10_questions", grid(gap[10], 0.011, 2), decimals=2),
        any_of("05.gap_1000_questions", grid(gap[1000], 0.011, 2), decimals=2),
    ]
    for q, outcome in fc.outcomes_from(questions).items():
        entries.append(one(f"05.resolution.{q}", outcome))
    entries += cases("05.brier_score", forecasting.BRIER_CASES, fc.brier_score)
    return entries


def first_flip_on_grid(scores: Any, weights: Any, criterion: str, step: float = 0.01) -> object:
    """The answer key's first_flip: the nearest grid weight (up first) that changes the top."""
    from postparis.capstone.model import rank_options, reweight

    top = rank_options(scores, weights)[0][0]
    k = 1
    while True:
        tried = False
        for new in (
            round(weights[criterion] + k * step, 6),
            round(weights[criterion] - k * step, 6),
        ):
            if 0 <= new <= 1:
                tried = True
                now = rank_options(scores, reweight(weights, criterion, new))[0][0]
                if now != top:
                    return (new, now)
        if not tried:
            return None
        k += 1


def module_06() -> list[Entry]:
    from postparis.capstone import model
    from postparis.exercises import capstone

    entries = cases("06.rank_options", capstone.RANK_CASES, model.rank_options)
    entries += cases("06.reweight", capstone.REWEIGHT_CASES, model.reweight)
    entries += cases("06.first_flip", capstone.FLIP_CASES, first_flip_on_grid, decimals=4)
    return entries


MODULES: list[Callable[[], list[Entry]]] = [
    module_00,
    module_01,
    module_02,
    module_03,
    module_04,
    module_05,
    module_06,
]


def compute() -> dict[str, list[str]]:
    """Every salt with its digests, in a stable order."""
    out: dict[str, list[str]] = {}
    for module in MODULES:
        for salt, digests in module():
            if salt in out:
                raise ValueError(f"salt {salt!r} used twice")
            out[salt] = digests
    return dict(sorted(out.items()))


def render(digests: dict[str, list[str]]) -> str:
    """digests.json's text."""
    return json.dumps(digests, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    text = render(compute())
    if "--write" in sys.argv[1:]:
        DIGESTS.write_text(text, encoding="utf-8")
        print(f"wrote {DIGESTS}")
    else:
        sys.stdout.write(text)
