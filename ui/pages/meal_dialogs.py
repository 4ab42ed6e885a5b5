"""The small forms of the 助餐 page: a new canteen, a new version of the subsidy scheme. They check
nothing themselves: the services refuse with a plain message, which the page shows."""

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
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


def _buttons(dlg: QDialog) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.accepted.connect(dlg.accept)
    box.rejected.connect(dlg.reject)
    return box


class CanteenDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("添加助餐点"))
        form = QFormLayout(self)
        self.fields = {k: QLineEdit() for k in ("name", "village", "contact", "phone", "bank_name", "bank_account")}
        for key, label in (("name", self.tr("名称")), ("village", self.tr("所在村")), ("contact", self.tr("联系人")),
                           ("phone", self.tr("电话")), ("bank_name", self.tr("开户行")),
                           ("bank_account", self.tr("收款账号"))):
            form.addRow(label, self.fields[key])
        form.addRow(_buttons(self))

    def values(self) -> dict[str, str]:
        return {k: w.text() for k, w in self.fields.items()}


class SchemeDialog(QDialog):
    def __init__(self, funds: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("补贴方案"))
        v = QVBoxLayout(self)
        v.addWidget(QLabel(self.tr("新方案从所填日期起生效，之前的月份仍按旧标准，不能往回改。")))
        form = QFormLayout()
        self.fund = QComboBox()
        self.fund.addItems(funds)
        self.tiers = QLineEdit("60-74:1, 75-84:5, 85-94:8, 95-:9")
        self.categories = QLineEdit("")
        self.categories.setPlaceholderText(self.tr("如 低保户:8, 特困供养:9"))
        self.cap_week = QSpinBox()
        self.cap_week.setRange(-1, 21)
        self.cap_week.setSpecialValueText(self.tr("不限"))
        self.cap_week.setValue(-1)
        self.cap_month = QSpinBox()
        self.cap_month.setRange(-1, 93)
        self.cap_month.setSpecialValueText(self.tr("不限"))
        self.cap_month.setValue(-1)
        self.start = QDateEdit(QDate.currentDate())
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.start.setCalendarPopup(True)
        form.addRow(self.tr("支付基金"), self.fund)
        form.addRow(self.tr("年龄档（岁:元/餐）"), self.tiers)
        form.addRow(self.tr("类别档（类别:元/餐）"), self.categories)
        form.addRow(self.tr("每周上限（餐）"), self.cap_week)
        form.addRow(self.tr("每月上限（餐）"), self.cap_month)
        form.addRow(self.tr("生效日期"), self.start)
        v.addLayout(form)
        v.addWidget(_buttons(self))

    def values(self) -> dict[str, Any]:
        def split(text: str) -> list[str]:
            return [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",") if p.strip()]

        d = self.start.date()
        return {"fund": self.fund.currentText(), "tiers": split(self.tiers.text()),
                "categories": split(self.categories.text()),
                "cap_week": None if self.cap_week.value() < 0 else self.cap_week.value(),
                "cap_month": None if self.cap_month.value() < 0 else self.cap_month.value(),
                "from": dt.date(d.year(), d.month(), d.day())}
