"""A whole class on a JupyterHub, driven over HTTP (issue 13).

The module-scoped ``flow`` fixture builds (or reuses) the world-readable course
environment, creates three throw-away Unix users (``pp-test-XXXXXX-teacher``, ``-alice``
and ``-bob``) with PAM passwords, starts the Hub of ``deploy/jupyterhub`` by its PID
and runs the classroom flow as the users would, through the proxy:

* everyone logs in through the Hub's login form and makes an API token;
* the three servers start at once;
* the instructor generates and releases a course module through the formgrader API;
* each learner lists, fetches, edits (Alice answers right, Bob wrong), validates and
  submits through nbgrader's assignment-list endpoints on their own server;
* the instructor collects, autogrades, generates and releases feedback;
* each learner fetches and reads their own feedback.

The tests then check the outcome (grades, feedback), the plugin sets (no formgrader
for learners) and the isolation between learners, over HTTP and on disk. The
fixture's teardown stops the Hub by its PID, checks that the proxy and every server
are gone, and removes the users, groups and folders it made.

Root on Linux is needed (Unix users, PAM, the local-process spawner): elsewhere the
tests skip, except under CI (``CI=true``), where a skip would hide a broken deployment.
"""

from __future__ import annotations

import concurrent.futures
import copy
import html as htmllib
import importlib
import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
CLASSROOM_SCRIPT = REPO / "deploy" / "jupyterhub" / "classroom.py"

# The course module graded for the two learners, from the course's nbgrader source.
MODULE_ID = "00-start-here"
COURSE_SOURCE = REPO / "assignments" / "source"

# Bob's wrong answers, by nbgrader grade_id; a solution cell missing here keeps the
# released stub (which raises NotImplementedError), which is wrong too. Alice's answers
# are the source notebook's solutions.
WRONG_ANSWERS: dict[str, dict[str, str]] = {
    "00-start-here": {
        # Brennan first speaks in paragraph 12; the proposals are 12, 15, 18-23.
        "brennan_first_paragraph_answer": "brennan_first_paragraph = 3\n",
        "proposal_paragraphs_answer": "proposal_paragraphs = [12, 15]\nproposal_paragraphs\n",
    },
}

COURSE_ID = "postparis"
SOLUTION_MARKERS = re.compile(r"^\s*#+\s*(BEGIN|END) SOLUTION\s*$")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


# --------------------------------------------------------------------------- set-up helpers


def load_classroom() -> ModuleType:
    """Import deploy/jupyterhub/classroom.py as deploy/shared-machine/shared_machine.py does:
    by its folder, put first on the path just for the import."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(CLASSROOM_SCRIPT.parent))
        return importlib.import_module(CLASSROOM_SCRIPT.stem)


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine; fail under CI, where the Hub test must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the JupyterHub test cannot run under CI: {reason}")
    pytest.skip(reason)


def solution_sources(notebook: dict[str, Any]) -> dict[str, str]:
    """Map each solution cell's grade_id to its answer: the source without the markers."""
    answers = {}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution"):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines = [ln for ln in source.splitlines() if not SOLUTION_MARKERS.match(ln)]
            answers[meta["grade_id"]] = "\n".join(lines) + "\n"
    return answers


def answer_notebook(released: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    """Return a copy of a released notebook with ``answers`` written into its solution cells."""
    notebook = copy.deepcopy(released)
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in answers:
            cell["source"] = answers[meta["grade_id"]]
    return notebook


def visible_text(html: str) -> str:
    """Return the text a reader sees in an HTML page: no styles or tags, spaces collapsed."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.DOTALL | re.IGNORECASE)
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", html))
    return re.sub(r"\s+", " ", text)


# --------------------------------------------------------------------------- HTTP helpers


@dataclass
class HubUser:
    """A classroom account seen from outside: its login session and API token."""

    name: str
    password: str
    url: str
    session: requests.Session = field(default_factory=requests.Session)
    token: str = ""

    def login(self, password: str | None = None) -> Any:
        """Log in through the Hub's form (PAM checks the password); return the response."""
        page = self.session.get(f"{self.url}/hub/login", timeout=30)
        page.raise_for_status()
        xsrf = self.session.cookies.get("_xsrf", path="/hub/")
        return self.session.post(
            f"{self.url}/hub/login",
            data={
                "username": self.name,
                "password": self.password if password is None else password,
                "_xsrf": xsrf,
            },
            allow_redirects=False,
            timeout=30,
        )

    def make_token(self) -> None:
        """Ask the Hub for an API token with the logged-in session, as /hub/token does."""
        xsrf = self.session.cookies.get("_xsrf", path="/hub/")
        response = self.session.post(
            f"{self.url}/hub/api/users/{self.name}/tokens",
            json={"note": "classroom integration test", "expires_in": 3600},
            headers={"X-XSRFToken": xsrf},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        self.token = response.json()["token"]

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request with this user's token (path starts with /hub or /user)."""
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        kwargs.setdefault("timeout", 300)
        kwargs.setdefault("allow_redirects", False)
        return self.session.request(method, f"{self.url}{path}", headers=headers, **kwargs)

    def on_server(self, method: str, path: str, *, owner: str | None = None, **kwargs: Any) -> Any:
        """Call a path on a single-user server (this user's own unless ``owner`` says)."""
        return self.call(method, f"/user/{owner or self.name}{path}", **kwargs)

    def json_ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call this user's server, expect 200 and nbgrader's ``success``; return the value."""
        response = self.on_server(method, path, **kwargs)
        assert response.status_code == 200, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        body = response.json()
        if isinstance(body, dict) and "success" in body:
            assert body["success"], f"{method} {path} failed: {json.dumps(body)[:3000]}"
            return body.get("value", body)
        return body

    def server_ready(self) -> bool:
        """Tell whether the Hub reports this user's default server as ready."""
        response = self.call("GET", f"/hub/api/users/{self.name}")
        response.raise_for_status()
        return bool(response.json().get("servers", {}).get("", {}).get("ready"))

    def read_notebook(self, path: str) -> dict[str, Any]:
        """Fetch a notebook from this user's server through the contents API."""
        response = self.on_server("GET", f"/api/contents/{path}", params={"content": "1"})
        assert response.status_code == 200, response.text
        return response.json()["content"]

    def write_notebook(self, path: str, notebook: dict[str, Any]) -> None:
        """Save a notebook on this user's server through the contents API."""
        body = {"type": "notebook", "format": "json", "content": notebook}
        response = self.on_server("PUT", f"/api/contents/{path}", json=body)
        assert response.status_code in (200, 201), response.text

    def read_text(self, path: str) -> str:
        """Fetch a text file (feedback HTML) from this user's server."""
        response = self.on_server(
            "GET",
            f"/api/contents/{path}",
            params={"content": "1", "format": "text", "type": "file"},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["content"])

    def lab_disabled_extensions(self) -> set[str]:
        """Read the JupyterLab page config of this user's server: the disabled plugins."""
        response = self.on_server("GET", "/lab")
        assert response.status_code == 200, response.text[:500]
        match = re.search(
            r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
            response.text,
            re.DOTALL,
        )
        assert match, "no page config in /lab"
        disabled = json.loads(match.group(1)).get("disabledExtensions", [])
        return set(
            disabled if isinstance(disabled, list) else [k for k, v in disabled.items() if v]
        )


# --------------------------------------------------------------------------- the flow


@dataclass
class Flow:
    """Everything the classroom flow produced, for the tests to check."""

    classroom: ModuleType
    room: Any
    module_id: str
    teacher: HubUser
    alice: HubUser
    bob: HubUser
    timings: dict[str, float] = field(default_factory=dict)
    bad_login_status: int = 0
    validation: dict[str, Any] = field(default_factory=dict)
    grades: dict[str, dict[str, Any]] = field(default_factory=dict)
    feedback: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)
    notebook_paths: dict[str, str] = field(default_factory=dict)

    @property
    def learners(self) -> list[HubUser]:
        """Alice (right answers) and Bob (wrong answers)."""
        return [self.alice, self.bob]

    @property
    def everyone(self) -> list[HubUser]:
        """The instructor and the two learners."""
        return [self.teacher, self.alice, self.bob]


def start_servers(users: list[HubUser], timeout: float = 180.0) -> None:
    """Ask the Hub to start every user's server at once; wait until all are ready."""

    def spawn(user: HubUser) -> None:
        response = user.call("POST", f"/hub/api/users/{user.name}/server")
        assert response.status_code in (201, 202), f"{user.name}: {response.text}"

    with concurrent.futures.ThreadPoolExecutor(len(users)) as pool:
        list(pool.map(spawn, users))
    deadline = time.monotonic() + timeout
    waiting = list(users)
    while waiting and time.monotonic() < deadline:
        waiting = [u for u in waiting if not u.server_ready()]
        time.sleep(0.3)
    assert not waiting, f"servers not ready after {timeout:.0f} s: {[u.name for u in waiting]}"


def run_learner_side(flow: Flow, user: HubUser, answers: dict[str, str]) -> None:
    """List, fetch, answer, validate and submit the module as one learner."""
    query = {"course_id": COURSE_ID}
    listed = user.json_ok("GET", "/assignments", params=query)
    assert [(a["assignment_id"], a["status"]) for a in listed] == [(flow.module_id, "released")]
    fetched = user.json_ok(
        "POST", "/assignments/fetch", params={**query, "assignment_id": flow.module_id}
    )
    (assignment,) = fetched
    assert assignment["status"] == "fetched"
    (notebook,) = [n for n in assignment["notebooks"] if n["notebook_id"] == flow.module_id]
    path = notebook["path"]
    flow.notebook_paths[user.name] = path
    # The module's links to the glossary open: it is released beside the notebook.
    glossary = user.read_notebook(path.rsplit("/", 1)[0] + "/glossary.ipynb")
    assert any("glossary" in "".join(c["source"]).lower() for c in glossary["cells"])
    user.write_notebook(path, answer_notebook(user.read_notebook(path), answers))
    flow.validation[user.name] = user.json_ok(
        "POST", "/assignments/validate", params={"path": path}
    )
    submitted = user.json_ok(
        "POST", "/assignments/submit", params={**query, "assignment_id": flow.module_id}
    )
    statuses = sorted(a["status"] for a in submitted)
    assert statuses == ["fetched", "submitted"], submitted
    (assignment,) = [a for a in submitted if a["status"] == "submitted"]
    assert len(assignment["submissions"]) == 1


def run_feedback_side(flow: Flow, user: HubUser) -> None:
    """Fetch and read one learner's feedback."""
    listed = user.json_ok(
        "POST",
        "/assignments/fetch_feedback",
        params={"course_id": COURSE_ID, "assignment_id": flow.module_id},
    )
    (assignment,) = [a for a in listed if a["status"] == "submitted"]
    (submission,) = assignment["submissions"]
    assert submission["has_local_feedback"], submission
    folder = submission["local_feedback_path"]
    flow.feedback[user.name] = user.read_text(f"{folder}/{flow.module_id}.html")


@pytest.fixture(scope="module")
def flow() -> Iterator[Flow]:
    """Set up a throw-away classroom, run the whole flow over HTTP, tear everything down."""
    if sys.platform != "linux" or os.geteuid() != 0:
        skip_or_fail("needs root on Linux (Unix users, PAM, the local-process spawner)")
    for tool in ("useradd", "userdel", "chpasswd", "runuser", "npm"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} not found")
    classroom = load_classroom()
    module_id, source = MODULE_ID, COURSE_SOURCE
    if not (source / module_id / f"{module_id}.ipynb").exists():
        pytest.fail(f"the course module {module_id} is missing from {source}")
    timings: dict[str, float] = {}
    started = time.monotonic()
    toolchain = classroom.ensure_toolchain()
    timings["environment (cached unless the lock changed)"] = time.monotonic() - started

    prefix = f"pp-test-{secrets.token_hex(3)}"
    state = Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir="/tmp"))
    accounts = {
        role: classroom.Account(f"{prefix}-{role}", secrets.token_urlsafe(12), kind)
        for role, kind in (("teacher", "instructor"), ("alice", "learner"), ("bob", "learner"))
    }
    room = classroom.Classroom(
        state=state,
        prefix=prefix,
        instructors=[accounts["teacher"]],
        learners=[accounts["alice"], accounts["bob"]],
        public_port=classroom.free_port(),
        hub_port=classroom.free_port(),
        proxy_api_port=classroom.free_port(),
    )
    proxy_pid = None
    users: dict[str, HubUser] = {}
    try:
        room.prepare_state()
        room.create_accounts()
        room.install_course([module_id], source)
        flow_started = time.monotonic()
        timings["hub up"] = room.start_hub(toolchain)
        proxy_pid = room.proxy_pid()
        users = {role: HubUser(acc.name, acc.password, room.url) for role, acc in accounts.items()}
        result = Flow(
            classroom=classroom,
            room=room,
            module_id=module_id,
            teacher=users["teacher"],
            alice=users["alice"],
            bob=users["bob"],
            timings=timings,
        )
        yield run_flow(result, source, flow_started)
    finally:
        for user in users.values():
            user.session.close()
        leftovers = stop_and_remove(classroom, room, proxy_pid)
        shutil.rmtree(state, ignore_errors=True)
    assert not leftovers, f"processes outlived the classroom: {leftovers}"


def run_flow(flow: Flow, source: Path, flow_started: float) -> Flow:
    """Drive the classroom from logins to feedback; record what the tests check."""
    timings = flow.timings
    mark = time.monotonic()
    flow.bad_login_status = flow.bob.login(password="not-" + flow.bob.password).status_code
    for user in flow.everyone:
        response = user.login()
        assert response.status_code == 302, f"{user.name} could not log in: {response.text[:500]}"
        user.make_token()
    timings["three logins (PAM) and tokens"] = time.monotonic() - mark

    mark = time.monotonic()
    start_servers(flow.everyone)
    timings["three servers ready"] = time.monotonic() - mark

    teacher, module = flow.teacher, flow.module_id
    mark = time.monotonic()
    teacher.json_ok("POST", f"/formgrader/api/assignment/{module}/assign")
    teacher.json_ok("POST", f"/formgrader/api/assignment/{module}/release")
    timings["generate and release"] = time.monotonic() - mark

    source_notebook = json.loads((source / module / f"{module}.ipynb").read_text())
    flow.answers = solution_sources(source_notebook)
    mark = time.monotonic()
    run_learner_side(flow, flow.alice, flow.answers)
    run_learner_side(flow, flow.bob, WRONG_ANSWERS.get(module, {}))
    timings["two learners fetch, answer, validate, submit"] = time.monotonic() - mark

    mark = time.monotonic()
    teacher.json_ok("POST", f"/formgrader/api/assignment/{module}/collect")
    for learner in flow.learners:
        teacher.json_ok("POST", f"/formgrader/api/submission/{module}/{learner.name}/autograde")
    submissions = teacher.json_ok("GET", f"/formgrader/api/submissions/{module}")
    flow.grades = {s["student"]: s for s in submissions}
    teacher.json_ok("POST", f"/formgrader/api/assignment/{module}/generate_feedback")
    teacher.json_ok("POST", f"/formgrader/api/assignment/{module}/release_feedback")
    timings["collect, autograde, feedback"] = time.monotonic() - mark

    for learner in flow.learners:
        run_feedback_side(flow, learner)
    timings["whole flow (hub start to feedback read)"] = time.monotonic() - flow_started
    # The times are reported (shown with -s), never asserted: speed is a benchmark's job.
    print(f"\nJupyterHub classroom ({flow.module_id}), seconds:")
    for label, seconds in timings.items():
        print(f"  {label:<48} {seconds:6.1f}")
    return flow


def stop_and_remove(classroom: ModuleType, room: Any, proxy_pid: int | None) -> list[int]:
    """Stop the Hub by PID, list what survived it, then remove users, groups and state."""
    uids = room.user_uids()
    hub_pid = room.hub_pid
    room.stop()
    survivors = [pid for pid in (hub_pid, proxy_pid) if pid and classroom.alive(pid)]
    survivors += classroom.processes_of(uids)
    room.purge()
    for account in room.accounts:
        assert subprocess.run(["id", account.name], capture_output=True, check=False).returncode
    return survivors


# --------------------------------------------------------------------------- the tests


def test_pam_login_accepts_the_password_and_rejects_a_wrong_one(flow: Flow) -> None:
    assert flow.bad_login_status == 403
    for user in flow.everyone:
        assert user.token


def test_correct_learner_gets_full_marks_and_wrong_learner_does_not(flow: Flow) -> None:
    right, wrong = flow.grades[flow.alice.name], flow.grades[flow.bob.name]
    assert right["autograded"]
    assert wrong["autograded"]
    assert right["max_code_score"] > 0
    assert right["code_score"] == right["max_code_score"], right
    if not right["needs_manual_grade"]:
        assert right["score"] == right["max_score"], right
    assert wrong["code_score"] < wrong["max_code_score"], wrong
    if flow.module_id in WRONG_ANSWERS:
        # Every wrong answer fails its tests.
        assert wrong["code_score"] == 0, wrong


def test_validation_tells_each_learner_how_they_did(flow: Flow) -> None:
    right, wrong = flow.validation[flow.alice.name], flow.validation[flow.bob.name]
    assert not right.get("failed"), right
    assert not right.get("changed"), right
    assert wrong.get("failed"), wrong


def test_each_learner_receives_their_own_feedback(flow: Flow) -> None:
    heading = re.compile(rf"<h4>{re.escape(flow.module_id)} \(Score: ([\d.]+) / ([\d.]+)\)</h4>")
    for learner in flow.learners:
        grade = flow.grades[learner.name]
        match = heading.search(flow.feedback[learner.name])
        assert match, f"no score heading in {learner.name}'s feedback"
        assert float(match.group(1)) == pytest.approx(grade["score"])
        assert float(match.group(2)) == pytest.approx(grade["max_score"])
    alice_sees = visible_text(flow.feedback[flow.alice.name])
    bob_sees = visible_text(flow.feedback[flow.bob.name])
    for answer in WRONG_ANSWERS.get(flow.module_id, {}).values():
        first_line = answer.splitlines()[0]
        assert first_line in bob_sees
        assert first_line not in alice_sees
    for answer in flow.answers.values():
        first_line = answer.splitlines()[0]
        assert first_line in alice_sees
        assert first_line not in bob_sees


def test_learners_get_the_learners_plugin_set(flow: Flow) -> None:
    instructor_only = {
        "@jupyter/nbgrader:formgrader",
        "@jupyter/nbgrader:create-assignment",
        "@jupyter/nbgrader:course-list",
    }
    for learner in flow.learners:
        assert learner.on_server("GET", "/formgrader/api/status").status_code == 404
        assert learner.on_server("GET", "/formgraders").status_code == 404
        assert instructor_only <= learner.lab_disabled_extensions()
        assert "@jupyter/nbgrader:assignment-list" not in learner.lab_disabled_extensions()
    assert flow.teacher.on_server("GET", "/formgrader/api/status").status_code == 200
    assert flow.teacher.on_server("GET", "/formgraders").status_code == 200
    assert not instructor_only & flow.teacher.lab_disabled_extensions()


def test_a_learners_token_reaches_no_other_server(flow: Flow) -> None:
    alice, bob, teacher = flow.alice, flow.bob, flow.teacher
    bob_notebook = f"/api/contents/{flow.notebook_paths[bob.name]}"
    assert bob.on_server("GET", bob_notebook).status_code == 200
    assert alice.on_server("GET", bob_notebook, owner=bob.name).status_code == 403
    assert alice.on_server("GET", "/api/contents", owner=teacher.name).status_code == 403
    formgrader = f"/formgrader/api/submissions/{flow.module_id}"
    assert alice.on_server("GET", formgrader, owner=teacher.name).status_code == 403
    assert alice.call("POST", f"/hub/api/users/{bob.name}/server").status_code in (403, 404)
    assert alice.call("GET", f"/hub/api/users/{bob.name}").status_code in (403, 404)


def as_user(name: str, *command: str) -> int:
    """Run a command as a Unix user; return its exit code."""
    return subprocess.run(
        ["runuser", "-u", name, "--", *command], capture_output=True, check=False
    ).returncode


def test_files_keep_learners_apart(flow: Flow) -> None:
    room = flow.room
    for account in room.accounts:
        assert stat.S_IMODE(account.home.stat().st_mode) == 0o700, account.name
    assert stat.S_IMODE(room.exchange.stat().st_mode) == 0o1777
    alice, bob = flow.alice.name, flow.bob.name
    course_root = room.course_root(room.instructors[0])
    bob_home = room.learners[1].home
    assert as_user(alice, "ls", str(bob_home)) != 0
    assert as_user(alice, "cat", str(bob_home / flow.notebook_paths[bob])) != 0
    assert as_user(alice, "ls", str(course_root)) != 0
    assert as_user(alice, "ls", str(room.exchange / COURSE_ID / "inbound")) != 0
    assert as_user(alice, "ls", str(room.exchange / COURSE_ID / "outbound")) == 0
