"""What the browser tests assert about a rendered notebook, shared by the test modules."""

from __future__ import annotations

import re
import time

from nbformat import NotebookNode

from browser_support.notebook import NotebookPage, expected_figures, expected_widget_views
from postparis_instructor.notebooks import notebook_errors, unexpected_errors

__all__ = ["Stopwatch", "rendering_problems"]


def rendering_problems(notebook: NotebookPage, saved: NotebookNode, *, answers: bool) -> list[str]:
    """Return everything wrong with what the page shows, given the notebook as saved.

    - every widget view in the saved outputs is rendered, and no output says "Error
      displaying widget" or "model not found";
    - every HTML figure of the saved outputs is shown, loaded, with its alt text; every
      image in an output (widgets included) has alt text, and every figure a caption;
    - every code cell ran; no cell shows an error, except, in a student version
      (``answers=False``), an unanswered solution cell or an autograder test cell;
      no widget shows one;
    - the saved file agrees: no error output at all in an answer key, none that an
      unanswered exercise does not explain in a student version.
    """
    shown = notebook.outputs()
    problems = [f"widget error: {text[:200]}" for text in shown.widget_errors]
    for index, views in expected_widget_views(saved).items():
        rendered = shown.cells[index].widget_views
        if rendered < views:
            problems.append(f"cell {index}: {views} widget view(s) in the file, {rendered} shown")
    for index, alts in expected_figures(saved).items():
        for alt in alts:
            if not any(i.cell == index and i.alt == alt and i.loaded for i in shown.images):
                problems.append(f"cell {index}: figure {alt[:60]!r} is not shown with its alt text")
    for image in shown.images:
        if not (image.alt or "").strip():
            problems.append(f"cell {image.cell}: an image without alt text")
        if not image.loaded:
            problems.append(f"cell {image.cell}: an image did not load ({(image.alt or '')[:60]})")
        if image.caption == "":
            problems.append(f"cell {image.cell}: a figure without a caption")
    for cell in shown.cells:
        role = notebook.roles[cell.index][1]
        if cell.code and not re.search(r"\[\d+\]", cell.prompt):
            problems.append(f"cell {cell.index} ({role}) did not run: prompt {cell.prompt!r}")
        expected_to_fail = not answers and role in {"solution", "tests"}
        if cell.stderr and not expected_to_fail:
            problems.append(f"cell {cell.index} ({role}) shows an error: {cell.stderr[0][:400]}")
        problems += [
            f"cell {cell.index}: a widget shows an error: {text[:400]}"
            for text in cell.widget_stderr
        ]
    errors = notebook_errors(saved) if answers else unexpected_errors(saved)
    problems += [f"saved notebook: {error}" for error in errors]
    return problems


class Stopwatch:
    """Times the phases of one test: ``lap("run")`` after each, ``total()`` at the end."""

    def __init__(self) -> None:
        self.start = self.last = time.monotonic()
        self.phases: list[str] = []

    def lap(self, name: str) -> None:
        """Close the phase called ``name``."""
        now = time.monotonic()
        self.phases.append(f"{name} {now - self.last:.1f}")
        self.last = now

    def total(self) -> float:
        """Seconds since the stopwatch was made."""
        return time.monotonic() - self.start

    def __str__(self) -> str:
        return ", ".join(self.phases)
