"""Find the course data wherever a notebook runs.

A learner's notebook may live in ``notebooks/``, in a copy fetched through nbgrader's
exchange into some other folder, or on Binder. Notebooks therefore never build paths
like ``../data``: they ask this module, which looks in three places, in order:

1. the folder named by the ``POSTPARIS_DATA_DIR`` environment variable;
2. ``data/`` in the repository this package was installed from (an editable install);
3. the copy of ``data/`` that a wheel of this package carries (``postparis/_data``).
"""

from __future__ import annotations

import os
from pathlib import Path

from postparis.validation import CourseInputError

__all__ = ["DataNotFoundError", "data_dir", "data_path", "repository_root"]

ENV_VAR = "POSTPARIS_DATA_DIR"
_MARKER = "datapackage.json"


class DataNotFoundError(FileNotFoundError):
    """The course data folder, or one file in it, cannot be found."""


def repository_root() -> Path | None:
    """Return the repository this package was installed from, if it is a checkout.

    Returns
    -------
    pathlib.Path or None
        The folder holding ``pyproject.toml`` and ``data/`` above ``src/postparis``,
        or ``None`` when the package was installed from a wheel.
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "data").is_dir():
        return root
    return None


def data_dir() -> Path:
    """Return the folder that holds the course datasets.

    Returns
    -------
    pathlib.Path
        A folder that contains ``datapackage.json``.

    Raises
    ------
    DataNotFoundError
        If none of the three places holds the data; the message says what to do.
    """
    candidates: list[Path] = []
    override = os.environ.get(ENV_VAR)
    if override:
        folder = Path(override).expanduser()
        if not (folder / _MARKER).is_file():
            raise DataNotFoundError(
                f"{ENV_VAR} is set to {override!r}, but that folder has no {_MARKER}. "
                f"Point it at the course's data/ folder, or unset it."
            )
        return folder
    root = repository_root()
    if root is not None:
        candidates.append(root / "data")
    candidates.append(Path(__file__).resolve().parent / "_data")
    for folder in candidates:
        if (folder / _MARKER).is_file():
            return folder
    tried = ", ".join(str(c) for c in candidates)
    raise DataNotFoundError(
        "The course data could not be found (looked in: "
        f"{tried}). Install the course with `make lab` or `pip install -e .` from the "
        f"repository, or set {ENV_VAR} to the course's data/ folder."
    )


def data_path(filename: str) -> Path:
    """Return the path of one file in the course data folder.

    Parameters
    ----------
    filename
        A file name such as ``"article_paragraphs.csv"`` (no folders).

    Returns
    -------
    pathlib.Path
        The path of an existing file.

    Raises
    ------
    CourseInputError
        If ``filename`` is not a plain file name.
    DataNotFoundError
        If the file is missing; the message lists the files that do exist.
    """
    if not isinstance(filename, str) or not filename or Path(filename).name != filename:
        raise CourseInputError(
            f"Expected a plain file name such as 'article_paragraphs.csv', got {filename!r}."
        )
    folder = data_dir()
    path = folder / filename
    if not path.is_file():
        present = sorted(p.name for p in folder.iterdir() if p.suffix in {".csv", ".json"})
        raise DataNotFoundError(
            f"The course data has no file {filename!r}. Files present: {', '.join(present)}."
        )
    return path
