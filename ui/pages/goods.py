"""物资: the store's stock now or at a date (allocated to distributions and free apart), the
movements of one item with its running stock, the hand-out and count forms, and the goods ledger
(入库 / 出库 / 结存) to Excel on a worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.goods import store
from app.goods.quantities import format_quantity
from app.reports import goods_ledger
from app.station.accounts import Operator
from ui.pages.goods_forms import CountForm, HandOutForm
from ui.worker import run_db_job

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _table(headers: tuple[str, ...], tr: Callable[[str], str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels([tr(h) for h in headers])
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    return t


def _fill(table: QTableWidget, rows: list[list[str]], right_from: int) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            if c >= right_from:
                item.setTextAlignment(_RIGHT)
            table.setItem(r, c, item)


class GoodsPage(QWidget):
    STOCK_COLUMNS = ("物资", "单位", "库存", "已分配", "可用")
    MOVE_COLUMNS = ("日期", "类别", "摘要", "入库", "出库", "结存")

    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._operator = operator
        self.job: Any = None
        self.last_message = ""
        self.last_file = ""
        self.stock_lines: list[store.StockLine] = []

        title = QLabel(self.tr("物资"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.at_date = QCheckBox(self.tr("查看某一天的库存："))
        self.on = QDateEdit(QDate.currentDate())
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setEnabled(False)
        self.at_date.toggled.connect(self.on.setEnabled)
        self.at_date.toggled.connect(lambda _on: self.refresh())
        self.on.dateChanged.connect(lambda _d: self.refresh())
        self.export_button = QPushButton(self.tr("导出物资台账"))
        self.export_button.clicked.connect(self.export_ledger)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(20)
        top.addWidget(self.at_date)
        top.addWidget(self.on)
        top.addStretch(1)
        top.addWidget(self.export_button)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.stock = _table(self.STOCK_COLUMNS, self.tr)
        self.stock.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.stock.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stock.itemSelectionChanged.connect(self._item_chosen)
        self.moves_title = QLabel()
        self.moves_title.setStyleSheet("font-weight: bold;")
        self.moves = _table(self.MOVE_COLUMNS, self.tr)
        header = self.moves.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        left = QVBoxLayout()
        left.addWidget(self.stock)
        right = QVBoxLayout()
        right.addWidget(self.moves_title)
        right.addWidget(self.moves)
        tables = QHBoxLayout()
        tables.addLayout(left, 2)
        tables.addLayout(right, 3)

        self.hand_out = HandOutForm(db, operator, self)
        self.count = CountForm(db, operator, self)
        self.hand_out.done.connect(self._form_done)
        self.count.done.connect(self._form_done)
        forms = QHBoxLayout()
        forms.addWidget(self.hand_out)
        forms.addWidget(self.count)
        self.message = QLabel()
        self.message.setWordWrap(True)

        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.summary)
        box.addLayout(tables, 1)
        box.addWidget(self.message)
        box.addLayout(forms)
        self.refresh()

    @property
    def operator(self) -> Operator:
        return self._operator()

    def day(self) -> dt.date | None:
        if not self.at_date.isChecked():
            return None
        d = self.on.date()
        return dt.date(d.year(), d.month(), d.day())

    def refresh(self) -> None:
        keep = self.current_item()
        on = self.day()
        self.stock_lines = store.stock(self.db, on)
        self.stock.blockSignals(True)
        _fill(self.stock, [[s.item, s.unit, format_quantity(s.quantity_milli), format_quantity(s.allocated_milli),
                            format_quantity(s.free_milli)] for s in self.stock_lines], 2)
        self.stock.blockSignals(False)
        keys = [(s.item, s.unit) for s in self.stock_lines]
        when = self.tr("截至 %s，") % on.isoformat() if on else self.tr("现在")
        held = sum(1 for s in self.stock_lines if s.allocated_milli)
        text = self.tr("%s库里有 %d 种物资。") % (when, len(keys))
        if held:
            text += self.tr("其中 %d 种有一部分已分配给确认的发放、还没领走（“已分配”），只有“可用”的部分可以另外发放或报损。"
                            ) % held
        self.summary.setText(text if keys else self.tr(
            "库里还没有物资：捐赠的物资登记后自动入库，采购的物资用 goods in 入库。"))
        known = store.known(self.db)
        self.hand_out.load_items(known, keep)
        self.count.load_items(known, keep)
        if keys:
            self.stock.selectRow(keys.index(keep) if keep in keys else 0)
        self._item_chosen()

    def current_item(self) -> tuple[str, str] | None:
        rows = self.stock.selectionModel().selectedRows() if self.stock.selectionModel() else []
        if not rows or rows[0].row() >= len(self.stock_lines):
            return None
        s = self.stock_lines[rows[0].row()]
        return s.item, s.unit

    def _item_chosen(self) -> None:
        key = self.current_item()
        if key is None:
            self.moves_title.setText(self.tr("出入库明细"))
            _fill(self.moves, [], 3)
            return
        rows = store.movements(self.db, key[0], key[1], date_to=self.day())
        _fill(self.moves, [[r["date"], self.tr(r["kind_name"]), r["what"],
                            format_quantity(r["in_milli"]) if r["in_milli"] else "",
                            format_quantity(r["out_milli"]) if r["out_milli"] else "",
                            format_quantity(r["balance_milli"])] for r in rows], 3)
        self.moves_title.setText(self.tr("“%s”出入库明细（单位：%s），%d 笔") % (key[0], key[1], len(rows)))
        self.moves.scrollToBottom()
        for form in (self.hand_out, self.count):
            form.load_items(form.keys, key)

    def _form_done(self, text: str, error: bool) -> None:
        self.last_message = text
        self.message.setStyleSheet("color: #c0392b; font-weight: bold;" if error else "color: #1e7e34;")
        self.message.setText(text)
        if not error:
            self.refresh()

    def ask_save(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出物资台账"), str(Path.home() / suggested),
                                              self.tr("Excel 文件 (*.xlsx)"))
        return path or None

    def export_ledger(self) -> None:
        path = self.ask_save("物资台账.xlsx")
        if not path:
            return
        db, until = self.db, self.day()
        self.export_button.setEnabled(False)

        def work(own: Any, report: Any, cancelled: Any) -> Any:
            return goods_ledger.export_ledger(own, path, date_to=until, progress=report, cancelled=cancelled)[0]

        def done(written: Any) -> None:
            self.job = None
            self.export_button.setEnabled(True)
            self.last_file = str(written.path)
            self._form_done(self.tr("物资台账已导出：%d 行，%s") % (written.rows, written.path), False)

        def failed(exc: BaseException) -> None:
            self.job = None
            self.export_button.setEnabled(True)
            self._form_done(exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc,
                            True)

        self.job = run_db_job(db, work, read=False, on_done=done, on_error=failed)
