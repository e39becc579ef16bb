"""Module 02's widgets: thin views over :mod:`postparis.sanctions.model`.

* :func:`timeline_explorer`: filter the sanctions timeline by actor, kind and dates.
* :func:`bargain_explorer`: sliders for the bargaining model's five judgements, a chart
  of both sides' gains against the share of sanctions lifted, and a sentence saying
  where a deal pays both sides.

Neither calls ``display``: each returns a container, which a notebook shows with
:func:`postparis.display.show`. Graded answers never depend on them.
"""

from __future__ import annotations

from dataclasses import fields, replace

import ipywidgets as widgets
import pandas as pd

from postparis.controls import LABEL, labelled_slider
from postparis.figures import LiveFigure, new_figure
from postparis.sanctions.model import (
    DEFAULT_BARGAIN,
    BargainParameters,
    filter_timeline,
    timeline_dates,
)
from postparis.sanctions.plots import (
    BARGAIN_CAPTION,
    bargain_alt_text,
    bargain_artists,
    plot_bargain,
    render_bargain_summary,
    render_timeline_rows,
    update_bargain,
)

__all__ = ["bargain_explorer", "timeline_explorer"]


def timeline_explorer(timeline: pd.DataFrame) -> widgets.VBox:
    """Return controls that filter the sanctions timeline, and the table they choose.

    Parameters
    ----------
    timeline
        The table from :func:`postparis.data.load_sanctions_timeline`.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` holds the actor and kind lists (Ctrl/Cmd or Shift + click, or
        Shift + arrow keys, to choose several), ``children[1]`` the date range slider
        (arrow keys move the handle in focus), ``children[2]`` the table.
    """
    actors = sorted(timeline["actor"].unique())
    kinds = sorted(timeline["kind"].unique())
    dates = timeline_dates(timeline)
    actor_list = widgets.SelectMultiple(
        options=actors, value=tuple(actors), rows=len(actors), description="Actor", style=LABEL
    )
    kind_list = widgets.SelectMultiple(
        options=kinds, value=tuple(kinds), rows=len(kinds), description="Kind", style=LABEL
    )
    date_range = widgets.SelectionRangeSlider(
        options=[(f"{d:%d %b %Y}", d) for d in dates],
        index=(0, len(dates) - 1),
        description="Dates (both included)",
        continuous_update=False,
        style=LABEL,
        layout=widgets.Layout(width="80%"),
    )
    table = widgets.HTML()

    def update(_change: object = None) -> None:
        start, end = date_range.value
        rows = filter_timeline(
            timeline, actors=actor_list.value, kinds=kind_list.value, start=start, end=end
        )
        table.value = render_timeline_rows(rows, start, end)

    for control in (actor_list, kind_list, date_range):
        control.observe(update, names="value")
    update()
    return widgets.VBox([widgets.HBox([actor_list, kind_list]), date_range, table])


# -- the bargain explorer --------------------------------------------------------------

_LABELS = {
    "cooperation_value_russia": "Value of cooperation to Russia",
    "relief_value_russia": "Value of full relief to Russia",
    "cooperation_cost_russia": "Russia's cost of cooperating",
    "cooperation_value_west": "Value of cooperation to the West",
    "credibility_cost_west": "West's credibility cost of full relief",
}


def bargain_explorer(params: BargainParameters = DEFAULT_BARGAIN) -> widgets.VBox:
    """Return sliders for the bargaining model, its chart and a summary sentence.

    Parameters
    ----------
    params
        Where the five sliders start.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` is a box of five labelled sliders (0 to 10 points in steps of
        0.5; arrow keys move the one in focus), ``children[1]`` the chart,
        ``children[2]`` the summary. The sliders are also reachable by name through
        the ``sliders`` attribute of the returned box.
    """
    sliders = {
        field.name: labelled_slider(
            _LABELS[field.name],
            getattr(params, field.name),
            0.0,
            10.0,
            0.5,
            readout=".1f",
            width="95%",
        )
        for field in fields(BargainParameters)
    }
    fig, ax = new_figure(7.2, 3.4)
    plot_bargain(params, ax=ax)
    live = LiveFigure(fig, moving=bargain_artists(ax))
    chart = widgets.HTML()
    summary = widgets.HTML()

    def update(_change: object = None) -> None:
        current = replace(params, **{name: s.value for name, s in sliders.items()})
        update_bargain(ax, current)
        chart.value = live.html(bargain_alt_text(current), BARGAIN_CAPTION)
        summary.value = render_bargain_summary(current)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.VBox(list(sliders.values())), chart, summary])
    box.sliders = sliders
    return box
