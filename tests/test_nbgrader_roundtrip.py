"""The nbgrader round trip for every module: the key earns full marks, a blank earns zero."""

from __future__ import annotations

import pytest
from conftest import MODULES

from postparis_instructor.course import CourseWorkspace

pytestmark = pytest.mark.slow


# ``graded_course`` (conftest.py): per module, the answer key submitted as ``key`` and
# the generated student version as ``blank``, autograded once per session.


@pytest.mark.parametrize("module", MODULES)
def test_answer_key_earns_full_marks(module: str, graded_course: CourseWorkspace) -> None:
    auto = [g for g in graded_course.grades(module, "key") if g.auto]
    assert auto, f"{module} has no autograded cell"
    short = [(g.grade_id, g.score, g.max_score) for g in auto if g.score != g.max_score]
    assert not short, f"The answer key lost points in {module}: {short}"


@pytest.mark.parametrize("module", MODULES)
def test_blank_submission_earns_zero(module: str, graded_course: CourseWorkspace) -> None:
    auto = [g for g in graded_course.grades(module, "blank") if g.auto]
    scored = [(g.grade_id, g.score) for g in auto if g.score != 0]
    assert not scored, f"A blank submission of {module} earned points: {scored}"
