"""An nbgrader ``Execute`` that hashes chosen files just before and after each kernel.

The grading-sandbox tests configure nbgrader's autograde pipeline with
:class:`ProbedExecute` in place of ``Execute``. nbgrader writes the gradebook before and
after executing a submission, never while its kernel runs, so any change to the hashed
files between the two snapshots was made by the student's code.

Configured through two environment variables: ``POSTPARIS_PROBE_FILES`` (a JSON list of
paths) and ``POSTPARIS_PROBE_LOG`` (a JSON-lines file to append one record per kernel,
with the seconds the execution took: kernel start, cells and shutdown).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from nbgrader.preprocessors import Execute


def snapshot(paths: list[str]) -> dict[str, str | None]:
    """Return the SHA-256 of each file (``None`` if missing)."""
    digests: dict[str, str | None] = {}
    for path in paths:
        try:
            digests[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            digests[path] = None
    return digests


class ProbedExecute(Execute):
    """nbgrader's ``Execute``, with file hashes recorded around the kernel's life."""

    def preprocess(self, nb: Any, resources: Any, *args: Any, **kwargs: Any) -> Any:
        """Execute the notebook between two snapshots of the probed files."""
        paths = json.loads(os.environ.get("POSTPARIS_PROBE_FILES", "[]"))
        before = snapshot(paths)
        started = time.monotonic()
        try:
            return super().preprocess(nb, resources, *args, **kwargs)
        finally:
            record = {
                "student": resources.get("nbgrader", {}).get("student"),
                "before": before,
                "after": snapshot(paths),
                "seconds": time.monotonic() - started,
            }
            with open(os.environ["POSTPARIS_PROBE_LOG"], "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
