"""First run: the station profile and the first administrator, or just the administrator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
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

        # Who runs the program: a station, or the township office that adds up the stations' files.
        self.as_station = QRadioButton(self.tr("工作站（登记、捐赠、发放）"))
        self.as_township = QRadioButton(self.tr("乡镇汇总（汇总各工作站交来的文件）"))
        self.as_station.setChecked(True)
        # No ready-made code: the township assigns it, and thirty stations must not all send the same.
        self.code = QLineEdit()
        self.code.setAccessibleName(self.tr("站点编号"))
        self.code_hint = QLabel(self.tr("由乡镇分配（如本村12位统计用区划代码），不知道请先问乡镇"))
        self.code_hint.setStyleSheet("color: #555;")
        self.name = QLineEdit(placeholderText=self.tr("如：东风村慈善工作站"))
        self.township = QLineEdit(placeholderText=self.tr("如：东风镇"))
        if need_station:
            kind = QGroupBox(self.tr("本机用途"))
            kind_row = QHBoxLayout(kind)
            kind_row.addWidget(self.as_station)
            kind_row.addWidget(self.as_township)
            layout.addWidget(kind)
            box = QGroupBox(self.tr("工作站资料"))
            form = QFormLayout(box)
            form.addRow(self.tr("站点编号(&C)："), self.code)
            form.addRow("", self.code_hint)
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
        self.as_township.toggled.connect(lambda on: self._township_mode(on, box if need_station else None))
        (self.code if need_station else self.display).setFocus()

    def _township_mode(self, on: bool, box: QGroupBox | None) -> None:
        if box is not None:
            box.setTitle(self.tr("乡镇资料") if on else self.tr("工作站资料"))
        self.code_hint.setText(self.tr("本乡镇的编号（如12位统计用区划代码）") if on
                               else self.tr("由乡镇分配（如本村12位统计用区划代码），不知道请先问乡镇"))
        self.name.setPlaceholderText(self.tr("如：东风镇民政办") if on else self.tr("如：东风村慈善工作站"))

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
                if self.as_township.isChecked():
                    station.set_setting(self.db, accounts.SYSTEM, "role", "township")
            self.operator = accounts.create_operator(
                self.db, accounts.SYSTEM, self.username.text(), self.display.text(), "admin",
                self.password.text())
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            self.need_station = not station.is_initialised(self.db)
            return
        super().accept()
