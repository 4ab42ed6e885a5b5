"""The forms of the 基金 page: a new fund, spending (支出), a transfer (调拨), a direct payment
(定向拨付). Each checks nothing itself: the service refuses with a plain Chinese message, which
the form shows and keeps the entries so the person can correct them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.donations import receipts
from app.errors import CharityDeskError, InputError
from app.funds import funds, payments, spending, transfers
from app.recipients import recipients
from app.rules.idcard import normalise
from app.rules.money import format_fen, parse_yuan
from app.station.accounts import Operator
from ui.widgets.dates import py_date


class _MoneyForm(QDialog):
    """A form: rows of fields, an error line, OK / Cancel; `save()` does the work."""

    def __init__(self, db: Database, operator: Operator, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.operator = db, operator
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(self.form)
        box.addWidget(self.error)
        box.addWidget(buttons)
        self.result_text = ""

    def fund_box(self, selected: str | None = None) -> QComboBox:
        combo = QComboBox()
        for f in funds.list_funds(self.db):
            label = self.tr("%s（余额 ¥%s，其中定向 ¥%s）") % (f.name, format_fen(f.balance_fen),
                                                          format_fen(f.reserved_fen)) if f.reserved_fen else \
                self.tr("%s（余额 ¥%s）") % (f.name, format_fen(f.balance_fen))
            combo.addItem(label, f.id)
        if selected:
            combo.setCurrentIndex(max(0, combo.findData(selected)))
        return combo

    def date_box(self) -> QDateEdit:
        edit = QDateEdit(QDate.currentDate())
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMaximumDate(QDate.currentDate())
        return edit

    def amount(self, edit: QLineEdit) -> int:
        return parse_yuan(edit.text())

    def accept(self) -> None:
        try:
            self.result_text = self.save()
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            self.adjustSize()  # room for the message, the fields keep their height
            return
        super().accept()

    def save(self) -> str:
        raise NotImplementedError


class NewFundDialog(_MoneyForm):
    def __init__(self, db: Database, operator: Operator, parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("建立基金"), parent)
        self.name = QLineEdit()
        self.kind = QComboBox()
        for code, label in (("named", self.tr("冠名基金")), ("directed", self.tr("定向基金")),
                            ("general", self.tr("非定向基金"))):
            self.kind.addItem(label, code)
        self.opening = QLineEdit("0")
        self.donor_name = QLineEdit()
        self.donor_name.setPlaceholderText(self.tr("冠名人或冠名单位（冠名基金）"))
        self.agreement_from, self.agreement_to = QLineEdit(), QLineEdit()
        for e in (self.agreement_from, self.agreement_to):
            e.setPlaceholderText("YYYY-MM-DD")
        self.form.addRow(self.tr("基金名称"), self.name)
        self.form.addRow(self.tr("类型"), self.kind)
        self.form.addRow(self.tr("期初余额（元）"), self.opening)
        self.form.addRow(self.tr("冠名人"), self.donor_name)
        self.form.addRow(self.tr("协议开始"), self.agreement_from)
        self.form.addRow(self.tr("协议结束"), self.agreement_to)

    def _date(self, edit: QLineEdit, label: str) -> dt.date | None:
        text = edit.text().strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise InputError("bad_date", self.tr("%s不是日期（应为 2025-01-31 这样）：%s") % (label, text)) from None

    def save(self) -> str:
        f = funds.create_fund(self.db, self.operator, self.name.text(), self.kind.currentData(),
                              parse_yuan(self.opening.text() or "0", allow_zero=True),
                              donor_name=self.donor_name.text(),
                              agreement_from=self._date(self.agreement_from, self.tr("协议开始日期")),
                              agreement_to=self._date(self.agreement_to, self.tr("协议结束日期")))
        return self.tr("已建立基金“%s”") % f.name


class SpendDialog(_MoneyForm):
    def __init__(self, db: Database, operator: Operator, fund_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("登记支出"), parent)
        self.fund = self.fund_box(fund_id)
        self.amount_edit = QLineEdit()
        self.payee, self.purpose, self.voucher, self.approver, self.scan = (QLineEdit() for _ in range(5))
        self.purpose.setPlaceholderText(self.tr("如：购买大米、拨付助餐点、办公费用"))
        self.scan.setPlaceholderText(self.tr("可不填：凭证扫描件的文件路径"))
        self.on = self.date_box()
        self.form.addRow(self.tr("从基金"), self.fund)
        self.form.addRow(self.tr("金额（元）"), self.amount_edit)
        self.form.addRow(self.tr("收款单位或个人"), self.payee)
        self.form.addRow(self.tr("用途"), self.purpose)
        self.form.addRow(self.tr("凭证号"), self.voucher)
        self.form.addRow(self.tr("审批人"), self.approver)
        self.form.addRow(self.tr("凭证扫描件"), self.scan)
        self.form.addRow(self.tr("支出日期"), self.on)

    def save(self) -> str:
        s = spending.spend(self.db, self.operator, self.fund.currentData(), self.amount(self.amount_edit),
                           payee=self.payee.text(), purpose=self.purpose.text(), voucher=self.voucher.text(),
                           approver=self.approver.text(), scan_path=self.scan.text(), on=py_date(self.on.date()))
        return self.tr("已登记支出 ¥%s：%s（凭证 %s）") % (format_fen(s.amount_fen), s.purpose, s.voucher)


class TransferDialog(_MoneyForm):
    def __init__(self, db: Database, operator: Operator, fund_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("基金调拨"), parent)
        self.source = self.fund_box(fund_id)
        self.target = self.fund_box()
        self.amount_edit = QLineEdit()
        self.ref = QLineEdit()
        self.ref.setPlaceholderText(self.tr("如：村委会〔2025〕3号会议决定"))
        self.on = self.date_box()
        self.form.addRow(self.tr("调出基金"), self.source)
        self.form.addRow(self.tr("调入基金"), self.target)
        self.form.addRow(self.tr("金额（元）"), self.amount_edit)
        self.form.addRow(self.tr("会议决定"), self.ref)
        self.form.addRow(self.tr("调拨日期"), self.on)

    def save(self) -> str:
        t = transfers.transfer(self.db, self.operator, self.source.currentData(), self.target.currentData(),
                               self.amount(self.amount_edit), decision_ref=self.ref.text(), on=py_date(self.on.date()))
        return self.tr("已调拨 ¥%s（%s）") % (format_fen(t.amount_fen), t.decision_ref)


class PayDialog(_MoneyForm):
    def __init__(self, db: Database, operator: Operator, fund_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("定向拨付给个人"), parent)
        self.person = QLineEdit()
        self.person.setPlaceholderText(self.tr("受助对象的身份证号"))
        self.person_name = QLabel()
        self.person.textChanged.connect(self._show_person)
        self.gift = QLineEdit()
        self.gift.setPlaceholderText(self.tr("可不填：从哪张收据的捐赠中拨付"))
        self.fund = self.fund_box(fund_id)
        self.amount_edit = QLineEdit()
        self.note = QLineEdit()
        self.on = self.date_box()
        self.form.addRow(self.tr("身份证号"), self.person)
        self.person.setFocus()
        self.form.addRow("", self.person_name)
        self.form.addRow(self.tr("收据号"), self.gift)
        self.form.addRow(self.tr("从基金"), self.fund)
        self.form.addRow(self.tr("金额（元）"), self.amount_edit)
        self.form.addRow(self.tr("备注"), self.note)
        self.form.addRow(self.tr("拨付日期"), self.on)

    def _recipient(self) -> Any:
        return recipients.find_by_id_number(self.db, normalise(self.person.text()))

    def _show_person(self) -> None:
        r = self._recipient() if len(self.person.text().strip()) >= 15 else None
        self.person_name.setText(self.tr("%s，%s") % (r.name, r.village) if r else "")

    def save(self) -> str:
        person = self._recipient()
        if person is None:
            raise InputError("no_recipient", self.tr("名册中没有身份证号 %s：请先登记此人") % self.person.text().strip())
        number = self.gift.text().strip()
        gift = receipts.find_receipt(self.db, number).donation_id if number else None
        p = payments.pay(self.db, self.operator, person.id, self.amount(self.amount_edit),
                         fund_id=None if gift else self.fund.currentData(), donation_id=gift,
                         on=py_date(self.on.date()), note=self.note.text())
        return self.tr("已拨付 ¥%s 给 %s") % (format_fen(p.amount_fen), person.name)
