"""基金: every fund with its money (reserved and free apart) and goods value, each fund's
ledger with a running balance, and the forms that move money: spending, transfers, direct
payments; a new fund, closing an empty one, the ledger to Excel (on a worker)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.funds import funds, journal
from app.funds.funds import KIND_NAMES
from app.reports import fund_ledger
from app.rules.money import format_fen
from app.station.accounts import Operator
from ui.dialogs.fund_dialogs import NewFundDialog, PayDialog, SpendDialog, TransferDialog
from ui.worker import run_db_job

_Index = QModelIndex | QPersistentModelIndex


class LedgerModel(QAbstractTableModel):
    """One fund's ledger; what each row came from is looked up only for the rows shown."""

    HEADERS = ("日期", "类别", "摘要", "定向用途", "收入", "支出", "余额", "物资折价")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.lines: list[dict[str, Any]] = []
        self._what: dict[int, str] = {}

    def load(self, fund_id: str | None) -> None:
        self.beginResetModel()
        self.lines = journal.ledger(self.db, fund_id, described=False) if fund_id else []
        self._what = {}
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt name)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ln, col = self.lines[index.row()], index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        amount = ln["amount_fen"]
        if col == 0:
            return ln["date"]
        if col == 1:
            return self.tr(ln["kind_name"])
        if col == 2:
            row = index.row()
            if row not in self._what:
                self._what[row] = journal.describe(self.db, ln["source"], ln["source_id"])
            return self._what[row]
        if col == 3:
            return ln["reserve_name"]
        if col == 4:
            return format_fen(amount) if amount > 0 else ""
        if col == 5:
            return format_fen(-amount) if amount < 0 else ""
        if col == 6:
            return format_fen(ln["balance_fen"])
        return format_fen(ln["goods_fen"]) if ln["goods_fen"] else ""


class FundsPage(QWidget):
    COLUMNS = ("基金", "类型", "期初余额", "收入", "支出", "余额", "其中定向", "可用", "物资折价", "状态")

    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._operator = operator
        self.job: Any = None
        self.last_message = ""
        self.last_file = ""
        self.message_box: QMessageBox | None = None

        title = QLabel(self.tr("基金"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(200)
        self.table.itemSelectionChanged.connect(self._fund_chosen)

        self.new_button = QPushButton(self.tr("建立基金"))
        self.spend_button = QPushButton(self.tr("登记支出"))
        self.transfer_button = QPushButton(self.tr("基金调拨"))
        self.pay_button = QPushButton(self.tr("定向拨付"))
        self.export_button = QPushButton(self.tr("导出明细账"))
        self.close_button = QPushButton(self.tr("关闭基金"))
        self.new_button.clicked.connect(lambda: self._form(NewFundDialog(self.db, self.operator, self)))
        self.spend_button.clicked.connect(
            lambda: self._form(SpendDialog(self.db, self.operator, self.current_fund_id(), self)))
        self.transfer_button.clicked.connect(
            lambda: self._form(TransferDialog(self.db, self.operator, self.current_fund_id(), self)))
        self.pay_button.clicked.connect(
            lambda: self._form(PayDialog(self.db, self.operator, self.current_fund_id(), self)))
        self.export_button.clicked.connect(self.export_ledger)
        self.close_button.clicked.connect(self.close_fund)
        buttons = QHBoxLayout()
        for b in (self.new_button, self.spend_button, self.transfer_button, self.pay_button, self.export_button,
                  self.close_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.ledger_title = QLabel()
        self.ledger_title.setStyleSheet("font-weight: bold;")
        self.ledger = LedgerModel(db, self)
        self.ledger_view = QTableView()
        self.ledger_view.setModel(self.ledger)
        self.ledger_view.verticalHeader().setVisible(False)
        self.ledger_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.ledger_view.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((92, 76, 250, 110, 90, 90, 100)):
            self.ledger_view.setColumnWidth(col, width)

        box = QVBoxLayout(self)
        box.addWidget(title)
        box.addWidget(self.summary)
        box.addWidget(self.table)
        box.addLayout(buttons)
        box.addWidget(self.ledger_title)
        box.addWidget(self.ledger_view, 1)
        self.refresh()

    @property
    def operator(self) -> Operator:
        return self._operator()

    def refresh(self) -> None:
        keep = self.current_fund_id()
        self.funds = funds.list_funds(self.db, include_closed=True)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.funds))
        for r, f in enumerate(self.funds):
            values = [f.name + (self.tr("（冠名：%s）") % f.donor_name if f.donor_name else ""),
                      self.tr(KIND_NAMES.get(f.kind, f.kind)), format_fen(f.opening_fen), format_fen(f.received_fen),
                      format_fen(f.paid_fen), format_fen(f.balance_fen), format_fen(f.reserved_fen),
                      format_fen(f.free_fen), format_fen(f.goods_fen),
                      self.tr("使用中") if f.status == "active" else self.tr("已关闭")]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if 2 <= c <= 8:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        money = sum(f.balance_fen for f in self.funds)
        held = sum(f.reserved_fen for f in self.funds)
        goods = sum(f.goods_fen for f in self.funds)
        self.summary.setText(self.tr("全站钱款 ¥%s，其中定向留存 ¥%s（只能用于捐赠人指定的人、项目、村或定向基金），"
                                     "可自由使用 ¥%s；另有物资折价 ¥%s（是物资，不是钱款）。") % (
            format_fen(money), format_fen(held), format_fen(money - held), format_fen(goods)))
        ids = [f.id for f in self.funds]
        self.table.selectRow(ids.index(keep) if keep in ids else 0)
        self._fund_chosen()

    def current_fund_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or not getattr(self, "funds", None) or rows[0].row() >= len(self.funds):
            return None
        return self.funds[rows[0].row()].id

    def _fund_chosen(self) -> None:
        fid = self.current_fund_id()
        self.ledger.load(fid)
        if fid:
            f = funds.get_fund(self.db, fid)
            self.ledger_title.setText(self.tr("“%s”明细账：%d 笔，余额 ¥%s") % (
                f.name, len(self.ledger.lines), format_fen(f.balance_fen)))
            self.ledger_view.scrollToBottom()
        self.close_button.setEnabled(bool(fid))

    def _form(self, dialog: Any) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda result: self._form_done(dialog, result))
        dialog.open()

    def _form_done(self, dialog: Any, result: int) -> None:
        if result and dialog.result_text:
            self.refresh()
            self.notify(dialog.result_text)

    def notify(self, text: str, *, error: bool = False, file: str = "") -> None:
        self.last_message = text
        box = QMessageBox(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information, self.tr("基金"),
                          text + (f"\n{file}" if file else ""), parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message_box = box
        box.open()

    def close_fund(self) -> None:
        fid = self.current_fund_id()
        if not fid:
            return
        f = funds.get_fund(self.db, fid)
        answer = QMessageBox.question(self, self.tr("关闭基金"), self.tr("关闭基金“%s”？关闭后不能再收支。") % f.name)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            funds.close_fund(self.db, self.operator, fid)
        except CharityDeskError as exc:
            self.notify(exc.message, error=True)
            return
        self.refresh()
        self.notify(self.tr("已关闭基金“%s”") % f.name)

    def ask_save(self, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出明细账"), str(Path.home() / suggested),
                                              self.tr("Excel 文件 (*.xlsx)"))
        return path or None

    def export_ledger(self) -> None:
        fid = self.current_fund_id()
        if not fid:
            return
        name = funds.get_fund(self.db, fid).name
        path = self.ask_save(f"{name}明细账.xlsx")
        if not path:
            return
        db = self.db
        self.export_button.setEnabled(False)

        def work(own: Any, report: Any, cancelled: Any) -> Any:
            return fund_ledger.export_ledger(own, fid, path, progress=report, cancelled=cancelled)[0]

        def done(written: Any) -> None:
            self.job = None
            self.export_button.setEnabled(True)
            self.last_file = str(written.path)
            self.notify(self.tr("明细账已导出：%d 笔") % written.rows, file=str(written.path))

        def failed(exc: BaseException) -> None:
            self.job = None
            self.export_button.setEnabled(True)
            self.notify(exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc,
                        error=True)

        self.job = run_db_job(db, work, read=False, on_done=done, on_error=failed)
