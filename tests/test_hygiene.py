"""Repository hygiene: clean notebooks, well-formed nbgrader metadata, one lock for all."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, article_text, needs_article

from postparis_instructor.notebooks import cell_role


def _tracked(pattern: str) -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", pattern],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [ROOT / line for line in out.stdout.splitlines() if line]


NOTEBOOK_FILES = _tracked("*.ipynb")


def test_there_are_notebooks_to_check() -> None:
    assert any(p.parent.name == "notebooks" for p in NOTEBOOK_FILES)
    assert any("assignments" in p.parts for p in NOTEBOOK_FILES)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_no_outputs_or_widget_state(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in nb.get("metadata", {}), "widget state is committed"
    for index, cell in enumerate(nb["cells"]):
        assert not cell.get("outputs"), f"cell {index} has outputs"
        assert cell.get("execution_count") is None, f"cell {index} has an execution count"


@pytest.mark.parametrize(
    "path",
    [p for p in NOTEBOOK_FILES if "assignments" in p.parts],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_nbgrader_cells_have_a_role_and_a_unique_descriptive_id(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        assert cell_role(cell) != "plain"
        assert any(meta.get(k) for k in ("locked", "solution", "grade", "task")), (
            f"cell {index} carries nbgrader metadata but no role (breaks add_missing_cells)"
        )
        grade_id = meta.get("grade_id", "")
        assert grade_id, f"cell {index} has no grade_id"
        assert not grade_id.startswith("cell-"), f"cell {index}: undescriptive id {grade_id!r}"
        assert grade_id not in seen, f"grade_id {grade_id!r} is used twice"
        seen.add(grade_id)
        if meta.get("grade") or meta.get("task"):
            assert meta.get("points", 0) > 0, f"{grade_id} is graded but has no points"
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                first = cell.source.lstrip().splitlines()[0]
                assert first.startswith('"""'), f"{grade_id}: a test cell opens with a docstring"


def test_binder_requirements_are_the_lock() -> None:
    assert (ROOT / "binder" / "requirements.txt").read_text() == (
        ROOT / "requirements.txt"
    ).read_text(), "binder/requirements.txt drifted from requirements.txt: run `make lock`"


def test_lock_pins_everything() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-")):
                assert "==" in line, f"{name}: {line!r} is not pinned"


def test_lock_is_compiled_from_its_input() -> None:
    lock = (ROOT / "requirements.txt").read_text()
    for requirement in (
        "nbgrader==0.9.6",
        "jupyterlab==4.",
        "notebook==7.",
        "ipywidgets==8.",
        "jupyterlab-widgets==3.",
        "matplotlib==",
        "pandas==",
    ):
        assert requirement in lock, f"{requirement} missing from the lock"
    assert "requirements.in" in lock, "the lock names the input it was compiled from"


def _pins(path: Path) -> dict[str, tuple[str, str]]:
    """Return ``{normalised name: (version, environment marker)}`` of a compiled lock."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-")):
            requirement = Requirement(line)
            [spec] = requirement.specifier
            marker = str(requirement.marker) if requirement.marker else ""
            pins[canonicalize_name(requirement.name)] = (spec.version, marker)
    return pins


def test_the_hub_lock_runs_what_learners_and_graders_run() -> None:
    """The Hub's one environment has every Linux pin of the learner lock, at its version,
    and whatever the instructor package needs (the formgrader loads it there)."""
    import tomllib

    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    hub = _pins(ROOT / "deploy" / "jupyterhub" / "requirements-hub.txt")
    linux = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
             "python_version": "3.11", "python_full_version": "3.11.5",
             "implementation_name": "cpython", "platform_machine": "x86_64"}  # fmt: skip
    rerun = "recompile deploy/jupyterhub/requirements-hub.txt (`make lock`)"
    for name, (version, marker) in _pins(ROOT / "requirements.txt").items():
        if marker and not Marker(marker).evaluate(linux):
            continue
        assert name in hub, f"{name} is in the learner lock but not the Hub's: {rerun}"
        assert hub[name][0] == version, f"{name}: Hub {hub[name][0]}, lock {version}: {rerun}"
    project = tomllib.loads((ROOT / "instructor" / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        name = canonicalize_name(Requirement(line).name)
        if name not in {"postparis"}:
            assert name in hub, f"postparis-instructor needs {name}; the Hub lacks it: {rerun}"


def test_ruff_passes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "src", "instructor/src", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


#: The longest run of the article's words any file may repeat (a sentence or less).
MAX_QUOTED_WORDS = 30
_WORD = re.compile(r"[a-z0-9]+")
_TEXT_SUFFIXES = {".py", ".ipynb", ".md", ".csv", ".json", ".txt", ".yml", ".yaml", ".html"}


def _words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\\u2019", "'").replace("\\u201c", '"').replace("\\u201d", '"')
    return _WORD.findall(text)


def _verbatim_runs(article: list[str], other: list[str], k: int = 8) -> list[tuple[int, int]]:
    """Return ``(start in other, length)`` of each maximal run of >= k article words."""
    index: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(article) - k + 1):
        index.setdefault(tuple(article[i : i + k]), []).append(i)
    runs, j = [], 0
    while j <= len(other) - k:
        best = 0
        for i in index.get(tuple(other[j : j + k]), []):
            n = k
            while j + n < len(other) and i + n < len(article) and other[j + n] == article[i + n]:
                n += 1
            best = max(best, n)
        if best:
            runs.append((j, best))
        j += best or 1
    return runs


def test_verbatim_runs_finds_the_longest_copy() -> None:
    article = _words("one two three four five six seven eight nine ten eleven")
    other = _words("So: two three four five six seven eight nine ten, said he; one two.")
    assert _verbatim_runs(article, other) == [(1, 9)]
    assert _verbatim_runs(article, _words("one two three")) == []


@needs_article
def test_article_is_only_quoted_in_short_pieces() -> None:
    article = _words(article_text())
    long_runs = []
    for path in _tracked("*"):
        if path.suffix.lower() not in _TEXT_SUFFIXES or not path.is_file():
            continue
        other = _words(path.read_text(encoding="utf-8", errors="replace"))
        for start, n in _verbatim_runs(article, other):
            if n > MAX_QUOTED_WORDS:
                snippet = " ".join(other[start : start + 12])
                long_runs.append(f"{path.relative_to(ROOT)}: {n} words: {snippet!r} ...")
    assert not long_runs, "Long verbatim runs of the article:\n" + "\n".join(long_runs)


#: Places outside the repository that a file must not name (a learner's clone has none).
_OUTSIDE = ("../" + "shared", "/" + "work/")


def test_no_file_names_a_path_outside_the_repository() -> None:
    found = []
    for path in _tracked("*"):
        if not path.is_file() or path.suffix.lower() in {".png", ".zip", ".db"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(ROOT)}: {o}" for o in _OUTSIDE if o in text]
    assert not found, "Files naming paths outside the repository:\n" + "\n".join(found)
