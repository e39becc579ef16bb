"""Drive one notebook in JupyterLab as a learner does, and read what the page shows.

Every wait here is on something the page or the kernel reports (the toolbar's kernel
name and execution indicator, a cell's execution prompt, a dialog, a changed output),
never on a fixed delay.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import nbformat
from nbformat import NotebookNode
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from postparis_instructor.notebooks import CellRole, cell_role

__all__ = [
    "Control",
    "DomCell",
    "NotebookPage",
    "OutputReport",
    "ValidationResult",
    "WidgetChange",
    "expected_figures",
    "expected_widget_views",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STDERR = "application/vnd.jupyter.stderr"

#: The notebook panel of the (single) open notebook.
PANEL = ".jp-NotebookPanel"
TOOLBAR = f"{PANEL} .jp-NotebookPanel-toolbar"

#: The kernel is ready: a kernel name in the toolbar, and the execution indicator idle.
_KERNEL_IDLE_JS = """() => {
  const name = document.querySelector('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName');
  const status = document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator');
  if (!name || !status) return false;
  const label = name.textContent.trim();
  return label !== '' && !/no kernel|starting|connecting/i.test(label)
      && status.dataset.status === 'idle';
}"""

#: After Run All: done when the kernel is idle again and no cell is queued or running.
_RUN_ALL_FINISHED_JS = """() => {
  const status = document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator');
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
      .map(p => p.textContent);
  const numbered = prompts.filter(p => /\\[\\d+\\]/.test(p)).length;
  const pending = prompts.some(p => p.includes('*'));
  return numbered > 0 && !pending && status && status.dataset.status === 'idle';
}"""

#: Cells ``indices`` have run: execution counts in their prompts, and the kernel idle.
_CELLS_RAN_JS = """(indices) => {
  const cells = document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell');
  const status = document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator');
  const ran = (i) => { const p = cells[i] && cells[i].querySelector('.jp-InputPrompt');
                       return !!p && /\\[\\d+\\]/.test(p.textContent); };
  const idle = !!status && status.dataset.status === 'idle';
  const pending = indices.some(i => cells[i] && /\\*/.test(cells[i].querySelector('.jp-InputPrompt').textContent));
  // Done when all ran, or when the kernel stopped the stretch at an error.
  return idle && (indices.every(ran) || (!pending && ran(indices[0])));
}"""

#: Cells ``first`` to ``last`` are selected (the active one among them), in command mode.
_SELECTED_JS = """([first, last]) => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')];
  const picked = (c) => c.classList.contains('jp-mod-selected') || c.classList.contains('jp-mod-active');
  const notebook = document.querySelector('.jp-NotebookPanel .jp-Notebook');
  return cells.every((c, i) => picked(c) === (i >= first && i <= last))
      && notebook.classList.contains('jp-mod-commandMode');
}"""

#: Everything the checks need from the rendered notebook, read in one pass. textContent
#: (not innerText) so that cells outside the viewport, which JupyterLab does not lay out,
#: read the same as visible ones.
_OUTPUTS_JS = """(stderrMime) => {
  const notebook = document.querySelector('.jp-NotebookPanel .jp-Notebook');
  const cells = [...notebook.querySelectorAll('.jp-Cell')];
  const text = (el) => (el.textContent || '').trim().slice(0, 800);
  return {
    cells: cells.map((cell, index) => {
      const stderr = [...cell.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${stderrMime}"]`)];
      return {
        index,
        code: cell.classList.contains('jp-CodeCell'),
        prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
        stderr: stderr.filter(e => !e.closest('.jupyter-widgets')).map(text),
        widget_stderr: stderr.filter(e => !!e.closest('.jupyter-widgets')).map(text),
        widget_views: cell.querySelectorAll(
          '.jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output > .jupyter-widgets').length,
      };
    }),
    widget_errors: [...notebook.querySelectorAll('.jp-OutputArea-output')]
      .map(text).filter(t => /Error displaying widget|model not found/i.test(t)),
    images: [...notebook.querySelectorAll('.jp-OutputArea-output img')].map(img => ({
      cell: cells.findIndex(c => c.contains(img)),
      alt: img.getAttribute('alt'),
      loaded: img.complete && img.naturalWidth > 0,
      in_widget: !!img.closest('.jupyter-widgets'),
      caption: img.closest('figure') ? text(img.closest('figure').querySelector('figcaption') || img) : null,
    })),
  };
}"""

#: Images in outputs have finished loading (data URIs decode asynchronously).
_IMAGES_LOADED_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output img')]
  .every(img => img.complete)"""

#: The interactive controls of rendered widgets, in page order; each is tagged so that
#: Playwright can reach it, and described by its kind.
_CONTROL_KINDS = {
    "widget-slider": "slider",
    "widget-dropdown": "dropdown",
    "widget-select": "select",
    "widget-toggle-buttons": "toggle-buttons",
    "widget-radio": "radio",
    "widget-checkbox": "checkbox",
    "widget-toggle-button": "toggle-button",
    "widget-button": "button",
}
_FIND_CONTROLS_JS = """(kinds) => {
  // A widget view's root element carries lm-Widget; the buttons inside one do not.
  const selector = Object.keys(kinds).map(k => '.lm-Widget.' + k).join(', ');
  const scope = '.jp-NotebookPanel .jp-OutputArea-output ';
  const found = [...document.querySelectorAll(selector.split(', ').map(s => scope + s).join(', '))];
  return found.map((el, i) => {
    el.setAttribute('data-pp-control', String(i));
    const kind = Object.keys(kinds).find(k => el.classList.contains(k));
    const labels = [...el.querySelectorAll('.widget-label, .widget-label-basic')]
      .map(l => l.textContent.replace(/\u200b/g, '').trim()).filter(Boolean);
    return {index: i, kind: kinds[kind], label: labels[0] || el.textContent.trim().slice(0, 40)};
  });
}"""

#: What the control's widget shows besides the control itself: the output area that
#: holds the whole widget, with the control's own element removed (its readout would
#: change whatever the widget does).
_SNAPSHOT_JS = """(index) => {
  const control = document.querySelector(`[data-pp-control="${index}"]`);
  const root = control.closest('.jp-OutputArea-output');
  const copy = root.cloneNode(true);
  const own = copy.querySelector(`[data-pp-control="${index}"]`);
  if (own) own.remove();
  return copy.innerHTML;
}"""

_SNAPSHOT_CHANGED_JS = f"""([index, before]) => ({_SNAPSHOT_JS})(index) !== before"""


@dataclass(frozen=True)
class DomCell:
    """One rendered cell, as read from the page."""

    index: int
    code: bool
    prompt: str
    stderr: list[str]
    widget_stderr: list[str]
    widget_views: int


@dataclass(frozen=True)
class DomImage:
    """An image in an output, as read from the page."""

    cell: int
    alt: str | None
    loaded: bool
    in_widget: bool
    caption: str | None


@dataclass(frozen=True)
class OutputReport:
    """What the rendered notebook shows: cells, widget errors, images."""

    cells: list[DomCell]
    widget_errors: list[str]
    images: list[DomImage]

    @classmethod
    def from_page(cls, data: dict[str, Any]) -> OutputReport:
        """Build the report from the JSON the page returned."""
        return cls(
            cells=[DomCell(**c) for c in data["cells"]],
            widget_errors=list(data["widget_errors"]),
            images=[DomImage(**i) for i in data["images"]],
        )


@dataclass(frozen=True)
class Control:
    """A widget control found on the page: its tag, its kind and its label."""

    index: int
    kind: str
    label: str


@dataclass(frozen=True)
class WidgetChange:
    """A widget control that was driven, how, and what changed in its widget."""

    kind: str
    label: str
    how: str
    change: str


@dataclass(frozen=True)
class ValidationResult:
    """The dialog nbgrader's Validate button opened."""

    outcome: Literal["success", "failed", "changed", "type-changed", "error", "other"]
    title: str
    text: str


@dataclass
class NotebookPage:
    """A notebook open in JupyterLab in a Playwright page.

    Parameters
    ----------
    page
        The Playwright page showing JupyterLab with the notebook open.
    file
        The notebook's file on disk (what JupyterLab saves to).
    """

    page: Page
    file: Path
    roles: list[tuple[str, CellRole]] = field(default_factory=list)

    def __post_init__(self) -> None:
        nb = nbformat.read(self.file, as_version=4)
        self.roles = [(cell.cell_type, cell_role(cell)) for cell in nb.cells]

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, page: Page, url: str, file: Path, timeout: float = 180_000) -> NotebookPage:
        """Open ``url`` (a ``/lab/tree/...`` address) and wait until the kernel is idle."""
        page.goto(url, wait_until="domcontentloaded", timeout=timeout)
        notebook = cls(page, file)
        # JupyterLab adds the cells to the page in batches: wait for all of them.
        page.wait_for_function(
            "(n) => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length === n",
            arg=len(notebook.roles),
            timeout=timeout,
        )
        notebook.wait_for_kernel(timeout)
        return notebook

    def wait_for_kernel(self, timeout: float = 180_000) -> None:
        """Wait until the toolbar names a kernel and the execution indicator says idle."""
        self.page.wait_for_function(_KERNEL_IDLE_JS, timeout=timeout, polling=100)

    @property
    def cells(self) -> Locator:
        """The rendered cells, in order."""
        return self.page.locator(f"{PANEL} .jp-Notebook .jp-Cell")

    # -- running ------------------------------------------------------------------------
    def run_all(self, timeout: float = 300_000) -> None:
        """Run ▸ Run All Cells from the menu bar; wait until nothing is queued or running."""
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        self.page.wait_for_function(_RUN_ALL_FINISHED_JS, timeout=timeout, polling=100)

    def run_past_unanswered_exercises(self, timeout: float = 300_000) -> None:
        """Run every cell from the top, going on past the cells that fail without answers.

        This is what a learner does when Run All stops at an unanswered exercise. Cells
        that may fail (a solution cell, an autograder test cell) are run on their own
        with Shift+Enter; each stretch of cells between them is selected (click, then
        Shift+click) and run at once with Shift+Enter, so an error there, which is a
        real one, stops the stretch and shows as a cell that did not run. The last
        cell runs with Ctrl+Enter, which does not add a new cell below it.
        """
        for first, last in self._stretches():
            self.select_cells(first, last)
            self.page.keyboard.press(
                "Control+Enter" if last == len(self.roles) - 1 else "Shift+Enter"
            )
            codes = [i for i in range(first, last + 1) if self.roles[i][0] == "code"]
            if codes:
                self.page.wait_for_function(_CELLS_RAN_JS, arg=codes, timeout=timeout, polling=50)

    def _stretches(self) -> list[tuple[int, int]]:
        """Cell ranges to run: each solution or test cell alone, the cells between together."""
        stretches: list[tuple[int, int]] = []
        start = 0
        for index, (_kind, role) in enumerate(self.roles):
            if role in {"solution", "tests"}:
                if start < index:
                    stretches.append((start, index - 1))
                stretches.append((index, index))
                start = index + 1
        if start < len(self.roles):
            stretches.append((start, len(self.roles) - 1))
        return stretches

    def select_cells(self, first: int, last: int) -> None:
        """Select cells ``first`` to ``last`` in command mode: click one, Shift+click the other."""
        self.cells.nth(first).locator(".jp-InputPrompt").first.click()
        if last != first:
            self.cells.nth(last).locator(".jp-InputPrompt").first.click(modifiers=["Shift"])
        self.page.wait_for_function(_SELECTED_JS, arg=[first, last], timeout=30_000, polling=50)

    def save(self, timeout: float = 60_000) -> NotebookNode:
        """Save with Ctrl+S, wait for the server's answer, and read the saved file."""
        self.page.locator(f"{PANEL} .jp-Notebook").first.focus()
        with self.page.expect_response(
            lambda r: r.request.method == "PUT" and "/api/contents/" in r.url, timeout=timeout
        ) as saved:
            self.page.keyboard.press("Control+s")
        if not saved.value.ok:
            raise AssertionError(f"saving failed: HTTP {saved.value.status}")
        return nbformat.read(self.file, as_version=4)

    # -- reading ------------------------------------------------------------------------
    def outputs(self, timeout: float = 60_000) -> OutputReport:
        """Read every cell's outputs, widget views and images from the page."""
        self.page.wait_for_function(_IMAGES_LOADED_JS, timeout=timeout)
        return OutputReport.from_page(self.page.evaluate(_OUTPUTS_JS, STDERR))

    def menu_bar(self) -> list[str]:
        """The labels of the main menu bar."""
        return [
            label.strip()
            for label in self.page.locator(".lm-MenuBar-itemLabel").all_text_contents()
        ]

    # -- widgets ------------------------------------------------------------------------
    def controls(self) -> list[Control]:
        """The rendered widget controls, in page order."""
        return [Control(**found) for found in self.page.evaluate(_FIND_CONTROLS_JS, _CONTROL_KINDS)]

    def drive(self, control: Control, timeout: float = 30_000) -> WidgetChange:
        """Operate ``control`` and wait until its widget, the control aside, changes.

        Sliders are moved with the keyboard (focus, then ArrowRight, or ArrowLeft at the
        end of the scale), drop-downs and lists get another option, buttons, check boxes
        and radio buttons are clicked.

        Raises
        ------
        playwright.sync_api.TimeoutError
            If nothing changed within ``timeout`` milliseconds.
        """
        before = self.page.evaluate(_SNAPSHOT_JS, control.index)
        how = self._operate(control.index, control.kind)
        self.page.wait_for_function(
            _SNAPSHOT_CHANGED_JS, arg=[control.index, before], timeout=timeout
        )
        after = self.page.evaluate(_SNAPSHOT_JS, control.index)
        # Centre the widget in the notebook, for a screenshot that may follow.
        self.page.locator(f'[data-pp-control="{control.index}"]').evaluate(
            "e => e.closest('.jp-OutputArea-output').scrollIntoView({block: 'center'})"
        )
        return WidgetChange(control.kind, control.label, how, _difference(before, after))

    def drive_a_widget(self, timeout: float = 30_000, tries: int = 4) -> WidgetChange:
        """Operate the first widget control whose widget visibly responds (see :meth:`drive`).

        Raises
        ------
        AssertionError
            If no control is found, or none of the first ``tries`` changes its widget.
        """
        controls = self.controls()
        if not controls:
            raise AssertionError("no slider, drop-down, toggle, check box or button rendered")
        attempts = []
        for control in controls[:tries]:
            try:
                return self.drive(control, timeout)
            except PlaywrightTimeoutError:
                attempts.append(f"{control.kind} {control.label!r}: no change in {timeout} ms")
        raise AssertionError("no widget responded: " + "; ".join(attempts))

    def _operate(self, index: int, kind: str) -> str:
        element = self.page.locator(f'[data-pp-control="{index}"]')
        element.scroll_into_view_if_needed()
        if kind == "slider":
            handle = element.locator(".noUi-handle").first
            at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            key = "ArrowLeft" if at_end else "ArrowRight"
            handle.focus()
            handle.press(key)
            return f"keyboard {key}"
        if kind in {"dropdown", "select"}:
            select = element.locator("select").first
            values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
            current = select.input_value()
            choice = next(v for v in values if v != current)
            select.select_option(choice)
            return f"selected option {choice!r}"
        if kind == "toggle-buttons":
            element.locator("button:not(.mod-active)").first.click()
            return "clicked another button"
        if kind == "radio":
            element.locator("input[type=radio]:not(:checked)").first.click()
            return "clicked another radio button"
        if kind == "checkbox":
            element.locator("input[type=checkbox]").first.click()
            return "clicked the check box"
        element.click()
        return "clicked"

    # -- nbgrader -----------------------------------------------------------------------
    def validate(
        self, screenshot: Path | None = None, timeout: float = 300_000
    ) -> ValidationResult:
        """Click nbgrader's Validate button and return what its dialog says.

        The button saves the notebook, the server runs ``nbgrader validate`` on it in a
        headless kernel, and a dialog shows the result. The dialog is closed afterwards.
        """
        if self.page.locator(".jp-Dialog").count():
            raise AssertionError("a dialog is already open before Validate")
        button = self.page.locator(f"{TOOLBAR} .validate-button")
        button.click()
        dialog = self.page.locator(".jp-Dialog")
        dialog.wait_for(state="visible", timeout=timeout)
        title = dialog.locator(".jp-Dialog-header").text_content() or ""
        message = dialog.locator("#validation-message")
        if message.count():
            classes = message.get_attribute("class") or ""
            text = message.inner_text()
            outcome = next(
                (
                    name
                    for name in ("success", "failed", "changed", "type-changed")
                    if f"validation-{name}" in classes.split()
                ),
                "error",
            )
        else:
            text = dialog.locator(".jp-Dialog-body").inner_text()
            outcome = "other"
        if screenshot is not None:
            self.page.screenshot(path=str(screenshot))
        dialog.locator(".jp-mod-accept").first.click()
        dialog.wait_for(state="detached", timeout=30_000)
        self.page.wait_for_function(
            """() => { const b = document.querySelector('.jp-NotebookPanel-toolbar .validate-button');
                       return b && b.textContent.trim() === 'Validate'; }""",
            timeout=30_000,
        )
        return ValidationResult(outcome, title.strip(), text.strip())  # type: ignore[arg-type]


def _plain(fragment: str) -> str:
    """The text of an HTML fragment, with white space collapsed."""
    plain = re.sub(r"<[^>]+>", " ", fragment)
    return re.sub(r"\s+", " ", html.unescape(plain)).strip()


def _difference(before: str, after: str) -> str:
    """Say briefly what differs between two renderings of a widget (for the report)."""
    old, new = _plain(before), _plain(after)
    if old != new:
        at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), None)
        at = min(len(old), len(new)) if at is None else at
        start = max(0, at - 30)
        return f"text '…{old[start : at + 50]}…' became '…{new[start : at + 50]}…'"
    images = re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", before)
    changed = sum(
        a != b
        for a, b in zip(images, re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", after), strict=False)
    )
    return f"{changed} image(s) redrawn" if changed else "the markup changed"


def expected_widget_views(nb: NotebookNode) -> dict[int, int]:
    """Per cell index, how many widget views the saved notebook's outputs hold."""
    counts: dict[int, int] = {}
    for index, cell in enumerate(nb.cells):
        views = sum(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))
        if views:
            counts[index] = views
    return counts


_IMG_ALT = re.compile(r"<img\b[^>]*?\balt=\"([^\"]*)\"", re.S)


def expected_figures(nb: NotebookNode) -> dict[int, list[str]]:
    """Per cell index, the alt texts of the HTML images in the saved notebook's outputs."""
    found: dict[int, list[str]] = {}
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            if isinstance(markup, list):
                markup = "".join(markup)
            alts = [html.unescape(alt) for alt in _IMG_ALT.findall(markup)]
            if alts:
                found.setdefault(index, []).extend(alts)
    return found


#: nbgrader's instructor-only JupyterLab plugins (the learner keeps validate-assignment).
INSTRUCTOR_PLUGINS = tuple(
    f"@jupyter/nbgrader:{name}"
    for name in ("formgrader", "create-assignment", "assignment-list", "course-list", "menu")
)

#: Their server routes, with the extension that serves each.
INSTRUCTOR_ROUTES = {
    "formgrader": "nbgrader.server_extensions.formgrader",
    "formgraders": "nbgrader.server_extensions.course_list",
    "assignments?course_id=postparis": "nbgrader.server_extensions.assignment_list",
}


@dataclass(frozen=True)
class InstructorUI:
    """What of nbgrader's instructor tools a page of JupyterLab shows."""

    menus: list[str]
    create_assignment_panel: bool
    validate_button: bool
    disabled: list[str]
    locked: list[str]

    @property
    def visible(self) -> list[str]:
        """The instructor-only things a learner could see or click."""
        shown = [f"the {m!r} menu" for m in self.menus if m.lower() == "nbgrader"]
        if self.create_assignment_panel:
            shown.append("the Create Assignment panel")
        return shown


def instructor_ui(page: Page) -> InstructorUI:
    """Read the menu bar, the side bars and the page configuration of JupyterLab."""
    config = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)"
    )
    return InstructorUI(
        menus=[t.strip() for t in page.locator(".lm-MenuBar-itemLabel").all_text_contents()],
        create_assignment_panel=page.locator(
            '.lm-TabBar-tab[data-id="nbgrader-create_assignemnt"], #nbgrader-create_assignemnt'
        ).count()
        > 0,
        validate_button=page.locator(f"{TOOLBAR} .validate-button").count() > 0,
        disabled=_names(config.get("disabledExtensions")),
        locked=_names(config.get("lockedExtensions")),
    )


def _names(value: object) -> list[str]:
    """Plugin names from a page-config entry: a list, or a mapping of name to flag."""
    if isinstance(value, dict):
        return sorted(name for name, on in value.items() if on)
    if isinstance(value, list):
        return sorted(str(name) for name in value)
    return []
