"""Measure how much of the article the repository reproduces in long verbatim runs.

The course quotes the article it is built on (it belongs to its publisher) only in short,
attributed pieces. A single quotation may be short and still, with the others, let a
reader put most of the article back together. This module measures that total: the share
of the article's words that appear, in some tracked file, inside a run of at least
``MIN_RUN`` consecutive words of the article. A passage quoted in several files counts
once.

Words are normalised as the team's ``article_reuse.py`` normalises them (lower case,
curly apostrophes straightened, runs of ``[a-z0-9]``), and runs are found the same way, so
its per-file figures and these agree. Two things are added: every UTF-8 text file that git
tracks is read (not only some suffixes), and a notebook is read twice, as raw JSON and as
the text of its cells, so that a quotation split across two source lines still counts.

The article's text is not in the repository: pass its path (``POSTPARIS_ARTICLE``).

Run ``python tests/quotation_budget.py ARTICLE [REPO]`` for a per-file report.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

#: A run of this many article words or more counts against the budget.
MIN_RUN = 8
#: At most this share of the article's words may appear in such runs, all files together.
BUDGET = 0.30

_WORD = re.compile(r"[a-z0-9]+")
_SKIP_DIRS = {".git", ".venv", "node_modules", "__pycache__", ".ipynb_checkpoints"}


def words(text: str) -> list[str]:
    """Split text into normalised words, exactly as article_reuse.py does."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\\u2019", "'").replace("\\u201c", '"').replace("\\u201d", '"')
    return _WORD.findall(text)


def _index(article: list[str], k: int) -> dict[tuple[str, ...], list[int]]:
    index: dict[tuple[str, ...], list[int]] = {}
    for i in range(len(article) - k + 1):
        index.setdefault(tuple(article[i : i + k]), []).append(i)
    return index


def runs(
    article: list[str],
    other: list[str],
    k: int = MIN_RUN,
    index: dict[tuple[str, ...], list[int]] | None = None,
) -> list[tuple[int, int, int]]:
    """Maximal runs of >= k article words in ``other``, found as article_reuse.py finds them.

    Returns (start in other, start in article, length) for each run, in order. ``index``
    (the article's k-grams) may be passed in when many texts are searched.
    """
    index = _index(article, k) if index is None else index
    found = []
    j = 0
    while j <= len(other) - k:
        best, best_at = 0, -1
        for i in index.get(tuple(other[j : j + k]), []):
            n = k
            while j + n < len(other) and i + n < len(article) and other[j + n] == article[i + n]:
                n += 1
            if n > best:
                best, best_at = n, i
        if best:
            found.append((j, best_at, best))
            j += best
        else:
            j += 1
    return found


def repository_files(root: Path) -> list[Path]:
    """Files git tracks (or would track: untracked, not ignored), as article_reuse.py lists them."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return sorted(root / name for name in out.splitlines() if name)
    except (OSError, subprocess.CalledProcessError):
        return sorted(p for p in root.rglob("*") if p.is_file() and not _SKIP_DIRS & set(p.parts))


def readings(path: Path) -> list[str]:
    """The texts to search in one file: the file itself and, for a notebook, its cells."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    texts = [raw]
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(raw).get("cells", [])
            texts.append("\n".join("".join(cell.get("source", "")) for cell in cells))
        except (ValueError, AttributeError, TypeError):
            pass
    return texts


@dataclass
class FileReuse:
    """Long runs of the article in one file."""

    path: str
    #: words in runs of >= MIN_RUN in the raw file, summed (article_reuse.py's figure)
    raw_run_words: int = 0
    #: article word positions covered by a run, in any reading of the file
    covered: set[int] = field(default_factory=set)


@dataclass
class Reuse:
    """Long runs of the article across a whole repository."""

    article_words: int
    files: list[FileReuse]

    @property
    def covered(self) -> set[int]:
        """Article word positions inside some run, each counted once."""
        return set().union(*(f.covered for f in self.files)) if self.files else set()

    @property
    def share(self) -> float:
        return len(self.covered) / self.article_words

    @property
    def raw_run_words(self) -> int:
        """The per-file sum article_reuse.py prints (a passage in two files counts twice)."""
        return sum(f.raw_run_words for f in self.files)


def measure(article_text: str, root: Path, paths: Iterable[Path] | None = None) -> Reuse:
    """Measure the article's long verbatim runs in every file of ``root`` (or in ``paths``)."""
    article = words(article_text)
    if not article:
        raise ValueError("the article's text has no words: is POSTPARIS_ARTICLE the right file?")
    index = _index(article, MIN_RUN)
    result = []
    for path in repository_files(root) if paths is None else paths:
        reuse = FileReuse(str(path.relative_to(root)))
        for n_reading, text in enumerate(readings(path)):
            for _, at, length in runs(article, words(text), index=index):
                reuse.covered.update(range(at, at + length))
                if n_reading == 0:
                    reuse.raw_run_words += length
        if reuse.covered:
            result.append(reuse)
    return Reuse(len(article), result)


def report(reuse: Reuse) -> str:
    """A readable per-file table, largest first."""
    lines = [f"{'file':<66} {'run words':>9} {'article words':>13}"]
    for f in sorted(reuse.files, key=lambda f: (-len(f.covered), f.path)):
        lines.append(f"{f.path:<66} {f.raw_run_words:>9} {len(f.covered):>13}")
    lines.append(
        f"all files together: {len(reuse.covered)} of {reuse.article_words} article words "
        f"({reuse.share:.1%}) in runs of {MIN_RUN}+ words, each counted once; "
        f"per-file sum {reuse.raw_run_words}; budget {BUDGET:.0%}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python tests/quotation_budget.py ARTICLE_TEXT [REPOSITORY]")
    repo = Path(sys.argv[2] if len(sys.argv) == 3 else Path(__file__).parents[1]).resolve()
    measured = measure(Path(sys.argv[1]).read_text(encoding="utf-8"), repo)
    print(report(measured))
    sys.exit(0 if measured.share <= BUDGET else 1)
