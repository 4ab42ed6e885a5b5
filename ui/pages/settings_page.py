"""设置: preferences of this PC (large text), and backups (ui/pages/backups.py)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QGroupBox, QVBoxLayout, QWidget

from app.db import Database
from app.station.accounts import Operator
from ui import settings, theme
from ui.pages.backups import BackupSection


class SettingsPage(QWidget):
    def __init__(self, db: Database | None = None, operator: Callable[[], Operator] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("显示"))
        v = QVBoxLayout(box)
        self.large_text = QCheckBox(self.tr("大字模式(&L)"))
        self.large_text.setChecked(settings.get(settings.LARGE_TEXT))
        self.large_text.toggled.connect(self._large_text)
        v.addWidget(self.large_text)
        layout.addWidget(box)
        self.backups = BackupSection(db, operator) if db is not None and operator is not None else None
        if self.backups is not None:
            layout.addWidget(self.backups)
        layout.addStretch(1)

    def add_section(self, section: QWidget) -> None:
        """A further section (操作员, 备份 …), above the stretch at the bottom."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, section)

    def refresh(self) -> None:
        if self.backups is not None:
            self.backups.refresh()

    def _large_text(self, on: bool) -> None:
        settings.put(settings.LARGE_TEXT, on)
        theme.apply_text_size(on)
