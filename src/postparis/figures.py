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

Plot helpers in the topic modules take ``ax=None`` (:func:`use_axes` makes a new figure
then) and return the ``Axes``, so that exercises can reuse them.

Rendering is one Agg draw and a PNG encode (no ``savefig``, which draws twice when a
layout engine is set). A widget that redraws its chart keeps a :class:`LiveFigure`, the
one renderer of live charts: the layout is computed once, the static parts are drawn
once, and each move draws only the artists that move over that cached background; a
chart with a few discrete states is drawn once per state and remembered.
"""

from __future__ import annotations

import base64
import html
import io
import struct
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis, XAxis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.rcsetup import cycler
from matplotlib.text import Text
from matplotlib.transforms import Bbox, BboxBase

from postparis.validation import CourseInputError

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = [
    "LINESTYLES",
    "MARKERS",
    "PALETTE",
    "AccessibleFigure",
    "LiveFigure",
    "add_source",
    "by_gid",
    "course_style",
    "figure_html",
    "new_figure",
    "show_figure",
    "use_axes",
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

_RC: dict[RcKeyType, Any] = {
    "axes.prop_cycle": cycler(
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


def use_axes(ax: Axes | None, width: float = 7.0, height: float = 3.8) -> Axes:
    """Return ``ax``, or the axes of a new course-style figure when ``ax`` is None.

    Every ``plot_*`` helper starts with it, so that it draws on the axes an exercise
    gives it, or on a figure of its own.
    """
    return ax if ax is not None else new_figure(width, height)[1]


_ArtistT = TypeVar("_ArtistT", bound=Artist)


@overload
def by_gid(ax: Axes, gid: str) -> Artist: ...
@overload
def by_gid(ax: Axes, gid: str, kind: type[_ArtistT]) -> _ArtistT: ...
def by_gid(ax: Axes, gid: str, kind: type[Artist] = Artist) -> Artist:
    """Return the artist of type ``kind`` a plot helper drew on ``ax`` under the name ``gid``.

    Plot helpers name the artists a widget moves (``ax.plot(..., gid="ev-line")``), so
    that their ``update_*`` partners find them again; ``kind`` (e.g. ``Line2D``) says
    what the partner will call on it.

    Raises
    ------
    LookupError
        If no artist on ``ax`` has that name (the axes were not drawn by that helper).
    """
    for artist in ax.get_children():
        if artist.get_gid() == gid and isinstance(artist, kind):
            return artist
    raise LookupError(f"nothing named {gid!r} on these axes: draw them with the plot helper")


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
    figure = ax.get_figure(root=True)
    engine = figure.get_layout_engine() if figure is not None else None
    if isinstance(engine, ConstrainedLayoutEngine):
        # Leave room for the source line under the axes.
        engine.set(h_pad=0.15)


def _agg_canvas(fig: Figure) -> FigureCanvasAgg:
    """Return the figure's Agg canvas, attaching one if it has none."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    return canvas


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _encode_png(canvas: FigureCanvasAgg, compress_level: int) -> bytes:
    """Encode the canvas as PNG, in one copy of its pixels and one ``zlib`` call.

    The PNG is written here (signature, header, deflated rows, end: the format's four
    required parts) rather than by Pillow, because Pillow tries all five row filters on
    every row, which takes longer than the compression itself. A chart is mostly flat
    colour: unfiltered rows compress about as well, several times faster. The rows stay
    RGBA as Agg drew them (the figures are opaque, so the alpha channel is constant and
    costs a few kilobytes): dropping it would cost more time than it saves in deflating.
    """
    width, height = canvas.get_width_height(physical=True)
    rows = np.empty((height, 1 + 4 * width), dtype=np.uint8)
    rows[:, 0] = 0  # each row starts with its filter type: 0, none
    rows[:, 1:] = np.asarray(canvas.buffer_rgba()).reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return b"".join(
        (
            _PNG_SIGNATURE,
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows.data, compress_level)),
            _png_chunk(b"IEND", b""),
        )
    )


#: Pixels kept around a layer's patch of canvas: anti-aliased edges reach past its box.
_LAYER_MARGIN = 2


def _layer_state(artist: Axis | Text) -> Hashable:
    """Return what a layer of :class:`LiveFigure` shows: an axis's limits and label, a text."""
    if isinstance(artist, Axis):
        return (tuple(artist.get_view_interval()), artist.label.get_text())
    return (artist.get_text(), artist.get_position(), artist.get_visible())


def _png_bytes(fig: Figure, dpi: int, compress_level: int = 3) -> bytes:
    """Render ``fig`` as PNG in a single Agg draw (layout included) at ``dpi``.

    Level 3 deflates a lesson's chart in about 5 ms (level 6: 10 ms, 15 % smaller); either
    is smaller than Pillow's filtered level 6 was.
    """
    canvas = _agg_canvas(fig)
    saved = fig.dpi
    if dpi != saved:
        fig.set_dpi(dpi)
    try:
        canvas.draw()
        return _encode_png(canvas, compress_level)
    finally:
        if dpi != saved:
            fig.set_dpi(saved)


def _check_alt_and_caption(alt: str, caption: str) -> None:
    if not isinstance(alt, str) or len(alt.strip()) < 10:
        raise CourseInputError("Every figure needs alt text: a sentence saying what it shows.")
    if not isinstance(caption, str) or not caption.strip():
        raise CourseInputError("Every figure needs a one-line caption.")


def _figure_markup(src: str, alt: str, caption: str) -> str:
    return (
        '<figure class="postparis-figure" style="margin:0">'
        f'<img src="{src}" alt="{html.escape(alt.strip(), quote=True)}" '
        'style="max-width:100%;height:auto">'
        f"<figcaption>{html.escape(caption.strip())}</figcaption></figure>"
    )


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
    _check_alt_and_caption(alt, caption)
    if fmt == "png":
        src = "data:image/png;base64," + base64.b64encode(_png_bytes(fig, dpi)).decode("ascii")
    elif fmt == "svg":
        src = "data:image/svg+xml;base64," + base64.b64encode(
            _svg_text(fig).encode("utf-8")
        ).decode("ascii")
    else:
        raise CourseInputError(f"fmt must be 'png' or 'svg'; you gave {fmt!r}.")
    return _figure_markup(src, alt, caption)


def _pin_label(artist: Axis | Text) -> None:
    """Keep an x axis's label where its first draw put it.

    Live charts keep their layout, and an x axis's tick labels keep their height
    whatever its limits, so its label never moves: pinned, the axis no longer measures
    every tick label at each draw to place it (a fifth of the axis's drawing time).
    """
    if isinstance(artist, XAxis) and artist.label.get_text():
        label = artist.label
        artist.set_label_coords(*label.get_position(), transform=label.get_transform())


class LiveFigure:
    """The one renderer of the charts that widgets redraw, fast enough for a slider.

    A widget draws its chart with its topic's ``plot_*`` helper, then keeps the figure
    here and asks for HTML after each move. Two ways make that fast, and they combine:

    * **Moving artists** (matplotlib's "blitting"). The first render computes the
      layout (then frozen: later renders skip it) and draws everything except the
      artists that move; that background is kept. Each later render restores it and
      draws only the moving artists. The background is drawn again when something
      else changes: an axes' limits, title or labels (unless that axis or title is
      itself one of the moving artists), or the ``key`` passed to :meth:`html`. The
      last few backgrounds are kept, so going back to an earlier state costs no redraw.
    * **Layers.** A moving artist that changes with only some of the controls (an axis
      whose limits follow a "rounds" slider, a title naming the chosen players) can be
      named in ``layers`` as well. Each layer is drawn once per state over the kept
      background and kept on its own, as the patch of canvas it covers: moving another
      control redraws none of them, and moving the rounds redraws the axis only.
      (Layers whose patches overlap are drawn at every render instead.)
    * **Remembered states.** A chart with a few discrete states (a drop-down, a check
      box) is drawn once per state by :meth:`remember`, and shown again from memory.

    Renders are PNG, quickly compressed, in the markup :func:`figure_html` writes.

    Parameters
    ----------
    fig
        The figure, e.g. from :func:`new_figure`, drawn by a plot helper.
    moving
        The artists that change from one move to the next (lines whose data changes,
        a marker, a band, an axis whose limits follow the data...). They are drawn on
        top of everything else, in this order.
    layers
        Those of the ``moving`` artists that change less often: axes (``ax.xaxis``,
        known by their limits and label) or texts (``ax.title``, known by their text
        and position). They are drawn first, in this order, and kept per state.
    dpi
        Render at this resolution (default: the figure's).

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> (line,) = ax.plot([0, 1], [0, 1])
    >>> add_source(ax, "Source: example")
    >>> live = LiveFigure(fig, moving=[line])
    >>> line.set_ydata([1, 0])
    >>> live.html("A line falling from 1 to 0.", "Example").startswith("<figure")
    True
    """

    #: How many backgrounds (one per state of the static parts) are kept.
    BACKGROUNDS = 12

    def __init__(
        self,
        fig: Figure,
        moving: Iterable[Artist] = (),
        *,
        layers: Iterable[Axis | Text] = (),
        dpi: float | None = None,
    ) -> None:
        self.fig = fig
        self.moving = list(moving)
        self.layers = list(layers)
        strays = [artist for artist in self.layers if artist not in self.moving]
        if strays:
            raise ValueError(f"layers must be moving artists too: {strays}")
        for artist in self.moving:
            artist.set_animated(True)
        if dpi is not None:
            fig.set_dpi(dpi)
        self.canvas = _agg_canvas(fig)
        self._backgrounds: dict[Hashable, Any] = {}
        self._layered: dict[Hashable, Any] = {}
        self._remembered: dict[Hashable, str] = {}

    def _axes_state(self) -> tuple[Hashable, ...]:
        """Limits, title and labels of every axes, except those drawn as moving artists."""
        moving = {id(artist) for artist in self.moving}

        def text(artist: Text) -> str | None:
            return None if id(artist) in moving else artist.get_text()

        def limits(axis: Artist, values: tuple[float, float]) -> tuple[float, ...] | None:
            return None if id(axis) in moving else tuple(values)

        return tuple(
            (
                limits(ax.xaxis, ax.get_xlim()),
                limits(ax.yaxis, ax.get_ylim()),
                text(ax.title),
                text(ax.xaxis.label),
                text(ax.yaxis.label),
                ax.get_visible(),
            )
            for ax in self.fig.axes
        )

    def invalidate(self) -> None:
        """Draw everything again at the next render (e.g. after changing a static artist)."""
        self._backgrounds.clear()
        self._layered.clear()
        self._remembered.clear()

    def _layer_box(self, artist: Axis | Text) -> BboxBase:
        """Return the patch of canvas ``artist`` may paint, with a margin for anti-aliasing.

        An axis paints its grid lines inside its axes, and its ticks and labels on the
        side of its label, up to the figure's edge (across the whole figure, since tick
        labels overhang the ends); a text paints its own extent.
        """
        if isinstance(artist, Text):
            found = artist.get_window_extent(self.canvas.get_renderer())
        elif artist.axes is None:
            return self.fig.bbox
        else:
            (x0, y0), (x1, y1) = artist.axes.bbox.get_points()
            (left, bottom), (right, top) = self.fig.bbox.get_points()
            if isinstance(artist, XAxis):
                x0, x1 = left, right
                y0, y1 = (bottom, y1) if artist.get_label_position() == "bottom" else (y0, top)
            else:
                y0, y1 = bottom, top
                on_left = str(artist.get_label_position()) == "left"  # typed as an x axis's
                x0, x1 = (left, x1) if on_left else (x0, right)
            found = Bbox([[x0, y0], [x1, y1]])
        return Bbox.intersection(found.padded(_LAYER_MARGIN), self.fig.bbox) or self.fig.bbox

    def _draw_layers(self, state: Hashable, background: Any) -> None:
        """Bring the canvas to ``background`` plus every layer, drawing only new layers.

        Each layer is kept on its own, as the patch of canvas it covers, under the state
        of the background and its own state: moving the rounds slider redraws the axis
        but not the title. Layers whose patches overlap are drawn every time instead.
        """
        patches: list[tuple[Any, BboxBase]] = []
        for index, artist in enumerate(self.layers):
            key = (state, index, _layer_state(artist))
            patch = self._layered.get(key)
            if patch is None:
                self.canvas.restore_region(background)
                if artist.get_visible():
                    self.fig.draw_artist(artist)
                    _pin_label(artist)
                box = self._layer_box(artist)
                patch = (self.canvas.copy_from_bbox(box), box)
                if len(self._layered) >= self.BACKGROUNDS * len(self.layers):
                    self._layered.pop(next(iter(self._layered)))
                self._layered[key] = patch
            patches.append(patch)
        self.canvas.restore_region(background)
        boxes = [box for _region, box in patches]
        if any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]):
            for artist in self.layers:
                if artist.get_visible():
                    self.fig.draw_artist(artist)
            return
        for region, _box in patches:
            self.canvas.restore_region(region)

    def png(self, key: Hashable = None) -> bytes:
        """Return the current chart as PNG bytes.

        Parameters
        ----------
        key
            Anything hashable describing the static parts; when it differs from every
            kept background, the background is drawn again.
        """
        state = (key, self._axes_state())
        background = self._backgrounds.get(state)
        if background is None:
            self.canvas.draw()  # animated (moving) artists are skipped here
            if self.fig.get_layout_engine() is not None:
                self.fig.set_layout_engine("none")  # keep the layout just computed
            background = self.canvas.copy_from_bbox(self.fig.bbox)
            if len(self._backgrounds) >= self.BACKGROUNDS:
                self._backgrounds.pop(next(iter(self._backgrounds)))
            self._backgrounds[state] = background
        self._draw_layers(state, background)
        for artist in self.moving:
            if artist.get_visible() and artist not in self.layers:
                self.fig.draw_artist(artist)
        return _encode_png(self.canvas, compress_level=1)

    def html(self, alt: str, caption: str, *, key: Hashable = None) -> str:
        """Return the current chart as an HTML ``<figure>`` with alt text and a caption.

        Raises
        ------
        CourseInputError
            If ``alt`` or ``caption`` is empty.
        """
        _check_alt_and_caption(alt, caption)
        src = "data:image/png;base64," + base64.b64encode(self.png(key)).decode("ascii")
        return _figure_markup(src, alt, caption)

    def remember(self, state: Hashable, draw: Callable[[], tuple[str, str]]) -> str:
        """Return the chart for ``state``, drawing it only the first time it is asked for.

        Parameters
        ----------
        state
            What the chart shows, e.g. the values of the widget's controls.
        draw
            Draws the chart for ``state`` on the figure (typically: clear the axes, call
            the topic's plot helper) and returns its ``(alt, caption)``.
        """
        if state not in self._remembered:
            alt, caption = draw()
            self._remembered[state] = self.html(alt, caption, key=state)
        return self._remembered[state]


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
