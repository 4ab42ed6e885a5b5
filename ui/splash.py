"""The splash a volunteer sees moments after a double click, and the watch for the first window.

main.py shows it before anything heavy is imported (the database layer, reportlab, the
pages): it needs Qt's widgets only. It shows the station's name, remembered from the
last start, and "正在打开…", and closes itself when the first real window — first run,
login, the main window or a message — shows.

For tests and the cold-start benchmark, `CHARITYDESK_SMOKE=FILE` writes when the splash
and the first window showed (seconds since the epoch, JSON) into FILE and closes that
window, so the program ends by itself with exit code 0.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QVBoxLayout, QWidget

from ui import settings, theme

SMOKE_ENV = "CHARITYDESK_SMOKE"
TITLE = "CharityDesk 慈善工作站助手"


class Splash(QWidget):
    """A small frameless window: the program's name, the station's name, 正在打开…"""

    def __init__(self, station_name: str) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
        self.setWindowTitle(TITLE + " — 正在打开…")
        self.setStyleSheet("Splash { background: #fdfaf3; border: 2px solid #b5482f; }"
                           " QLabel { color: #333; }")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 28, 40, 28)
        for text, size in ((TITLE, 12), (station_name, 18), ("正在打开…", 12)):
            if text:
                label = QLabel(text)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                label.setStyleSheet(f"font-size: {size}pt;" + (" font-weight: bold;" if size > 12 else ""))
                layout.addWidget(label)
        self.setMinimumWidth(420)
        self.adjustSize()
        screen = QApplication.primaryScreen()
        if screen is not None:
            frame = self.frameGeometry()
            frame.moveCenter(screen.availableGeometry().center())
            self.move(frame.topLeft())


class FirstWindowWatch(QObject):
    """Closes the splash when the first real window shows; in smoke mode records and closes it."""

    def __init__(self, splash: Splash | None, smoke_file: str | None) -> None:
        super().__init__()
        self.splash = splash
        self.smoke_file = smoke_file
        self.record: dict[str, object] = {}
        self.done = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (not self.done and event.type() == QEvent.Type.Show
                and isinstance(obj, QDialog | QMainWindow) and obj is not self.splash):
            self.done = True
            QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
            if self.splash is not None:
                QTimer.singleShot(0, self.splash.close)
            if self.smoke_file:
                self._smoke(obj)
        return False

    def _smoke(self, window: QWidget) -> None:
        self.record.update(window_shown=time.time(), title=window.windowTitle(),
                           kind=type(window).__name__)
        Path(self.smoke_file or "").write_text(json.dumps(self.record, ensure_ascii=False),
                                                encoding="utf-8")
        QTimer.singleShot(200, window.reject if isinstance(window, QDialog) else window.close)

    def exit_code(self, code: int) -> int:
        """The program's exit code: in smoke mode 0 once the first window showed and closed."""
        return 0 if self.smoke_file and self.done else code


def show(argv: list[str]) -> FirstWindowWatch:
    """Make the QApplication, show the splash (unless smoke-testing without one) and watch."""
    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(argv[:1])
    theme.ensure_chinese_font()
    smoke = os.environ.get(SMOKE_ENV) or None
    splash = Splash(str(settings.get(settings.STATION_NAME)))
    splash.show()
    qapp.processEvents()
    watch = FirstWindowWatch(splash, smoke)
    watch.record["splash_shown"] = time.time()
    qapp.installEventFilter(watch)
    return watch


def remember(station_name: str) -> None:
    """The station's name for the next start's splash."""
    settings.put(settings.STATION_NAME, station_name)
