"""Small table helpers shared by the 助餐 page and its tabs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from app.db import Database
from app.meals import scheme, statement
from app.station.accounts import Operator


def _item(text: Any, align_right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    it.setFlags(it.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if align_right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class MealsBase(QWidget):
    """What the 助餐 page's tab parts share: the page's database, operator, tabs and the chosen
    canteen and month (`MealsPage` fills them in)."""

    db: Database
    operator: Callable[[], Operator]
    tabs: QTabWidget
    job: Any
    current: statement.Statement | None

    def canteen(self) -> scheme.Canteen | None:
        raise NotImplementedError

    def month(self) -> str:
        raise NotImplementedError

    def notify(self, text: str, *, error: bool = False) -> None:
        raise NotImplementedError

    def _guard(self, fn: Callable[[], Any]) -> Any:
        raise NotImplementedError
