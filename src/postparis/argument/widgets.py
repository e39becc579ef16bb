"""Module 01's widgets: thin views over :mod:`postparis.argument.model`.

* :func:`argument_map_explorer`: choose a paragraph or a speaker and see the claim,
  the evidence, the policy lever and where it sits in the argument map.
* :func:`stance_coder`: place each proposal on the confrontation-to-cooperation scale
  with sliders; the widget writes the coding out as a line of Python to copy into the
  notebook, and, only when asked, compares it with the course's reference coding.

Both return a container and never call ``display``; the notebook shows them with
:func:`postparis.display.show`. Every control has a visible label and works from the
keyboard (Tab to reach it, arrow keys to change it). Graded answers never depend on
these widgets: what a learner finds is recorded in code.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from postparis.argument.model import (
    STANCE_LABELS,
    STANCE_VALUES,
    ArgumentData,
    agreement_sentence,
    paragraph_card,
    proposal_ids,
    speaker_card,
)
from postparis.argument.plots import (
    render_paragraph_card,
    render_speaker_card,
    render_stance_strip,
)
from postparis.controls import LABEL

__all__ = [
    "ArgumentMapExplorer",
    "StanceCoder",
    "argument_map_explorer",
    "stance_coder",
]


# -- the argument-map explorer ---------------------------------------------------------


class ArgumentMapExplorer(widgets.VBox):
    """The argument-map explorer: a "View by" switch, a chooser and a card.

    Attributes
    ----------
    view : ipywidgets.ToggleButtons
        "Paragraph" or "Speaker".
    choice : ipywidgets.Dropdown
        A paragraph number (1-24) or a speaker's actor id, depending on ``view``.
    card : ipywidgets.HTML
        The description of the current choice.
    """

    def __init__(self, data: ArgumentData | None = None, start: int = 1) -> None:
        data = data if data is not None else ArgumentData.load()
        # Every card is rendered once here; moving the chooser only swaps text.
        self._cards: dict[object, str] = {}
        paragraph_options: list[tuple[str, object]] = []
        for number in data.paragraphs["paragraph"].tolist():
            paragraph = paragraph_card(data, int(number))
            self._cards[int(number)] = render_paragraph_card(paragraph)
            paragraph_options.append((f"¶{int(number)} · {paragraph['role']}", int(number)))
        speaker_options: list[tuple[str, object]] = []
        for actor_id in data.speaker_ids():
            speaker = speaker_card(data, actor_id)
            self._cards[actor_id] = render_speaker_card(speaker)
            speaker_options.append((speaker["name"], actor_id))
        self._options = {"Paragraph": paragraph_options, "Speaker": speaker_options}
        self.view = widgets.ToggleButtons(
            options=["Paragraph", "Speaker"],
            value="Paragraph",
            description="View by",
            tooltips=["Step through the 24 paragraphs", "Choose one of the article's voices"],
            style=LABEL,
        )
        self.choice = widgets.Dropdown(
            options=paragraph_options, value=start, description="Paragraph", style=LABEL
        )
        self.card = widgets.HTML(value=self._cards[start])
        self.choice.observe(self._show_choice, names="value")
        self.view.observe(self._switch_view, names="value")
        super().__init__([self.view, self.choice, self.card])

    def _show_choice(self, change: dict[str, object]) -> None:
        if change["new"] in self._cards:
            self.card.value = self._cards[change["new"]]

    def _switch_view(self, change: dict[str, object]) -> None:
        view = str(change["new"])
        self.choice.description = view
        options = self._options[view]
        self.choice.options = options
        self.choice.value = options[0][1]
        self.card.value = self._cards[options[0][1]]


def argument_map_explorer(data: ArgumentData | None = None, start: int = 1) -> ArgumentMapExplorer:
    """Return the argument-map explorer (see :class:`ArgumentMapExplorer`).

    Parameters
    ----------
    data
        The coded tables; read from ``data/`` when ``None``.
    start
        The paragraph shown first.
    """
    return ArgumentMapExplorer(data, start)


# -- the stance coder ------------------------------------------------------------------


def _coding_code(coding: dict[str, int]) -> str:
    body = ", ".join(f'"{k}": {v}' for k, v in coding.items())
    return f"my_stances = {{{body}}}"


class StanceCoder(widgets.VBox):
    """The stance coder: one labelled slider per proposal, the coding as code, a strip.

    Attributes
    ----------
    sliders : dict of str to ipywidgets.SelectionSlider
        One per proposal, keyed by claim id; values -2 ... 2.
    compare : ipywidgets.Checkbox
        Off by default: code first, then compare with the reference.
    code : ipywidgets.HTML
        The current coding written as a line of Python to copy into the notebook.
    strip : ipywidgets.HTML
        A table placing your codes (and, once ``compare`` is ticked, the reference) on
        the scale; see :func:`render_stance_strip`.
    summary : ipywidgets.HTML
        Agreement with the reference, shown once ``compare`` is ticked.
    """

    def __init__(self, data: ArgumentData | None = None) -> None:
        data = data if data is not None else ArgumentData.load()
        self._claims = data.claims
        ids = proposal_ids(data.claims)
        rows = data.claims.set_index("claim_id").loc[ids]
        self._reference = [int(v) for v in rows["reference_stance"]]
        self._paragraphs = {str(k): int(v) for k, v in rows["paragraph"].items()}
        options = [(f"{v:+d} {STANCE_LABELS[v]}", v) for v in STANCE_VALUES]
        self.sliders: dict[str, widgets.SelectionSlider] = {}
        self._labels: list[str] = []
        blocks: list[widgets.Widget] = []
        for claim_id, row in rows.iterrows():
            who = data.actor_name(str(row["actor_id"]))
            short = who.split()[-1] if " " in who else who
            label = f"{claim_id} · {short} ¶{int(row['paragraph'])}"
            self._labels.append(label)
            slider = widgets.SelectionSlider(
                options=options,
                value=0,
                description=label,
                continuous_update=False,
                style=LABEL,
                layout=widgets.Layout(width="36em"),
            )
            slider.observe(self._refresh, names="value")
            self.sliders[str(claim_id)] = slider
            blocks.append(
                widgets.VBox(
                    [widgets.HTML(f"<span>{html.escape(str(row['statement']))}</span>"), slider]
                )
            )
        self.compare = widgets.Checkbox(
            value=False,
            description="Show the course's reference coding and how far we agree",
            style=LABEL,
            indent=False,
        )
        self.compare.observe(self._refresh, names="value")
        self.code = widgets.HTML()
        self.strip = widgets.HTML()
        self.summary = widgets.HTML()
        intro = widgets.HTML(
            f"<p>Move each slider (or Tab to it and use the arrow keys) to say how "
            f"confrontational or cooperative toward Russia each proposal is. There is no "
            f"right answer. Code all {len(ids)} proposals <i>before</i> you tick the "
            f"comparison box.</p>"
        )
        self._refresh()
        super().__init__([intro, *blocks, self.code, self.compare, self.strip, self.summary])

    def coding(self) -> dict[str, int]:
        """Return the coding the sliders show now, as a dict claim id -> stance."""
        return {claim_id: int(s.value) for claim_id, s in self.sliders.items()}

    def _refresh(self, _change: object = None) -> None:
        coding = self.coding()
        shown = bool(self.compare.value)
        self.code.value = (
            "<p><b>Your coding as code</b> (copy this line into the cell below):</p>"
            f"<pre>{html.escape(_coding_code(coding), quote=False)}</pre>"
        )
        self.strip.value = render_stance_strip(
            self._labels, list(coding.values()), self._reference, show_reference=shown
        )
        if not shown:
            self.summary.value = ""
            return
        yours = list(coding.values())
        gaps = sorted(
            (
                (abs(mine - ref), claim_id, mine, ref)
                for claim_id, mine, ref in zip(coding, yours, self._reference, strict=True)
                if mine != ref
            ),
            key=lambda gap: -gap[0],
        )
        items = "".join(
            f"<li>{claim_id} (¶{self._paragraphs[claim_id]}): yours {mine:+d}, "
            f"reference {ref:+d}</li>"
            for _, claim_id, mine, ref in gaps
        )
        self.summary.value = f"<p>{html.escape(agreement_sentence(yours, self._reference))}</p>" + (
            f"<p>Where you differ, largest gap first:</p><ul>{items}</ul>" if items else ""
        )


def stance_coder(data: ArgumentData | None = None) -> StanceCoder:
    """Return the stance coder (see :class:`StanceCoder`); all sliders start at 0."""
    return StanceCoder(data)
