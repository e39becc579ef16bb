"""The README's promises: its commands are what CI runs, its links resolve, its badge fits."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _fenced_commands(text: str) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_readme_gives_the_two_commands() -> None:
    commands = _fenced_commands(README)
    assert "make lab" in commands
    assert "make test" in commands


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [ln.strip() for ln in script.splitlines() if ln.strip() and not ln.startswith("#")]
    assert steps[-1] == "make test"


def test_make_lab_opens_the_start_notebook() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = re.search(r"^lab:.*\n\t(.+)$", makefile, flags=re.M)
    assert rule is not None
    assert "jupyter lab" in rule.group(1)
    assert "notebooks/00-start-here.ipynb" in rule.group(1)
    assert (ROOT / "notebooks" / "00-start-here.ipynb").is_file()


def test_relative_links_in_the_readme_resolve() -> None:
    for target in re.findall(r"\]\(((?!https?://)[^)#]+)(?:#[^)]*)?\)", README):
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_binder_badge_opens_the_start_notebook_of_this_repository() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    repository = project["project"]["urls"]["Repository"]
    owner_repo = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)", repository)
    assert owner_repo, repository
    badge = re.search(r"\(https://mybinder\.org/v2/gh/([^)]+)\)", README)
    assert badge is not None, "the README has no Binder badge"
    target = badge.group(1)
    assert target.startswith(owner_repo.group(1) + "/HEAD?"), target
    notebook = re.search(r"urlpath=lab/tree/(\S+)$", target)
    assert notebook is not None
    assert notebook.group(1) == "notebooks/00-start-here.ipynb"
    assert (ROOT / notebook.group(1)).is_file()


def test_binder_runtime_matches_the_project_python() -> None:
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["requires-python"] == ">=3.11"


def test_readme_states_the_licences_and_the_publishers_rights() -> None:
    assert "BSD-3-Clause" in README
    assert "CC BY 4.0" in README
    assert "belongs to its publisher" in README
    assert Path(ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
