"""Answer a modal dialog that a function under test opens with exec(): click one of its buttons
as soon as it shows (pytest-qt cannot reach into a nested event loop otherwise)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel


def click_when_shown(label: str, seen: list[str] | None = None, tries: int = 100) -> None:
    """Click the button whose text contains `label` on the next modal dialog; `seen` receives the
    dialog's title, then its words (its labels), so a test can check what it said."""

    def attempt(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        buttons = [b for b in dialog.findChildren(QAbstractButton) if label in b.text()] if dialog else []
        if not buttons:
            if left:
                QTimer.singleShot(30, lambda: attempt(left - 1))
            return
        if seen is not None:
            seen.append("\n".join([dialog.windowTitle(), *(w.text() for w in dialog.findChildren(QLabel))]))
        buttons[0].click()

    QTimer.singleShot(30, lambda: attempt(tries))
