"""Void a donation, or only its receipt (re-issued under the next number): administrators, with a reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.donations import donations, receipts
from app.errors import CharityDeskError
from app.station.accounts import Operator


class DonationVoidDialog(QDialog):
    """`result_text` says what was done once accepted."""

    def __init__(self, db: Database, operator: Operator, donation_id: str, summary: str,
                 receipt_number: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.donation_id = donation_id
        self.receipt_number = receipt_number
        self.result_text = ""
        self.setWindowTitle(self.tr("作废"))
        layout = QVBoxLayout(self)
        head = QLabel(summary)
        head.setWordWrap(True)
        layout.addWidget(head)
        self.whole = QRadioButton(self.tr("作废这笔捐赠（收据一起作废，金额不再计入基金）(&W)"))
        self.receipt_only = QRadioButton(self.tr("只作废收据，换一张新编号的收据（捐赠内容没有错）(&R)"))
        self.whole.setChecked(True)
        self.receipt_only.setEnabled(receipt_number is not None)
        layout.addWidget(self.whole)
        layout.addWidget(self.receipt_only)
        reason_label = QLabel(self.tr("作废原因（必填）(&Y)："))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如 金额录错、捐赠人写错、收据打印损坏"))
        reason_label.setBuddy(self.reason)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("作废"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def accept(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.error.setText(self.tr("请填写作废原因。"))
            self.reason.setFocus()
            return
        try:
            if self.receipt_only.isChecked() and self.receipt_number:
                new = receipts.replace_receipt(self.db, self.operator, self.receipt_number, reason)
                self.result_text = self.tr("收据 %s 已作废，新收据 %s。") % (self.receipt_number, new.number)
            else:
                donations.void_donation(self.db, self.operator, self.donation_id, reason)
                self.result_text = self.tr("这笔捐赠已作废。")
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            return
        super().accept()
