"""The 操作员 section of 设置: who may use this station, added, disabled and given new passwords.

Administrators add and disable operators and set anyone's password; everyone else sees the
list and may change only their own password. Every change goes through `app.station.accounts`,
which checks the role again and writes the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.station import accounts
from app.station.accounts import Operator


class OperatorsSection(QGroupBox):
    """`operator()` is whoever is logged in now; the section follows when that changes."""

    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("操作员"))
        self.db = db
        self.operator = operator
        self._rows: list[tuple[Operator, bool]] = []
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("用户名"), self.tr("姓名"), self.tr("角色"), self.tr("状态")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(160)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("添加操作员(&A)…"))
        self.disable_button = QPushButton(self.tr("停用(&X)"))
        self.password_button = QPushButton(self.tr("修改密码(&W)…"))
        self.add_button.clicked.connect(self.add_operator)
        self.disable_button.clicked.connect(self.disable_selected)
        self.password_button.clicked.connect(self.change_password)
        for b in (self.add_button, self.disable_button, self.password_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.refresh()

    # ---------- showing ----------
    def refresh(self) -> None:
        try:
            self._rows = accounts.list_all(self.db)
        except CharityDeskError as exc:
            self.note.setText(exc.message)
            return
        self.table.setRowCount(len(self._rows))
        for i, (op, active) in enumerate(self._rows):
            cells = (op.username, op.display_name, accounts.ROLE_NAMES.get(op.role, op.role),
                     self.tr("在用") if active else self.tr("已停用"))
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        admin = self.operator().is_admin
        self.note.setText(self.tr("添加、停用操作员和修改别人的密码需要管理员；每次修改都记入审计日志。")
                          if admin else self.tr("只有管理员可以添加或停用操作员；您可以修改自己的密码。"))
        self._update_buttons()

    def selected(self) -> tuple[Operator, bool] | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        me = self.operator()
        chosen = self.selected()
        self.add_button.setEnabled(me.is_admin)
        self.disable_button.setEnabled(me.is_admin and chosen is not None and chosen[1])
        self.password_button.setEnabled(chosen is not None and (me.is_admin or chosen[0].id == me.id))

    # ---------- changing ----------
    def add_operator(self) -> None:
        dlg = OperatorDialog(self.db, self.operator(), self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def disable_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        op = chosen[0]
        if not self.ask_yes(self.tr("停用操作员"),
                            self.tr("停用“%s”后，这个账号不能再登录；它做过的记录都保留。确定停用吗？") % op.username):
            return
        try:
            accounts.disable_operator(self.db, self.operator(), op.username)
        except CharityDeskError as exc:
            self.tell(self.tr("不能停用"), exc.message)
            return
        self.refresh()

    def ask_yes(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def change_password(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dlg = PasswordDialog(self.db, self.operator(), chosen[0], self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.note.setText(self.tr("已修改 %s 的密码。") % chosen[0].username)


class _FormDialog(QDialog):
    """A small form with an error line and OK/取消."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _passwords(self) -> tuple[QLineEdit, QLineEdit]:
        first = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        second = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("密码(&P)："), first)
        self.form.addRow(self.tr("再输一次密码(&R)："), second)
        return first, second

    def _same(self, first: QLineEdit, second: QLineEdit) -> bool:
        if first.text() != second.text():
            self.error.setText(self.tr("两次输入的密码不一样。"))
            second.setFocus()
            return False
        return True


class OperatorDialog(_FormDialog):
    """Adds one operator; `created` holds it once accepted."""

    def __init__(self, db: Database, actor: Operator, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("添加操作员"), self.tr("添加"), parent)
        self.db = db
        self.actor = actor
        self.created: Operator | None = None
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("登录用，如 xiaoli"))
        self.display = QLineEdit()
        self.display.setPlaceholderText(self.tr("如：李志愿"))
        self.role = QComboBox()
        for role in ("volunteer", "admin", "readonly"):
            self.role.addItem(accounts.ROLE_NAMES[role], role)
        self.form.addRow(self.tr("用户名(&U)："), self.username)
        self.form.addRow(self.tr("姓名(&D)："), self.display)
        self.form.addRow(self.tr("角色(&O)："), self.role)
        self.password, self.password2 = self._passwords()
        self.username.setFocus()

    def accept(self) -> None:
        if not self._same(self.password, self.password2):
            return
        try:
            self.created = accounts.create_operator(self.db, self.actor, self.username.text(), self.display.text(),
                                                    str(self.role.currentData()), self.password.text())
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            return
        super().accept()


class PasswordDialog(_FormDialog):
    """Sets a new password for one operator."""

    def __init__(self, db: Database, actor: Operator, target: Operator, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("修改密码"), self.tr("修改"), parent)
        self.db = db
        self.actor = actor
        self.target = target
        self.form.addRow(QLabel(self.tr("操作员：%s（%s）") % (target.display_name, target.username)))
        self.password, self.password2 = self._passwords()
        self.password.setFocus()

    def accept(self) -> None:
        if not self._same(self.password, self.password2):
            return
        try:
            accounts.set_password(self.db, self.actor, self.target.username, self.password.text())
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            return
        super().accept()
