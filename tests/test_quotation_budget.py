"""The quotation budget: the repository, all files together, reproduces at most 30% of the
article in runs of eight or more of its words (a passage quoted in several files counts once).

The article's text is not in the repository. The budget test runs wherever it is provided
through the environment variable POSTPARIS_ARTICLE (.ci/run sets it) and skips, saying
why, where it is not. The tests of the measurement itself need no article.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import conftest
import pytest
from conftest import needs_article
from quotation_budget import BUDGET, MIN_RUN, Reuse, measure, readings, report, runs, words

from postparis.data import load_article_paragraphs, load_claims

ROOT = Path(__file__).resolve().parents[1]


def budget_problem(reuse: Reuse) -> str | None:
    """Explain, for a contributor, why the repository is over the budget (None if within)."""
    if reuse.share <= BUDGET:
        return None
    return (
        f"The repository reproduces {reuse.share:.1%} of the article in runs of {MIN_RUN} or "
        f"more words; the budget is {BUDGET:.0%}. Paraphrase some of these passages, or "
        "shorten a quotation to the words the lesson needs (see data/README.md, "
        '"How quotations are chosen"):\n' + report(reuse)
    )


@pytest.fixture(scope="module")
def article_text() -> str:
    """The article's text from POSTPARIS_ARTICLE (tests using it are marked needs_article)."""
    return conftest.article_text()


@needs_article
def test_repository_keeps_to_the_quotation_budget(article_text: str) -> None:
    reuse = measure(article_text, ROOT)
    assert reuse.article_words > 1000, "POSTPARIS_ARTICLE does not look like the whole article"
    problem = budget_problem(reuse)
    assert problem is None, problem


def _shared_tool(article: Path) -> Path:
    """The team's article_reuse.py, which sits in tools/ beside the article's folder."""
    return article.resolve().parents[1] / "tools" / "article_reuse.py"


@needs_article
def test_measure_agrees_with_the_shared_tool_file_by_file(article_text: str) -> None:
    assert conftest.ARTICLE is not None
    tool_path = _shared_tool(conftest.ARTICLE)
    if not tool_path.is_file():
        pytest.skip(f"no article_reuse.py beside the article ({tool_path}) to cross-check with")
    spec = importlib.util.spec_from_file_location("article_reuse", tool_path)
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    article = tool.words(article_text)
    assert words(article_text) == article
    suffixes = {".py", ".ipynb", ".md", ".csv", ".json", ".txt", ".yml", ".yaml", ".html"}
    suffixes |= {".rst", ".tsv"}
    paths = [p for p in tool.tracked_files(ROOT) if p.suffix.lower() in suffixes and p.is_file()]
    ours = {f.path: f.raw_run_words for f in measure(article_text, ROOT, paths).files}
    theirs = {}
    for path in paths:
        texts = readings(path)
        total = sum(n for _, n in tool.longest_runs(article, tool.words(texts[0]))) if texts else 0
        if total:
            theirs[str(path.relative_to(ROOT))] = total
    assert ours == theirs


# The measurement itself, on a made-up article in a throw-away repository.

FAKE_ARTICLE = " ".join(f"w{i}" for i in range(100))


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("ignored/\n", encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _span(start: int, stop: int) -> str:
    return " ".join(f"w{i}" for i in range(start, stop))


def test_a_passage_quoted_in_two_files_counts_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"a.md": f"x {_span(0, 20)} y", "b/c.csv": f'1,"{_span(10, 30)}"'})
    reuse = measure(FAKE_ARTICLE, repo)
    assert len(reuse.covered) == 30
    assert reuse.raw_run_words == 40
    assert reuse.share == pytest.approx(0.30)
    assert budget_problem(reuse) is None


def test_over_the_budget_fails_and_names_the_files(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"a.md": _span(0, 20), "b.txt": _span(40, 51)})
    problem = budget_problem(measure(FAKE_ARTICLE, repo))
    assert problem is not None
    for expected in ("31.0%", "budget is 30%", "a.md", "b.txt"):
        assert expected in problem


def test_short_quotations_and_ignored_files_do_not_count(tmp_path: Path) -> None:
    files = {
        "short.md": " and ".join(_span(i, i + MIN_RUN - 1) for i in range(0, 90, 10)),
        "ignored/long.md": _span(0, 100),
    }
    reuse = measure(FAKE_ARTICLE, _repo(tmp_path, files))
    assert reuse.covered == set()


def test_words_are_normalised_like_the_shared_tool() -> None:
    text = "It\u2019s NOT a 20-minute \\u201cmeeting\\u201d"
    assert words(text) == ["it", "s", "not", "a", "20", "minute", "meeting"]


def test_a_quotation_split_across_notebook_lines_counts(tmp_path: Path) -> None:
    cell = {"cell_type": "markdown", "metadata": {}, "source": [_span(0, 5) + "\n", _span(5, 12)]}
    notebook = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    reuse = measure(FAKE_ARTICLE, _repo(tmp_path, {"n.ipynb": json.dumps(notebook, indent=1)}))
    assert reuse.covered == set(range(12))
    assert reuse.raw_run_words == 0  # the raw JSON breaks the run at the line end


def test_an_empty_article_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="POSTPARIS_ARTICLE"):
        measure("  \n", _repo(tmp_path, {}))


@needs_article
def test_paraphrases_and_claim_statements_are_our_own_words(article_text: str) -> None:
    article = words(article_text)
    texts = {
        f"paragraph {r.paragraph}": r.paraphrase for r in load_article_paragraphs().itertuples()
    }
    texts |= {f"claim {r.claim_id}": r.statement for r in load_claims().itertuples()}
    copied = {
        where: " ".join(words(text)[start : start + length])
        for where, text in texts.items()
        for start, _, length in runs(article, words(text))
    }
    assert not copied, f"these repeat {MIN_RUN}+ words of the article; paraphrase them: {copied}"
