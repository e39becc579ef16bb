"""Shared fixtures: the repository, the course's modules, and the heavy work done once.

Executing an answer key or autograding a class is the suite's most expensive work, so it
is done once per session and read by every test that needs it. The session fixtures
below build everything in a private folder made with ``tmp_path_factory``; tests read
what they return and never change it (copy a notebook or a course first if a test must
change one). CONTRIBUTING.md ("Running the tests") describes them for new tests.

- ``generated_course``: ``generated_course(name)`` returns a new private nbgrader course
  with every module generated, a copy of one generated once per session (change it
  freely).
- ``built_course``: one such course, shared (no submissions).
- ``graded_course``: ``built_course`` once each module has two submissions, ``key``
  (the answer key) and ``blank`` (the generated student version), autograded once.
- ``validations``: ``nbgrader validate`` of every module's answer key and student
  version in ``built_course``, each run once (``validations.answer_key(module)``,
  ``validations.student(module)``).
- ``executed``: each module's answer key and student notebook executed headless once,
  on first use (``executed.answer_key(module)``, ``executed.student(module)``).

``instructor(...)`` runs the ``postparis-instructor`` command as an instructor types it,
and ``instructor_grade(workspace, module, ...)`` runs the instructor guide's ``postparis-instructor
grade MODULE`` in a course; both return the finished process without checking it.

Material the repository does not carry (the article's text) comes from the
environment: ``POSTPARIS_ARTICLE`` is the path of the article's text file. Tests that
need it use ``needs_article`` and are skipped, with the reason in pytest's summary,
when it is not set.
"""

from __future__ import annotations

import copy
import functools
import gc
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Generic, TypeVar

import nbformat
import pytest
from nbformat import NotebookNode

from postparis_instructor.course import CourseWorkspace, module_ids, nbgrader_environment

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "assignments" / "source"
NOTEBOOKS = ROOT / "notebooks"

Key = TypeVar("Key")
Result = TypeVar("Result")

#: Every module of the course: a folder assignments/source/<id>/<id>.ipynb.
MODULES = module_ids(SOURCE)

#: The article's text file, when the environment provides it (it is not in the repository).
ARTICLE_VARIABLE = "POSTPARIS_ARTICLE"
ARTICLE: Path | None = (
    Path(os.environ[ARTICLE_VARIABLE]).expanduser() if os.environ.get(ARTICLE_VARIABLE) else None
)
needs_article = pytest.mark.skipif(
    ARTICLE is None,
    reason=f"the article's text is not in the repository: set {ARTICLE_VARIABLE} to its file",
)


def article_text() -> str:
    """Return the article's text from ``POSTPARIS_ARTICLE`` (a test marked needs_article)."""
    assert ARTICLE is not None
    assert ARTICLE.is_file(), f"{ARTICLE_VARIABLE}={ARTICLE} is not a file"
    return ARTICLE.read_text(encoding="utf-8")


# -- the instructor's command ------------------------------------------------------------


def instructor(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """Run ``postparis-instructor ARGS`` in ``cwd`` and return it finished (not checked).

    ``env`` defaults to the environment nbgrader needs (this environment's bin first on
    PATH); the output is captured as text.
    """
    return subprocess.run(
        [str(Path(sys.executable).parent / "postparis-instructor"), *args],
        cwd=cwd,
        env=nbgrader_environment() if env is None else env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def instructor_grade(
    workspace: CourseWorkspace, module: str, *options: str, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """Run ``postparis-instructor grade MODULE OPTIONS`` in ``workspace``'s course folder.

    As the guide has it: from the course folder, with the workspace's environment (its
    exchange); pass ``--course-dir``, ``--workers``, ``--student`` ... in ``options``.
    """
    return instructor(
        "grade", module, *options, cwd=workspace.root, env=workspace.env(), timeout=timeout
    )


# -- the heavy work, once per session ---------------------------------------------------


def generate_every_module(workspace: CourseWorkspace) -> None:
    """Generate the student version of every module of ``workspace`` in one nbgrader run.

    ``nbgrader generate_assignment '*'`` converts each module as one run per module
    would (the same release notebooks, the same gradebook but for its random ids), with
    one start of nbgrader instead of one per module.
    """
    workspace.nbgrader("generate_assignment", "*", "--force")
    modules = module_ids(workspace.root / "source")
    missing = [m for m in modules if not workspace.release_notebook(m).is_file()]
    assert not missing, f"not generated: {missing}"


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], CourseWorkspace]:
    """Return ``new(name)``: a new private course with every module generated.

    Every module is generated once per session, into a course no test sees; each call
    returns a copy of it (its gradebook and releases) in a folder of its own, which the
    caller may change freely.
    """
    template = CourseWorkspace(tmp_path_factory.mktemp("generated") / "course")
    generate_every_module(template)

    def new(name: str) -> CourseWorkspace:
        root = tmp_path_factory.mktemp(name) / "course"
        shutil.copytree(template.root, root, symlinks=True)
        return CourseWorkspace(root)

    return new


@pytest.fixture(scope="session")
def built_course(generated_course: Callable[[str], CourseWorkspace]) -> CourseWorkspace:
    """A private nbgrader course with every module's student version generated."""
    return generated_course("course")


#: The students of ``graded_course``: what each one submitted.
GRADED_STUDENTS = {"key": "the answer key", "blank": "the generated student version"}


@pytest.fixture(scope="session")
def graded_course(built_course: CourseWorkspace) -> CourseWorkspace:
    """``built_course`` with a ``key`` and a ``blank`` submission per module, autograded."""
    for module in MODULES:
        built_course.submit("key", module, built_course.source_notebook(module))
        built_course.submit("blank", module, built_course.release_notebook(module))
        built_course.autograde(module)
    return built_course


class OnceAhead(Generic[Key, Result]):
    """Slow jobs, each run once on first use, with the next one in line started beside it.

    ``jobs`` maps each key to the work that makes its result, in the order tests ask for
    them (module by module). When a test asks for one, that job runs and the next one
    starts beside it, two at a time on two cores; a later test finds its result ready.
    A run that asks for one module (``-k``) starts at most one more job than it needs.
    """

    def __init__(self, jobs: dict[Key, Callable[[], Result]], name: str) -> None:
        self._jobs = jobs
        self._order = list(jobs)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix=name)
        self._started: dict[Key, Future[Result]] = {}

    def _start(self, key: Key) -> Future[Result]:
        if key not in self._started:
            self._started[key] = self._pool.submit(self._jobs[key])
        return self._started[key]

    def get(self, key: Key) -> Result:
        """Return ``key``'s result, running its job first if no test has asked for it."""
        wanted = self._start(key)
        after = self._order.index(key) + 1
        if after < len(self._order):
            self._start(self._order[after])
        return wanted.result()

    def close(self) -> None:
        """Wait for the jobs already running; start no other one."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class Validations:
    """``nbgrader validate`` of each module's answer key and student version, run once.

    What the learner's Validate button runs, on the answer key and on the generated
    student version in ``built_course``; each run is its own nbgrader process.
    """

    def __init__(self, course: CourseWorkspace) -> None:
        def validate(notebook: Path) -> Callable[[], subprocess.CompletedProcess[str]]:
            return lambda: course.nbgrader("validate", str(notebook), check=False)

        jobs = {("key", m): validate(course.source_notebook(m)) for m in MODULES}
        jobs |= {("student", m): validate(course.release_notebook(m)) for m in MODULES}
        self.runs = OnceAhead(jobs, "validate")

    def answer_key(self, module: str) -> subprocess.CompletedProcess[str]:
        """Return ``nbgrader validate`` of ``module``'s answer key, finished."""
        return self.runs.get(("key", module))

    def student(self, module: str) -> subprocess.CompletedProcess[str]:
        """Return ``nbgrader validate`` of ``module``'s generated student version."""
        return self.runs.get(("student", module))


@pytest.fixture(scope="session")
def validations(built_course: CourseWorkspace) -> Iterator[Validations]:
    """Every module's answer key and student version through ``nbgrader validate``."""
    validated = Validations(built_course)
    try:
        yield validated
    finally:
        validated.runs.close()


#: Executes one notebook headless, as the tests did in their own process, and saves it.
EXECUTE = """\
import sys
from pathlib import Path
import nbformat
from postparis_instructor.notebooks import execute_notebook
nbformat.write(execute_notebook(Path(sys.argv[1])), sys.argv[2])
"""


class ExecutedNotebooks:
    """Each module's answer key and student notebook, executed headless once.

    Each runs in a Python process of its own (``execute_notebook``, as ``make notebooks``
    and the benchmarks run it), so its kernel and sockets never outlive it in the tests'
    process, and the next module's runs beside it.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        sources = {("key", m): SOURCE / m / f"{m}.ipynb" for m in MODULES}
        sources |= {("student", m): NOTEBOOKS / f"{m}.ipynb" for m in MODULES}
        self.runs = OnceAhead(
            {
                key: functools.partial(self._execute, *key, source)
                for key, source in sources.items()
            },
            "execute",
        )

    def _execute(self, kind: str, module: str, source: Path) -> NotebookNode:
        # A copy in a folder of its own: the notebook must find its data from anywhere.
        copy_path = self.folder / kind / module / f"{module}.ipynb"
        copy_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy_path)
        executed = copy_path.with_name(f"{module}.executed.ipynb")
        done = subprocess.run(
            [sys.executable, "-c", EXECUTE, str(copy_path), str(executed)],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"{kind} {module} did not run:\n{done.stdout}\n{done.stderr}"
        return nbformat.read(executed, as_version=4)

    def answer_key(self, module: str) -> NotebookNode:
        """Return ``module``'s answer key, executed (a copy: change it freely)."""
        return copy.deepcopy(self.runs.get(("key", module)))

    def student(self, module: str) -> NotebookNode:
        """Return ``module``'s student notebook from notebooks/, executed (a copy)."""
        return copy.deepcopy(self.runs.get(("student", module)))


@pytest.fixture(scope="session")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExecutedNotebooks]:
    """The course's notebooks executed headless, each once per session, on first use."""
    notebooks = ExecutedNotebooks(tmp_path_factory.mktemp("executed"))
    try:
        yield notebooks
    finally:
        notebooks.runs.close()


# -- every test cleans up after itself ----------------------------------------------------


@pytest.fixture(autouse=True)
def _collect_what_the_test_left(request: pytest.FixtureRequest) -> Iterator[None]:
    """Collect garbage after each test that starts kernels, inside that test.

    A kernel client or ZMQ socket a test forgets to close warns when the garbage
    collector finds it, which may be during a later, unrelated test. Collecting at the
    end of every slow test pins such a warning (an error under ``filterwarnings =
    error``) on the test that leaked it, whatever the order.
    """
    yield
    if request.node.get_closest_marker("slow") is not None:
        gc.collect()
