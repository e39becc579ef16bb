"""The controls of the course's widgets: each labelled, reachable and movable from the keyboard.

Every widget builds its sliders here, so that they look and behave alike: a visible
label (a screen reader announces it), arrow keys to move, and a readout of the value.
"""

from __future__ import annotations

import ipywidgets as widgets

__all__ = ["LABEL", "labelled_slider"]

#: Labels as wide as their text, never cut short.
LABEL = {"description_width": "initial"}


def labelled_slider(
    label: str,
    value: float,
    low: float,
    high: float,
    step: float,
    *,
    readout: str | None = None,
    continuous: bool = False,
    label_width: str = "initial",
    width: str | None = None,
) -> widgets.IntSlider | widgets.FloatSlider:
    """Return a slider with a visible label: whole numbers if every bound is whole.

    Parameters
    ----------
    label
        The visible label (also what a screen reader announces).
    value, low, high, step
        Where the slider starts, its range and its step.
    readout
        A format for the value shown beside the slider, e.g. ``".2f"``.
    continuous
        Update while the handle is dragged (cheap updates only), or only when it is
        let go (the default).
    label_width
        The width of the label, e.g. ``"24em"`` to line up a column of sliders.
    width
        The slider's width, e.g. ``"32em"`` or ``"95%"``.
    """
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (value, low, high, step))
    options: dict[str, object] = {
        "value": value,
        "min": low,
        "max": high,
        "step": step,
        "description": label,
        "continuous_update": continuous,
        "style": {"description_width": label_width},
    }
    if readout is not None:
        options["readout_format"] = readout
    if width is not None:
        options["layout"] = widgets.Layout(width=width)
    return widgets.IntSlider(**options) if whole else widgets.FloatSlider(**options)
