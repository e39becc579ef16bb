"""A class on one shared machine, with real Unix accounts, following the instructor's guide.

The module-scoped ``klass`` fixture creates throw-away accounts (an instructor and three
learners, uids in a range of this module's own), clones the repository into the
instructor's home (not under /tmp: a grading kernel may get a private /tmp), and runs
the guide's commands literally, each as its account in a login shell (``runuser -l``):
the one-command set-up (as root: the guide runs it with ``sudo``), generate, release;
each learner fetches, answers (Ada right, Ben the first three exercises, Cy nothing),
validates and submits; Ada's and the instructor's JupyterLab start (the learner's
without instructor menus, the instructor's with the formgrader); the instructor
collects, grades, exports, generates and releases feedback; each learner fetches
feedback. The tests then check every grade, that each learner sees only their own
feedback, and that the set-up's undo leaves nothing behind. The teardown removes the
accounts, the set-up and every file made, even after a failure.

Root on Linux is needed (accounts, /etc, /usr/local/bin): CI runs as root.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "instructor-guide.md"
MODULE = "01-the-argument"
UID_FIRST = 2_101_700_000  # a range of this module's own (the sandbox tests use others)
EXCHANGE = Path("/srv/nbgrader/exchange")
SYSTEM_CONFIG = Path("/etc/jupyter/nbgrader_config.py")
LINKS = [Path("/usr/local/bin") / name for name in ("nbgrader", "jupyter", "postparis-instructor")]
LEARNER_CONFIG = Path("/etc/jupyter/postparis-learners")
INSTRUCTOR_MENUS = ("formgrader", "create-assignment", "course-list")

# The guide's commands, copied from docs/instructor-guide.md (a test checks they are there).
CLONE = "git clone https://github.com/postparis-course/postparis.git postparis && cd postparis"
SET_UP = "sudo python3 deploy/shared-machine/shared_machine.py up --roster students.csv"
UNDO = "sudo python3 deploy/shared-machine/shared_machine.py down"
INSTRUCTOR_RELEASE = [
    f"nbgrader generate_assignment {MODULE}",
    f"nbgrader release_assignment {MODULE}",
]
LEARNER_FETCH = f"nbgrader fetch_assignment {MODULE}"
LEARNER_LAB = "jupyter lab"
LEARNER_VALIDATE = f"nbgrader validate {MODULE}/{MODULE}.ipynb"
LEARNER_SUBMIT = f"nbgrader submit {MODULE}"
INSTRUCTOR_GRADE = [
    f"nbgrader collect {MODULE}",
    f"postparis-instructor grade {MODULE}",
    "nbgrader export --to grades.csv",
    f"nbgrader generate_feedback {MODULE}",
    f"nbgrader release_feedback {MODULE}",
]
LEARNER_FEEDBACK = f"nbgrader fetch_feedback {MODULE}"
INSTRUCTOR_LAB = "postparis-instructor lab"

# Each learner's answers: Ada the answer key's, Ben the key's for the first three
# exercises (1 + 2 + 2 points), Cy none; a solution cell not answered keeps its stub.
ANSWERED = {"ada": None, "ben": 3, "cy": 0}  # how many of the key's answers, None: all
EXPECTED = {"ada": 15.0, "ben": 5.0, "cy": 0.0}  # of 15 automatic points
MAX_SCORE = 19  # 15 automatic + 4 for the written question, graded by hand


def key_answers(clone: Path) -> list[tuple[str, str]]:
    """Return (grade_id, source) of every answer cell of the module's key, in order."""
    key = json.loads(
        (clone / "assignments" / "source" / MODULE / f"{MODULE}.ipynb").read_text(encoding="utf-8")
    )
    answers = []
    for cell in key["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            text = cell["source"]
            answers.append((meta["grade_id"], "".join(text) if isinstance(text, list) else text))
    return answers


pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
    pytest.mark.skipif(
        sys.platform != "linux" or os.geteuid() != 0,
        reason="creates Unix accounts and sets up /etc and /usr/local/bin: root only "
        "(CI runs as root)",
    ),
]


@dataclass
class Class:
    """The accounts, the clone and what each step printed and took."""

    token: str
    teacher: str
    learners: dict[str, str]  # short name -> account name
    clone: Path = Path()
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    labs: dict[str, LabView] = field(default_factory=dict)  # "learner", "instructor"

    def home(self, account: str) -> Path:
        """An account's home folder."""
        return Path("/home") / account


def as_user(account: str, command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run one shell command as ``account`` in a login shell (PATH as a login gives it)."""
    done = subprocess.run(
        ["runuser", "-l", account, "-c", f"cd {shlex.quote(str(cwd))} && {command}"],
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, f"{account}$ {command}\n{done.stdout}\n{done.stderr}"
    return done


def as_root(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a guide line that starts with ``sudo`` as root (what sudo gives the instructor)."""
    assert command.startswith("sudo ")
    done = subprocess.run(
        shlex.split(command.removeprefix("sudo ")),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )
    assert done.returncode == 0, f"# {command}\n{done.stdout}\n{done.stderr}"
    return done


def answer(notebook: Path, answers: dict[str, str], owner: str) -> None:
    """Write ``answers`` into the learner's fetched notebook (as its owner would save it)."""
    data: dict[str, Any] = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in data["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell["source"] = answers[grade_id]
    notebook.write_text(json.dumps(data, indent=1), encoding="utf-8")
    shutil.chown(notebook, owner, owner)


def add_account(name: str, uid: int) -> None:
    """Create an account with a private home folder and the given uid."""
    subprocess.run(
        [
            "useradd",
            "--create-home",
            "--no-log-init",
            "--uid",
            str(uid),
            "--user-group",
            "--shell",
            "/bin/bash",
            name,
        ],
        check=True,
        capture_output=True,  # useradd warns that the uid is above UID_MAX: that is the point
    )
    (Path("/home") / name).chmod(0o700)


def remove_account(name: str) -> None:
    """Kill what the account still runs, then delete it and its home folder."""
    subprocess.run(["pkill", "-KILL", "-u", name], check=False)
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


@dataclass
class LabView:
    """What one account's JupyterLab showed."""

    disabled: set[str]  # JupyterLab plugins disabled in its page
    formgrader: int  # HTTP status of the formgrader's assignment list
    assignments: list[dict[str, Any]]  # its Assignments tab (learners), or [] for the instructor


def lab_view(account: str, command: str, cwd: Path, learner: bool) -> LabView:
    """Start ``command`` (a JupyterLab) as ``account`` in ``cwd``, look at it, stop it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = secrets.token_hex(16)
    command = (
        f"{command} --no-browser --ip=127.0.0.1 --port={port} "
        f"--ServerApp.port_retries=0 --IdentityProvider.token={token}"
    )
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in the finally below
    server = subprocess.Popen(
        ["runuser", "-l", account, "-c", f"cd {shlex.quote(str(cwd))} && exec {command}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                log.seek(0)
                pytest.fail(f"{command} stopped:\n{log.read()[-2000:]}")
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{url}/api/status", headers=headers, timeout=5).ok:
                    break
            assert time.monotonic() < deadline, f"{command} did not answer in 120 s"
            time.sleep(0.5)
        page = requests.get(f"{url}/lab", headers=headers, timeout=60)
        page.raise_for_status()
        data = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page.text, re.S)
        assert data, page.text[:500]
        disabled = set(json.loads(data[1]).get("disabledExtensions", []))
        formgrader = requests.get(
            f"{url}/formgrader/api/assignments", headers=headers, timeout=60
        ).status_code
        assignments: list[dict[str, Any]] = []
        if learner:
            listing = requests.get(
                f"{url}/assignments", params={"course_id": "postparis"}, headers=headers, timeout=60
            )
            listing.raise_for_status()
            reply = listing.json()
            assert reply["success"], reply
            assignments = list(reply["value"])
        return LabView(disabled, formgrader, assignments)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def step(room: Class, label: str, action: Any) -> Any:
    """Run one step of the class and record how long it took."""
    started = time.monotonic()
    result = action()
    room.timings[label] = room.timings.get(label, 0.0) + time.monotonic() - started
    return result


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine; fail under CI, where this class must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the shared-machine class cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def klass() -> Iterator[Class]:
    """Run the whole class once; undo the set-up and remove the accounts afterwards."""
    for tool in ("useradd", "userdel", "runuser", "git", "pkill"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} is not installed")
    for path in (SYSTEM_CONFIG, EXCHANGE, LEARNER_CONFIG, *LINKS):
        if path.exists() or path.is_symlink():
            skip_or_fail(f"{path} exists already: this machine is set up for a class")
    token = secrets.token_hex(3)
    room = Class(
        token=token,
        teacher=f"ppsm{token}-teach",
        learners={short: f"ppsm{token}-{short}" for short in EXPECTED},
    )
    accounts = [room.teacher, *room.learners.values()]
    set_up = False
    try:
        for offset, name in enumerate(accounts):
            add_account(name, UID_FIRST + offset)
        home = room.home(room.teacher)
        room.clone = home / "postparis"
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        subprocess.run(
            ["git", "clone", "--quiet", "--no-checkout", str(REPO), str(room.clone)], check=True
        )
        subprocess.run(["git", "-C", str(room.clone), "checkout", "--quiet", head], check=True)
        with (room.clone / "students.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "first_name", "last_name", "email"])
            for short, account in room.learners.items():
                writer.writerow([account, short.title(), "Learner", ""])
        subprocess.run(
            ["chown", "-R", f"{room.teacher}:{room.teacher}", str(room.clone)], check=True
        )
        set_up = True
        room.outputs["set-up"] = step(room, "set-up", lambda: as_root(SET_UP, room.clone)).stdout
        room.outputs["set-up again"] = step(
            room, "set-up again", lambda: as_root(SET_UP, room.clone)
        ).stdout
        course = room.clone / "assignments"
        for command in INSTRUCTOR_RELEASE:
            step(room, "generate and release", lambda c=command: as_user(room.teacher, c, course))
        answers = key_answers(room.clone)
        for short, account in room.learners.items():
            learner_home = room.home(account)
            step(room, "fetch", lambda a=account, h=learner_home: as_user(a, LEARNER_FETCH, h))
            notebook = learner_home / MODULE / f"{MODULE}.ipynb"
            if short == "ada":
                room.labs["learner"] = step(
                    room,
                    "jupyter lab",
                    lambda a=account, h=learner_home: lab_view(a, LEARNER_LAB, h, learner=True),
                )
            answer(notebook, dict(answers[: ANSWERED[short]]), account)
            room.outputs[f"validate {short}"] = step(
                room,
                "validate",
                lambda a=account, h=learner_home: as_user(a, LEARNER_VALIDATE, h).stdout,
            )
            step(room, "submit", lambda a=account, h=learner_home: as_user(a, LEARNER_SUBMIT, h))
        for command in INSTRUCTOR_GRADE:
            done = step(
                room, command.split()[1], lambda c=command: as_user(room.teacher, c, course)
            )
            room.outputs[command.split()[1]] = done.stdout + done.stderr
        for account in room.learners.values():
            step(
                room, "fetch feedback", lambda a=account: as_user(a, LEARNER_FEEDBACK, room.home(a))
            )
        room.labs["instructor"] = step(
            room,
            "instructor lab",
            lambda: lab_view(room.teacher, INSTRUCTOR_LAB, room.clone, learner=False),
        )
        room.outputs["undo"] = step(room, "undo", lambda: as_root(UNDO, room.clone)).stdout
        set_up = False
        yield room
    finally:
        if set_up:
            started = time.monotonic()
            undo = subprocess.run(
                shlex.split(UNDO.removeprefix("sudo ")),
                cwd=room.clone,
                capture_output=True,
                text=True,
                check=False,
            )
            room.timings["undo after a failure"] = time.monotonic() - started
            print(undo.stdout + undo.stderr)
        for name in accounts:
            remove_account(name)
        print(
            "\nshared-machine class timings (s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in room.timings.items())
        )


def test_the_guide_gives_these_commands() -> None:
    """Every command the test runs is in the guide, written exactly so."""
    text = GUIDE.read_text(encoding="utf-8")
    commands = [
        CLONE,
        SET_UP,
        UNDO,
        *INSTRUCTOR_RELEASE,
        LEARNER_FETCH,
        LEARNER_LAB,
        LEARNER_VALIDATE,
        LEARNER_SUBMIT,
        *INSTRUCTOR_GRADE,
        LEARNER_FEEDBACK,
        INSTRUCTOR_LAB,
    ]
    missing = [command for command in commands if command not in text]
    assert not missing, f"not in docs/instructor-guide.md: {missing}"
    assert "Until this guide has a tested one-command set-up" not in text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert CLONE in readme, "the guide and the README clone the course differently"


def test_set_up_says_what_it_did(klass: Class) -> None:
    """The set-up names the environment, the config, the exchange, the links and the roster."""
    out = klass.outputs["set-up"]
    assert "course environment" in out
    assert str(SYSTEM_CONFIG) in out
    assert "imported 3 students" in out
    assert len(out.strip().splitlines()) <= 8, out


def test_every_grade_is_exact(klass: Class) -> None:
    """The exported grades: right 15, the first three exercises 5, blank 0; no one else."""
    with (klass.clone / "assignments" / "grades.csv").open(newline="", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row["assignment"] == MODULE]
    scores = {row["student_id"]: float(row["score"]) for row in rows}
    expected = {klass.learners[short]: points for short, points in EXPECTED.items()}
    assert scores == expected, klass.outputs.get("grade")


def test_validate_tells_each_learner_the_truth(klass: Class) -> None:
    """Validate passes the right answers only."""
    assert "Success! Your notebook passes all the tests." in klass.outputs["validate ada"]
    for short in ("ben", "cy"):
        assert "failed" in klass.outputs[f"validate {short}"].lower()


def test_each_learner_sees_only_their_own_feedback(klass: Class) -> None:
    """Each learner's fetched feedback is theirs, with their score; no one reads another's."""
    for short, account in klass.learners.items():
        pages = list((klass.home(account) / MODULE / "feedback").glob(f"*/{MODULE}.html"))
        assert len(pages) == 1, pages
        text = re.sub(r"<[^>]+>", " ", pages[0].read_text(encoding="utf-8"))
        points = EXPECTED[short]
        score = rf"Score:\s*{points:g}(\.0)?\s*/\s*{MAX_SCORE}(\.0)?"
        assert re.search(score, text), text[:600]
        assert "MARK SCHEME" not in text
        for other in klass.learners.values():
            if other != account:
                peek = subprocess.run(
                    ["runuser", "-u", account, "--", "ls", str(klass.home(other))],
                    capture_output=True,
                    check=False,
                )
                assert peek.returncode != 0, f"{account} can read {other}'s home"


def test_released_links_resolve_from_the_learners_folder(klass: Class) -> None:
    """The fetched notebook's glossary opens; its module links point where fetch puts them."""
    account = klass.learners["ada"]
    folder = klass.home(account) / MODULE
    notebook = json.loads((folder / f"{MODULE}.ipynb").read_text(encoding="utf-8"))
    targets = {
        target
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
        for target in re.findall(r"\]\(([^)#\s]+\.ipynb)", "".join(cell["source"]))
        if "://" not in target
    }
    assert "glossary.ipynb" in targets, "the released notebook does not link to the glossary"
    for target in sorted(targets):
        if target == "glossary.ipynb":  # released with the module: it opens now
            opened = subprocess.run(
                ["runuser", "-u", account, "--", "test", "-r", str(folder / target)], check=False
            )
            assert opened.returncode == 0, f"{target} does not open from {folder}"
        else:  # another module: where `nbgrader fetch_assignment` will put it
            module = re.fullmatch(r"\.\./([0-9]{2}-[a-z-]+)/\1\.ipynb", target)
            assert module, f"{target} is not where fetching that module puts it"
            assert (klass.clone / "assignments" / "source" / module[1]).is_dir(), target


def test_a_learner_s_jupyterlab_lists_the_fetched_module(klass: Class) -> None:
    """`jupyter lab` runs for a learner, and its Assignments tab lists the module as fetched."""
    assignments = klass.labs["learner"].assignments
    statuses = {(a["course_id"], a["assignment_id"], a["status"]) for a in assignments}
    assert ("postparis", MODULE, "fetched") in statuses, assignments


def test_a_learner_s_jupyterlab_has_no_instructor_menus(klass: Class) -> None:
    """The learner's `jupyter lab` hides the formgrader; the instructor's grading lab has it."""
    learner, instructor = klass.labs["learner"], klass.labs["instructor"]
    for menu in INSTRUCTOR_MENUS:
        assert f"@jupyter/nbgrader:{menu}" in learner.disabled, sorted(learner.disabled)
        assert f"@jupyter/nbgrader:{menu}" not in instructor.disabled, sorted(instructor.disabled)
    assert "@jupyter/nbgrader:assignment-list" not in learner.disabled
    assert learner.formgrader == 404  # the server extension is off, not only the menu
    assert instructor.formgrader == 200


def test_set_up_again_changes_nothing(klass: Class) -> None:
    """A second set-up is harmless: it rebuilds nothing and imports the same roster."""
    again = klass.outputs["set-up again"]
    assert "wrote" not in again, again
    assert "created" not in again, again
    assert "imported 3 students" in again


def test_undo_leaves_nothing(klass: Class) -> None:
    """The undo removes the config, the links, the exchange and its own record."""
    for path in (
        SYSTEM_CONFIG,
        EXCHANGE,
        *LINKS,
        LEARNER_CONFIG,
        Path("/var/lib/postparis-shared-machine"),
    ):
        assert not path.exists(), f"{path} is left after the undo"
        assert not path.is_symlink(), f"{path} is left after the undo"
    assert "kept the course environment" in klass.outputs["undo"]
