"""Module 00, "Start here": the article paragraph by paragraph.

* :mod:`postparis.start.model`: what one paragraph does (pure functions);
* :mod:`postparis.start.plots`: the card that shows it;
* :mod:`postparis.start.widgets`: the paragraph explorer.

The package hands on the model's names, so ``from postparis.start import
describe_paragraph`` works as well.
"""

from postparis.start.model import N_PARAGRAPHS, ParagraphSummary, describe_paragraph

__all__ = ["N_PARAGRAPHS", "ParagraphSummary", "describe_paragraph"]
