"""捐赠登记: the donation desk — a tab to record (`ui.pages.donation_entry`), a tab to look things
up (`ui.pages.donation_list`)."""


from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.db import Database
from app.station.accounts import Operator
from ui.pages.donation_entry import DonationEntry
from ui.printing import ReceiptPrinting
from ui.widgets.search_picker import SearchPicker

__all__ = ["DonationEntry", "DonationsPage", "SearchPicker"]


class DonationsPage(QWidget):
    """The page in the sidebar: a tab to record, a tab to look things up."""

    cares = Changes(donations=True, funds=True, programmes=True)

    def __init__(self, db: Database, operator: Operator | Callable[[], Operator],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ui.pages.donation_list import DonationList

        self.db = db
        self._operator: Callable[[], Operator] = operator if callable(operator) else (lambda: operator)
        self.printing = ReceiptPrinting(db, self._operator, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.tabs = QTabWidget()
        self.entry = DonationEntry(db, self._operator, self.printing)
        self.list = DonationList(db, self._operator, self.printing)
        self.tabs.addTab(self.entry, self.tr("登记捐赠"))
        self.tabs.addTab(self.list, self.tr("捐赠列表与收据"))
        layout.addWidget(self.tabs)
        self.entry.saved.connect(lambda _id: self.list.mark_stale())
        self.printing.printed.connect(lambda _n: self.list.mark_stale())
        self.tabs.currentChanged.connect(self._tab_changed)
        for i, key in enumerate(("F2", "F3")):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(lambda i=i: self.tabs.setCurrentIndex(i))
        self.tabs.setTabToolTip(0, self.tr("F2"))
        self.tabs.setTabToolTip(1, self.tr("F3"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self.tabs.currentIndex() == 0:
            self.entry.donor.setFocus()

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.list.refresh_if_stale()
        else:
            self.entry.donor.setFocus()

    def refresh(self) -> None:
        """Shown from the sidebar: funds and programmes may have changed elsewhere."""
        self.apply_changes(self.cares)

    def apply_changes(self, what: Changes) -> None:
        """Another page changed `what`: the entry's choices when funds or programmes did, the
        list (and its balances) when gifts or money did."""
        if what.funds or what.programmes:
            self.entry.reload_lists()
        if what.donations or what.funds:
            self.list.stale = True
        if self.tabs.currentIndex() == 0:
            self.entry.donor.setFocus()
        else:
            self.list.refresh_if_stale()
