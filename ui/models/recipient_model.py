"""The register's table model: it holds row handles only and reads rows in pages as they are shown.

Searching, filtering and sorting re-run the query in SQLite
(`app.recipients.search`); the model keeps the ordered handles (integers) and
a small cache of fetched pages, so 100,000 people cost a list of ints.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.db import Database
from app.recipients import search
from app.recipients.search import COLUMNS, Filters, Sort
from ui.models.base import KeyedTableModel

_Index = QModelIndex | QPersistentModelIndex


class RecipientModel(KeyedTableModel):
    """Columns are every key of `search.COLUMNS`; the view hides and orders them."""

    ROW_NUMBERS = True

    PAGE = 100
    MAX_PAGES = 40

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.text = ""
        self.filters = Filters()
        self.sort_spec = Sort()
        #: Called after each query with the number of people found. A plain callback, not a
        #: Signal: PySide6 6.12.0 loses a reference to True on every Python-side emit, which
        #: crashes Python 3.11 after some hundreds of keystrokes.
        self.on_counted: Callable[[int], None] | None = None
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, dict[str, Any]]] = OrderedDict()
        self._today = dt.date.today()
        self._headers = {
            "name": self.tr("姓名"), "sex": self.tr("性别"), "age": self.tr("年龄"),
            "birth_date": self.tr("出生日期"), "id_number": self.tr("身份证号"),
            "village": self.tr("村（社区）"), "village_group": self.tr("组"),
            "categories": self.tr("人员类别"), "phone": self.tr("电话"),
            "household_head": self.tr("户主"), "guardian_name": self.tr("监护人"),
            "guardian_phone": self.tr("监护人电话"), "address": self.tr("居住地址"),
            "bank_name": self.tr("开户行"), "bank_account": self.tr("银行账号"),
            "status": self.tr("状态"), "note": self.tr("备注"), "created_at": self.tr("登记时间"),
        }
        self._status = {"active": self.tr("在册"), "moved": self.tr("迁出"), "deceased": self.tr("去世"),
                        "closed": self.tr("不再符合条件")}

    # ---------- queries ----------
    def set_query(self, text: str, filters: Filters) -> None:
        self.text, self.filters = text, filters
        self.refresh()

    def refresh(self) -> None:
        """Re-run the query with the current text, filters and sort."""
        self._today = dt.date.today()
        ids = search.search_ids(self.db, self.text, self.filters, self.sort_spec)
        self.beginResetModel()
        self._ids = ids
        self._pages.clear()
        self.endResetModel()
        if self.on_counted is not None:
            self.on_counted(len(ids))

    def rows_changed(self, handles: list[int]) -> list[int]:
        """Some people were edited: forget their cached pages; returns the rows to repaint.

        The caller repaints (the view's viewport update) rather than this model emitting
        dataChanged: on PySide6 6.12.0 each Python-side emit loses a reference to True.
        """
        rows = []
        for h in handles:
            try:
                r = self._ids.index(h)
            except ValueError:
                continue
            self._pages.pop(r // self.PAGE, None)
            rows.append(r)
        return rows

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        spec = Sort(COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        if spec != self.sort_spec:
            self.sort_spec = spec
            self.refresh()

    # ---------- what the view asks ----------
    def row_count(self) -> int:
        return len(self._ids)

    def column_titles(self) -> list[str]:
        return [self._headers[c] for c in COLUMNS]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        row = self.row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#8a8a8a")) if row["status"] != "active" else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in ("age", "sex", "household_head"):
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        text = self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "status" and row["status"] != "active":
                return self.tr("%s，%s 注销") % (text, row["closed_on"] or "")
            return text if key in ("categories", "address", "note") and text else None
        return text

    def _text(self, row: dict[str, Any], key: str) -> str:
        v = row.get(key)
        if key == "categories":
            return "、".join(v or ())
        if key == "household_head":
            return self.tr("户主") if v else ""
        if key == "status":
            return self._status.get(str(v), str(v))
        if key == "created_at":
            return str(v or "")[:16].replace("T", " ")
        return "" if v is None else str(v)

    # ---------- rows ----------
    def row(self, r: int) -> dict[str, Any] | None:
        """The fetched columns of row `r` (fetching its page if needed)."""
        page = r // self.PAGE
        cached = self._pages.get(page)
        if cached is None:
            part = self._ids[page * self.PAGE:(page + 1) * self.PAGE]
            cached = search.fetch_rows(self.db, part, today=self._today)
            self._pages[page] = cached
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return cached.get(self._ids[r])

    def handle(self, r: int) -> int:
        return self._ids[r]

    def recipient_id(self, r: int) -> str | None:
        row = self.row(r)
        return None if row is None else str(row["id"])

    def row_of(self, handle: int) -> int:
        """The row showing `handle`, or -1."""
        try:
            return self._ids.index(handle)
        except ValueError:
            return -1

    def header_label(self, key: str) -> str:
        return self._headers[key]
