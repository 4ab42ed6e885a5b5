"""The person card's checks while typing: the ID number (length, check character, and the birth
date, sex and age it gives), the birth date, phone numbers, and a possible duplicate (same name and
birth date, or same phone) shown before saving. A part of `PersonCard` (a mixin)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton

from app.db import Database
from app.errors import InputError
from app.recipients import recipients
from app.rules.codes import parse_phone
from app.rules.idcard import IdNumber, age_on, normalise, parse_id
from ui.dialogs.person_dialogs import (
    ERROR_STYLE,
    HINT_STYLE,
    OK_STYLE,
    parse_birth_date,
)


class PersonChecks:
    """Live checks of `PersonCard`: they read the card's fields and write its messages."""

    db: Database
    recipient_id: str | None
    today: dt.date
    _id: IdNumber | None
    _dup_shown_for: tuple[str, str, str] | None
    _duplicates: list[recipients.PossibleDuplicate]
    name: QLineEdit
    id_number: QLineEdit
    id_message: QLabel
    sex: QComboBox
    birth: QLineEdit
    age_label: QLabel
    birth_message: QLabel
    phone: QLineEdit
    phone_message: QLabel
    guardian_hint: QLabel
    duplicate_box: QLabel
    save_button: QPushButton
    dup_timer: QTimer

    if TYPE_CHECKING:  # what the card provides
        def tr(self, text: str) -> str:
            ...

    def _id_changed(self, text: str) -> None:
        s = normalise(text)
        self._id = None
        locked = False
        if not s:
            self.id_message.setStyleSheet(HINT_STYLE)
            self.id_message.setText(self.tr("没有身份证号也可以登记，请填写性别和出生日期。"))
        elif len(s) < 18 and len(s) != 15 and re.fullmatch(r"\d*X?", s):
            self.id_message.setStyleSheet(HINT_STYLE)
            self.id_message.setText(self.tr("已输入 %d 位，还差 %d 位") % (len(s), 18 - len(s)))
        else:
            try:
                self._id = parse_id(s, today=self.today)
            except InputError as exc:
                self.id_message.setStyleSheet(ERROR_STYLE)
                self.id_message.setText(exc.message)
            else:
                locked = True
                other = recipients.find_by_id_number(self.db, self._id.number)
                if other is not None and other.id != self.recipient_id:
                    self.id_message.setStyleSheet(ERROR_STYLE)
                    self.id_message.setText(self.tr("这个身份证号已经登记过：%s（%s%s），不能重复登记")
                                            % (other.name, other.village, other.village_group))
                else:
                    self.id_message.setStyleSheet(OK_STYLE)
                    up = (self.tr("（15位旧号码已升级为 %s）") % self._id.number
                          if self._id.upgraded_from else "")
                    self.id_message.setText(self.tr("✓ 身份证号有效：%s出生，%s，%d 周岁%s") % (
                        self._id.birth_date.isoformat(), self._id.sex,
                        age_on(self._id.birth_date, self.today), up))
                self.sex.setCurrentText(self._id.sex)
                self.birth.setText(self._id.birth_date.isoformat())
        self.sex.setEnabled(not locked)
        self.birth.setReadOnly(locked)
        self.sex.setToolTip(self.tr("由身份证号得出") if locked else "")
        self.birth.setToolTip(self.tr("由身份证号得出") if locked else "")
        self._birth_changed(self.birth.text())
        self.dup_timer.start()

    def _birth_value(self) -> dt.date | None:
        if self._id is not None:
            return self._id.birth_date
        text = self.birth.text().strip()
        return parse_birth_date(text) if text else None

    def _birth_changed(self, _text: str) -> None:
        try:
            birth = self._birth_value()
        except ValueError:
            self.birth_message.setText(self.tr("出生日期看不懂，请写成 1950-03-04"))
            self.birth_message.show()
            self.age_label.setText("")
            return
        if birth is not None and birth > self.today:
            self.birth_message.setText(self.tr("出生日期不能晚于今天"))
            self.birth_message.show()
            self.age_label.setText("")
            return
        self.birth_message.hide()
        age = age_on(birth, self.today) if birth else None
        self.age_label.setText(self.tr("%d 周岁") % age if age is not None else "")
        child = age is not None and age < 18
        self.guardian_hint.setText(self.tr("未满18周岁，请填写监护人。") if child else "")
        self.guardian_hint.setVisible(child)

    def _show_phone(self, text: str, label: QLabel) -> bool:
        if not text.strip():
            label.setText("")
            label.hide()
            return True
        label.show()
        try:
            parse_phone(text)
        except InputError as exc:
            label.setStyleSheet(ERROR_STYLE)
            label.setText(exc.message)
            return False
        label.setStyleSheet(OK_STYLE)
        label.setText(self.tr("✓ 电话号码有效"))
        return True

    def _phone_changed(self, text: str) -> None:
        self._show_phone(text, self.phone_message)

    def _dup_key(self) -> tuple[str, str, str]:
        try:
            birth = self._birth_value()
        except ValueError:
            birth = None
        return ("".join(self.name.text().split()), birth.isoformat() if birth else "",
                self.phone.text().strip())

    def check_duplicates(self) -> list[recipients.PossibleDuplicate]:
        """Show who may already be this person (same name and birth date, or same phone)."""
        key = self._dup_key()
        name, birth, phone = key
        dups = recipients.possible_duplicates(self.db, name, birth or None, phone,
                                              exclude_id=self.recipient_id)
        self._duplicates = dups
        if not dups:
            self._dup_shown_for = None
            self.duplicate_box.hide()
            self.save_button.setText(self.tr("保存(&S)"))
            return dups
        self._dup_shown_for = key
        self.save_button.setText(self.tr("仍然保存(&S)"))
        lines = []
        for d in dups[:5]:
            why = []
            if "name_birth" in d.reasons:
                why.append(self.tr("同名、出生日期相同"))
            if "phone" in d.reasons:
                why.append(self.tr("电话相同"))
            closed = "" if d.status == "active" else self.tr("，已注销")
            lines.append(self.tr("• %s（%s，%s，%s%s）：%s") % (
                d.name, d.village or self.tr("村未填"), d.birth_date or self.tr("出生日期未填"),
                d.id_number or self.tr("无身份证号"), closed, "、".join(why)))
        more = self.tr("\n……共 %d 人") % len(dups) if len(dups) > 5 else ""
        self.duplicate_box.setText(self.tr("可能重复登记，请先核对：\n%s%s\n确认不是同一个人，再点“仍然保存”。")
                                   % ("\n".join(lines), more))
        self.duplicate_box.show()
        return dups
