"""Readable HTML views of module 05's tables (full text, no truncated cells, linked sources)."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from postparis.forecasting.plots import format_when

__all__ = ["question_cards", "timeline_table"]


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url, quote=True)}">{html.escape(text)}</a>'


def question_cards(questions: pd.DataFrame) -> HTML:
    """Show each question with its resolution date and criterion, as a table.

    Only the columns of :func:`~postparis.forecasting.model.questions_as_of_2015` are
    used, so passing the full table still shows no outcome.
    """
    rows = "".join(
        f"<tr><td><b>{html.escape(str(q))}</b></td><td>{html.escape(str(text))}</td>"
        f"<td>{when:%d %b %Y}</td><td>{html.escape(str(rule))}</td></tr>"
        for q, text, when, rule in questions[
            ["question_id", "question", "resolution_date", "criterion"]
        ].itertuples(index=False)
    )
    return HTML(
        "<table><thead><tr><th>id</th><th>question</th><th>resolves on</th>"
        f"<th>criterion</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def timeline_table(timeline: pd.DataFrame, events: pd.DataFrame) -> HTML:
    """Show the timeline with dates written as precisely as sourced and linked sources.

    Parameters
    ----------
    timeline
        From :func:`~postparis.forecasting.model.timeline_with_questions`.
    events
        From :func:`postparis.data.load_what_happened_next` (for the source links).
    """
    urls = dict(zip(events["event_id"], events["source_url"], strict=True))
    rows = "".join(
        f"<tr><td>{format_when(date, precision)}</td><td>{event_id}</td>"
        f"<td>{html.escape(category)}</td><td>{html.escape(event)}</td>"
        f"<td>{html.escape(resolves) or '-'}</td>"
        f"<td>{_link(urls[event_id], publisher)} ({html.escape(confidence)})</td></tr>"
        for date, precision, event_id, category, event, resolves, publisher, confidence in timeline[
            [
                "date",
                "date_precision",
                "event_id",
                "category",
                "event",
                "resolves",
                "source_publisher",
                "confidence",
            ]
        ].itertuples(index=False)
    )
    return HTML(
        "<table><thead><tr><th>when</th><th>id</th><th>category</th><th>what happened</th>"
        "<th>settles</th><th>source (confidence)</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
