"""Module 00, "Start here": what one paragraph of the article does.

Pure functions over :func:`postparis.data.load_article_paragraphs`; the explorer in
:mod:`postparis.start.widgets` only shows what they return.
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from postparis.validation import CourseInputError, check_number

__all__ = ["N_PARAGRAPHS", "ParagraphSummary", "describe_paragraph"]

#: The article's paragraphs, numbered 1 to 24.
N_PARAGRAPHS = 24


class ParagraphSummary(TypedDict):
    """What :func:`describe_paragraph` returns."""

    paragraph: int
    paraphrase: str
    speakers: list[str]
    role: str
    key_quote: str


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def describe_paragraph(paragraphs: pd.DataFrame, number: int) -> ParagraphSummary:
    """Return our paraphrase, the speakers, the role and the key quotation of a paragraph.

    Parameters
    ----------
    paragraphs
        The table from :func:`postparis.data.load_article_paragraphs`.
    number
        A paragraph number, 1 to 24.

    Raises
    ------
    CourseInputError
        If ``number`` is not a paragraph of the article.
    """
    value = check_number(number, "The paragraph number", minimum=1, maximum=N_PARAGRAPHS)
    if value != int(value):
        raise CourseInputError(f"The paragraph number must be a whole number; you gave {number!r}.")
    rows = paragraphs.loc[paragraphs["paragraph"] == int(value)]
    if rows.empty:
        raise CourseInputError(f"The table has no paragraph {int(value)}.")
    row = rows.iloc[0]
    speakers = [s.strip() for s in _text(row.get("speakers")).split(";") if s.strip()]
    return ParagraphSummary(
        paragraph=int(value),
        paraphrase=_text(row.get("paraphrase")),
        speakers=speakers,
        role=_text(row.get("role")),
        key_quote=_text(row.get("key_quote")),
    )
