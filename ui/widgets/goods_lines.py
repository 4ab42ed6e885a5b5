"""The goods lines of a donation in kind: a small table (item, quantity, unit, unit value), its
total and the problems found in it, row by row."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from app.donations.donations import GoodsLine
from app.rules.money import MoneyError, format_fen, parse_yuan

ERROR_STYLE = "color: #c0392b;"
GOODS_ROWS = 4


class GoodsLinesBox(QWidget):
    """`table` to type into, `add_line_button`, `total` and `error` under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(GOODS_ROWS, 4)
        self.table.setHorizontalHeaderLabels([self.tr("物品"), self.tr("数量"), self.tr("单位"),
                                              self.tr("单价（元，不能估值留空）")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setMinimumHeight(150)
        self.add_line_button = QPushButton(self.tr("加一行(&J)"))
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.table)
        foot = QHBoxLayout()
        self.total = QLabel()
        foot.addWidget(self.total, 1)
        foot.addWidget(self.add_line_button)
        col.addLayout(foot)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        col.addWidget(self.error)
        self.add_line_button.clicked.connect(self.add_line)

    def focus_first(self) -> None:
        self.table.setFocus()
        self.table.setCurrentCell(0, 0)

    def add_line(self) -> None:
        self.table.insertRow(self.table.rowCount())
        self.table.setFocus()
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)

    def reset(self) -> None:
        self.table.blockSignals(True)
        self.table.clearContents()
        self.table.setRowCount(GOODS_ROWS)
        self.table.blockSignals(False)
        self.error.clear()
        self.total.clear()

    def _cell(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text().strip() if item is not None else ""

    def lines(self) -> tuple[list[GoodsLine], list[str]]:
        """The filled goods rows, and the problems found in them (row by row)."""
        lines, problems = [], []
        for r in range(self.table.rowCount()):
            item, qty, unit, value = (self._cell(r, c) for c in range(4))
            if not (item or qty or unit or value):
                continue
            n = r + 1
            if not item:
                problems.append(self.tr("第 %d 行：请填物品名称") % n)
            try:
                q = Decimal(qty.replace(",", ""))
                if not q.is_finite() or q <= 0:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(self.tr("第 %d 行：数量应是大于零的数字") % n)
                q = Decimal(0)
            unit_fen: int | None = None
            if value:
                try:
                    unit_fen = parse_yuan(value, allow_zero=True)
                except MoneyError as exc:
                    problems.append(self.tr("第 %d 行单价：%s") % (n, exc.message))
            if item and q > 0:
                lines.append(GoodsLine(item, format(q.normalize(), "f"), unit, unit_fen))
        return lines, problems

    def check(self) -> bool:
        """Show the problems and the valued total; True when nothing typed is wrong."""
        lines, problems = self.lines()
        self.error.setText("\n".join(problems))
        valued = [ln.value_fen() for ln in lines if ln.unit_value_fen is not None]
        total = sum(v for v in valued if v is not None)
        self.total.setText(self.tr("共 %d 项，估值合计 ¥%s") % (len(lines), format_fen(total)) if lines else "")
        return not problems
