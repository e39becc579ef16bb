"""Module 01's widgets: setting a control changes what the widget shows."""

from __future__ import annotations

import html

from postparis.argument.plots import render_stance_strip
from postparis.argument.widgets import argument_map_explorer, stance_coder
from postparis.data import load_article_paragraphs


def test_explorer_shows_paragraphs_then_speakers() -> None:
    explorer = argument_map_explorer(start=7)
    assert explorer.view.description == "View by"
    assert "Paragraph 7<" in explorer.card.value
    paragraphs = load_article_paragraphs().set_index("paragraph")
    assert paragraphs.loc[7, "key_quote"], "¶7 has a key quotation to show"
    assert html.escape(paragraphs.loc[7, "key_quote"]) in explorer.card.value
    explorer.choice.value = 18
    assert "arms to proxies" in explorer.card.value
    assert "R5" in explorer.card.value

    explorer.view.value = "Speaker"
    assert explorer.choice.description == "Speaker"
    assert explorer.choice.value == "burke"
    explorer.choice.value = "dobriansky"
    assert "Paula J. Dobriansky" in explorer.card.value
    assert "military posture" in explorer.card.value
    assert "sanctions" in explorer.card.value

    explorer.view.value = "Paragraph"
    assert explorer.choice.value == 1
    assert "the thesis itself" in explorer.card.value


def test_coder_writes_the_coding_as_code_and_compares_only_when_asked() -> None:
    coder = stance_coder()
    assert len(coder.sliders) == 12
    assert all(s.description for s in coder.sliders.values())
    assert '"c17": 0' in coder.code.value
    assert "ref" not in coder.strip.value.split("</caption>")[1]
    assert coder.summary.value == ""

    coder.sliders["c17"].value = -2
    assert '"c17": -2' in coder.code.value
    assert coder.coding()["c17"] == -2

    coder.compare.value = True
    assert "✕ ref" in coder.strip.value
    assert "Cohen's kappa" in coder.summary.value.replace("&#x27;", "'")
    assert "c02 (¶2)" in coder.summary.value  # reference +2, ours 0: the largest gap
    assert "c17" not in coder.summary.value  # now agrees with the reference

    coder.compare.value = False
    assert coder.summary.value == ""


def test_the_code_line_from_the_coder_is_valid_python_for_the_record() -> None:
    coder = stance_coder()
    coder.sliders["c12"].value = 2
    line = coder.code.value.split("<pre>")[1].split("</pre>")[0].replace("&quot;", '"')
    namespace: dict[str, object] = {}
    exec(line, namespace)  # the line a learner copies into the notebook
    assert namespace["my_stances"] == coder.coding()


def test_stance_strip_marks_both_codings() -> None:
    html = render_stance_strip(["c1", "c2"], [0, 2], [0, -1], show_reference=True)
    assert html.count("● you") == 2
    assert html.count("✕ ref") == 2
    assert "scope='row'>c2<" in html
