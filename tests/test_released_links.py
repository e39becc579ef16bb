"""Every link in a module works where the learner has it: fetched, or in notebooks/.

A learner in a class fetches each module into a folder of its own (``nbgrader fetch``
puts ``01-the-argument`` in ``01-the-argument/01-the-argument.ipynb``) and clicks its
links in JupyterLab: the glossary, the next module. Here the instructor releases every
module of the shared ``built_course`` (into an exchange of this test's own), a learner
fetches them all, and every relative link in every fetched notebook must lead to a file
there, and to a heading in it when it names one. The learner then submits module 00 with
the glossary that came with it, and it is graded as before: the glossary is no graded
notebook, and nothing warns about it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from conftest import MODULES, NOTEBOOKS, instructor_grade
from test_glossary import heading_anchor

from postparis_instructor.course import CourseWorkspace, nbgrader_environment
from postparis_instructor.notebooks import cell_role
from postparis_instructor.release import GLOSSARY, released_links

COURSE_ID = "postparis"
LINK = re.compile(r"\]\((?P<markdown>[^)\s]+)|\b(?:href|src)=[\"'](?P<html>[^\"']+)[\"']")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", flags=re.M)


def relative_links(notebook: Path) -> list[str]:
    """Return every link target in ``notebook``'s Markdown that is a path, not a web address."""
    nb = nbformat.read(notebook, as_version=4)
    targets = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for match in LINK.finditer(cell.source):
            target = match["markdown"] or match["html"]
            if urlsplit(target).scheme or target.startswith("#"):
                continue
            targets.append(target)
    return targets


def headings(notebook: Path) -> set[str]:
    """Return the anchors JupyterLab gives the headings of ``notebook``."""
    nb = nbformat.read(notebook, as_version=4)
    return {
        heading_anchor(text)
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for text in HEADING.findall(cell.source)
    }


def broken_links(notebook: Path) -> list[str]:
    """Return each link of ``notebook`` that does not reach a file (and heading) beside it."""
    broken = []
    for target in relative_links(notebook):
        path, _, anchor = target.partition("#")
        file = (notebook.parent / unquote(path)).resolve()
        if not file.is_file():
            broken.append(f"{target} (no file {file})")
        elif anchor and file.suffix == ".ipynb" and unquote(anchor) not in headings(file):
            broken.append(f"{target} (no heading {unquote(anchor)!r} in {file.name})")
    return broken


def learner(
    exchange: Path, home: Path, *args: str, student: str = "ada"
) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader exchange command as a learner (``ada``) from their own folder."""
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "nbgrader"),
            *args,
            f"--student={student}",
            f"--course={COURSE_ID}",
            f"--Exchange.root={exchange}",
            f"--Exchange.cache={home / '.nbgrader-cache'}",
        ],
        cwd=home,
        env=nbgrader_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


# -- the self-study copies (fast) -------------------------------------------------------------


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_self_study_links_work_in_notebooks_folder(notebook: Path) -> None:
    assert relative_links(notebook), f"{notebook.name} links to nothing"
    assert broken_links(notebook) == []


def test_rewriting_moves_only_links_to_other_modules() -> None:
    text = (
        "[next](02-sanctions.ipynb) [term](glossary.ipynb#G20) [me](01-the-argument.ipynb) "
        '[web](https://example.org/x.ipynb) <a href="03-proxy-war.ipynb#Top">3</a> [s](#Top)'
    )
    moved = released_links(text, {"01-the-argument.ipynb", GLOSSARY})
    assert "](../02-sanctions/02-sanctions.ipynb " in moved
    assert "[term](glossary.ipynb#G20)" in moved
    assert "[me](01-the-argument.ipynb)" in moved
    assert "[web](https://example.org/x.ipynb)" in moved
    assert 'href="../03-proxy-war/03-proxy-war.ipynb#Top"' in moved
    assert "[s](#Top)" in moved


# -- released, fetched, submitted, graded (slow) ---------------------------------------------


@pytest.fixture(scope="module")
def fetched(built_course: CourseWorkspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ada's home folder once she has fetched every module the instructor released."""
    base = tmp_path_factory.mktemp("released")
    exchange, home = base / "exchange", base / "ada"
    exchange.mkdir()
    for module in MODULES:
        built_course.nbgrader("release_assignment", module, f"--Exchange.root={exchange}")
        learner(exchange, home, "fetch_assignment", module)
    return home


@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_every_link_in_a_fetched_module_works(module: str, fetched: Path) -> None:
    folder = fetched / module
    notebooks = sorted(folder.glob("*.ipynb"))
    assert [p.name for p in notebooks] == sorted([f"{module}.ipynb", GLOSSARY])
    for notebook in notebooks:
        assert relative_links(notebook), f"{notebook.name} links to nothing"
        assert broken_links(notebook) == [], f"broken links in {module}/{notebook.name}"


@pytest.mark.slow
def test_the_released_glossary_is_no_graded_notebook(tmp_path: Path) -> None:
    module = MODULES[0]
    workspace = CourseWorkspace(tmp_path / "course", modules=[module])
    workspace.generate(module)
    workspace.nbgrader("release_assignment", module)
    home = tmp_path / "ada"
    learner(workspace.exchange, home, "fetch_assignment", module)
    fetched = home / module / f"{module}.ipynb"
    key = nbformat.read(workspace.source_notebook(module), as_version=4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in key.cells
        if cell_role(c) in {"solution", "answer"}
    }
    notebook = nbformat.read(fetched, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(notebook, fetched)
    learner(workspace.exchange, home, "submit", module)
    workspace.nbgrader("collect", module)
    assert (workspace.root / "submitted" / "ada" / module / GLOSSARY).is_file()

    grade = instructor_grade(workspace, module, "--course-dir", str(workspace.root))
    assert grade.returncode == 0, grade.stdout + grade.stderr
    assert "1 graded, 0 incomplete" in grade.stdout, grade.stdout
    assert GLOSSARY not in grade.stdout, grade.stdout
    records = [g for g in workspace.grades(module, "ada") if g.auto]
    assert sum(g.score or 0 for g in records) == sum(g.max_score for g in records) > 0

    plain = workspace.autograde(module)
    log = plain.stdout + plain.stderr
    assert "Skipping unknown notebook" not in log, log
    assert not (workspace.root / "autograded" / "ada" / module / GLOSSARY).exists()
    records = [g for g in workspace.grades(module, "ada") if g.auto]
    assert sum(g.score or 0 for g in records) == sum(g.max_score for g in records)
