"""Autograding that survives ordinary mistakes in a submission.

nbgrader 0.9.6 puts deleted test cells back (``OverwriteCells.add_missing_cells``) but
its code assumes the cell before a deleted one is still there and is a graded or
solution cell, and that every cell with nbgrader metadata has an id. A learner who
deletes a whole exercise, or copy-pastes an answer cell (nbgrader then empties the
metadata of one copy), gets ``KeyError`` or a metadata error, and no grade at all. :class:`KeepCells` puts
each missing cell after the nearest earlier cell of the answer key still present, so
every submission gets the grade its remaining answers earn.
"""

from __future__ import annotations

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.preprocessors import DeduplicateIds, OverwriteCells

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


class KeepCells(OverwriteCells):
    """``OverwriteCells`` whose re-adding of missing cells never raises ``KeyError``."""

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
