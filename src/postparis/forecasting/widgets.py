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

from postparis.controls import LABEL, labelled_slider
from postparis.data import load_forecast_questions
from postparis.figures import LiveFigure, new_figure
from postparis.forecasting.model import (
    calibration_table,
    largest_calibration_gap,
    outcomes_from,
    questions_as_of_2015,
    reference_forecasters,
    simulate_calibrated_forecaster,
    validate_forecasts,
)
from postparis.forecasting.plots import (
    calibration_table_html,
    plot_reliability,
    reliability_alt_text,
    reliability_artists,
    update_reliability,
)
from postparis.validation import CourseInputError

__all__ = [
    "calibration_explorer",
    "default_calibration_series",
    "forecast_code",
    "forecast_sliders",
]

#: The most bins the explorer's slider offers.
SLIDER_BINS = 10


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
    table = questions_as_of_2015(questions)
    ids = [str(q) for q in table["question_id"]]
    values = validate_forecasts(start, ids) if start is not None else dict.fromkeys(ids, 0.5)
    sliders: dict[str, widgets.IntSlider | widgets.FloatSlider] = {}
    rows: list[widgets.Widget] = []
    for q, text, when in zip(ids, table["question"], table["resolution_date"], strict=True):
        rows.append(
            widgets.HTML(f"<b>{q}</b> {html.escape(str(text))} <i>(resolves {when:%d %b %Y})</i>")
        )
        sliders[q] = labelled_slider(
            f"{q}: P(yes)", values[q], 0.0, 1.0, 0.05, readout=".2f", continuous=True, width="32em"
        )
        rows.append(sliders[q])
    code = widgets.HTML()

    def update(_change: object = None) -> None:
        line = forecast_code({q: s.value for q, s in sliders.items()})
        code.value = (
            "<p>Copy this line into the exercise cell below:</p>"
            f"<pre style='white-space:pre-wrap'>{html.escape(line, quote=False)}</pre>"
        )

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    return widgets.VBox([*rows, code])


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
    series = default_calibration_series() if series is None else series
    if not series:
        raise CourseInputError("The calibration explorer needs at least one forecaster.")
    names = list(series)
    chooser = widgets.Dropdown(options=names, value=names[0], description="Forecaster", style=LABEL)
    bins = labelled_slider("Bins", n_bins, 2, SLIDER_BINS, 1, continuous=True)
    picture, numbers = widgets.HTML(), widgets.HTML()
    fig, ax = new_figure(5.6, 3.8)
    plot_reliability(*series[names[0]], n_bins, ax=ax)
    # The points, their counts and the title move; the rest is drawn once.
    live = LiveFigure(fig, moving=reliability_artists(ax), dpi=72)

    shown: dict[tuple[str, int], tuple[str, str]] = {}  # each forecaster and bins once

    def draw(name: str, n: int) -> tuple[str, str]:
        table = calibration_table(*series[name], n)
        update_reliability(ax, table, f"{name}: {int(table['n'].sum()):,} forecasts, {n} bins")
        chart = live.html(reliability_alt_text(table, name), f"Reliability diagram: {name}")
        return chart, (
            f"{calibration_table_html(table)}<p><b>Largest gap</b> between a bin's mean "
            f"forecast and the share that happened: <b>{largest_calibration_gap(table):.2f}</b></p>"
        )

    def update(_change: object = None) -> None:
        key = (str(chooser.value), int(bins.value))
        if key not in shown:
            shown[key] = draw(*key)
        picture.value, numbers.value = shown[key]

    chooser.observe(update, names="value")
    bins.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([chooser, bins]), picture, numbers])
