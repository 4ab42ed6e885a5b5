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
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
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
from ui.widgets.search_picker import SearchPicker

ERROR_STYLE = "color: #c0392b;"
GOODS_ROWS = 4


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

        # donor
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

        # cash or goods
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

        self.goods = QTableWidget(GOODS_ROWS, 4)
        self.goods.setHorizontalHeaderLabels([self.tr("物品"), self.tr("数量"), self.tr("单位"),
                                              self.tr("单价（元，不能估值留空）")])
        self.goods.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.goods.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.goods.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.goods.setMinimumHeight(150)
        self.add_line_button = QPushButton(self.tr("加一行(&J)"))
        self.goods_box = QWidget()
        goods_col = QVBoxLayout(self.goods_box)
        goods_col.setContentsMargins(0, 0, 0, 0)
        goods_col.addWidget(self.goods)
        goods_foot = QHBoxLayout()
        self.goods_total = QLabel()
        goods_foot.addWidget(self.goods_total, 1)
        goods_foot.addWidget(self.add_line_button)
        goods_col.addLayout(goods_foot)
        self.goods_error = QLabel()
        self.goods_error.setStyleSheet(ERROR_STYLE)
        self.goods_error.setWordWrap(True)
        goods_col.addWidget(self.goods_error)
        self.goods_label = QLabel(self.tr("物资明细："))
        form.addRow(self.goods_label, self.goods_box)

        # designation
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
        outer.addLayout(form)

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

        # keys
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
        self.add_line_button.clicked.connect(self._add_line)
        self.programme.currentIndexChanged.connect(self._programme_changed)
        self.save_print_button.clicked.connect(lambda: self.save(print_after=True))
        self.save_button.clicked.connect(lambda: self.save(print_after=False))
        self.clear_button.clicked.connect(self.clear)
        self.preview_button.clicked.connect(lambda: self.last_number and self.printing.preview(self.last_number))
        self.reprint_button.clicked.connect(
            lambda: self.last_number and self.printing.print_receipt(self.last_number))
        self.pdf_button.clicked.connect(lambda: self.last_number and self.printing.save_pdf(self.last_number))
        self._saved_text = ""
        self.printing.message.connect(
            lambda m: self.status.setText(f"{self._saved_text}\n{m}" if self._saved_text else m))

        QWidget.setTabOrder(self.donor, self.cash_radio)
        QWidget.setTabOrder(self.cash_radio, self.amount)
        QWidget.setTabOrder(self.amount, self.method)
        QWidget.setTabOrder(self.method, self.goods)
        QWidget.setTabOrder(self.goods, self.add_line_button)
        QWidget.setTabOrder(self.add_line_button, self.fund)
        QWidget.setTabOrder(self.fund, self.programme)
        QWidget.setTabOrder(self.programme, self.recipient)
        QWidget.setTabOrder(self.recipient, self.date)
        QWidget.setTabOrder(self.date, self.purpose)
        QWidget.setTabOrder(self.purpose, self.note)
        QWidget.setTabOrder(self.note, self.save_print_button)
        QWidget.setTabOrder(self.save_print_button, self.save_button)
        QWidget.setTabOrder(self.save_button, self.clear_button)
        QWidget.setTabOrder(self.clear_button, self.new_donor_button)
        QWidget.setTabOrder(self.new_donor_button, self.anonymous_button)
        self.amount.installEventFilter(self)
        self.reload_lists()
        self.clear()

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
            self.goods.setFocus()
            self.goods.setCurrentCell(0, 0)

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
            self.goods.setFocus()  # straight into the first cell
            self.goods.setCurrentCell(0, 0)
        self.validate()

    def _programme_changed(self) -> None:
        pid = self.programme.currentData()
        if pid:
            i = self.fund.findData(self._programme_funds.get(pid))
            if i >= 0:
                self.fund.setCurrentIndex(i)
        self.fund.setEnabled(not pid)

    def _add_line(self) -> None:
        self.goods.insertRow(self.goods.rowCount())
        self.goods.setFocus()
        self.goods.setCurrentCell(self.goods.rowCount() - 1, 0)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        # Enter in the amount field moves on to the payment method, as Tab does.
        if obj is self.amount and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
                self.method.setFocus()
                return True
        return super().eventFilter(obj, event)

    # ---------- checking ----------
    def _cell(self, r: int, c: int) -> str:
        item = self.goods.item(r, c)
        return item.text().strip() if item is not None else ""

    def goods_lines(self) -> tuple[list[GoodsLine], list[str]]:
        """The filled goods rows, and the problems found in them (row by row)."""
        lines, problems = [], []
        for r in range(self.goods.rowCount()):
            item, qty, unit, value = (self._cell(r, c) for c in range(4))
            if not (item or qty or unit or value):
                continue
            n = r + 1
            if not item:
                problems.append(self.tr("第 %d 行：请填物品名称") % n)
            try:
                q = Decimal(qty.replace(",", ""))
                if not q.is_finite() or q <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(self.tr("第 %d 行：数量应是大于零的数字") % n)
                q = Decimal(0)
            unit_fen: int | None = None
            if value:
                try:
                    unit_fen = parse_yuan(value, allow_zero=True)
                except MoneyError as exc:
                    problems.append(self.tr("第 %d 行单价：%s") % (n, exc.message))
            if item and q > 0:
                lines.append(GoodsLine(item, format(q.normalize(), "f"), unit, unit_fen))
        return lines, problems

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
            lines, problems = self.goods_lines()
            self.goods_error.setText("\n".join(problems))
            ok = not problems
            valued = [ln.value_fen() for ln in lines if ln.unit_value_fen is not None]
            total = sum(v for v in valued if v is not None)
            self.goods_total.setText(
                self.tr("共 %d 项，估值合计 ¥%s") % (len(lines), format_fen(total)) if lines else "")
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
        self.goods.blockSignals(True)
        self.goods.clearContents()
        self.goods.setRowCount(GOODS_ROWS)
        self.goods.blockSignals(False)
        self.goods_error.clear()
        self.goods_total.clear()
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
