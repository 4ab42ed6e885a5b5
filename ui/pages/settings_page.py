"""设置: preferences of this PC (large text)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QVBoxLayout, QWidget

from ui import settings, theme


class SettingsPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("显示"))
        v = QVBoxLayout(box)
        self.large_text = QCheckBox(self.tr("大字模式(&L)"))
        self.large_text.setChecked(settings.get(settings.LARGE_TEXT))
        self.large_text.toggled.connect(self._large_text)
        v.addWidget(self.large_text)
        layout.addWidget(box)
        layout.addStretch(1)

    def add_section(self, section: QWidget) -> None:
        """A further section (操作员, 备份 …), above the stretch at the bottom."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.count() - 1, section)

    def _large_text(self, on: bool) -> None:
        settings.put(settings.LARGE_TEXT, on)
        theme.apply_text_size(on)
