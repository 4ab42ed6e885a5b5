"""Table models for the distribution screen: the candidate list (in and out) and the lines of a day.

`IncludedModel` shows the people on the list, straight from the plan the worker
computed. `ExcludedModel` holds only the ids of the people left out and asks
`app.programmes.eligibility.explain_excluded` for their reasons a page at a time, when
those rows are shown (the register may hold 100,000 people). `LineModel` shows
a confirmed distribution's lines and their sign-off status.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from app.db import Database
from app.programmes import eligibility
from app.programmes.distributions import LINE_STATUS_NAMES, Line
from app.programmes.eligibility import Candidate, Plan
from app.rules.masking import mask_id
from app.rules.money import format_fen
from ui.models.base import Index, KeyedTableModel

PAGE = 200
_GREY = QColor(110, 110, 110)
_RED = QColor(170, 30, 30)


def _candidate_cells(c: Candidate) -> list[str]:
    return [c.name, c.village + c.village_group, "" if c.age is None else str(c.age),
            mask_id(c.id_number) if c.id_number else "", "、".join(c.categories)]


class IncludedModel(KeyedTableModel):
    HEADERS = ("姓名", "村/组", "年龄", "身份证号", "类别", "金额（元）", "依据")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Candidate] = []

    def reset(self, plan: Plan | None) -> None:
        self.beginResetModel()
        self.rows = list(plan.included) if plan else []
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col < 5:
                return _candidate_cells(c)[col]
            if col == 5:
                return format_fen(c.amount_fen)
            return "；".join(c.reasons) + (f"（{c.note}）" if c.note else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 6 and (c.by_hand or c.note):
            return _RED
        if role == Qt.ItemDataRole.ToolTipRole and col == 6:
            return "\n".join(c.reasons) + (f"\n{c.note}" if c.note else "")
        return None

    def candidate(self, row: int) -> Candidate:
        return self.rows[row]


class ExcludedModel(KeyedTableModel):
    HEADERS = ("姓名", "村/组", "年龄", "身份证号", "类别", "未列入原因")

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.plan: Plan | None = None
        self.ids: list[str] = []
        self._cache: dict[str, Candidate] = {}

    def reset(self, plan: Plan | None) -> None:
        self.beginResetModel()
        self.plan = plan
        self.ids = plan.excluded_ids() if plan else []
        self._cache = {}
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.ids)

    def candidate(self, row: int) -> Candidate:
        rid = self.ids[row]
        c = self._cache.get(rid)
        if c is None and self.plan is not None:
            start = row - row % PAGE
            for got in eligibility.explain_excluded(self.db, self.plan, self.ids[start:start + PAGE]):
                self._cache[got.recipient_id] = got
            c = self._cache[rid]
        assert c is not None
        return c

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            c = self.candidate(index.row())
            return _candidate_cells(c)[col] if col < 5 else "；".join(c.reasons)
        if role == Qt.ItemDataRole.ToolTipRole and col == 5:
            return "\n".join(self.candidate(index.row()).reasons)
        if role == Qt.ItemDataRole.ForegroundRole and col < 5:
            return _GREY
        return None


class LineModel(KeyedTableModel):
    HEADERS = ("序号", "姓名", "村", "身份证号", "金额（元）", "领取情况", "备注")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Line] = []

    def reset(self, lines: list[Line]) -> None:
        self.beginResetModel()
        self.rows = list(lines)
        self.endResetModel()

    def replace(self, line: Line) -> None:
        """One line changed: refresh its row only."""
        for i, old in enumerate(self.rows):
            if old.id == line.id:
                self.rows[i] = line
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))
                return

    def row_count(self) -> int:
        return len(self.rows)

    def line(self, row: int) -> Line:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ln = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(ln.line_no)
            if col == 1:
                return ln.name
            if col == 2:
                return ln.village
            if col == 3:
                return mask_id(ln.id_number) if ln.id_number else ""
            if col == 4:
                return format_fen(ln.amount_fen) + (f"（{ln.goods}）" if ln.goods else "")
            if col == 5:
                return LINE_STATUS_NAMES.get(ln.status, ln.status)
            if ln.status == "proxy":
                return f"代领：{ln.proxy_name}（{ln.proxy_note}）"
            if ln.status == "reversed":
                return f"冲销：{ln.reversal_reason}"
            return ln.reason if ln.by_hand else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if ln.status == "reversed":
                return _GREY
            if ln.status == "not_collected" and col == 5:
                return _RED
        return None
