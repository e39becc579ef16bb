"""One learner's odd inbox folder does not stop ``nbgrader collect`` for the class.

The instructor releases module 00; ada and ben fetch and submit it through the
exchange. A third folder in the inbox, ``eve+00-start-here+<not a date>+...``, is what a
hand-made or renamed submission looks like. Plain ``nbgrader collect`` (the course's
configuration) must collect ada and ben, set eve's folder aside with one line naming
it, and exit cleanly; nbgrader 0.9.6 alone stops with a traceback and collects no one.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_released_links import learner

from postparis_instructor.collect import inbox_record
from postparis_instructor.course import CourseWorkspace

MODULE = "00-start-here"
ODD = f"eve+{MODULE}+next tuesday+8f2c"


def test_an_inbox_name_without_a_date_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="not a date"):
        inbox_record(f"/x/{ODD}")
    with pytest.raises(ValueError, match="not <student>"):
        inbox_record("/x/eve+oops")
    record = inbox_record(f"/x/a+b+{MODULE}+2026-12-03 14:00:00.000000 UTC+abcd")
    assert record["username"] == "a+b"
    assert record["timestamp"].isoformat() == "2026-12-03T14:00:00"


@pytest.mark.slow
def test_collect_sets_the_odd_folder_aside_and_collects_everyone_else(tmp_path: Path) -> None:
    workspace = CourseWorkspace(tmp_path / "course", modules=[MODULE])
    workspace.generate(MODULE)
    workspace.nbgrader("release_assignment", MODULE)
    for student in ("ada", "ben"):
        home = tmp_path / "home" / student
        learner(workspace.exchange, home, "fetch_assignment", MODULE, student=student)
        learner(workspace.exchange, home, "submit", MODULE, student=student)
    inbound = workspace.exchange / "postparis" / "inbound"
    submitted = sorted(inbound.iterdir())
    assert len(submitted) == 2
    shutil.copytree(submitted[0], inbound / ODD)

    done = workspace.nbgrader("collect", MODULE, check=False)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "Traceback" not in log, log
    for student in ("ada", "ben"):
        assert (workspace.root / "submitted" / student / MODULE / f"{MODULE}.ipynb").is_file()
    assert not (workspace.root / "submitted" / "eve").exists()
    aside = [line for line in log.splitlines() if ODD in line]
    assert len(aside) == 1, log
    assert "Set aside" in aside[0], aside[0]
    assert "not a date" in aside[0], aside[0]
    assert (inbound / ODD).is_dir(), "the learner's folder must stay in the inbox"
