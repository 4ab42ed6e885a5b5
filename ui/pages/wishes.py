"""微心愿: the wish board (filter by state, claims past their contact deadline in red, actions on the
chosen wish), the shareable list of open wishes to PDF or Excel (on a worker), and pledges (认捐 /
结对) with what was promised, received, paid out and what is overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.rules.money import format_fen
from app.station.accounts import Operator
from app.wishes import pledges, share, wishes
from ui.dialogs.wish_dialogs import (
    AddWishDialog,
    ClaimDialog,
    FulfilDialog,
    PledgeDialog,
    ReasonDialog,
)
from ui.worker import run_db_job

LATE = QColor("#f8d7da")  # a claim past its contact deadline
WAITING = QColor("#fff3cd")  # published more than 14 days ago, nobody has claimed it


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _table(headers: list[str]) -> QTableWidget:
    # Wishes and pledges are a few hundred at a station: a small widget table is right (STYLE 5).
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().hide()
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class WishesPage(QWidget):
    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.db, self._operator, self.today = db, operator, today
        self.items: list[wishes.Wish] = []
        self.dialog: QDialog | None = None
        self.last_message = ""
        self.export_job: Any = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("状态")))
        self.state = QComboBox()
        self.state.addItem(self.tr("全部"), None)
        for code, name in wishes.STATE_NAMES.items():
            self.state.addItem(self.tr(name), code)
        self.state.currentIndexChanged.connect(self.refresh)
        top.addWidget(self.state)
        self.counts = QLabel()
        top.addWidget(self.counts, 1)
        self.export_pdf = QPushButton(self.tr("待认领清单 PDF"))
        self.export_xlsx = QPushButton(self.tr("待认领清单 Excel"))
        self.export_pdf.clicked.connect(lambda: self.export(".pdf"))
        self.export_xlsx.clicked.connect(lambda: self.export(".xlsx"))
        top.addWidget(self.export_pdf)
        top.addWidget(self.export_xlsx)
        layout.addLayout(top)

        self.board = _table([self.tr(h) for h in ("编号", "孩子", "年龄", "学校", "心愿", "价值（元）", "状态",
                                                   "认领人", "联系期限", "实现日期")])
        self.board.itemSelectionChanged.connect(self._enable)
        layout.addWidget(self.board, 3)
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text in (("add", "登记心愿"), ("publish", "审核发布"), ("claim", "登记认领"),
                          ("unclaim", "撤销认领"), ("fulfil", "实现心愿"), ("cancel", "取消心愿")):
            b = QPushButton(self.tr(text))
            b.clicked.connect(lambda _=False, k=key: self.act(k))
            actions.addWidget(b)
            self.buttons[key] = b
        actions.addStretch(1)
        layout.addLayout(actions)

        box = QGroupBox(self.tr("认捐 / 结对"))
        v = QVBoxLayout(box)
        self.pledge_sum = QLabel()
        v.addWidget(self.pledge_sum)
        self.pledges = _table([self.tr(h) for h in ("认捐人", "结对对象", "认捐（元）", "到账（元）", "拨付（元）",
                                                     "约定日期", "情况")])
        v.addWidget(self.pledges)
        add = QPushButton(self.tr("登记认捐"))
        add.clicked.connect(lambda: self.act("pledge"))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        v.addLayout(row)
        layout.addWidget(box, 2)
        self.refresh()

    @property
    def operator(self) -> Operator:
        return self._operator()

    def refresh(self) -> None:
        today = self.today()
        self.items = wishes.list_wishes(self.db, self.state.currentData(), today)
        self.board.setRowCount(len(self.items))
        for r, w in enumerate(self.items):
            cells = [wishes.code(w.id), w.child, "" if w.age is None else str(w.age), w.school, w.wish,
                     format_fen(w.value_fen), self.tr(w.state_name), w.claimant,
                     w.contact_by or "" if w.state == "claimed" else "", w.fulfilled_on or ""]
            late = w.overdue(today)
            for c, text in enumerate(cells):
                item = _item(text, c == 5)
                if late:
                    item.setBackground(QBrush(LATE))
                    item.setToolTip(self.tr("已过联系期限：请联系认领人，或撤销认领"))
                elif w.open_too_long(today):
                    item.setBackground(QBrush(WAITING))
                    item.setToolTip(self.tr("发布超过 14 天还没有人认领"))
                self.board.setItem(r, c, item)
        n = wishes.counts(self.db)
        late_n = sum(1 for w in self.items if w.overdue(today))
        self.counts.setText("　".join(f"{self.tr(wishes.STATE_NAMES[k])} {v}" for k, v in n.items())
                            + (self.tr("　过期未联系 %s") % late_n if late_n else ""))
        items = pledges.list_pledges(self.db)
        s = pledges.summary(items, today)
        self.pledge_sum.setText(self.tr("共 %s 项，认捐 ¥%s，到账 ¥%s，拨付 ¥%s，逾期 %s 项") % (
            s["pledges"], format_fen(s["promised_fen"]), format_fen(s["received_fen"]), format_fen(s["paid_fen"]),
            s["overdue"]))
        self.pledges.setRowCount(len(items))
        for r, p in enumerate(items):
            state = self.tr("逾期") if p.overdue(today) else (self.tr("已到账") if not p.outstanding_fen else "")
            for c, text in enumerate([p.donor, p.person or self.tr("不指定"), format_fen(p.promised_fen),
                                      format_fen(p.received_fen), format_fen(p.paid_fen), p.due_on or "", state]):
                item = _item(text, 2 <= c <= 4)
                if p.overdue(today):
                    item.setBackground(QBrush(LATE))
                self.pledges.setItem(r, c, item)
        self._enable()

    def current(self) -> wishes.Wish | None:
        rows = self.board.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def select(self, wish_id: str) -> None:
        for r, w in enumerate(self.items):
            if w.id == wish_id:
                self.board.selectRow(r)

    def _enable(self) -> None:
        w = self.current()
        state = w.state if w else ""
        self.buttons["publish"].setEnabled(state == "pending")
        self.buttons["claim"].setEnabled(state == "published")
        self.buttons["unclaim"].setEnabled(state == "claimed")
        self.buttons["fulfil"].setEnabled(state == "claimed")
        self.buttons["cancel"].setEnabled(state in ("pending", "published", "claimed"))

    def act(self, key: str) -> None:
        """Open the form of one action (a dialog that stays open with the service's refusal)."""
        w = self.current()
        if key == "publish" and w is not None:
            wishes.publish(self.db, self.operator, w.id, self.today())
            self.refresh()
            self.select(w.id)
            return
        dlg: QDialog
        if key == "add":
            dlg = AddWishDialog(self.db, self.operator, self)
        elif key == "pledge":
            dlg = PledgeDialog(self.db, self.operator, self)
        elif w is None:
            return
        elif key == "claim":
            dlg = ClaimDialog(self.db, self.operator, w.id, self)
        elif key in ("unclaim", "cancel"):
            dlg = ReasonDialog(self.db, self.operator, w.id, key, self)
        else:
            dlg = FulfilDialog(self.db, self.operator, w.id, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self._done(getattr(dlg, "result_text", ""), w.id if w else None))
        self.dialog = dlg
        dlg.open()

    def _done(self, text: str, wish_id: str | None) -> None:
        self.dialog = None
        self.refresh()
        if wish_id:
            self.select(wish_id)
        self.last_message = text

    def export(self, suffix: str, path: str | None = None) -> None:
        """The shareable list (open wishes, names masked) to a file, written on a worker."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("保存待认领心愿清单"), f"微心愿清单{suffix}",
                                                  "PDF (*.pdf)" if suffix == ".pdf" else "Excel (*.xlsx)")
            if not path:
                return
        source, today = self.db, self.today()

        def work(db: Any, _report: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            return share.write(db, Path(path), today)

        self.export_job = run_db_job(source, work, read=False, on_done=self._exported,
                                     on_error=self._export_failed)

    def _exported(self, result: dict[str, Any]) -> None:
        self.export_job = None
        self.last_message = self.tr("已写出待认领心愿 %s 个：%s") % (result["wishes"], result["path"])
        self._tell(self.last_message)

    def _export_failed(self, exc: BaseException) -> None:
        self.export_job = None
        self.last_message = getattr(exc, "message", str(exc))
        self._tell(self.last_message, error=True)

    def _tell(self, text: str, error: bool = False) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information, self.tr("微心愿"),
                          text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
