"""The small dialogs of the person card: 注销 (reason and date) and choosing an existing household;
and reading a typed birth date."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.recipients import recipients
from app.recipients import search as recipient_search
from app.recipients.search import Filters

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b7f3b;"
HINT_STYLE = "color: #666666;"
WARN_STYLE = ("background: #fff4d6; border: 1px solid #e0b84c; border-radius: 4px; padding: 6px;"
              " color: #5a4500;")


def parse_birth_date(text: str) -> dt.date:
    """1950-03-04, 1950/3/4, 1950.3.4, 19500304 or 1950年3月4日 → a date; ValueError if not."""
    s = unicodedata.normalize("NFKC", text or "").strip()
    m = (re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", s)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s))
    if not m:
        raise ValueError(s)
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


class CloseDialog(QDialog):
    """Why and when a record is closed: 迁出, 去世 or 不再符合条件, with the date."""

    def __init__(self, name: str, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("注销 %s") % name)
        form = QFormLayout(self)
        intro = QLabel(self.tr("注销后记录仍然保留，需要时管理员可以恢复。"))
        intro.setWordWrap(True)
        form.addRow(intro)
        self.reason = QComboBox()
        self.reason.addItems(list(recipients.CLOSE_REASONS))
        form.addRow(self.tr("原因(&R)："), self.reason)
        self.on = QDateEdit(QDate(today.year, today.month, today.day))
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow(self.tr("日期(&D)："), self.on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("注销"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, dt.date]:
        d = self.on.date()
        return self.reason.currentText(), dt.date(d.year(), d.month(), d.day())


class HouseholdPicker(QDialog):
    """Find someone already registered whose household this person joins."""

    def __init__(self, db: Database, exclude_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.exclude_id = exclude_id
        self.chosen: tuple[str, str] | None = None
        self.setWindowTitle(self.tr("关联家庭成员"))
        self.resize(520, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("输入同户家人的姓名、拼音首字母或身份证号：")))
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.results = QListWidget()
        layout.addWidget(self.results, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("选定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.timer = QTimer(self, singleShot=True, interval=150)
        self.timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.results.itemDoubleClicked.connect(lambda _i: self.accept())

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()  # nothing runs after the dialog has gone
        super().hideEvent(event)

    def run_search(self) -> None:
        self.results.clear()
        text = self.search.text().strip()
        if not text:
            return
        handles = recipient_search.search_ids(self.db, text, Filters(status=None))[:50]
        rows = recipient_search.fetch_rows(self.db, handles)
        for h in handles:
            row = rows.get(h)
            if row is None or row["id"] == self.exclude_id:
                continue
            item = QListWidgetItem(f"{row['name']}  {row['id_number']}  {row['village']}{row['village_group']}")
            item.setData(Qt.ItemDataRole.UserRole, (row["id"], row["name"]))
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def accept(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        super().accept()
