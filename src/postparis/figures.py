"""The course's figure style: readable, colour-blind-safe, sourced and accessible.

Every chart in the course

* uses the Okabe-Ito palette (safe for the common colour-vision deficiencies) and
  never relies on colour alone (pair it with markers, line styles or labels);
* labels its axes with units;
* carries a source line under the plot (:func:`add_source`);
* reaches a screen reader: :func:`show_figure` renders the figure as an HTML
  ``<figure>`` with an ``<img alt=...>`` and a visible ``<figcaption>``. JupyterLab 4
  ignores the ``alt`` key of image output metadata (jupyter/enhancement-proposals#120),
  but keeps the ``alt`` attribute of an HTML image, in the notebook and in exported HTML.

Plot helpers in the topic modules take ``ax=None`` and return the ``Axes``, so that
exercises can reuse them.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from postparis.validation import CourseInputError

__all__ = [
    "LINESTYLES",
    "MARKERS",
    "PALETTE",
    "AccessibleFigure",
    "add_source",
    "course_style",
    "figure_html",
    "new_figure",
    "show_figure",
]

#: Okabe & Ito (2008), "Color Universal Design": eight colours distinguishable with the
#: common colour-vision deficiencies. Black first, for the main series.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Markers and line styles to pair with colours, so colour is never the only cue.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":")

_RC = {
    "axes.prop_cycle": mpl.cycler(
        color=[
            PALETTE[k]
            for k in (
                "blue",
                "vermillion",
                "bluish_green",
                "orange",
                "reddish_purple",
                "sky_blue",
                "black",
                "yellow",
            )
        ]
    ),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.frameon": False,
    "font.size": 11,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
}


@contextmanager
def course_style() -> Iterator[None]:
    """Apply the course's matplotlib style inside a ``with`` block."""
    with mpl.rc_context(_RC):
        yield


def new_figure(width: float = 7.0, height: float = 3.8) -> tuple[Figure, Axes]:
    """Return a new figure and axes in the course style, not attached to pyplot.

    The figure is created with :class:`matplotlib.figure.Figure` directly, so it is
    never shown twice by the inline backend and never leaks memory in a widget that
    redraws it.
    """
    with course_style():
        fig = Figure(figsize=(width, height), layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def add_source(ax: Axes, text: str) -> None:
    """Write a source line under the plot, e.g. ``"Source: Bank of Russia"``.

    Raises
    ------
    CourseInputError
        If ``text`` is empty: every chart in the course names its source.
    """
    if not isinstance(text, str) or not text.strip():
        raise CourseInputError("Every chart needs a source line, e.g. 'Source: Bank of Russia'.")
    line = text if text.lower().startswith("source") else f"Source: {text}"
    ax.annotate(
        line,
        xy=(0, 0),
        xycoords="figure fraction",
        xytext=(4, 2),
        textcoords="offset points",
        fontsize=8,
        color="#444444",
        ha="left",
        va="bottom",
        annotation_clip=False,
    )
    fig = ax.figure
    if fig is not None and fig.get_layout_engine() is not None:
        # Leave room for the source line under the axes.
        fig.get_layout_engine().set(h_pad=0.15)


def _png_bytes(fig: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _svg_text(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    return buffer.getvalue()


def figure_html(
    fig: Figure,
    alt: str,
    caption: str,
    *,
    fmt: Literal["png", "svg"] = "png",
    dpi: int = 100,
) -> str:
    """Return an HTML ``<figure>`` for ``fig`` with alt text and a visible caption.

    Parameters
    ----------
    fig
        The figure to render.
    alt
        The text alternative a screen reader reads instead of the image: what the
        chart shows and its main message, in a sentence or two.
    caption
        A one-line caption shown under the figure.
    fmt
        ``"png"`` (default) or ``"svg"``; both are embedded as a data URI in ``<img>``.
    dpi
        Resolution for PNG output.

    Raises
    ------
    CourseInputError
        If ``alt`` or ``caption`` is empty.
    """
    if not isinstance(alt, str) or len(alt.strip()) < 10:
        raise CourseInputError("Every figure needs alt text: a sentence saying what it shows.")
    if not isinstance(caption, str) or not caption.strip():
        raise CourseInputError("Every figure needs a one-line caption.")
    if fmt == "png":
        src = "data:image/png;base64," + base64.b64encode(_png_bytes(fig, dpi)).decode("ascii")
    elif fmt == "svg":
        src = "data:image/svg+xml;base64," + base64.b64encode(
            _svg_text(fig).encode("utf-8")
        ).decode("ascii")
    else:
        raise CourseInputError(f"fmt must be 'png' or 'svg'; you gave {fmt!r}.")
    return (
        '<figure class="postparis-figure" style="margin:0">'
        f'<img src="{src}" alt="{html.escape(alt.strip(), quote=True)}" '
        'style="max-width:100%;height:auto">'
        f"<figcaption>{html.escape(caption.strip())}</figcaption></figure>"
    )


class AccessibleFigure:
    """A rendered figure that displays as HTML with alt text, and as text elsewhere.

    IPython shows the ``text/html`` representation in JupyterLab and in exported HTML,
    and the ``text/plain`` one (the alt text) in a terminal or a plain-text export.
    """

    def __init__(self, fig: Figure, alt: str, caption: str) -> None:
        self.alt = alt.strip()
        self.caption = caption.strip()
        self.html = figure_html(fig, self.alt, self.caption)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"[Figure: {self.caption}] {self.alt}"


def show_figure(fig: Figure, alt: str, caption: str) -> AccessibleFigure:
    """Return ``fig`` as an :class:`AccessibleFigure`; the last line of a cell displays it.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([2014, 2015], [1, 2])
    >>> add_source(ax, "Source: example")
    >>> show_figure(fig, alt="A rising line from 1 in 2014 to 2 in 2015.", caption="Example")
    [Figure: Example] A rising line from 1 in 2014 to 2 in 2015.
    """
    return AccessibleFigure(fig, alt, caption)
