"""Parts of the register page: the filter row over the table, and the table's columns (which to
show, in what order, remembered in settings)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QWidget,
)

from app.db import Database
from app.meals import enrolments
from app.recipients import recipients
from app.recipients import search as recipient_search
from app.recipients.search import COLUMNS, DEFAULT_COLUMNS, Filters
from ui import settings
from ui.models.recipient_model import RecipientModel

_WIDTHS = {"name": "中" * 5, "sex": "中" * 3, "age": "中" * 3, "birth_date": "0000-00-00",
           "id_number": "00000000000000000X", "village": "中" * 6, "village_group": "中" * 3,
           "categories": "中" * 9, "phone": "0000-00000000", "household_head": "中" * 3,
           "guardian_name": "中" * 5, "guardian_phone": "0000-00000000", "address": "中" * 10,
           "bank_name": "中" * 6, "bank_account": "0000000000000000000", "status": "中" * 6,
           "note": "中" * 10, "created_at": "0000-00-00 00:00"}


def parse_columns(text: str) -> list[str]:
    """The remembered column list ("name,age,…"), known keys only; the default if none."""
    keys = [k for k in dict.fromkeys((text or "").split(",")) if k in COLUMNS]
    if "name" not in keys:
        keys.insert(0, "name")
    return keys if len(keys) > 1 else list(DEFAULT_COLUMNS)


def _fit_popup(combo: QComboBox) -> None:
    """Let a combo's drop-down list be wide enough for its longest item."""
    fm = combo.view().fontMetrics()
    widest = max((fm.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
    combo.view().setMinimumWidth(widest + 40)



def register_table(model: RecipientModel) -> QTableView:
    """The register's table: whole rows, one at a time, movable columns with a context menu, sortable."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = table.horizontalHeader()
    header.setSectionsMovable(True)
    header.setHighlightSections(False)
    header.setStretchLastSection(True)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    table.setSortingEnabled(True)
    return table


class RecipientFilters(QWidget):
    """Category, village, status, age band (on a day) and programme; `changed` when one changes."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._build()
        for combo in (self.category, self.village, self.status, self.age, self.programme, self.meals):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.age_on.dateChanged.connect(lambda _d: self.changed.emit())

    def _build(self) -> None:
        filters = QHBoxLayout(self)
        filters.setContentsMargins(0, 0, 0, 0)
        self.category = QComboBox()
        self.village = QComboBox()
        self.status = QComboBox()
        for text, value in ((self.tr("在册"), "active"), (self.tr("已注销"), "inactive"),
                            (self.tr("迁出"), "moved"), (self.tr("去世"), "deceased"),
                            (self.tr("不再符合条件"), "closed"), (self.tr("全部状态"), None)):
            self.status.addItem(text, value)
        self.age = QComboBox()
        for text, band in ((self.tr("全部年龄"), None), (self.tr("14岁及以下"), (None, 14)),
                           (self.tr("未满18岁"), (None, 17)), (self.tr("18–59岁"), (18, 59)),
                           (self.tr("60岁及以上"), (60, None)), (self.tr("70岁及以上"), (70, None)),
                           (self.tr("80岁及以上"), (80, None)), (self.tr("90岁及以上"), (90, None))):
            self.age.addItem(text, band)
        _fit_popup(self.status)
        _fit_popup(self.age)
        self.age_on = QDateEdit(QDate.currentDate())
        self.age_on.setCalendarPopup(True)
        self.age_on.setDisplayFormat("yyyy-MM-dd")
        self.age_on.setToolTip(self.tr("按这一天的周岁计算年龄"))
        self.programme = QComboBox()
        self.meals = QComboBox()  # 助餐: who eats at a canteen, who has reached the scheme's age and not
        for text, value in ((self.tr("全部助餐"), None), (self.tr("已登记助餐"), "enrolled"),
                            (self.tr("到龄未登记"), "of_age_not_enrolled")):
            self.meals.addItem(text, value)
        # Combos may shrink below their longest item (the list still shows it in full),
        # so the page fits a 1024×768 screen in large text too.
        for combo, chars in ((self.category, 5), (self.village, 6), (self.status, 4), (self.age, 6),
                             (self.programme, 4), (self.meals, 5)):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(chars)
        filters.addWidget(self.category)
        filters.addWidget(self.village)
        filters.addWidget(self.status)
        filters.addWidget(self.age)
        self.age_on_label = QLabel(self.tr("截至"))
        filters.addWidget(self.age_on_label)
        filters.addWidget(self.age_on)
        filters.addWidget(self.programme)
        filters.addWidget(self.meals)
        filters.addStretch(1)

    def fill_choices(self) -> None:
        """Categories, villages and programmes as they are now; keep what was chosen."""
        def refill(combo: QComboBox, first: str, items: list[tuple[str, Any]]) -> None:
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for text, value in items:
                combo.addItem(text, value)
            i = combo.findData(keep)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
            _fit_popup(combo)

        refill(self.category, self.tr("全部类别"), [(c, c) for c in recipients.list_categories(self.db)])
        refill(self.village, self.tr("全部村居"),
               [(self.tr("%s（%s人）") % (v, f"{n:,}"), v) for v, n in recipient_search.villages(self.db)])
        programmes = recipient_search.programmes(self.db)
        refill(self.programme, self.tr("全部项目"), [(self.tr("领过：%s") % name, pid) for pid, name in programmes])
        usable = bool(programmes) and recipient_search.supports_programme_filter(self.db)
        self.programme.setEnabled(usable)
        self.programme.setToolTip(self.tr("只看领过某个救助项目的人") if usable
                                  else self.tr("还没有救助项目和发放记录"))

    def filters(self) -> Filters:
        band = self.age.currentData()
        d = self.age_on.date()
        return Filters(category=self.category.currentData(), village=self.village.currentData(),
                       status=self.status.currentData(), min_age=band[0] if band else None,
                       max_age=band[1] if band else None,
                       age_on=dt.date(d.year(), d.month(), d.day()) if band else None,
                       programme_id=self.programme.currentData(), meals=self.meals.currentData(),
                       meals_age=enrolments.scheme_age(self.db) if self.meals.currentData() else None)

    def show_age_day(self) -> None:
        """The day ages are counted on matters only with an age band."""
        banded = self.age.currentData() is not None
        self.age_on.setVisible(banded)
        self.age_on_label.setVisible(banded)


class RecipientColumns(QObject):
    """The table's columns: shown ones in the person's order, remembered; 姓名 always shows."""

    def __init__(self, table: QTableView, model: RecipientModel) -> None:
        super().__init__(table)
        self.table = table
        self.model = model
        table.installEventFilter(self)

    def visible_columns(self) -> list[str]:
        """Shown columns in the order the person arranged them."""
        header = self.table.horizontalHeader()
        order = sorted(range(len(COLUMNS)), key=header.visualIndex)
        return [COLUMNS[i] for i in order if not header.isSectionHidden(i)]

    def apply_columns(self, keys: list[str]) -> None:
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        try:
            shown = [k for k in keys if k in COLUMNS]
            for visual, key in enumerate(shown + [k for k in COLUMNS if k not in shown]):
                logical = COLUMNS.index(key)
                header.moveSection(header.visualIndex(logical), visual)
                header.setSectionHidden(logical, key not in shown)
        finally:
            header.blockSignals(False)
        self.size_columns()
        header.viewport().update()

    def save(self) -> None:
        settings.put(settings.RECIPIENT_COLUMNS, ",".join(self.visible_columns()))

    def menu_at(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """The header's context menu: tick the columns to show; 姓名 always shows."""
        menu = QMenu(self.table)
        shown = set(self.visible_columns())
        for key in COLUMNS:
            action = QAction(self.model.header_label(key), menu)
            action.setCheckable(True)
            action.setChecked(key in shown)
            action.setEnabled(key != "name")
            action.setData(key)
            action.toggled.connect(lambda on, k=key: self.show_column(k, on))
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.tr("恢复默认列"), self.reset_columns)
        return menu

    def show_column(self, key: str, on: bool) -> None:
        if key == "name" and not on:
            return
        self.table.horizontalHeader().setSectionHidden(COLUMNS.index(key), not on)
        self.save()

    def reset_columns(self) -> None:
        self.apply_columns(list(DEFAULT_COLUMNS))
        self.save()

    def size_columns(self) -> None:
        fm = self.table.fontMetrics()
        for i, key in enumerate(COLUMNS):
            self.table.setColumnWidth(i, fm.horizontalAdvance(_WIDTHS[key]) + 20)

    def size_rows(self) -> None:
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.table and event.type() == QEvent.Type.FontChange:  # large text on or off
            self.size_columns()
            self.size_rows()
        return super().eventFilter(watched, event)
