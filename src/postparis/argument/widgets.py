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
    ClaimLine,
    ParagraphCard,
    SpeakerCard,
    agreement_sentence,
    paragraph_card,
    proposal_ids,
    speaker_card,
)

__all__ = [
    "ArgumentMapExplorer",
    "StanceCoder",
    "argument_map_explorer",
    "render_paragraph_card",
    "render_speaker_card",
    "render_stance_strip",
    "stance_coder",
]

_LABEL_STYLE = {"description_width": "initial"}


# -- the argument-map explorer ---------------------------------------------------------


def _claims_table(claims: list[ClaimLine], *, with_speaker: bool) -> str:
    if not claims:
        return "<p><b>Claims coded here:</b> none (this paragraph sets the scene).</p>"
    head = "<th scope='col'>id</th><th scope='col'>¶</th>"
    if with_speaker:
        head += "<th scope='col'>who</th>"
    head += (
        "<th scope='col'>kind</th><th scope='col'>the claim, in our words</th>"
        "<th scope='col'>lever</th><th scope='col'>reference stance</th>"
    )
    rows = []
    for c in claims:
        cells = f"<td>{c['claim_id']}</td><td>{c['paragraph']}</td>"
        if with_speaker:
            cells += f"<td>{html.escape(c['speaker'])}</td>"
        cells += (
            f"<td>{html.escape(c['kind'])}</td><td>{html.escape(c['statement'])}</td>"
            f"<td>{html.escape(c['lever'])}</td>"
            f"<td>{c['stance']:+d} ({html.escape(c['stance_label'])})</td>"
        )
        rows.append(f"<tr>{cells}</tr>")
    return (
        "<table class='postparis-table'><caption>Claims coded here</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def render_paragraph_card(card: ParagraphCard) -> str:
    """Return the HTML the explorer shows for one paragraph."""
    who = ", ".join(card["speakers"]) or "the author's own voice"
    if card["key_quote"]:
        quote = (
            f"<p><b>Key quotation</b> ({html.escape(card['quote_speaker'])}, "
            f"¶{card['paragraph']}): &ldquo;{html.escape(card['key_quote'])}&rdquo;</p>"
        )
    else:
        quote = "<p><b>Key quotation:</b> none chosen for this paragraph.</p>"
    if card["reasons"]:
        items = "".join(
            f"<li><b>{r.reason_id}</b> ({r.direction} {r.thesis_part}): "
            f"{html.escape(r.statement)}</li>"
            for r in card["reasons"]
        )
        place = f"<p><b>In the argument map</b> this paragraph carries:</p><ul>{items}</ul>"
    elif card["role"] == "thesis":
        place = "<p><b>In the argument map:</b> this is the thesis itself (T1 and T2).</p>"
    else:
        place = "<p><b>In the argument map:</b> not part of a reason in the course's map.</p>"
    return (
        f"<div class='postparis-card'><p><b>Paragraph {card['paragraph']}</b> &middot; "
        f"role: <i>{html.escape(card['role'])}</i> &middot; who speaks: {html.escape(who)}</p>"
        f"<p><b>Our paraphrase:</b> {html.escape(card['paraphrase'])}</p>{quote}{place}"
        f"{_claims_table(card['claims'], with_speaker=True)}</div>"
    )


def render_speaker_card(card: SpeakerCard) -> str:
    """Return the HTML the explorer shows for one speaker."""
    levers = ", ".join(card["levers"]) or "none"
    n_proposals = sum(c["kind"] == "proposal" for c in card["claims"])
    return (
        f"<div class='postparis-card'><p><b>{html.escape(card['name'])}</b> "
        f"({html.escape(card['country'])})</p>"
        f"<p><b>At the time:</b> {html.escape(card['role_at_time'])}</p>"
        f"<p><b>How the article gives their view:</b> {html.escape(card['voice'])}</p>"
        f"<p><b>Levers their claims touch:</b> {html.escape(levers)} &middot; "
        f"<b>proposals:</b> {n_proposals} of {len(card['claims'])} claims</p>"
        f"{_claims_table(card['claims'], with_speaker=False)}</div>"
    )


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
        paragraph_options = []
        for number in data.paragraphs["paragraph"].tolist():
            card = paragraph_card(data, int(number))
            self._cards[int(number)] = render_paragraph_card(card)
            paragraph_options.append((f"¶{int(number)} · {card['role']}", int(number)))
        speaker_options = []
        for actor_id in data.speaker_ids():
            card = speaker_card(data, actor_id)
            self._cards[actor_id] = render_speaker_card(card)
            speaker_options.append((card["name"], actor_id))
        self._options = {"Paragraph": paragraph_options, "Speaker": speaker_options}
        self.view = widgets.ToggleButtons(
            options=["Paragraph", "Speaker"],
            value="Paragraph",
            description="View by",
            tooltips=["Step through the 24 paragraphs", "Choose one of the article's voices"],
            style=_LABEL_STYLE,
        )
        self.choice = widgets.Dropdown(
            options=paragraph_options, value=start, description="Paragraph", style=_LABEL_STYLE
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


def render_stance_strip(
    labels: list[str], yours: list[int], reference: list[int], *, show_reference: bool
) -> str:
    """Return an HTML table placing each proposal on the scale: a text chart.

    Each row is a proposal, each column a point of the scale; "● you" marks your code
    and, when ``show_reference`` is true, "✕ ref" marks the course's. Being a table of
    text, it reads the same to a screen reader as on screen, and it redraws instantly.
    """
    head = "".join(f"<th scope='col'>{v:+d}</th>" for v in STANCE_VALUES)
    body = []
    for label, mine, ref in zip(labels, yours, reference, strict=True):
        cells = []
        for v in STANCE_VALUES:
            marks = []
            if v == mine:
                marks.append("<b>● you</b>")
            if show_reference and v == ref:
                marks.append("✕ ref")
            cells.append(f"<td style='text-align:center'>{' '.join(marks)}</td>")
        body.append(f"<tr><th scope='row'>{html.escape(label)}</th>{''.join(cells)}</tr>")
    caption = "Your stance for each proposal" + (
        " and the course's reference" if show_reference else ""
    )
    return (
        f"<table class='postparis-table'><caption>{caption} "
        "(-2 strongly confrontational ... +2 strongly cooperative)</caption>"
        f"<thead><tr><th scope='col'>proposal</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


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
                style=_LABEL_STYLE,
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
            style=_LABEL_STYLE,
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
