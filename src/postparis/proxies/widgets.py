"""Module 03's widgets: thin views over :mod:`postparis.proxies.model`.

* :func:`analogy_scorecard`: one slider per dimension of the Afghanistan-Syria analogy,
  the sourced facts beside it, and a summary from :func:`~postparis.proxies.model.score_analogy`.
* :func:`decision_explorer`: six sliders for the decision model, a chart of the expected
  value against the leak probability, and a one-line readout.

Neither calls ``display``: each returns a container, which the notebook shows with
:func:`postparis.display.show`. Every control has a visible label and works from the
keyboard (Tab to reach it, arrow keys to move it).
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from postparis.figures import new_figure
from postparis.proxies.model import (
    ANALOGY_DIMENSIONS,
    ANALOGY_SCALE,
    DEFAULT_SCENARIO,
    VALUE_LIMIT,
    AnalogyDimension,
    ProposalScenario,
    break_even_leak_probability,
    describe_break_even,
    expected_value,
    score_analogy,
)
from postparis.proxies.plots import EV_GRID, expected_value_alt_text, plot_expected_value
from postparis.validation import CourseInputError

__all__ = [
    "analogy_scorecard",
    "decision_explorer",
    "render_analogy_summary",
    "render_decision_readout",
]

#: Fixed label widths, so that the sliders of one widget line up.
_SCORECARD_STYLE = {"description_width": "24em"}
_DECISION_STYLE = {"description_width": "26em"}
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def _markdown_links_to_html(text: str) -> str:
    """Turn the ``[text](url)`` links of a sourced fact into HTML links (escaping the rest)."""
    out, last = [], 0
    for match in _LINK.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        label, url = match.groups()
        out.append(
            f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">'
            f"{html.escape(label)}</a>"
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _dimension_card(dimension: AnalogyDimension) -> str:
    return (
        f"<div class='postparis-card'><p><b>{html.escape(dimension.label)}</b>: "
        f"<i>{html.escape(dimension.question)}</i></p><ul>"
        f"<li><b>Afghanistan, 1986:</b> {_markdown_links_to_html(dimension.afghanistan)}</li>"
        f"<li><b>Syria, 2015:</b> {_markdown_links_to_html(dimension.syria)}</li></ul></div>"
    )


def render_analogy_summary(ratings: dict[str, int]) -> str:
    """Return the HTML summary the scorecard shows, including the line to copy into code."""
    summary = score_analogy(ratings)
    labels = {d.key: d.label for d in ANALOGY_DIMENSIONS}
    items = "".join(
        f"<li>{html.escape(labels[k])}: {v} ({ANALOGY_SCALE[v]})</li>"
        for k, v in summary["ratings"].items()
    )
    record = html.escape(f"my_ratings = {summary['ratings']!r}")
    return (
        f"<div class='postparis-card' aria-live='polite'><p><b>Your ratings</b> "
        f"(1 = very different, 5 = very similar):</p><ul>{items}</ul>"
        f"<p><b>Average:</b> {summary['mean']:.1f} of 5. {html.escape(summary['verdict'])}</p>"
        f"<p>To record them for the exercise, copy this line into the answer cell:<br>"
        f"<code>{record}</code></p></div>"
    )


def analogy_scorecard(ratings: dict[str, int] | None = None) -> widgets.VBox:
    """Return the analogy scorecard: a rated slider under each dimension's sourced facts.

    Parameters
    ----------
    ratings
        Starting ratings (1-5) for every dimension; all 3 ("mixed") if omitted.

    Returns
    -------
    ipywidgets.VBox
        One card and one slider per dimension, then the summary (an ``HTML`` widget,
        ``children[-1]``) that updates whenever a slider moves.
    """
    start = score_analogy(ratings or {d.key: 3 for d in ANALOGY_DIMENSIONS})["ratings"]
    sliders: dict[str, widgets.IntSlider] = {}
    rows: list[widgets.Widget] = []
    for dimension in ANALOGY_DIMENSIONS:
        slider = widgets.IntSlider(
            value=start[dimension.key],
            min=1,
            max=5,
            step=1,
            description=f"Similarity: {dimension.label}",
            continuous_update=False,
            style=_SCORECARD_STYLE,
            layout=widgets.Layout(width="95%"),
        )
        sliders[dimension.key] = slider
        rows.extend([widgets.HTML(_dimension_card(dimension)), slider])
    summary = widgets.HTML(render_analogy_summary(start))

    def update(_change: object) -> None:
        summary.value = render_analogy_summary({k: s.value for k, s in sliders.items()})

    for slider in sliders.values():
        slider.observe(update, names="value")
    return widgets.VBox([*rows, summary])


# ---------------------------------------------------------------------------
# The decision explorer
# ---------------------------------------------------------------------------

_SLIDERS: tuple[tuple[str, str, float, float, float], ...] = (
    # name, visible label, min, max, step
    ("p_deter", "p_deter: chance the missiles deter Russian strikes", 0.0, 1.0, 0.01),
    ("v_deter", "v_deter: value of deterrence (points)", 0.0, VALUE_LIMIT, 5.0),
    ("p_leak", "p_leak: chance missiles reach extremists", 0.0, float(EV_GRID.max()), 0.005),
    ("v_leak", "v_leak: value of a leak (points)", -VALUE_LIMIT, 0.0, 5.0),
    ("p_incident", "p_incident: chance of a US-Russian incident", 0.0, 1.0, 0.01),
    ("v_incident", "v_incident: value of an incident (points)", -VALUE_LIMIT, 0.0, 5.0),
)


def render_decision_readout(scenario: ProposalScenario, *, show_break_even: bool) -> str:
    """Return the one-line HTML readout of the decision explorer."""
    ev = expected_value(**scenario.as_dict())
    verdict = "pays" if ev > 0 else ("breaks even" if ev == 0 else "does not pay")
    text = (
        f"<p aria-live='polite'><b>Expected value:</b> {ev:+.2f} points at p_leak = "
        f"{scenario.p_leak:.3f}: on these assumptions the proposal <b>{verdict}</b>."
    )
    if show_break_even and scenario.v_leak < 0:
        p_star = break_even_leak_probability(
            scenario.p_deter,
            scenario.v_deter,
            scenario.v_leak,
            scenario.p_incident,
            scenario.v_incident,
        )
        text += f" {html.escape(describe_break_even(p_star))}"
    return text + "</p>"


class _BlittedChart:
    """Render a figure once, then redraw only its moving artists for each update.

    Re-rendering a whole Matplotlib figure (all its text) takes far longer than the
    50 ms a slider update may take; blitting redraws the moving lines on a saved
    background and encodes the result as PNG. The axes' limits must stay fixed.
    """

    def __init__(self, fig: Figure, moving: Sequence[Artist]) -> None:
        self.moving = list(moving)
        for artist in self.moving:
            artist.set_animated(True)
        self.canvas = FigureCanvasAgg(fig)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)

    def html(self, alt: str, caption: str) -> str:
        """Return the current image as an HTML ``<figure>`` with alt text and a caption.

        The markup is the one :func:`postparis.figures.figure_html` produces.
        """
        self.canvas.restore_region(self.background)
        for artist in self.moving:
            artist.axes.draw_artist(artist)
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.canvas.buffer_rgba())).save(
            buffer, format="png", compress_level=1
        )
        src = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        return (
            '<figure class="postparis-figure" style="margin:0">'
            f'<img src="{src}" alt="{html.escape(alt.strip(), quote=True)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(caption.strip())}</figcaption></figure>"
        )


def decision_explorer(
    scenario: ProposalScenario = DEFAULT_SCENARIO, *, show_break_even: bool = False
) -> widgets.VBox:
    """Return six labelled sliders, a chart and a readout for the decision model.

    Parameters
    ----------
    scenario
        The starting values of the six sliders.
    show_break_even
        Whether the readout also states the break-even leak probability. Off by default,
        so that the exercise asks the learner to find it on the chart.

    Returns
    -------
    ipywidgets.VBox
        ``children[0]`` holds the sliders (a ``VBox``, in the order p_deter, v_deter,
        p_leak, v_leak, p_incident, v_incident), ``children[1]`` the chart (``HTML``),
        ``children[2]`` the readout (``HTML``).
    """
    if not isinstance(scenario, ProposalScenario):
        raise CourseInputError("scenario must be a ProposalScenario, e.g. DEFAULT_SCENARIO.")
    values = scenario.as_dict()
    sliders: dict[str, widgets.FloatSlider] = {}
    for name, label, low, high, step in _SLIDERS:
        value = values[name]
        if not low <= value <= high:
            raise CourseInputError(
                f"{name} = {value:g} lies outside the slider's {low:g}-{high:g}."
            )
        sliders[name] = widgets.FloatSlider(
            value=value,
            min=low,
            max=high,
            step=step,
            description=label,
            readout_format=".3f" if name.startswith("p_") else ".0f",
            continuous_update=False,
            style=_DECISION_STYLE,
            layout=widgets.Layout(width="95%"),
        )
    fig, ax = new_figure(6.0, 3.2)
    plot_expected_value(scenario, ax=ax)
    line = next(a for a in ax.get_lines() if a.get_gid() == "ev-line")
    point = next(a for a in ax.get_lines() if a.get_gid() == "ev-point")
    grid = np.asarray(line.get_xdata(), dtype=float)
    drawing = _BlittedChart(fig, [line, point])
    caption = "Expected value of supplying the missiles as the leak probability rises."
    chart = widgets.HTML(drawing.html(expected_value_alt_text(scenario), caption))
    readout = widgets.HTML(render_decision_readout(scenario, show_break_even=show_break_even))

    def update(_change: object) -> None:
        current = ProposalScenario(**{k: float(s.value) for k, s in sliders.items()})
        base = expected_value(**{**current.as_dict(), "p_leak": 0.0})
        line.set_ydata(base + grid * current.v_leak)
        point.set_data([current.p_leak], [base + current.p_leak * current.v_leak])
        chart.value = drawing.html(expected_value_alt_text(current), caption)
        readout.value = render_decision_readout(current, show_break_even=show_break_even)

    for slider in sliders.values():
        slider.observe(update, names="value")
    return widgets.VBox([widgets.VBox(list(sliders.values())), chart, readout])
