"""导入向导: pick a spreadsheet, fix which column is which, see every row's problems, then import.

One dialog for every kind of import whose service module has the same shape
as `app.imports.recipients`: `FIELDS`, `preview(db, path, *, sheet, header_row,
mapping)` returning rows with `number`, `status` (new / duplicate / invalid)
and `problems`, plus `counts` and `table`; and `apply(db, actor, preview, *,
skip_invalid, update)` returning an `ImportResult`. Reading and writing run
on a pool thread with their own connection (`ui.worker.run_db_job`), so the
window never freezes; a newer preview makes an older one's answer stale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import sheets
from app.changes import EVERYTHING, Changes
from app.db import Database
from app.errors import CharityDeskError
from app.imports import recipients as recipient_import
from app.imports.common import ImportResult
from app.station.accounts import Operator
from ui.dialogs.import_columns import ColumnMapping, FileRow, PreviewPane
from ui.models.base import KeyedTableModel

_Index = QModelIndex | QPersistentModelIndex
_TINT = QColor("#fde2e2")       # rows with problems
_TINT_TEXT = QColor("#7a1f1f")


class PreviewModel(KeyedTableModel):
    """The previewed rows: Excel row number, status, a few of the row's cells, its problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []
        self.cells: dict[int, Any] = {}          # Excel row number → the sheet row
        self.shown: Sequence[tuple[str, str]] = ()  # (field key, header)
        self.status_text: dict[str, str] = {}
        self.headers: list[str] = []

    def set_preview(self, preview: Any | None, shown: Sequence[tuple[str, str]], heads: Sequence[str],
                    status_text: dict[str, str], only_problems: bool = False) -> None:
        self.beginResetModel()
        rows = list(preview.rows) if preview is not None else []
        self.rows = [r for r in rows if r.problems] if only_problems else rows
        self.cells = {r.number: r for r in preview.table.rows} if preview is not None else {}
        self.shown = shown
        self.status_text = status_text
        self.headers = [heads[0], heads[1], *(h for _, h in shown), heads[2]]
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def column_titles(self) -> list[str]:
        return self.headers

    def problems_text(self, row: int) -> str:
        return "；".join(p.text() for p in self.rows[row].problems)

    def text(self, row: int, column: int) -> str:
        r = self.rows[row]
        if column == 0:
            return str(r.number)
        if column == 1:
            return self.status_text.get(r.status, r.status)
        if column == len(self.headers) - 1:
            return self.problems_text(row)
        key = self.shown[column - 2][0]
        sheet_row = self.cells.get(r.number)
        value = sheet_row.get(key) if sheet_row is not None else None
        return "" if value is None else str(value)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and r.problems:
            return "\n".join(p.text() for p in r.problems)
        if role == Qt.ItemDataRole.BackgroundRole and r.problems:
            return QBrush(_TINT)
        if role == Qt.ItemDataRole.ForegroundRole and r.problems:
            return QBrush(_TINT_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ImportWizard(QDialog):
    """Import one spreadsheet through `service`; `imported` is emitted after rows were written.

    `shown` chooses which of the file's fields the preview table shows (field
    keys; the default suits the service's kind). Tests call `set_file()`
    instead of the file dialog and read `preview`, `result` and `message_box`.
    """

    imported = Signal(object)

    def __init__(self, db: Database, operator: Operator | Callable[[], Operator], *,
                 service: ModuleType = recipient_import, title: str | None = None,
                 shown: Sequence[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._operator: Callable[[], Operator] = operator if callable(operator) else (lambda: operator)
        self.service = service
        self.fields: tuple[Any, ...] = tuple(service.FIELDS)
        self.path: Path | None = None
        self.preview: Any | None = None
        self.import_result: ImportResult | None = None
        self.error: BaseException | None = None
        self.message_box: QMessageBox | None = None
        self.busy = False
        self._generation = 0
        self._headers: list[str] = []
        self._header_row: int | None = None
        self.kind = str(getattr(service, "KIND", ""))
        default_title, self.status_text, self.update_label, default_shown = self._kind_words()
        labels = {f.key: f.label for f in self.fields}
        self.shown = [(k, labels.get(k, k)) for k in (shown or default_shown)]
        self.setWindowTitle(title or default_title)
        self.resize(980, 700)

        layout = QVBoxLayout(self)
        self.file_row = FileRow()
        self.file_label, self.sheet = self.file_row.file_label, self.file_row.sheet
        self.sheet_label, self.choose_button = self.file_row.sheet_label, self.file_row.choose_button
        self.file_row.sheet_chosen.connect(self._sheet_changed)
        self.choose_button.clicked.connect(self.choose_file)
        layout.addWidget(self.file_row)

        self.mapping_box = ColumnMapping(self.fields)
        self.combos = self.mapping_box.combos
        self.mapping_box.changed.connect(self._mapping_changed)
        layout.addWidget(self.mapping_box)

        status = QHBoxLayout()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.hide()
        status.addWidget(self.busy_bar)
        self.status = QLabel()
        self.status.setWordWrap(True)
        status.addWidget(self.status, 1)
        layout.addLayout(status)

        self.pane = PreviewPane(PreviewModel(self))
        self.model, self.table = self.pane.model, self.pane.table
        self.counts_label, self.only_problems = self.pane.counts_label, self.pane.only_problems
        self.only_problems.toggled.connect(lambda _on: self._show_rows())
        layout.addWidget(self.pane, 1)

        self._build_buttons(layout)
        self._show_rows()
        self._update_buttons()

    def _build_buttons(self, layout: QVBoxLayout) -> None:
        """跳过有错误的行, 更新已登记的人 (a roster only), 导入 and 关闭."""
        bottom = QHBoxLayout()
        self.skip_invalid = QCheckBox(self.tr("跳过有错误的行(&K)"))
        self.skip_invalid.setToolTip(self.tr("不勾选时，只要有一行有错误就什么都不导入"))
        self.skip_invalid.toggled.connect(lambda _on: self._update_buttons())
        self.update_existing = QCheckBox(self.update_label)
        self.update_existing.setToolTip(self.tr("用表格里填了的内容更新已经登记过的人；不勾选则保持原样"))
        bottom.addWidget(self.skip_invalid)
        bottom.addWidget(self.update_existing)
        self.update_existing.setVisible(self.kind == "recipients")  # gifts are never updated by an import
        bottom.addStretch(1)
        self.import_button = QPushButton(self.tr("导入(&I)"))
        self.import_button.clicked.connect(self.do_import)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

    def _kind_words(self) -> tuple[str, dict[str, str], str, Sequence[str]]:
        """Title, status words, the update box's label and the fields shown: a roster speaks of people."""
        if self.kind == "recipients":
            return (self.tr("导入花名册"),
                    {"new": self.tr("新增"), "duplicate": self.tr("已登记"), "invalid": self.tr("有错误")},
                    self.tr("更新已登记的人(&U)"), ("name", "id_number"))
        return (self.tr("导入表格"),
                {"new": self.tr("新增"), "duplicate": self.tr("已有"), "invalid": self.tr("有错误")},
                self.tr("更新已有的记录(&U)"), tuple(f.key for f in self.fields if f.required)[:2])

    # ---------- operator ----------
    @property
    def operator(self) -> Operator:
        return self._operator()

    # ---------- the file ----------
    def choose_file(self) -> None:
        start = str(self.path.parent) if self.path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择要导入的表格"), start,
                                              self.tr("表格文件 (*.xlsx *.xlsm *.xls *.csv);;所有文件 (*)"))
        if path:
            self.set_file(path)

    def set_file(self, path: str | Path) -> None:
        """Read a new file: its sheets, then the preview with the columns found by name."""
        self.path = Path(path)
        self.file_row.show_file(self.path)
        self._headers = []
        self._header_row = None
        self.mapping_box.fill([], {})
        self._run_preview(sheet=None, mapping=None, list_sheets=True)

    def _sheet_changed(self) -> None:
        self._header_row = None
        self._run_preview(sheet=self.file_row.chosen_sheet(), mapping=None)

    def _mapping_changed(self) -> None:
        if self.path is None or not self._headers:
            return
        self._run_preview(sheet=self.file_row.chosen_sheet(), mapping=self.mapping_box.mapping(),
                          header_row=self._header_row)

    # ---------- preview ----------
    def _run_preview(self, *, sheet: str | None, mapping: dict[str, str | int | None] | None,
                     header_row: int | None = None, list_sheets: bool = False) -> None:
        from ui.worker import run_db_job

        path, service = self.path, self.service
        assert path is not None
        self._generation += 1
        generation = self._generation

        def work(db: Database, _report: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            names = sheets.list_sheets(path) if list_sheets else None
            try:
                pv = service.preview(db, path, sheet=sheet, header_row=header_row, mapping=mapping)
            except sheets.SheetError as exc:
                return names, None, exc
            return names, pv, None

        self.preview = None
        self.import_result = None
        self._set_busy(True, self.tr("正在读取表格……"))
        run_db_job(self.db, work, read=True, on_done=lambda out: self._previewed(generation, out),
                   on_error=lambda exc: self._failed(generation, exc))

    def _previewed(self, generation: int, out: Any) -> None:
        if generation != self._generation:
            return  # a newer preview is on its way
        names, pv, exc = out
        self._set_busy(False)
        if names is not None:
            self.file_row.set_sheets(names)
        if exc is not None:
            self._sheet_error(exc)
            return
        self.preview = pv
        table = pv.table
        self.file_row.select_sheet(table.sheet)
        self._headers = list(table.layout.headers)
        self._header_row = table.header_row
        self.mapping_box.fill(self._headers, dict(table.layout.columns))
        self.status.setStyleSheet("")
        skipped = len(table.skipped)
        text = self.tr("工作表“%s”，表头在第 %s 行。") % (table.sheet, table.header_row)
        if skipped:
            text += self.tr("跳过了 %s 行合计、说明或重复的表头。") % skipped
        self.status.setText(text)
        self._show_rows()
        self._update_buttons()

    def _sheet_error(self, exc: sheets.SheetError) -> None:
        """The file or the chosen columns cannot be read as a table: say why, keep the choices open."""
        self.preview = None
        facts = exc.facts
        if exc.reason == "choose_sheet" and facts.get("sheets"):
            self.file_row.show_sheets(True)
        if facts.get("headers"):
            self._headers = [str(h) for h in facts["headers"]]
            if facts.get("header_row"):
                self._header_row = int(facts["header_row"])
            keep = {k: c.currentData() for k, c in self.combos.items()}
            self.mapping_box.fill(self._headers, {k: v for k, v in keep.items() if isinstance(v, int)})
        self.status.setStyleSheet("color: #c0392b;")
        self.status.setText(exc.message)
        self._show_rows()
        self._update_buttons()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.error = exc
        self.preview = None
        text = exc.message if isinstance(exc, CharityDeskError) else self.tr("程序内部错误：%s") % exc
        self.status.setStyleSheet("color: #c0392b;")
        self.status.setText(text)
        self._show_rows()
        self._update_buttons()

    def _show_rows(self) -> None:
        heads = [self.tr("行号"), self.tr("状态"), self.tr("问题")]
        self.model.set_preview(self.preview, self.shown, heads, self.status_text, self.only_problems.isChecked())
        self.pane.size_columns(self.shown)
        if self.preview is None:
            self.counts_label.setText("")
            return
        c = self.preview.counts
        if self.kind == "recipients":
            text = self.tr("可导入 %s 人，已登记 %s 人，有错误 %s 行") % (c["new"], c["duplicate"], c["invalid"])
        else:
            text = self.tr("可导入 %s 行，已有 %s 行，有错误 %s 行") % (c["new"], c["duplicate"], c["invalid"])
        self.counts_label.setText(text)

    # ---------- state ----------
    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.busy_bar.setVisible(busy)
        if busy:
            self.status.setStyleSheet("")
            self.status.setText(text)
        self.file_row.set_busy(busy)
        self.mapping_box.setEnabled(not busy)
        self._update_buttons()

    def _update_buttons(self) -> None:
        can = self.operator.can_write
        ready = self.preview is not None and not self.busy and self.import_result is None
        self.import_button.setEnabled(can and ready)
        self.import_button.setToolTip("" if can else self.tr("只读账号不能导入"))

    # ---------- import ----------
    def do_import(self) -> None:
        """Write the previewed rows (on a pool thread); all or nothing unless 跳过有错误的行."""
        from ui.worker import run_db_job

        if self.preview is None or self.busy or not self.operator.can_write:
            return
        pv, service, actor = self.preview, self.service, self.operator
        skip, update = self.skip_invalid.isChecked(), self.update_existing.isChecked()

        def work(db: Database, _report: Callable[[int, int], None], _cancelled: Callable[[], bool]) -> Any:
            return service.apply(db, actor, pv, skip_invalid=skip, update=update)

        self._generation += 1
        generation = self._generation
        self._set_busy(True, self.tr("正在导入……"))
        run_db_job(self.db, work, read=False, on_done=self._applied,
                   on_error=lambda exc: self._failed(generation, exc))

    def _applied(self, result: ImportResult) -> None:
        self._generation += 1
        self._set_busy(False)
        self.import_result = result
        if result.refused:
            self.import_result = None  # the person may tick 跳过有错误的行 and try again
            self.status.setStyleSheet("color: #c0392b;")
            self.status.setText(result.message)
            self._message(QMessageBox.Icon.Warning, self.tr("没有导入"), result.message)
        else:
            parts = [self.tr("已导入 %s 人") % result.imported if self.kind == "recipients"
                     else self.tr("已导入 %s 行") % result.imported]
            if result.updated:
                parts.append(self.tr("更新 %s 条") % result.updated)
            unchanged = result.duplicates - result.updated
            if unchanged > 0:
                parts.append(self.tr("%s 条已有，保持原样") % unchanged)
            bad = len({p.row for p in result.errors})
            if bad:
                parts.append(self.tr("跳过有错误的 %s 行") % bad)
            text = self.tr("，").join(parts)
            self.status.setStyleSheet("")
            self.status.setText(text)
            self.close_button.setText(self.tr("完成"))
            self.imported.emit(result)
            from ui.changes import announce

            what = getattr(self.service, "CHANGES", EVERYTHING)
            announce(what if isinstance(what, Changes) else EVERYTHING, by=self.parentWidget())
            self._message(QMessageBox.Icon.Information, self.tr("导入完成"), text)
        self._update_buttons()

    def _message(self, icon: QMessageBox.Icon, title: str, text: str) -> None:
        box = QMessageBox(icon, title, text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r, b=box: self._message_closed(b))
        self.message_box = box
        box.open()

    def _message_closed(self, box: QMessageBox) -> None:
        if self.message_box is box:
            self.message_box = None
