"""The main window: sidebar navigation, one page per task, operator and station in the status bar."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from app.changes import NOTHING, Changes
from app.db import Database
from app.station import accounts, station
from ui import changes, settings, worker
from ui.idle_lock import IdleWatcher
from ui.pages.donations import DonationsPage
from ui.pages.funds import FundsPage
from ui.pages.goods import GoodsPage
from ui.pages.home import HomePage
from ui.pages.meals import MealsPage
from ui.pages.operators_section import OperatorsSection
from ui.pages.programmes import ProgrammesPage
from ui.pages.recipients import RecipientsPage
from ui.pages.reports import ReportsPage
from ui.pages.settings_page import SettingsPage
from ui.pages.township import TownshipPage
from ui.pages.wishes import WishesPage


def cares(page: QWidget) -> Changes:
    """The kinds of records a page shows (its `cares`); nothing for pages of files or settings."""
    what = getattr(page, "cares", NOTHING)
    return what if isinstance(what, Changes) else NOTHING


class MainWindow(QMainWindow):
    operator_changed = Signal(object)

    def __init__(self, db: Database, operator: accounts.Operator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.operator = operator
        self.station = station.get_station(db)
        self.setWindowTitle(self.tr("CharityDesk 慈善工作站助手 — %s") % self.station.name)
        self.resize(1024, 720)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav = QListWidget()
        self.nav.setObjectName("sidebar")
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet(
            "QListWidget#sidebar { font-size: 13pt; background: #f4f1ea; border: none; }"
            "QListWidget#sidebar::item { padding: 12px 10px; }"
            "QListWidget#sidebar::item:selected { background: #c0392b; color: white; }")
        self.pages = QStackedWidget()
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        # One line per page; each page module owns its own widgets.
        self.home = HomePage(db, self.station.name)
        self._add_page(self.tr("首页"), self.home, "Ctrl+1")
        self.donations_page: QWidget = DonationsPage(db, lambda: self.operator)
        self._add_page(self.tr("捐赠登记"), self.donations_page, "Ctrl+2")
        self.recipients_page: QWidget = RecipientsPage(db, lambda: self.operator)
        self._add_page(self.tr("受助对象"), self.recipients_page, "Ctrl+3")
        self.programmes_page: QWidget = ProgrammesPage(db, lambda: self.operator)
        self._add_page(self.tr("救助项目"), self.programmes_page, "Ctrl+4")
        self.funds_page: QWidget = FundsPage(db, lambda: self.operator)
        self._add_page(self.tr("基金"), self.funds_page, "Ctrl+5")
        self.reports_page: QWidget = ReportsPage(db, operator=lambda: self.operator)
        self._add_page(self.tr("报表"), self.reports_page, "Ctrl+6")
        self.settings_page = SettingsPage(db, lambda: self.operator)
        self.operators_section = OperatorsSection(db, lambda: self.operator)
        self.settings_page.add_section(self.operators_section)
        self.operator_changed.connect(lambda _op: self.operators_section.refresh())
        self.restore_plan: object = None  # set when an administrator asked for a restore: ui.app does it
        if self.settings_page.backups is not None:
            self.settings_page.backups.restore_requested.connect(self._restore_requested)
        self._add_page(self.tr("设置"), self.settings_page, "Ctrl+7")
        self.goods_page: QWidget = GoodsPage(db, lambda: self.operator)
        self._add_page(self.tr("物资"), self.goods_page, "Ctrl+9")
        self.wishes_page = WishesPage(db, lambda: self.operator)
        self._add_page(self.tr("微心愿"), self.wishes_page, "Ctrl+0")
        self.meals_page: QWidget = MealsPage(db, lambda: self.operator)
        self._add_page(self.tr("助餐"), self.meals_page, "Ctrl+Shift+9")
        self.township_page = TownshipPage()
        self._add_page(self.tr("乡镇汇总"), self.township_page, "Ctrl+8")
        # Each reminder on the home page opens the page where it is done.
        reminder_pages = {"recipients": self.recipients_page, "wishes": self.wishes_page, "funds": self.funds_page,
                          "donations": self.donations_page, "backups": self.settings_page}
        self.home.reminders.go.connect(lambda key: self.show_widget(reminder_pages.get(key, self.home)))
        # Every page that shows records says which kinds (`cares`); it is told of a change when it
        # is shown, or at once when it is the page in front. It fills itself when first shown.
        self._pending: dict[QWidget, Changes] = {p: cares(p) for p in self.page_widgets() if cares(p)}
        self._stamp = db.change_stamp()
        changes.listen(self.changed)
        self.nav.currentRowChanged.connect(self._show_page)
        # A township office runs the same program: it opens on its own page.
        township = station.get_setting(db, "role") == "township"
        self.nav.setCurrentRow(self.pages.count() - 1 if township else 0)

        self.operator_label = QLabel()
        self.station_label = QLabel(self.tr("工作站：%s（%s）") % (self.station.name, self.station.station_code))
        self.switch_button = QToolButton()
        self.switch_button.setText(self.tr("锁定/切换操作员 (Ctrl+L)"))
        self.switch_button.clicked.connect(self.lock)
        self.statusBar().addWidget(self.operator_label)
        self.statusBar().addWidget(self.switch_button)
        self.statusBar().addPermanentWidget(self.station_label)
        lock_action = QAction(self)
        lock_action.setShortcut(QKeySequence("Ctrl+L"))
        lock_action.triggered.connect(self.lock)
        self.addAction(lock_action)
        self.idle = IdleWatcher(settings.get(settings.IDLE_LOCK_MINUTES), self)
        self.idle.idle.connect(self.lock)
        self.locked = False
        self.set_operator(operator)

    def _add_page(self, title: str, page: QWidget, shortcut: str) -> None:
        item = QListWidgetItem(title)
        self.nav.addItem(item)
        # A page wider or taller than an old 1024x768 screen (large text) scrolls instead of
        # pushing the window off the screen.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(page)
        self.pages.addWidget(scroll)
        action = QAction(self)
        action.setShortcut(QKeySequence(shortcut))
        index = self.pages.count() - 1
        action.triggered.connect(lambda: self.nav.setCurrentRow(index))
        self.addAction(action)

    def page_widgets(self) -> list[QWidget]:
        pages = []
        for i in range(self.pages.count()):
            scroll = self.pages.widget(i)
            page = scroll.widget() if isinstance(scroll, QScrollArea) else scroll
            if page is not None:
                pages.append(page)
        return pages

    def changed(self, what: Changes, by: QWidget | None = None) -> None:
        """An operation committed `what`: the page in front shows it now, the others when shown.
        The page that made the change (`by` is in it) has shown it already."""
        front = self.current_page()
        for page in self._pending:
            hit = cares(page) & what
            if not hit or (by is not None and (by is page or page.isAncestorOf(by))):
                continue
            if page is front:
                self._apply(page, hit)
            else:
                self._pending[page] = self._pending[page] | hit
        self._stamp = self.db.change_stamp()

    def _unannounced(self) -> None:
        """Something was written that no page announced (another window, the command line, an
        export's audit line): every page looks again when next shown."""
        stamp = self.db.change_stamp()
        if stamp != self._stamp:
            self._stamp = stamp
            for page in self._pending:
                self._pending[page] = cares(page)

    @staticmethod
    def _apply(page: QWidget, what: Changes) -> None:
        apply = getattr(page, "apply_changes", None)
        if callable(apply):
            apply(what)
        else:
            page.refresh()  # type: ignore[attr-defined]

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        page = self.current_page()
        if page in self._pending:
            self._unannounced()
            what = self._pending[page]
            self._pending[page] = NOTHING
            if what:
                self._apply(page, what)
        else:  # a page of files or settings, cheap to read again
            refresh = getattr(page, "refresh", None)
            if callable(refresh):
                refresh()
        # Typing right after choosing a page goes where a volunteer expects: search box or donor field.
        target = getattr(page, "search", None) or getattr(page, "donor", None)
        if isinstance(target, QWidget):
            target.setFocus()

    def set_operator(self, operator: accounts.Operator) -> None:
        self.operator = operator
        self.operator_label.setText(self.tr("操作员：%s（%s）") % (
            operator.display_name, accounts.ROLE_NAMES.get(operator.role, operator.role)))
        self.operator_changed.emit(operator)

    def lock(self) -> None:
        """Hide the pages and ask for a login; whoever logs in becomes the operator."""
        if self.locked:
            return
        from ui.login import LoginDialog

        self.locked = True
        self._body().hide()
        self.idle.timer.stop()
        dlg = LoginDialog(self.db, self.station.name, title=self.tr("CharityDesk 慈善工作站助手 — 已锁定，请登录"), parent=self)
        dlg.finished.connect(lambda result: self._unlocked(dlg, result))
        self.lock_dialog = dlg
        dlg.open()

    def _unlocked(self, dlg: QDialog, result: int) -> None:
        operator = getattr(dlg, "operator", None)
        if result != QDialog.DialogCode.Accepted or operator is None:
            self.close()  # cancelling the lock closes the program rather than showing data
            return
        self.locked = False
        self._body().show()
        self.set_operator(operator)
        self.idle.set_minutes(settings.get(settings.IDLE_LOCK_MINUTES))

    def _restore_requested(self, plan: object) -> None:
        """Close the window so that every connection is closed; ui.app.run restores and reopens."""
        self.restore_plan = plan
        self.close()

    def closeEvent(self, event: object) -> None:  # noqa: N802 (Qt name)
        self.idle.stop()
        changes.forget(self.changed)
        worker.cancel_all()  # an export still running stops and leaves no file; run() waits for it
        super().closeEvent(event)  # type: ignore[arg-type]

    def _body(self) -> QWidget:
        body = self.centralWidget()
        assert body is not None, "the body is set in __init__"
        return body

    def current_page(self) -> QWidget:
        scroll = self.pages.currentWidget()
        page = scroll.widget() if isinstance(scroll, QScrollArea) else scroll
        assert page is not None, "every page is added in __init__"
        return page

    def show_widget(self, page: QWidget) -> None:
        """Go to the page that holds `page` (a link on the home page)."""
        for i in range(self.pages.count()):
            scroll = self.pages.widget(i)
            if page is scroll or (isinstance(scroll, QScrollArea) and scroll.widget() is page):
                self.nav.setCurrentRow(i)
                return

    def page_titles(self) -> list[str]:
        return [self.nav.item(i).text() for i in range(self.nav.count())]


