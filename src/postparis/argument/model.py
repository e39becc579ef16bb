"""Module 01, "Reading the argument": the pure models behind the module's widgets.

Three small, explicit pieces, each tested and each with a model card in the notebook:

* **The argument map** (:data:`THESIS`, :data:`REASONS`, :func:`paragraph_card`,
  :func:`speaker_card`): the course's reading of how the article supports its thesis,
  joined to the coded paragraphs, actors and claims in ``data/``.
* **The stance coding** (:data:`STANCE_LABELS`, :func:`proposal_ids`,
  :func:`check_stance_coding`): each proposal placed on a scale from -2 (strongly
  confrontational toward Russia) to +2 (strongly cooperative).
* **Agreement between two codings** (:func:`percent_agreement`, :func:`cohens_kappa`,
  :func:`within_one_step`, :func:`compare_codings`, :func:`agreement_summary`).

Nothing here imports ipywidgets or draws: the widgets in
:mod:`postparis.argument.widgets` and the charts in :mod:`postparis.argument.plots`
are thin views over these functions.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import TypedDict, TypeVar

import pandas as pd

from postparis.data import load_actors, load_article_paragraphs, load_claims
from postparis.validation import CourseInputError, check_choice, check_keys, check_number

__all__ = [
    "REASONS",
    "STANCE_LABELS",
    "STANCE_VALUES",
    "THESIS",
    "AgreementSummary",
    "ArgumentData",
    "ClaimLine",
    "ParagraphCard",
    "Reason",
    "SpeakerCard",
    "ThesisPart",
    "accounts_of",
    "agreement_sentence",
    "agreement_summary",
    "argument_map_table",
    "attributed_range",
    "check_stance_coding",
    "cohens_kappa",
    "compare_codings",
    "paragraph_card",
    "percent_agreement",
    "proposal_ids",
    "reasons_for_paragraph",
    "speaker_card",
    "stance_label",
    "within_one_step",
]

N_PARAGRAPHS = 24

#: The course's confrontation-to-cooperation scale, toward Russia, as used in
#: ``data/claims.csv`` (column ``reference_stance``).
STANCE_LABELS: dict[int, str] = {
    -2: "strongly confrontational",
    -1: "confrontational",
    0: "mixed or neutral",
    1: "cooperative",
    2: "strongly cooperative",
}
#: The allowed codes, from most confrontational to most cooperative.
STANCE_VALUES: tuple[int, ...] = tuple(STANCE_LABELS)


# -- the argument map ------------------------------------------------------------------


@dataclass(frozen=True)
class ThesisPart:
    """One half of the article's thesis (¶1), in our words."""

    part_id: str
    kind: str
    statement: str


@dataclass(frozen=True)
class Reason:
    """A reason the article gives for one half of the thesis, and where it gives it.

    ``paragraphs`` are the paragraphs whose evidence or testimony carries the reason;
    ``direction`` is ``"supports"`` or ``"cuts against"`` the thesis part it names.
    """

    reason_id: str
    thesis_part: str
    direction: str
    statement: str
    paragraphs: tuple[int, ...]


#: The thesis of ¶1 in two parts: a recommendation and a forecast.
THESIS: tuple[ThesisPart, ...] = (
    ThesisPart(
        "T1",
        "recommendation",
        "After the Paris attacks, Washington and Moscow would be wise to set aside their "
        "differences and fight the Islamic State together.",
    ),
    ThesisPart(
        "T2",
        "forecast",
        "Mistrust runs so deep that relations will probably cool further before they improve.",
    ),
)

#: The course's reading of how the article supports (or qualifies) its thesis. It is an
#: interpretation, not a fact: the notebook invites learners to redraw it.
REASONS: tuple[Reason, ...] = (
    Reason(
        "R1",
        "T1",
        "supports",
        "The Paris attacks raised the pressure on the US, the EU and Russia to act together, "
        "and France's president called for one coalition.",
        (2,),
    ),
    Reason(
        "R2",
        "T1",
        "supports",
        "Both sides have their own interest in working together against terrorism: the "
        "leaders talked about Syria, Putin said his door was open, and the CIA director "
        "saw a shared interest in stopping Russian recruits.",
        (3, 4, 12, 15),
    ),
    Reason(
        "R3",
        "T2",
        "supports",
        "The price Moscow may want for cooperation, relief from sanctions, is unlikely to "
        "be paid, and both governments played the meeting down.",
        (5, 6, 7),
    ),
    Reason(
        "R4",
        "T2",
        "supports",
        "American experts distrust the Kremlin's motives and methods, and cooperation on "
        "terrorism falls short of what it should be.",
        (10, 11, 13, 16, 18),
    ),
    Reason(
        "R5",
        "T2",
        "supports",
        "The Washington conference leaned toward tougher measures: missiles for Syrian "
        "rebels, energy sanctions, troops on NATO's eastern flank, support for Ukraine, "
        "an information campaign.",
        (8, 9, 17, 18, 19, 20, 21, 22),
    ),
    Reason(
        "R6",
        "T2",
        "cuts against",
        "Channels stay open: Putin says the door is open, the Kremlin's spokesman calls "
        "dialogue indispensable, intelligence is already exchanged, and even the most "
        "hawkish speaker wants arms talks and deals that benefit both sides.",
        (4, 7, 14, 15, 23, 24),
    ),
)


def argument_map_table() -> pd.DataFrame:
    """Return the course's argument map (:data:`THESIS` and :data:`REASONS`) as a table.

    Returns
    -------
    pandas.DataFrame
        One row per reason: ``reason``, ``thesis_part``, ``direction``, ``statement``
        (our words) and ``paragraphs`` (e.g. ``"¶5, ¶6, ¶7"``).
    """
    return pd.DataFrame(
        {
            "reason": [r.reason_id for r in REASONS],
            "thesis_part": [r.thesis_part for r in REASONS],
            "direction": [r.direction for r in REASONS],
            "statement": [r.statement for r in REASONS],
            "paragraphs": [", ".join(f"¶{p}" for p in r.paragraphs) for r in REASONS],
        }
    )


def reasons_for_paragraph(number: int) -> list[Reason]:
    """Return the reasons of :data:`REASONS` that a paragraph helps to carry.

    Raises
    ------
    CourseInputError
        If ``number`` is not a paragraph of the article (1 to 24).
    """
    value = _paragraph_number(number)
    return [reason for reason in REASONS if value in reason.paragraphs]


def stance_label(stance: int) -> str:
    """Return the words for a code on the scale, e.g. ``stance_label(-2)``."""
    if isinstance(stance, bool) or not isinstance(stance, Integral):
        raise CourseInputError(f"A stance is a whole number from -2 to 2; you gave {stance!r}.")
    if int(stance) not in STANCE_LABELS:
        raise CourseInputError(f"A stance is a whole number from -2 to 2; you gave {stance}.")
    return STANCE_LABELS[int(stance)]


@dataclass(frozen=True)
class ArgumentData:
    """The three coded tables the argument map is built from.

    Use :meth:`load` to read them from ``data/``; tests may build one from small tables.
    """

    paragraphs: pd.DataFrame
    actors: pd.DataFrame
    claims: pd.DataFrame

    @classmethod
    def load(cls) -> ArgumentData:
        """Read ``article_paragraphs.csv``, ``actors.csv`` and ``claims.csv``."""
        return cls(load_article_paragraphs(), load_actors(), load_claims())

    @functools.cached_property
    def _names(self) -> dict[object, str]:
        """Each actor id's display name (the first row of an id wins), worked out once."""
        names: dict[object, str] = {}
        for actor_id, name in zip(self.actors["actor_id"], self.actors["name"], strict=True):
            names.setdefault(actor_id, str(name))
        return names

    def actor_name(self, actor_id: str) -> str:
        """Return an actor's display name, or the id itself if it is unknown."""
        return self._names.get(actor_id, actor_id)

    def speaker_ids(self) -> list[str]:
        """Return the actors who make at least one coded claim, in order of appearance."""
        firsts = self.claims.groupby("actor_id", sort=False)["paragraph"].min()
        return firsts.sort_values(kind="stable").index.tolist()


class ClaimLine(TypedDict):
    """One coded claim, as the argument-map explorer lists it."""

    claim_id: str
    paragraph: int
    speaker: str
    kind: str
    statement: str
    lever: str
    stance: int
    stance_label: str


class ParagraphCard(TypedDict):
    """What :func:`paragraph_card` returns."""

    paragraph: int
    role: str
    paraphrase: str
    speakers: list[str]
    key_quote: str
    quote_speaker: str
    reasons: list[Reason]
    claims: list[ClaimLine]


class SpeakerCard(TypedDict):
    """What :func:`speaker_card` returns."""

    actor_id: str
    name: str
    role_at_time: str
    country: str
    voice: str
    claims: list[ClaimLine]
    levers: list[str]


def _claim_lines(data: ArgumentData, rows: pd.DataFrame) -> list[ClaimLine]:
    lines: list[ClaimLine] = []
    for row in rows.sort_values(["paragraph", "claim_id"]).itertuples(index=False):
        stance = int(row.reference_stance)
        lines.append(
            ClaimLine(
                claim_id=str(row.claim_id),
                paragraph=int(row.paragraph),
                speaker=data.actor_name(str(row.actor_id)),
                kind=str(row.kind),
                statement=str(row.statement),
                lever=str(row.lever),
                stance=stance,
                stance_label=STANCE_LABELS[stance],
            )
        )
    return lines


def _paragraph_number(number: object) -> int:
    value = check_number(number, "The paragraph number", minimum=1, maximum=N_PARAGRAPHS)
    if value != int(value):
        raise CourseInputError(f"The paragraph number must be a whole number; you gave {number!r}.")
    return int(value)


def paragraph_card(data: ArgumentData, number: int) -> ParagraphCard:
    """Describe one paragraph's place in the argument.

    Parameters
    ----------
    data
        The coded tables (:meth:`ArgumentData.load`).
    number
        A paragraph number, 1 to 24.

    Returns
    -------
    ParagraphCard
        The paragraph's role, our paraphrase, who speaks (names), its key quotation,
        the reasons of :data:`REASONS` it helps to carry and the claims coded in it.

    Raises
    ------
    CourseInputError
        If ``number`` is not a paragraph of the article.
    """
    value = _paragraph_number(number)
    rows = data.paragraphs.loc[data.paragraphs["paragraph"] == value]
    if rows.empty:
        raise CourseInputError(f"The table has no paragraph {value}.")
    row = rows.iloc[0]
    speakers = [s for s in str(row["speakers"]).split(";") if s.strip()]
    claims = data.claims.loc[data.claims["paragraph"] == value]
    return ParagraphCard(
        paragraph=value,
        role=str(row["role"]),
        paraphrase=str(row["paraphrase"]),
        speakers=[data.actor_name(s.strip()) for s in speakers],
        key_quote=str(row["key_quote"]),
        quote_speaker=data.actor_name(str(row["quote_speaker"])) if row["quote_speaker"] else "",
        reasons=reasons_for_paragraph(value),
        claims=_claim_lines(data, claims),
    )


def speaker_card(data: ArgumentData, actor_id: str) -> SpeakerCard:
    """Describe one speaker: who they were, how the article gives their view, their claims.

    Parameters
    ----------
    data
        The coded tables (:meth:`ArgumentData.load`).
    actor_id
        An id from ``actors.csv`` such as ``"pickering"`` (case and spaces tolerated).

    Raises
    ------
    CourseInputError
        If no actor has that id; the message suggests the closest ids.
    """
    chosen = check_choice(actor_id, data.actors["actor_id"].tolist(), "actor id")
    row = data.actors.loc[data.actors["actor_id"] == chosen].iloc[0]
    claims = data.claims.loc[data.claims["actor_id"] == chosen]
    levers = sorted(set(claims["lever"]))
    return SpeakerCard(
        actor_id=chosen,
        name=str(row["name"]),
        role_at_time=str(row["role_at_time"]),
        country=str(row["country"]),
        voice=str(row["voice"]),
        claims=_claim_lines(data, claims),
        levers=levers,
    )


# -- the stance coding -----------------------------------------------------------------


def proposal_ids(claims: pd.DataFrame) -> list[str]:
    """Return the ids of the claims whose kind is ``"proposal"``, in table order."""
    return claims.loc[claims["kind"] == "proposal", "claim_id"].tolist()


def check_stance_coding(coding: object, claim_ids: Sequence[str]) -> dict[str, int]:
    """Check that a stance coding is complete and valid; return it in ``claim_ids`` order.

    A coding is a dict from claim id to a whole number from -2 to 2, e.g.
    ``{"c02": 2, "c12": 1, ...}``, with one entry for every id in ``claim_ids`` and no
    other. It is *not* judged against the reference: there is no right stance.

    Raises
    ------
    CourseInputError
        If ``coding`` is not a dict, misses an id, has an unknown id, or holds a value
        that is not a whole number from -2 to 2. The message names the ids concerned.
    """
    wanted = [str(c) for c in claim_ids]
    given = check_keys(
        coding,
        wanted,
        not_a_dict="A stance coding is a dict from claim id to stance, like "
        f"{{{{'{wanted[0] if wanted else 'c02'}': 1, ...}}}}; you gave a {{type}}.",
        unknown="Your coding has id(s) that are not proposals of this exercise: "
        f"{{names}}. Use only: {', '.join(wanted)}.",
        missing="Your coding has no stance yet for {count} proposal(s): {names}. "
        "Every proposal needs one.",
    )
    checked: dict[str, int] = {}
    for claim_id, value in given.items():
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise CourseInputError(
                f"The stance of {claim_id} must be a whole number from -2 to 2; you gave {value!r}."
            )
        if int(value) not in STANCE_LABELS:
            raise CourseInputError(
                f"The stance of {claim_id} must be from -2 to 2; you gave {int(value)}."
            )
        checked[claim_id] = int(value)
    return checked


# -- agreement between two codings -----------------------------------------------------


_Code = TypeVar("_Code", bound=Hashable)


def _paired(codes_a: Sequence[_Code], codes_b: Sequence[_Code]) -> list[tuple[_Code, _Code]]:
    try:
        a, b = list(codes_a), list(codes_b)
    except TypeError:
        raise CourseInputError("Give each coding as a list of codes, one per item.") from None
    if len(a) != len(b):
        raise CourseInputError(
            f"The two codings must cover the same items: one has {len(a)} codes, "
            f"the other {len(b)}."
        )
    if not a:
        raise CourseInputError("The codings are empty: there is nothing to compare.")
    return list(zip(a, b, strict=True))


def percent_agreement(codes_a: Sequence[Hashable], codes_b: Sequence[Hashable]) -> float:
    """Return the percentage of items on which two coders chose the same code (0 to 100).

    Examples
    --------
    >>> percent_agreement([1, 0, -1, 2], [1, 0, 0, 2])
    75.0
    """
    pairs = _paired(codes_a, codes_b)
    return 100.0 * sum(x == y for x, y in pairs) / len(pairs)


def cohens_kappa(codes_a: Sequence[Hashable], codes_b: Sequence[Hashable]) -> float:
    """Return Cohen's kappa: agreement between two coders beyond what chance would give.

    ``kappa = (p_o - p_e) / (1 - p_e)``, where ``p_o`` is the share of items on which
    the coders agree and ``p_e`` the agreement expected if each coder kept their own
    mix of codes but assigned them at random: the sum, over every code either coder
    used, of the product of the two coders' shares of that code (Cohen 1960). A code
    neither coder used adds nothing to ``p_e``, so it does not matter whether the
    scale lists it.

    Returns
    -------
    float
        1 for perfect agreement, 0 for agreement no better than chance, negative when
        the coders agree less often than chance would predict.
        **NaN** (``math.nan``) when ``p_e == 1``: that happens only when both coders
        put every item in the same single category. They then agree perfectly, but
        chance alone would have produced the same agreement, so kappa is 0/0 and is
        left undefined rather than given an arbitrary value; report the percentage
        agreement instead.

    Raises
    ------
    CourseInputError
        If the codings differ in length or are empty.

    Examples
    --------
    >>> cohens_kappa([1, 1, 0, 0], [1, 1, 0, 0])
    1.0
    >>> cohens_kappa([1, 0], [0, 1])
    -1.0
    """
    pairs = _paired(codes_a, codes_b)
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    shares_a = Counter(x for x, _ in pairs)
    shares_b = Counter(y for _, y in pairs)
    expected = sum(shares_a[c] * shares_b[c] for c in shares_a) / (n * n)
    if math.isclose(expected, 1.0):
        return math.nan
    return (observed - expected) / (1.0 - expected)


def within_one_step(codes_a: Sequence[int], codes_b: Sequence[int]) -> float:
    """Return the percentage of items coded at most one step apart on the scale."""
    pairs = _paired(codes_a, codes_b)
    return 100.0 * sum(abs(int(x) - int(y)) <= 1 for x, y in pairs) / len(pairs)


def compare_codings(coding: Mapping[str, int], claims: pd.DataFrame) -> pd.DataFrame:
    """Line up a learner's coding with the course's reference coding, claim by claim.

    Parameters
    ----------
    coding
        A complete coding of the proposals (see :func:`check_stance_coding`).
    claims
        The table from :func:`postparis.data.load_claims`.

    Returns
    -------
    pandas.DataFrame
        One row per proposal: ``claim_id``, ``paragraph``, ``actor_id``, ``statement``,
        ``reference`` and ``yours`` (int), ``difference`` (yours minus reference).
    """
    ids = proposal_ids(claims)
    checked = check_stance_coding(coding, ids)
    table = claims.loc[
        claims["claim_id"].isin(ids),
        ["claim_id", "paragraph", "actor_id", "statement", "reference_stance"],
    ].rename(columns={"reference_stance": "reference"})
    table = table.assign(yours=table["claim_id"].map(checked).astype("int64"))
    table = table.assign(difference=table["yours"] - table["reference"])
    return table.reset_index(drop=True)


@dataclass(frozen=True)
class AgreementSummary:
    """How far a coding agrees with the reference: what :func:`agreement_summary` returns."""

    n_items: int
    percent: float
    kappa: float
    within_one: float
    differences: pd.DataFrame

    def sentence(self) -> str:
        """Return the summary as one plain-language sentence."""
        return _sentence(self.n_items, self.percent, self.kappa, self.within_one)


def _sentence(n_items: int, percent: float, kappa: float, within_one: float) -> str:
    kappa_text = "undefined: both codings use one category only"
    if not math.isnan(kappa):
        kappa_text = f"{kappa:.2f}"
    differ = round(n_items * (100.0 - percent) / 100.0)
    return (
        f"You agree with the reference coding on {percent:.0f}% of the {n_items} "
        f"proposals (Cohen's kappa {kappa_text}); {within_one:.0f}% are at most one "
        f"step apart; you differ on {differ}."
    )


def agreement_sentence(yours: Sequence[int], reference: Sequence[int]) -> str:
    """Say in one sentence how far two codings of the same items agree.

    Examples
    --------
    >>> agreement_sentence([1, 0, -1, 2], [1, 0, 0, 2])
    "You agree with the reference coding on 75% of the 4 proposals (Cohen's kappa 0.67); 100% are at most one step apart; you differ on 1."
    """
    return _sentence(
        len(list(yours)),
        percent_agreement(yours, reference),
        cohens_kappa(yours, reference),
        within_one_step(yours, reference),
    )


def agreement_summary(coding: Mapping[str, int], claims: pd.DataFrame) -> AgreementSummary:
    """Measure how far ``coding`` agrees with the course's reference coding.

    Returns
    -------
    AgreementSummary
        Percentage agreement, Cohen's kappa (see :func:`cohens_kappa` for when it is
        NaN), the share within one step, and the rows of :func:`compare_codings`
        where the two differ, largest difference first.
    """
    table = compare_codings(coding, claims)
    yours, reference = table["yours"].tolist(), table["reference"].tolist()
    differ = table.loc[table["difference"] != 0]
    order = differ["difference"].abs().sort_values(ascending=False, kind="stable").index
    return AgreementSummary(
        n_items=len(table),
        percent=percent_agreement(yours, reference),
        kappa=cohens_kappa(yours, reference),
        within_one=within_one_step(yours, reference),
        differences=differ.loc[order].reset_index(drop=True),
    )


# -- triangulating sources -------------------------------------------------------------

_ACCOUNT_COLUMNS = [
    "source_name",
    "value_text",
    "value",
    "unit",
    "what_it_measures",
    "source_publisher",
    "confidence",
]


def accounts_of(disagreements: pd.DataFrame, topic: str) -> pd.DataFrame:
    """Return every source's account of one disputed figure.

    Parameters
    ----------
    disagreements
        The table from :func:`postparis.data.load_source_disagreements`.
    topic
        One of its topics, e.g. ``"Obama-Putin meeting length (Antalya, 15 Nov 2015)"``
        (case and spaces tolerated; a near miss gets a suggestion).

    Returns
    -------
    pandas.DataFrame
        Columns ``source_name``, ``value_text``, ``value``, ``unit``,
        ``what_it_measures``, ``source_publisher``, ``confidence``; one row per source.
    """
    topics = list(dict.fromkeys(disagreements["topic"]))
    chosen = check_choice(topic, topics, "topic")
    rows = disagreements.loc[disagreements["topic"] == chosen, _ACCOUNT_COLUMNS]
    return rows.reset_index(drop=True)


def attributed_range(accounts: pd.DataFrame, *, comparable: bool = True) -> str:
    """Report a disputed figure the careful way: the range, and who gives each value.

    Numbers are never averaged or rounded: the range runs from the smallest to the
    largest value a source gives, and each value keeps its source's own wording.

    A range only means something when the values measure the same thing. The function
    cannot judge that: read the ``what_it_measures`` column first, and pass
    ``comparable=False`` when the sources count different things (then the sentence
    lists the attributed values and gives no range).

    Examples
    --------
    >>> table = pd.DataFrame({"source_name": ["White House", "Kremlin"],
    ...                       "value_text": ["35 minutes", "20 minutes"],
    ...                       "value": [35.0, 20.0], "unit": ["minutes", "minutes"]})
    >>> attributed_range(table)
    'between 20 and 35 minutes: 35 minutes according to White House; 20 minutes according to Kremlin'
    """
    if not isinstance(accounts, pd.DataFrame) or accounts.empty:
        raise CourseInputError("Give the table of accounts that accounts_of(...) returns.")
    numbers = accounts.dropna(subset=["value"])
    who = "; ".join(
        f"{row.value_text} according to {row.source_name}"
        for row in accounts.itertuples(index=False)
    )
    if comparable and len(numbers) >= 2 and len(set(numbers["unit"])) == 1:
        low, high = numbers["value"].min(), numbers["value"].max()
        unit = numbers["unit"].iloc[0]
        return f"between {low:g} and {high:g} {unit}: {who}"
    return who
