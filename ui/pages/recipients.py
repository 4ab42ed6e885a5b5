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

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QHideEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import changes as ops
from app.changes import Changes
from app.db import Database
from app.errors import CharityDeskError
from app.excel import Cancelled
from app.recipients import recipients
from app.recipients import search as recipient_search
from app.recipients.search import Filters
from app.station.accounts import Operator
from ui import settings
from ui.changes import announce
from ui.dialogs.import_wizard import ImportWizard
from ui.dialogs.person_card import PersonCard
from ui.models.recipient_model import RecipientModel
from ui.pages.recipient_parts import (
    RecipientColumns,
    RecipientFilters,
    parse_columns,
    register_table,
)
from ui.worker import Job, every, run_db_job


#: Default column widths, as the text they should fit (measured in the current font).
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

        self._build_top(layout)
        self.filter_bar = RecipientFilters(db)
        fb = self.filter_bar
        self.category, self.village, self.status = fb.category, fb.village, fb.status
        self.age, self.age_on, self.age_on_label, self.programme = fb.age, fb.age_on, fb.age_on_label, fb.programme
        self.meals = fb.meals
        layout.addWidget(fb)

        self._build_table(layout)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(150)
        self.timer.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.search.returnPressed.connect(self._search_now)
        fb.changed.connect(self.run_query)
        self._fill_choices()
        self.run_query()

    def _build_top(self, layout: QVBoxLayout) -> None:
        """The search box, the count and the page's buttons."""
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

    def _build_table(self, layout: QVBoxLayout) -> None:
        self.model = RecipientModel(self.db, self)
        self.model.on_counted = self._show_count
        self.table = register_table(self.model)
        header = self.table.horizontalHeader()
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table, self.open_current)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence("Ctrl+F"), self, self.focus_search)
        layout.addWidget(self.table, 1)
        self.columns = RecipientColumns(self.table, self.model)
        header.customContextMenuRequested.connect(self.columns.menu_at)
        self.columns.apply_columns(parse_columns(settings.get(settings.RECIPIENT_COLUMNS)))
        header.sectionMoved.connect(lambda *_: self.columns.save())
        self.columns.size_rows()

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
        self.filter_bar.fill_choices()
        self._permissions()

    def filters(self) -> Filters:
        return self.filter_bar.filters()

    def run_query(self) -> None:
        self.timer.stop()
        self.filter_bar.show_age_day()
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
        return self.columns.visible_columns()

    def column_menu(self) -> QMenu:
        return self.columns.column_menu()

    def hideEvent(self, event: QHideEvent) -> None:
        self.timer.stop()  # shown again, the page re-runs its query (refresh)
        super().hideEvent(event)

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
