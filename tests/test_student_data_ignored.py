"""Student data is git-ignored everywhere in the repository.

An instructor who runs the class from a clone keeps a roster, grade exports and the
gradebook (with its lock) beside the course; a ``git add -A`` in a public fork must
never pick them up. ``git check-ignore`` answers exactly that question.
"""

from __future__ import annotations

import subprocess

import pytest
from conftest import ROOT

STUDENT_DATA = [
    "students.csv",
    "assignments/students.csv",
    "assignments/roster.csv",
    "grades.csv",
    "assignments/grades.csv",
    "assignments/grades-01-the-argument.csv",
    "gradebook.db",
    "assignments/gradebook.db",
    "assignments/gradebook.db.lock",
    "assignments/gradebook.db-journal",
    "some/other/course/gradebook.db",
    "some/other/course/gradebook.db.lock",
    "assignments/submitted/ada/01-the-argument/01-the-argument.ipynb",
    "assignments/autograded/ada/01-the-argument/01-the-argument.ipynb",
    "assignments/feedback/ada/01-the-argument/01-the-argument.html",
    "assignments/.nbgrader.log",
]


@pytest.mark.parametrize("path", STUDENT_DATA)
def test_student_data_is_ignored(path: str) -> None:
    done = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT, check=False)
    assert done.returncode == 0, f"{path} is not git-ignored: student data could be committed"


@pytest.mark.parametrize(
    "path",
    ["data/article_paragraphs.csv", "assignments/source/01-the-argument/01-the-argument.ipynb"],
)
def test_course_files_are_not_ignored(path: str) -> None:
    done = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT, check=False)
    assert done.returncode == 1, f"{path} is git-ignored but belongs to the course"
