"""The person card (受助对象): add or edit one person, close and reopen, and see their history.

Checks run while typing — the ID number's length and check character (and
the birth date, sex and age it gives), the phone, an ID already registered —
and a possible duplicate (same name and birth date, or same phone) is shown
before saving and must be confirmed with a second click.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.recipients import flags, households, recipients
from app.rules.codes import PhoneError
from app.rules.idcard import IdNumber, IdNumberError
from app.station import accounts
from ui.dialogs.person_checks import PersonChecks
from ui.dialogs.person_dialogs import (
    ERROR_STYLE,
    HINT_STYLE,
    WARN_STYLE,
    CloseDialog,
    HouseholdPicker,
    parse_birth_date,
)
from ui.dialogs.person_history import HistoryTab
from ui.dialogs.person_meals import MealsTab
from ui.dialogs.person_tabs import BasicTab, FamilyTab

__all__ = ["CloseDialog", "HouseholdPicker", "PersonCard", "parse_birth_date"]

class PersonCard(PersonChecks, QDialog):  # type: ignore[misc]
    """Add (no `recipient_id`) or edit one person.

    `on_saved(recipient)` is called after each save, close or reopen — a plain callback,
    not a Signal: PySide6 6.12.0 loses a reference to True on every Python-side emit.
    """

    def __init__(self, db: Database, operator: accounts.Operator, recipient_id: str | None = None,
                 parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.recipient_id = recipient_id
        self.today = today or dt.date.today()
        self.person: recipients.Recipient | None = None
        self.on_saved: Callable[[recipients.Recipient], None] | None = None
        self._id: IdNumber | None = None
        self._join_of: str | None = None
        self._dup_shown_for: tuple[str, str, str] | None = None
        self._join_name = ""
        self._duplicates: list[recipients.PossibleDuplicate] = []
        self.setMinimumWidth(680)

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.basic_tab, self.family_tab = self._basic_tab(), self._family_tab()
        self.tabs.addTab(self.basic_tab, self.tr("基本信息(&1)"))
        self.tabs.addTab(self.family_tab, self.tr("家庭、监护人、银行(&2)"))
        self.history_tab = HistoryTab(db, operator)
        self.status_label, self.history = self.history_tab.status_label, self.history_tab.history
        self.close_button, self.reopen_button = self.history_tab.close_button, self.history_tab.reopen_button
        self.close_button.clicked.connect(self.close_record)
        self.reopen_button.clicked.connect(self.reopen_record)
        self.tabs.addTab(self.history_tab, self.tr("状态与历史(&3)"))
        self.meals_tab = MealsTab(db)
        self.tabs.addTab(self.meals_tab, self.tr("助餐(&4)"))

        # Flags from the township's return file (已在 XX 站领取 …): shown, never blocking.
        self.township_flags = QLabel()
        self.township_flags.setWordWrap(True)
        self.township_flags.setStyleSheet(WARN_STYLE)
        self.township_flags.hide()
        layout.insertWidget(0, self.township_flags)
        self.duplicate_box = QLabel()
        self.duplicate_box.setWordWrap(True)
        self.duplicate_box.setStyleSheet(WARN_STYLE)
        self.duplicate_box.hide()
        layout.addWidget(self.duplicate_box)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Close)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存(&S)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

        self.dup_timer = QTimer(self, singleShot=True, interval=300)
        self.dup_timer.timeout.connect(self.check_duplicates)
        self._load()

    def hideEvent(self, event: QHideEvent) -> None:
        self.dup_timer.stop()  # nothing runs after the card has gone
        super().hideEvent(event)

    # ---------- building ----------
    def _basic_tab(self) -> QWidget:
        tab = BasicTab(self.db)
        self.name, self.id_number, self.id_message = tab.name, tab.id_number, tab.id_message
        self.sex, self.birth, self.age_label, self.birth_message = tab.sex, tab.birth, tab.age_label, tab.birth_message
        self.phone, self.phone_message = tab.phone, tab.phone_message
        self.village, self.group, self.address = tab.village, tab.group, tab.address
        self.categories, self.new_category = tab.categories, tab.new_category
        self.add_category_button, self._add_category_item = tab.add_category_button, tab.add_category_item
        self.add_category_button.clicked.connect(self.add_category)
        self.new_category.returnPressed.connect(self.add_category)
        self.id_number.textChanged.connect(self._id_changed)
        self.birth.textChanged.connect(self._birth_changed)
        self.phone.textChanged.connect(self._phone_changed)
        for w in (self.name, self.birth, self.phone):
            w.textChanged.connect(lambda _t: self.dup_timer.start())
        return tab

    def _family_tab(self) -> QWidget:
        tab = FamilyTab()
        self.household_label, self.head, self.link_button = tab.household_label, tab.head, tab.link_button
        self.guardian_hint, self.guardian_name = tab.guardian_hint, tab.guardian_name
        self.guardian_relation, self.guardian_phone = tab.guardian_relation, tab.guardian_phone
        self.guardian_phone_message = tab.guardian_phone_message
        self.bank_name, self.bank_account, self.note = tab.bank_name, tab.bank_account, tab.note
        self.link_button.clicked.connect(self.pick_household)
        self.guardian_phone.textChanged.connect(
            lambda t: self._show_phone(t, self.guardian_phone_message))
        return tab

    # ---------- loading ----------
    def _show_township_flags(self) -> None:
        found = flags.flags_for(self.db, [self.recipient_id]).get(self.recipient_id or "", []) \
            if self.recipient_id else []
        self.township_flags.setText(self.tr("乡镇回执：") + "；".join(f.text for f in found)
                                    + self.tr("（仅供核对，不影响发放）"))
        self.township_flags.setVisible(bool(found))

    def _load(self) -> None:
        editing = self.recipient_id is not None
        if editing:
            assert self.recipient_id is not None
            p = self.person = recipients.get_recipient(self.db, self.recipient_id)
            self.setWindowTitle(self.tr("受助对象 — %s") % p.name)
            self.name.setText(p.name)
            self.id_number.setText(p.id_number or "")
            if not p.id_number:
                self.sex.setCurrentText(p.sex)
                self.birth.setText(p.birth_date or "")
            self.phone.setText(p.phone)
            self.village.setCurrentText(p.village)
            self.group.setText(p.village_group)
            self.address.setText(p.address)
            for name in p.categories:
                found = self.categories.findItems(name, Qt.MatchFlag.MatchExactly)
                if found:
                    found[0].setCheckState(Qt.CheckState.Checked)
                else:
                    self._add_category_item(name, True)
            self.head.setChecked(p.is_household_head)
            self.guardian_name.setText(p.guardian_name)
            self.guardian_relation.setCurrentText(p.guardian_relation)
            self.guardian_phone.setText(p.guardian_phone)
            self.bank_name.setText(p.bank_name)
            self.bank_account.setText(p.bank_account)
            self.note.setPlainText(p.note)
        else:
            self.setWindowTitle(self.tr("新增受助对象"))
            self.tabs.setTabEnabled(2, False)
            self.tabs.setTabEnabled(3, False)
        self._id_changed(self.id_number.text())
        self._show_township_flags()
        self._show_household()
        self.history_tab.show_status(self.person)
        self.history_tab.show_history(self.recipient_id)
        self.meals_tab.show_person(self.recipient_id)
        writable = self.operator.can_write
        for tab in (self.basic_tab, self.family_tab):
            tab.setEnabled(writable)
        self.save_button.setVisible(writable)
        if not writable:
            self.error.setStyleSheet(HINT_STYLE)
            self.error.setText(self.tr("只读账号：只能查看，不能修改。"))
        self.name.setFocus()

    def _show_household(self) -> None:
        p = self.person
        if self._join_of:
            self.household_label.setText(self.tr("保存后将加入 %s 的家庭户。") % self._join_name)
            return
        members = households.members(self.db, p.household_id if p else None)
        others = [m for m in members if p is None or m.id != p.id]
        if not others:
            self.household_label.setText(self.tr("还没有登记同户的家人。"))
            return
        names = "、".join(m.name + (self.tr("（户主）") if m.is_head else "") for m in others)
        self.household_label.setText(self.tr("同户家人：%s") % names)

    # ---------- actions ----------
    def add_category(self) -> None:
        name = "".join(self.new_category.text().split())
        if not name:
            return
        found = self.categories.findItems(name, Qt.MatchFlag.MatchExactly)
        item = found[0] if found else self._add_category_item(name)
        item.setCheckState(Qt.CheckState.Checked)
        self.categories.scrollToItem(item)
        self.new_category.clear()

    def checked_categories(self) -> list[str]:
        return [self.categories.item(i).text() for i in range(self.categories.count())
                if self.categories.item(i).checkState() == Qt.CheckState.Checked]

    def pick_household(self) -> HouseholdPicker:
        picker = HouseholdPicker(self.db, self.recipient_id, self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.accepted.connect(lambda: self._picked(picker))
        picker.open()
        return picker

    def _picked(self, picker: HouseholdPicker) -> None:
        if picker.chosen:
            self.join_household(*picker.chosen)

    def join_household(self, recipient_id: str, name: str) -> None:
        """Link this person to the household of someone already registered (saved with the card)."""
        self._join_of, self._join_name = recipient_id, name
        self._show_household()

    def _input(self) -> recipients.RecipientInput:
        p = self.person
        return recipients.RecipientInput(
            name=self.name.text(),
            id_number=self.id_number.text(),
            sex="" if self._id else self.sex.currentText(),
            birth_date=None if self._id else self._birth_value(),
            village=self.village.currentText(),
            village_group=self.group.text(),
            address=self.address.text(),
            phone=self.phone.text(),
            guardian_name=self.guardian_name.text(),
            guardian_phone=self.guardian_phone.text(),
            guardian_relation=self.guardian_relation.currentText(),
            bank_name=self.bank_name.text(),
            bank_account=self.bank_account.text(),
            note=self.note.toPlainText(),
            categories=self.checked_categories(),
            household_id=p.household_id if p else None,
            is_household_head=self.head.isChecked(),
        )

    def save(self) -> None:
        if not self.operator.can_write:
            return
        self.error.setStyleSheet(ERROR_STYLE)
        try:
            data = self._input()
        except ValueError:
            self._fail(self.tr("出生日期看不懂，请写成 1950-03-04"), self.birth)
            return
        if not "".join(data.name.split()):
            self._fail(self.tr("请填写姓名"), self.name)
            return
        key = self._dup_key()
        warned = self.duplicate_box.isVisible() and self._dup_shown_for == key
        self.dup_timer.stop()
        if self.check_duplicates() and not warned:
            self.error.setText("")  # shown now: saving needs a second, deliberate click
            return
        try:
            person = households.save_member(self.db, self.operator, data, recipient_id=self.recipient_id,
                                            join_household_of=self._join_of, today=self.today)
        except CharityDeskError as exc:
            self._fail(exc.message, self._widget_for(exc))
            return
        self.person = person
        self.recipient_id = person.id
        if self.on_saved is not None:
            self.on_saved(person)
        self.accept()

    def _widget_for(self, exc: CharityDeskError) -> QWidget | None:
        """The field a refusal is about, to put the cursor there."""
        if isinstance(exc, IdNumberError):
            return self.id_number
        if isinstance(exc, PhoneError):
            return self.phone if not self._show_phone(self.phone.text(), self.phone_message) \
                else self.guardian_phone
        return {"name": self.name, "id_number": self.id_number, "sex": self.sex,
                "birth_date": self.birth}.get(str(exc.facts.get("field")))

    def _fail(self, message: str, widget: QWidget | None) -> None:
        self.error.setText(message)
        if widget is not None:
            self.tabs.setCurrentIndex(1 if widget is self.guardian_phone else 0)
            widget.setFocus()

    def close_record(self) -> CloseDialog:
        """Ask why and when, then close the record (the dialog is returned for tests)."""
        assert self.person is not None
        dlg = CloseDialog(self.person.name, self.today, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        person_id = self.person.id
        dlg.accepted.connect(lambda: self._apply(
            lambda: recipients.close_recipient(self.db, self.operator, person_id, *dlg.values())))
        dlg.open()
        return dlg

    def reopen_record(self) -> None:
        assert self.person is not None
        person_id = self.person.id
        self._apply(lambda: recipients.reopen_recipient(self.db, self.operator, person_id))

    def _apply(self, change: Any) -> None:
        try:
            person = change()
        except CharityDeskError as exc:
            self.error.setStyleSheet(ERROR_STYLE)
            self.error.setText(exc.message)
            return
        self.person = person
        self.error.setText("")
        self.history_tab.show_status(self.person)
        self.history_tab.show_history(self.recipient_id)
        if self.on_saved is not None:
            self.on_saved(person)
