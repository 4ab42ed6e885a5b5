"""要办的事 on the home page: the reminders `app.reports.reminders` counts (off the GUI thread),
each line a link that takes the volunteer to the page where it is done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from app.db import Database
from app.reports import reminders
from ui.worker import Job, run_db_job


class RemindersBox(QGroupBox):
    """One link per reminder; `go` carries the page key (recipients, wishes, funds, donations, backups)."""

    go = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("要办的事"))
        self.db, self.today = db, today
        self.items: list[reminders.Reminder] = []
        self.links: list[QLabel] = []
        self.job: Job | None = None
        self._again = False
        self.lines = QVBoxLayout(self)
        self.empty = QLabel(self.tr("正在查看要办的事……"))
        self.lines.addWidget(self.empty)

    def refresh(self) -> None:
        if self.job is not None:
            self._again = True
            return
        source, today = self.db, self.today()

        def work(db: Any, _report: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            return reminders.reminders(db, today=today)

        self.job = run_db_job(source, work, read=True, on_done=self.show_items, on_error=self._failed)

    def show_items(self, items: list[reminders.Reminder]) -> None:
        self.job = None
        self.items = items
        for link in self.links:
            self.lines.removeWidget(link)
            link.deleteLater()
        self.links = []
        self.empty.setText(self.tr("暂时没有要办的事") if not items else "")
        self.empty.setVisible(not items)
        for r in items:
            link = QLabel(f'<a href="{r.page}">{self.tr(r.text)}</a>')
            link.setOpenExternalLinks(False)
            link.linkActivated.connect(self.go.emit)
            link.setToolTip(self.tr("点击前往办理"))
            self.lines.addWidget(link)
            self.links.append(link)
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.empty.setText(self.tr("要办的事没有查出来：%s") % getattr(exc, "message", str(exc)))
        self.empty.setVisible(True)
