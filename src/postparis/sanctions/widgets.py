"""Module 02's widgets: thin views over :mod:`postparis.sanctions.model`.

* :func:`timeline_explorer`: filter the sanctions timeline by actor, kind and dates.
* :func:`bargain_explorer`: sliders for the bargaining model's five judgements, a chart
  of both sides' gains against the share of sanctions lifted, and a sentence saying
  where a deal pays both sides.

Neither calls ``display``: each returns a container, which a notebook shows with
:func:`postparis.display.show`. Graded answers never depend on them.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import fields, replace

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from PIL import Image

from postparis.figures import PALETTE, add_source, new_figure
from postparis.sanctions.model import (
    DEFAULT_BARGAIN,
    BargainParameters,
    deal_zone,
    filter_timeline,
    payoff_curves,
    russia_threshold,
    timeline_dates,
)

__all__ = [
    "bargain_explorer",
    "render_bargain_summary",
    "render_timeline_rows",
    "timeline_explorer",
]

_STYLE = {"description_width": "initial"}
_WIDE = widgets.Layout(width="95%")

# -- the timeline explorer -------------------------------------------------------------

_COLUMNS = ("date", "actor", "kind", "measure", "target", "sector")


def render_timeline_rows(
    rows: pd.DataFrame, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> str:
    """Return the HTML table the timeline explorer shows for the chosen rows.

    ``start`` and ``end``, if given, are named in the sentence above the table, so that
    the chosen date range can be read (and heard by a screen reader) in full.
    """
    count = len(rows)
    span = (
        f" from {start:%d %b %Y} to {end:%d %b %Y}" if start is not None and end is not None else ""
    )
    head = f"<p><b>{count} row{'s' if count != 1 else ''}</b> match your filters{span}.</p>"
    if not count:
        return head
    header = "".join(f"<th style='text-align:left'>{c}</th>" for c in _COLUMNS)
    body = []
    for _, row in rows.iterrows():
        cells = [f"{row['date']:%d %b %Y}"] + [html.escape(str(row[c])) for c in _COLUMNS[1:]]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return (
        f"{head}<table class='postparis-table'><caption>Sanctions timeline, filtered"
        f"</caption><thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


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
        options=actors, value=tuple(actors), rows=len(actors), description="Actor", style=_STYLE
    )
    kind_list = widgets.SelectMultiple(
        options=kinds, value=tuple(kinds), rows=len(kinds), description="Kind", style=_STYLE
    )
    date_range = widgets.SelectionRangeSlider(
        options=[(f"{d:%d %b %Y}", d) for d in dates],
        index=(0, len(dates) - 1),
        description="Dates (both included)",
        continuous_update=False,
        style=_STYLE,
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
_SHARES = np.linspace(0.0, 1.0, 101)


def render_bargain_summary(params: BargainParameters) -> str:
    """Return the sentence the bargain explorer shows under its chart."""
    zone = deal_zone(params)
    threshold = russia_threshold(params)
    if threshold is None:
        russia = "Even lifting all the sectoral sanctions leaves Russia no better off."
    elif threshold == 0:
        russia = "Russia gains from cooperating even with no relief."
    else:
        russia = f"Russia gains only if more than {threshold:.0%} of the sanctions are lifted."
    if zone is None:
        deal = "<b>No relief share pays both sides</b>: there is no deal to be had."
    else:
        low, high = zone
        deal = (
            f"<b>A deal pays both sides</b> for relief shares between {low:.0%} and "
            f"{high:.0%} (the hatched band)."
        )
    return f"<p>{deal} {russia}</p>"


class _BargainChart:
    """The one figure the bargain explorer keeps: static parts drawn once, lines redrawn.

    The axes, labels, legend and source line are rendered once; on each update only
    the two gain lines and the hatched band are drawn again over that background
    (matplotlib "blitting"), which keeps an update fast enough for a slider.
    """

    def __init__(self) -> None:
        fig, ax = new_figure(7.2, 3.4)
        (self.russia_line,) = ax.plot(
            _SHARES, _SHARES, color=PALETTE["vermillion"], linestyle="-", label="Russia's gain"
        )
        (self.west_line,) = ax.plot(
            _SHARES, _SHARES, color=PALETTE["blue"], linestyle="--", label="the West's gain"
        )
        ax.axhline(0.0, color=PALETTE["black"], linewidth=0.8)
        self.band = Rectangle(
            (0.0, -100.0),
            0.0,
            200.0,
            facecolor="#dddddd",
            edgecolor="#555555",
            hatch="//",
            linewidth=0.0,
            alpha=0.45,  # drawn over the grid and the zero line: keep both visible
            label="deal pays both",
        )
        ax.add_patch(self.band)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(-10.5, 20.5)
        ax.set_xlabel("Share of the sectoral sanctions lifted (0 = none, 1 = all)")
        ax.set_ylabel("Gain from a deal (points)")
        ax.set_title("Sanctions relief for cooperation: who gains?")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
        add_source(ax, "Model: postparis.sanctions.model.deal_payoffs (illustrative values)")
        self.dynamic = (self.band, self.russia_line, self.west_line)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.fig, self.ax = fig, ax
        self.canvas = FigureCanvasAgg(fig)
        self.canvas.draw()
        fig.set_layout_engine("none")  # freeze the layout computed by that first draw
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def update(self, params: BargainParameters) -> None:
        """Move the lines and the band to show ``params``."""
        russia, west = payoff_curves(params, _SHARES)
        self.russia_line.set_ydata(russia)
        self.west_line.set_ydata(west)
        zone = deal_zone(params)
        self.band.set_x(zone[0] if zone else 0.0)
        self.band.set_width((zone[1] - zone[0]) if zone else 0.0)

    def png(self) -> bytes:
        """Return the current chart as PNG bytes."""
        self.canvas.restore_region(self.background)
        for artist in self.dynamic:
            self.ax.draw_artist(artist)
        buffer = io.BytesIO()
        # The figure is opaque, so the alpha channel is dropped: a quarter less to encode.
        rgb = np.ascontiguousarray(np.asarray(self.canvas.buffer_rgba())[:, :, :3])
        Image.fromarray(rgb).save(buffer, format="PNG", compress_level=1)
        return buffer.getvalue()

    def html(self, alt: str, caption: str) -> str:
        """Return the chart as an HTML figure, like :func:`postparis.figures.figure_html`."""
        source = "data:image/png;base64," + base64.b64encode(self.png()).decode("ascii")
        return (
            '<figure class="postparis-figure" style="margin:0">'
            f'<img src="{source}" alt="{html.escape(alt.strip(), quote=True)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(caption.strip())}</figcaption></figure>"
        )


def _alt_text(params: BargainParameters) -> str:
    zone = deal_zone(params)
    where = (
        "No share of relief gives both sides a gain."
        if zone is None
        else f"Both gains are above zero between {zone[0]:.0%} and {zone[1]:.0%} relief."
    )
    return (
        "Line chart of each side's gain against the share of sanctions lifted. "
        f"Russia's gain rises from {params.cooperation_value_russia - params.cooperation_cost_russia:g} "
        f"to {params.cooperation_value_russia + params.relief_value_russia - params.cooperation_cost_russia:g}; "
        f"the West's gain falls from {params.cooperation_value_west:g} to "
        f"{params.cooperation_value_west - params.credibility_cost_west:g}. {where}"
    )


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
        field.name: widgets.FloatSlider(
            value=getattr(params, field.name),
            min=0.0,
            max=10.0,
            step=0.5,
            description=_LABELS[field.name],
            continuous_update=False,
            readout_format=".1f",
            style=_STYLE,
            layout=_WIDE,
        )
        for field in fields(BargainParameters)
    }
    figure = _BargainChart()
    chart = widgets.HTML()
    summary = widgets.HTML()

    def update(_change: object = None) -> None:
        current = replace(params, **{name: s.value for name, s in sliders.items()})
        figure.update(current)
        chart.value = figure.html(
            _alt_text(current),
            "Each side's gain from a deal; the hatched band is where both gain.",
        )
        summary.value = render_bargain_summary(current)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.VBox(list(sliders.values())), chart, summary])
    box.sliders = sliders  # type: ignore[attr-defined]
    return box
