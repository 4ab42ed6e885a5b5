"""The donation list's table model: row handles only, fetched in blocks; rows read in pages as shown.

Filters and sorting re-run the query in SQLite (`app.donations.query`). The row
count and the totals come from one aggregate; the handles arrive a block at a
time as the view scrolls (all at once for orders that are not paged), and the
shown columns a page of 100 at a time, with a small cache.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app.db import Database
from app.donations import query as donation_query
from app.donations.donations import METHOD_NAMES
from app.donations.query import COLUMNS, Filters, Sort, Totals
from app.rules.money import format_fen
from ui.models.base import KeyedTableModel

_Index = QModelIndex | QPersistentModelIndex


class DonationModel(KeyedTableModel):
    """Columns are `donation_query.COLUMNS`; UserRole gives the donation id."""

    ROW_NUMBERS = True

    #: Emitted after each query; `totals` holds the count and sums of what is shown.
    #: (No argument: PySide6 6.12 crashed at exit after many Signal(object) emits.)
    totalled = Signal()
    BLOCK = 1000
    PAGE = 100
    MAX_PAGES = 40

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.filters = Filters()
        self.sort_spec = Sort()
        self.totals = Totals()
        self._handles: list[int] = []  # the first len(_handles) rows, in order
        self._pages: OrderedDict[int, dict[int, dict[str, Any]]] = OrderedDict()
        self._headers = {
            "donated_on": self.tr("捐赠日期"), "receipt_number": self.tr("收据编号"),
            "donor_name": self.tr("捐赠人"), "content": self.tr("方式/物资"),
            "amount_fen": self.tr("金额（元）"), "fund_name": self.tr("基金"),
            "purpose": self.tr("用途"), "status": self.tr("状态"), "operator": self.tr("经办人"),
        }
        self._methods = {"cash": self.tr("现金"), "bank": self.tr("银行转账"),
                         "wechat": self.tr("微信"), "alipay": self.tr("支付宝")}
        assert set(self._methods) == set(METHOD_NAMES)

    # ---------- queries ----------
    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self.refresh()

    def refresh(self) -> None:
        """Re-run the query with the current filters and sort."""
        totals = donation_query.totals(self.db, self.filters)
        first = self._fetch_handles(0, 1)
        self.beginResetModel()
        self.totals = totals
        self._handles = first
        self._pages.clear()
        self.endResetModel()
        self.totalled.emit()

    def _fetch_handles(self, offset: int, needed: int) -> list[int]:
        """At least `needed` more handles from `offset` (a whole block, or all for unpaged sorts)."""
        if self.sort_spec.key in donation_query.PAGED_SORTS:
            size = max(self.BLOCK, -(-needed // self.BLOCK) * self.BLOCK)
            return donation_query.handles(self.db, self.filters, self.sort_spec, offset, size)
        if offset:
            return []
        return donation_query.handles(self.db, self.filters, self.sort_spec)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        spec = Sort(COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        if spec != self.sort_spec:
            self.sort_spec = spec
            self.refresh()

    def rows_changed(self, donation_ids: list[str]) -> None:
        """Some donations changed (voided, reprinted): forget cached pages and repaint."""
        self._pages.clear()
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(COLUMNS) - 1))

    # ---------- what the view asks ----------
    def row_count(self) -> int:
        return self.totals.count

    def column_titles(self) -> list[str]:
        return [self._headers[c] for c in COLUMNS]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.totals.count):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole,
                        Qt.ItemDataRole.UserRole):
            return None
        row = self.row(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row["id"]
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#9a9a9a")) if row["status"] != "active" else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key == "amount_fen":
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        text = self._text(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "status" and row["status"] != "active":
                return self.tr("作废原因：%s") % row["void_reason"]
            return text if key in ("content", "purpose", "donor_name") and text else None
        return text

    def _text(self, row: dict[str, Any], key: str) -> str:
        if key == "amount_fen":
            if row["kind"] == "goods" and not row["amount_fen"]:
                return self.tr("未估值")
            return format_fen(row["amount_fen"])
        if key == "content":
            if row["kind"] == "goods":
                return self.tr("物资：%s") % (row["items"] or "")
            return self._methods.get(row["method"], row["method"] or "")
        if key == "status":
            return self.tr("有效") if row["status"] == "active" else self.tr("作废")
        v = row.get(key)
        return "" if v is None else str(v)

    # ---------- rows ----------
    def handle(self, r: int) -> int | None:
        """The handle of row `r`, fetching its block of handles if needed."""
        if not 0 <= r < self.totals.count:
            return None
        while r >= len(self._handles):
            more = self._fetch_handles(len(self._handles), r + 1 - len(self._handles))
            if not more:
                return None
            self._handles.extend(more)
        return self._handles[r]

    def row(self, r: int) -> dict[str, Any] | None:
        """The fetched columns of row `r` (fetching its page if needed)."""
        page = r // self.PAGE
        cached = self._pages.get(page)
        if cached is None:
            last = min(self.totals.count, (page + 1) * self.PAGE) - 1
            if self.handle(last) is None and self.handle(r) is None:
                return None
            part = self._handles[page * self.PAGE:(page + 1) * self.PAGE]
            cached = donation_query.fetch_rows(self.db, part)
            self._pages[page] = cached
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        h = self.handle(r)
        return None if h is None else cached.get(h)

    def donation_id(self, r: int) -> str | None:
        row = self.row(r)
        return None if row is None else str(row["id"])

    def row_of(self, donation_id: str) -> int:
        """The row showing this donation among the handles fetched so far, or -1."""
        h = donation_query.handle_of(self.db, donation_id)
        try:
            return self._handles.index(h) if h is not None else -1
        except ValueError:
            return -1
