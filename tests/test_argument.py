"""Module 01's models: the argument map, the stance coding, agreement and triangulation."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from postparis.argument import model, plots
from postparis.argument.model import (
    REASONS,
    STANCE_VALUES,
    THESIS,
    ArgumentData,
    accounts_of,
    agreement_sentence,
    agreement_summary,
    attributed_range,
    check_stance_coding,
    cohens_kappa,
    compare_codings,
    paragraph_card,
    percent_agreement,
    proposal_ids,
    reasons_for_paragraph,
    speaker_card,
    stance_label,
    within_one_step,
)
from postparis.data import load_source_disagreements
from postparis.figures import show_figure
from postparis.validation import CourseInputError


@pytest.fixture(scope="module")
def data() -> ArgumentData:
    return ArgumentData.load()


# -- the argument map ------------------------------------------------------------------


def test_the_thesis_has_a_recommendation_and_a_forecast() -> None:
    assert [t.part_id for t in THESIS] == ["T1", "T2"]
    assert {t.kind for t in THESIS} == {"recommendation", "forecast"}


def test_reasons_point_at_real_paragraphs_and_thesis_parts(data: ArgumentData) -> None:
    parts = {t.part_id for t in THESIS}
    for reason in REASONS:
        assert reason.thesis_part in parts
        assert reason.direction in {"supports", "cuts against"}
        assert all(1 <= p <= 24 for p in reason.paragraphs)
        assert list(reason.paragraphs) == sorted(set(reason.paragraphs))
    covered = {p for r in REASONS for p in r.paragraphs}
    # Every paragraph but the thesis itself carries some reason in the course's reading.
    assert covered == set(range(2, 25))
    # Counter-evidence paragraphs in the data are mapped as cutting against T2.
    counter = set(data.paragraphs.loc[data.paragraphs["role"] == "counter-evidence", "paragraph"])
    against = {p for r in REASONS if r.direction == "cuts against" for p in r.paragraphs}
    assert counter <= against


def test_reasons_for_paragraph() -> None:
    assert reasons_for_paragraph(1) == []
    assert [r.reason_id for r in reasons_for_paragraph(7)] == ["R3", "R6"]
    with pytest.raises(CourseInputError, match="at most 24"):
        reasons_for_paragraph(25)
    with pytest.raises(CourseInputError, match="whole number"):
        reasons_for_paragraph(2.5)  # type: ignore[arg-type]


def test_paragraph_card_joins_paragraph_claims_and_reasons(data: ArgumentData) -> None:
    card = paragraph_card(data, 20)
    assert card["role"] == "proposal"
    assert card["speakers"] == ["Paula J. Dobriansky"]
    assert [c["claim_id"] for c in card["claims"]] == ["c20", "c21"]
    assert {c["lever"] for c in card["claims"]} == {"sanctions", "military posture"}
    assert card["claims"][0]["stance_label"] == "confrontational"
    assert [r.reason_id for r in card["reasons"]] == ["R5"]
    thesis = paragraph_card(data, 1)
    assert thesis["role"] == "thesis"
    assert thesis["speakers"] == []
    assert thesis["quote_speaker"] == "Justin Burke"
    with pytest.raises(CourseInputError):
        paragraph_card(data, 0)


def test_speaker_card_lists_claims_and_levers(data: ArgumentData) -> None:
    card = speaker_card(data, " Pickering ")
    assert card["actor_id"] == "pickering"
    assert card["country"] == "US"
    assert {"arms to proxies", "information", "arms control", "diplomacy"} <= set(card["levers"])
    assert [c["paragraph"] for c in card["claims"]] == sorted(
        c["paragraph"] for c in card["claims"]
    )
    with pytest.raises(CourseInputError, match="Did you mean 'pickering'"):
        speaker_card(data, "pickerin")


def test_speaker_ids_follow_the_order_of_first_claim(data: ArgumentData) -> None:
    ids = data.speaker_ids()
    assert ids[:3] == ["burke", "hollande", "white_house"]
    assert set(ids) == set(data.claims["actor_id"])


def test_stance_label() -> None:
    assert stance_label(-2) == "strongly confrontational"
    assert stance_label(0) == "mixed or neutral"
    for bad in (3, 1.0, True, "1"):
        with pytest.raises(CourseInputError):
            stance_label(bad)  # type: ignore[arg-type]


# -- the stance coding -----------------------------------------------------------------


def test_proposal_ids(data: ArgumentData) -> None:
    ids = proposal_ids(data.claims)
    assert ids[0] == "c02"
    assert len(ids) == (data.claims["kind"] == "proposal").sum()
    assert "c01" not in ids


def test_check_stance_coding_accepts_a_complete_coding_and_orders_it() -> None:
    coding = {"b": -2, "a": 1}
    assert list(check_stance_coding(coding, ["a", "b"]).items()) == [("a", 1), ("b", -2)]


@pytest.mark.parametrize(
    ("coding", "message"),
    [
        ([1, 2], "dict from claim id"),
        ({"a": 1}, "no stance yet for 1 proposal"),
        ({"a": 1, "b": 0, "z": 0}, "not proposals of this exercise: 'z'"),
        ({"a": 1, "b": 3}, "from -2 to 2; you gave 3"),
        ({"a": 1, "b": 0.5}, "whole number"),
        ({"a": True, "b": 0}, "whole number"),
        ({"a": "1", "b": 0}, "whole number"),
    ],
)
def test_check_stance_coding_explains_what_is_wrong(coding: object, message: str) -> None:
    with pytest.raises(CourseInputError, match=message):
        check_stance_coding(coding, ["a", "b"])


# -- agreement -------------------------------------------------------------------------


def test_percent_agreement() -> None:
    assert percent_agreement([1, 0, -1, 2], [1, 0, 0, 2]) == 75.0
    assert percent_agreement([1], [1]) == 100.0
    assert percent_agreement([1, 2], [2, 1]) == 0.0


def test_kappa_on_a_worked_example() -> None:
    # p_o = 0.75; shares A {1,0,-1,2} each 1/4, B {1:1/4, 0:1/2, 2:1/4}: p_e = 0.25
    assert cohens_kappa([1, 0, -1, 2], [1, 0, 0, 2]) == pytest.approx(2 / 3)


def test_kappa_on_cohens_own_style_table() -> None:
    # 2x2 table: both yes 20, A yes/B no 5, A no/B yes 10, both no 15 (n = 50)
    a = ["y"] * 25 + ["n"] * 25
    b = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    p_o = 35 / 50
    p_e = (25 / 50) * (30 / 50) + (25 / 50) * (20 / 50)
    assert cohens_kappa(a, b) == pytest.approx((p_o - p_e) / (1 - p_e))


def test_kappa_edge_cases() -> None:
    assert cohens_kappa([2, 1, 0, -1], [2, 1, 0, -1]) == 1.0  # perfect agreement
    assert cohens_kappa([1, 0], [0, 1]) == -1.0  # no agreement, mirrored
    assert cohens_kappa([0, 0, 0], [1, 1, 1]) == 0.0  # no agreement, p_e = 0
    # a category on the scale that neither coder uses changes nothing
    assert cohens_kappa([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(0.5)
    # a category only one coder uses
    assert cohens_kappa([2, 1, 0], [1, 1, 0]) == pytest.approx(0.5)
    # both coders use one single category: p_e = 1, kappa undefined -> NaN
    assert math.isnan(cohens_kappa([0, 0, 0], [0, 0, 0]))


def test_kappa_is_symmetric_and_at_most_one() -> None:
    a, b = [2, 1, 1, 0, -1, -2, 0], [1, 1, 0, 0, -1, -1, 2]
    assert cohens_kappa(a, b) == pytest.approx(cohens_kappa(b, a))
    assert cohens_kappa(a, b) < 1


@pytest.mark.parametrize("function", [percent_agreement, cohens_kappa, within_one_step])
def test_agreement_rejects_mismatched_or_empty_codings(function) -> None:
    with pytest.raises(CourseInputError, match="same items"):
        function([1, 2], [1])
    with pytest.raises(CourseInputError, match="empty"):
        function([], [])
    with pytest.raises(CourseInputError, match="list of codes"):
        function(3, [1])


def test_within_one_step() -> None:
    assert within_one_step([2, 0, -2], [1, 0, 0]) == pytest.approx(200 / 3)


def test_compare_codings_and_summary_against_the_reference(data: ArgumentData) -> None:
    ids = proposal_ids(data.claims)
    reference = dict(
        zip(data.claims["claim_id"], data.claims["reference_stance"].astype(int), strict=True)
    )
    perfect = {c: reference[c] for c in ids}
    summary = agreement_summary(perfect, data.claims)
    assert summary.n_items == len(ids)
    assert summary.percent == 100.0
    assert summary.kappa == 1.0
    assert summary.differences.empty
    assert "100%" in summary.sentence()

    shifted = dict(perfect, c17=2)  # Pickering's missiles coded strongly cooperative
    table = compare_codings(shifted, data.claims)
    assert list(table.columns) == [
        "claim_id",
        "paragraph",
        "actor_id",
        "statement",
        "reference",
        "yours",
        "difference",
    ]
    summary = agreement_summary(shifted, data.claims)
    assert summary.differences["claim_id"].tolist() == ["c17"]
    assert summary.differences["difference"].tolist() == [4]
    assert summary.percent == pytest.approx(100 * (len(ids) - 1) / len(ids))
    assert "you differ on 1" in summary.sentence()

    with pytest.raises(CourseInputError, match="no stance yet"):
        compare_codings({"c02": 1}, data.claims)


def test_agreement_sentence_says_when_kappa_is_undefined() -> None:
    assert "undefined" in agreement_sentence([0, 0], [0, 0])
    assert "kappa 1.00" in agreement_sentence([0, 1], [0, 1])


# -- triangulation ---------------------------------------------------------------------


def test_accounts_of_the_meeting_length() -> None:
    table = load_source_disagreements()
    accounts = accounts_of(table, "obama-putin meeting length (antalya, 15 nov 2015)")
    assert set(accounts["value"]) >= {20.0, 35.0}
    assert "White House" in set(accounts["source_name"])
    with pytest.raises(CourseInputError, match="no topic"):
        accounts_of(table, "length of the meeting")


def test_attributed_range_never_averages() -> None:
    table = pd.DataFrame(
        {
            "source_name": ["A", "B", "C"],
            "value_text": ["35 min", "20 min", "no figure"],
            "value": [35.0, 20.0, float("nan")],
            "unit": ["minutes", "minutes", ""],
        }
    )
    text = attributed_range(table)
    assert text.startswith("between 20 and 35 minutes: ")
    assert "35 min according to A" in text
    assert "no figure according to C" in text
    assert "27.5" not in text
    assert not attributed_range(table, comparable=False).startswith("between")
    with pytest.raises(CourseInputError):
        attributed_range(pd.DataFrame())


# -- charts ----------------------------------------------------------------------------


def test_structure_chart_marks_every_paragraph(data: ArgumentData) -> None:
    ax = plots.plot_argument_structure(data.paragraphs)
    n_points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    assert n_points == 24
    assert any("source" in t.get_text().lower() for t in ax.texts)
    assert "thesis" in [t.get_text() for t in ax.get_yticklabels()]


def test_source_chart_draws_one_bar_per_country_and_kind() -> None:
    table = pd.DataFrame(
        {"head of state": [1, 1, 1], "spokesperson": [0, 1, 0]}, index=["France", "Russia", "US"]
    )
    ax = plots.plot_source_table(table)
    assert len(ax.patches) == 6
    assert {t.get_text() for t in ax.get_yticklabels()} == {"France", "Russia", "US"}
    hatches = {p.get_hatch() for p in ax.patches}
    assert len(hatches) == 2  # kinds differ by hatch, not by colour alone
    with pytest.raises(CourseInputError, match="table of counts"):
        plots.plot_source_table([1, 2])  # type: ignore[arg-type]
    with pytest.raises(CourseInputError, match="count"):
        plots.plot_source_table(pd.DataFrame({"x": ["a"]}, index=["US"]))


def test_proposal_map_and_comparison_charts(data: ArgumentData) -> None:
    ax = plots.plot_proposal_map(data.claims)
    n_points = sum(len(c.get_offsets()) for c in ax.collections)
    assert n_points == len(proposal_ids(data.claims))
    coding = dict.fromkeys(proposal_ids(data.claims), 0)
    ax = plots.plot_stance_comparison(compare_codings(coding, data.claims))
    table = compare_codings(coding, data.claims)
    figure = show_figure(ax.figure, alt=plots.describe_stance_comparison(table), caption="Test")
    assert "c17: yours +0, reference -2" in figure.html
    assert plots.describe_argument_structure(data.paragraphs).count("¶") == 24
    assert "c25 by pickering at +1" in plots.describe_proposal_map(data.claims)
    with pytest.raises(CourseInputError, match="compare_codings"):
        plots.plot_stance_comparison(pd.DataFrame({"a": [1]}))


def test_stance_scale_constants_agree() -> None:
    assert STANCE_VALUES == (-2, -1, 0, 1, 2)
    assert set(model.STANCE_LABELS) == set(STANCE_VALUES)
