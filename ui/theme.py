"""Text size for people who read with difficulty: normal or large, applied to the whole app."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

NORMAL_PT = 11
LARGE_PT = 15


def apply_text_size(large: bool) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    font = QFont(app.font())
    font.setPointSize(LARGE_PT if large else NORMAL_PT)
    app.setFont(font)
    for w in app.allWidgets():
        w.setFont(font)
