"""Thin widgets for module 05: forecast sliders and a calibration explorer.

The widgets only display what the pure functions in :mod:`postparis.forecasting.model`
compute. Graded answers never depend on them: a learner copies what the sliders show
into a code cell, and the tests check that cell.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import pandas as pd

from postparis.data import load_forecast_questions
from postparis.figures import PALETTE, LiveFigure, add_source, new_figure
from postparis.forecasting.model import (
    calibration_table,
    largest_calibration_gap,
    outcomes_from,
    questions_as_of_2015,
    reference_forecasters,
    simulate_calibrated_forecaster,
    validate_forecasts,
)
from postparis.validation import CourseInputError

__all__ = [
    "calibration_explorer",
    "default_calibration_series",
    "forecast_code",
    "forecast_sliders",
]

MAX_BINS = 10


# -- forecast sliders ---------------------------------------------------------------------


def forecast_code(forecasts: Mapping[str, float]) -> str:
    """Return the Python line that records ``forecasts``, ready to paste into a cell.

    Examples
    --------
    >>> forecast_code({"q01": 0.3, "q02": 0.75})
    'my_forecasts = {"q01": 0.3, "q02": 0.75}'
    """
    body = ", ".join(f'"{q}": {round(float(p), 2):g}' for q, p in forecasts.items())
    return f"my_forecasts = {{{body}}}"


def _build_forecast_sliders(
    questions: pd.DataFrame, start: Mapping[str, float] | None = None
) -> tuple[widgets.VBox, widgets.FloatSlider, widgets.HTML]:
    table = questions_as_of_2015(questions)
    ids = [str(q) for q in table["question_id"]]
    values = validate_forecasts(start, ids) if start is not None else dict.fromkeys(ids, 0.5)
    sliders: dict[str, widgets.FloatSlider] = {}
    rows: list[widgets.Widget] = []
    for q, text, when in zip(ids, table["question"], table["resolution_date"], strict=True):
        rows.append(
            widgets.HTML(f"<b>{q}</b> {html.escape(str(text))} <i>(resolves {when:%d %b %Y})</i>")
        )
        slider = widgets.FloatSlider(
            value=values[q],
            min=0.0,
            max=1.0,
            step=0.05,
            description=f"{q}: P(yes)",
            readout_format=".2f",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="32em"),
        )
        sliders[q] = slider
        rows.append(slider)
    code = widgets.HTML()

    def update(_change: object = None) -> None:
        current = {q: s.value for q, s in sliders.items()}
        code.value = (
            "<p>Copy this line into the exercise cell below:</p>"
            f"<pre style='white-space:pre-wrap'>{html.escape(forecast_code(current), quote=False)}</pre>"
        )

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    box = widgets.VBox([*rows, code])
    return box, sliders[ids[0]], code


def forecast_sliders(
    questions: pd.DataFrame, start: Mapping[str, float] | None = None
) -> widgets.VBox:
    """Return one labelled slider per question and the code line that records them.

    Parameters
    ----------
    questions
        The questions table (outcomes, if present, are never shown).
    start
        Optional starting forecasts; every slider starts at 0.5 otherwise.

    Returns
    -------
    ipywidgets.VBox
        For each question an HTML line with its text and a slider (keyboard: arrow
        keys); the last child is the ``my_forecasts = {...}`` line to copy.
    """
    return _build_forecast_sliders(questions, start)[0]


# -- calibration explorer -----------------------------------------------------------------

Series = Mapping[str, tuple[Sequence[float], Sequence[int]]]


def default_calibration_series(
    questions: pd.DataFrame | None = None,
    extra: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[str, tuple[list[float], list[int]]]:
    """Return the forecasters the calibration explorer offers by default.

    The course's reference forecasters on the ten questions, any ``extra`` forecasts
    (for example a learner's ``{"you": my_forecasts}``), and two simulated, perfectly
    calibrated forecasters, on 10 and on 1,000 made-up questions.
    """
    questions = load_forecast_questions() if questions is None else questions
    outcomes = outcomes_from(questions)
    ids = list(outcomes)
    named = dict(reference_forecasters(questions, outcomes))
    for name, forecasts in (extra or {}).items():
        named[name] = validate_forecasts(forecasts, ids)
    series: dict[str, tuple[list[float], list[int]]] = {
        name: ([forecasts[q] for q in ids], [outcomes[q] for q in ids])
        for name, forecasts in named.items()
    }
    for n in (10, 1000):
        series[f"simulated calibrated forecaster, {n:,} questions"] = (
            simulate_calibrated_forecaster(n)
        )
    return series


def _table_html(table: pd.DataFrame) -> str:
    rows = []
    for low, high, n, mean, share in table[
        ["bin_low", "bin_high", "n", "mean_forecast", "observed_share"]
    ].itertuples(index=False):
        if n:
            cells = f"<td>{n}</td><td>{mean:.2f}</td><td>{share:.2f}</td><td>{abs(mean - share):.2f}</td>"
        else:
            cells = "<td>0</td><td>-</td><td>-</td><td>-</td>"
        rows.append(f"<tr><td>{low:.1f}-{high:.1f}</td>{cells}</tr>")
    return (
        "<table><thead><tr><th>bin</th><th>forecasts</th><th>mean forecast</th>"
        "<th>share that happened</th><th>gap</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _build_calibration_explorer(
    series: Series, n_bins: int = 5
) -> tuple[widgets.VBox, widgets.IntSlider, widgets.HTML]:
    if not series:
        raise CourseInputError("The calibration explorer needs at least one forecaster.")
    names = list(series)
    cache: dict[tuple[str, int], pd.DataFrame] = {}

    def table_for(name: str, bins: int) -> pd.DataFrame:
        key = (name, bins)
        if key not in cache:
            forecasts, outcomes = series[name]
            cache[key] = calibration_table(forecasts, outcomes, bins)
        return cache[key]

    fig, ax = new_figure(5.6, 3.8)
    ax.plot([0, 1], [0, 1], linestyle="--", color=PALETTE["black"])
    ax.annotate("dashed: perfect calibration", (0.02, 0.93), fontsize=8)
    (line,) = ax.plot([], [], marker="o", color=PALETTE["vermillion"])
    labels = [
        ax.annotate("", (0, 0), xytext=(5, -11), textcoords="offset points", fontsize=8)
        for _ in range(MAX_BINS)
    ]
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("Mean forecast in the bin (probability of yes)")
    ax.set_ylabel("Share that happened")
    add_source(ax, "Source: data/forecast_questions.csv; simulated forecasters are made up")
    # Fixed margins instead of a layout engine: the layout never changes between
    # updates, and skipping the solver makes each redraw much faster.
    fig.set_layout_engine("none")
    ax.set_position((0.13, 0.2, 0.84, 0.7))
    ax.set_title(" ", fontsize=9)
    # Axes, diagonal and labels are drawn once; a move redraws only the points, their
    # counts and the title over that background.
    live = LiveFigure(fig, moving=[line, *labels, ax.title], dpi=72)
    rendered: dict[tuple[str, int], tuple[str, str]] = {}

    chooser = widgets.Dropdown(
        options=names,
        value=names[0],
        description="Forecaster",
        style={"description_width": "initial"},
    )
    bins = widgets.IntSlider(
        value=n_bins,
        min=2,
        max=MAX_BINS,
        step=1,
        description="Bins",
        continuous_update=True,
        style={"description_width": "initial"},
    )
    picture = widgets.HTML()
    numbers = widgets.HTML()

    def render(name: str, n: int) -> tuple[str, str]:
        table = table_for(name, n)
        filled = table.loc[table["n"] > 0]
        line.set_data(filled["mean_forecast"], filled["observed_share"])
        for k, label in enumerate(labels):
            if k < len(filled):
                x, y, count = filled.iloc[k][["mean_forecast", "observed_share", "n"]]
                label.xy = (x, y)
                label.set_text(f"n={int(count)}")
                label.set_visible(True)
            else:
                label.set_visible(False)
        total = int(table["n"].sum())
        ax.set_title(f"{name}: {total:,} forecasts, {n} bins", fontsize=9)
        gap = largest_calibration_gap(table)
        points = "; ".join(
            f"bin {lo:.1f}-{hi:.1f}: {c} forecasts, mean {m:.2f}, {s:.0%} happened"
            for lo, hi, c, m, s in filled[
                ["bin_low", "bin_high", "n", "mean_forecast", "observed_share"]
            ].itertuples(index=False)
        )
        alt = (
            f"Reliability diagram for {name} with {n} bins. {points}. "
            f"Largest gap from the diagonal: {gap:.2f}."
        )
        picture_html = live.html(alt, f"Reliability diagram: {name}")
        numbers_html = (
            f"{_table_html(table)}<p><b>Largest gap</b> between a bin's mean forecast and "
            f"the share that happened: <b>{gap:.2f}</b></p>"
        )
        return picture_html, numbers_html

    def update(_change: object = None) -> None:
        key = (chooser.value, bins.value)
        if key not in rendered:
            rendered[key] = render(*key)
        picture.value, numbers.value = rendered[key]

    chooser.observe(update, names="value")
    bins.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HBox([chooser, bins]), picture, numbers])
    return box, bins, picture


def calibration_explorer(series: Series | None = None, n_bins: int = 5) -> widgets.VBox:
    """Return a reliability-diagram explorer: pick a forecaster and a number of bins.

    Parameters
    ----------
    series
        ``{name: (forecasts, outcomes)}``; by default
        :func:`default_calibration_series`.
    n_bins
        The number of bins shown first (2 to 10).

    Returns
    -------
    ipywidgets.VBox
        A row with the forecaster drop-down and the bins slider, the diagram (with alt
        text listing every point), and a table of the bins with the largest gap.
    """
    chosen = default_calibration_series() if series is None else series
    return _build_calibration_explorer(chosen, n_bins)[0]
