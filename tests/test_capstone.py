"""Module 06's model, charts and widget, on a small stand-in with the capstone data's schema.

tests/capstone_fixture/ holds five tiny CSV files with the columns of the course's
capstone data, so that the rules (ranking, ties, flips, the messages a learner reads) are
tested on numbers chosen for them, whatever the course's scores become. The stand-in has no
schema of its own: each test gets a copy whose datapackage.json is cut from
data/datapackage.json, so a change to the course's schema reaches these tests at once, and a
stand-in file that no longer fits it fails test_the_stand_in_fits_the_course_schema.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from frictionless import validate

from postparis.capstone import model
from postparis.capstone.model import CRITERIA
from postparis.capstone.plots import (
    option_totals_alt_text,
    plot_option_totals,
    render_flip_table,
    render_role_card,
)
from postparis.data import DataFormatError
from postparis.exercises import capstone as exercise
from postparis.validation import CourseInputError

STAND_IN = Path(__file__).parent / "capstone_fixture"
COURSE_PACKAGE = Path(__file__).resolve().parents[1] / "data" / "datapackage.json"
#: The resources of the course's package the stand-in replaces (one CSV each in STAND_IN).
CAPSTONE = (
    "capstone_criteria",
    "capstone_options",
    "capstone_scores",
    "capstone_roles",
    "capstone_evidence",
)
W1 = exercise.W1


def course_package() -> dict:
    return json.loads(COURSE_PACKAGE.read_text(encoding="utf-8"))


def write_stand_in(folder: Path, package: dict | None = None) -> Path:
    """Write the stand-in's CSV files to ``folder`` under the course package's schemas.

    The datapackage.json written there is the course's own (``package``, by default
    data/datapackage.json) restricted to the five capstone resources: same schemas, same
    file names; only the rows come from tests/capstone_fixture/.
    """
    package = course_package() if package is None else package
    resources = [r for r in package["resources"] if r["name"] in CAPSTONE]
    assert sorted(r["name"] for r in resources) == sorted(CAPSTONE), "a capstone resource is gone"
    folder.mkdir(parents=True)
    for resource in resources:
        shutil.copyfile(STAND_IN / f"{resource['name']}.csv", folder / resource["path"])
    stand_in = {
        **package,
        "name": "capstone-test-stand-in",
        "title": "A tiny stand-in for the capstone data, for tests",
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(stand_in, indent=1), encoding="utf-8")
    return folder


@pytest.fixture
def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the course's data at a fresh copy of the stand-in, which a test may break."""
    folder = write_stand_in(tmp_path / "data")
    monkeypatch.setenv("POSTPARIS_DATA_DIR", str(folder))
    return folder


def schema_problems(folder: Path) -> list[tuple[str, str, str | None]]:
    """What frictionless finds wrong: (resource, error type, field) for each error."""
    report = validate(str(folder / "datapackage.json"))
    return [
        (t.name, e.type, getattr(e, "field_name", None)) for t in report.tasks for e in t.errors
    ]


def damage(folder: Path, filename: str, old: str, new: str) -> None:
    path = folder / filename
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {filename}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- the stand-in keeps the course's schema ----------------------------------------------------


def test_the_stand_in_fits_the_course_schema(stand_in: Path) -> None:
    assert schema_problems(stand_in) == []


@pytest.mark.parametrize(
    ("filename", "old", "new", "problem"),
    [
        ("capstone_scores.csv", ",effect_on_isis,4,", ",effect_on_isis,6,", "score"),
        ("capstone_evidence.csv", "president,Test point 1", "presidnet,Test point 1", "role"),
        ("capstone_evidence.csv", "2015-11-14", "14/11/2015", "known_on"),
        ("capstone_options.csv", "hold_the_line,Hold", "Hold the line,Hold", "option"),
        ("capstone_roles.csv", "role,title,round,", "role,round,", "weight_cost"),
    ],
)
def test_a_stand_in_file_that_breaks_the_course_schema_is_caught(
    stand_in: Path, filename: str, old: str, new: str, problem: str
) -> None:
    damage(stand_in, filename, old, new)
    resource = filename.removesuffix(".csv")
    assert (resource, problem) in {(name, field) for name, _, field in schema_problems(stand_in)}


def test_a_change_to_the_course_schema_reaches_the_stand_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = course_package()
    roles = next(r for r in package["resources"] if r["name"] == "capstone_roles")
    roles["schema"]["fields"].append(
        {"name": "deputy", "type": "string", "constraints": {"required": True}}
    )
    folder = write_stand_in(tmp_path / "data", package)
    assert ("capstone_roles", "missing-label", "deputy") in schema_problems(folder)
    monkeypatch.setenv("POSTPARIS_DATA_DIR", str(folder))
    with pytest.raises(DataFormatError, match=r"capstone_roles\.csv lacks the column\(s\) deputy"):
        model.load_roles()


# -- loading ---------------------------------------------------------------------------------


def test_scores_load_as_an_options_by_criteria_table(stand_in: Path) -> None:
    scores = model.load_scores()
    assert list(scores.columns) == list(CRITERIA)
    assert list(scores.index) == list(model.load_options()["option"])
    assert scores.loc["raise_the_cost", "escalation_risk"] == 1
    assert model.role_weights(model.load_roles(), "president")["effect_on_isis"] == 0.3
    assert (model.load_evidence()["known_on"] <= model.MEETING_DATE).all()


def test_a_hole_in_the_scores_is_named(stand_in: Path) -> None:
    path = stand_in / "capstone_scores.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="every option on every criterion"):
        model.load_scores()


def test_a_role_whose_weights_do_not_add_up_is_refused(stand_in: Path) -> None:
    damage(stand_in, "capstone_roles.csv", ",0.3,0.2,0.2,0.2,0.1", ",0.3,0.2,0.2,0.2,0.2")
    with pytest.raises(DataFormatError, match=r"'president'.*add up to 1\.1"):
        model.load_roles()


def test_evidence_after_the_meeting_is_refused(stand_in: Path) -> None:
    damage(stand_in, "capstone_evidence.csv", "2015-11-16", "2015-11-24")
    with pytest.raises(DataFormatError, match="after the meeting of 18 November 2015"):
        model.load_evidence()


# -- validate_weights: the messages a learner reads --------------------------------------------


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (
            {**W1, "escalation_risk": 1.3},
            "the weight for 'escalation_risk' is 1.3; each weight must be between 0 and 1.",
        ),
        (
            {"escalaton_risk" if k == "escalation_risk" else k: v for k, v in W1.items()},
            "'escalaton_risk' is not a criterion; did you mean 'escalation_risk'?",
        ),
        ({**W1, "cost": 0.0}, "the weights add up to 0.9; they must add up to 1"),
        ({k: v for k, v in W1.items() if k != "cost"}, "there is no weight for 'cost'"),
        ({**W1, "cost": "0.1"}, "the weight for 'cost' is '0.1'; write each weight as a number"),
        ({**W1, "cost": float("nan")}, "the weight for 'cost' is nan"),
        ({**W1, "cost": True}, "the weight for 'cost' is True"),
        ([0.2] * 5, "weights must be a dict"),
        ({**W1, "price": 0.0}, "'price' is not a criterion; the criterions are"),
    ],
)
def test_bad_weights_get_one_clear_sentence(weights: object, message: str) -> None:
    with pytest.raises(CourseInputError) as raised:
        model.validate_weights(weights)
    assert message in str(raised.value)


def test_good_weights_pass_in_criteria_order() -> None:
    one_by_one = dict(zip(CRITERIA, (0.1, 0.2, 0.3, 0.3, 0.1), strict=True))
    assert 0.1 + 0.2 + 0.3 + 0.3 + 0.1 != 1  # 1.0000000000000002 in floating point
    rescaled = model.reweight(one_by_one, CRITERIA[0], 0.3)
    assert math.fsum(rescaled.values()) != 1  # 0.9999999999999999 even with every digit kept
    for rounding in (one_by_one, rescaled):
        reordered = dict(reversed(list(rounding.items())))
        assert list(model.validate_weights(reordered)) == list(CRITERIA)
    assert model.validate_weights({**dict.fromkeys(CRITERIA, 0.0), "cost": 1})["cost"] == 1.0


# -- ranking -----------------------------------------------------------------------------------


def test_ranking_is_the_weighted_sum_best_first() -> None:
    ranking = model.rank_options(exercise.TOY, W1)
    assert [o for o, _ in ranking] == ["option_a", "option_b", "option_c"]
    assert ranking[0][1] == pytest.approx(4 * 0.3 + 3 * 0.2 + 3 * 0.2 + 4 * 0.2 + 3 * 0.1)


def test_ties_keep_the_table_order_whichever_order_the_table_has() -> None:
    tie = exercise.TOY_TIE
    assert [o for o, _ in model.rank_options(tie, exercise.TIE_WEIGHTS)] == ["option_x", "option_y"]
    assert [o for o, _ in model.rank_options(tie.iloc[::-1], exercise.TIE_WEIGHTS)] == [
        "option_y",
        "option_x",
    ]
    # totals equal in exact arithmetic but not in floating point are still a tie
    near = exercise.toy_scores({"p": (1, 2, 0, 0, 0), "q": (3, 0, 0, 0, 0)})
    weights = dict(zip(CRITERIA, (0.1, 0.2, 0.7, 0.0, 0.0), strict=True))
    totals = [t for _, t in model.rank_options(near, weights)]
    assert [o for o, _ in model.rank_options(near, weights)] == ["p", "q"], totals


def test_ranking_refuses_a_table_without_the_criteria() -> None:
    with pytest.raises(CourseInputError, match="no column for cost"):
        model.rank_options(exercise.TOY.drop(columns="cost"), W1)
    with pytest.raises(CourseInputError, match="must be the table"):
        model.rank_options({"option_a": [1, 2, 3, 4, 5]}, W1)  # type: ignore[arg-type]  # a learner's mistake


# -- reweight and the smallest flip ----------------------------------------------------------------


def test_reweight_keeps_the_others_ratios_and_the_sum() -> None:
    moved = model.reweight(W1, "effect_on_isis", 0.65)
    assert sum(moved.values()) == pytest.approx(1)
    assert moved["leverage_over_russia"] / moved["cost"] == pytest.approx(2)
    alone = model.reweight({**dict.fromkeys(CRITERIA, 0.0), "cost": 1.0}, "cost", 0.6)
    assert alone["effect_on_isis"] == pytest.approx(0.1)
    with pytest.raises(CourseInputError, match="between 0 and 1"):
        model.reweight(W1, "cost", 1.2)
    with pytest.raises(CourseInputError, match="did you mean 'cost'"):
        model.reweight(W1, "costs", 0.2)


def _top(scores: pd.DataFrame, weights: dict[str, float]) -> str:
    return model.rank_options(scores, weights)[0][0]


def test_the_flip_is_exact_on_both_sides_of_the_threshold() -> None:
    flips = model.smallest_flip(exercise.TOY, W1)
    assert flips["alliance_cohesion"].new_weight is None
    for criterion, flip in flips.items():
        if flip.new_weight is None:
            continue
        assert flip.top == "option_a"
        direction = 1 if flip.change and flip.change > 0 else -1
        before = model.reweight(W1, criterion, flip.new_weight - direction * 1e-6)
        after = model.reweight(W1, criterion, flip.new_weight + direction * 1e-6)
        assert _top(exercise.TOY, before) == "option_a", criterion
        assert _top(exercise.TOY, after) == flip.new_top, criterion


def test_no_smaller_change_flips_the_top() -> None:
    """A brute-force scan of every weight (computed here with numpy) finds no flip closer
    than smallest_flip says: the first row with the largest total stays first."""
    rng = random.Random(6)
    grid = np.linspace(0, 1, 1001)
    for _ in range(40):
        values = rng.choices(range(1, 6), k=4 * len(CRITERIA))
        scores = exercise.toy_scores(
            {f"o{i}": tuple(values[5 * i : 5 * i + 5]) for i in range(4)}  # type: ignore[misc]  # five scores
        )
        raw = np.array([rng.random() for _ in CRITERIA])
        weights = dict(zip(CRITERIA, raw / raw.sum(), strict=True))
        matrix = scores.to_numpy(dtype=float)
        top = int(np.argmax(np.round(matrix @ (raw / raw.sum()), 9)))
        for k, (criterion, flip) in enumerate(model.smallest_flip(scores, weights).items()):
            limit = abs(flip.change) if flip.change is not None else 2.0
            others = raw / raw.sum()
            others[k] = 0.0
            moved = np.outer(1 - grid, others / others.sum())
            moved[:, k] = grid
            tops = np.argmax(np.round(moved @ matrix.T, 9), axis=1)
            near = np.abs(grid - weights[criterion]) < limit - 2e-3
            assert (tops[near] == top).all(), (criterion, flip)
            assert scores.index[top] == flip.top
            if flip.new_weight is not None and flip.change is not None:
                step = (grid - flip.new_weight) * np.sign(flip.change)
                beyond = (step > 1e-6) & (step < 2e-3)
                new_top = list(scores.index).index(flip.new_top)
                assert (tops[beyond] == new_top).all(), (criterion, flip)


def test_a_tie_at_the_top_flips_with_no_change() -> None:
    flips = model.smallest_flip(exercise.TOY_TIE, exercise.TIE_WEIGHTS)
    moved = [f for f in flips.values() if f.change is not None and abs(f.change) < 1e-9]
    assert moved
    assert all(f.new_top == "option_y" for f in moved)


# -- what the learner sees -----------------------------------------------------------------------


def test_the_chart_its_alt_text_and_the_tables_say_the_same(stand_in: Path) -> None:
    scores = model.load_scores()
    weights = model.role_weights(model.load_roles(), "president")
    ranking = model.rank_options(scores, weights)
    ax = plot_option_totals(scores, weights)
    texts = [t.get_text() for t in ax.texts if t.get_text()]
    assert texts[0] == f"{ranking[0][1]:.2f} (top)"
    assert texts[1].startswith("Source:")
    alt = option_totals_alt_text(ranking)
    assert alt.index(ranking[0][0]) < alt.index(ranking[-1][0])
    table = render_flip_table(model.smallest_flip(scores, weights))
    assert "no weight from 0 to 1 changes the top option" in table  # alliance_cohesion


def test_a_role_card_is_written_from_the_data_and_escaped(stand_in: Path) -> None:
    damage(stand_in, "capstone_roles.csv", "Test red lines.", "<script>x</script>")
    roles, evidence, criteria = model.load_roles(), model.load_evidence(), model.load_criteria()
    card = render_role_card("president", roles, evidence, criteria)
    assert "<script>" not in card
    assert "&lt;script&gt;" in card
    assert card.count("<li>") == (evidence["role"] == "president").sum()
    assert "public by 14 November 2015" in card


def test_round_weights_still_pass_validation() -> None:
    rng = random.Random(1)
    for _ in range(200):
        raw = [rng.random() for _ in CRITERIA]
        rounded = model.round_weights({c: x / sum(raw) for c, x in zip(CRITERIA, raw, strict=True)})
        model.validate_weights(rounded)
        assert all(round(v, 2) == v for v in rounded.values())


def test_the_widget_keeps_the_weights_adding_up_to_one(stand_in: Path) -> None:
    from postparis.capstone.widgets import decision_matrix

    box = decision_matrix(
        model.load_scores(), model.load_roles(), model.load_criteria(), model.load_options()
    )
    sliders = box.sliders
    for criterion, value in itertools.product(("cost", "escalation_risk"), (0.0, 0.55, 1.0)):
        sliders[criterion].value = value
        weights = {c: s.value for c, s in sliders.items()}
        assert sum(weights.values()) == pytest.approx(1), weights
        assert weights[criterion] == value
    box.role.value = "secretary_of_state"
    assert {c: s.value for c, s in sliders.items()} == model.role_weights(
        model.load_roles(), "secretary_of_state"
    )
    readout = box.children[3].value
    assert 'my_role = "secretary_of_state"' in readout
