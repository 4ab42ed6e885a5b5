"""报表: choose a period and a report, export it off the GUI thread, see the period in charts.

The reports themselves are `app.reports.catalog.KINDS` (the same as `python -m app
export`). An export runs on a pool thread with its own database connection; a
progress bar and a 取消 button stay on the page, and a finished export offers to
open the file or its folder. The charts below follow the chosen period: money in
and aid out by month, and one breakdown (by fund, programme, category or village).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import changes as ops
from app.changes import Changes
from app.db import Database
from app.errors import CharityDeskError
from app.reports.catalog import ReportKind, Request
from app.reports.charts import Figures, chart_figures
from app.reports.period import Period
from app.station import accounts
from ui import settings
from ui.changes import announce
from ui.pages.report_parts import ExportResult, PeriodBox, PeriodFigures, ReportKinds
from ui.worker import Job, every, run_db_job


def _ask_file(page: QWidget, title: str, name: str, suffix: str) -> str | None:
    """Where to save, starting in the last export folder (remembered); None when cancelled."""
    folder = settings.get(settings.EXPORT_FOLDER) or str(Path.home())
    pattern = page.tr("PDF 文件 (*.pdf)") if suffix == ".pdf" else page.tr("Excel 文件 (*.xlsx)")
    chosen, _ = QFileDialog.getSaveFileName(page, title, str(Path(folder) / name), pattern)
    if not chosen:
        return None
    if not chosen.lower().endswith(suffix):
        chosen += suffix
    settings.put(settings.EXPORT_FOLDER, str(Path(chosen).parent))
    return chosen


def _ask_folder(page: QWidget, title: str) -> str | None:
    """A folder (or USB stick), starting in the last export folder (remembered); None when cancelled."""
    start = settings.get(settings.EXPORT_FOLDER) or str(Path.home())
    folder = QFileDialog.getExistingDirectory(page, title, start)
    if folder:
        settings.put(settings.EXPORT_FOLDER, folder)
    return folder or None


def _station_file(db: Database, folder: Path, period: Period, today: dt.date,
                  report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> dict[str, Any]:
    """The station exchange file for `period`, named by station and end date, into `folder`."""
    from app.station.station import identity
    from app.township.station_file import export_station

    me = identity(db)
    stop = period.date_to or today
    name = f"交换文件_{me['station_code']}_{me['name']}_{stop:%Y%m%d}.xlsx"
    result = export_station(db, folder / name, period.date_from, period.date_to, today=today,
                            progress=report, cancelled=cancelled)
    return {**result, "kind": "station"}


class ReportsPage(QWidget):
    cares = Changes(donations=True, funds=True, distributions=True)

    def __init__(self, db: Database, parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] = dt.date.today,
                 operator: Callable[[], accounts.Operator] = lambda: accounts.SYSTEM) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.today = today
        self.export_job: Job | None = None
        self.chart_job: Job | None = None
        self.last_result: dict[str, Any] | BaseException | None = None
        self._yearly = False  # the chosen report covers a year (the year box), not the dates
        self._chart_wanted = False
        self._charts_skipped = False  # the count came due while the page was hidden
        layout = QVBoxLayout(self)

        self.period_box = PeriodBox(today)
        pb = self.period_box
        self.preset, self.date_from, self.date_to = pb.preset, pb.date_from, pb.date_to
        self.year, self.year_label = pb.year, pb.year_label
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._dates_edited)
        self.year.valueChanged.connect(self._year_changed)
        layout.addWidget(pb)
        self._build_export(layout)
        self.figures = PeriodFigures()
        self.summary, self.breakdown = self.figures.summary, self.figures.breakdown
        self.by_month, self.by_part = self.figures.by_month, self.figures.by_part
        self.breakdown.currentIndexChanged.connect(self.refresh_charts)
        layout.addWidget(self.figures, 1)

        self._chart_timer = QTimer(self, singleShot=True, interval=250)
        self._chart_timer.timeout.connect(self._charts_due)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.preset.setCurrentIndex(0)
        self._preset_chosen()
        self._kind_changed()
        self._busy(False)
        self._show_done(None)

    def _build_export(self, layout: QVBoxLayout) -> None:
        """导出报表: the report kinds, their options, progress and the result."""
        box = QGroupBox(self.tr("导出报表"))
        grid = QGridLayout(box)
        self.report_kinds = ReportKinds()
        self.kinds = self.report_kinds.kinds
        self.kind_buttons, self.help = self.report_kinds.buttons, self.report_kinds.help
        self.mask_box, self.as_pdf = self.report_kinds.mask_box, self.report_kinds.as_pdf
        self.report_kinds.changed.connect(self._kind_changed)
        grid.addWidget(self.report_kinds, 0, 0, 1, 3)
        rows = 1
        options = QHBoxLayout()
        self.export_button = QPushButton(self.tr("导出……"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.export())
        self.township_button = QPushButton(self.tr("导出给乡镇……"))
        self.township_button.setToolTip(self.tr("把本期的登记名册、发放明细、捐赠和基金余额写成一个交换文件，"
                                                "存到选定的文件夹或U盘，交给乡镇汇总"))
        self.township_button.clicked.connect(lambda: self.export_to_township())
        options.addWidget(self.mask_box)
        options.addWidget(self.as_pdf)
        options.addStretch(1)
        self.flags_button = QPushButton(self.tr("导入乡镇回执……"))
        self.flags_button.setToolTip(self.tr("乡镇汇总后发回的回执：在其他站领取或登记过的人会带上提示（不影响发放）"))
        self.flags_button.clicked.connect(lambda: self.import_flags())
        options.addWidget(self.flags_button)
        options.addWidget(self.township_button)
        options.addWidget(self.export_button)
        grid.addLayout(options, rows + 1, 0, 1, 3)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%v / %m 行"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        grid.addLayout(progress_row, rows + 2, 0, 1, 3)
        self.result_row = ExportResult()
        self.message = self.result_row.message
        self.open_file_button = self.result_row.open_file_button
        self.open_folder_button = self.result_row.open_folder_button
        grid.addWidget(self.result_row, rows + 3, 0, 1, 3)
        layout.addWidget(box)

    # ---------- period ----------
    def _preset_chosen(self) -> None:
        self._forget_failure()
        self.period_box.apply_preset()
        self._enable_period()
        self._chart_timer.start()

    def _enable_period(self) -> None:
        self._yearly = self.kind().covers == "year"
        self.period_box.enable(self._yearly)

    def _year_changed(self) -> None:
        self._forget_failure()
        if self.kind().covers == "year":
            self._chart_timer.start()

    def _forget_failure(self) -> None:
        """A refusal is about the choice that was made; once the choice changes it is old news."""
        if isinstance(self.last_result, BaseException):
            self._show_done(None)

    def _dates_edited(self) -> None:
        self._forget_failure()
        self.period_box.to_custom()
        self._chart_timer.start()

    def period(self) -> Period:
        """The chosen period; raises InputError when the start is after the end."""
        return self.period_box.period()

    def chart_period(self) -> Period:
        """What the charts show: the year of a yearly report, else the chosen period."""
        return self.period_box.chart_period(yearly=self.kind().covers == "year")

    # ---------- report choice ----------
    def kind(self) -> ReportKind:
        return self.report_kinds.kind()

    def choose(self, key: str) -> None:
        self.report_kinds.choose(key)

    def _kind_changed(self) -> None:
        self._forget_failure()
        kind = self.kind()
        self.report_kinds.show_options()
        was_yearly = self._yearly
        self._enable_period()
        if was_yearly != (kind.covers == "year"):
            self._chart_timer.start()  # the charts follow the year box, or the period again

    def request(self, path: Path) -> Request:
        """What to export; a yearly report ignores the dates (so dates in the wrong order don't stop it)."""
        period = Period() if self.kind().covers == "year" else self.period()
        return Request(path=path, period=period, year=self.year.value(),
                       mask=self.report_kinds.masked())

    # ---------- export ----------
    def export(self, path: str | None = None) -> Job | None:
        """Ask where to save (unless `path`), then write the report on a pool thread."""
        if self.export_job is not None:
            return None
        kind = self.kind()
        suffix = self.report_kinds.suffix()
        try:
            req = self.request(Path(path or "x" + suffix))
        except CharityDeskError as exc:
            self._show_done(exc)
            return None
        if path is None:
            chosen = _ask_file(self, self.tr("导出%s") % kind.title, kind.file_name(req, suffix), suffix)
            if not chosen:
                return None
            req = Request(Path(chosen), req.period, req.year, req.mask)

        def work(db: Database, report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            return kind.export(db, req, progress=every(50, report), cancelled=cancelled)

        return self._start(work)

    def export_to_township(self, folder: str | None = None) -> Job | None:
        """报表 → 导出给乡镇: the station exchange file for the chosen period, into a chosen folder."""
        if self.export_job is not None:
            return None
        try:
            period = self.period()
        except CharityDeskError as exc:
            self._show_done(exc)
            return None
        chosen = folder or _ask_folder(self, self.tr("选择保存交换文件的文件夹或U盘"))
        if not chosen:
            return None
        today = self.today()
        return self._start(lambda db, report, cancelled: _station_file(db, Path(chosen), period, today,
                                                                       report, cancelled))

    def import_flags(self, path: str | None = None) -> None:
        """The township's return file: a small file, read at once; a file for another station is refused."""
        from app.township.returns import import_flags

        if path is None:
            start = settings.get(settings.EXPORT_FOLDER) or str(Path.home())
            path, _ = QFileDialog.getOpenFileName(self, self.tr("选择乡镇发回的回执文件"), start,
                                                  self.tr("Excel 文件 (*.xlsx)"))
            if not path:
                return
        try:
            r = import_flags(self.db, self.operator(), path)
        except CharityDeskError as exc:
            self._show_done(exc)
            self.message.setText(self.tr("回执没有导入：%s") % exc.message)
            return
        announce(ops.RECIPIENT_FLAGS_IMPORTED, by=self)
        self._show_done(None)
        self.message.setStyleSheet("color: #1e6b30;")
        self.message.setText(self.tr("已导入乡镇回执：%s 人带上提示（见受助对象卡片和发放名单）。") % r["people"])

    def _start(self, work: Callable[[Database, Callable[[int, int], None], Callable[[], bool]], Any]) -> Job:
        self._show_done(None)
        self.progress.setRange(0, 0)  # busy until the first figure arrives
        self._busy(True)
        # Not a snapshot: an export writes its line in the audit log.
        self.export_job = run_db_job(self.db, work, read=False, on_done=self._exported, on_error=self._failed,
                                     on_progress=self._progress)
        return self.export_job

    def cancel(self) -> None:
        if self.export_job is not None:
            self.export_job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText(self.tr("正在取消……"))

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))

    def _busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        self.township_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)

    def _exported(self, result: dict[str, Any]) -> None:
        self.export_job = None
        self._busy(False)
        self._show_done(result)

    def _failed(self, exc: BaseException) -> None:
        self.export_job = None
        self._busy(False)
        self._show_done(exc)

    def _show_done(self, result: dict[str, Any] | BaseException | None) -> None:
        self.last_result = result
        self.result_row.show_result(result)

    # ---------- charts ----------
    def refresh(self) -> None:
        """Called when the page is shown: the figures may have changed since."""
        self._chart_timer.start()

    def _charts_due(self) -> None:
        """A hidden page (another page in front, the window closed) counts when it is shown."""
        if self.isVisible():
            self.refresh_charts()
        else:
            self._charts_skipped = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._charts_skipped:
            self._charts_skipped = False
            self._chart_timer.start()

    def refresh_charts(self) -> None:
        if self.chart_job is not None:  # one at a time; the newest choice runs when this one ends
            self._chart_wanted = True
            return
        try:
            period = self.chart_period()
        except CharityDeskError as exc:
            self.summary.setText(exc.message)
            self.by_month.set_data(None)
            self.by_part.set_data(None)
            return
        part = self.breakdown.currentIndex()

        def work(db: Database, _report: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            return chart_figures(db, period, part)  # a snapshot: the summary and both charts from one moment

        self.chart_job = run_db_job(self.db, work, read=True, on_done=self._charts_ready,
                                    on_error=self._charts_failed)

    def _charts_ready(self, figures: Figures) -> None:
        if self._again():  # the person chose another period meanwhile: these figures are for the old one
            return
        text, month, part, first_last = figures
        if first_last is not None and self.period_box.preset_name() == "全部" and not self._yearly:
            self.period_box.show_span(*first_last)
        self.figures.show_figures(text, month, part)

    def _charts_failed(self, exc: BaseException) -> None:
        if self._again():  # the person has chosen again meanwhile: try that
            return
        self.summary.setText(self.tr("统计失败：%s") % exc)

    def _again(self) -> bool:
        self.chart_job = None
        if self._chart_wanted:
            self._chart_wanted = False
            self.refresh_charts()
            return True
        return False
