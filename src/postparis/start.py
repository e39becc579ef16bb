"""Module 00, "Start here": the paragraph explorer.

A pure function (:func:`describe_paragraph`) says what one paragraph of the article
does; a thin widget (:func:`paragraph_explorer`) lets a learner step through the 24
paragraphs with a slider or the arrow keys.
"""

from __future__ import annotations

import html
from typing import TypedDict

import ipywidgets as widgets
import pandas as pd

from postparis.validation import CourseInputError, check_number

__all__ = [
    "ParagraphSummary",
    "describe_paragraph",
    "paragraph_explorer",
    "render_paragraph",
]

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


def render_paragraph(summary: ParagraphSummary, names: dict[str, str] | None = None) -> str:
    """Return the HTML card the explorer shows for one paragraph."""
    names = names or {}
    who = ", ".join(names.get(s, s) for s in summary["speakers"]) or "the author (no one quoted)"
    quote = (
        f"<p><b>Key quotation:</b> &ldquo;{html.escape(summary['key_quote'])}&rdquo;</p>"
        if summary["key_quote"]
        else "<p><b>Key quotation:</b> none in this paragraph</p>"
    )
    return (
        f"<div class='postparis-card'><p><b>Paragraph {summary['paragraph']}</b> "
        f"&middot; role: <i>{html.escape(summary['role'])}</i></p>"
        f"<p><b>Our paraphrase:</b> {html.escape(summary['paraphrase'])}</p>"
        f"<p><b>Who speaks:</b> {html.escape(who)}</p>{quote}</div>"
    )


def paragraph_explorer(
    paragraphs: pd.DataFrame, names: dict[str, str] | None = None, start: int = 1
) -> widgets.VBox:
    """Return a slider over the article's paragraphs and a card describing the chosen one.

    Parameters
    ----------
    paragraphs
        The table from :func:`postparis.data.load_article_paragraphs`.
    names
        Optional mapping from actor ids to display names.
    start
        The paragraph shown first.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` is the slider (keyboard: arrow keys), ``children[1]`` the card.
    """
    first = describe_paragraph(paragraphs, start)
    slider = widgets.IntSlider(
        value=first["paragraph"],
        min=1,
        max=N_PARAGRAPHS,
        step=1,
        description="Paragraph",
        continuous_update=True,
        style={"description_width": "initial"},
    )
    card = widgets.HTML(value=render_paragraph(first, names))

    def update(change: dict[str, object]) -> None:
        card.value = render_paragraph(describe_paragraph(paragraphs, int(change["new"])), names)

    slider.observe(update, names="value")
    return widgets.VBox([slider, card])
