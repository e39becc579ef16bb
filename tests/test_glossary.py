"""The glossary: every link to it from a notebook lands on a term that is defined there."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT

GLOSSARY = NOTEBOOKS / "glossary.ipynb"


def heading_anchor(text: str) -> str:
    """The id JupyterLab and nbconvert give a heading: its text, spaces made hyphens."""
    return text.strip().replace(" ", "-")


def glossary_terms() -> dict[str, str]:
    nb = nbformat.read(GLOSSARY, as_version=4)
    terms = {}
    for cell in nb.cells:
        match = re.match(r"### (.+)\n+(.+)", cell.source, flags=re.S)
        if match:
            terms[heading_anchor(match.group(1))] = match.group(2).strip()
    return terms


def linking_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb")) + sorted(ROOT.glob("assignments/source/*/*.ipynb"))


def test_glossary_terms_are_defined_and_sorted() -> None:
    terms = glossary_terms()
    assert len(terms) >= 20
    names = list(terms)
    assert names == sorted(names, key=lambda n: n.replace("-", " ").casefold())
    for anchor, definition in terms.items():
        assert len(definition.split()) >= 8, f"{anchor} has no real definition"


@pytest.mark.parametrize("path", linking_notebooks(), ids=lambda p: p.name)
def test_glossary_links_resolve(path: Path) -> None:
    terms = glossary_terms()
    text = "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
    )
    for anchor in re.findall(r"glossary\.ipynb#([^)\s\"'>]+)", text):
        assert unquote(anchor) in terms, (
            f"{path.name} links to glossary term {anchor!r}, not defined"
        )


def test_modules_link_the_glossary() -> None:
    linked = [p for p in NOTEBOOKS.glob("0*.ipynb") if "glossary.ipynb" in p.read_text()]
    assert len(linked) == len(list(NOTEBOOKS.glob("0*.ipynb")))
