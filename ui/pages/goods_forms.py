"""The 物资 page's two forms: hand goods out (to a person, a named recipient, or written off) and
record a stock count (盘点). Each calls one service of app.goods and says what it did or why not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.goods import store
from app.goods.quantities import format_quantity, parse_quantity
from app.station.accounts import Operator


def _date_edit() -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMaximumDate(QDate.currentDate())
    return edit


def _day(edit: QDateEdit) -> dt.date:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


class _Form(QGroupBox):
    """Shared: the item chooser (item and unit as the store knows them) and the outcome signal."""

    #: (message, is_error) after each attempt; the page shows it and refreshes on success.
    done = Signal(str, bool)

    def __init__(self, title: str, db: Database, operator: Callable[[], Operator],
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.db = db
        self._operator = operator
        self.item = QComboBox()
        self.item.setMinimumWidth(140)

    def load_items(self, keys: list[tuple[str, str]], chosen: tuple[str, str] | None = None) -> None:
        self.keys = keys
        self.item.blockSignals(True)
        self.item.clear()
        for item, unit in keys:
            self.item.addItem(f"{item}（{unit}）")
        if chosen in keys:
            self.item.setCurrentIndex(keys.index(chosen))
        self.item.blockSignals(False)

    def chosen(self) -> tuple[str, str] | None:
        i = self.item.currentIndex()
        return self.keys[i] if 0 <= i < len(getattr(self, "keys", [])) else None


class HandOutForm(_Form):
    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("出库：发放或报损"), db, operator, parent)
        self.quantity = QLineEdit()
        self.quantity.setPlaceholderText(self.tr("如 5"))
        self.give = QRadioButton(self.tr("发给"))
        self.writeoff = QRadioButton(self.tr("报损"))
        self.give.setChecked(True)
        self.to = QLineEdit()
        self.to.setPlaceholderText(self.tr("姓名、身份证号或单位（如 东风小学）"))
        self.give.toggled.connect(self._switch)
        self.on = _date_edit()
        self.button = QPushButton(self.tr("出库"))
        self.button.clicked.connect(self.submit)
        kind = QHBoxLayout()
        kind.addWidget(self.give)
        kind.addWidget(self.writeoff)
        kind.addStretch(1)
        form = QFormLayout(self)
        form.addRow(self.tr("物资"), self.item)
        form.addRow(self.tr("数量"), self.quantity)
        form.addRow(self.tr("去向"), kind)
        form.addRow("", self.to)
        form.addRow(self.tr("日期"), self.on)
        form.addRow("", self.button)

    def _switch(self) -> None:
        self.to.clear()
        self.to.setPlaceholderText(self.tr("姓名、身份证号或单位（如 东风小学）") if self.give.isChecked()
                                   else self.tr("报损原因（如 受潮霉变、过期）"))

    def submit(self) -> None:
        key = self.chosen()
        if key is None:
            self.done.emit(self.tr("库里还没有物资"), True)
            return
        item, unit = key
        try:
            q = parse_quantity(self.quantity.text())
            if self.give.isChecked():
                m = store.hand_out(self.db, self._operator(), item, unit, q, to=self.to.text(), on=_day(self.on))
                text = self.tr("已发给 %s：%s %s %s") % (m.recipient_name, item, format_quantity(q), unit)
            else:
                store.write_off(self.db, self._operator(), item, unit, q, reason=self.to.text(), on=_day(self.on))
                text = self.tr("已报损 %s %s %s") % (item, format_quantity(q), unit)
        except CharityDeskError as exc:
            self.done.emit(exc.message, True)
            return
        self.quantity.clear()
        self.to.clear()
        self.done.emit(text, False)


class CountForm(_Form):
    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("盘点：登记实存数量"), db, operator, parent)
        self.counted = QLineEdit()
        self.counted.setPlaceholderText(self.tr("点数得到的数量，如 38"))
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("与账面不符时写明原因"))
        self.on = _date_edit()
        self.button = QPushButton(self.tr("登记盘点"))
        self.button.clicked.connect(self.submit)
        form = QFormLayout(self)
        form.addRow(self.tr("物资"), self.item)
        form.addRow(self.tr("实存"), self.counted)
        form.addRow(self.tr("原因"), self.reason)
        form.addRow(self.tr("日期"), self.on)
        form.addRow("", self.button)

    def submit(self) -> None:
        key = self.chosen()
        if key is None:
            self.done.emit(self.tr("库里还没有物资"), True)
            return
        item, unit = key
        try:
            q = parse_quantity(self.counted.text(), self.tr("实存数量"), allow_zero=True)
            m = store.count(self.db, self._operator(), item, unit, q, reason=self.reason.text(), on=_day(self.on))
        except CharityDeskError as exc:
            self.done.emit(exc.message, True)
            return
        self.counted.clear()
        self.reason.clear()
        diff = m.quantity_milli
        self.done.emit(self.tr("已盘点 %s：实存 %s %s，%s") % (
            item, format_quantity(q), unit,
            self.tr("与账面相符") if diff == 0 else self.tr("差额 %s") % format_quantity(diff)), False)
