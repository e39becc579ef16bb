"""Every module in a real browser: JupyterLab in Chromium, as a learner meets it.

One JupyterLab server from the project's environment serves the whole module; each
test opens a fresh copy of one notebook in a new page, runs it, looks at what is
rendered, moves a widget, presses nbgrader's Validate button and saves screenshots
(test-artifacts/screenshots/, reported at the end of the run). After each test its
kernels are shut down.

- The answer key runs with Run ▸ Run All Cells, without a single error, and validates.
- The student version (blank) runs past its unanswered exercises, as a learner does
  when Run All stops at one: solution and test cells run on their own (Shift+Enter),
  the cells between them together. Only solution cells (NotImplementedError) and test
  cells may fail, and Validate lists every autograded test as failed.
- In both, every widget renders, every figure shows with its alt text and caption,
  the first widget control that responds is moved with the keyboard or the mouse and
  what it controls changes, and no uncaught JavaScript error occurs.

A widget "zoo" checks the generic widget driver on every kind of control, and the
instructor's menu and panels are checked to show here: the control for the Binder
simulation (tests/test_binder_simulation.py), where learners must not see them.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from browser_support.checks import Stopwatch, rendering_problems
from browser_support.chromium import TrackedPage
from browser_support.lab import LabServer, start_lab
from browser_support.notebook import INSTRUCTOR_PLUGINS, NotebookPage, instructor_ui
from browser_support.report import RunReport
from conftest import MODULES, NOTEBOOKS, ROOT, SOURCE

pytest_plugins = ["browser_support.fixtures"]
pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, report: RunReport) -> Iterator[LabServer]:
    """JupyterLab from the project's environment, started in the repository as `make lab` does.

    Its working folder is the repository (Validate reads nbgrader_config.py there); the
    file browser shows a temporary folder that receives a fresh copy of each notebook.
    """
    base = tmp_path_factory.mktemp("jupyterlab")
    (base / "course").mkdir()
    server = start_lab(Path(sys.executable).parent, base / "course", base / "server", cwd=ROOT)
    report.timing(f"JupyterLab started (pid {server.pid}, port {server.port})", server.started_in)
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Opened:
    """A notebook open in a page, with its server and page."""

    notebook: NotebookPage
    tracked: TrackedPage
    lab: LabServer


@pytest.fixture
def open_notebook(
    lab: LabServer, new_page: Callable[[], TrackedPage]
) -> Iterator[Callable[[Path, str], Opened]]:
    """Copy a notebook into a fresh folder and open it; afterwards close it and its kernels."""
    opened: list[Opened] = []

    def open_copy(source: Path, folder: str) -> Opened:
        target = lab.root_dir / folder / source.name
        target.parent.mkdir(parents=True)
        shutil.copy2(source, target)
        tracked = new_page()
        url = lab.lab_url(f"{folder}/{source.name}", reset="")
        result = Opened(NotebookPage.open(tracked.page, url, target), tracked, lab)
        opened.append(result)
        return result

    try:
        yield open_copy
    finally:
        try:
            for item in opened:
                if not item.tracked.page.is_closed():
                    item.tracked.page.close()
        finally:
            lab.shut_down_kernels()


def run_module(
    open_notebook: Callable[[Path, str], Opened],
    report: RunReport,
    screenshots: Path,
    *,
    module: str,
    answers: bool,
) -> None:
    """Open, run, inspect, drive a widget, screenshot and validate one notebook."""
    variant = "answer-key" if answers else "student"
    source = SOURCE / module / f"{module}.ipynb" if answers else NOTEBOOKS / f"{module}.ipynb"
    clock = Stopwatch()
    opened = open_notebook(source, f"{variant}-{module}")
    notebook = opened.notebook
    clock.lap("open")

    if answers:
        notebook.run_all()
    else:
        notebook.run_past_unanswered_exercises()
    clock.lap("run")

    saved = notebook.save()
    problems = rendering_problems(notebook, saved, answers=answers)
    assert not problems, f"{module} ({variant}) in JupyterLab:\n" + "\n".join(problems)

    change = notebook.drive_a_widget()
    notebook.page.screenshot(path=str(screenshots / f"{module}-{variant}.png"))
    clock.lap("widget")

    result = notebook.validate(screenshot=screenshots / f"{module}-{variant}-validate.png")
    clock.lap("validate")
    if answers:
        assert result.outcome == "success", result
        assert "Success! Your notebook passes all the tests." in result.text
    else:
        # A blank earns nothing: Validate lists every autograded test cell as failed.
        assert result.outcome == "failed", result
        tests = sum(role == "tests" for _kind, role in notebook.roles)
        failed = result.text.count("The following cell failed:")
        assert failed == tests, f"{failed} of {tests} test cells failed:\n{result.text[:2000]}"

    assert not opened.tracked.errors, f"uncaught JavaScript errors: {opened.tracked.errors}"
    report.timing(
        f"{module} {variant}: {clock}; {change.kind} {change.label!r}: {change.how}, "
        f"{change.change}",
        clock.total(),
    )


@pytest.mark.parametrize("module", MODULES)
def test_answer_key_runs_renders_and_validates_in_jupyterlab(
    module: str,
    open_notebook: Callable[[Path, str], Opened],
    report: RunReport,
    screenshots: Path,
) -> None:
    run_module(open_notebook, report, screenshots, module=module, answers=True)


@pytest.mark.parametrize("module", MODULES)
def test_student_version_runs_renders_and_fails_validation_in_jupyterlab(
    module: str,
    open_notebook: Callable[[Path, str], Opened],
    report: RunReport,
    screenshots: Path,
) -> None:
    run_module(open_notebook, report, screenshots, module=module, answers=False)


def _student_version_answered(module: str, folder: Path, **overrides: str) -> Path:
    """The student notebook with the answer key's solutions typed in, as a learner would.

    ``overrides`` replaces the answer of a solution cell, by grade id, with other code.
    """
    key = nbformat.read(SOURCE / module / f"{module}.ipynb", as_version=4)
    student = nbformat.read(NOTEBOOKS / f"{module}.ipynb", as_version=4)
    solutions = {
        cell.metadata["nbgrader"]["grade_id"]: "\n".join(
            line
            for line in cell.source.splitlines()
            if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
        )
        for cell in key.cells
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    for cell in student.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            cell.source = overrides.get(grade_id, solutions[grade_id])
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(student, folder / f"{module}.ipynb")
    return folder / f"{module}.ipynb"


def test_validate_tells_a_wrong_but_well_formed_answer_from_the_right_one(
    open_notebook: Callable[[Path, str], Opened], tmp_path: Path, screenshots: Path
) -> None:
    """A self-learner's Validate: success with right answers, failure on one wrong answer.

    The student version (visible checks only) with every answer right validates; with
    module 00's proposal paragraphs written as [1, 2], a list of the right form but the
    wrong paragraphs, Validate fails on that one test cell and says "Not yet".
    """
    module = MODULES[0]
    right = _student_version_answered(module, tmp_path / "right")
    notebook = open_notebook(right, "self-study-right").notebook
    result = notebook.validate(screenshot=screenshots / f"{module}-self-study-right-validate.png")
    assert result.outcome == "success", result
    assert "Success! Your notebook passes all the tests." in result.text

    wrong = _student_version_answered(
        module,
        tmp_path / "wrong",
        proposal_paragraphs_answer="proposal_paragraphs = [1, 2]\nproposal_paragraphs",
    )
    notebook = open_notebook(wrong, "self-study-wrong").notebook
    result = notebook.validate(screenshot=screenshots / f"{module}-self-study-wrong-validate.png")
    assert result.outcome == "failed", result
    assert result.text.count("The following cell failed:") == 1, result.text[:2000]
    assert "Not yet: 0 of your 2 paragraph numbers are right" in result.text, result.text[:2000]


def test_instructor_tools_show_in_the_course_environment(
    open_notebook: Callable[[Path, str], Opened], lab: LabServer
) -> None:
    """The project's own environment is the instructor's: nbgrader's menu and panels show.

    This is the control for the Binder simulation, which asserts that learners on Binder
    see none of them: the same probes find them here.
    """
    opened = open_notebook(NOTEBOOKS / f"{MODULES[0]}.ipynb", "instructor-check")
    ui = instructor_ui(opened.notebook.page)
    assert "Nbgrader" in ui.menus
    assert ui.create_assignment_panel
    assert ui.validate_button
    assert not set(INSTRUCTOR_PLUGINS) & set(ui.disabled)
    assert lab.status_code("formgrader") == 200


#: One of each widget control the course may use, each above an HTML output it updates.
WIDGET_ZOO = {
    "slider": "widgets.IntSlider(value=3, min=0, max=5, description='Int')",
    "slider at its maximum": "widgets.IntSlider(value=5, min=0, max=5, description='Max')",
    "float slider": "widgets.FloatSlider(value=0.5, min=0, max=1, step=0.1, description='Float')",
    "selection slider": "widgets.SelectionSlider(options=['a', 'b'], description='Pick')",
    "drop-down": "widgets.Dropdown(options=['a', 'b'], description='Drop')",
    "toggle buttons": "widgets.ToggleButtons(options=['a', 'b'], description='Toggle')",
    "radio buttons": "widgets.RadioButtons(options=['a', 'b'], description='Radio')",
    "check box": "widgets.Checkbox(value=False, description='Check')",
    "list": "widgets.Select(options=['a', 'b'], description='List')",
    "toggle button": "widgets.ToggleButton(value=False, description='On')",
    "button": "widgets.Button(description='Press')",
}
ZOO_SETUP = """import ipywidgets as widgets

def view(control):
    out = widgets.HTML("<p>clicks: 0</p>" if isinstance(control, widgets.Button) else f"<p>{control.value}</p>")
    if isinstance(control, widgets.Button):
        control.on_click(lambda b: setattr(out, "value", "<p>clicks: 1</p>"))
    else:
        control.observe(lambda c: setattr(out, "value", f"<p>{c['new']}</p>"), names="value")
    return widgets.VBox([control, out])
"""


def test_the_widget_driver_moves_every_kind_of_control(
    open_notebook: Callable[[Path, str], Opened], tmp_path: Path
) -> None:
    """The generic driver used on every module works for each kind of ipywidgets control."""
    zoo = nbformat.v4.new_notebook()
    zoo.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    zoo.cells = [nbformat.v4.new_code_cell(ZOO_SETUP)] + [
        nbformat.v4.new_code_cell(f"view({control})") for control in WIDGET_ZOO.values()
    ]
    nbformat.write(zoo, tmp_path / "widget-zoo.ipynb")
    notebook = open_notebook(tmp_path / "widget-zoo.ipynb", "widget-zoo").notebook
    notebook.run_all()
    controls = notebook.controls()
    assert len(controls) == len(WIDGET_ZOO), controls
    for name, control in zip(WIDGET_ZOO, controls, strict=True):
        change = notebook.drive(control, timeout=20_000)
        assert "became" in change.change, f"{name}: {change}"
