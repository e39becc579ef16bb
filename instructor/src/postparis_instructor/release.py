"""Released modules whose links work in the learner's fetched folder.

The self-study notebooks sit side by side in ``notebooks/``: a module links to the
glossary as ``glossary.ipynb`` and to the next module as ``02-sanctions.ipynb``. nbgrader
gives a learner each module in a folder of its own instead (``nbgrader fetch`` puts
``02-sanctions`` in ``02-sanctions/02-sanctions.ipynb``, beside the other modules), and
releases only the module's own files. :class:`ReleaseLinks`, the first preprocessor of
``nbgrader generate_assignment``, makes both work:

- a link to another module becomes ``../<id>/<id>.ipynb``, where fetch puts that module
  (its title says to fetch the module first);
- the glossary is released with every module, as ``glossary.ipynb`` beside it, with its
  own links rewritten the same way. It is not a graded notebook: the gradebook never
  lists it, and :func:`skip_glossary` keeps autograde from looking at a learner's copy.

The rewriting runs before nbgrader computes checksums and saves the cells, so the
gradebook holds the released text. ``make notebooks`` turns it off
(``--ReleaseLinks.enabled=False``) to build the side-by-side self-study copies.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader.exchange.default.submit import ExchangeSubmit
from nbgrader.preprocessors import NbGraderPreprocessor

__all__ = [
    "GLOSSARY",
    "ReleaseLinks",
    "SubmitWithoutGlossary",
    "chain_hooks",
    "find_glossary",
    "released_links",
    "skip_glossary",
]

#: The file name of the glossary, in notebooks/ and in every released module.
GLOSSARY = "glossary.ipynb"

#: Shown when a learner points at a link to another module.
FETCH_FIRST = "Fetch this module first (Nbgrader menu, Assignment List) once it is released"

# A Markdown link target ``](target)`` or ``](target "title")``, or an HTML href/src.
_MARKDOWN_LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_HTML_LINK = re.compile(r"(?P<attr>\b(?:href|src)=)(?P<quote>[\"'])(?P<target>[^\"']+)(?P=quote)")


def _module_target(target: str, released: frozenset[str]) -> str | None:
    """Return the fetched-folder path of ``target`` if it names another module's notebook."""
    path, hash_, anchor = target.partition("#")
    if "/" in path or ":" in path or not path.endswith(".ipynb") or path in released:
        return None
    stem = path[: -len(".ipynb")]
    return f"../{stem}/{stem}.ipynb{hash_}{anchor}"


def released_links(text: str, released: Iterable[str]) -> str:
    """Return Markdown ``text`` with its links to other modules as fetch places them.

    ``released`` are the notebooks released together (the module's own and the
    glossary). A link to any other notebook beside them, ``<id>.ipynb``, is a link to the
    module ``<id>``, which fetch puts in ``../<id>/<id>.ipynb``. Other links (web
    addresses, anchors, the released notebooks) are left as they are.
    """
    released = frozenset(released)

    def markdown(match: re.Match[str]) -> str:
        moved = _module_target(match["target"], released)
        if moved is None:
            return match[0]
        title = match["title"] or f' "{FETCH_FIRST}"'
        return f"]({moved}{title})"

    def html(match: re.Match[str]) -> str:
        moved = _module_target(match["target"], released)
        if moved is None:
            return match[0]
        return f"{match['attr']}{match['quote']}{moved}{match['quote']}"

    return _HTML_LINK.sub(html, _MARKDOWN_LINK.sub(markdown, text))


def find_glossary(source: Path) -> Path | None:
    """Return the glossary to release with the modules of the ``source`` folder.

    Looked for beside the course folder (``<course>/glossary.ipynb``, for a course kept
    outside the repository), then in ``notebooks/`` of the clone that holds the course
    folder (``assignments/``: the instructor tools may be installed as a wheel), then in
    the repository's ``notebooks/``.
    """
    from postparis.paths import repository_root

    candidates = [source.parent / GLOSSARY, source.parent.parent / "notebooks" / GLOSSARY]
    root = repository_root()
    if root is not None:
        candidates.append(root / "notebooks" / GLOSSARY)
    return next((path for path in candidates if path.is_file()), None)


def _rewrite_markdown(nb: NotebookNode, released: frozenset[str]) -> None:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = released_links(cell.source, released)


class ReleaseLinks(NbGraderPreprocessor):
    """Rewrite links to other modules for the fetched layout; release the glossary."""

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Rewrite ``nb``'s links and add the glossary to the files written beside it."""
        here = resources["nbgrader"]["assignment"]
        folder = Path(resources["metadata"]["path"]).resolve()
        source = folder.parent
        released = frozenset([GLOSSARY, *(p.name for p in folder.glob("*.ipynb"))])
        _rewrite_markdown(nb, released)
        glossary = find_glossary(source)
        if glossary is None:
            self.log.warning(
                "%s is released without the glossary, so its links to %s will not work: "
                "put the course's glossary at %s",
                here,
                GLOSSARY,
                source.parent / GLOSSARY,
            )
            return nb, resources
        terms = nbformat.read(glossary, as_version=4)
        _rewrite_markdown(terms, released)
        for cell in terms.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        text = nbformat.writes(terms) + "\n"
        resources.setdefault("outputs", {})[GLOSSARY] = text.encode("utf-8")
        return nb, resources


class SubmitWithoutGlossary(ExchangeSubmit):
    """``nbgrader submit`` that leaves the released glossary out of the submission.

    nbgrader shows a learner's feedback as fetched only when every notebook of the
    submission has feedback; the glossary, released beside each module, never gets any.
    Named as ``ExchangeFactory.submit`` in the configuration learners read.
    """

    def do_copy(self, src: str, dest: str, log: Any = None) -> None:
        """Copy the learner's folder as nbgrader does, without the glossary."""
        kept = list(self.coursedir.ignore)
        self.coursedir.ignore = [*kept, GLOSSARY]
        try:
            super().do_copy(src, dest, log=log)
        finally:
            self.coursedir.ignore = kept


def skip_glossary(notebooks: list[str] | None = None, **_: Any) -> None:
    """``Autograde.pre_convert_hook``: never grade a learner's copy of the glossary.

    The glossary is released with each module, so it comes back with every submission;
    nbgrader would skip it anyway ("Skipping unknown notebook"), but with a warning per
    student. It is removed from the list nbgrader is about to grade, in place.
    """
    if notebooks:
        notebooks[:] = [n for n in notebooks if Path(n).name != GLOSSARY]


def chain_hooks(*hooks: Callable[..., None]) -> Callable[..., None]:
    """Return one nbgrader hook that calls ``hooks`` in order with the same arguments."""

    def hook(**arguments: Any) -> None:
        for each in hooks:
            each(**arguments)

    return hook
