"""受助对象: the register — search as you type, filters, a lazy table, the person card, export.

Typing restarts a 150 ms timer; when it fires the query runs in SQLite and
the model (row handles only) is reset. Columns are chosen from the header's
context menu and dragged into order; both are remembered (settings
RECIPIENT_COLUMNS). Down arrow in the search box moves into the table,
Enter opens the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QHideEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import changes as ops
from app.changes import Changes
from app.db import Database
from app.errors import CharityDeskError
from app.excel import Cancelled
from app.meals import enrolments
from app.recipients import recipients
from app.recipients import search as recipient_search
from app.recipients.search import COLUMNS, DEFAULT_COLUMNS, Filters
from app.station.accounts import Operator
from ui import settings
from ui.changes import announce
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.person_card import PersonCard
from ui.models.recipient_model import RecipientModel
from ui.worker import Job, every, run_db_job

#: Default column widths, as the text they should fit (measured in the current font).
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


class RecipientsPage(QWidget):
    cares = Changes(recipients=True)

    def __init__(self, db: Database, operator: Operator | Callable[[], Operator],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._operator: Callable[[], Operator] = operator if callable(operator) else (lambda: operator)
        self.export_job: Job | None = None
        self.progress: QProgressDialog | None = None
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("搜索姓名、拼音（如 wxy）、身份证号、电话、村"))
        self.search.installEventFilter(self)
        top.addWidget(self.search, 1)
        self.add_button = QPushButton(self.tr("新增(&N)"))
        self.add_button.clicked.connect(self.add_person)
        self.open_button = QPushButton(self.tr("打开(&O)"))
        self.open_button.clicked.connect(self.open_current)
        self.export_button = QPushButton(self.tr("导出(&E)"))
        menu = QMenu(self.export_button)
        menu.addAction(self.tr("导出 Excel（完整信息）…"), lambda: self.export(mask=False))
        menu.addAction(self.tr("导出 Excel（脱敏，可对外公布）…"), lambda: self.export(mask=True))
        self.export_button.setMenu(menu)
        self.import_button = QPushButton(self.tr("导入花名册(&I)…"))
        self.import_button.clicked.connect(lambda: self.open_import())
        self.import_wizard: ImportWizard | None = None
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.count_label.setStyleSheet("font-weight: bold; padding: 0 6px;")
        top.addWidget(self.count_label)
        for b in (self.add_button, self.open_button, self.export_button, self.import_button):
            top.addWidget(b)
        layout.addLayout(top)

        filters = QHBoxLayout()
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
        layout.addLayout(filters)

        self.model = RecipientModel(db, self)
        self.model.on_counted = self._show_count
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table, self.open_current)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Ctrl+F"), self, self.focus_search)
        layout.addWidget(self.table, 1)
        self.apply_columns(parse_columns(settings.get(settings.RECIPIENT_COLUMNS)))
        header.sectionMoved.connect(lambda *_: self._save_columns())
        self._size_rows()

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(150)
        self.timer.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.search.returnPressed.connect(self._search_now)
        for combo in (self.category, self.village, self.status, self.age, self.programme, self.meals):
            combo.currentIndexChanged.connect(lambda _i: self.run_query())
        self.age_on.dateChanged.connect(lambda _d: self.run_query())
        self._fill_choices()
        self.run_query()

    # ---------- operator ----------
    @property
    def operator(self) -> Operator:
        return self._operator()

    def _permissions(self) -> None:
        can = self.operator.can_write
        self.add_button.setEnabled(can)
        self.add_button.setToolTip("" if can else self.tr("只读账号不能新增"))
        self.import_button.setEnabled(can)
        self.import_button.setToolTip(
            self.tr("从 Excel 花名册导入受助对象（也可以用命令行 python -m app import-recipients 花名册.xlsx）")
            if can else self.tr("只读账号不能导入（命令行 python -m app import-recipients 也需要可写账号）"))

    # ---------- choices and queries ----------
    def _fill_choices(self) -> None:
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
        self._permissions()

    def filters(self) -> Filters:
        band = self.age.currentData()
        d = self.age_on.date()
        return Filters(category=self.category.currentData(), village=self.village.currentData(),
                       status=self.status.currentData(), min_age=band[0] if band else None,
                       max_age=band[1] if band else None,
                       age_on=dt.date(d.year(), d.month(), d.day()) if band else None,
                       programme_id=self.programme.currentData(), meals=self.meals.currentData(),
                       meals_age=enrolments.scheme_age(self.db) if self.meals.currentData() else None)

    def run_query(self) -> None:
        self.timer.stop()
        banded = self.age.currentData() is not None
        self.age_on.setVisible(banded)
        self.age_on_label.setVisible(banded)
        self.model.set_query(self.search.text(), self.filters())

    def _search_now(self) -> None:
        self.run_query()
        if self.model.rowCount() == 1:
            self.open_row(0)
        elif self.model.rowCount():
            self.focus_table()

    def _show_count(self, n: int) -> None:
        if n == 0 and self.search.text().strip():
            self.count_label.setText(self.tr("没有找到"))
            self.count_label.setToolTip(self.tr("可以换个写法：拼音首字母（如 wxy）、身份证号后几位、电话号码"))
        else:
            self.count_label.setText(self.tr("共 %s 人") % f"{n:,}")
            self.count_label.setToolTip("")

    def refresh(self) -> None:
        """The page is shown again: other pages or imports may have changed the register."""
        self._fill_choices()
        handle = self._current_handle()
        self.run_query()
        if handle is not None:
            self.select_handle(handle)

    # ---------- keyboard ----------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            if isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down:
                if self.timer.isActive():
                    self.run_query()
                self.focus_table()
                return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def focus_table(self) -> None:
        if self.model.rowCount():
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)
            self.table.setFocus()

    # ---------- columns ----------
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
        self._size_columns()
        header.viewport().update()

    def _save_columns(self) -> None:
        settings.put(settings.RECIPIENT_COLUMNS, ",".join(self.visible_columns()))

    def _column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    def column_menu(self) -> QMenu:
        """The header's context menu: tick the columns to show; 姓名 always shows."""
        menu = QMenu(self)
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
        self._save_columns()

    def reset_columns(self) -> None:
        self.apply_columns(list(DEFAULT_COLUMNS))
        self._save_columns()

    def _size_columns(self) -> None:
        fm = self.table.fontMetrics()
        for i, key in enumerate(COLUMNS):
            self.table.setColumnWidth(i, fm.horizontalAdvance(_WIDTHS[key]) + 20)

    def _size_rows(self) -> None:
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()  # shown again, the page re-runs its query (refresh)
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # large text switched on or off
            self._size_columns()
            self._size_rows()
        super().changeEvent(event)

    # ---------- people ----------
    def _current_handle(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.handle(index.row()) if index.isValid() else None

    def select_handle(self, handle: int) -> None:
        r = self.model.row_of(handle)
        if r >= 0:
            self.table.selectRow(r)
            self.table.scrollTo(self.model.index(r, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_row(index.row())

    def open_row(self, row: int) -> PersonCard | None:
        rid = self.model.recipient_id(row)
        if rid is None:
            return None
        card = self.card(rid)
        card.open()
        return card

    def add_person(self) -> PersonCard | None:
        if not self.operator.can_write:
            return None
        card = self.card(None)
        card.open()
        return card

    def card(self, recipient_id: str | None) -> PersonCard:
        """A person card wired to this page (opened by the caller)."""
        card = PersonCard(self.db, self.operator, recipient_id, self)
        card.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        card.on_saved = lambda person, new=recipient_id is None: self._saved(person, new)
        return card

    def _saved(self, person: recipients.Recipient, new: bool) -> None:
        announce(ops.RECIPIENT_SAVED, by=self)
        handle = recipient_search.handle_of(self.db, person.id)
        if handle is None:
            return
        if new or self.model.row_of(handle) < 0:
            self._fill_choices()
            self.run_query()
        elif self.model.rows_changed([handle]):
            self.table.viewport().update()
        self.select_handle(handle)

    # ---------- import ----------
    def open_import(self, path: str | None = None) -> ImportWizard | None:
        """The roster import wizard; after rows were written the table shows them."""
        if not self.operator.can_write:
            return None
        wizard = ImportWizard(self.db, self._operator, title=self.tr("导入花名册"), parent=self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(lambda _result: self.refresh())
        wizard.destroyed.connect(lambda *_: setattr(self, "import_wizard", None))
        self.import_wizard = wizard
        wizard.open()
        if path is not None:
            wizard.set_file(path)
        else:
            wizard.choose_file()
        return wizard

    # ---------- export ----------
    def export(self, *, mask: bool, path: str | None = None) -> Job | None:
        """Write what the table shows (all of it, this order) to Excel, off the GUI thread."""
        if self.export_job is not None:
            return None
        if path is None:
            name = self.tr("受助对象名单（脱敏）") if mask else self.tr("受助对象名单")
            suggested = str(Path.home() / f"{name}-{dt.date.today():%Y%m%d}.xlsx")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("导出 Excel"), suggested,
                                                  self.tr("Excel 文件 (*.xlsx)"))
            if not path:
                return None
        text, filters, sort = self.search.text(), self.filters(), self.model.sort_spec

        def work(db: Database, report: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
            from app.recipients.export import export_recipients

            return export_recipients(db, path, mask=mask, text=text, filters=filters, sort=sort,
                                     progress=every(10, report), cancelled=cancelled)

        self.progress = QProgressDialog(self.tr("正在导出……"), self.tr("取消"), 0, 0, self)
        self.progress.setWindowTitle(self.tr("导出 Excel"))
        self.progress.setMinimumDuration(300)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.export_button.setEnabled(False)
        job = run_db_job(self.db, work, read=True, on_done=self._exported, on_error=self._export_failed,
                         on_progress=self._export_progress)
        self.progress.canceled.connect(job.cancel)
        QTimer.singleShot(400, self.progress, self.progress.show)  # long exports show it at once
        self.export_job = job
        return job

    def _export_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(total)
            self.progress.setValue(done)
            self.progress.setLabelText(self.tr("正在导出…… %s / %s 人") % (f"{done:,}", f"{total:,}"))

    def _export_finished(self) -> None:
        self.export_job = None
        self.export_button.setEnabled(True)
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _exported(self, written: Any) -> None:
        self._export_finished()
        self.last_export = written
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("导出完成"),
                          self.tr("已导出 %s 人：\n%s") % (f"{written.rows:,}", written.path), parent=self)
        folder = box.addButton(self.tr("打开所在文件夹"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("好"), QMessageBox.ButtonRole.AcceptRole)
        folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(written.path.parent))))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.export_message = box
        box.open()

    def _export_failed(self, exc: BaseException) -> None:
        self._export_finished()
        self.last_export = exc
        if isinstance(exc, Cancelled):
            return
        text = exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("导出失败"), text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.export_message = box
        box.open()
