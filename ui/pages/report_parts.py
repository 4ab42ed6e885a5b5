"""Parts of the reports page: the period chooser, the export result line and the period's
figures and charts. The page decides what a change means (forget an old refusal, count again)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import CharityDeskError
from app.excel import Cancelled
from app.reports.catalog import KINDS, ReportKind
from app.reports.period import Period, preset_dates
from ui.widgets.charts import BarChart
from ui.widgets.dates import py_date

#: The named periods of `app.reports.period.preset_dates`, and 自定义.
PRESETS = ("今年", "去年", "本月", "上月", "本季度", "上季度", "全部", "自定义")
BREAKDOWNS = ("按基金", "按救助项目", "按人员类别", "按村（社区）")


def _set_quietly(edit: QDateEdit, day: dt.date) -> None:
    edit.blockSignals(True)
    edit.setDate(QDate(day.year, day.month, day.day))
    edit.blockSignals(False)


class PeriodBox(QGroupBox):
    """统计期间: a named period (or 自定义 dates), and the year of a yearly report."""

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.setTitle(self.tr("统计期间"))
        row = QHBoxLayout(self)
        self.preset = QComboBox()
        self.preset.addItems([self.tr(p) for p in PRESETS])
        self.preset.setAccessibleName(self.tr("统计期间"))
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit, name in ((self.date_from, self.tr("起始日期")), (self.date_to, self.tr("截止日期"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setAccessibleName(name)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today().year)
        self.year.setSuffix(self.tr(" 年"))
        self.year.setAccessibleName(self.tr("年度报表的年份"))
        self.year_label = QLabel(self.tr("年度："))
        row.addWidget(self.preset)
        row.addWidget(QLabel(self.tr("从")))
        row.addWidget(self.date_from)
        row.addWidget(QLabel(self.tr("到")))
        row.addWidget(self.date_to)
        row.addSpacing(16)
        row.addWidget(self.year_label)
        row.addWidget(self.year)
        row.addStretch(1)

    def preset_name(self) -> str:
        return PRESETS[self.preset.currentIndex()]

    def apply_preset(self) -> None:
        """Show the chosen named period's dates (自定义 keeps the dates shown, for the person to change)."""
        if self.preset_name() == "自定义":
            return
        start, stop = preset_dates(self.preset_name(), self.today())
        for edit, value in ((self.date_from, start), (self.date_to, stop)):
            if value is not None:
                _set_quietly(edit, value)
        if start is not None:
            self.year.blockSignals(True)
            self.year.setValue(start.year)
            self.year.blockSignals(False)

    def to_custom(self) -> None:
        """Dates typed by hand make the period 自定义."""
        if self.preset_name() != "自定义":
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(PRESETS.index("自定义"))
            self.preset.blockSignals(False)

    def enable(self, yearly: bool) -> None:
        """A yearly report takes the year box only; 全部 has no dates to edit."""
        self.preset.setEnabled(not yearly)
        dates = not yearly and self.preset_name() != "全部"
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(dates)
        self.year.setEnabled(yearly)
        self.year_label.setEnabled(yearly)

    def period(self) -> Period:
        """The chosen period; raises InputError when the start is after the end."""
        if self.preset_name() == "全部":
            return Period()
        return Period(py_date(self.date_from.date()), py_date(self.date_to.date()))

    def chart_period(self, *, yearly: bool) -> Period:
        """The year of a yearly report, else the chosen period."""
        if yearly:
            year = self.year.value()
            return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
        return self.period()

    def show_span(self, first: dt.date, last: dt.date) -> None:
        """The greyed dates of 全部 show what it covers, and are where 自定义 starts from."""
        _set_quietly(self.date_from, first)
        _set_quietly(self.date_to, last)


class ExportResult(QWidget):
    """The line under an export: done (with 打开文件 / 打开所在文件夹), cancelled or refused."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: dict[str, Any] | BaseException | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.open_file_button = QPushButton(self.tr("打开文件"))
        self.open_folder_button = QPushButton(self.tr("打开所在文件夹"))
        self.open_file_button.clicked.connect(lambda: self._open(folder=False))
        self.open_folder_button.clicked.connect(lambda: self._open(folder=True))
        row.addWidget(self.message, 1)
        row.addWidget(self.open_file_button)
        row.addWidget(self.open_folder_button)

    def show_result(self, result: dict[str, Any] | BaseException | None) -> None:
        self.result = result
        ok = isinstance(result, dict)
        self.open_file_button.setVisible(ok)
        self.open_folder_button.setVisible(ok)
        if result is None:
            self.message.setText("")
        elif isinstance(result, Cancelled):
            self.message.setStyleSheet("")
            self.message.setText(self.tr("已取消，没有生成文件。"))
        elif isinstance(result, BaseException):
            text = result.message if isinstance(result, CharityDeskError) else self.tr("程序内部错误：%s") % result
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(self.tr("导出失败：%s") % text)
        else:
            self.message.setStyleSheet("color: #1e6b30;")
            title = KINDS[result["kind"]].title if result["kind"] in KINDS else self.tr("工作站交换文件")
            rows = f"{result.get('rows', 0):,}"
            if "pages" in result:
                text = self.tr("已导出%s（%s 行，%s 页）：%s") % (title, rows, f"{result['pages']:,}", result["path"])
            else:
                text = self.tr("已导出%s（%s 行）：%s") % (title, rows, result["path"])
            self.message.setText(text)

    def _open(self, *, folder: bool) -> None:
        if isinstance(self.result, dict):
            path = Path(self.result["path"])
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent if folder else path)))


class PeriodFigures(QGroupBox):
    """本期收支: the period in words, money in and aid out by month, and one breakdown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("本期收支"))
        v = QVBoxLayout(self)
        head = QHBoxLayout()
        self.summary = QLabel("—")
        self.summary.setWordWrap(True)
        self.breakdown = QComboBox()
        self.breakdown.addItems([self.tr(b) for b in BREAKDOWNS])
        self.breakdown.setAccessibleName(self.tr("右图的分类"))
        head.addWidget(self.summary, 1)
        head.addWidget(QLabel(self.tr("右图：")))
        head.addWidget(self.breakdown)
        v.addLayout(head)
        charts = QHBoxLayout()
        self.by_month = BarChart()
        self.by_part = BarChart(orientation="horizontal")
        charts.addWidget(self.by_month, 3)
        charts.addWidget(self.by_part, 2)
        v.addLayout(charts, 1)

    def show_figures(self, text: str, month: Any, part: Any) -> None:
        self.summary.setText(text)
        self.by_month.set_data(month)
        self.by_part.set_data(part)


class ReportKinds(QWidget):
    """The reports to choose from (one radio button each) with the chosen one's help, and its
    options: 脱敏 (masking) and 存为 PDF, which the page lays out with its buttons. `changed` when
    another report is chosen."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons = QButtonGroup(self)
        self.kinds: list[ReportKind] = list(KINDS.values())
        for i, kind in enumerate(self.kinds):
            button = QRadioButton(kind.title)
            button.setToolTip(kind.help)
            self.buttons.addButton(button, i)
            grid.addWidget(button, i // 3, i % 3)
        self.buttons.button(0).setChecked(True)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #555;")
        grid.addWidget(self.help, (len(self.kinds) + 2) // 3, 0, 1, 3)
        self.mask_box = QCheckBox(self.tr("姓名、身份证号脱敏（对外提供时勾选）"))
        self._mask_wanted = False  # the person's own choice, kept while a report fixes the box
        self.mask_box.clicked.connect(lambda on: setattr(self, "_mask_wanted", on))
        self.as_pdf = QCheckBox(self.tr("存为 PDF（打印张贴）"))
        self.buttons.idToggled.connect(self._toggled)

    def _toggled(self, _id: int, on: bool) -> None:
        if on:
            self.changed.emit()

    def kind(self) -> ReportKind:
        return self.kinds[max(self.buttons.checkedId(), 0)]

    def choose(self, key: str) -> None:
        self.buttons.button([k.key for k in self.kinds].index(key)).setChecked(True)

    def show_options(self) -> None:
        """The chosen report's help, and the options it allows."""
        kind = self.kind()
        self.help.setText(kind.help)
        self.mask_box.setEnabled(kind.maskable)
        # Ticked and fixed for the notice, off where there are no names, else the person's choice.
        self.mask_box.setChecked(self._mask_wanted if kind.maskable else kind.always_masked)
        self.as_pdf.setVisible(".pdf" in kind.suffixes)

    def masked(self) -> bool:
        return self.mask_box.isChecked() and self.kind().maskable

    def suffix(self) -> str:
        return ".pdf" if self.as_pdf.isVisible() and self.as_pdf.isChecked() else ".xlsx"
