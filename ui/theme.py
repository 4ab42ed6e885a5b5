"""The text of the whole app: a Chinese font on every machine, and normal or large size for
people who read with difficulty."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.paths import font_path

NORMAL_PT = 11
LARGE_PT = 15


def ensure_chinese_font() -> str | None:
    """Make sure Chinese text shows as characters, not empty boxes.

    Windows and Chinese Linux desktops have a Chinese font; a plain Linux install may
    have none. The font shipped for the receipts (WenQuanYi Micro Hei) is then loaded
    and made the app's font. Returns the family used for Chinese, or None if none.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    chinese = QFontDatabase.WritingSystem.SimplifiedChinese
    own = set(QFontDatabase.families(chinese))
    if own:
        return sorted(own)[0]
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    font = QFont(app.font())
    font.setFamilies([families[0]])
    app.setFont(font)
    return families[0]


def apply_text_size(large: bool) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    font = QFont(app.font())
    font.setPointSize(LARGE_PT if large else NORMAL_PT)
    app.setFont(font)
    for w in app.allWidgets():
        w.setFont(font)
