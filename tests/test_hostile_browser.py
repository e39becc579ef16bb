"""A logged-in instructor opens a hostile submission in the formgrader: nothing runs.

nbgrader's formgrader shows a submission as HTML on the Jupyter server's own origin, so a
script in it would act with the instructor's rights through the Jupyter API. Here one
hostile notebook (scripts, event handlers, ``javascript:`` links, frames, forms,
JavaScript and SVG outputs, raw HTML in Markdown) is submitted by two students and
autograded with the course's configuration. For the *control* student, the graded
notebook is then replaced by the raw submission, as nbgrader would store it without the
course's sanitizer. Chromium, logged in as the instructor, opens both submissions in
the formgrader:

- the control's page runs the attack: it writes a file through ``/api/contents`` and
  starts a kernel (so the attack and the detection are real);
- the graded page reaches no Jupyter API: no file written, no kernel started, no
  request to ``/api/contents`` or ``/api/kernels``.
"""

from __future__ import annotations

import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nbformat
import pytest
from browser_support.chromium import TrackedPage
from browser_support.lab import LabServer, start_lab

from postparis_instructor.course import CourseWorkspace

pytest_plugins = ["browser_support.fixtures"]
pytestmark = [pytest.mark.slow, pytest.mark.browser]

MODULE = "00-start-here"
MARK = "pwned-by-student"
#: What the attacker's script does with the instructor's session: write a file, start a kernel.
ATTACK = (
    "(function(){var x=(document.cookie.match(/_xsrf=([^;]+)/)||[])[1]||'';"
    "var h={'X-XSRFToken':decodeURIComponent(x),'Content-Type':'application/json'};"
    f"fetch('/api/contents/{MARK}-' + Math.random().toString(36).slice(2) + '.txt',"
    "{method:'PUT',headers:h,body:JSON.stringify({type:'file',format:'text',content:'x'})});"
    "fetch('/api/kernels',{method:'POST',headers:h,body:'{}'});})()"
)
ATTACK_ATTR = ATTACK.replace("'", "&#39;")


def _hostile_notebook(key: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(key, as_version=4)
    markdown = "\n\n".join(
        [
            "A hostile Markdown cell.",
            f"<script>{ATTACK}</script>",
            f'<img src="x" onerror="{ATTACK_ATTR}">',
            f'<svg><script>{ATTACK}</script></svg><details open ontoggle="{ATTACK_ATTR}"></details>',
            f'<iframe srcdoc="<script>{ATTACK_ATTR}</script>"></iframe>',
        ]
    )
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(markdown))
    code = (
        "from IPython.display import HTML, Javascript, display\n"
        f"display(HTML({('<img src=x onerror=' + chr(34) + ATTACK_ATTR + chr(34) + '>')!r}))\n"
        f"display(Javascript({ATTACK!r}))\n"
    )
    nb.cells.insert(2, nbformat.v4.new_code_cell(code))
    return nb


@pytest.fixture(scope="module")
def hostile_course(tmp_path_factory: pytest.TempPathFactory) -> CourseWorkspace:
    workspace = CourseWorkspace(tmp_path_factory.mktemp("browser-hostile") / "course", [MODULE])
    workspace.generate(MODULE)
    hostile = _hostile_notebook(workspace.source_notebook(MODULE))
    for student in ("attacker", "control"):
        folder = workspace.root / "submitted" / student / MODULE
        folder.mkdir(parents=True)
        nbformat.write(hostile, folder / f"{MODULE}.ipynb")
    workspace.autograde(MODULE)
    # The control: the graded notebook as it would be without the course's sanitizer.
    graded = workspace.root / "autograded" / "control" / MODULE / f"{MODULE}.ipynb"
    raw = nbformat.read(graded, as_version=4)
    for cell, hostile_cell in zip(raw.cells[:3], hostile.cells[:3], strict=True):
        cell.source = hostile_cell.source
    raw.cells[2].outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": f'<img src=x onerror="{ATTACK_ATTR}">'}
        ),
        nbformat.v4.new_output("display_data", data={"application/javascript": ATTACK}),
    ]
    graded.chmod(stat.S_IRUSR | stat.S_IWUSR)
    nbformat.write(raw, graded)
    return workspace


@pytest.fixture(scope="module")
def formgrader(
    hostile_course: CourseWorkspace, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    server = start_lab(
        Path(sys.executable).parent,
        hostile_course.root,
        tmp_path_factory.mktemp("browser-hostile-server"),
        environment=hostile_course.env(),
    )
    try:
        yield server
    finally:
        server.shut_down_kernels()
        server.stop()


def _submission_id(workspace: CourseWorkspace, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(workspace.gradebook_url) as gradebook:
        return str(gradebook.find_submission_notebook(MODULE, MODULE, student).id)


def _open_as_instructor(
    server: LabServer, new_page: Callable[[], TrackedPage], submission: str
) -> list[str]:
    """Open a submission in the formgrader, logged in; return the API requests it made."""
    tracked = new_page()
    requests: list[str] = []
    tracked.page.on(
        "request",
        lambda request: (
            requests.append(f"{request.method} {request.url}")
            if "/api/contents" in request.url or "/api/kernels" in request.url
            else None
        ),
    )
    tracked.page.goto(server.url("formgrader"))  # logs in with the token: a session cookie
    tracked.page.goto(f"{server.base_url}formgrader/submissions/{submission}/")
    tracked.page.wait_for_load_state("networkidle")
    time.sleep(2)  # let any timer or late handler fire
    tracked.page.close()
    return requests


def _written(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(MARK))


def test_a_hostile_submission_reaches_no_jupyter_api_in_the_formgrader(
    hostile_course: CourseWorkspace,
    formgrader: LabServer,
    new_page: Callable[[], TrackedPage],
) -> None:
    root = hostile_course.root
    assert formgrader.kernel_ids() == []
    # The control proves the attack and its detection: unsanitized, it runs.
    control = _open_as_instructor(formgrader, new_page, _submission_id(hostile_course, "control"))
    assert any(r.startswith("PUT") for r in control), control
    assert _written(root), "the control's script did not write through /api/contents"
    assert formgrader.kernel_ids(), "the control's script did not start a kernel"
    formgrader.shut_down_kernels()
    for path in root.glob(f"{MARK}*"):
        path.unlink()
    # The graded submission: nothing runs.
    attacker = _open_as_instructor(formgrader, new_page, _submission_id(hostile_course, "attacker"))
    assert attacker == []
    assert _written(root) == []
    assert formgrader.kernel_ids() == []
