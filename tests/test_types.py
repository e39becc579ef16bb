"""The helper packages are type-checked: mypy passes over both, with no unexplained ignore.

The configuration is pyproject.toml's ``[tool.mypy]`` (the same one ``make typecheck``
uses). mypy keeps its cache in the clone (``.mypy_cache``, git-ignored), so a second
run reads only what changed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGES = (ROOT / "src" / "postparis", ROOT / "instructor" / "src" / "postparis_instructor")
#: An ignore names its error code and says why on its line: ``# type: ignore[code]  # why``.
EXPLAINED_IGNORE = re.compile(r"# type: ignore\[[a-z-]+(, *[a-z-]+)*\]  # \S")


def _sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in package.rglob("*.py"))


def test_mypy_passes_over_both_packages() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The configuration names the packages: make sure it still reaches every file.
    checked = re.search(r"no issues found in (\d+) source files", done.stdout)
    assert checked, done.stdout
    assert int(checked.group(1)) == len(_sources()), done.stdout


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_type_ignore_says_why(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "type: ignore" in line:
            assert EXPLAINED_IGNORE.search(line), f"line {number}: {line.strip()}"


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_each_package_declares_its_types(package: Path) -> None:
    """PEP 561: the ``py.typed`` marker tells a type checker to read the package's hints.

    The learners' wheel is built and checked for it in test_learner_environment.py.
    """
    assert (package / "py.typed").is_file()
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", str(package / "py.typed")], cwd=ROOT, check=False
    )
    assert ignored.returncode == 1, "py.typed is git-ignored: a clone would not have it"
