"""The voices table (data/voices.csv) against the modules that present the voices.

Each module 00-05 must give a US, a Russian, a European and an independent voice, each
dated on or before the information cutoff, with a source a reader can open; each voice
the table lists must really be in the module's source notebook, with its source link; and
a voice that speaks for a state must be marked as such beside its name.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from postparis.data import INFORMATION_CUTOFF, load_voices

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "assignments" / "source"
MODULES = ("00", "01", "02", "03", "04", "05")
PERSPECTIVES = {"US", "Russian", "European", "independent"}


@cache
def _voices() -> pd.DataFrame:
    return load_voices()


@cache
def _markdown_cells(module: str) -> tuple[str, ...]:
    """The markdown cells of the one source notebook of ``module`` (e.g. "03")."""
    (folder,) = SOURCES.glob(f"{module}-*")
    notebook = json.loads((folder / f"{folder.name}.ipynb").read_text(encoding="utf-8"))
    return tuple(
        "".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"
    )


def _rows(module: str) -> list[pd.Series]:
    voices = _voices()
    return [row for _, row in voices[voices["module"] == module].iterrows()]


def test_every_module_has_the_four_perspectives() -> None:
    voices = _voices()
    assert set(voices["perspective"]) <= PERSPECTIVES
    for module in MODULES:
        present = set(voices.loc[voices["module"] == module, "perspective"])
        assert present == PERSPECTIVES, f"module {module} lacks {sorted(PERSPECTIVES - present)}"


def test_every_module_has_european_and_russian_voices_outside_government() -> None:
    voices = _voices()
    outside = voices[~voices["state_linked"]]
    for module in MODULES:
        here = set(outside.loc[outside["module"] == module, "perspective"])
        assert {"Russian", "European"} <= here, f"module {module}: {sorted(here)}"


def test_every_voice_is_dated_by_the_cutoff_and_sourced() -> None:
    voices = _voices()
    assert voices["voice_id"].is_unique
    assert voices["published"].notna().all()
    late = voices[voices["published"] > INFORMATION_CUTOFF]
    assert late.empty, f"published after the cutoff:\n{late[['voice_id', 'speaker', 'published']]}"
    assert voices["source_url"].str.match(r"^https?://\S+$").all()
    for column in ("speaker", "named_as", "role_at_time", "affiliation", "view", "source_title"):
        assert (voices[column] != "").all(), column


def test_state_linked_voices_say_how_and_others_do_not() -> None:
    voices = _voices()
    linked = voices[voices["state_linked"]]
    assert (linked["marked_as"] != "").all(), linked.loc[linked["marked_as"] == "", "voice_id"]
    assert (voices.loc[~voices["state_linked"], "marked_as"] == "").all()
    # state media as the outlet make a voice state-linked, whoever speaks
    state_media = voices["source_publisher"].str.contains(r"TASS|Sputnik|RIA Novosti|RT\b")
    assert voices.loc[state_media, "state_linked"].all()


@pytest.mark.parametrize("module", MODULES)
def test_every_listed_voice_is_in_its_module(module: str) -> None:
    cells = _markdown_cells(module)
    text = "\n".join(cells)
    for row in _rows(module):
        assert any(row["named_as"] in cell for cell in cells), (
            f"{row['voice_id']}: module {module} does not name {row['named_as']!r}"
        )
        assert row["source_url"] in text, (
            f"{row['voice_id']}: module {module} does not link {row['source_url']}"
        )
        if row["state_linked"]:
            assert any(row["named_as"] in c and row["marked_as"] in c for c in cells), (
                f"{row['voice_id']}: module {module} names {row['named_as']!r} without "
                f"marking the state link ({row['marked_as']!r}) in the same cell"
            )


def test_removing_a_voice_from_a_module_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above fails when a module loses a voice (here: the ECFR analyst in 03)."""
    cells = _markdown_cells("03")
    row = next(r for r in _rows("03") if r["perspective"] == "European")
    stripped = tuple(c.replace(row["named_as"], "an analyst") for c in cells)
    monkeypatch.setitem(globals(), "_markdown_cells", lambda module: stripped)
    with pytest.raises(AssertionError, match=row["voice_id"]):
        test_every_listed_voice_is_in_its_module("03")
