"""The widget benchmark's measuring functions work on every control of the course.

No timing thresholds here: the targets live in the benchmark (``make bench``). These
tests only check that the harness moves every control of a widget, one step at a time,
and sees the output change, so that the benchmark measures real work.
"""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from postparis_instructor import bench
from postparis_instructor.bench import WidgetTiming, measure_widget, move_values
from postparis_instructor.widget_catalogue import CATALOGUE, WidgetCase, controls

#: What the benchmark records about the machine, for the tables' tests.
MACHINE = {
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


def _demo() -> widgets.VBox:
    """A widget with two controls and one output that echoes both."""
    number = widgets.IntSlider(value=0, min=0, max=3, description="Number")
    word = widgets.Dropdown(options=["a", "b"], value="a", description="Word")
    shown = widgets.HTML()

    def update(_change: object = None) -> None:
        shown.value = f"{number.value}{word.value}"

    number.observe(update, names="value")
    word.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([number, word]), shown])


def test_measure_widget_times_every_control_in_display_order() -> None:
    timings = measure_widget(WidgetCase("demo.echo", _demo), moves=5)
    assert [t.control for t in timings] == ["IntSlider 'Number'", "Dropdown 'Word'"]
    for timing in timings:
        assert timing.name == "demo.echo"
        assert timing.moves == 5
        assert timing.changed == 5
        summary = timing.summary()
        assert 0 <= summary["median_ms"] <= summary["p95_ms"] <= summary["max_ms"]
        assert summary["build_ms"] > 0


def test_controls_skip_what_only_displays_and_what_is_disabled() -> None:
    box = _demo()
    box.children[0].children[1].disabled = True
    assert [c.description for c in controls(box)] == ["Number"]


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda case: case.name)
def test_every_control_of_the_course_can_be_moved(case: WidgetCase) -> None:
    for control in controls(case.build()):
        first = move_values(control, 1)[0]
        assert first != control.value, f"{case.name}: the first move must change {control}"
        control.value = first  # raises if the value is not valid for the control


@pytest.mark.parametrize(
    "control",
    [
        widgets.IntSlider(value=10, min=0, max=10),
        widgets.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.1),
        widgets.BoundedIntText(value=5, min=0, max=8),
        widgets.Dropdown(options=[("A", "a"), ("B", "b"), ("C", "c")], value="b"),
        widgets.SelectionSlider(options=["x", "y"], value="x"),
        widgets.SelectMultiple(options=["EU", "US", "Russia"], value=("EU",)),
        widgets.SelectionRangeSlider(options=["a", "b", "c", "d"], index=(0, 3)),
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
    machine = MACHINE
    row = {"moves": 4, "changed": 4, "build_ms": 1.0, "max_ms": 9.0, "cpu_median_ms": 1.0}
    results = {
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
            "rows": [{"module": "m", "notebook": "key", "full_s": 3, "floor_s": 2, "ratio": 1.5}],
        },
    }
    text = bench.render_markdown(results)
    assert "CPU, 2 cores" in text
    fast = next(line for line in text.splitlines() if line.startswith("| fast"))
    slow = next(line for line in text.splitlines() if line.startswith("| slow"))
    assert fast.endswith("| yes | - |")
    assert slow.endswith("| **no** | - |")
    assert "| m | key | 3.0 | 2.0 | 1.50 | yes | - |" in text


def test_results_table_shows_the_baseline_beside_each_row() -> None:
    machine = MACHINE
    row = {
        "name": "w",
        "control": "c",
        "moves": 4,
        "changed": 4,
        "build_ms": 1.0,
        "max_ms": 9.0,
        "cpu_median_ms": 1.0,
        "median_ms": 10.0,
        "p95_ms": 20.0,
    }
    now = {"widgets": {"machine": machine, "rows": [row]}}
    before = {
        "widgets": {
            "machine": {**machine, "date": "2025-12-31 09:00 UTC"},
            "rows": [{**row, "median_ms": 80.0, "p95_ms": 201.0, "cpu_median_ms": 70.0}],
        },
        "note": "Before the widgets shared one renderer, on a busy machine.",  # a word, not a key
    }
    text = bench.render_markdown(now, before)
    line = next(line for line in text.splitlines() if line.startswith("| w |"))
    assert line.endswith("| yes | 80.0 / 201.0 / 70.0 |")
    assert "widgets measured 2025-12-31 09:00 UTC" in text
    assert "Before the widgets shared one renderer, on a busy machine." in text
