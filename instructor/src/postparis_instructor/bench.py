"""The course's benchmark: ``make bench`` (``python -m postparis_instructor.bench``).

It measures what makes the course feel fast or slow, on the machine it runs on, and
writes ``benchmarks/results.json`` and ``benchmarks/results.md`` so that a regression
shows up in review as a diff:

``widgets``
    For every control of every widget of the course (the widgets of
    :mod:`postparis_instructor.widget_catalogue`), the time from setting the control's
    value in code to the widget's handlers having returned, its output updated: median
    and 95th percentile over a sweep of moves (one step at a time, as a learner drags a
    slider or presses an arrow key). Measured in this process, kernel-side: the
    browser's decoding and painting are not included.
``notebooks``
    Each module's student and key notebook executed headless (a fresh kernel, every
    cell), against its *floor*: a fresh kernel running only the notebook's first code
    cell (its imports). Reported as a ratio, full / floor.
``autograde``
    ``nbgrader autograde MODULE --student ID`` on one submission (the key) against
    executing the same notebook headless: a ratio. Then a class of 60 synthesized
    submissions of one module, autograded serially by ``nbgrader autograde`` and in
    parallel by ``postparis-instructor grade``: both times and their ratio.
``setup``
    A fresh virtual environment installed from the lock as ``make setup`` does: time
    and size on disk. Skip it with ``--skip-setup`` or ``BENCH_SKIP_SETUP=1``.

Targets (on a 2-core machine): every control's median <= 50 ms and p95 <= 100 ms;
each notebook <= 1.5 x its floor; autograding one submission <= 1.5 x executing it;
the class in parallel <= 0.6 x the serial time. The benchmark reports them; it does not
fail on them (it is not a test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from postparis_instructor.widget_catalogue import WidgetCase

__all__ = [
    "SECTIONS",
    "TARGETS",
    "WidgetTiming",
    "add_bench_command",
    "machine_info",
    "main",
    "measure_control",
    "measure_widget",
    "move_values",
    "render_markdown",
]

#: Earlier results kept beside ``results.json`` (same format): ``results.md`` shows
#: them as "before" columns.
BASELINE = "baseline.json"

#: The parts of the benchmark, in the order they run.
SECTIONS = ("widgets", "notebooks", "autograde", "class", "setup")

#: What the course promises a learner (widgets) and an instructor (notebooks, grading).
TARGETS = {
    "widget_median_ms": 50.0,
    "widget_p95_ms": 100.0,
    "notebook_ratio": 1.5,
    "autograde_ratio": 1.5,
    "class_ratio": 0.6,
}


# -- the machine ---------------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_commit(root: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def machine_info() -> dict[str, Any]:
    """Return what the numbers depend on: CPU, cores, memory, Python, load, date."""
    import ipykernel
    import matplotlib
    import nbgrader

    from postparis.paths import repository_root

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    root = repository_root()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": cores,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "nbgrader": nbgrader.__version__,
        "ipykernel": ipykernel.__version__,
        "matplotlib": matplotlib.__version__,
        "load_average": _load(),
        "commit": _git_commit(root) if root else "unknown",
    }


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# -- widgets ---------------------------------------------------------------------------------------
def _ping_pong(count: int, length: int, start: int) -> list[int]:
    """Return ``count`` indices moving one step at a time, bouncing at both ends."""
    if length < 2:
        raise ValueError("a control needs at least two values to move")
    indices, here, step = [], start, 1 if start < length - 1 else -1
    for _ in range(count):
        if not 0 <= here + step < length:
            step = -step
        here += step
        indices.append(here)
    return indices


def move_values(control: Any, count: int) -> list[Any]:
    """Return ``count`` successive values for ``control``, each one step from the last.

    Sliders and number boxes step through their range (bouncing at the ends), choice
    widgets step through their options, a range slider moves its upper end, a multiple
    selection toggles one option at a time, a check box flips, a text box grows by a letter.

    Raises
    ------
    TypeError
        If the control is of a kind the benchmark cannot move.
    """
    from ipywidgets.widgets import widget_bool, widget_selection

    if isinstance(control, widget_selection.SelectionRangeSlider):
        # Move the upper end, as a learner drags it, keeping the lower end where it is.
        options = list(control._options_values)
        low, high = control.index
        span = len(options) - low - 1
        return [
            (options[low], options[low + 1 + i]) for i in _ping_pong(count, span, high - low - 1)
        ]
    if isinstance(control, widget_selection._MultipleSelection):
        options = list(control._options_values)
        chosen = set(control.value)
        values = []
        for k in range(count):
            option = options[k % len(options)]
            chosen ^= {option}
            if not chosen:  # never leave the selection empty: toggle the next one too
                chosen.add(options[(k + 1) % len(options)])
            values.append(tuple(o for o in options if o in chosen))
        return values
    if isinstance(control, widget_selection._Selection):
        options = list(control._options_values)
        start = options.index(control.value) if control.value in options else 0
        return [options[i] for i in _ping_pong(count, len(options), start)]
    if isinstance(control, widget_bool._Bool):
        return [not control.value if k % 2 == 0 else control.value for k in range(count)]
    if all(hasattr(control, a) for a in ("min", "max", "value")) and control.max is not None:
        step = getattr(control, "step", None) or 1
        n = round((control.max - control.min) / step) + 1
        grid = [control.min + k * step for k in range(n)]
        if isinstance(control.value, int):
            grid = [round(v) for v in grid]
        start = min(range(n), key=lambda k: abs(grid[k] - control.value))
        return [grid[i] for i in _ping_pong(count, n, start)]
    if isinstance(getattr(control, "value", None), str):
        return [control.value + "abcdefghij"[: k % 10 + 1] for k in range(count)]
    raise TypeError(f"the benchmark cannot move a {type(control).__name__}")


@dataclass
class WidgetTiming:
    """How fast one widget answers.

    Attributes
    ----------
    name
        ``<topic module>.<factory>``.
    control
        The control moved, e.g. ``"FloatSlider 'Noise'"``.
    build_ms
        Time to build the widget (its first render included).
    times_ms
        Time of each move, from setting the value to every handler having returned.
    cpu_ms
        CPU time of this process during each move (less disturbed by other programs
        than the wall-clock time on a busy machine).
    changed
        How many moves changed the output's value.
    """

    name: str
    control: str
    build_ms: float
    times_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    changed: int = 0

    @property
    def moves(self) -> int:
        """The number of moves measured."""
        return len(self.times_ms)

    @property
    def median_ms(self) -> float:
        """The median time of a move."""
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        """The 95th percentile time of a move (nearest rank)."""
        ordered = sorted(self.times_ms)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]

    def summary(self) -> dict[str, Any]:
        """Return the numbers reported for this widget."""
        return {
            "name": self.name,
            "control": self.control,
            "moves": self.moves,
            "changed": self.changed,
            "build_ms": round(self.build_ms, 1),
            "median_ms": round(self.median_ms, 2),
            "p95_ms": round(self.p95_ms, 2),
            "max_ms": round(max(self.times_ms), 2),
            "cpu_median_ms": round(statistics.median(self.cpu_ms), 2),
        }


def _label(control: Any) -> str:
    description = getattr(control, "description", "") or ""
    return type(control).__name__ + (f" {description!r}" if description else "")


def measure_control(
    container: Any, control: Any, moves: int = 60, name: str = "", build_ms: float = 0.0
) -> WidgetTiming:
    """Time ``moves`` moves of one control of a built widget.

    Parameters
    ----------
    container
        The widget, as its factory returned it.
    control
        One of its controls (see :func:`postparis_instructor.widget_catalogue.controls`).
    moves
        How many moves to time.
    name
        A label for the report.
    build_ms
        The time it took to build the widget, for the report.

    Returns
    -------
    WidgetTiming
        The time of every move and how many moves changed what the widget shows.
    """
    from postparis_instructor.widget_catalogue import output_state

    timing = WidgetTiming(name=name, control=_label(control), build_ms=build_ms)
    for value in move_values(control, moves):
        before = output_state(container)
        cpu = time.process_time()
        started = time.perf_counter()
        control.value = value
        timing.times_ms.append((time.perf_counter() - started) * 1000)
        timing.cpu_ms.append((time.process_time() - cpu) * 1000)
        timing.changed += output_state(container) != before
    return timing


def measure_widget(case: WidgetCase, moves: int = 60) -> list[WidgetTiming]:
    """Build one widget and time ``moves`` moves of each of its controls in turn.

    Returns
    -------
    list of WidgetTiming
        One per control, in display order; each records the widget's build time (its
        first render included).
    """
    from postparis_instructor.widget_catalogue import controls

    started = time.perf_counter()
    container = case.build()
    build_ms = (time.perf_counter() - started) * 1000
    return [
        measure_control(container, control, moves, case.name, build_ms)
        for control in controls(container)
    ]


def bench_widgets(moves: int = 60, echo: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Measure every control of every widget of the course; return one summary per control."""
    import matplotlib

    from postparis_instructor.widget_catalogue import CATALOGUE

    matplotlib.use("Agg")
    results = []
    for case in CATALOGUE:
        for timing in measure_widget(case, moves):
            summary = timing.summary()
            results.append(summary)
            echo(
                f"  {case.name}, {summary['control']}: median {summary['median_ms']:.1f} ms, "
                f"p95 {summary['p95_ms']:.1f} ms (build {summary['build_ms']:.0f} ms)"
            )
    return results


# -- notebooks -------------------------------------------------------------------------------------
def _first_code_cell_only(path: Path, target: Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    nb.cells = [first]
    nbformat.write(nb, target)


def _time_execution(path: Path, cwd: Path) -> float:
    return _execute(path, cwd)[0]


def _execute(path: Path, cwd: Path) -> tuple[float, Any]:
    """Execute a notebook headless; return the wall time and the executed notebook."""
    from postparis_instructor.notebooks import execute_notebook

    started = time.perf_counter()
    nb = execute_notebook(path, cwd=cwd, timeout=600)
    return time.perf_counter() - started, nb


def _cell_seconds(nb: Any) -> list[tuple[float, str]]:
    """Return ``(seconds, label)`` of every executed code cell, slowest first.

    nbclient records when each cell started and when its reply came back.
    """
    found = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type != "code" or not start or not end:
            continue
        seconds = (
            dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
            - dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        ).total_seconds()
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        first = next((line for line in cell.source.splitlines() if line.strip()), "")
        label = grade_id or first.strip()[:40]
        found.append((seconds, f"cell {index + 1} ({label})"))
    return sorted(found, reverse=True)


def _notebook_pairs(modules: Sequence[str]) -> list[tuple[str, str, Path]]:
    from postparis_instructor.build import notebooks_directory
    from postparis_instructor.course import source_directory

    pairs = []
    for module in modules:
        student = notebooks_directory() / f"{module}.ipynb"
        if student.is_file():
            pairs.append((module, "student", student))
        pairs.append((module, "key", source_directory() / module / f"{module}.ipynb"))
    return pairs


def bench_notebooks(
    modules: Sequence[str], repeat: int = 3, echo: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """Time each notebook executed headless against its floor (kernel + first cell)."""
    results = []
    with tempfile.TemporaryDirectory(prefix="postparis-bench-") as tmp:
        for module, kind, path in _notebook_pairs(modules):
            floor_nb = Path(tmp) / f"{module}-{kind}-floor.ipynb"
            _first_code_cell_only(path, floor_nb)
            _time_execution(floor_nb, path.parent)  # warm the disk cache, not counted
            fulls, floors, slowest = [], [], []
            for _ in range(repeat):
                floors.append(_time_execution(floor_nb, path.parent))
                seconds, executed = _execute(path, path.parent)
                fulls.append(seconds)
                slowest = _cell_seconds(executed)[:3]
            full, floor = statistics.median(fulls), statistics.median(floors)
            results.append(
                {
                    "module": module,
                    "notebook": kind,
                    "full_s": round(full, 2),
                    "floor_s": round(floor, 2),
                    "ratio": round(full / floor, 2),
                    "slowest_cells": [f"{label}: {sec:.2f} s" for sec, label in slowest],
                }
            )
            echo(f"  {module} ({kind}): {full:.1f} s against a floor of {floor:.1f} s")
    return results


# -- autograding -------------------------------------------------------------------------------------
def bench_autograde(
    modules: Sequence[str], repeat: int = 3, echo: Callable[[str], None] = print
) -> list[dict[str, Any]]:
    """Time ``nbgrader autograde`` of one submission against executing it headless."""
    from postparis_instructor.course import CourseWorkspace

    results = []
    with tempfile.TemporaryDirectory(prefix="postparis-bench-") as tmp:
        workspace = CourseWorkspace(Path(tmp) / "course", modules=list(modules))
        for module in modules:
            workspace.generate(module)
            submitted = workspace.submit("key", module, workspace.source_notebook(module))
            workspace.autograde(module, "key")  # creates the student; not counted
            grades, runs = [], []
            for _ in range(repeat):
                started = time.perf_counter()
                workspace.autograde(module, "key")
                grades.append(time.perf_counter() - started)
                runs.append(_time_execution(submitted, submitted.parent))
            grade, run = statistics.median(grades), statistics.median(runs)
            results.append(
                {
                    "module": module,
                    "autograde_s": round(grade, 2),
                    "execute_s": round(run, 2),
                    "ratio": round(grade / run, 2),
                }
            )
            echo(f"  {module}: autograde {grade:.1f} s, bare execution {run:.1f} s")
    return results


def _answer_partly(key: Path, blank: Path, target: Path) -> None:
    """Write the key with its first code answer left as the blank stub (a wrong one)."""
    import nbformat

    from postparis_instructor.notebooks import cell_role

    answers = nbformat.read(key, as_version=4)
    stubs = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nbformat.read(blank, as_version=4).cells
        if cell_role(c) == "solution" and c.cell_type == "code"
    }
    first = next(iter(stubs))
    for cell in answers.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == first:
            cell.source = stubs[first]
    nbformat.write(answers, target)


def _class_scores(root: Path, module: str) -> dict[str, list[tuple[str, float | None]]]:
    from nbgrader.api import Gradebook

    scores: dict[str, list[tuple[str, float | None]]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for submission in gradebook.find_assignment(module).submissions:
            scores[submission.student.id] = sorted(
                (grade.name, grade.score)
                for notebook in submission.notebooks
                for grade in notebook.grades
            )
    return scores


def bench_class(
    module: str,
    size: int = 60,
    workers: int | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Autograde ``size`` synthesized submissions of ``module`` serially and in parallel."""
    from postparis_instructor.course import CourseWorkspace, nbgrader_environment

    workers = workers or os.cpu_count() or 1
    wrong, blank = max(1, size // 15), max(1, size // 10)
    with tempfile.TemporaryDirectory(prefix="postparis-bench-class-") as tmp:
        base = CourseWorkspace(Path(tmp) / "base", modules=[module])
        release = base.generate(module)
        key = base.source_notebook(module)
        partial = Path(tmp) / "partial.ipynb"
        _answer_partly(key, release, partial)
        for k in range(size):
            student = f"student-{k + 1:02d}"
            notebook = release if k < blank else partial if k < blank + wrong else key
            base.submit(student, module, notebook)
        times: dict[str, float] = {}
        cpu: dict[str, float] = {}  # every process of the run, kernels included
        for how in ("serial", "parallel"):
            copy = Path(tmp) / how
            shutil.copytree(base.root, copy)
            if how == "serial":
                command = [
                    str(Path(sys.executable).parent / "nbgrader"),
                    "autograde",
                    module,
                    "--force",
                    "--create",
                ]
            else:
                command = [
                    str(Path(sys.executable).parent / "postparis-instructor"),
                    "grade",
                    module,
                    "--course-dir",
                    str(copy),
                    "--workers",
                    str(workers),
                ]
            echo(f"  {how}: {Path(command[0]).name} {' '.join(command[1:])} ...")
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                command,
                cwd=copy,
                env=nbgrader_environment(),
                capture_output=True,
                text=True,
                check=False,
            )
            times[how] = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[how] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if done.returncode != 0:
                raise RuntimeError(
                    f"{how} grading failed ({done.returncode}):\n{done.stdout[-2000:]}\n"
                    f"{done.stderr[-2000:]}"
                )
            echo(f"  {how}: {times[how]:.1f} s ({cpu[how]:.0f} s of CPU)")
        same = _class_scores(Path(tmp) / "serial", module) == _class_scores(
            Path(tmp) / "parallel", module
        )
    return {
        "module": module,
        "submissions": size,
        "mix": f"{size - blank - wrong} from the key, {wrong} with one answer missing, "
        f"{blank} blank",
        "workers": workers,
        "serial_s": round(times["serial"], 1),
        "parallel_s": round(times["parallel"], 1),
        "ratio": round(times["parallel"] / times["serial"], 2),
        "serial_cpu_s": round(cpu["serial"], 1),
        "parallel_cpu_s": round(cpu["parallel"], 1),
        "same_scores": same,
    }


# -- set-up ---------------------------------------------------------------------------------------------
def _disk_usage(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                continue
    return total


def bench_setup(echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Create a virtual environment from the lock as ``make setup`` does; time and size it."""
    from postparis.paths import repository_root

    root = repository_root()
    if root is None:
        raise RuntimeError("the set-up benchmark needs the course repository")
    with tempfile.TemporaryDirectory(prefix="postparis-bench-venv-") as tmp:
        venv = Path(tmp) / "venv"
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [*pip, "--upgrade", "pip"],
            [*pip, "-r", str(root / "requirements.txt")],
            [*pip, "--no-deps", "-e", str(root)],
        ]
        started = time.perf_counter()
        for step in steps:
            subprocess.run(step, check=True, cwd=tmp, capture_output=True)
        seconds = time.perf_counter() - started
        size = _disk_usage(venv)
    echo(f"  fresh install: {seconds:.0f} s, {size / 2**20:.0f} MiB")
    return {
        "seconds": round(seconds, 1),
        "size_mib": round(size / 2**20, 1),
        "how": "python -m venv; pip install -r requirements.txt; pip install --no-deps -e . "
        "(as `make setup`), with this machine's pip cache and index settings as found",
    }


# -- results ---------------------------------------------------------------------------------------------
def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _before(baseline: dict[str, Any] | None, section: str, *key: str) -> dict[tuple[str, ...], Any]:
    """Index the rows of one section of the baseline by the given columns."""
    rows = ((baseline or {}).get(section) or {}).get("rows", [])
    return {tuple(str(r[k]) for k in key): r for r in rows}


def render_markdown(results: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    """Return ``results.md``: every section as a table, with its machine and targets.

    With a ``baseline`` (earlier results), the widget and notebook tables also show
    what was measured before, row by row, and the baseline's date and commit.
    """
    t = TARGETS
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m postparis_instructor.bench`); do not edit by hand.",
        "Each section says when and on what it ran. Targets: every widget control's median "
        f"<= {t['widget_median_ms']:g} ms and p95 <= {t['widget_p95_ms']:g} ms; notebook "
        f"<= {t['notebook_ratio']:g} x its floor; autograde <= {t['autograde_ratio']:g} x "
        f"bare execution; a class in parallel <= {t['class_ratio']:g} x serial.",
    ]

    def machine(section: dict[str, Any]) -> list[str]:
        m = section["machine"]
        return [
            "",
            f"_{m['date']}; {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; "
            f"Python {m['python']}, nbgrader {m['nbgrader']}; load average at the start "
            f"{m['load_average']}, at the end {section.get('load_after', '?')}; commit "
            f"{m['commit']}._",
            "",
        ]

    if baseline is not None:
        when = {
            name: s["machine"]["date"]
            for name, s in baseline.items()
            if isinstance(s, dict) and "machine" in s
        }
        lines += [
            "",
            "The *before* columns come from `benchmarks/baseline.json`: "
            + "; ".join(f"{name} measured {date}" for name, date in sorted(when.items()))
            + ". "
            + str(baseline.get("note", "")),
        ]
    if "widgets" in results:
        section = results["widgets"]
        earlier = _before(baseline, "widgets", "name", "control")
        lines += ["", "## Widget latency", *machine(section)]
        lines += [
            "Every control of every widget: the time from setting its value in code to "
            "the output being updated "
            f"(kernel-side, {section['rows'][0]['moves'] if section['rows'] else 0} moves "
            "each, one step at a time).",
            "",
            "| widget | control | build ms | median ms | p95 ms | max ms | CPU median ms "
            "| output changed | target met | before: median / p95 / CPU median ms |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|---:|",
        ]
        for r in section["rows"]:
            ok = r["median_ms"] <= t["widget_median_ms"] and r["p95_ms"] <= t["widget_p95_ms"]
            old = earlier.get((r["name"], r["control"]))
            was = (
                f"{old['median_ms']:.1f} / {old['p95_ms']:.1f} / {old.get('cpu_median_ms', 0):.1f}"
                if old
                else "-"
            )
            lines.append(
                f"| {r['name']} | {r['control']} | {r['build_ms']:.0f} | {r['median_ms']:.1f} "
                f"| {r['p95_ms']:.1f} | {r['max_ms']:.1f} | {r.get('cpu_median_ms', 0):.1f} "
                f"| {r['changed']}/{r['moves']} "
                f"| {_mark(ok)} | {was} |"
            )
    if "notebooks" in results:
        section = results["notebooks"]
        lines += ["", "## Notebook execution", *machine(section)]
        lines += [
            "Executed headless (fresh kernel, every cell; a student notebook stops nowhere, "
            "its unanswered exercises fail by design) against the floor: a fresh kernel "
            f"running only the first code cell (the imports). Median of {section['repeat']}.",
            "",
            "| module | notebook | full s | floor s | ratio | target met | before: ratio "
            "| slowest cells (last run) |",
            "|---|---|---:|---:|---:|---|---:|---|",
        ]
        earlier = _before(baseline, "notebooks", "module", "notebook")
        for r in section["rows"]:
            slow = "; ".join(r.get("slowest_cells", [])).replace("|", "\\|")
            old = earlier.get((r["module"], r["notebook"]))
            was = f"{old['ratio']:.2f}" if old else "-"
            lines.append(
                f"| {r['module']} | {r['notebook']} | {r['full_s']:.1f} | {r['floor_s']:.1f} "
                f"| {r['ratio']:.2f} | {_mark(r['ratio'] <= t['notebook_ratio'])} | {was} "
                f"| {slow} |"
            )
    if "autograde" in results:
        section = results["autograde"]
        lines += ["", "## Autograding one submission", *machine(section)]
        lines += [
            "`nbgrader autograde MODULE --student key --force` (a new process, as an "
            "instructor runs it) against executing the same notebook headless. Median of "
            f"{section['repeat']}.",
            "",
            "| module | autograde s | bare execution s | ratio | target met |",
            "|---|---:|---:|---:|---|",
        ]
        for r in section["rows"]:
            lines.append(
                f"| {r['module']} | {r['autograde_s']:.1f} | {r['execute_s']:.1f} "
                f"| {r['ratio']:.2f} | {_mark(r['ratio'] <= t['autograde_ratio'])} |"
            )
    if "class" in results:
        section = results["class"]
        r = section["result"]
        lines += ["", "## Autograding a class", *machine(section)]
        lines += [
            f"{r['submissions']} submissions of {r['module']} ({r['mix']}): "
            "`nbgrader autograde` (serial) against `postparis-instructor grade` with "
            f"{r['workers']} workers, each in a fresh copy of the same course.",
            "",
            "| serial s | parallel s | ratio | same scores | target met | serial CPU s "
            "| parallel CPU s | per submission, serial / parallel s |",
            "|---:|---:|---:|---|---|---:|---:|---:|",
            f"| {r['serial_s']:.1f} | {r['parallel_s']:.1f} | {r['ratio']:.2f} "
            f"| {'yes' if r['same_scores'] else '**no**'} "
            f"| {_mark(r['ratio'] <= t['class_ratio'])} | {r.get('serial_cpu_s', 0):.0f} "
            f"| {r.get('parallel_cpu_s', 0):.0f} | {r['serial_s'] / r['submissions']:.2f} / "
            f"{r['parallel_s'] / r['submissions']:.2f} |",
            "",
            "CPU time counts every process of a run (graders and kernels): when the two runs "
            "use about the same CPU, the parallel one does no extra work, and on a quiet "
            "machine its time approaches the serial time divided by the number of cores. On "
            "a machine busy with other work, more workers also win a larger share of the "
            "CPU, which makes the ratio look better than it would on a quiet machine.",
        ]
    if "setup" in results:
        section = results["setup"]
        r = section["result"]
        lines += ["", "## Set-up", *machine(section)]
        lines += [
            f"A fresh environment from the lock: {r['how']}.",
            "",
            "| time s | size MiB |",
            "|---:|---:|",
            f"| {r['seconds']:.0f} | {r['size_mib']:.0f} |",
        ]
    return "\n".join(lines) + "\n"


def _write(folder: Path, results: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    before = folder / BASELINE
    baseline = json.loads(before.read_text(encoding="utf-8")) if before.is_file() else None
    for name, text in (
        ("results.json", json.dumps(results, indent=2, sort_keys=True) + "\n"),
        ("results.md", render_markdown(results, baseline)),
    ):
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def default_output() -> Path:
    """Return the repository's ``benchmarks/`` folder (or ``./benchmarks`` outside it)."""
    from postparis.paths import repository_root

    root = repository_root()
    return (root or Path.cwd()) / "benchmarks"


def run(
    sections: Iterable[str],
    *,
    output: Path,
    modules: Sequence[str] | None = None,
    repeat: int = 3,
    moves: int = 60,
    class_module: str = "00-start-here",
    class_size: int = 60,
    workers: int | None = None,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run the chosen sections and merge them into ``output/results.json`` (and ``.md``)."""
    from postparis_instructor.course import module_ids

    wanted = modules or module_ids()
    path = output / "results.json"
    results: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for name in sections:
        echo(f"{name}:")
        machine = machine_info()
        section: dict[str, Any] = {"machine": machine}
        if name == "widgets":
            section["rows"] = bench_widgets(moves, echo)
        elif name == "notebooks":
            section["repeat"] = repeat
            section["rows"] = bench_notebooks(wanted, repeat, echo)
        elif name == "autograde":
            section["repeat"] = repeat
            section["rows"] = bench_autograde(wanted, repeat, echo)
        elif name == "class":
            section["result"] = bench_class(class_module, class_size, workers, echo)
        elif name == "setup":
            section["result"] = bench_setup(echo)
        else:
            raise ValueError(f"unknown benchmark section {name!r}; choose from {SECTIONS}")
        section["load_after"] = _load()
        results[name] = section
        _write(output, results)  # after every section, so an interrupted run keeps its work
    return results


def _sections(args: argparse.Namespace) -> list[str]:
    chosen = [s.strip() for s in args.only.split(",")] if args.only else list(SECTIONS)
    skip = args.skip_setup or os.environ.get("BENCH_SKIP_SETUP", "").strip() not in ("", "0")
    return [s for s in chosen if not (s == "setup" and skip)]


def _cmd_bench(args: argparse.Namespace) -> int:
    sections = _sections(args)
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        print(f"bench: unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
        return 2
    output = args.output or default_output()
    info = machine_info()
    print(
        f"Benchmarking on {info['cpu']} ({info['cores']} cores, {info['memory']}), "
        f"Python {info['python']}, load average {info['load_average']}.",
        flush=True,
    )
    results = run(
        sections,
        output=output,
        modules=args.modules or None,
        repeat=args.repeat,
        moves=args.moves,
        class_module=args.class_module,
        class_size=args.class_size,
        workers=args.workers,
        echo=lambda text: print(text, flush=True),
    )
    print()
    print(render_markdown(results))
    print(f"Written: {output / 'results.md'} and {output / 'results.json'}")
    return 0


def add_bench_command(subparsers: Any) -> None:
    """Register ``bench`` on a command line's subparsers."""
    bench = subparsers.add_parser(
        "bench",
        help="measure widgets, notebooks, autograding and set-up (writes benchmarks/results.*)",
        description=(
            "Measure widget latency, notebook execution against its floor, autograding "
            "(one submission, and a class serially and in parallel) and a fresh install "
            "from the lock; write benchmarks/results.md and results.json. Targets are "
            "reported, never enforced. BENCH_SKIP_SETUP=1 skips the fresh install."
        ),
    )
    bench.add_argument(
        "--only", help=f"comma-separated sections to run (default: all of {', '.join(SECTIONS)})"
    )
    bench.add_argument(
        "--skip-setup", action="store_true", help="skip the fresh install (or BENCH_SKIP_SETUP=1)"
    )
    bench.add_argument("--modules", nargs="*", help="module ids (default: all)")
    bench.add_argument("--repeat", type=int, default=3, help="runs per notebook measurement (3)")
    bench.add_argument("--moves", type=int, default=60, help="moves per widget (60)")
    bench.add_argument("--class-module", default="00-start-here", help="module of the class run")
    bench.add_argument("--class-size", type=int, default=60, help="submissions in the class (60)")
    bench.add_argument("--workers", type=int, help="parallel graders (default: the CPUs)")
    bench.add_argument("--output", type=Path, help="folder for results.json/.md (benchmarks/)")
    bench.set_defaults(func=_cmd_bench)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (``python -m postparis_instructor.bench``)."""
    parser = argparse.ArgumentParser(prog="python -m postparis_instructor.bench")
    add_bench_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", *(sys.argv[1:] if argv is None else argv)])
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
