"""A line edit that finds as one types (a name, a phone number, pinyin initials) and picks a match
with Enter: the donor and recipient boxes of the donation desk."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCompleter,
    QLineEdit,
    QWidget,
)


class SearchPicker(QLineEdit):
    """A line edit that searches as you type and offers matches in a popup.

    `search(text)` returns (id, label) pairs. Enter picks the highlighted match
    (the first, unless Down/Up moved), and `picked(id, label)` is emitted.
    Editing the text again forgets the pick.
    """

    picked = Signal(str, str)
    cleared = Signal()

    def __init__(self, search: Callable[[str], list[tuple[str, str]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = search
        self.picked_id: str | None = None
        self.matches = QStandardItemModel(self)
        self.completer_ = QCompleter(self.matches, self)
        self.completer_.setWidget(self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setMaxVisibleItems(10)
        self.completer_.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self.textEdited.connect(self._edited)

    def _popup(self) -> QAbstractItemView:
        popup = self.completer_.popup()
        assert popup is not None
        return popup

    def _edited(self, text: str) -> None:
        if self.picked_id is not None:
            self.picked_id = None
            self.cleared.emit()
        self.matches.clear()
        if not text.strip():
            self._popup().hide()
            return
        for key, label in self.search(text):
            item = QStandardItem(label)
            item.setData(key, Qt.ItemDataRole.UserRole)
            self.matches.appendRow(item)
        if self.matches.rowCount():
            self.completer_.complete()
            self._popup().setCurrentIndex(self.matches.index(0, 0))
        else:
            self._popup().hide()

    def _activated(self, index: QModelIndex) -> None:
        self.pick(str(index.data(Qt.ItemDataRole.UserRole)), str(index.data()))

    def pick(self, key: str, label: str) -> None:
        self._popup().hide()
        self.picked_id = key
        self.setText(label)
        self.picked.emit(key, label)

    def reset(self) -> None:
        self.picked_id = None
        self.clear()
        self.matches.clear()
        self._popup().hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() \
                and self.picked_id is None and self.matches.rowCount():
            first = self.matches.index(0, 0)
            self._activated(first)
            return
        super().keyPressEvent(event)
