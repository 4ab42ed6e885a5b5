"""Log in (and switch operator, and unlock after idle time)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.station import accounts
from ui import settings


class LoginDialog(QDialog):
    def __init__(self, db: Database, station_name: str, *, title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator: accounts.Operator | None = None
        self.setWindowTitle(title or self.tr("CharityDesk 慈善工作站助手 — 登录 — %s") % station_name)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        head = QLabel(station_name)
        head.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addWidget(head)
        form = QFormLayout()
        self.username = QLineEdit(text=settings.get(settings.LAST_USER))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        form.addRow(self.tr("用户名(&U)："), self.username)
        form.addRow(self.tr("密码(&P)："), self.password)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if self.username.text() else self.username).setFocus()

    def accept(self) -> None:
        try:
            self.operator = accounts.authenticate(self.db, self.username.text(), self.password.text())
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            self.password.selectAll()
            self.password.setFocus()
            return
        settings.put(settings.LAST_USER, self.operator.username)
        super().accept()
