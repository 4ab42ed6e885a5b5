"""The person card's first two tabs: who the person is (name, ID number, birth, phone, village,
categories) and their family, guardian and bank. The card checks and saves what is typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.recipients import recipients
from app.recipients import search as recipient_search
from ui.dialogs.person_dialogs import ERROR_STYLE, HINT_STYLE


class BasicTab(QWidget):
    """基本信息: the fields, their messages, and the category list with 添加类别."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        form = QFormLayout(self)
        self._build_person(form)
        self._build_categories(form)

    def _build_person(self, form: QFormLayout) -> None:
        self.name = QLineEdit()
        self.name.setMaxLength(40)
        form.addRow(self.tr("姓名(&N)："), self.name)
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(24)
        self.id_number.setPlaceholderText(self.tr("18位身份证号"))
        self.id_message = QLabel()
        self.id_message.setWordWrap(True)
        id_box = QVBoxLayout()
        id_box.setSpacing(2)
        id_box.addWidget(self.id_number)
        id_box.addWidget(self.id_message)
        form.addRow(self.tr("身份证号(&I)："), id_box)
        row = QHBoxLayout()
        self.sex = QComboBox()
        self.sex.addItems(["", "男", "女"])
        self.birth = QLineEdit()
        self.birth.setPlaceholderText(self.tr("如 1950-03-04"))
        self.age_label = QLabel()
        row.addWidget(self.sex)
        row.addWidget(QLabel(self.tr("出生日期：")))
        row.addWidget(self.birth, 1)
        row.addWidget(self.age_label)
        form.addRow(self.tr("性别(&X)："), row)
        self.birth_message = QLabel()
        self.birth_message.setStyleSheet(ERROR_STYLE)
        self.birth_message.hide()
        form.addRow("", self.birth_message)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("手机，或带区号的固定电话"))
        self.phone_message = QLabel()
        self.phone_message.setWordWrap(True)
        self.phone_message.hide()
        phone_box = QVBoxLayout()
        phone_box.setSpacing(2)
        phone_box.addWidget(self.phone)
        phone_box.addWidget(self.phone_message)
        form.addRow(self.tr("电话(&P)："), phone_box)
        place = QHBoxLayout()
        self.village = QComboBox()
        self.village.setEditable(True)
        self.village.addItems([""] + [v for v, _ in recipient_search.villages(self.db)])
        self.group = QLineEdit()
        self.group.setPlaceholderText(self.tr("如 3组"))
        self.group.setMaximumWidth(120)
        place.addWidget(self.village, 2)
        place.addWidget(QLabel(self.tr("组：")))
        place.addWidget(self.group, 1)
        form.addRow(self.tr("村（社区）(&V)："), place)
        self.address = QLineEdit()
        form.addRow(self.tr("居住地址(&A)："), self.address)

    def _build_categories(self, form: QFormLayout) -> None:
        """人员类别: tick the ones that apply; a new one can be typed and added."""
        self.categories = QListWidget()
        self.categories.setFlow(QListWidget.Flow.LeftToRight)
        self.categories.setWrapping(True)
        self.categories.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.categories.setSpacing(2)
        # Room for five rows of labels; more scroll (keeps the card within 768 pixels in large text).
        self.categories.setFixedHeight(int((self.fontMetrics().lineSpacing() + 8) * 5.2))
        for name in recipients.list_categories(self.db):
            self.add_category_item(name)
        add_row = QHBoxLayout()
        self.new_category = QLineEdit()
        self.new_category.setPlaceholderText(self.tr("列表里没有的类别，在这里输入后添加"))
        self.add_category_button = QPushButton(self.tr("添加类别"))
        add_row.addWidget(self.new_category, 1)
        add_row.addWidget(self.add_category_button)
        cats = QVBoxLayout()
        cats.addWidget(self.categories)
        cats.addLayout(add_row)
        form.addRow(self.tr("人员类别(&C)："), cats)

    def add_category_item(self, name: str, checked: bool = False) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.categories.addItem(item)
        return item


class FamilyTab(QWidget):
    """家庭、监护人、银行: the household, the guardian (children) and the bank account."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("家庭户"))
        v = QVBoxLayout(box)
        self.household_label = QLabel()
        self.household_label.setWordWrap(True)
        v.addWidget(self.household_label)
        row = QHBoxLayout()
        self.head = QCheckBox(self.tr("是户主(&H)"))
        self.link_button = QPushButton(self.tr("关联到已登记的家庭成员…"))
        row.addWidget(self.head)
        row.addStretch(1)
        row.addWidget(self.link_button)
        v.addLayout(row)
        layout.addWidget(box)

        box = QGroupBox(self.tr("监护人（儿童填写）"))
        form = QFormLayout(box)
        self.guardian_hint = QLabel()
        self.guardian_hint.setStyleSheet(HINT_STYLE)
        form.addRow(self.guardian_hint)
        self.guardian_name = QLineEdit()
        self.guardian_relation = QComboBox()
        self.guardian_relation.setEditable(True)
        self.guardian_relation.addItems(["", "父亲", "母亲", "祖父", "祖母", "外祖父", "外祖母", "其他亲属"])
        self.guardian_phone = QLineEdit()
        self.guardian_phone_message = QLabel()
        self.guardian_phone_message.setWordWrap(True)
        self.guardian_phone_message.hide()
        form.addRow(self.tr("监护人姓名(&G)："), self.guardian_name)
        form.addRow(self.tr("关系："), self.guardian_relation)
        gp = QVBoxLayout()
        gp.setSpacing(2)
        gp.addWidget(self.guardian_phone)
        gp.addWidget(self.guardian_phone_message)
        form.addRow(self.tr("监护人电话："), gp)
        layout.addWidget(box)

        box = QGroupBox(self.tr("银行与备注"))
        form = QFormLayout(box)
        self.bank_name = QLineEdit()
        self.bank_name.setPlaceholderText(self.tr("如 农村信用社"))
        self.bank_account = QLineEdit()
        self.note = QPlainTextEdit()
        self.note.setFixedHeight(70)
        form.addRow(self.tr("开户行(&B)："), self.bank_name)
        form.addRow(self.tr("银行账号："), self.bank_account)
        form.addRow(self.tr("备注："), self.note)
        layout.addWidget(box)
        layout.addStretch(1)
