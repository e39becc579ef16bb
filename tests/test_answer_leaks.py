"""No student notebook lets an answer be read off, in plain text or in an easy encoding.

The visible checks compare salted, stretched digests (postparis.checks.digest) stored in
the package's digests.json. This test takes every right answer of every autograded
exercise (tests/exercise_answers.py) and fails if one appears

- in plain text in a student notebook's test cells (where a check would leak it), or
- anywhere in a student notebook or in digests.json as base64, as hex of its text, or
  as an unsalted MD5, SHA-1 or SHA-256 of it (the encodings a learner could reverse by
  trying the few possible answers);

and it checks that the stored digests cannot be matched by brute force *without* the
course's salt and stretching: an unsalted hash of every answer is absent.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
from functools import cache

import exercise_answers
import nbformat
import pytest
from conftest import ROOT

from postparis.checks import canonical

STUDENT = ROOT / "notebooks"
DIGESTS = ROOT / "src" / "postparis" / "exercises" / "digests.json"
MODULES = sorted(p.stem for p in STUDENT.glob("[0-9][0-9]-*.ipynb"))


@cache
def answers() -> dict[str, list[object]]:
    exercise_answers.PLAIN.clear()
    exercise_answers.compute()
    return {k: list(v) for k, v in exercise_answers.PLAIN.items()}


def _texts(value: object) -> set[str]:
    """The ways an answer could be written down."""
    out = {canonical(value)}
    for decimals in (1, 2, 3, 6):
        with contextlib.suppress(AssertionError):
            out.add(canonical(value, decimals=decimals))
    out.add(str(value))
    return {t for t in out if t}


def _encodings(text: str) -> set[str]:
    raw = text.encode()
    found = {
        base64.b64encode(raw).decode().rstrip("="),
        raw.hex(),
        hashlib.md5(raw).hexdigest(),  # the weak hashes are what we look for
        hashlib.sha1(raw).hexdigest(),
        hashlib.sha256(raw).hexdigest(),
    }
    # A digest cut to 16 hex digits, as the course stores its own, must not match either.
    found |= {h[:16] for h in found if re.fullmatch(r"[0-9a-f]+", h)}
    return {f for f in found if len(f) >= 8}


def _test_cells(module: str) -> list[str]:
    nb = nbformat.read(STUDENT / f"{module}.ipynb", as_version=4)
    return [
        c.source
        for c in nb.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and not c.get("metadata", {}).get("nbgrader", {}).get("solution")
    ]


def _plain_pattern(text: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(text)}(?![\w.])")


def test_every_answer_is_known_to_the_leak_test() -> None:
    stored = json.loads(DIGESTS.read_text("utf-8"))
    assert set(answers()) == set(stored)


@pytest.mark.parametrize("module", MODULES)
def test_no_answer_in_plain_text_in_a_test_cell(module: str) -> None:
    prefix = module[:2] + "."
    cells = "\n".join(_test_cells(module))
    assert cells, module
    for salt, values in answers().items():
        if not salt.startswith(prefix):
            continue
        for value in values:
            for text in _texts(value):
                if len(text) < 2 and not text.isalpha():
                    continue  # a single digit is in every line of code
                pattern = _plain_pattern(text if len(text) > 1 else f'"{text}"')
                assert not pattern.search(cells), f"{salt}: the answer {text!r} is in a test cell"


@pytest.mark.parametrize("module", MODULES)
def test_no_answer_in_an_easy_encoding_anywhere(module: str) -> None:
    notebook = (STUDENT / f"{module}.ipynb").read_text("utf-8").lower()
    stored = DIGESTS.read_text("utf-8").lower()
    for salt, values in answers().items():
        for value in values:
            for text in _texts(value):
                for encoded in _encodings(text):
                    assert encoded.lower() not in notebook, f"{salt}: {encoded} in {module}"
                    assert encoded.lower() not in stored, f"{salt}: {encoded} in digests.json"


def test_the_test_cells_hold_no_expected_values_at_all() -> None:
    """A visible test cell only names the check: docstring, import, one call."""
    for module in MODULES:
        for source in _test_cells(module):
            if "postparis.exercises" not in source:
                continue  # the one exercise another engineer owns (module 02, rouble on oil)
            code = [line for line in source.splitlines() if line.strip()]
            assert len(code) == 3, source
            assert code[2].startswith("_exercise."), source
            assert code[2].endswith("(globals())"), source
