"""登记捐赠, the first tab of the donation desk: keyboard-fast entry with its receipt.

Entry: type the donor's name, phone or pinyin initials (`zs`), Enter picks the
first match (Down/Up choose another) and the cursor jumps to the amount.
Ctrl+Enter saves and prints the receipt, Ctrl+S only saves; the form then
clears and the cursor is back in the donor field. Amounts are checked as they
are typed (`app.rules.money.parse_yuan`): a mistake shows in red under the field
and the save buttons are off until it is fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import changes as ops
from app.db import Database
from app.donations import donations, receipts
from app.donations.donations import DonationInput, GoodsLine
from app.errors import CharityDeskError
from app.rules.money import MoneyError, format_fen, parse_yuan
from app.station.accounts import Operator
from ui.changes import announce
from ui.pages.donation_choices import DonorChoice, FundAndProgramme, recipient_choices
from ui.printing import ReceiptPrinting
from ui.widgets.dates import py_date
from ui.widgets.goods_lines import ERROR_STYLE, GoodsLinesBox
from ui.widgets.last_receipt import LastReceiptBar
from ui.widgets.search_picker import SearchPicker


class DonationEntry(QWidget):
    """The entry form. `saved(donation_id)` after each save."""

    saved = Signal(str)

    def __init__(self, db: Database, operator: Callable[[], Operator], printing: ReceiptPrinting,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.printing = printing
        self.last_number: str | None = None
        outer = QVBoxLayout(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._build_donor(form)
        self._build_kind_and_amount(form)
        self._build_goods(form)
        self._build_designation(form)
        outer.addLayout(form)
        self._build_buttons(outer)
        self._connect()
        self._set_tab_order()
        self.amount.installEventFilter(self)
        self.reload_lists()
        self.clear()

    # ---------- building ----------
    def _build_donor(self, form: QFormLayout) -> None:
        self.donor_choice = DonorChoice(self.db, self.operator, self)
        self.donor = self.donor_choice.picker
        self.new_donor_button = self.donor_choice.new_button
        self.anonymous_button = self.donor_choice.anonymous_button
        self.donor_info = self.donor_choice.info
        donor_label = QLabel(self.tr("捐赠人(&D)："))
        donor_label.setBuddy(self.donor)
        form.addRow(donor_label, self.donor_choice.row)
        form.addRow("", self.donor_info)

    def _build_kind_and_amount(self, form: QFormLayout) -> None:
        """Cash or goods, and for cash the amount and how it was paid."""
        self.cash_radio = QRadioButton(self.tr("捐款(&M)"))
        self.goods_radio = QRadioButton(self.tr("物资(&W)"))
        self.cash_radio.setChecked(True)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.cash_radio)
        self.kind_group.addButton(self.goods_radio)
        kinds = QHBoxLayout()
        kinds.addWidget(self.cash_radio)
        kinds.addWidget(self.goods_radio)
        kinds.addStretch(1)
        form.addRow(self.tr("类别："), kinds)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("如 300 或 1,200.50"))
        self.amount.setMaximumWidth(260)
        self.method = QComboBox()
        for code in donations.METHODS:
            self.method.addItem(self._method_name(code), code)
        self.cash_box = QWidget()
        cash_row = QHBoxLayout(self.cash_box)
        cash_row.setContentsMargins(0, 0, 0, 0)
        cash_row.addWidget(self.amount)
        method_label = QLabel(self.tr("付款方式(&F)："))
        method_label.setBuddy(self.method)
        cash_row.addWidget(method_label)
        cash_row.addWidget(self.method)
        cash_row.addStretch(1)
        self.amount_label = QLabel(self.tr("金额（元）(&Y)："))
        self.amount_label.setBuddy(self.amount)
        form.addRow(self.amount_label, self.cash_box)
        self.amount_error = QLabel()
        self.amount_error.setStyleSheet(ERROR_STYLE)
        form.addRow("", self.amount_error)

    def _build_goods(self, form: QFormLayout) -> None:
        self.goods_box = GoodsLinesBox()
        self.goods = self.goods_box.table
        self.add_line_button = self.goods_box.add_line_button
        self.goods_total = self.goods_box.total
        self.goods_error = self.goods_box.error
        self.goods_label = QLabel(self.tr("物资明细："))
        form.addRow(self.goods_label, self.goods_box)

    def _build_designation(self, form: QFormLayout) -> None:
        """Fund, programme, the person it is for, date, purpose and note."""
        self.fund = QComboBox()
        self.programme = QComboBox()
        for combo in (self.fund, self.programme):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(8)
        self.choices = FundAndProgramme(self.db, self.fund, self.programme)
        self.recipient = SearchPicker(lambda text: recipient_choices(self.db, text))
        self.recipient.setPlaceholderText(self.tr("可不填；定向给某人时输入姓名或拼音首字母"))
        fund_label = QLabel(self.tr("基金(&U)："))
        fund_label.setBuddy(self.fund)
        form.addRow(fund_label, self.fund)
        form.addRow(self.tr("救助项目："), self.programme)
        form.addRow(self.tr("定向受助人："), self.recipient)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow(self.tr("捐赠日期(&T)："), self.date)
        self.purpose = QLineEdit()
        self.purpose.setPlaceholderText(self.tr("如 慈心一日捐、助学、冬季送温暖"))
        form.addRow(self.tr("用途(&O)："), self.purpose)
        self.note = QLineEdit()
        form.addRow(self.tr("备注："), self.note)

    def _build_buttons(self, outer: QVBoxLayout) -> None:
        """Save buttons, the status line and the last receipt's buttons."""
        self.form_error = QLabel()
        self.form_error.setStyleSheet(ERROR_STYLE)
        self.form_error.setWordWrap(True)
        outer.addWidget(self.form_error)
        buttons = QHBoxLayout()
        self.save_print_button = QPushButton(self.tr("保存并打印收据 (Ctrl+Enter)"))
        self.save_print_button.setDefault(False)
        self.save_button = QPushButton(self.tr("只保存 (Ctrl+S)"))
        self.clear_button = QPushButton(self.tr("清空"))
        buttons.addWidget(self.save_print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        self.last_receipt = LastReceiptBar(self.printing)
        self.status = self.last_receipt.status
        self.preview_button = self.last_receipt.preview_button
        self.reprint_button = self.last_receipt.reprint_button
        self.pdf_button = self.last_receipt.pdf_button
        outer.addWidget(self.last_receipt)
        outer.addStretch(1)

    def _connect(self) -> None:
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda: self.save(print_after=True))
        sc = QShortcut(QKeySequence("Ctrl+S"), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(lambda: self.save(print_after=False))

        self.donor_choice.chosen.connect(self._donor_picked)
        self.donor_choice.failed.connect(self.form_error.setText)
        self.cash_radio.toggled.connect(self._kind_changed)
        self.amount.textEdited.connect(lambda _t: self.validate())
        self.goods.itemChanged.connect(lambda _i: self.validate())
        self.save_print_button.clicked.connect(lambda: self.save(print_after=True))
        self.save_button.clicked.connect(lambda: self.save(print_after=False))
        self.clear_button.clicked.connect(self.clear)

    def _set_tab_order(self) -> None:
        chain = (self.donor, self.cash_radio, self.amount, self.method, self.goods, self.add_line_button,
                 self.fund, self.programme, self.recipient, self.date, self.purpose, self.note,
                 self.save_print_button, self.save_button, self.clear_button, self.new_donor_button,
                 self.anonymous_button)
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ---------- lists ----------
    def _method_name(self, code: str) -> str:
        return {"cash": self.tr("现金"), "bank": self.tr("银行转账"), "wechat": self.tr("微信"),
                "alipay": self.tr("支付宝")}[code]

    def reload_lists(self) -> None:
        """Funds and programmes may have changed on other pages."""
        self.choices.reload()

    # ---------- reacting ----------
    def _donor_picked(self) -> None:
        self.form_error.clear()
        if self.cash_radio.isChecked():
            self.amount.setFocus()
            self.amount.selectAll()
        else:
            self.goods_box.focus_first()

    def _kind_changed(self) -> None:
        cash = self.cash_radio.isChecked()
        for w in (self.cash_box, self.amount_label, self.amount_error):
            w.setVisible(cash)
        for w in (self.goods_box, self.goods_label):
            w.setVisible(not cash)
        if not cash and self.goods_radio.hasFocus():
            self.goods_box.focus_first()  # straight into the first cell
        self.validate()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        # Enter in the amount field moves on to the payment method, as Tab does.
        if obj is self.amount and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                self.method.setFocus()
                return True
        return super().eventFilter(obj, event)

    # ---------- checking ----------
    def goods_lines(self) -> tuple[list[GoodsLine], list[str]]:
        """The filled goods rows, and the problems found in them (row by row)."""
        return self.goods_box.lines()

    def validate(self) -> bool:
        """Live checks; the save buttons are on only when nothing typed is wrong."""
        ok = True
        if self.cash_radio.isChecked():
            text = self.amount.text().strip()
            if text:
                try:
                    parse_yuan(text)
                    self.amount_error.clear()
                except MoneyError as exc:
                    self.amount_error.setText(exc.message)
                    ok = False
            else:
                self.amount_error.clear()
        else:
            ok = self.goods_box.check()
        self.save_button.setEnabled(ok)
        self.save_print_button.setEnabled(ok)
        return ok

    # ---------- saving ----------
    def save(self, *, print_after: bool) -> str | None:
        """Record the donation (its receipt number comes with it); print if asked. Returns its id."""
        if not self.validate():
            return None
        if self.donor.picked_id is None:
            self.form_error.setText(self.tr("请先选择捐赠人：输入姓名或拼音首字母后按回车，"
                                            "或点“新捐赠人”。"))
            self.donor.setFocus()
            return None
        cash = self.cash_radio.isChecked()
        if cash:
            if not self.amount.text().strip():
                self.amount_error.setText(self.tr("请填写金额"))
                self.amount.setFocus()
                return None
            lines: list[GoodsLine] = []
            amount, method = parse_yuan(self.amount.text()), self.method.currentData()
        else:
            lines, _ = self.goods_lines()
            if not lines:
                self.goods_error.setText(self.tr("请至少填写一行物资"))
                self.goods.setFocus()
                return None
            amount, method = 0, None
        pid = self.programme.currentData()
        data = DonationInput(
            donor_id=self.donor.picked_id, donated_on=py_date(self.date.date()),
            amount_fen=amount, method=method, goods=lines,
            fund_id=None if pid else self.fund.currentData(), programme_id=pid,
            recipient_id=self.recipient.picked_id, purpose=self.purpose.text(), note=self.note.text())
        try:
            d = donations.record_donation(self.db, self.operator(), data)
        except CharityDeskError as exc:
            self.form_error.setText(exc.message)
            return None
        receipt = receipts.receipt_for_donation(self.db, d.id)
        self.last_number = receipt.number if receipt else None
        donor_name = self.donor.text().split("  ")[0]
        what = ("¥" + format_fen(d.amount_fen)) if cash else self.tr("物资 %d 项") % len(lines)
        self.last_receipt.show_saved(
            self.tr("已保存：%s %s，收据 %s。") % (donor_name, what, self.last_number or "—"), self.last_number)
        self.clear()
        self.saved.emit(d.id)
        announce(ops.DONATION_RECORDED, by=self)
        if print_after and self.last_number:
            self.printing.print_receipt(self.last_number)
        return d.id

    def clear(self) -> None:
        """Ready for the next donor: empty fields, default fund, today, cursor in the donor field."""
        self.donor.reset()
        self.donor_info.clear()
        self.amount.clear()
        self.amount_error.clear()
        self.method.setCurrentIndex(0)
        self.goods_box.reset()
        self.cash_radio.setChecked(True)
        self.choices.reset()
        self.recipient.reset()
        today = dt.date.today()
        self.date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date.setDate(QDate(today.year, today.month, today.day))
        self.purpose.clear()
        self.note.clear()
        self.form_error.clear()
        self._kind_changed()
        self.donor.setFocus()
