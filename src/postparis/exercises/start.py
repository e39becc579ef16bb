"""Visible checks of module 00, Start here."""

from __future__ import annotations

from postparis.checks import AnswerCheckFailed, answer, correct, expect, expect_items
from postparis.data import load_article_paragraphs
from postparis.exercises import Namespace, check_value, expected, need_whole_number
from postparis.start import describe_paragraph

N_PARAGRAPHS = 24


def brennan_first_paragraph(namespace: Namespace) -> None:
    """Check the first paragraph in which John Brennan speaks."""
    number = need_whole_number(namespace, "brennan_first_paragraph", "5")
    expect(
        1 <= number <= N_PARAGRAPHS,
        f"the article has paragraphs 1 to {N_PARAGRAPHS}; you wrote {number}.",
    )
    speakers = describe_paragraph(load_article_paragraphs(), number)["speakers"]
    expect(
        "brennan" in speakers,
        f"Brennan does not speak in paragraph {number}; look at the 'Who speaks' line again.",
    )
    check_value(
        number,
        "00.brennan_first_paragraph",
        f"Brennan speaks in paragraph {number}, but an earlier paragraph already has him: "
        "check the paragraphs before it.",
    )
    correct(f"paragraph {number} is the first in which Brennan speaks.")


def proposal_paragraphs(namespace: Namespace) -> None:
    """Check the paragraphs whose role is 'proposal', in increasing order."""
    value = answer(namespace, "proposal_paragraphs")
    if not isinstance(value, list):
        raise AnswerCheckFailed(
            "proposal_paragraphs should be a list, like [3, 7]; "
            f"it is a {type(value).__name__}: {value!r}."
        )
    expect(
        all(isinstance(p, int) and not isinstance(p, bool) for p in value),
        f"every item should be a paragraph number without quotes, like 3; yours are {value!r}.",
    )
    expect(
        all(1 <= p <= N_PARAGRAPHS for p in value),
        f"every item should be a paragraph number between 1 and {N_PARAGRAPHS}.",
    )
    expect(value == sorted(set(value)), "put the numbers in increasing order, each once.")
    expect_items(
        value,
        expected("00.proposal_paragraphs"),
        salt="00.proposal_paragraphs",
        what="paragraph numbers",
    )
    correct(f"these {len(value)} paragraphs are the ones whose role is 'proposal'.")
