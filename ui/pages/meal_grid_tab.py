"""The 助餐 page's 就餐记录 tab: the month's grid typed in the window, or a canteen's sheet imported."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import CharityDeskError
from app.imports.meals import import_month
from app.meals import counts, enrolments
from ui.pages.meal_tables import MealsBase, _item, _table  # noqa: F401
from ui.worker import run_db_job


class GridTab(MealsBase):
    """Part of `MealsPage` (it shares the page's widgets and state): the 就餐记录 tab."""

    def _build_grid_tab(self) -> None:
        tab = QWidget()
        v = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.import_button = QPushButton(self.tr("导入就餐表…"))
        self.save_grid_button = QPushButton(self.tr("保存录入"))
        row.addWidget(self.import_button)
        row.addWidget(self.save_grid_button)
        row.addWidget(QLabel(self.tr("每格填当天餐次（空 = 没来）")))
        row.addStretch(1)
        v.addLayout(row)
        self.grid = QTableWidget(0, 1 + counts.DAYS)
        self.grid.setHorizontalHeaderLabels([self.tr("姓名")] + [str(d) for d in range(1, counts.DAYS + 1)])
        self.grid.horizontalHeader().setDefaultSectionSize(26)
        self.grid.setColumnWidth(0, 110)
        v.addWidget(self.grid, 1)
        self.tabs.addTab(tab, self.tr("就餐记录"))
        self.import_button.clicked.connect(self.import_file)
        self.save_grid_button.clicked.connect(self.save_grid)
        self.grid_people: list[str] = []

    def load_grid(self) -> None:
        canteen = self.canteen()
        self.grid.setRowCount(0)
        self.grid_people = []
        if canteen is None:
            return
        month = self.month()
        have = counts.month_grid(self.db, canteen.id, month)
        people = enrolments.at_canteen(self.db, canteen.id, include_closed=True)
        n = counts.month_days(month)
        self.grid.setRowCount(len(people))
        for r, e in enumerate(people):
            self.grid_people.append(e.recipient_id)
            self.grid.setItem(r, 0, _item(e.name + (f"（{e.village_group}）" if e.village_group else "")))
            days = have.get(e.recipient_id) or []
            for d in range(1, counts.DAYS + 1):
                v = days[d - 1] if len(days) >= d else 0
                it = QTableWidgetItem(str(v) if v else "")
                if d > n:
                    it.setFlags(Qt.ItemFlag.NoItemFlags)
                self.grid.setItem(r, d, it)

    def save_grid(self) -> None:
        canteen = self.canteen()
        if canteen is None:
            return
        data: dict[str, list[int]] = {}
        for r, rid in enumerate(self.grid_people):
            days = []
            for d in range(1, counts.DAYS + 1):
                it = self.grid.item(r, d)
                text = it.text().strip() if it else ""
                try:
                    days.append(counts.parse_mark(text))
                except ValueError:
                    self.grid.setCurrentCell(r, d)
                    self.notify(self.tr("第 %d 行：") % (r + 1) + counts.mark_problem(text, d), error=True)
                    return
            data[rid] = days
        n = self._guard(lambda: counts.save_grid(self.db, self.operator(), canteen, self.month(), data))
        if n is not None:
            self.notify(self.tr("已保存 %s 的就餐记录：%d 人") % (self.month(), n))

    def import_file(self) -> None:
        canteen = self.canteen()
        if canteen is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入就餐表"), "",
                                              self.tr("表格 (*.xlsx *.xls *.csv)"))
        if not path:
            return
        self.import_button.setEnabled(False)
        month, actor = self.month(), self.operator()

        def done(result: Any) -> None:
            self.import_button.setEnabled(True)
            lines = [result.message] + [f"第 {p.row} 行 {p.column}：{p.message}" for p in result.errors[:8]]
            self.notify("\n".join(lines), error=result.refused)
            self.load_grid()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            self.notify(exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc,
                        error=True)

        self.job = run_db_job(self.db, lambda own, _report, _cancelled: import_month(own, actor, path, canteen.id, month),
                              read=False, on_done=done, on_error=failed)
