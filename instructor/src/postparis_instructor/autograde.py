"""Autograding that survives ordinary mistakes in a submission.

nbgrader 0.9.6 puts deleted test cells back (``OverwriteCells.add_missing_cells``) but
its code assumes the cell before a deleted one is still there and is a graded or
solution cell, and that every cell with nbgrader metadata has an id. A learner who
deletes a whole exercise, or copy-pastes an answer cell (nbgrader then empties the
metadata of one copy), gets ``KeyError`` or a metadata error, and no grade at all. :class:`KeepCells` puts
each missing cell after the nearest earlier cell of the answer key still present, so
every submission gets the grade its remaining answers earn.

It also checks a locked cell (a test, a written question) against what was released,
not against the answer key. nbgrader's gradebook keeps each locked cell as it was
before the release removed its hidden tests or mark scheme (autograde puts them back
from there), with a checksum of that full text, while the learner received the cell
without them: nbgrader 0.9.6 compares the two and warns ``Attribute 'checksum' ... has
changed!`` for every such cell of every untouched submission (jupyter/nbgrader#1961),
so a real edit of a locked cell drowns among false ones. :class:`KeepCells` derives the
released text from the gradebook with the release pipeline's own steps that run after
the gradebook saved the cell (``GenerateAssignment.preprocessors`` after
``SaveCells``: ``ClearHiddenTests``, ``ClearMarkScheme``); a cell that matches it is
restored silently, and any other change is still reported and undone by nbgrader.
"""

from __future__ import annotations

import copy
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import (
    CheckCellMetadata,
    ComputeChecksums,
    DeduplicateIds,
    NbGraderPreprocessor,
    OverwriteCells,
    SaveCells,
)
from traitlets.utils.importstring import import_item

__all__ = ["DropDuplicateIds", "KeepCells"]


class DropDuplicateIds(DeduplicateIds):
    """nbgrader's ``DeduplicateIds`` that leaves a plain cell, not an invalid one.

    nbgrader keeps the last cell of a duplicated id and empties the nbgrader metadata
    of the others, which then fail its own metadata check ("an old version of the
    nbgrader metadata format"): the whole submission goes ungraded. Here the other
    copies lose their nbgrader metadata altogether and run as ordinary cells.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Drop the nbgrader metadata of a cell whose id came later already."""
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if cell.get("metadata", {}).get("nbgrader") == {}:
            del cell.metadata["nbgrader"]
        return cell, resources


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _release_steps_after_saving(config: Any) -> list[type[NbGraderPreprocessor]]:
    """Return the release's preprocessors that change a cell after the gradebook saved it.

    They are read from ``GenerateAssignment.preprocessors`` (the course's configuration,
    else nbgrader's default list): the ones after ``SaveCells``, without the checksum
    and metadata checks.
    """
    from nbgrader.converters import GenerateAssignment

    section = config.get("GenerateAssignment", {})
    names = (
        section.get("preprocessors") or GenerateAssignment.class_traits()["preprocessors"].default()
    )
    steps = [import_item(n) if isinstance(n, str) else n for n in names]
    if SaveCells not in steps:
        return []
    after = steps[steps.index(SaveCells) + 1 :]
    return [s for s in after if s not in (ComputeChecksums, CheckCellMetadata)]


class KeepCells(OverwriteCells):
    """``OverwriteCells`` that never raises ``KeyError`` and warns only of real edits.

    A deleted graded cell is put back after the nearest earlier cell of the key; a
    locked cell is compared with its released text (see the module's docstring).
    """

    def _as_released(self, cell: NotebookNode, full_source: str) -> bool:
        """Return whether ``cell`` is exactly as released, its key's text being ``full_source``."""
        if not hasattr(self, "_release_steps"):
            self._release_steps = [
                step(parent=self) for step in _release_steps_after_saving(self.config)
            ]
        released = copy.deepcopy(cell)
        released.source = full_source
        try:
            for step in self._release_steps:
                released, _ = step.preprocess_cell(released, {}, 0)
        except Exception:  # the key's cell does not release: nbgrader's own check decides
            return False
        return bool(released.source == cell.source)

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, cell_index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Give a locked cell exactly as released its full text back, then check it."""
        grade_id = _grade_id(cell)
        if grade_id is not None and utils.is_locked(cell):
            try:
                key = self.gradebook.find_source_cell(
                    grade_id, self.notebook_id, self.assignment_id
                )
            except MissingEntry:
                key = None  # nbgrader reports it below
            if (
                key is not None
                and key.locked
                and cell.source != key.source
                and self._as_released(cell, key.source)
            ):
                cell.source = key.source  # untouched: its hidden tests or mark scheme return
        return super().preprocess_cell(cell, resources, cell_index)

    def _put_back(
        self, nb: NotebookNode, order: list[str], missing: dict[str, NotebookNode]
    ) -> None:
        """Insert each missing cell after the nearest earlier key cell still present."""
        for name in sorted(missing, key=order.index):
            present = {gid: i for i, cell in enumerate(nb.cells) if (gid := _grade_id(cell))}
            if name in present:
                continue
            self.log.warning("Missing cell %s encountered, adding it to the notebook", name)
            position = 0
            for earlier in reversed(order[: order.index(name)]):
                if earlier in present:
                    position = present[earlier] + 1
                    break
            nb.cells.insert(position, missing[name])

    def add_missing_grade_cells(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Put back every graded cell of the key that the submission lacks."""
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source.source_cells]
        by_name = {cell.name: cell for cell in source.source_cells}
        solutions = {cell.name for cell in source.solution_cells}
        missing = {
            cell.name: self.missing_cell_transform(
                by_name[cell.name], cell.max_score, is_solution=cell.name in solutions
            )
            for cell in source.grade_cells
            if cell.name in by_name
        }
        self._put_back(nb, order, missing)
        return nb, resources

    def add_missing_task_cells(
        self, nb: NotebookNode, resources: ResourcesDict
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Put back every task (written question) of the key the submission lacks."""
        source = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [cell.name for cell in source.source_cells]
        by_name = {cell.name: cell for cell in source.source_cells}
        missing = {
            cell.name: self.missing_cell_transform(by_name[cell.name], cell.max_score, is_task=True)
            for cell in source.task_cells
            if cell.name in by_name
        }
        self._put_back(nb, order, missing)
        return nb, resources
