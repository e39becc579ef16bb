"""Visible checks of module 01, Reading the argument."""

from __future__ import annotations

import math

import pandas as pd

from postparis.argument.model import check_stance_coding, proposal_ids
from postparis.checks import (
    AnswerCheckFailed,
    answer,
    attempt,
    correct,
    count_matching,
    digest,
    expect,
    expect_items,
    recorded,
)
from postparis.data import load_claims
from postparis.exercises import Case, Namespace, check_function, check_value, expected
from postparis.validation import CourseInputError

THESIS_CANDIDATES = (1, 8, 17, 24)
CHOICES = ("A", "B", "C", "D")


def thesis_paragraph(namespace: Namespace) -> None:
    """Exercise A: the paragraph that states the article's thesis."""
    value = answer(namespace, "thesis_paragraph")
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerCheckFailed(
            f"thesis_paragraph should be a whole number such as 5, without quotes; it is {value!r}."
        )
    expect(
        value in THESIS_CANDIDATES,
        f"choose one of the four candidates shown above (1, 8, 17 or 24); you wrote {value}.",
    )
    check_value(
        value,
        "01.thesis_paragraph",
        f"paragraph {value} supports or rounds off the argument. Ask of each candidate: "
        "does the rest of the article give reasons for it?",
    )
    correct(f"paragraph {value} states the thesis; the rest of the article argues for it.")


def proposals_by_speaker(namespace: Namespace) -> None:
    """Exercise B: each speaker's proposals, as sorted lists of claim ids."""
    value = answer(namespace, "proposals_by_speaker")
    if not isinstance(value, dict):
        raise AnswerCheckFailed(
            "proposals_by_speaker should be a dict like {'hollande': ['c02']}; "
            f"it is a {type(value).__name__}."
        )
    expect(
        all(isinstance(v, list) for v in value.values()),
        "each value should be a list of claim ids, like ['c12', 'c14'].",
    )
    expect(
        "burke" not in value,
        "the author makes assessments, not proposals: keep only rows whose kind is 'proposal'.",
    )
    expect_items(
        list(value),
        expected("01.proposals_by_speaker"),
        salt="01.proposals_by_speaker",
        what="speakers (the keys of your dict)",
    )
    for who, ids in sorted(value.items()):
        salt = f"01.proposals_by_speaker.{who}"
        if digest(ids, salt=salt) in expected(salt):
            continue
        if digest(sorted(ids), salt=salt) in expected(salt):
            raise AnswerCheckFailed(f"put {who!r}'s claim ids in increasing order.")
        right = count_matching(ids, expected(salt + ".items"), salt=salt + ".items")
        raise AnswerCheckFailed(
            f"your list for {who!r} has {len(ids)} ids, of which {right} are their proposals: "
            "keep every claim of theirs whose kind is 'proposal', and no other."
        )
    correct(f"{len(value)} speakers, each with the ids of their proposals.")


def sources_by_country(namespace: Namespace) -> None:
    """Exercise C, part 1: the table of sources and the count of sources by country."""
    sources = answer(namespace, "sources")
    counts = answer(namespace, "sources_by_country")
    if not isinstance(sources, pd.DataFrame):
        raise AnswerCheckFailed(
            "sources should be a table (a DataFrame) of rows from actors; "
            f"it is a {type(sources).__name__}."
        )
    expect("actor_id" in sources.columns, "keep all the columns of actors in sources.")
    ids = set(sources["actor_id"])
    expect(
        "burke" not in ids,
        "the author, Justin Burke, is not one of his own sources: leave him out.",
    )
    expect(
        not {"csis", "obama"} & ids,
        "leave out the actors whose voice is 'not quoted' (Obama and CSIS).",
    )
    expect_items(
        sources["actor_id"].tolist(),
        expected("01.sources"),
        salt="01.sources",
        what="sources",
    )
    if not isinstance(counts, pd.Series):
        raise AnswerCheckFailed(
            "sources_by_country should be a Series of counts, as .value_counts() returns."
        )
    check_value(
        {str(k): int(v) for k, v in counts.items()},
        "01.sources_by_country",
        "your counts are not the number of sources from each country: "
        "count the country column of sources.",
    )
    correct(f"{len(sources)} sources, counted by country.")


def _cells(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    return {
        str(row): {str(col): int(n) for col, n in counts.items() if int(n)}
        for row, counts in table.iterrows()
    }


def source_table(namespace: Namespace) -> None:
    """Exercise C, part 2: a cross-tabulation of the sources by country and kind of actor."""
    table = answer(namespace, "source_table")
    if not isinstance(table, pd.DataFrame):
        raise AnswerCheckFailed(
            "source_table should be a table, as pd.crosstab returns; "
            f"it is a {type(table).__name__}."
        )
    rows = sorted(map(str, table.index))
    columns = sorted(map(str, table.columns))
    if digest(columns, salt="01.source_table.rows") in expected("01.source_table.rows"):
        raise AnswerCheckFailed(
            "rows and columns are swapped: one row per country, one column per actor_type."
        )
    check_value(rows, "01.source_table.rows", "the rows should be the countries of the sources.")
    check_value(
        columns,
        "01.source_table.columns",
        "the columns should be the kinds of actor (actor_type) of the sources.",
    )
    check_value(
        _cells(table),
        "01.source_table",
        "right rows and columns, but some counts differ: cross-tabulate the rows of sources.",
    )
    correct("one row per country, one column per kind of source.")


def _choice(namespace: Namespace, name: str, salt: str, hint: str) -> None:
    value = answer(namespace, name)
    if not isinstance(value, str) or value.strip().upper() not in CHOICES:
        raise AnswerCheckFailed(f'{name} should be one of "A", "B", "C" or "D"; it is {value!r}.')
    check_value(value.strip().upper(), salt, hint)
    correct(f"{value.strip().upper()} is the best statement.")


def careful_sentence(namespace: Namespace) -> None:
    """Exercise D, part 1: the most careful report of the meeting's length."""
    _choice(
        namespace,
        "careful_sentence",
        "01.careful_sentence",
        "look again: which sentence attributes each number to its source, "
        "and does not invent or pick a figure?",
    )


def strikes_answer(namespace: Namespace) -> None:
    """Exercise D, part 2: the reading of the two US figures on Russian strikes."""
    _choice(
        namespace,
        "strikes_answer",
        "01.strikes_answer",
        "compare the what_it_measures column row by row: do the two numbers count "
        "the same strikes, over the same weeks?",
    )


def explorer_record(namespace: Namespace) -> None:
    """Exercise E: the levers recorded for Pickering and Brennan from the explorer."""
    pickering = answer(namespace, "pickering_levers")
    brennan = answer(namespace, "brennan_lever")
    levers = sorted(set(load_claims()["lever"]))
    if not isinstance(pickering, set | frozenset | list | tuple):
        raise AnswerCheckFailed(
            'pickering_levers should be a set of strings like {"sanctions", "diplomacy"}; '
            f"it is {pickering!r}."
        )
    unknown = sorted(str(lever) for lever in pickering if lever not in levers)
    expect(not unknown, f"these are not levers of the coding: {unknown}. Choose from {levers}.")
    expect_items(
        sorted(set(pickering)),
        expected("01.pickering_levers"),
        salt="01.pickering_levers",
        what="levers for Pickering",
    )
    expect(
        isinstance(brennan, str) and brennan in levers,
        f"brennan_lever should be one of {levers}, as a string; it is {brennan!r}.",
    )
    check_value(
        brennan,
        "01.brennan_lever",
        "look at Brennan's card again: which lever do all his claims share?",
    )
    correct("both records match the coding of the claims.")


PERCENT_CASES = (
    Case(([1, 0, -1, 2], [1, 0, 0, 2]), "Count the positions where the two codes are equal."),
    Case(([2, 1], [2, 1]), "Two identical codings agree on every item."),
    Case(([1, 2, 0], [2, 1, 1]), "Codings that never match at the same position agree on none."),
    Case(
        ([-2, -1, 0, 1, 2, 0], [-2, 0, 0, 1, 1, 0]),
        "Divide the matches by the number of items, then multiply by 100.",
    ),
    Case((["a"], ["a"]), "The codes may be any labels, not only numbers."),
)


def percent_agreement(namespace: Namespace) -> None:
    """Exercise F, part 1: percentage agreement of two codings."""
    check_function(
        namespace,
        "percent_agreement",
        PERCENT_CASES,
        salt="01.percent_agreement",
        misreadings=[
            (lambda r: r * 100, "that is a share from 0 to 1; return a percentage from 0 to 100."),
            (lambda r: 100 - r, "that is the share of items the coders code differently."),
        ],
    )
    correct("percent_agreement gives the right percentage on every case above.")


KAPPA_LONG = (
    [2, 1, 1, 0, -1, -2, 0, 1, -1, 0, 2, -2],
    [1, 1, 0, 0, -1, -1, 2, 1, -1, 0, 2, -2],
)
KAPPA_CASES = (
    Case(([1, 0, -1, 2], [1, 0, 0, 2]), "On the worked example, kappa = (p_o - p_e) / (1 - p_e)."),
    Case(
        ([2, 1, 0, -1, -2], [2, 1, 0, -1, -2]),
        "Perfect agreement on several categories: p_o = 1.",
    ),
    Case(([1, 0], [0, 1]), "Two items coded in mirror image: work out p_o and p_e by hand."),
    Case(
        ([0, 0, 0], [1, 1, 1]),
        "The coders share no category: p_e sums, over codes, share_a times share_b.",
    ),
    Case(
        ([2, 1, 0], [1, 1, 0]),
        "A code only one coder uses adds nothing to p_e (its share for the other coder is 0).",
    ),
    Case(
        ([1, 1, 0, 0], [1, 0, 0, 0]),
        "Codes on the scale that nobody uses change nothing.",
    ),
    Case(KAPPA_LONG, "Check p_e on a longer coding: sum over every code either coder uses."),
    Case(KAPPA_LONG[::-1], "Kappa should not depend on which coder comes first."),
)


def cohens_kappa(namespace: Namespace) -> None:
    """Exercise F, part 2: Cohen's kappa, with math.nan when p_e is 1."""
    check_function(
        namespace,
        "cohens_kappa",
        KAPPA_CASES,
        salt="01.cohens_kappa",
    )
    value = attempt(
        namespace["cohens_kappa"], [0, 0, 0, 0], [0, 0, 0, 0], name="cohens_kappa([0]*4, [0]*4)"
    )
    expect(
        isinstance(value, float) and math.isnan(value),
        "when both coders use one single category, p_e = 1 and kappa is undefined: "
        f"return math.nan, not {value!r}.",
    )
    correct("cohens_kappa is right on the worked example and on every edge case above.")


def my_stances(namespace: Namespace) -> None:
    """Exercise G: the learner's own stance coding (any stance from -2 to 2 is fine)."""
    coding = answer(namespace, "my_stances")
    try:
        check_stance_coding(coding, proposal_ids(load_claims()))
    except CourseInputError as problem:
        raise AnswerCheckFailed(str(problem)) from None
    recorded(
        "your coding is complete and valid. The next cells compare it with the course's "
        "reference coding, claim by claim."
    )
