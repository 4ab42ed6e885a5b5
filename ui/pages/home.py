"""首页: the station at a glance — who we help, what came in, what each fund holds, and this
year's money in and aid out by month and by category (figures gathered off the GUI thread)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.db import Database
from app.funds import funds
from app.reports.charts import ChartData, year_charts
from app.rules.money import format_fen
from app.station import overview
from ui.pages.home_reminders import RemindersBox
from ui.widgets.charts import BarChart
from ui.worker import Job, run_db_job


class HomePage(QWidget):
    cares = Changes(donations=True, funds=True, recipients=True, distributions=True)

    def __init__(self, db: Database, station_name: str, parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today
        self.chart_job: Job | None = None
        self._chart_wanted = False
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
        self.reminders = RemindersBox(db, self, today=today)
        layout.addWidget(self.reminders)

        charts = QHBoxLayout()
        self.by_month = BarChart()
        self.by_category = BarChart(orientation="horizontal")
        charts.addWidget(self.by_month, 3)
        charts.addWidget(self.by_category, 2)
        layout.addLayout(charts, 2)

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
        self.apply_changes(self.cares)

    def apply_changes(self, what: Changes) -> None:
        """Figures always (one small query); the fund table when money moved; charts for gifts."""
        ov = overview.overview(self.db)
        for key, label in self.figures.items():
            value = getattr(ov, key)
            label.setText(format_fen(value) if key.endswith("_fen") else f"{value:,}")
        if what.funds or what.donations or what.distributions:
            self._show_funds()
        if what.donations:
            self.refresh_charts()
        self.reminders.refresh()  # what needs doing can change with any record

    def _show_funds(self) -> None:
        rows = funds.list_funds(self.db)
        self.funds.setRowCount(len(rows))
        for r, f in enumerate(rows):
            for c, text in enumerate([f.name, format_fen(f.received_fen), format_fen(f.paid_fen),
                                      format_fen(f.balance_fen)]):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.funds.setItem(r, c, item)

    def refresh_charts(self) -> None:
        if self.chart_job is not None:  # a donation saved meanwhile: count again when this one ends
            self._chart_wanted = True
            return
        year = self.today().year

        def work(db: Database, _report: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            return year_charts(db, year)

        self.chart_job = run_db_job(self.db, work, read=True, on_done=self._charts_ready,
                                    on_error=self._charts_failed)

    def _charts_ready(self, charts: tuple[ChartData, ChartData]) -> None:
        self.by_month.set_data(charts[0])
        self.by_category.set_data(charts[1])
        self._again()

    def _charts_failed(self, exc: BaseException) -> None:
        self.by_month.set_data(None)
        self.by_category.set_data(None)
        self._again()

    def _again(self) -> None:
        """Show what was counted, then count again if something changed meanwhile."""
        self.chart_job = None
        if self._chart_wanted:
            self._chart_wanted = False
            self.refresh_charts()
