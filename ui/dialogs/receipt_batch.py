"""Batch printing: every receipt of a date range, to the printer or to one PDF file."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.dates import py_date


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class ReceiptBatchDialog(QDialog):
    """Chooses the range; `action` is "print" or "pdf" once accepted."""

    def __init__(self, date_from: dt.date, date_to: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("批量打印收据"))
        self.action = ""
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("打印这段时间内每笔捐赠的收据（作废的标明“作废”，"
                                        "打印过的标明“补打”）。")))
        form = QFormLayout()
        self.date_from = QDateEdit(_qdate(date_from))
        self.date_to = QDateEdit(_qdate(date_to))
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("从(&F)："), self.date_from)
        form.addRow(self.tr("到(&T)："), self.date_to)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton(self.tr("打印(&P)"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.pdf_button = buttons.addButton(self.tr("存为 PDF(&S)"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.print_button.clicked.connect(lambda: self._go("print"))
        self.pdf_button.clicked.connect(lambda: self._go("pdf"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def range(self) -> tuple[dt.date, dt.date]:
        return py_date(self.date_from.date()), py_date(self.date_to.date())

    def _go(self, action: str) -> None:
        a, b = self.range()
        if a > b:
            self.error.setText(self.tr("开始日期晚于结束日期。"))
            return
        self.action = action
        self.accept()
