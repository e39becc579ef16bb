"""Tests of the article-based datasets: paragraphs, actors and claims."""

from __future__ import annotations

import re

from conftest import article_text, needs_article

from postparis.data import load_actors, load_article_paragraphs, load_claims

# The article is not in the repository (it belongs to its publisher): the tests that
# compare with its text read the file POSTPARIS_ARTICLE names (.ci/run sets it) and are
# skipped, with the reason shown, when it is not set.
ROLES = {
    "thesis",
    "context",
    "evidence",
    "counter-evidence",
    "proposal",
    "assessment",
    "conclusion",
}
LEVERS = {
    "sanctions",
    "military posture",
    "arms to proxies",
    "information",
    "intelligence cooperation",
    "arms control",
    "diplomacy",
}


def normalise(text: str) -> str:
    """Straighten curly quotes and collapse whitespace (the only allowed differences)."""
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
    return " ".join(text.translate(table).split())


def article_paragraphs() -> list[str]:
    """Return the article's 24 body paragraphs from its text file."""
    lines = [line.strip() for line in article_text().splitlines()]
    lines = [line for line in lines if line]
    start = next(i for i, line in enumerate(lines) if line.startswith("It would be prudent"))
    body = lines[start : start + 24]
    assert "plan for the worst" in body[-1]
    return body


def test_paragraphs_are_1_to_24_once_each():
    paragraphs = load_article_paragraphs()
    assert paragraphs["paragraph"].tolist() == list(range(1, 25))
    assert set(paragraphs["role"]) <= ROLES
    assert (paragraphs["role"] == "thesis").sum() == 1
    assert paragraphs.loc[paragraphs["paragraph"] == 24, "role"].item() == "conclusion"


def test_paraphrases_are_single_sentences_in_our_words():
    paragraphs = load_article_paragraphs()
    for row in paragraphs.itertuples():
        assert row.paraphrase, f"paragraph {row.paragraph} has no paraphrase"
        assert row.paraphrase.endswith("."), row.paraphrase
        # one sentence: no full stop followed by a new sentence (initials like "W." excepted)
        assert not re.search(r"(?<![A-Z])[.!?]\s+[A-Z]", row.paraphrase), row.paraphrase


@needs_article
def test_paraphrases_do_not_copy_long_runs_of_the_article():
    words = re.findall(r"[a-z0-9']+", normalise(article_text()).lower())
    eight_grams = {tuple(words[i : i + 8]) for i in range(len(words) - 7)}
    for row in load_article_paragraphs().itertuples():
        own = re.findall(r"[a-z0-9']+", normalise(row.paraphrase).lower())
        copied = [tuple(own[i : i + 8]) for i in range(len(own) - 7)]
        assert not any(gram in eight_grams for gram in copied), row.paraphrase


@needs_article
def test_key_quotes_are_verbatim_short_and_single_sentence():
    body = article_paragraphs()
    paragraphs = load_article_paragraphs()
    quoted = paragraphs[paragraphs["key_quote"] != ""]
    assert len(quoted) >= 15
    for row in quoted.itertuples():
        assert normalise(row.key_quote) in normalise(body[row.paragraph - 1]), (
            f"paragraph {row.paragraph}: quote not found verbatim: {row.key_quote!r}"
        )
        assert len(row.key_quote.split()) <= 25
        # at most one sentence: no sentence end followed by more text
        assert not re.search(r"[.!?]\s+\S", row.key_quote), row.key_quote
        assert row.quote_speaker, f"paragraph {row.paragraph}: quote without a speaker"


def test_quote_speaker_empty_exactly_when_no_quote():
    paragraphs = load_article_paragraphs()
    assert ((paragraphs["key_quote"] == "") == (paragraphs["quote_speaker"] == "")).all()


def test_speakers_and_quote_speakers_are_known_actors():
    actors = set(load_actors()["actor_id"])
    paragraphs = load_article_paragraphs()
    for row in paragraphs.itertuples():
        named = [s for s in row.speakers.split(";") if s]
        assert set(named) <= actors, (row.paragraph, named)
        if row.quote_speaker:
            assert row.quote_speaker in actors


def test_actors_cover_every_voice_in_the_article():
    actors = load_actors().set_index("actor_id")
    for slug in ("pickering", "brennan", "dobriansky", "kurtz_phelan", "peskov", "putin"):
        assert slug in actors.index
    assert actors.loc["peskov", "voice"] == "quoted by TASS"
    assert actors.loc["putin", "voice"] == "quoted by The Wall Street Journal"
    assert actors.loc["pickering", "first_paragraph"] == 9
    assert actors["first_paragraph"].between(1, 24).all()


def test_actor_first_paragraph_matches_the_paragraph_codes():
    actors = load_actors().set_index("actor_id")
    paragraphs = load_article_paragraphs()
    for actor_id in actors.index:
        where = paragraphs[
            paragraphs["speakers"].str.split(";").apply(lambda s, a=actor_id: a in s)
        ]
        if len(where):
            assert actors.loc[actor_id, "first_paragraph"] <= where["paragraph"].min(), actor_id


def test_claims_cover_every_proposal_in_the_article():
    claims = load_claims()
    assert claims["claim_id"].is_unique
    assert set(claims["lever"]) <= LEVERS
    assert claims["reference_stance"].between(-2, 2).all()
    assert set(claims["actor_id"]) <= set(load_actors()["actor_id"])
    proposals = claims[claims["kind"] == "proposal"]
    by_actor = proposals.groupby("actor_id")["lever"].apply(set).to_dict()
    assert {"arms to proxies", "information", "diplomacy", "arms control"} <= by_actor["pickering"]
    assert {"sanctions", "military posture"} <= by_actor["dobriansky"]
    assert "intelligence cooperation" in by_actor["brennan"]
    assert "kurtz_phelan" in by_actor
    assert "hollande" in by_actor
    assert {"putin", "peskov"} <= set(claims["actor_id"])


def test_every_proposal_paragraph_has_a_proposal_claim():
    paragraphs = load_article_paragraphs()
    claims = load_claims()
    proposal_paras = set(paragraphs.loc[paragraphs["role"] == "proposal", "paragraph"])
    assert proposal_paras <= set(claims.loc[claims["kind"] == "proposal", "paragraph"])


def test_stance_coding_uses_both_sides_of_the_scale():
    stance = load_claims()["reference_stance"]
    assert (stance < 0).any()
    assert (stance > 0).any()
    assert (stance == 0).any()
    assert (
        load_claims().loc[lambda c: c["lever"] == "arms to proxies", "reference_stance"].min() == -2
    )
