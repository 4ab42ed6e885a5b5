"""The donation list: filters, totals of what is shown, a donation's detail with its receipts,
void (administrators) and reprint (补打), batch printing, and the funds' balances.

Changing a filter re-runs the query in SQLite (`app.donations.query`) through
the lazy `DonationModel`; typing in the donor box waits 150 ms for a pause.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import changes as ops
from app.db import Database
from app.donations import query as donation_query
from app.donations import receipts
from app.donations.query import Filters, Totals
from app.funds import funds
from app.rules.money import format_fen
from app.station.accounts import Operator
from ui.changes import announce
from ui.dialogs.donation_void import DonationVoidDialog
from ui.dialogs.receipt_batch import ReceiptBatchDialog
from ui.models.donation_model import DonationModel
from ui.pages.donation_list_parts import DonationDetail, DonationFilters
from ui.printing import ReceiptPrinting


class DonationList(QWidget):
    def __init__(self, db: Database, operator: Callable[[], Operator], printing: ReceiptPrinting,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.printing = printing
        self.stale = True
        self.current: dict[str, Any] | None = None
        layout = QVBoxLayout(self)

        self.filter_bar = DonationFilters(db)
        fb = self.filter_bar
        self.use_dates, self.date_from, self.date_to = fb.use_dates, fb.date_from, fb.date_to
        self.donor_text, self.fund, self.method, self.status = fb.donor_text, fb.fund, fb.method, fb.status
        layout.addWidget(fb)

        self._build_table_and_detail(layout)
        self._build_footer(layout)
        self.timer = fb.timer
        fb.changed.connect(self.apply_filters)
        self._connect()
        self._load_funds()

    def _build_table_and_detail(self, layout: QVBoxLayout) -> None:
        self.model = DonationModel(self.db, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self._size_columns()

        detail_box = DonationDetail()
        self.detail = detail_box.detail
        self.reprint_button, self.preview_button = detail_box.reprint_button, detail_box.preview_button
        self.pdf_button, self.void_button = detail_box.pdf_button, detail_box.void_button
        self.detail_box = detail_box

        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(detail_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([700, 300])
        layout.addWidget(split, 1)

    def _build_footer(self, layout: QVBoxLayout) -> None:
        """Totals of what is shown, import and batch printing, the funds' balances, messages."""
        foot = QHBoxLayout()
        self.totals_label = QLabel()
        self.batch_button = QPushButton(self.tr("批量打印收据…(&B)"))
        self.import_button = QPushButton(self.tr("导入捐款名单…(&I)"))
        self.import_button.setToolTip(self.tr("慈心一日捐等捐款名单（.xlsx、.xls、.csv），每笔开具收据"))
        self.import_button.clicked.connect(lambda: self.open_import())
        foot.addWidget(self.totals_label, 1)
        foot.addWidget(self.import_button)
        foot.addWidget(self.batch_button)
        layout.addLayout(foot)
        self.balances = QLabel()
        self.balances.setWordWrap(True)
        self.balances.setStyleSheet("color: #444;")
        layout.addWidget(self.balances)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        self.model.totalled.connect(self._show_totals)
        self.model.modelReset.connect(self._selection_gone)
        self.view.selectionModel().selectionChanged.connect(self._selected)
        self.reprint_button.clicked.connect(self.reprint)
        self.preview_button.clicked.connect(self.preview)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.void_button.clicked.connect(self.void)
        self.batch_button.clicked.connect(self.batch)
        self.printing.message.connect(self.message.setText)
        self.printing.printed.connect(lambda _n: self._reload_current())

    def _size_columns(self) -> None:
        """Widths from sample text in the current font, so large text stays readable."""
        fm = self.view.fontMetrics()
        samples = ("2026-11-22", "ST01-2026-000001", "张三丰爱心", "物资：大米、面", "12,345.00",
                   "慈善基金（非定", "慈心一日捐", "作废", "张站长")
        for col, sample in enumerate(samples):
            self.view.setColumnWidth(col, fm.horizontalAdvance(sample) + 24)
        self.view.verticalHeader().setDefaultSectionSize(fm.height() + 10)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._size_columns()

    # ---------- filters ----------
    def _load_funds(self) -> None:
        self.filter_bar.load_funds()

    def filters(self) -> Filters:
        return self.filter_bar.filters()

    def apply_filters(self) -> None:
        self.timer.stop()
        self.model.set_filters(self.filters())
        self.stale = False

    def open_import(self, path: str | None = None) -> None:
        """The shared import wizard on the donation list service (import-donations)."""
        from app.imports import donations as donation_import
        from ui.dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(self.db, self.operator, service=donation_import,
                              title=self.tr("导入捐款名单"), shown=("donor_name", "amount", "date"),
                              parent=self)
        wizard.imported.connect(lambda *_: self.mark_stale())  # the wizard announces it to other pages
        self.import_wizard = wizard
        if path:
            wizard.set_file(path)
        wizard.show()

    def mark_stale(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh_if_stale()

    def refresh_if_stale(self) -> None:
        if self.stale:
            self._load_funds()
            keep = self.current["id"] if self.current else None
            self.apply_filters()
            if keep:
                self.select(keep)
        self._show_balances()

    # ---------- shown figures ----------
    def _show_totals(self) -> None:
        t: Totals = self.model.totals
        text = self.tr("共 %d 笔，金额合计 ¥%s（现金 ¥%s，物资估值 ¥%s）") % (
            t.count, format_fen(t.total_fen), format_fen(t.cash_fen), format_fen(t.goods_fen))
        if t.voided:
            text += self.tr("；其中作废 %d 笔，不计入合计") % t.voided
        self.totals_label.setText(text)

    def _show_balances(self) -> None:
        parts = [f"{html.escape(f.name)} <b>¥{format_fen(f.balance_fen)}</b>"
                 + (self.tr("（另有物资折价 ¥%s）") % format_fen(f.goods_fen) if f.goods_fen else "")
                 for f in funds.list_funds(self.db)]
        self.balances.setText(self.tr("基金余额：") + "；".join(parts))

    # ---------- the selected donation ----------
    def select(self, donation_id: str) -> bool:
        r = self.model.row_of(donation_id)
        if r < 0:
            return False
        self.view.selectRow(r)
        self.view.scrollTo(self.model.index(r, 0))
        return True

    def _selection_gone(self) -> None:
        self.current = None
        self._show_detail()

    def _selected(self, selected: QItemSelection, _old: QItemSelection) -> None:
        rows = self.view.selectionModel().selectedRows()
        did = self.model.donation_id(rows[0].row()) if rows else None
        self.current = donation_query.detail(self.db, did) if did else None
        self._show_detail()

    def _reload_current(self) -> None:
        self.model.rows_changed([])
        if self.current:
            self.current = donation_query.detail(self.db, self.current["id"])
        self._show_detail()

    def live_receipt(self) -> receipts.Receipt | None:
        if not self.current:
            return None
        return next((r for r in self.current["receipts"] if not r.is_void), None)

    def _show_detail(self) -> None:
        self.detail_box.show_donation(self.current, admin=self.operator().is_admin,
                                      has_live=self.live_receipt() is not None)

    # ---------- actions ----------
    def reprint(self) -> None:
        live = self.live_receipt()
        if live is not None:
            self.printing.print_receipt(live.number)

    def preview(self) -> None:
        if self.current and self.current["receipts"]:
            self.printing.preview(self.current["receipts"][-1].number)

    def save_pdf(self) -> None:
        if self.current and self.current["receipts"]:
            self.printing.save_pdf(self.current["receipts"][-1].number)

    def void(self) -> None:
        d = self.current
        if d is None:
            return
        live = self.live_receipt()
        amount = format_fen(d["amount_fen"])
        summary = self.tr("%s　%s　¥%s　收据 %s") % (d["donor_name"], d["donated_on"], amount,
                                                 live.number if live else self.tr("无"))
        dlg = DonationVoidDialog(self.db, self.operator(), d["id"], summary,
                                 live.number if live else None, self)
        self.void_dialog: DonationVoidDialog | None = dlg

        def finished(result: int) -> None:
            self.void_dialog = None
            if result:
                announce(ops.DONATION_VOIDED, by=self)
                self.message.setText(dlg.result_text)
                keep = d["id"]
                self.apply_filters()
                if not self.select(keep):
                    self.current = None
                    self._show_detail()
                self._show_balances()

        dlg.finished.connect(finished)
        dlg.open()

    def batch(self) -> None:
        f = self.filters()
        today = dt.date.today()
        dlg = ReceiptBatchDialog(f.date_from or today.replace(day=1), f.date_to or today, self)
        if not dlg.exec():
            return
        a, b = dlg.range()
        if dlg.action == "pdf":
            from PySide6.QtWidgets import QFileDialog

            path, _ = QFileDialog.getSaveFileName(self, self.tr("收据存为 PDF"),
                                                  f"捐赠收据 {a}—{b}.pdf", self.tr("PDF 文件 (*.pdf)"))
            if not path:
                return
            self.printing.print_batch(a, b, save_to=path)
        else:
            self.printing.print_batch(a, b)

