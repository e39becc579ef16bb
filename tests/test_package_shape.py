"""The learners' package reads the same way everywhere.

Every topic (module 00 included) is a folder with the same three files in the same
roles: ``model.py`` (pure functions and small dataclasses: no widgets, no matplotlib),
``plots.py`` (charts, their text alternatives, the HTML views) and ``widgets.py``
(controls). :mod:`postparis.figures` holds the one renderer of live charts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "postparis"
#: Not a topic: the exercises' checks, which sit beside postparis.checks.
NOT_TOPICS = {"exercises"}
TOPICS = sorted(
    p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file() and p.name not in NOT_TOPICS
)
SHAPE = {"__init__.py", "model.py", "plots.py", "widgets.py"}
#: The longest a function of the learners' package may be, in lines.
LONGEST = 80


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _roots(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_every_topic_has_the_same_three_files() -> None:
    assert {t.name for t in TOPICS} == {
        "start",
        "argument",
        "sanctions",
        "proxies",
        "dialogue",
        "forecasting",
        "capstone",
    }
    for topic in TOPICS:
        assert {p.name for p in topic.glob("*.py")} == SHAPE, topic.name


@pytest.mark.parametrize("topic", TOPICS, ids=lambda p: p.name)
def test_models_draw_nothing_and_plots_hold_no_controls(topic: Path) -> None:
    model = _roots(_imports(topic / "model.py"))
    assert not model & {"matplotlib", "ipywidgets", "IPython"}, f"{topic.name}/model.py"
    assert "ipywidgets" not in _roots(_imports(topic / "plots.py")), f"{topic.name}/plots.py"
    assert f"postparis.{topic.name}.widgets" not in _imports(topic / "plots.py")


def test_one_renderer_for_live_charts() -> None:
    renderers = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if re.search(r"copy_from_bbox|FigureCanvasAgg|<figure", path.read_text(encoding="utf-8"))
    ]
    assert renderers == ["figures.py"]


def test_no_function_is_longer_than_a_screen() -> None:
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]  # set by ast.parse
                if lines > LONGEST:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.name} ({lines} lines)")
    assert not long, long


def test_comments_explain_rather_than_narrate_history() -> None:
    for root in (PACKAGE, ROOT / "instructor" / "src"):
        for path in root.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\b[Ii]ssue \d+", text), path.relative_to(ROOT)
