"""Module 06's charts, cards and tables. Each chart takes ``ax=None`` and returns the ``Axes``.

Colour is never the only cue: the top option's bar is hatched and labelled "top", and
every bar carries its total as text. The role cards are written here from the data
(``data/capstone_roles.csv`` and ``data/capstone_evidence.csv``), so their prose lives
in one place.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from IPython.display import HTML
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from postparis.capstone.model import CRITERIA, Flip, rank_options
from postparis.figures import PALETTE, add_source, by_gid, use_axes

__all__ = [
    "TOTALS_CAPTION",
    "describe_role_comparison",
    "flip_table",
    "option_cards",
    "option_totals_alt_text",
    "option_totals_artists",
    "plot_option_totals",
    "plot_role_comparison",
    "render_flip_table",
    "render_ranking",
    "render_role_card",
    "render_weights_line",
    "role_card",
    "score_table",
    "update_option_totals",
]

#: The totals chart's caption.
TOTALS_CAPTION = "Each option's weighted total (1 to 5); the top option is hatched and marked."
_SOURCE = "Source: course authors' scores (capstone_scores.csv) and the chosen weights"
_MAX_TOTAL = 5.0


def _label(labels: Mapping[str, str] | None, key: str) -> str:
    return (labels or {}).get(key, key)


def plot_option_totals(
    scores: pd.DataFrame,
    weights: Mapping[str, float],
    labels: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw one horizontal bar per option (in the table's order): its weighted total.

    The top option's bar is hatched and marked "top" with its total; the other totals
    are in the ranking the widget prints beside the chart, and in the alt text.
    ``labels`` maps option ids to display labels.
    """
    ax = use_axes(ax, 6.4, 0.4 * len(scores) + 1.2)
    y = np.arange(len(scores))[::-1]
    for i, position in enumerate(y):
        ax.barh(position, 0.0, height=0.6, color=PALETTE["sky_blue"], gid=f"total-{i}")
    ax.text(0, 0, "", va="center", fontsize=9, gid="top-mark")
    ax.set_yticks(y, [_label(labels, str(o)) for o in scores.index], fontsize=9)
    ax.set_xlim(0, _MAX_TOTAL + 1.2)
    ax.set_xticks([0, 1, 2, 3, 4, 5])
    ax.set_xlabel("Weighted total (scores run from 1 to 5)")
    ax.grid(axis="y", visible=False)
    add_source(ax, _SOURCE)
    update_option_totals(ax, scores, weights)
    return ax


def update_option_totals(ax: Axes, scores: pd.DataFrame, weights: Mapping[str, float]) -> None:
    """Move the bars and the "top" mark of :func:`plot_option_totals` to new ``weights``."""
    ranking = rank_options(scores, weights)
    totals = dict(ranking)
    top = ranking[0][0]
    y = np.arange(len(scores))[::-1]
    for i, option in enumerate(scores.index):
        bar = by_gid(ax, f"total-{i}", Rectangle)
        is_top = str(option) == top
        bar.set_width(totals[str(option)])
        bar.set_hatch("//" if is_top else "")
        bar.set_facecolor(PALETTE["orange"] if is_top else PALETTE["sky_blue"])
        bar.set_edgecolor(PALETTE["black"])
        if is_top:
            mark = by_gid(ax, "top-mark", Text)
            mark.set_position((totals[top] + 0.05, float(y[i])))
            mark.set_text(f"{totals[top]:.2f} (top)")


def option_totals_artists(ax: Axes) -> list[Artist]:
    """Return the artists :func:`update_option_totals` moves: every bar and the mark."""
    bars = [a for a in ax.patches if str(a.get_gid()).startswith("total-")]
    return [*bars, by_gid(ax, "top-mark", Text)]


def option_totals_alt_text(
    ranking: Sequence[tuple[str, float]], labels: Mapping[str, str] | None = None
) -> str:
    """Say what the totals chart shows, from the same ranking, best first."""
    parts = "; ".join(f"{_label(labels, o)} {t:.2f}" for o, t in ranking)
    return (
        f"Bar chart of each option's weighted total on a scale of 1 to 5. Best first: {parts}. "
        f"The top option, {_label(labels, ranking[0][0])}, is hatched."
    )


def plot_role_comparison(
    totals: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    role_titles: Mapping[str, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Draw each option's total under two or more roles' weights, side by side.

    ``totals`` is :func:`postparis.capstone.model.compare_roles`'s table. Each role has
    its own colour *and* hatch, and a legend.
    """
    ax = use_axes(ax, 7.2, 0.7 * len(totals) + 1.6)
    roles = list(totals.columns)
    height = 0.8 / len(roles)
    y = np.arange(len(totals))[::-1]
    colours = [PALETTE["blue"], PALETTE["vermillion"], PALETTE["bluish_green"], PALETTE["orange"]]
    hatches = ["", "//", "..", "xx"]
    for k, role in enumerate(roles):
        ax.barh(
            y + (len(roles) - 1 - 2 * k) * height / 2,
            totals[role],
            height=height,
            color=colours[k % 4],
            hatch=hatches[k % 4],
            edgecolor=PALETTE["black"],
            label=_label(role_titles, role),
        )
    ax.set_yticks(y, [_label(labels, str(o)) for o in totals.index], fontsize=9)
    ax.set_xlim(0, _MAX_TOTAL)
    ax.set_xlabel("Weighted total (scores run from 1 to 5)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="y", visible=False)
    add_source(ax, "Source: course authors' scores and each role's suggested weights")
    return ax


def describe_role_comparison(
    totals: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    role_titles: Mapping[str, str] | None = None,
) -> str:
    """Return the text alternative of :func:`plot_role_comparison`, from the same table."""
    parts = []
    for role in totals.columns:
        ranked = totals[role].sort_values(ascending=False, kind="stable")
        listed = ", ".join(f"{_label(labels, str(o))} {v:.2f}" for o, v in ranked.items())
        parts.append(f"{_label(role_titles, role)}: {listed}")
    return (
        "Grouped bar chart of each option's total under each role's weights. "
        + ". ".join(parts)
        + "."
    )


# -- cards and tables -----------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text))


def _link(url: str, text: str) -> str:
    if not url.startswith(("https://", "http://")):
        return _e(text)
    return f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{_e(text)}</a>'


def render_role_card(
    role: str, roles: pd.DataFrame, evidence: pd.DataFrame, criteria: pd.DataFrame
) -> str:
    """Return one role card as HTML, read from the data.

    The card shows the role's interests, red lines, evidence (sourced and dated) and
    suggested weights.
    """
    row = roles.set_index("role").loc[role]
    points = evidence[evidence["role"] == role]
    items = "".join(
        f"<li>{_e(p['point'])} <small>({_e(p['module']) + ', ' if p['module'] else ''}"
        f"{_link(p['url'], p['source'])}; public by {p['known_on']:%d %B %Y}"
        f"{'; data: ' + _e(p['data_file']) if p['data_file'] else ''})</small></li>"
        for _, p in points.iterrows()
    )
    labels = dict(zip(criteria["criterion"], criteria["label"], strict=True))
    weights = ", ".join(f"{_e(labels[c])} {row[f'weight_{c}']:.2f}" for c in CRITERIA)
    return (
        f'<div class="postparis-role-card" style="border:1px solid #888;padding:0.5em;'
        f'margin:0.4em 0"><h4 style="margin-top:0">{_e(row["title"])} '
        f"<small>(round {int(row['round'])})</small></h4>"
        f"<p><b>Interests.</b> {_e(row['interests'])}</p>"
        f"<p><b>Red lines.</b> {_e(row['red_lines'])}</p>"
        f"<p><b>Evidence this role would cite</b></p><ul>{items}</ul>"
        f"<p><b>Suggested weights</b> (the course's reading of these interests, not a fact): "
        f"{weights}.</p></div>"
    )


def role_card(
    role: str, roles: pd.DataFrame, evidence: pd.DataFrame, criteria: pd.DataFrame
) -> HTML:
    """Show one role card in a notebook (see :func:`render_role_card`)."""
    return HTML(render_role_card(role, roles, evidence, criteria))


def option_cards(options: pd.DataFrame) -> HTML:
    """Show the options as a table: what each does on the four questions."""
    rows = "".join(
        f"<tr><td><b>{_e(o['label'])}</b><br><code>{_e(o['option'])}</code></td>"
        f"<td>{_e(o['coalition'])}</td><td>{_e(o['sanctions'])}</td><td>{_e(o['arming'])}</td>"
        f"<td>{_e(o['channels'])}</td><td>{_e(o['summary'])}</td></tr>"
        for _, o in options.iterrows()
    )
    return HTML(
        "<table><thead><tr><th>option</th><th>coalition with Russia</th><th>sanctions</th>"
        "<th>arming Syrian groups</th><th>channels</th><th>in short</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def score_table(notes: pd.DataFrame, criteria: pd.DataFrame, option: str) -> HTML:
    """Show one option's five scores with their rationale and evidence."""
    labels = dict(zip(criteria["criterion"], criteria["label"], strict=True))
    rows = "".join(
        f"<tr><td>{_e(labels.get(n['criterion'], n['criterion']))}</td><td>{int(n['score'])}</td>"
        f"<td>{_e(n['rationale'])}</td><td>{_e(n['evidence'])}</td></tr>"
        for _, n in notes[notes["option"] == option].iterrows()
    )
    return HTML(
        "<table><thead><tr><th>criterion</th><th>score</th><th>why</th><th>evidence</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def render_ranking(
    ranking: Sequence[tuple[str, float]], labels: Mapping[str, str] | None = None
) -> str:
    """Return the ranking as an HTML ordered list, best first."""
    items = "".join(f"<li>{_e(_label(labels, o))}: {t:.2f}</li>" for o, t in ranking)
    return f"<p><b>Ranking</b> (best first)</p><ol>{items}</ol>"


def render_flip_table(
    flips: Mapping[str, Flip],
    criterion_labels: Mapping[str, str] | None = None,
    option_labels: Mapping[str, str] | None = None,
) -> str:
    """Return, as an HTML table, the smallest change to each weight that flips the top."""
    rows = []
    for criterion, flip in flips.items():
        name = _e(_label(criterion_labels, criterion))
        if flip.new_weight is None or flip.change is None:
            what = "no weight from 0 to 1 changes the top option"
            to = change = "-"
        else:
            what = f"{_e(_label(option_labels, str(flip.new_top)))} takes first place"
            to = f"{flip.new_weight:.3f}"
            change = f"{flip.change:+.3f}"
        rows.append(
            f"<tr><td>{name}</td><td>{flip.weight:.2f}</td><td>{to}</td><td>{change}</td>"
            f"<td>{what}</td></tr>"
        )
    return (
        "<p><b>How fragile is the top option?</b> For each criterion alone: the weight at "
        "which another option draws level (the other weights rescaled in proportion).</p>"
        "<table><thead><tr><th>criterion</th><th>weight now</th><th>flips at</th>"
        f"<th>change</th><th>then</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def flip_table(
    flips: Mapping[str, Flip],
    criterion_labels: Mapping[str, str] | None = None,
    option_labels: Mapping[str, str] | None = None,
) -> HTML:
    """Show :func:`render_flip_table` in a notebook."""
    return HTML(render_flip_table(flips, criterion_labels, option_labels))


def render_weights_line(role: str, weights: Mapping[str, float]) -> str:
    """Return the Python lines a learner copies to record a role and weights."""
    pairs = ", ".join(f'"{c}": {weights[c]:.2f}' for c in CRITERIA)
    return (
        "<p>To record these weights, copy into your answer cell:</p>"
        f'<pre>my_role = "{_e(role)}"\nmy_weights = {{{_e(pairs)}}}</pre>'
    )
