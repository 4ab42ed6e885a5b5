"""物资台账: every movement of goods in and out (入库 / 出库) with the stock after it (结存), item by
item, and a sheet of each item's opening, in, out and closing stock; written by the shared Excel
writer. Quantities are exact numbers (never rounded through floats)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.db import Database
from app.excel import Column, Report, Written, write_table
from app.excel.writer import Table
from app.goods import store
from app.goods.quantities import as_decimal
from app.reports.period import station_text

TITLE = "物资台账"
COLUMNS: tuple[Column, ...] = (
    Column("物资", width=12),
    Column("单位", width=6),
    Column("日期", "date"),
    Column("类别", width=10),
    Column("摘要", width=34),
    Column("入库", "value", width=10),
    Column("出库", "value", width=10),
    Column("结存", "value", width=10),
    Column("价值（元）", "money"),
    Column("操作员", width=10),
)
SUMMARY = "结存汇总"
SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("物资", width=12), Column("单位", width=6), Column("期初", "value", width=10),
    Column("入库", "value", width=10), Column("出库", "value", width=10), Column("结存", "value", width=10),
)


def _q(milli: int) -> Decimal | None:
    return as_decimal(milli) if milli else None


def _rows(lines: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for ln in lines:
        yield [ln["item"], ln["unit"], ln["date"], ln["kind_name"], ln["what"], _q(ln["in_milli"]),
               _q(ln["out_milli"]), as_decimal(ln["balance_milli"]), ln["value_fen"], ln["operator"]]


def summary(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per item and unit: opening, in, out and closing stock (thousandths) of the ledger's lines."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for ln in lines:
        s = out.setdefault((ln["item"], ln["unit"]), {"item": ln["item"], "unit": ln["unit"], "opening_milli": 0,
                                                       "in_milli": 0, "out_milli": 0, "closing_milli": 0})
        if ln["kind"] == "opening":
            s["opening_milli"] = ln["balance_milli"]
        s["in_milli"] += ln["in_milli"]
        s["out_milli"] += ln["out_milli"]
        s["closing_milli"] = ln["balance_milli"]
    return list(out.values())


def export_ledger(db: Database, path: str | Path, *, date_from: dt.date | None = None,
                  date_to: dt.date | None = None, progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> tuple[Written, list[dict[str, Any]]]:
    lines = store.movements(db, date_from=date_from, date_to=date_to)
    period = f"{date_from or '最早'} 至 {date_to or '今'}" if date_from or date_to else ""
    notes = (
        ("说明", "每种物资按日期列出每一笔入库、出库和之后的结存；捐赠作废、发放退回、盘点差额另起一行，原记录不改不删。"
                 "盘点差额：盘盈记入库，盘亏记出库。价值仅供参考，采购的钱款已在基金支出中记账。"),
    )
    report = Report(title=TITLE, station=station_text(db), period=period, sheet=TITLE, notes=notes)
    totals = Table(SUMMARY, SUMMARY_COLUMNS, [
        [s["item"], s["unit"], as_decimal(s["opening_milli"]), as_decimal(s["in_milli"]),
         as_decimal(s["out_milli"]), as_decimal(s["closing_milli"])] for s in summary(lines)])
    written = write_table(path, report, COLUMNS, _rows(lines), progress=progress, expected_rows=len(lines),
                          cancelled=cancelled, tables=[totals])
    return written, lines
