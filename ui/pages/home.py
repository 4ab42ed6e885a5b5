"""首页: the station at a glance — who we help, what came in, what each fund holds."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import funds, overview
from app.db import Database
from app.money import format_fen


class HomePage(QWidget):
    def __init__(self, db: Database, station_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        layout = QVBoxLayout(self)
        self.title = QLabel(station_name)
        self.title.setObjectName("stationTitle")
        self.title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        layout.addWidget(self.title)

        box = QGroupBox(self.tr("概况"))
        grid = QGridLayout(box)
        self.figures: dict[str, QLabel] = {}
        for i, (key, text) in enumerate([
            ("recipients_active", self.tr("在册受助对象（人）")),
            ("donations_today", self.tr("今日捐赠（笔）")),
            ("received_today_fen", self.tr("今日收到（元）")),
            ("donations_this_year", self.tr("今年捐赠（笔）")),
            ("received_this_year_fen", self.tr("今年收到（元）")),
        ]):
            grid.addWidget(QLabel(text), i // 3 * 2, i % 3)
            value = QLabel("—")
            value.setStyleSheet("font-size: 16pt;")
            grid.addWidget(value, i // 3 * 2 + 1, i % 3)
            self.figures[key] = value
        layout.addWidget(box)

        box = QGroupBox(self.tr("基金余额"))
        v = QVBoxLayout(box)
        # A handful of funds: a small widget table is right here (STYLE: proxies only for small lists).
        self.funds = QTableWidget(0, 4)
        self.funds.setHorizontalHeaderLabels([self.tr("基金"), self.tr("收入（元）"), self.tr("支出（元）"),
                                              self.tr("余额（元）")])
        header = self.funds.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.funds.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.funds.verticalHeader().hide()
        v.addWidget(self.funds)
        layout.addWidget(box, 1)
        self.refresh()

    def refresh(self) -> None:
        ov = overview.overview(self.db)
        for key, label in self.figures.items():
            value = getattr(ov, key)
            label.setText(format_fen(value) if key.endswith("_fen") else f"{value:,}")
        rows = funds.list_funds(self.db)
        self.funds.setRowCount(len(rows))
        for r, f in enumerate(rows):
            for c, text in enumerate([f.name, format_fen(f.received_fen), format_fen(f.paid_fen),
                                      format_fen(f.balance_fen)]):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.funds.setItem(r, c, item)
