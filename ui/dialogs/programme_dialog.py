"""The programme editor: what is given, from which fund, and who may receive it (救助项目设置)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError, InputError
from app.funds import funds
from app.programmes import programmes
from app.programmes.programmes import PRIORITIES, Programme, ProgrammeInput, Rules
from app.recipients import recipients
from app.rules.money import format_fen, parse_yuan
from app.station.accounts import Operator


def _names(text: str) -> tuple[str, ...]:
    for sep in ("，", "、", ";", "；", " "):
        text = text.replace(sep, ",")
    return tuple(x.strip() for x in text.split(",") if x.strip())


def _optional_spin(low: int, high: int, none_text: str, suffix: str) -> QSpinBox:
    """A spin box whose lowest value means "not set" and shows `none_text`."""
    box = QSpinBox()
    box.setRange(low - 1, high)
    box.setSpecialValueText(none_text)
    box.setSuffix(suffix)
    box.setValue(low - 1)
    return box


class ProgrammeDialog(QDialog):
    """New programme (programme None) or changes to one; saving calls `app.programmes.programmes`."""

    def __init__(self, db: Database, operator: Operator, programme: Programme | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.programme = programme
        self.saved: Programme | None = None
        self.setWindowTitle(self.tr("修改救助项目") if programme else self.tr("新建救助项目"))
        layout = QVBoxLayout(self)

        self._build_what(layout)
        self._build_who(layout)

        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.has_period.toggled.connect(lambda _b: self._kind_changed())
        if programme:
            self._load(programme)
        self._kind_changed()

    def _build_what(self, layout: QVBoxLayout) -> None:
        """发什么、从哪里出钱: name, fund, cash or goods, amount, budget and period."""
        what = QGroupBox(self.tr("发什么、从哪里出钱"))
        form = QFormLayout(what)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("如：春节困境儿童红包"))
        form.addRow(self.tr("项目名称"), self.name)
        self.fund = QComboBox()
        for f in funds.list_funds(self.db):
            self.fund.addItem(f"{f.name}（余额 ¥{format_fen(f.balance_fen)}）", f.id)
        form.addRow(self.tr("从哪个基金支出"), self.fund)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("现金（每人固定金额）"), "cash")
        self.kind.addItem(self.tr("物资（每人一份）"), "goods")
        form.addRow(self.tr("发放方式"), self.kind)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("元，如 500"))
        self.amount_label = QLabel(self.tr("每人金额（元）"))
        form.addRow(self.amount_label, self.amount)
        self.goods = QLineEdit()
        self.goods.setPlaceholderText(self.tr("如：大米 10 公斤、食用油 1 桶"))
        form.addRow(self.tr("每人物资"), self.goods)
        self.budget = QLineEdit()
        self.budget.setPlaceholderText(self.tr("不填表示不设预算"))
        form.addRow(self.tr("项目预算（元）"), self.budget)
        self._build_period(form)
        layout.addWidget(what)

    def _build_period(self, form: QFormLayout) -> None:
        period = QHBoxLayout()
        self.has_period = QCheckBox(self.tr("有期限"))
        self.starts = QDateEdit(QDate.currentDate())
        self.ends = QDateEdit(QDate.currentDate().addMonths(12))
        for d in (self.starts, self.ends):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        period.addWidget(self.has_period)
        period.addWidget(self.starts)
        period.addWidget(QLabel(self.tr("至")))
        period.addWidget(self.ends)
        period.addStretch(1)
        form.addRow(self.tr("项目期限"), period)

    def _build_who(self, layout: QVBoxLayout) -> None:
        """谁可以领: categories, ages, villages, in the register, one per household."""
        who = QGroupBox(self.tr("谁可以领（按发放日期判断）"))
        rules = QFormLayout(who)
        self.categories = QListWidget()
        self.categories.setMaximumHeight(110)
        self.categories.setFlow(QListWidget.Flow.LeftToRight)
        self.categories.setWrapping(True)
        for name in recipients.list_categories(self.db):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.categories.addItem(item)
        rules.addRow(self.tr("人员类别（任一，不选表示不限）"), self.categories)
        ages = QHBoxLayout()
        self.min_age = _optional_spin(0, 150, self.tr("不限"), self.tr(" 周岁"))
        self.max_age = _optional_spin(0, 150, self.tr("不限"), self.tr(" 周岁"))
        ages.addWidget(QLabel(self.tr("从")))
        ages.addWidget(self.min_age)
        ages.addWidget(QLabel(self.tr("到")))
        ages.addWidget(self.max_age)
        ages.addStretch(1)
        rules.addRow(self.tr("年龄"), ages)
        self.villages = QLineEdit()
        self.villages.setPlaceholderText(self.tr("不填表示不限；多个村用逗号或顿号分开"))
        rules.addRow(self.tr("村/社区"), self.villages)
        self.active_only = QCheckBox(self.tr("只发给发放日期时仍在册的人"))
        self.active_only.setChecked(True)
        rules.addRow("", self.active_only)
        self.one_per_household = QCheckBox(self.tr("每户限一人"))
        rules.addRow("", self.one_per_household)
        self._build_again_and_priority(rules)
        layout.addWidget(who)

    def _build_again_and_priority(self, rules: QFormLayout) -> None:
        """Not again for those aided before, and who comes first when the budget is short."""
        again = QHBoxLayout()
        self.not_since = _optional_spin(1990, 2100, self.tr("不限"), self.tr(" 年以来"))
        self.not_months = _optional_spin(1, 600, self.tr("不限"), self.tr(" 个月内"))
        again.addWidget(self.not_since)
        again.addWidget(QLabel(self.tr("或")))
        again.addWidget(self.not_months)
        again.addStretch(1)
        rules.addRow(self.tr("受助过本项目的不再发放"), again)
        self.priority = QListWidget()
        self.priority.setMaximumHeight(80)
        self.priority.setFlow(QListWidget.Flow.LeftToRight)
        self.priority.setWrapping(True)
        for key, words in PRIORITIES.items():
            item = QListWidgetItem(words)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.priority.addItem(item)
        rules.addRow(self.tr("优先顺序（控制在预算内时用）"), self.priority)

    def _kind_changed(self) -> None:
        goods = self.kind.currentData() == "goods"
        self.goods.setEnabled(goods)
        self.amount_label.setText(self.tr("每份物资价值（元）") if goods else self.tr("每人金额（元）"))
        self.starts.setEnabled(self.has_period.isChecked())
        self.ends.setEnabled(self.has_period.isChecked())

    def _load(self, p: Programme) -> None:
        self.name.setText(p.name)
        self.fund.setCurrentIndex(max(0, self.fund.findData(p.fund_id)))
        self.kind.setCurrentIndex(max(0, self.kind.findData(p.kind)))
        self.amount.setText(format_fen(p.amount_fen).replace(",", ""))
        self.goods.setText(p.goods)
        self.budget.setText("" if p.budget_fen is None else format_fen(p.budget_fen).replace(",", ""))
        if p.starts_on and p.ends_on:
            self.has_period.setChecked(True)
            self.starts.setDate(QDate.fromString(p.starts_on, "yyyy-MM-dd"))
            self.ends.setDate(QDate.fromString(p.ends_on, "yyyy-MM-dd"))
        r = p.rules
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in r.categories else Qt.CheckState.Unchecked)
        self.min_age.setValue(-1 if r.min_age is None else r.min_age)
        self.max_age.setValue(-1 if r.max_age is None else r.max_age)
        self.villages.setText("、".join(r.villages))
        self.active_only.setChecked(r.active_only)
        self.one_per_household.setChecked(r.one_per_household)
        self.not_since.setValue(1989 if r.not_aided_since is None else r.not_aided_since)
        self.not_months.setValue(0 if r.not_aided_months is None else r.not_aided_months)
        for i in range(self.priority.count()):
            item = self.priority.item(i)
            key = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if key in r.priority else Qt.CheckState.Unchecked)

    def _checked(self, widget: QListWidget, role: Any = None) -> tuple[str, ...]:
        out = []
        for i in range(widget.count()):
            item = widget.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(role) if role is not None else item.text())
        return tuple(out)

    def data(self) -> ProgrammeInput:
        """The form as the service's input; raises `InputError` for an amount that cannot be read."""
        amount_text = self.amount.text().strip()
        goods = self.kind.currentData() == "goods"
        amount = parse_yuan(amount_text, allow_zero=goods) if amount_text or not goods else 0
        budget = parse_yuan(self.budget.text(), allow_zero=True) if self.budget.text().strip() else None
        period = self.has_period.isChecked()

        def day(edit: QDateEdit) -> dt.date:
            q = edit.date()
            return dt.date(q.year(), q.month(), q.day())

        rules = Rules(
            categories=self._checked(self.categories),
            min_age=None if self.min_age.value() < 0 else self.min_age.value(),
            max_age=None if self.max_age.value() < 0 else self.max_age.value(),
            villages=_names(self.villages.text()), active_only=self.active_only.isChecked(),
            one_per_household=self.one_per_household.isChecked(),
            not_aided_since=None if self.not_since.value() < 1990 else self.not_since.value(),
            not_aided_months=None if self.not_months.value() < 1 else self.not_months.value(),
            priority=self._checked(self.priority, Qt.ItemDataRole.UserRole),
        )
        return ProgrammeInput(
            name=self.name.text(), fund_id=str(self.fund.currentData() or ""), kind=str(self.kind.currentData()),
            amount_fen=amount, goods=self.goods.text() if goods else "", starts_on=day(self.starts) if period else None,
            ends_on=day(self.ends) if period else None, budget_fen=budget, note="", rules=rules)

    def save(self) -> None:
        try:
            data = self.data()
            if self.programme is None:
                self.saved = programmes.create_programme(self.db, self.operator, data)
            else:
                self.saved = programmes.update_programme(self.db, self.operator, self.programme.id, data)
        except (InputError, CharityDeskError) as exc:
            self.error.setText(exc.message)
            return
        self.accept()
