"""Unit tests of the grading safety checks (fast: no kernel, no nbgrader run).

The end-to-end proof, every kind graded in a batch four ways, is in
``tests/test_hostile_submissions.py``; the browser proof in ``tests/test_hostile_browser.py``.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import nbformat
import pytest
from conftest import MODULES, SOURCE

from postparis_instructor.notebooks import cell_role
from postparis_instructor.safety.files import (
    copy_regular_tree,
    quarantine,
    read_refusals,
    refusal_notes,
    scan,
)
from postparis_instructor.safety.forgery import analyse_cell, analyse_cells
from postparis_instructor.safety.names import escape_name
from postparis_instructor.safety.nbgrader_hooks import RedactHiddenTests
from postparis_instructor.safety.sanitize import (
    Limits,
    clean_html,
    has_dangerous_url,
    markdown_is_safe,
    safe_markdown,
    sanitize_notebook,
)


# -- HTML and Markdown ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "attack",
    [
        "<script>steal()</script>",
        '<img src=x onerror="steal()">',
        '<a href="javascript:steal()">x</a>',
        '<a href="JaVa&#x09;ScRiPt:steal()">x</a>',
        '<iframe src="https://example.org"></iframe>',
        '<form action="/api/kernels"><button>go</button></form>',
        "<svg><script>steal()</script></svg>",
        '<details open ontoggle="steal()"></details>',
        '<a href="data:text/html,<script>steal()</script>">x</a>',
        "<style>body{display:none}</style>",
        '<object data="x.swf"></object>',
    ],
)
def test_clean_html_leaves_nothing_active(attack: str) -> None:
    cleaned = clean_html(attack).lower()
    for active in ("<script", "onerror", "ontoggle", "javascript", "<iframe", "<form", "<svg"):
        assert active not in cleaned
    assert "<style" not in cleaned
    assert "<object" not in cleaned
    assert "data:text" not in cleaned


def test_clean_html_keeps_tables_figures_and_data_images() -> None:
    figure = '<figure><img src="data:image/png;base64,iVBORw0KGgo=" alt="A chart"><figcaption>Fig</figcaption></figure>'
    assert clean_html(figure) == figure
    table = '<table class="dataframe" border="1"><tr><th>a</th><td>1</td></tr></table>'
    assert "<td>1</td>" in clean_html(table)


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "$\\href{javascript:alert(1)}{x}$",
        '<img src=x onerror="alert(1)">',
        "<script>alert(1)</script>",
    ],
)
def test_active_markdown_is_shown_as_text(text: str) -> None:
    assert not markdown_is_safe(text)
    shown = safe_markdown(text)
    assert shown.startswith("*[Shown as plain text")
    assert safe_markdown(shown) == shown  # applying it again changes nothing
    # A block cannot be closed early by the student's own fence.
    tricky = "~~~~~~\n<script>alert(1)</script>"
    assert safe_markdown(safe_markdown(tricky)) == safe_markdown(tricky)
    assert safe_markdown(shown + "<script>x</script>") != shown + "<script>x</script>"


@pytest.mark.parametrize("module", MODULES)
def test_the_course_markdown_is_kept_as_written(module: str) -> None:
    nb = nbformat.read(SOURCE / module / f"{module}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert safe_markdown(cell.source) == cell.source, cell.source[:200]


def test_dangerous_url_check_sees_through_entities_and_spaces() -> None:
    assert has_dangerous_url("&#x6A;ava\u200bscript:")
    assert not has_dangerous_url("A script: the plan.")


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_sanitize_notebook_removes_active_outputs_and_caps_bytes() -> None:
    code = nbformat.v4.new_code_cell("x")
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"application/javascript": "steal()"}),
        nbformat.v4.new_output(
            "display_data", data={"text/html": "<b>ok</b><script>steal()</script>"}
        ),
        nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg onload=steal()>"}),
        nbformat.v4.new_output("stream", name="stdout", text="x" * 20_000_000),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="no", traceback=["t"]),
    ]
    markdown = nbformat.v4.new_markdown_cell("![a](attachment:a.png)")
    markdown.attachments = {
        "a.png": {"image/png": base64.b64encode(b"\0" * 3_000_000).decode()},
        "b.svg": {"image/svg+xml": base64.b64encode(b"<svg/>").decode()},
    }
    nb = _notebook(code, markdown)
    nb.metadata["widgets"] = {"state": {}}
    report = sanitize_notebook(nb, Limits())
    text = json.dumps(nb)
    assert "steal()" not in text
    assert "<b>ok</b>" in text
    assert len(text) < 200_000
    assert nb.cells[0].outputs[-1].output_type == "error"  # an error still fails the test
    assert "attachments" not in nb.cells[1]
    assert "widgets" not in nb.metadata
    assert any("output cut" in line for line in report)
    assert sanitize_notebook(nb, Limits()) == []  # a second pass finds nothing


def test_notebook_output_limit_keeps_errors() -> None:
    cells = []
    for _ in range(3):
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [
            nbformat.v4.new_output("stream", name="stdout", text="y" * 90_000),
            nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["t"]),
        ]
        cells.append(cell)
    nb = _notebook(*cells)
    report = sanitize_notebook(nb, Limits(notebook_outputs=150_000))
    assert any("notebook's" in line for line in report)
    assert [c.outputs[-1].output_type for c in nb.cells] == ["error"] * 3


# -- names ------------------------------------------------------------------------------------
def test_escape_name_escapes_controls_and_bidi() -> None:
    assert escape_name("a\x1b[2Jb\u202ec\x07") == "a\\x1b[2Jb\\u202ec\\x07"
    assert escape_name("Zoë Ünal") == "Zoë Ünal"
    assert escape_name("back\\slash") == "back\\\\slash"


# -- files ------------------------------------------------------------------------------------
@pytest.fixture
def hostile_folder(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    folder = course / "submitted" / "mallory" / "m1"
    folder.mkdir(parents=True)
    (folder / "m1.ipynb").write_text("{}")
    (folder / "data").mkdir()
    (folder / "data" / "ok.csv").write_text("a\n1\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("the key")
    (folder / "key.ipynb").symlink_to(secret)
    (folder / "data" / "up").symlink_to(tmp_path)
    (folder / "zero").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe")
    os.link(secret, folder / "hard.txt")
    (folder / "bell\x07.txt").write_text("x")
    (folder / "page.html").write_text("<script>x</script>")
    return folder


def test_scan_lists_every_irregular_entry(hostile_folder: Path) -> None:
    found = {r.path: r.why for r in scan(hostile_folder)}
    assert set(found) == {
        "key.ipynb", "data/up", "zero", "pipe", "hard.txt", "bell\x07.txt", "page.html",
    }  # fmt: skip
    assert found["pipe"] == "a named pipe"
    assert found["hard.txt"].startswith("a hard link")


def test_quarantine_moves_them_aside_and_records_them(hostile_folder: Path) -> None:
    course = hostile_folder.parents[2]
    refused = quarantine(hostile_folder, course, "mallory", "m1")
    assert len(refused) == 7
    assert sorted(p.name for p in hostile_folder.rglob("*")) == ["data", "m1.ipynb", "ok.csv"]
    assert len(read_refusals(course, "mallory", "m1")) == 7
    notes = refusal_notes(course, "mallory", "m1")
    assert "refused bell\\x07.txt (control characters in its name)" in notes
    assert quarantine(hostile_folder, course, "mallory", "m1") == []  # nothing left


def test_a_linked_submission_folder_is_refused_whole(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)
    assert [r.path for r in scan(tmp_path / "linked")] == ["."]


def test_copy_regular_tree_copies_only_regular_files(hostile_folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy"
    refused = copy_regular_tree(hostile_folder, target)
    assert len(refused) == 7
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == [
        "data", "data/ok.csv", "m1.ipynb",
    ]  # fmt: skip


# -- forged results -----------------------------------------------------------------------------
FORGERIES = {
    "transformer": "get_ipython().input_transformers_cleanup.append(lambda l: l)",
    "fullwidth": "\uff47\uff45\uff54\uff3f\uff49\uff50\uff59\uff54\uff48\uff4f\uff4e().events",
    "hook": "ip = get_ipython()\nip.events.register('pre_run_cell', print)",
    "reload": "import importlib\nimportlib.reload = lambda m: m",
    "sys-modules": "import sys\nsys.modules['postparis.checks'] = None",
    "builtins": "import builtins\nbuiltins.isinstance = lambda *a: True",
    "dunder-builtins": "__builtins__.isinstance = lambda *a: True",
    "always-equal": "class A:\n    def __eq__(self, other):\n        return True",
    "rebind-builtin": "isinstance = lambda *a: True",
    "rebind-import": "expect = print",
    "patch-module": "pd.DataFrame.equals = lambda *a: True",
    "confusable": "answ\u0435r = 1",
    "getattr": "getattr(x, 'input_' + 'transformers')",
    "exec": "exec('x = 1')",
    "magic": "%load_ext evil",
    "shell": "!rm -rf ~",
    "metaclass": "class A(metaclass=M):\n    pass",
    "mock": "from unittest.mock import ANY\nanswer = ANY",
    "checks": "import postparis.checks as c",
    "type3": "A = type('A', (), {})",
}


@pytest.mark.parametrize(("kind", "code"), FORGERIES.items())
def test_each_forgery_is_found(kind: str, code: str) -> None:
    assert analyse_cell(0, code, {"expect", "pd"}), kind


@pytest.mark.parametrize("module", MODULES)
def test_the_key_and_the_blank_are_never_flagged(module: str) -> None:
    nb = nbformat.read(SOURCE / module / f"{module}.ipynb", as_version=4)
    trusted = [c.source for c in nb.cells if c.cell_type == "code" and cell_role(c) == "tests"]
    student = [
        (i, c.source)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and cell_role(c) != "tests"
    ]
    assert analyse_cells(student, trusted + [s for _, s in student]) == []
    blank = [(i, "# YOUR CODE HERE\nraise NotImplementedError()") for i, _ in student]
    assert analyse_cells(blank, trusted) == []


def test_harmless_magics_and_displays_are_not_flagged() -> None:
    code = (
        "%matplotlib inline\nfrom IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))"
    )
    assert analyse_cell(0, code, set()) == []


# -- hidden tests in feedback ---------------------------------------------------------------------
def test_outputs_quoting_hidden_tests_are_removed() -> None:
    test = nbformat.v4.new_code_cell(
        "expect(x == 1)\n### BEGIN HIDDEN TESTS\nassert answer == 12, 'secret message'\n"
        "### END HIDDEN TESTS\nprint('Well done: x is fine.')"
    )
    test.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="assert answer == 12\n"),
        nbformat.v4.new_output("stream", name="stdout", text="Well done: x is fine.\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "anything"}),
    ]
    later = nbformat.v4.new_code_cell("y")
    later.outputs = [
        nbformat.v4.new_output(
            "stream", name="stdout", text="leak: assert answer == 12, 'secret message'"
        )
    ]
    nb = _notebook(test, later)
    RedactHiddenTests().preprocess(nb, {})
    assert [o.get("text") for o in nb.cells[0].outputs] == ["Well done: x is fine.\n"]
    assert "secret" not in json.dumps(nb.cells[1].outputs)
