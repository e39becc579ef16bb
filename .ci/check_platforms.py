"""Check, without installing, that the locks install on Windows and macOS on every supported Python.

For each lock file given, each target (Windows x86-64; macOS on Intel and on Apple
silicon) and each supported Python (3.11, 3.12, 3.13), the lock's environment markers say
which pins apply; PyPI's JSON API says which files each pinned release has. A pin passes
when it has a wheel whose tags that platform and Python accept, or else, for pure Python
code, an sdist ("sdist only": pip builds it there). A compiled package without a fitting
wheel fails: its sdist would need a C compiler on the learner's computer. Prints one line
per target and every problem; exits 1 if there is one.

    python .ci/check_platforms.py requirements.txt requirements-dev.txt
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.tags import Tag, compatible_tags, cpython_tags, mac_platforms
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

PYTHONS = [(3, 11), (3, 12), (3, 13)]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)\s*(?:;\s*(.+))?$")


@dataclass(frozen=True)
class Target:
    """A learner's platform: its marker values and the wheel platform tags it accepts."""

    name: str
    sys_platform: str
    os_name: str
    platform_system: str
    platform_machine: str
    platforms: tuple[str, ...]

    def environment(self, python: tuple[int, int]) -> dict[str, str]:
        """Return the values of environment markers on this platform with ``python``."""
        version = "{}.{}".format(*python)
        return {
            "sys_platform": self.sys_platform,
            "os_name": self.os_name,
            "platform_system": self.platform_system,
            "platform_machine": self.platform_machine,
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": version,
            "python_full_version": version + ".0",
        }

    def tags(self, python: tuple[int, int]) -> set[Tag]:
        """Return the wheel tags CPython ``python`` accepts on this platform."""
        interpreter = "cp{}{}".format(*python)
        return set(
            cpython_tags(python, abis=[interpreter, "abi3", "none"], platforms=self.platforms)
        ) | set(compatible_tags(python, interpreter, platforms=self.platforms))


TARGETS = [
    Target("Windows x86-64", "win32", "nt", "Windows", "AMD64", ("win_amd64",)),
    Target(
        "macOS Intel (12+)",
        "darwin",
        "posix",
        "Darwin",
        "x86_64",
        tuple(mac_platforms((12, 0), "x86_64")),
    ),
    Target(
        "macOS Apple silicon (12+)",
        "darwin",
        "posix",
        "Darwin",
        "arm64",
        tuple(mac_platforms((12, 0), "arm64")),
    ),
]


def read_pins(lock: Path) -> list[tuple[str, str, Marker | None]]:
    """Return ``(name, version, marker)`` for every pin of a lock file."""
    pins = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        found = PIN.match(line.strip())
        if found:
            name, version, marker = found.groups()
            pins.append((canonicalize_name(name), version, Marker(marker) if marker else None))
    return pins


def release_files(pin: tuple[str, str]) -> list[str]:
    """Return the names of the files PyPI holds for one release (its JSON simple API)."""
    name, version = pin
    request = urllib.request.Request(
        f"https://pypi.org/simple/{name}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        entries = json.load(response)["files"]
    wanted = Version(version)
    files = []
    for entry in entries:
        filename = entry["filename"]
        try:
            if filename.endswith(".whl"):
                found = parse_wheel_filename(filename)[1]
            else:
                found = parse_sdist_filename(filename)[1]
        except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
            continue
        if found == wanted and not entry.get("yanked"):
            files.append(filename)
    return files


def verdict(files: list[str], accepted: set[Tag]) -> str | None:
    """Return "wheel", "sdist only" or None (nothing a learner can install) for one release.

    A release whose wheels are all platform-specific has compiled code: where none of them
    fits, its sdist would need a C compiler on the learner's computer, so it counts as None.
    """
    wheels = [parse_wheel_filename(f)[3] for f in files if f.endswith(".whl")]
    if any(accepted & set(tags) for tags in wheels):
        return "wheel"
    compiled = wheels and all(tag.platform != "any" for tags in wheels for tag in tags)
    if not compiled and any(f.endswith((".tar.gz", ".zip")) for f in files):
        return "sdist only"
    return None


def main(locks: list[str]) -> int:
    """Check every pin of ``locks`` on every target and Python; return the exit status."""
    pins = sorted({pin for lock in locks for pin in read_pins(Path(lock))}, key=str)
    releases = sorted({(name, version) for name, version, _ in pins})
    with ThreadPoolExecutor(max_workers=8) as pool:
        files = dict(zip(releases, pool.map(release_files, releases), strict=True))
    problems = []
    for target in TARGETS:
        for python in PYTHONS:
            environment = target.environment(python)
            accepted = target.tags(python)
            applying = [
                (n, v) for n, v, m in pins if m is None or m.evaluate(environment)
            ]  # fmt: skip
            counts = {"wheel": 0, "sdist only": 0}
            sdist_only = []
            for pin in sorted(set(applying)):
                result = verdict(files[pin], accepted)
                if result is None:
                    problems.append(
                        f"{target.name}, Python {python[0]}.{python[1]}: {pin[0]}=={pin[1]} has no wheel, and its sdist needs a compiler"
                    )
                    continue
                counts[result] += 1
                if result == "sdist only":
                    sdist_only.append(f"{pin[0]}=={pin[1]}")
            print(
                f"{target.name}, Python {python[0]}.{python[1]}: {len(set(applying))} pins, "
                f"{counts['wheel']} with a wheel, {counts['sdist only']} sdist only"
                + (f" ({', '.join(sdist_only)})" if sdist_only else "")
            )
    for problem in problems:
        print("MISSING:", problem)
    print("OK: every pin installs on every target" if not problems else f"{len(problems)} missing")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["requirements.txt"]))
