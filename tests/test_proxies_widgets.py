"""Module 03's charts and widgets: they draw, carry labels, and follow their controls."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest

from postparis.data import load_afghanistan, load_syria_2015
from postparis.proxies.model import (
    ANALOGY_DIMENSIONS,
    DEFAULT_SCENARIO,
    SCEPTIC_SCENARIO,
    STINGERS_SUPPLIED_PATTERN,
    ProposalScenario,
    autumn_2015_timeline,
    estimate_ranges,
)
from postparis.proxies.plots import (
    estimate_ranges_alt_text,
    plot_estimate_ranges,
    plot_expected_value,
    plot_timeline,
    render_analogy_summary,
    timeline_alt_text,
)
from postparis.proxies.widgets import analogy_scorecard, decision_explorer
from postparis.validation import CourseInputError
from postparis_instructor.widget_catalogue import controls as _controls

# --- the analogy scorecard -----------------------------------------------------------


def test_scorecard_shows_sourced_facts_and_a_record_line() -> None:
    box = analogy_scorecard()
    cards = [c.value for c in box.children if isinstance(c, widgets.HTML)][:-1]
    assert len(cards) == len(ANALOGY_DIMENSIONS)
    for card in cards:
        assert card.count('<a href="http') >= 2  # a source for each side
    summary = box.children[-1].value
    assert "my_ratings = {" in summary
    assert "3.0 of 5" in summary


def test_scorecard_summary_follows_the_sliders() -> None:
    box = analogy_scorecard()
    sliders = _controls(box)
    for slider, value in zip(sliders, [5, 4, 2, 1, 3], strict=True):
        slider.value = value
    summary = box.children[-1].value
    assert "3.0 of 5" in summary
    assert "&#x27;great_power_clash&#x27;: 1" in summary
    assert "breaks down" in summary


def test_scorecard_starts_from_given_ratings_and_rejects_bad_ones() -> None:
    ratings = {d.key: 5 for d in ANALOGY_DIMENSIONS}
    box = analogy_scorecard(ratings)
    assert [s.value for s in _controls(box)] == [5] * 5
    assert "5.0 of 5" in box.children[-1].value
    with pytest.raises(CourseInputError):
        analogy_scorecard({"adversary": 9})


def test_render_analogy_summary_escapes_nothing_unsafe() -> None:
    html_text = render_analogy_summary({d.key: 2 for d in ANALOGY_DIMENSIONS})
    assert "<script" not in html_text
    assert "weak" in html_text


# --- the decision explorer -----------------------------------------------------------


def _alt(chart_html: str) -> str:
    match = re.search(r'alt="([^"]+)"', chart_html)
    assert match, "the chart has no alt text"
    return match.group(1)


def test_decision_explorer_follows_every_slider() -> None:
    box = decision_explorer()
    sliders, chart, readout = box.children
    names = ["p_deter", "v_deter", "p_leak", "v_leak", "p_incident", "v_incident"]
    for slider, name in zip(sliders.children, names, strict=True):
        assert slider.description.startswith(name)
    assert "+3.00 points" in readout.value
    for index in range(len(names)):
        sliders, chart, readout = decision_explorer().children
        slider = sliders.children[index]
        before_chart, before_readout = chart.value, readout.value
        slider.value = slider.min if slider.value != slider.min else slider.max
        assert readout.value != before_readout, names[index]
        assert chart.value != before_chart, names[index]


def test_decision_explorer_readout_and_alt_text_say_the_same_number() -> None:
    box = decision_explorer(SCEPTIC_SCENARIO)
    sliders, chart, readout = box.children
    sliders.children[2].value = 0.2  # p_leak
    assert "-11.00 points" in readout.value
    assert "does not pay" in readout.value
    assert "-11.00 points" in _alt(chart.value)
    assert "starts at +5.0 points" in _alt(chart.value)
    assert "-0.80 points for each percentage point" in _alt(chart.value)
    assert "<figcaption>" in chart.value


def test_decision_explorer_hides_the_break_even_unless_asked() -> None:
    hidden = decision_explorer(DEFAULT_SCENARIO).children[2].value
    assert "stops paying" not in hidden
    shown = decision_explorer(DEFAULT_SCENARIO, show_break_even=True).children[2].value
    assert "below 0.0875" in shown


def test_decision_explorer_rejects_scenarios_the_sliders_cannot_show() -> None:
    with pytest.raises(CourseInputError, match=r"p_leak = 0\.6"):
        decision_explorer(ProposalScenario(0.3, 40, 0.6, -80, 0.05, -100))
    with pytest.raises(CourseInputError, match="ProposalScenario"):
        decision_explorer({"p_deter": 0.3})  # type: ignore[arg-type]


# --- charts --------------------------------------------------------------------------


def test_plot_timeline_labels_one_row_per_event() -> None:
    timeline = autumn_2015_timeline(load_syria_2015())
    ax = plot_timeline(timeline)
    assert len(ax.get_yticklabels()) == len(timeline)
    markers = {line.get_marker() for line in ax.get_lines() if line.get_marker() != "None"}
    assert {"o", "s"} <= markers  # shape, not only colour, tells before from after
    with pytest.raises(CourseInputError):
        plot_timeline(timeline.iloc[0:0])


def test_plot_estimate_ranges_draws_every_source() -> None:
    ranges = estimate_ranges(load_afghanistan(), STINGERS_SUPPLIED_PATTERN)
    ax = plot_estimate_ranges(ranges, "missiles")
    assert len(ax.get_yticklabels()) == len(ranges)
    assert ax.get_xlabel() == "Estimate (missiles)"
    texts = [t.get_text() for t in ax.texts]
    assert "1,000" in texts
    assert "2,000" in texts


def test_plot_expected_value_marks_the_scenario() -> None:
    ax = plot_expected_value(DEFAULT_SCENARIO)
    point = next(line for line in ax.get_lines() if line.get_gid() == "ev-point")
    assert list(point.get_xdata()) == [DEFAULT_SCENARIO.p_leak]
    assert list(point.get_ydata()) == pytest.approx([3.0])


def test_alt_texts_are_computed_from_the_data() -> None:
    timeline = autumn_2015_timeline(load_syria_2015())
    alt = timeline_alt_text(timeline)
    after = int(timeline["after_publication"].sum())
    assert f"{len(timeline)} events" in alt
    assert f"{after} were reported after it" in alt
    first_after = timeline.loc[timeline["after_publication"], "event"].iloc[0]
    assert first_after in alt
    ranges = estimate_ranges(load_afghanistan(), STINGERS_SUPPLIED_PATTERN)
    ranges_alt = estimate_ranges_alt_text(ranges, "missiles")
    assert "1,000 missiles according to" in ranges_alt
    assert "(medium confidence)" in ranges_alt
    with pytest.raises(CourseInputError):
        timeline_alt_text(timeline.iloc[0:0])
