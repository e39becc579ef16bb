"""Module 00's widget: step through the article's paragraphs with a slider.

It returns a container and never calls ``display``; the notebook shows it with
:func:`postparis.display.show`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import pandas as pd

from postparis.controls import labelled_slider
from postparis.start.model import N_PARAGRAPHS, describe_paragraph
from postparis.start.plots import render_paragraph

__all__ = ["paragraph_explorer"]


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
    slider = labelled_slider("Paragraph", first["paragraph"], 1, N_PARAGRAPHS, 1, continuous=True)
    card = widgets.HTML(value=render_paragraph(first, names))

    def update(change: dict[str, Any]) -> None:
        card.value = render_paragraph(describe_paragraph(paragraphs, int(change["new"])), names)

    slider.observe(update, names="value")
    return widgets.VBox([slider, card])
