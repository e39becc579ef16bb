"""``nbgrader collect`` that one learner's odd inbox folder cannot stop for the class.

A submission reaches the exchange inbox as a folder named
``<student>+<module>+<time>+<random>``. nbgrader 0.9.6 reads every such name before it
collects anything, and one whose time is not a date (a folder made by hand, or renamed)
raises out of ``collect`` for the whole class. :class:`CourseCollect` sets such a folder
aside with one line naming it, and collects everyone else. It is the course's
``ExchangeFactory.collect`` (assignments/nbgrader_config.py), so plain ``nbgrader
collect`` and the formgrader's Collect button behave the same way.
"""

from __future__ import annotations

import glob
import os
from collections import defaultdict
from typing import Any

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.utils import check_mode, parse_utc

from postparis_instructor.safety.names import escape_name
from postparis_instructor.safety.nbgrader_hooks import RegularFilesCollect

__all__ = ["CourseCollect", "inbox_record"]


def inbox_record(path: str) -> dict[str, Any]:
    """Return nbgrader's record of the inbox folder ``path``.

    Raises
    ------
    ValueError
        If the folder's name is not ``<student>+<module>+<time>+...`` with a date as time;
        the message says what is wrong, in a few words.
    """
    name = os.path.basename(path)
    parts = name.rsplit("+", 3)  # as nbgrader: a student id may hold a "+"
    if len(parts) < 3:
        raise ValueError("its name is not <student>+<module>+<time>")
    try:
        timestamp = parse_utc(parts[2])
    except (ValueError, OverflowError, TypeError):
        raise ValueError(f"its time {escape_name(parts[2])} is not a date") from None
    return {"username": parts[0], "filename": name, "timestamp": timestamp}


class CourseCollect(RegularFilesCollect):
    """Collect that sets aside an inbox folder whose name it cannot read (and says so)."""

    def init_src(self) -> None:
        """Find the newest readable submission of each student (nbgrader's own rules)."""
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail(f"You don't have read permissions for the directory: {self.inbound_path}")
        student = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, f"{student}+{self.coursedir.assignment_id}+*")
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for path in sorted(glob.glob(pattern)):
            try:
                record = inbox_record(path)
            except ValueError as error:
                self.log.warning(
                    "Set aside %s in the inbox, not collected: %s (everyone else is collected)",
                    escape_name(os.path.basename(path)),
                    error,
                )
                continue
            groups[record["username"]].append(record)
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gradebook:
            try:
                self.duedate = gradebook.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                self.duedate = None
        self.src_records = []
        for records in groups.values():
            newest_first = self._sort_by_timestamp(records)
            if self.duedate is not None and self.before_duedate:
                on_time = [r for r in newest_first if r["timestamp"] <= self.duedate]
                newest_first = on_time or newest_first
            self.src_records.append(newest_first[0])
