"""Module 00's paragraph explorer: the pure function and the thin widget over it."""

from __future__ import annotations

import pytest

from postparis.data import load_actors, load_article_paragraphs
from postparis.start.model import describe_paragraph
from postparis.start.plots import render_paragraph
from postparis.start.widgets import paragraph_explorer
from postparis.validation import CourseInputError


@pytest.fixture(scope="module")
def paragraphs():
    return load_article_paragraphs()


def test_describe_paragraph(paragraphs) -> None:
    first = describe_paragraph(paragraphs, 1)
    assert first["paragraph"] == 1
    assert first["role"] == "thesis"
    assert first["speakers"] == []
    assert "brennan" in describe_paragraph(paragraphs, 12)["speakers"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [(0, "at least 1"), (25, "at most 24"), (2.5, "whole number"), ("3", "must be a number")],
)
def test_describe_paragraph_rejects_bad_numbers(paragraphs, bad: object, message: str) -> None:
    with pytest.raises(CourseInputError, match=message):
        describe_paragraph(paragraphs, bad)  # type: ignore[arg-type]


def test_render_paragraph_uses_names_and_escapes(paragraphs) -> None:
    names = dict(zip(load_actors()["actor_id"], load_actors()["name"], strict=True))
    card = render_paragraph(describe_paragraph(paragraphs, 12), names)
    assert "John" in card
    assert "Brennan" in card
    assert "Paragraph 12" in card
    assert "the author (no one quoted)" in render_paragraph(describe_paragraph(paragraphs, 1))


def test_explorer_updates_its_card_when_the_slider_moves(paragraphs) -> None:
    explorer = paragraph_explorer(paragraphs)
    slider, card = explorer.children
    assert slider.description == "Paragraph"
    assert (slider.min, slider.max) == (1, 24)
    assert "Paragraph 1<" in card.value
    slider.value = 12
    assert "Paragraph 12<" in card.value
    assert "brennan" in card.value.lower()
