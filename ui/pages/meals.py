"""助餐: canteens, the subsidy scheme, who is enrolled (search as everywhere), the month's grid
typed or imported, and the month's statement with 导出 and 确认付款. Slow work (the import, the
PDF) runs on the worker; every rule lives in app/meals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import Database
from app.errors import CharityDeskError
from app.meals import enrolments, scheme, statement
from app.station.accounts import Operator
from ui.pages.meal_dialogs import CanteenDialog, SchemeDialog
from ui.pages.meal_grid_tab import GridTab
from ui.pages.meal_statement_tab import StatementTab
from ui.pages.meal_tables import _item, _table


class MealsPage(GridTab, StatementTab):
    def __init__(self, db: Database, operator: Callable[[], Operator], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.job: Any = None
        self.current: statement.Statement | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("助餐点")))
        self.canteen_box = QComboBox()
        self.canteen_box.setMinimumWidth(160)
        top.addWidget(self.canteen_box)
        self.add_canteen_button = QPushButton(self.tr("添加助餐点…"))
        top.addWidget(self.add_canteen_button)
        top.addWidget(QLabel(self.tr("月份")))
        self.month_edit = QDateEdit()
        self.month_edit.setDisplayFormat("yyyy-MM")
        today = dt.date.today().replace(day=1) - dt.timedelta(days=1)
        self.month_edit.setDate(QDate(today.year, today.month, 1))
        top.addWidget(self.month_edit)
        top.addStretch(1)
        self.scheme_button = QPushButton(self.tr("补贴方案…"))
        top.addWidget(self.scheme_button)
        layout.addLayout(top)
        self.scheme_label = QLabel()
        self.scheme_label.setWordWrap(True)
        layout.addWidget(self.scheme_label)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self._build_enrol_tab()
        self._build_grid_tab()
        self._build_statement_tab()
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        self.add_canteen_button.clicked.connect(self.add_canteen)
        self.scheme_button.clicked.connect(self.edit_scheme)
        self.canteen_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.month_edit.dateChanged.connect(lambda _d: self.refresh())
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self.reload_canteens()

    # ---------- building ----------
    def _build_enrol_tab(self) -> None:
        tab = QWidget()
        v = QVBoxLayout(tab)
        row = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("姓名、拼音首字母或身份证号"))
        self.search_button = QPushButton(self.tr("查找"))
        self.enrol_button = QPushButton(self.tr("登记到本助餐点"))
        row.addWidget(self.search_edit, 1)
        row.addWidget(self.search_button)
        row.addWidget(self.enrol_button)
        v.addLayout(row)
        self.found_table = _table([self.tr("姓名"), self.tr("身份证号"), self.tr("村"), self.tr("年龄"),
                                   self.tr("类别"), self.tr("现在的助餐点")])
        self.found_table.setMaximumHeight(150)
        v.addWidget(self.found_table)
        self.enrolled_label = QLabel()
        v.addWidget(self.enrolled_label)
        self.enrolled_table = _table([self.tr("姓名"), self.tr("身份证号"), self.tr("村"), self.tr("组"),
                                      self.tr("登记自"), self.tr("结束于"), self.tr("原因")])
        v.addWidget(self.enrolled_table, 1)
        row = QHBoxLayout()
        self.leave_button = QPushButton(self.tr("结束登记（退出、迁出、死亡）…"))
        self.show_closed = QPushButton(self.tr("显示已结束的"))
        self.show_closed.setCheckable(True)
        row.addWidget(self.leave_button)
        row.addWidget(self.show_closed)
        row.addStretch(1)
        v.addLayout(row)
        self.tabs.addTab(tab, self.tr("登记"))
        self.search_edit.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.enrol_button.clicked.connect(self.enrol)
        self.leave_button.clicked.connect(self.leave)
        self.show_closed.toggled.connect(lambda _c: self.load_enrolled())

    # ---------- state ----------
    def canteen(self) -> scheme.Canteen | None:
        cid = self.canteen_box.currentData()
        return scheme.get_canteen(self.db, cid) if cid else None

    def month(self) -> str:
        d = self.month_edit.date()
        return f"{d.year():04d}-{d.month():02d}"

    def notify(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.message.setText(text)

    def _guard(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except CharityDeskError as exc:
            self.notify(exc.message, error=True)
            return None

    def reload_canteens(self, select: str | None = None) -> None:
        self.canteen_box.blockSignals(True)
        self.canteen_box.clear()
        for c in scheme.list_canteens(self.db):
            self.canteen_box.addItem(c.name, c.id)
        if select:
            self.canteen_box.setCurrentIndex(max(0, self.canteen_box.findText(select)))
        self.canteen_box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        versions = scheme.schemes(self.db)
        self.scheme_label.setText(self.tr("补贴方案：") + (scheme.describe(versions[-1]) if versions
                                                        else self.tr("还没有设定，请点“补贴方案…”")))
        has = self.canteen() is not None
        for w in (self.enrol_button, self.leave_button, self.import_button, self.save_grid_button,
                  self.pdf_button, self.xlsx_button, self.confirm_button, self.reverse_button):
            w.setEnabled(has)
        index = self.tabs.currentIndex()
        if index == 0:
            self.load_enrolled()
        elif index == 1:
            self.load_grid()
        else:
            self.load_statement()

    # ---------- canteens and scheme ----------
    def add_canteen(self) -> None:
        dlg = CanteenDialog(self)
        if not dlg.exec():
            return
        c = self._guard(lambda: scheme.add_canteen(self.db, self.operator(), **dlg.values()))
        if c:
            self.notify(self.tr("已添加助餐点“%s”") % c.name)
            self.reload_canteens(c.name)

    def edit_scheme(self) -> None:
        from app.funds import funds

        dlg = SchemeDialog([f.name for f in funds.list_funds(self.db)], self)
        if not dlg.exec():
            return
        v = dlg.values()

        def save() -> Any:
            tiers = scheme.parse_tiers(v["tiers"], v["categories"])
            return scheme.set_scheme(self.db, self.operator(), funds.find_fund(self.db, v["fund"]).id, tiers,
                                     cap_week=v["cap_week"], cap_month=v["cap_month"], effective_from=v["from"])
        s = self._guard(save)
        if s:
            self.notify(self.tr("已设定补贴方案：") + scheme.describe(s))
            self.refresh()

    # ---------- enrolment ----------
    def search(self) -> None:
        self.found = enrolments.find_people(self.db, self.search_edit.text().strip())
        t = self.found_table
        t.setRowCount(len(self.found))
        for r, p in enumerate(self.found):
            for c, key in enumerate(("name", "id_number", "village", "age", "categories", "canteen")):
                t.setItem(r, c, _item(p[key]))

    def enrol(self) -> None:
        canteen = self.canteen()
        rows = sorted({i.row() for i in self.found_table.selectedIndexes()})
        if canteen is None or not rows:
            self.notify(self.tr("先查找并选中要登记的人"), error=True)
            return
        ids = [self.found[r]["recipient_id"] for r in rows]
        done = self._guard(lambda: enrolments.enrol(self.db, self.operator(), canteen, ids))
        if done:
            self.notify(self.tr("已在“%s”登记 %d 人") % (canteen.name, len(done)))
            self.search()
            self.load_enrolled()

    def load_enrolled(self) -> None:
        canteen = self.canteen()
        self.enrolled = enrolments.at_canteen(self.db, canteen.id, include_closed=self.show_closed.isChecked()) \
            if canteen else []
        t = self.enrolled_table
        t.setRowCount(len(self.enrolled))
        for r, e in enumerate(self.enrolled):
            for c, v in enumerate((e.name, e.id_number, e.village, e.village_group, e.enrolled_from or "—",
                                   e.closed_on or "", e.closed_reason)):
                t.setItem(r, c, _item(v))
        waiting = enrolments.not_enrolled_of_age(self.db)
        self.enrolled_label.setText(self.tr("本助餐点登记 %d 人；花名册中已到补贴年龄、还没有登记助餐的 %d 人")
                                    % (len(self.enrolled), len(waiting)))

    def leave(self) -> None:
        rows = sorted({i.row() for i in self.enrolled_table.selectedIndexes()})
        if not rows:
            self.notify(self.tr("先选中要结束登记的人"), error=True)
            return
        e = self.enrolled[rows[0]]
        reason, ok = QInputDialog.getItem(self, self.tr("结束登记"), self.tr("%s 结束助餐的原因") % e.name,
                                          list(enrolments.REASONS), 0, False)
        if not ok:
            return
        day, ok = QInputDialog.getText(self, self.tr("结束登记"), self.tr("最后一天（YYYY-MM-DD）"),
                                       text=dt.date.today().isoformat())
        if not ok:
            return
        try:
            on = dt.date.fromisoformat(day.strip())
        except ValueError:
            self.notify(self.tr("日期应写成 YYYY-MM-DD：%s") % day, error=True)
            return
        if self._guard(lambda: enrolments.close(self.db, self.operator(), e.id, on, reason)):
            self.notify(self.tr("%s 的助餐登记到 %s 结束") % (e.name, on.isoformat()))
            self.load_enrolled()

    # ---------- the month's grid ----------
    # ---------- the statement ----------
