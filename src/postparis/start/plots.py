"""What module 00 shows: the card describing one paragraph of the article.

Module 00 draws no chart; its one view is an HTML card, written so that a screen
reader reads it as it appears on screen.
"""

from __future__ import annotations

import html

from postparis.start.model import ParagraphSummary

__all__ = ["render_paragraph"]


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
