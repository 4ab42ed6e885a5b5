"""Parts of the import wizard: the column chooser (for each field, which column of the file holds
it, found by name, changeable when guessed wrong) and the preview of every row."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

PER_LINE = 4  # fields on one line of the box


class ColumnMapping(QGroupBox):
    """One combo per field (`combos`, by field key); `changed` when the person picks another column."""

    changed = Signal()

    def __init__(self, fields: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("每一项在表格的哪一列（认错了可以改）"))
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self.combos: dict[str, QComboBox] = {}
        for i, f in enumerate(fields):
            label = QLabel(self.tr("%s：") % (f.label + ("*" if f.required else "")))
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.setEnabled(False)
            label.setBuddy(combo)
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.combos[f.key] = combo
            grid.addWidget(label, i // PER_LINE, (i % PER_LINE) * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(combo, i // PER_LINE, (i % PER_LINE) * 2 + 1)
        for c in range(PER_LINE):
            grid.setColumnStretch(c * 2 + 1, 1)

    def fill(self, headers: list[str], columns: dict[str, int]) -> None:
        """The file's headers in every combo, each set to the column found for its field."""
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("（不导入）"), None)
            for i, h in enumerate(headers):
                combo.addItem(h if h.strip() else self.tr("第 %s 列") % (i + 1), i)
            col = columns.get(key)
            combo.setCurrentIndex(combo.findData(col) if col is not None else 0)
            combo.setEnabled(bool(headers))
            combo.blockSignals(False)

    def mapping(self) -> dict[str, str | int | None]:
        return {k: c.currentData() for k, c in self.combos.items()}


class PreviewPane(QWidget):
    """The counts, 只看有错误的行, and every row of the file with its status and problems."""

    def __init__(self, model: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        counts = QHBoxLayout()
        self.counts_label = QLabel()
        self.counts_label.setStyleSheet("font-weight: bold;")
        counts.addWidget(self.counts_label, 1)
        self.only_problems = QCheckBox(self.tr("只看有错误的行(&E)"))
        counts.addWidget(self.only_problems)
        col.addLayout(counts)
        self.model = model
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        col.addWidget(self.table, 1)

    def size_columns(self, shown: Sequence[tuple[str, str]]) -> None:
        """Row number, status, then the shown fields (ID numbers wide enough for 18 digits)."""
        fm = self.table.fontMetrics()
        widths = [fm.horizontalAdvance("00000") + 16, fm.horizontalAdvance("中" * 4) + 16]
        widths += [fm.horizontalAdvance("0" * 18 if k.endswith("number") else "中" * 6) + 20 for k, _ in shown]
        for i, w in enumerate(widths):
            self.table.setColumnWidth(i, w)


class FileRow(QWidget):
    """文件: the chosen file's name, its sheets (shown only when there are several), 选择文件.
    `sheet_chosen` when the person picks another sheet."""

    sheet_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        top = QHBoxLayout(self)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel(self.tr("文件：")))
        self.file_label = QLabel(self.tr("还没有选择文件"))
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.file_label, 1)
        self.sheet_label = QLabel(self.tr("工作表(&S)："))
        self.sheet = QComboBox()
        self.sheet.setMinimumContentsLength(8)
        self.sheet_label.setBuddy(self.sheet)
        self.sheet.currentIndexChanged.connect(lambda _i: self.sheet_chosen.emit())
        top.addWidget(self.sheet_label)
        top.addWidget(self.sheet)
        self.choose_button = QPushButton(self.tr("选择文件(&F)…"))
        top.addWidget(self.choose_button)
        self.show_sheets(False)

    def show_file(self, path: Path) -> None:
        """A new file: its name, no sheets yet."""
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        self.set_sheets([])

    def show_sheets(self, shown: bool) -> None:
        self.sheet_label.setVisible(shown)
        self.sheet.setVisible(shown)

    def set_sheets(self, names: list[str]) -> None:
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(names)
        self.sheet.blockSignals(False)
        self.show_sheets(len(names) > 1)

    def select_sheet(self, name: str) -> None:
        self.sheet.blockSignals(True)
        self.sheet.setCurrentText(name)
        self.sheet.blockSignals(False)

    def chosen_sheet(self) -> str | None:
        return self.sheet.currentText() or None

    def set_busy(self, busy: bool) -> None:
        self.choose_button.setEnabled(not busy)
        self.sheet.setEnabled(not busy)
