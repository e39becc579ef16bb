"""Show widgets in JupyterLab without hanging or failing in a headless run.

nbgrader executes notebooks with no browser when it validates and autogrades (it sets
``NBGRADER_EXECUTION``), and the course's own tests and benchmarks do too (they set
``POSTPARIS_HEADLESS=1``). There, nothing can interact with a widget, so :func:`show`
prints one line saying so instead of sending a widget view; everything else in the
notebook runs as usual, and graded answers never depend on a widget.
"""

from __future__ import annotations

import os
from typing import TypeVar

from IPython.display import display

__all__ = ["HEADLESS_ENV_VARS", "is_headless", "show"]

#: Environment variables that mark a run with no browser attached.
HEADLESS_ENV_VARS = ("NBGRADER_EXECUTION", "POSTPARIS_HEADLESS")

W = TypeVar("W")


def is_headless() -> bool:
    """Return True when the notebook runs with no browser (nbgrader or a test run)."""
    return any(os.environ.get(name, "").strip() not in {"", "0"} for name in HEADLESS_ENV_VARS)


def show(widget: W, *, name: str | None = None) -> W:
    """Display ``widget`` in JupyterLab and return it.

    Parameters
    ----------
    widget
        Any ipywidgets widget (usually a container returned by a ``*_explorer``).
    name
        A short label for the headless notice, e.g. ``"the paragraph explorer"``.

    Returns
    -------
    W
        The same widget, so a notebook can write ``explorer = show(paragraph_explorer())``
        and still reach its controls.
    """
    if is_headless():
        label = name or "this widget"
        print(f"[{label}: interactive in JupyterLab; not shown in this headless run]")
    else:
        display(widget)
    return widget
