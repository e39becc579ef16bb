"""Shared fixtures: the repository, the course's modules, and a throw-away nbgrader course."""

from __future__ import annotations

from pathlib import Path

import pytest

from postparis_instructor.course import CourseWorkspace, module_ids

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "assignments" / "source"
NOTEBOOKS = ROOT / "notebooks"

#: Every module of the course: a folder assignments/source/<id>/<id>.ipynb.
MODULES = module_ids(SOURCE)


@pytest.fixture(scope="session")
def built_course(tmp_path_factory: pytest.TempPathFactory) -> CourseWorkspace:
    """A private nbgrader course with every module's student version generated."""
    workspace = CourseWorkspace(tmp_path_factory.mktemp("course") / "course")
    for module in MODULES:
        workspace.generate(module)
    return workspace
