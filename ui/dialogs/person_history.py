"""The person card's 状态与历史 tab: in the register or closed (with the buttons that change it), and
who changed what and when. One tab of `PersonCard`; meals, wishes and flags come as tabs like it."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import audit
from app.db import Database
from app.recipients import recipients
from app.recipients import search as recipient_search
from app.station import accounts
from ui.dialogs.person_dialogs import HINT_STYLE


class HistoryTab(QWidget):
    """The status line with 注销…/恢复在册 (the card connects them) and the table of changes."""

    def __init__(self, db: Database, operator: accounts.Operator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.recipient_id: str | None = None
        self._actions = {"create": self.tr("登记"), "update": self.tr("修改"), "close": self.tr("注销"),
                         "reopen": self.tr("恢复在册")}
        self._fields = {
            "name": self.tr("姓名"), "id_number": self.tr("身份证号"), "sex": self.tr("性别"),
            "birth_date": self.tr("出生日期"), "village": self.tr("村（社区）"), "village_group": self.tr("组"),
            "address": self.tr("居住地址"), "phone": self.tr("电话"), "guardian_name": self.tr("监护人"),
            "guardian_phone": self.tr("监护人电话"), "guardian_relation": self.tr("监护人关系"),
            "bank_name": self.tr("开户行"), "bank_account": self.tr("银行账号"), "note": self.tr("备注"),
            "categories": self.tr("人员类别"), "household_id": self.tr("家庭户"),
            "is_household_head": self.tr("户主"), "status": self.tr("状态"),
            "closed_reason": self.tr("注销原因"), "closed_on": self.tr("注销日期"),
        }
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.close_button = QPushButton(self.tr("注销…"))
        self.reopen_button = QPushButton(self.tr("恢复在册"))
        row.addWidget(self.status_label, 1)
        row.addWidget(self.close_button)
        row.addWidget(self.reopen_button)
        layout.addLayout(row)
        layout.addWidget(QLabel(self.tr("修改记录（谁、什么时候、改了什么）：")))
        self.history = QTableWidget(0, 4)
        self.history.setHorizontalHeaderLabels([self.tr("时间"), self.tr("操作员"), self.tr("操作"),
                                                self.tr("内容")])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.setWordWrap(True)
        layout.addWidget(self.history, 1)
        note = QLabel(self.tr("发放记录和微心愿将在相应功能上线后显示在这里。"))
        note.setStyleSheet(HINT_STYLE)
        layout.addWidget(note)

    def show_status(self, p: recipients.Recipient | None) -> None:
        if p is None:
            self.status_label.setText("")
            self.close_button.hide()
            self.reopen_button.hide()
            return
        if p.status == "active":
            self.status_label.setText(self.tr("状态：在册"))
        else:
            self.status_label.setText(self.tr("状态：已注销（%s，%s）") % (p.closed_reason, p.closed_on or ""))
        self.close_button.setVisible(p.status == "active")
        self.close_button.setEnabled(self.operator.can_write)
        self.reopen_button.setVisible(p.status != "active")
        self.reopen_button.setEnabled(self.operator.is_admin)
        self.reopen_button.setToolTip("" if self.operator.is_admin
                                      else self.tr("只有管理员可以恢复已注销的记录"))

    def show_history(self, recipient_id: str | None) -> None:
        self.recipient_id = recipient_id
        entries = audit.history(self.db, recipient_id) if recipient_id else []
        rows = [[str(e["at"])[:16].replace("T", " "), e["operator"],
                 self._actions.get(e["action"], e["action"]), self._change_text(e)]
                for e in reversed(entries)]
        if recipient_id and not any(e["action"] == "create" for e in entries):
            rows.append(self._bulk_created())
        self.history.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                self.history.setItem(r, c, QTableWidgetItem(text))
        for c in range(3):
            self.history.resizeColumnToContents(c)
        self.history.resizeRowsToContents()

    def _bulk_created(self) -> list[str]:
        """People added in bulk (roster import, demo data) have one audit entry for the batch."""
        assert self.recipient_id is not None
        handle = recipient_search.handle_of(self.db, self.recipient_id)
        row = recipient_search.fetch_rows(self.db, [handle] if handle is not None else []).get(handle or 0)
        if row is None:
            return ["", "", self._actions["create"], ""]
        names = {o.id: o.display_name for o in accounts.list_operators(self.db)}
        names.setdefault(accounts.SYSTEM.id, accounts.SYSTEM.display_name)
        return [str(row["created_at"])[:16].replace("T", " "), names.get(row["created_by"], row["created_by"]),
                self._actions["create"], self.tr("批量登记（花名册导入或演示数据）")]

    def _change_text(self, e: dict[str, Any]) -> str:
        before, after = e.get("before") or {}, e.get("after") or {}
        if e["action"] == "create":
            return self.tr("登记：%s") % after.get("name", "")
        if e["action"] == "close":
            return f"{after.get('closed_reason', '')} {after.get('closed_on', '')}"
        if e["action"] == "reopen":
            return self.tr("原为已注销（%s %s）") % (before.get("closed_reason", ""), before.get("closed_on", ""))
        parts = []
        for key, label in self._fields.items():
            b, a = before.get(key), after.get(key)
            if b == a:
                continue
            if key == "household_id":
                parts.append(self.tr("加入了另一个家庭户") if a else self.tr("离开了家庭户"))
                continue
            if isinstance(a, list) or isinstance(b, list):
                b, a = "、".join(b or []), "、".join(a or [])
            if isinstance(a, bool) or isinstance(b, bool):
                b, a = (self.tr("是") if b else self.tr("否")), (self.tr("是") if a else self.tr("否"))
            parts.append(f"{label}：{b or '—'} → {a or '—'}")
        return "；".join(parts)
