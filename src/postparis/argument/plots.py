"""Module 01's charts and views: the article's structure, sources, proposals by stance.

Every helper takes ``ax=None`` and returns the ``Axes``; the notebook passes the figure
to :func:`postparis.figures.show_figure` with alt text and a caption. Colour is never the
only cue: every category also has its own marker or hatch, and a legend or labels.
The widgets' cards and the stance strip are HTML written here too.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from postparis.argument.model import (
    STANCE_LABELS,
    STANCE_VALUES,
    ClaimLine,
    ParagraphCard,
    SpeakerCard,
)
from postparis.figures import MARKERS, PALETTE, add_source, use_axes
from postparis.validation import CourseInputError

__all__ = [
    "ROLE_ORDER",
    "describe_argument_structure",
    "describe_proposal_map",
    "describe_source_table",
    "describe_stance_comparison",
    "plot_argument_structure",
    "plot_proposal_map",
    "plot_source_table",
    "plot_stance_comparison",
    "render_paragraph_card",
    "render_speaker_card",
    "render_stance_strip",
]

#: The paragraph roles of ``article_paragraphs.csv``, top to bottom on the chart.
ROLE_ORDER = (
    "thesis",
    "context",
    "evidence",
    "counter-evidence",
    "assessment",
    "proposal",
    "conclusion",
)
_COLOURS = [
    PALETTE[k]
    for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue")
]
_HATCHES = ("", "//", "..", "xx", "\\\\", "oo")
_ARTICLE_SOURCE = "Source: course coding of Burke, EurasiaNet, Nov 2015 (data/)"


def plot_argument_structure(paragraphs: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Plot each paragraph's role in the argument, in reading order.

    Parameters
    ----------
    paragraphs
        The table from :func:`postparis.data.load_article_paragraphs`.
    ax
        Axes to draw on; a new figure in the course style if ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        Paragraphs 1-24 on the x axis, roles on the y axis (one marker shape per role);
        the paragraphs about the 16 November CSIS conference (8-24) are shaded.
    """
    ax = use_axes(ax, 7.5, 3.4)
    roles = [r for r in ROLE_ORDER if r in set(paragraphs["role"])]
    for i, role in enumerate(roles):
        rows = paragraphs.loc[paragraphs["role"] == role, "paragraph"]
        ax.scatter(
            rows,
            [i] * len(rows),
            marker=MARKERS[i % len(MARKERS)],
            s=70,
            color=_COLOURS[i % len(_COLOURS)],
            edgecolors="black",
            linewidths=0.5,
            zorder=3,
        )
    ax.axvspan(7.5, 24.5, color="#999999", alpha=0.15, zorder=1)
    ax.text(16, len(roles) - 0.4, "the CSIS conference, 16 Nov (¶8-24)", ha="center", fontsize=9)
    ax.set_yticks(range(len(roles)), roles)
    ax.set_ylim(len(roles) - 0.1, -0.6)
    ax.set_xticks(range(1, 25))
    ax.set_xlim(0.5, 24.5)
    ax.set_xlabel("Paragraph of the article (¶)")
    ax.set_title("What each paragraph does in the argument")
    add_source(ax, _ARTICLE_SOURCE)
    return ax


def describe_argument_structure(paragraphs: pd.DataFrame) -> str:
    """Describe :func:`plot_argument_structure`'s chart in words, for alt text."""
    parts = []
    for role in ROLE_ORDER:
        numbers = paragraphs.loc[paragraphs["role"] == role, "paragraph"].tolist()
        if numbers:
            parts.append(f"{role}: ¶" + ", ¶".join(str(n) for n in numbers))
    return (
        "Dot chart of the article's 24 paragraphs by role, with paragraphs 8 to 24 "
        "shaded as the CSIS conference. " + "; ".join(parts) + "."
    )


def plot_source_table(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Plot a country-by-type count of sources as stacked horizontal bars.

    Parameters
    ----------
    table
        Counts with one row per country and one column per kind of source, as
        ``pandas.crosstab(sources["country"], sources["actor_type"])`` returns.
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        One bar per country, one segment per kind of source (colour *and* hatch, with a
        legend), each segment labelled with its count.

    Raises
    ------
    CourseInputError
        If ``table`` is not a table of whole-number counts.
    """
    if not isinstance(table, pd.DataFrame) or table.empty:
        raise CourseInputError(
            "plot_source_table needs a table of counts, like the one "
            "pd.crosstab(sources['country'], sources['actor_type']) returns."
        )
    counts = table.apply(pd.to_numeric, errors="coerce")
    if counts.isna().to_numpy().any() or (counts.to_numpy() < 0).any():
        raise CourseInputError("Every cell of the table should be a count (0, 1, 2 ...).")
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    ax = use_axes(ax, 7.0, 0.6 + 0.55 * len(counts) + 0.3 * len(counts.columns))
    left = np.zeros(len(counts))
    y = np.arange(len(counts))
    for i, column in enumerate(counts.columns):
        values = counts[column].to_numpy(dtype=float)
        bars = ax.barh(
            y,
            values,
            left=left,
            color=_COLOURS[i % len(_COLOURS)],
            hatch=_HATCHES[i % len(_HATCHES)],
            edgecolor="black",
            linewidth=0.6,
            label=str(column),
        )
        labels = [f"{int(v)}" if v else "" for v in values]
        ax.bar_label(
            bars,
            labels=labels,
            label_type="center",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
        left += values
    ax.set_yticks(y, [str(c) for c in counts.index])
    ax.set_xlabel("Number of sources whose views the article reports")
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    ax.grid(axis="y", visible=False)
    ax.legend(title="Kind of source", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    ax.set_title("Who speaks in the article, by country")
    add_source(ax, "Source: course coding of the article's voices (data/actors.csv)")
    return ax


def describe_source_table(table: pd.DataFrame) -> str:
    """Describe a country-by-kind table of sources in words, for alt text.

    Examples
    --------
    >>> describe_source_table(pd.DataFrame({"head of state": [1, 1]}, index=["France", "US"]))
    'Sources by country. France: 1 in all (1 head of state). US: 1 in all (1 head of state).'
    """
    parts = []
    for country, row in table.iterrows():
        kinds = ", ".join(f"{int(n)} {kind}" for kind, n in row.items() if n)
        parts.append(f"{country}: {int(row.sum())} in all ({kinds}).")
    return "Sources by country. " + " ".join(parts)


def plot_proposal_map(claims: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Plot every proposal by policy lever and reference stance, one marker per speaker.

    Parameters
    ----------
    claims
        The table from :func:`postparis.data.load_claims` (only ``kind == "proposal"``
        rows are drawn).
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        Stance from -2 to 2 on the x axis, levers on the y axis; each proposal is a
        marker (shape and colour by speaker, with a legend) labelled with its claim id.
    """
    proposals = claims.loc[claims["kind"] == "proposal"].sort_values("claim_id")
    ax = use_axes(ax, 7.5, 3.8)
    levers = sorted(set(proposals["lever"]))
    speakers = list(dict.fromkeys(proposals["actor_id"]))
    seen: dict[tuple[str, int], int] = {}
    for i, speaker in enumerate(speakers):
        rows = proposals.loc[proposals["actor_id"] == speaker]
        xs, ys = [], []
        for row in rows.itertuples(index=False):
            key = (row.lever, int(row.reference_stance))
            k = seen.get(key, 0)
            seen[key] = k + 1
            x = int(row.reference_stance) + 0.16 * k - 0.08 * (k > 0)
            y = levers.index(row.lever)
            xs.append(x)
            ys.append(y)
            ax.annotate(
                row.claim_id,
                (x, y),
                xytext=(0, 8),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
        ax.scatter(
            xs,
            ys,
            marker=MARKERS[i % len(MARKERS)],
            s=70,
            color=_COLOURS[i % len(_COLOURS)],
            edgecolors="black",
            linewidths=0.5,
            label=speaker,
            zorder=3,
        )
    ax.set_xticks(STANCE_VALUES, [f"{v:+d}\n{STANCE_LABELS[v]}" for v in STANCE_VALUES], fontsize=8)
    ax.set_xlim(-2.5, 2.6)
    ax.set_yticks(range(len(levers)), levers)
    ax.set_ylim(-0.6, len(levers) - 0.3)
    ax.set_xlabel("Reference stance toward Russia (course coding)")
    ax.legend(title="Speaker", loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    ax.set_title("The proposals in the article, by lever and stance")
    add_source(ax, "Source: course coding of the article's proposals (data/claims.csv)")
    return ax


def describe_proposal_map(claims: pd.DataFrame) -> str:
    """Describe :func:`plot_proposal_map`'s chart in words, for alt text."""
    proposals = claims.loc[claims["kind"] == "proposal"].sort_values(["lever", "claim_id"])
    parts = []
    for lever, rows in proposals.groupby("lever", sort=True):
        items = ", ".join(
            f"{r.claim_id} by {r.actor_id} at {int(r.reference_stance):+d}"
            for r in rows.itertuples(index=False)
        )
        parts.append(f"{lever}: {items}")
    return (
        f"Dot chart of the {len(proposals)} proposals by policy lever (rows) and reference "
        "stance from -2 to +2 (columns). " + "; ".join(parts) + "."
    )


def describe_stance_comparison(table: pd.DataFrame) -> str:
    """Describe :func:`plot_stance_comparison`'s chart in words, for alt text."""
    rows = [
        f"{r.claim_id}: yours {int(r.yours):+d}, reference {int(r.reference):+d}"
        for r in table.itertuples(index=False)
    ]
    return "Stance of each proposal, your coding beside the reference. " + "; ".join(rows) + "."


def plot_stance_comparison(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Plot a coding (circles) beside the reference coding (crosses), proposal by proposal.

    Parameters
    ----------
    table
        The table from :func:`postparis.argument.model.compare_codings` (columns
        ``claim_id``, ``paragraph``, ``reference``, ``yours``).
    ax
        Axes to draw on; a new figure if ``None``.

    Returns
    -------
    matplotlib.axes.Axes
        One row per proposal; a line joins the two codes where they differ.
    """
    needed = {"claim_id", "paragraph", "reference", "yours"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns):
        raise CourseInputError(
            "plot_stance_comparison needs the table that compare_codings(...) returns."
        )
    ax = use_axes(ax, 6.8, 1.2 + 0.3 * len(table))
    rows = np.arange(len(table))
    yours = table["yours"].to_numpy(dtype=float)
    reference = table["reference"].to_numpy(dtype=float)
    ax.hlines(
        rows,
        np.minimum(yours, reference),
        np.maximum(yours, reference),
        color="#777777",
        linewidth=1.5,
        zorder=2,
    )
    ax.scatter(
        reference,
        rows,
        marker="X",
        s=80,
        color=PALETTE["vermillion"],
        label="course reference (cross)",
        zorder=3,
    )
    ax.scatter(
        yours,
        rows,
        marker="o",
        s=70,
        facecolors="none",
        edgecolors=PALETTE["blue"],
        linewidths=2,
        label="your coding (circle)",
        zorder=4,
    )
    ax.set_yticks(rows, [f"{r.claim_id} ¶{r.paragraph}" for r in table.itertuples()], fontsize=9)
    ax.set_ylim(len(table) - 0.5, -0.5)
    ax.set_xticks(STANCE_VALUES, [f"{v:+d}" for v in STANCE_VALUES])
    ax.set_xlim(-2.5, 2.5)
    ax.set_xlabel("Stance: -2 strongly confrontational ... +2 strongly cooperative")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9)
    add_source(ax, "Reference: course coding (data/claims.csv)")
    return ax


# -- the widgets' cards and tables ------------------------------------------------------


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
