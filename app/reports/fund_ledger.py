"""基金明细账: one fund's every movement in date order, opening balance first, with the running
balance of money and, apart, of goods value; written by the shared Excel writer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from app.db import Database
from app.excel import Column, Report, Written, write_table
from app.funds import funds, journal
from app.funds.funds import KIND_NAMES
from app.reports.period import station_text

TITLE = "基金明细账"
COLUMNS: tuple[Column, ...] = (
    Column("日期", "date"),
    Column("类别", width=10),
    Column("摘要", width=36),
    Column("定向用途", width=16),
    Column("收入（元）", "money", total=True),
    Column("支出（元）", "money", total=True),
    Column("余额（元）", "money"),
    Column("物资折价变动（元）", "money", total=True),
    Column("物资折价结存（元）", "money"),
    Column("操作员", width=10),
)


def _rows(lines: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for ln in lines:
        amount = ln["amount_fen"]
        yield [ln["date"], ln["kind_name"], ln["what"], ln["reserve_name"], amount if amount > 0 else None,
               -amount if amount < 0 else None, ln["balance_fen"], ln["goods_fen"] or None,
               ln["goods_balance_fen"], ln["operator"]]


def export_ledger(db: Database, fund_id: str, path: str | Path, *,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> tuple[Written, list[dict[str, Any]]]:
    fund = funds.get_fund(db, fund_id)
    lines = journal.ledger(db, fund_id)
    notes = (
        ("基金", f"{fund.name}（{KIND_NAMES.get(fund.kind, fund.kind)}）"),
        ("余额", f"钱款余额 {fund.balance_fen / 100:,.2f} 元，其中定向留存 {fund.reserved_fen / 100:,.2f} 元，"
                 f"可自由使用 {fund.free_fen / 100:,.2f} 元；另有物资折价 {fund.goods_fen / 100:,.2f} 元（物资，不是钱款）。"),
        ("说明", "每一笔收支一行，按日期排列，期初余额在最前；作废、冲销另起一行反向记录，原记录不改不删。"
                 "“余额”只计钱款，物资折价单独结存。"),
    )
    report = Report(title=f"{TITLE}：{fund.name}", station=station_text(db), sheet=TITLE, notes=notes)
    written = write_table(path, report, COLUMNS, _rows(lines), progress=progress, expected_rows=len(lines),
                          cancelled=cancelled)
    return written, lines
