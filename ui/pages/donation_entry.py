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
from app.donations import donations, donors, receipts
from app.donations.donations import DonationInput, GoodsLine
from app.errors import CharityDeskError
from app.funds import funds
from app.programmes import programmes
from app.recipients import search as recipient_search
from app.rules.money import MoneyError, format_fen, parse_yuan
from app.station.accounts import Operator
from ui.changes import announce
from ui.dialogs.donation_donor import DonationDonorDialog
from ui.printing import ReceiptPrinting
from ui.widgets.dates import py_date
from ui.widgets.goods_lines import ERROR_STYLE, GoodsLinesBox
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
        self.donor = SearchPicker(self._find_donors)
        self.donor.setPlaceholderText(self.tr("输入姓名、电话或拼音首字母（如 zs），回车选中"))
        self.new_donor_button = QPushButton(self.tr("新捐赠人(&N)"))
        self.anonymous_button = QPushButton(self.tr("匿名(&A)"))
        row = QHBoxLayout()
        row.addWidget(self.donor, 1)
        row.addWidget(self.new_donor_button)
        row.addWidget(self.anonymous_button)
        donor_label = QLabel(self.tr("捐赠人(&D)："))
        donor_label.setBuddy(self.donor)
        form.addRow(donor_label, row)
        self.donor_info = QLabel()
        self.donor_info.setStyleSheet("color: #555;")
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
        self.recipient = SearchPicker(self._find_recipients)
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
        self.status = QLabel(self.tr("请输入捐赠人。"))
        self.status.setWordWrap(True)
        outer.addWidget(self.status)
        last = QHBoxLayout()
        self.preview_button = QPushButton(self.tr("预览收据(&V)"))
        self.reprint_button = QPushButton(self.tr("再打印一次"))
        self.pdf_button = QPushButton(self.tr("存为 PDF"))
        for b in (self.preview_button, self.reprint_button, self.pdf_button):
            b.setEnabled(False)
            last.addWidget(b)
        last.addStretch(1)
        outer.addLayout(last)
        outer.addStretch(1)

    def _connect(self) -> None:
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda: self.save(print_after=True))
        sc = QShortcut(QKeySequence("Ctrl+S"), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(lambda: self.save(print_after=False))

        self.donor.picked.connect(self._donor_picked)
        self.donor.cleared.connect(lambda: self.donor_info.clear())
        self.new_donor_button.clicked.connect(self.new_donor)
        self.anonymous_button.clicked.connect(self.pick_anonymous)
        self.cash_radio.toggled.connect(self._kind_changed)
        self.amount.textEdited.connect(lambda _t: self.validate())
        self.goods.itemChanged.connect(lambda _i: self.validate())
        self.programme.currentIndexChanged.connect(self._programme_changed)
        self.save_print_button.clicked.connect(lambda: self.save(print_after=True))
        self.save_button.clicked.connect(lambda: self.save(print_after=False))
        self.clear_button.clicked.connect(self.clear)
        self.preview_button.clicked.connect(lambda: self._with_last(self.printing.preview))
        self.reprint_button.clicked.connect(lambda: self._with_last(self.printing.print_receipt))
        self.pdf_button.clicked.connect(lambda: self._with_last(self.printing.save_pdf))
        self._saved_text = ""
        self.printing.message.connect(
            lambda m: self.status.setText(f"{self._saved_text}\n{m}" if self._saved_text else m))

    def _with_last(self, act: Callable[[str], None]) -> None:
        """Preview, print or save the last receipt, once there is one."""
        if self.last_number:
            act(self.last_number)

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
        keep_fund, keep_prog = self.fund.currentData(), self.programme.currentData()
        self.fund.blockSignals(True)
        self.programme.blockSignals(True)
        self.fund.clear()
        default_index = 0
        for i, f in enumerate(funds.list_funds(self.db)):
            self.fund.addItem(f.name, f.id)
            if f.is_default:
                default_index = i
        self._default_fund_index = default_index
        self.programme.clear()
        self.programme.addItem(self.tr("（不指定）"), None)
        self._programme_funds: dict[str, str] = {}
        for p in programmes.list_programmes(self.db):
            self.programme.addItem(p.name, p.id)
            self._programme_funds[p.id] = p.fund_id
        for combo, keep, fallback in ((self.fund, keep_fund, default_index), (self.programme, keep_prog, 0)):
            i = combo.findData(keep) if keep is not None else -1
            combo.setCurrentIndex(i if i >= 0 else fallback)
        self.fund.blockSignals(False)
        self.programme.blockSignals(False)
        self._programme_changed()

    def _find_donors(self, text: str) -> list[tuple[str, str]]:
        out = []
        for d in donors.search_donors(self.db, text, 12):
            bits = [d.name]
            if d.phone:
                bits.append(d.phone)
            bits.append(donors.KIND_NAMES.get(d.kind, d.kind) if d.kind != "person" else "")
            if d.workplace:
                bits.append(d.workplace)
            out.append((d.id, "  ".join(b for b in bits if b)))
        return out

    def _find_recipients(self, text: str) -> list[tuple[str, str]]:
        ids = recipient_search.search_ids(self.db, text)[:12]
        rows = recipient_search.fetch_rows(self.db, ids)
        out = []
        for h in ids:
            r = rows.get(h)
            if r is not None:
                out.append((str(r["id"]), "  ".join(x for x in (r["name"], r["village"], r["village_group"]) if x)))
        return out

    # ---------- reacting ----------
    def _donor_picked(self, donor_id: str, label: str) -> None:
        d = donors.get_donor(self.db, donor_id)
        kind = donors.KIND_NAMES.get(d.kind, d.kind)
        extra = f"，{self.tr('信用代码')} {d.credit_code}" if d.credit_code else ""
        self.donor_info.setText(self.tr("已选：%s（%s%s）") % (d.name, kind, extra))
        self.form_error.clear()
        if self.cash_radio.isChecked():
            self.amount.setFocus()
            self.amount.selectAll()
        else:
            self.goods_box.focus_first()

    def new_donor(self) -> None:
        dlg = DonationDonorDialog(self.db, self.operator(), self.donor.text() if self.donor.picked_id is None
                                  else "", self)
        if dlg.exec() and dlg.donor is not None:
            self.donor.pick(dlg.donor.id, dlg.donor.name)
        self.window().activateWindow()  # keyboard shortcuts need the window active again

    def pick_anonymous(self) -> None:
        try:
            d = donors.anonymous_donor(self.db, self.operator())
        except CharityDeskError as exc:
            self.form_error.setText(exc.message)
            return
        self.donor.pick(d.id, d.name)

    def _kind_changed(self) -> None:
        cash = self.cash_radio.isChecked()
        for w in (self.cash_box, self.amount_label, self.amount_error):
            w.setVisible(cash)
        for w in (self.goods_box, self.goods_label):
            w.setVisible(not cash)
        if not cash and self.goods_radio.hasFocus():
            self.goods_box.focus_first()  # straight into the first cell
        self.validate()

    def _programme_changed(self) -> None:
        pid = self.programme.currentData()
        if pid:
            i = self.fund.findData(self._programme_funds.get(pid))
            if i >= 0:
                self.fund.setCurrentIndex(i)
        self.fund.setEnabled(not pid)

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
        self._saved_text = self.tr("已保存：%s %s，收据 %s。") % (donor_name, what, self.last_number or "—")
        self.status.setText(self._saved_text)
        for b in (self.preview_button, self.reprint_button, self.pdf_button):
            b.setEnabled(self.last_number is not None)
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
        self.programme.setCurrentIndex(0)
        self.fund.setCurrentIndex(getattr(self, "_default_fund_index", 0))
        self.recipient.reset()
        today = dt.date.today()
        self.date.setMaximumDate(QDate(today.year, today.month, today.day))
        self.date.setDate(QDate(today.year, today.month, today.day))
        self.purpose.clear()
        self.note.clear()
        self.form_error.clear()
        self._kind_changed()
        self.donor.setFocus()
