"""A grader killed with SIGKILL mid-class, then the guide's resume: the same command again.

The real ``postparis-instructor grade`` process grades module 00 for three students with
one worker; it is killed (SIGKILL, no clean-up of any kind) once the first student's
grading is recorded and nbgrader has started on the second. Then the guide's resume
command, ``postparis-instructor grade 00-start-here`` run again, must grade the
interrupted student fully (every test cell scored), keep the first student's grade
without grading it again, and grade the third. No roster is used: the killed run's
students in the gradebook must not become a roster that sets the third student aside.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from postparis_instructor.course import CourseWorkspace

MODULE = "00-start-here"
RESUME = ["postparis-instructor", "grade", MODULE]  # the guide's command, run again

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(sys.platform != "linux", reason="SIGKILL of a process tree: Linux"),
]


def _grade(course: CourseWorkspace, *extra: str) -> list[str]:
    return [str(Path(sys.executable).parent / RESUME[0]), *RESUME[1:], *extra]


def _workers_of(course: CourseWorkspace) -> list[str]:
    found = subprocess.run(
        ["pgrep", "-f", f"postparis_instructor.grading --worker {course.root}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.split()


def test_a_killed_grader_resumes_with_the_same_command(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """SIGKILL mid-class; the same command again grades exactly who was not graded."""
    course = CourseWorkspace(tmp_path_factory.mktemp("resume") / "course", modules=[MODULE])
    course.generate(MODULE)
    key, blank = course.source_notebook(MODULE), course.release_notebook(MODULE)
    expected = {"ada": 3.0, "ben": 3.0, "cy": 0.0}
    for student, points in expected.items():
        course.submit(student, MODULE, key if points else blank)
    state = course.root / ".postparis-grading" / MODULE
    interrupted = course.root / "autograded" / "ben" / MODULE

    with (course.root / "killed-run.log").open("w") as log:
        grader = subprocess.Popen(
            _grade(course, "--workers", "1"),
            cwd=course.root,
            env=course.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 600
        while not ((state / "ada.json").is_file() and interrupted.is_dir()):
            assert grader.poll() is None, (course.root / "killed-run.log").read_text()
            assert time.monotonic() < deadline, "the grader never reached the second student"
            time.sleep(0.05)
        os.kill(grader.pid, signal.SIGKILL)
        grader.wait()
    assert not (state / "ben.json").exists(), "ben was graded before the kill: no interruption"
    deadline = time.monotonic() + 30
    while _workers_of(course):  # the workers die with their parent
        assert time.monotonic() < deadline, f"workers left running: {_workers_of(course)}"
        time.sleep(0.2)

    resumed = subprocess.run(
        _grade(course), cwd=course.root, env=course.env(), capture_output=True, text=True
    )
    table = resumed.stdout + resumed.stderr
    assert resumed.returncode == 0, table
    rows = {line.split()[0]: line for line in table.splitlines() if line.split()[:1]}
    assert "already graded" in rows["ada"], table
    for student in ("ben", "cy"):
        assert "already graded" not in rows[student], table
        assert "SET ASIDE" not in rows[student], table
    for student, points in expected.items():
        grades = course.grades(MODULE, student)
        assert [g.grade_id for g in grades if g.score is None] == [], (student, grades)
        assert sum(g.score or 0 for g in grades if g.auto) == points, (student, grades)
