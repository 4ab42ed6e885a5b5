"""A new donor on the spot, from the donation desk: a person, an enterprise (with its credit code) or anonymous."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.donations import donors
from app.errors import CharityDeskError
from app.rules.codes import parse_credit_code
from app.station.accounts import Operator


class DonationDonorDialog(QDialog):
    def __init__(self, db: Database, operator: Operator, name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.donor: donors.Donor | None = None
        self.setWindowTitle(self.tr("新捐赠人"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 32)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for code, label in (("person", self.tr("个人")), ("enterprise", self.tr("爱心企业（单位）")),
                            ("anonymous", self.tr("匿名爱心人士"))):
            self.kind.addItem(label, code)
        self.name = QLineEdit(name)
        self.phone = QLineEdit()
        self.credit_code = QLineEdit()
        self.credit_code.setPlaceholderText(self.tr("18位，可以以后再填"))
        self.credit_code.setMaxLength(24)
        self.contact = QLineEdit()
        self.address = QLineEdit()
        self.workplace = QLineEdit()
        self.workplace.setPlaceholderText(self.tr("集体捐赠时填单位，便于查找"))
        form.addRow(self.tr("类型(&K)："), self.kind)
        form.addRow(self.tr("姓名/单位名称(&M)："), self.name)
        form.addRow(self.tr("电话(&P)："), self.phone)
        self.code_label = QLabel(self.tr("统一社会信用代码(&C)："))
        self.code_label.setBuddy(self.credit_code)
        form.addRow(self.code_label, self.credit_code)
        self.contact_label = QLabel(self.tr("联系人："))
        form.addRow(self.contact_label, self.contact)
        form.addRow(self.tr("工作单位："), self.workplace)
        form.addRow(self.tr("地址："), self.address)
        self.form = form
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.credit_code.textEdited.connect(self._check_code)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        enterprise, anonymous = kind == "enterprise", kind == "anonymous"
        for w in (self.credit_code, self.code_label, self.contact, self.contact_label):
            w.setVisible(enterprise)
        for w in (self.name, self.phone, self.workplace, self.address):
            w.setEnabled(not anonymous)
        self.error.clear()

    def _check_code(self, text: str) -> None:
        """Check the credit code as it is typed, once it is long enough to judge."""
        t = text.strip()
        if len(t) < 18:
            self.error.clear()
            return
        try:
            parse_credit_code(t)
            self.error.clear()
        except CharityDeskError as exc:
            self.error.setText(exc.message)

    def accept(self) -> None:
        try:
            self.donor = donors.create_donor(
                self.db, self.operator, self.kind.currentData(), self.name.text(),
                phone=self.phone.text(), credit_code=self.credit_code.text(),
                address=self.address.text(), workplace=self.workplace.text(),
                contact_person=self.contact.text())
        except CharityDeskError as exc:
            self.error.setText(exc.message)
            return
        super().accept()
