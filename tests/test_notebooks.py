"""The harness over every module: a new module is covered by adding its folder.

For each module id in assignments/source/:
- the student notebook in notebooks/ runs top to bottom headless, and the only errors
  are the ones an unanswered exercise raises by design;
- the answer key runs without any error and passes `nbgrader validate`;
- the student notebook is exactly what nbgrader generates from the answer key now.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import MODULES, NOTEBOOKS, SOURCE, ExecutedNotebooks, Validations

from postparis_instructor.course import CourseWorkspace
from postparis_instructor.notebooks import (
    cell_role,
    clean_notebook,
    notebook_errors,
    unexpected_errors,
)

pytestmark = pytest.mark.slow


def test_course_has_modules_in_teaching_order() -> None:
    assert MODULES[0] == "00-start-here"
    assert sorted(MODULES) == MODULES
    for module in MODULES:
        assert (NOTEBOOKS / f"{module}.ipynb").is_file(), f"run `make notebooks` for {module}"


@pytest.mark.parametrize("module", MODULES)
def test_student_notebook_runs_headless(module: str, executed: ExecutedNotebooks) -> None:
    # Executed from a copy in a folder of its own: it must find its data from anywhere.
    nb = executed.student(module)
    unexpected = unexpected_errors(nb)
    assert not unexpected, "Errors an unanswered exercise does not explain:\n" + "\n".join(
        map(str, unexpected)
    )
    # Every exercise stub raises, so every solution cell must have produced its error:
    # otherwise a stub was left with a default answer that passes silently.
    stubs = [
        i for i, c in enumerate(nb.cells) if cell_role(c) == "solution" and c.cell_type == "code"
    ]
    raised = {e.index for e in notebook_errors(nb) if e.ename == "NotImplementedError"}
    assert set(stubs) <= raised, (
        f"solution cells that did not raise NotImplementedError: {sorted(set(stubs) - raised)}"
    )


@pytest.mark.parametrize("module", MODULES)
def test_answer_key_runs_without_error(module: str, executed: ExecutedNotebooks) -> None:
    errors = notebook_errors(executed.answer_key(module))
    assert not errors, "The answer key raised:\n" + "\n".join(map(str, errors))


@pytest.mark.parametrize("module", MODULES)
def test_answer_key_passes_nbgrader_validate(module: str, validations: Validations) -> None:
    done = validations.answer_key(module)
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("module", MODULES)
def test_blank_student_version_fails_nbgrader_validate(
    module: str, validations: Validations
) -> None:
    done = validations.student(module)
    assert "Success!" not in done.stdout
    assert "NotImplementedError" in done.stdout or "failed" in done.stdout.lower(), done.stdout


@pytest.mark.parametrize("module", MODULES)
def test_student_notebook_is_generated_from_the_answer_key(
    module: str, built_course: CourseWorkspace
) -> None:
    # built_course generated every module from the answer key in this session: its
    # release notebook, cleaned as `make notebooks` cleans it, is what nbgrader makes now.
    # The classroom release points links to other modules where fetching puts them; the
    # self-study copy keeps them side by side, and is otherwise the same notebook.
    from postparis_instructor.release import GLOSSARY, released_links

    committed = nbformat.reads(
        (NOTEBOOKS / f"{module}.ipynb").read_text(encoding="utf-8"), as_version=4
    )
    beside = frozenset([GLOSSARY, f"{module}.ipynb"])
    for cell in committed.cells:
        if cell.cell_type == "markdown":
            cell.source = released_links(cell.source, beside)
    generated = clean_notebook(nbformat.read(built_course.release_notebook(module), as_version=4))
    assert nbformat.writes(committed) == nbformat.writes(generated), (
        f"notebooks/{module}.ipynb is out of date with its answer key: run `make notebooks`."
    )


@pytest.mark.parametrize("module", MODULES)
def test_student_version_hides_solutions_hidden_tests_and_mark_schemes(module: str) -> None:
    source = nbformat.read(SOURCE / module / f"{module}.ipynb", as_version=4)
    student_text = (NOTEBOOKS / f"{module}.ipynb").read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "MARK SCHEME"):
        assert marker not in student_text, f"{marker!r} left in notebooks/{module}.ipynb"
    student = nbformat.reads(student_text, as_version=4)
    student_lines = {line.strip() for cell in student.cells for line in cell.source.splitlines()}
    # Lines that the answer key also shows outside any hidden region (an import that both
    # the visible and the hidden checks use, say) are public by design.
    student_lines -= {
        line.strip() for cell in source.cells for line in _outside_regions(cell.source)
    }
    for cell in source.cells:
        for region in _regions(
            cell.source,
            ("BEGIN SOLUTION", "END SOLUTION"),
            ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
            ("BEGIN MARK SCHEME", "END MARK SCHEME"),
        ):
            for line in region:
                if len(line.strip()) > 12:
                    assert line.strip() not in student_lines, (
                        f"A solution, hidden-test or mark-scheme line reached the student "
                        f"version of {module}: {line.strip()!r}"
                    )
        if cell_role(cell) == "answer":
            body = [ln.strip() for ln in cell.source.splitlines() if len(ln.strip()) > 12]
            leaked = [ln for ln in body if ln in student_lines]
            assert not leaked, f"A model written answer reached the student version: {leaked[:2]}"


REGION_MARKERS = (
    ("BEGIN SOLUTION", "END SOLUTION"),
    ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
    ("BEGIN MARK SCHEME", "END MARK SCHEME"),
)


def _outside_regions(text: str) -> list[str]:
    outside: list[str] = []
    end_marker = None
    for line in text.splitlines():
        if end_marker is None:
            begins = [end for begin, end in REGION_MARKERS if begin in line]
            if begins:
                end_marker = begins[0]
            else:
                outside.append(line)
        elif end_marker in line:
            end_marker = None
    return outside


def _regions(text: str, *pairs: tuple[str, str]) -> list[list[str]]:
    regions: list[list[str]] = []
    current: list[str] | None = None
    end_marker = ""
    for line in text.splitlines():
        if current is None:
            for begin, end in pairs:
                if begin in line:
                    current, end_marker = [], end
                    break
        elif end_marker in line:
            regions.append(current)
            current = None
        else:
            current.append(line)
    return regions
