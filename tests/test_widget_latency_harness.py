"""The widget benchmark's measuring function works on every widget of the course.

No timing thresholds here: the targets live in the benchmark (``make bench``). These
tests only check that the harness can build every entry of every ``WIDGETS`` tuple,
move its control and see the output change, so that the benchmark measures real work.
"""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from postparis_instructor import bench
from postparis_instructor.bench import WidgetTiming, discover_widgets, measure_widget, move_values

FOUND = discover_widgets()
TOPICS = {"start", "argument", "sanctions", "proxies", "dialogue", "forecasting"}


def test_every_topic_lists_its_widgets() -> None:
    topics = {name.split(".")[0] for name, _ in FOUND}
    assert topics >= TOPICS, f"no WIDGETS found for {sorted(TOPICS - topics)}"


@pytest.mark.parametrize(("name", "factory"), FOUND, ids=[name for name, _ in FOUND])
def test_moving_the_control_updates_the_output(name: str, factory) -> None:
    timing = measure_widget(factory, moves=6, name=name)
    assert timing.moves == 6
    assert timing.changed >= 1, f"moving the control of {name} never changed its output"
    summary = timing.summary()
    assert summary["name"] == name
    assert 0 <= summary["median_ms"] <= summary["p95_ms"] <= summary["max_ms"]
    assert summary["build_ms"] > 0


@pytest.mark.parametrize(("name", "factory"), FOUND, ids=[name for name, _ in FOUND])
def test_each_factory_returns_container_control_and_output(name: str, factory) -> None:
    container, control, output = factory()
    assert isinstance(container, widgets.Widget), name
    assert isinstance(control, widgets.Widget), name
    assert isinstance(output.value, str), f"{name}: the output should hold HTML or text"
    first = move_values(control, 1)[0]
    assert first != control.value, f"{name}: the first move must change the control"


@pytest.mark.parametrize(
    "control",
    [
        widgets.IntSlider(value=10, min=0, max=10),
        widgets.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.1),
        widgets.BoundedIntText(value=5, min=0, max=8),
        widgets.Dropdown(options=[("A", "a"), ("B", "b"), ("C", "c")], value="b"),
        widgets.SelectionSlider(options=["x", "y"], value="x"),
        widgets.SelectMultiple(options=["EU", "US", "Russia"], value=("EU",)),
        widgets.Checkbox(value=True),
        widgets.Text(value="hi"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_move_values_steps_one_at_a_time_and_stays_valid(control: widgets.Widget) -> None:
    values = move_values(control, 12)
    assert len(values) == 12
    previous = control.value
    for value in values:
        assert value != previous
        control.value = value  # raises if the value is not valid for the control
        previous = value


def test_sliders_bounce_at_their_ends() -> None:
    assert move_values(widgets.IntSlider(value=9, min=8, max=10), 5) == [10, 9, 8, 9, 10]


def test_move_values_refuses_a_control_it_cannot_move() -> None:
    with pytest.raises(TypeError, match="cannot move"):
        move_values(widgets.Button(), 3)


def test_percentiles_use_the_nearest_rank() -> None:
    timing = WidgetTiming("w", "IntSlider", 1.0, [float(k) for k in range(1, 101)])
    timing.cpu_ms = list(timing.times_ms)
    assert timing.median_ms == 50.5
    assert timing.p95_ms == 95.0
    assert WidgetTiming("w", "c", 1.0, [3.0]).p95_ms == 3.0


def test_results_table_marks_missed_targets() -> None:
    machine = {
        "date": "2026-01-01 00:00 UTC",
        "cpu": "CPU",
        "cores": 2,
        "memory": "1 GiB",
        "os": "Linux",
        "python": "3.11",
        "nbgrader": "0.9.6",
        "load_average": "0.0 0.0 0.0",
        "commit": "abc",
    }
    row = {"moves": 4, "changed": 4, "build_ms": 1.0, "max_ms": 9.0, "cpu_median_ms": 1.0}
    text = bench.render_markdown(
        {
            "widgets": {
                "machine": machine,
                "rows": [
                    {**row, "name": "fast", "control": "c", "median_ms": 1.0, "p95_ms": 2.0},
                    {**row, "name": "slow", "control": "c", "median_ms": 80.0, "p95_ms": 90.0},
                ],
            },
            "notebooks": {
                "machine": machine,
                "repeat": 1,
                "rows": [
                    {"module": "m", "notebook": "key", "full_s": 3, "floor_s": 2, "ratio": 1.5}
                ],
            },
        }
    )
    assert "CPU, 2 cores" in text
    fast = next(line for line in text.splitlines() if line.startswith("| fast"))
    slow = next(line for line in text.splitlines() if line.startswith("| slow"))
    assert fast.endswith("| yes |")
    assert slow.endswith("| **no** |")
    assert "| m | key | 3.0 | 2.0 | 1.50 | yes |" in text
