"""The part every flat table model here shares: a row of column titles and rows held by key (an
id, a handle, a line), so that a model says only how many rows it holds and what a cell shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class KeyedTableModel(QAbstractTableModel):
    """A flat table: `column_titles()` (by default `HEADERS`) are its columns, `row_count()` its
    rows, no children. With `ROW_NUMBERS` the vertical header counts the rows 1, 2, 3 …"""

    HEADERS: tuple[str, ...] = ()
    ROW_NUMBERS = False

    def row_count(self) -> int:
        raise NotImplementedError

    def column_titles(self) -> Sequence[str]:
        return [self.tr(h) for h in self.HEADERS]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.column_titles())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            titles = self.column_titles()
            return titles[section] if 0 <= section < len(titles) else None
        return section + 1 if self.ROW_NUMBERS else None
