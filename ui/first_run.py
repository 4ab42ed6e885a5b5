"""First run: the station profile and the first administrator, or just the administrator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.station import accounts, setup, station


class FirstRunDialog(QDialog):
    """Asks for the station (when the database has none) and creates the admin account."""

    def __init__(self, db: Database, *, need_station: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.need_station = need_station
        self.operator: accounts.Operator | None = None
        self.setWindowTitle(self.tr("CharityDesk 慈善工作站助手 — 首次使用"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("欢迎使用！请先填写工作站资料，并设置管理员账号。")
                       if need_station else self.tr("这个数据库还没有管理员账号，请先设置一个。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.code = QLineEdit(placeholderText="ST01")
        self.name = QLineEdit(placeholderText=self.tr("如：东风村慈善工作站"))
        self.township = QLineEdit(placeholderText=self.tr("如：东风镇"))
        if need_station:
            box = QGroupBox(self.tr("工作站资料"))
            form = QFormLayout(box)
            form.addRow(self.tr("站点编号(&C)："), self.code)
            form.addRow(self.tr("工作站名称(&N)："), self.name)
            form.addRow(self.tr("所属乡镇(&T)："), self.township)
            layout.addWidget(box)

        self.username = QLineEdit(text="admin")
        self.display = QLineEdit(placeholderText=self.tr("如：张站长"))
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        box = QGroupBox(self.tr("管理员账号"))
        form = QFormLayout(box)
        form.addRow(self.tr("用户名(&U)："), self.username)
        form.addRow(self.tr("姓名(&D)："), self.display)
        form.addRow(self.tr("密码(&P)："), self.password)
        form.addRow(self.tr("再输一次密码(&R)："), self.password2)
        layout.addWidget(box)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("开始使用"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("退出"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.code if need_station else self.display).setFocus()

    def accept(self) -> None:
        if self.password.text() != self.password2.text():
            self.error.setText(self.tr("两次输入的密码不一样"))
            self.password2.setFocus()
            return
        try:
            if self.need_station:
                station.normalise_code(self.code.text())
            if self.need_station:
                setup.set_up(self.db, accounts.SYSTEM, self.code.text(), self.name.text(),
                               self.township.text())
            self.operator = accounts.create_operator(
                self.db, accounts.SYSTEM, self.username.text(), self.display.text(), "admin",
                self.password.text())
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            self.need_station = not station.is_initialised(self.db)
            return
        super().accept()
