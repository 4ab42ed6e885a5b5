"""The forms of the 微心愿 page: a new wish, a claim, a reason (withdraw or cancel), a fulfilment in
money or goods, a pledge. Each checks nothing itself: the service refuses in plain Chinese, the form
shows it and keeps what was typed (the same form as the 基金 page's)."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.db import Database
from app.donations.donations import GoodsLine
from app.errors import InputError, NotFound
from app.recipients import recipients
from app.rules.idcard import normalise
from app.rules.money import format_fen, parse_yuan
from app.station.accounts import Operator
from app.wishes import pledges, wishes
from ui.dialogs.fund_dialogs import _MoneyForm as Form
from ui.widgets.dates import py_date


def person_id(db: Database, id_number: str) -> str:
    text = id_number.strip()
    if not text:
        raise InputError("no_person", "请填写受助对象的身份证号")
    person = recipients.find_by_id_number(db, normalise(text))
    if person is None:
        raise NotFound("no_recipient", f"受助对象名册中没有身份证号 {text}：请先登记此人")
    return person.id


class AddWishDialog(Form):
    def __init__(self, db: Database, operator: Operator, parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("登记心愿"), parent)
        self.child = QLineEdit()
        self.child.setPlaceholderText(self.tr("孩子的身份证号（须已在受助对象名册中）"))
        self.wish = QLineEdit()
        self.wish.setPlaceholderText(self.tr("孩子自己的话，如：想要一个新书包"))
        self.value = QLineEdit()
        self.value.setPlaceholderText(self.tr("不超过 %s 元") % format_fen(wishes.cap_fen(db)))
        self.school = QLineEdit()
        self.story = QPlainTextEdit()
        self.story.setFixedHeight(70)
        self.checked_by = QLineEdit()
        self.checked_on = self.date_box()
        for label, w in ((self.tr("孩子"), self.child), (self.tr("心愿"), self.wish), (self.tr("价值（元）"), self.value),
                         (self.tr("学校"), self.school), (self.tr("小故事"), self.story),
                         (self.tr("入户核实人"), self.checked_by), (self.tr("核实日期"), self.checked_on)):
            self.form.addRow(label, w)

    def save(self) -> str:
        w = wishes.add_wish(self.db, self.operator, person_id(self.db, self.child.text()), self.wish.text(),
                            parse_yuan(self.value.text()), school=self.school.text(),
                            story=self.story.toPlainText(), checked_by=self.checked_by.text(),
                            checked_on=py_date(self.checked_on.date()) if self.checked_by.text().strip() else None)
        return self.tr("已登记心愿 %s（待审核）") % wishes.code(w.id)


class ClaimDialog(Form):
    def __init__(self, db: Database, operator: Operator, wish_id: str, parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("登记认领"), parent)
        self.wish_id = wish_id
        self.donor = QLineEdit()
        self.donor.setPlaceholderText(self.tr("认领人姓名或单位名称（新名字即新建捐赠人）"))
        self.form.addRow(self.tr("认领人"), self.donor)

    def save(self) -> str:
        w = wishes.claim(self.db, self.operator, self.wish_id, self.donor.text())
        return self.tr("%s 已认领，请在 %s 前联系") % (w.claimant, w.contact_by)


class ReasonDialog(Form):
    """Withdraw a claim (`unclaim`) or cancel a wish (`cancel`), with a reason."""

    def __init__(self, db: Database, operator: Operator, wish_id: str, action: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("撤销认领") if action == "unclaim" else self.tr("取消心愿"), parent)
        self.wish_id, self.action = wish_id, action
        self.reason = QLineEdit()
        self.form.addRow(self.tr("原因"), self.reason)

    def save(self) -> str:
        if self.action == "unclaim":
            wishes.unclaim(self.db, self.operator, self.wish_id, self.reason.text())
            return self.tr("已撤销认领，心愿回到已发布")
        wishes.cancel(self.db, self.operator, self.wish_id, self.reason.text())
        return self.tr("已取消心愿")


class FulfilDialog(Form):
    def __init__(self, db: Database, operator: Operator, wish_id: str, parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("实现心愿"), parent)
        self.wish_id = wish_id
        w = wishes.get_wish(db, wish_id)
        self.kind = QComboBox()
        self.kind.addItem(self.tr("现金"), "cash")
        self.kind.addItem(self.tr("物资"), "goods")
        self.amount_edit = QLineEdit(format_fen(w.value_fen).replace(",", ""))
        self.goods = QLineEdit()
        self.goods.setPlaceholderText(self.tr("物品,数量,单位,单价 如：书包,1,个,120"))
        self.on = self.date_box()
        self.feedback = QLineEdit()
        self.form.addRow(self.tr("心愿"), QLineEdit(f"{w.child}：{w.wish}（{w.claimant}认领）", readOnly=True))
        for label, x in ((self.tr("方式"), self.kind), (self.tr("金额（元）"), self.amount_edit),
                         (self.tr("物资"), self.goods), (self.tr("交付日期"), self.on),
                         (self.tr("家庭反馈"), self.feedback)):
            self.form.addRow(label, x)

    def save(self) -> str:
        goods: list[GoodsLine] = []
        amount = 0
        if self.kind.currentData() == "goods":
            parts = [p.strip() for p in re.split(r"[,，]", self.goods.text())]
            if len(parts) != 4:
                raise InputError("bad_goods", "物资应写成 物品,数量,单位,单价")
            goods = [GoodsLine(parts[0], parts[1], parts[2], parse_yuan(parts[3]))]
        else:
            amount = parse_yuan(self.amount_edit.text())
        f = wishes.fulfil(self.db, self.operator, self.wish_id, amount_fen=amount, goods=goods,
                          on=py_date(self.on.date()), feedback=self.feedback.text())
        self.receipt = f.receipt
        return self.tr("心愿已实现，收据编号 %s") % f.receipt


class PledgeDialog(Form):
    def __init__(self, db: Database, operator: Operator, parent: QWidget | None = None) -> None:
        super().__init__(db, operator, self.tr("登记认捐 / 结对"), parent)
        self.donor = QLineEdit()
        self.amount_edit = QLineEdit()
        self.person = QLineEdit()
        self.person.setPlaceholderText(self.tr("结对对象的身份证号（可不填）"))
        self.due = QLineEdit()
        self.due.setPlaceholderText("YYYY-MM-DD")
        for label, x in ((self.tr("认捐人"), self.donor), (self.tr("金额（元）"), self.amount_edit),
                         (self.tr("结对对象"), self.person), (self.tr("约定日期"), self.due)):
            self.form.addRow(label, x)

    def save(self) -> str:
        amount = parse_yuan(self.amount_edit.text(), allow_zero=True)
        due = None
        if self.due.text().strip():
            try:
                due = dt.date.fromisoformat(self.due.text().strip())
            except ValueError:
                raise InputError("bad_date", f"约定日期应写成 YYYY-MM-DD：{self.due.text()}") from None
        rid = person_id(self.db, self.person.text()) if self.person.text().strip() else None
        p = pledges.add_pledge(self.db, self.operator, self.donor.text(), amount, recipient_id=rid, due_on=due)
        return self.tr("已登记 %s 认捐 ¥%s") % (p.donor, format_fen(p.promised_fen))
