"""The person card's 助餐 tab: the meals a person had each month at which canteen, and the subsidy
paid for them (confirmed statements only). Read-only; enrolment is done on the 助餐 page."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.meals import statement
from app.rules.money import format_fen


class MealsTab(QWidget):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("月份"), self.tr("助餐点"), self.tr("就餐次数"),
                                              self.tr("补贴次数"), self.tr("补贴（元）")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table, 1)

    def show_person(self, recipient_id: str | None) -> None:
        rows = statement.person_months(self.db, recipient_id) if recipient_id else []
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            paid = row["subsidy_fen"]
            cells = [row["month"], row["canteen"], str(row["meals"]),
                     "" if row["subsidised"] is None else str(row["subsidised"]),
                     self.tr("未结算") if paid is None else format_fen(paid)]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.summary.setText(self.tr("没有助餐记录") if not rows else
                             self.tr("共 %d 个月的就餐记录") % len(rows))
