"""Parts of the donation list: the filter bar over the table, and the selected donation's detail
with its receipt buttons."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.donations.query import Filters
from app.funds import funds
from app.rules.money import format_fen
from ui.widgets.dates import py_date


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DonationFilters(QWidget):
    """Donor text, dates, fund, method and status; `changed` when the list should be re-queried
    (typing in the donor box waits 150 ms for a pause)."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._build()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(150)
        self.timer.timeout.connect(self.changed)
        self.donor_text.textChanged.connect(lambda _t: self.timer.start())
        self.use_dates.toggled.connect(self._dates_toggled)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self.changed.emit())
        for c in (self.fund, self.method, self.status):
            c.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def _build(self) -> None:
        self.use_dates = QCheckBox(self.tr("日期(&R)"))
        today = dt.date.today()
        self.date_from = QDateEdit(_qdate(today.replace(day=1)))
        self.date_to = QDateEdit(_qdate(today))
        for w in (self.date_from, self.date_to):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setEnabled(False)
        self.donor_text = QLineEdit()
        self.donor_text.setClearButtonEnabled(True)
        self.donor_text.setPlaceholderText(self.tr("捐赠人：姓名、电话、拼音首字母"))
        self.fund = QComboBox()
        self.method = QComboBox()
        self.method.addItem(self.tr("全部方式"), None)
        for code, label in (("cash", self.tr("现金")), ("bank", self.tr("银行转账")),
                            ("wechat", self.tr("微信")), ("alipay", self.tr("支付宝")),
                            ("goods", self.tr("物资"))):
            self.method.addItem(label, code)
        self.status = QComboBox()
        self.status.addItem(self.tr("有效"), False)
        self.status.addItem(self.tr("作废"), True)
        self.status.addItem(self.tr("全部状态"), None)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.donor_text, 1)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)
        bar2 = QHBoxLayout()
        bar2.addWidget(self.fund)
        bar2.addWidget(self.method)
        bar2.addWidget(self.status)
        bar2.addStretch(1)
        col.addLayout(bar)
        col.addLayout(bar2)

    def load_funds(self) -> None:
        """Funds (closed ones too) may have changed; keep the one chosen."""
        keep = self.fund.currentData()
        self.fund.blockSignals(True)
        self.fund.clear()
        self.fund.addItem(self.tr("全部基金"), None)
        for f in funds.list_funds(self.db, include_closed=True):
            self.fund.addItem(f.name, f.id)
        i = self.fund.findData(keep) if keep else 0
        self.fund.setCurrentIndex(max(i, 0))
        self.fund.blockSignals(False)

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.changed.emit()

    def filters(self) -> Filters:
        dates = self.use_dates.isChecked()
        return Filters(
            date_from=py_date(self.date_from.date()) if dates else None,
            date_to=py_date(self.date_to.date()) if dates else None,
            donor_text=self.donor_text.text(), fund_id=self.fund.currentData(),
            method=self.method.currentData(), voided=self.status.currentData())


class DonationDetail(QGroupBox):
    """One donation in words with its receipts, and the buttons that act on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("捐赠详情"))
        dl = QVBoxLayout(self)
        self.detail = QLabel(self.tr("在左边选一笔捐赠。"))
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dl.addWidget(self.detail, 1)
        self.reprint_button = QPushButton(self.tr("补打收据(&P)"))
        self.preview_button = QPushButton(self.tr("预览(&V)"))
        self.pdf_button = QPushButton(self.tr("存为 PDF"))
        self.void_button = QPushButton(self.tr("作废…(&Z)"))
        for b in (self.reprint_button, self.preview_button, self.pdf_button, self.void_button):
            b.setEnabled(False)
        row1 = QHBoxLayout()
        row1.addWidget(self.reprint_button)
        row1.addWidget(self.preview_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.pdf_button)
        row2.addWidget(self.void_button)
        dl.addLayout(row1)
        dl.addLayout(row2)

    def show_donation(self, d: dict[str, Any] | None, *, admin: bool, has_live: bool) -> None:
        """Show `d` (a `donation_query.detail`), or the hint when nothing is selected."""
        any_receipt = d["receipts"][-1] if d and d["receipts"] else None
        self.reprint_button.setEnabled(has_live)
        self.preview_button.setEnabled(any_receipt is not None)
        self.pdf_button.setEnabled(any_receipt is not None)
        self.void_button.setEnabled(bool(d) and admin and d is not None and d["status"] == "active")
        self.void_button.setToolTip("" if admin else self.tr("只有管理员可以作废"))
        if d is None:
            self.detail.setText(self.tr("在左边选一笔捐赠。"))
            return
        self.detail.setText("<br>".join([*self._what(d), *self._receipts(d)]))

    def _what(self, d: dict[str, Any]) -> list[str]:
        e = html.escape
        lines = [f"<b>{e(d['donor_name'])}</b>　{e(d['donated_on'])}"]
        if d["kind"] == "cash":
            method = {"cash": self.tr("现金"), "bank": self.tr("银行转账"), "wechat": self.tr("微信"),
                      "alipay": self.tr("支付宝")}.get(d["method"], d["method"])
            lines.append(self.tr("捐款 ¥%s（%s）") % (format_fen(d["amount_fen"]), e(method)))
        else:
            lines.append(self.tr("物资，估值合计 ¥%s") % format_fen(d["amount_fen"]))
            for g in d["goods"]:
                value = (self.tr("¥%s") % format_fen(g["value_fen"]) if g["value_fen"] is not None
                         else self.tr("未估值"))
                lines.append(f"　· {e(g['item'])} {e(str(g['quantity']))}{e(g['unit'])}　{value}")
        lines.append(self.tr("基金：%s") % e(d["fund_name"]))
        if d["programme_name"]:
            lines.append(self.tr("救助项目：%s") % e(d["programme_name"]))
        if d["recipient_name"]:
            lines.append(self.tr("定向受助人：%s") % e(d["recipient_name"]))
        if d["purpose"]:
            lines.append(self.tr("用途：%s") % e(d["purpose"]))
        if d["note"]:
            lines.append(self.tr("备注：%s") % e(d["note"]))
        lines.append(self.tr("经办人：%s") % e(d["operator"] or ""))
        if d["status"] != "active":
            lines.append("<span style='color:#c0392b'>" + self.tr("已作废：%s（%s，%s）") % (
                e(d["void_reason"]), e(d["voided_by_name"] or ""), e((d["voided_at"] or "")[:16])) + "</span>")
        return lines

    def _receipts(self, d: dict[str, Any]) -> list[str]:
        e = html.escape
        lines = ["<br><b>" + self.tr("收据记录") + "</b>"]
        for r in d["receipts"]:
            state = self.tr("作废：%s") % e(r.void_reason) if r.is_void else self.tr("有效")
            printed = (self.tr("打印 %d 次") % r.print_count) if r.print_count else self.tr("未打印")
            lines.append(f"{e(r.number)}　{state}　{printed}　{e(r.issued_at[:10])}")
        if not d["receipts"]:
            lines.append(self.tr("（没有收据）"))
        return lines
