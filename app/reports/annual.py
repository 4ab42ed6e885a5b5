"""年度报表: a year month by month — money in and aid out — and who it went through.

The first sheet has one row per month (捐赠笔数, 现金, 物资折价, 收入合计, 其中定向,
救助人次, 救助支出, 其他支出, 收支差额) and a 合计 row; further sheets give each fund's
income, aid by fund, programme, category and village, other spending by purpose and
transfers by fund, one column per month
and 全年 at the right; a sheet 图表 draws money in and out by month, by fund and
by category from those tables. Every sheet's 合计 equals the ledgers' for the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.db import Database
from app.errors import InputError
from app.excel import Column, Report, Written, write_table
from app.excel.writer import Chart, Table
from app.goods import store
from app.goods.quantities import as_decimal
from app.reports import figures, goods_ledger
from app.reports.period import Period, station_text
from app.rules.money import format_fen
from app.wishes import wishes

TITLE = "年度收支报表"
COLUMNS: tuple[Column, ...] = (
    Column("月份", width=10),
    Column("捐赠笔数", "int", total=True),
    Column("现金捐赠（元）", "money", total=True),
    Column("物资折价（元）", "money", total=True),
    Column("捐赠收入（元）", "money", total=True),
    Column("其中定向（元）", "money", total=True),
    Column("救助人次", "int", total=True),
    Column("救助支出（元）", "money", total=True),
    Column("其他支出（元）", "money", total=True),
    Column("收支差额（元）", "money", total=True),
)
_IN, _OUT = 4, 7  # columns charted by month


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def _month_rows(rows: list[figures.MonthRow]) -> list[list[Any]]:
    return [[r.bucket.label, r.donations, r.cash_fen, r.goods_fen, r.received_fen, r.directed_fen,
             r.aid_lines, r.aid_fen, r.other_out_fen, r.received_fen - r.aid_fen - r.other_out_fen] for r in rows]


def _pivot_table(name: str, first: str, buckets: Sequence[figures.Bucket], rows: list[figures.PivotRow],
                 count_header: str) -> Table:
    columns = (Column(first),
               *(Column(f"{b.label}（元）", "money", total=True) for b in buckets),
               Column("全年（元）", "money", total=True),
               Column(count_header, "int", total=True))
    return Table(name, columns, [[r.name, *r.by_bucket, r.total_fen, r.count] for r in rows])


def wish_totals(db: Database, year: int) -> dict[str, int]:
    """Micro-wishes fulfilled in the year: how many, their money and their goods value."""
    return wishes.fulfilled_totals(db, f"{year}-01-01", f"{year}-12-31")


def build(db: Database, year: int) -> tuple[list[figures.MonthRow], list[Table]]:
    period = year_period(year)
    months = figures.by_month(db, period)
    bs = [m.bucket for m in months]
    tables = [
        _pivot_table("基金收入", "基金", bs, figures.received_by_fund(db, period), "捐赠笔数"),
        _pivot_table("基金支出", "基金", bs, figures.aid_by_fund(db, period), "救助人次"),
        _pivot_table("项目支出", "救助项目", bs, figures.aid_by_programme(db, period), "救助人次"),
        _pivot_table("类别支出", "人员类别", bs, figures.aid_by_category(db, period), "救助人次"),
        _pivot_table("村支出", "村（社区）", bs, figures.aid_by_village(db, period), "救助人次"),
        _pivot_table("其他支出", "用途", bs, figures.spending_by_purpose(db, period), "笔数"),
        _pivot_table("基金调拨", "基金", bs, figures.transfers_by_fund(db, period), "笔数"),
        _goods_table(db, year),
        _pivot_table("助餐补贴", "助餐点 · 档次", bs, figures.meals_by_canteen_and_tier(db, period), "人次"),
    ]
    return months, tables


def _goods_table(db: Database, year: int) -> Table:
    """物资出入库: each item's stock at the start of the year, goods in and out, stock at its end
    (quantities, not money: the goods ledger in one row per item)."""
    lines = store.movements(db, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    return Table("物资出入库", goods_ledger.SUMMARY_COLUMNS, [
        [s["item"], s["unit"], as_decimal(s["opening_milli"]), as_decimal(s["in_milli"]), as_decimal(s["out_milli"]),
         as_decimal(s["closing_milli"])] for s in goods_ledger.summary(lines)])


def export_monthly(db: Database, path: str | Path, year: int, *,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> tuple[Written, dict[str, Any]]:
    if not 1900 <= year <= 9999:
        raise InputError("bad_year", f"年份不对：{year}")
    months, tables = build(db, year)
    if progress is not None:
        progress(0, 1)
    total = len(months) + 1  # the 全年 column of each pivot
    charts = (
        Chart(f"{year}年每月捐赠收入与救助支出", labels=0, values=(_IN, _OUT)),
        Chart(f"{year}年各基金捐赠收入", labels=0, values=(total,), table="基金收入", kind="bar"),
        Chart(f"{year}年各类别救助支出", labels=0, values=(total,), table="类别支出", kind="bar"),
        Chart(f"{year}年各村救助支出", labels=0, values=(total,), table="村支出", kind="bar"),
    )
    notes: tuple[tuple[str, str], ...] = (
        ("收入口径", "只计有效捐赠（已作废的不计），按捐赠日期归月；物资按登记的折价金额计，无法确认价值的为 0。"
                     "“其中定向”是指定了项目或受助人的捐赠。"),
        ("支出口径", "只计已确认发放批次中持有款项的明细（待领取、已签领、已转账、代领），按发放日期归月；"
                     "已冲销、未领取的不计。与同期发放台账的合计相同。"),
        ("其他支出", "不经发放批次的钱款支出：采购、拨给单位、管理费用（按用途），以及直接拨付给个人的定向拨付；"
                     "按支出日期归月，已冲销的不计。收支差额 = 捐赠收入 − 救助支出 − 其他支出。"),
        ("基金调拨", "基金之间按会议决定的调拨：调入为正、调出为负，全站合计为 0，不影响收支差额。"),
        ("分表", "基金收入、基金支出、项目支出、类别支出、村支出：每行一个基金（项目、类别、村），"
                 "每月一列，右边是全年合计和笔数（人次）；每张表的合计等于第一张表的对应合计。"),
        ("人员类别", "一人有多个类别时，按发放时登记的第一个类别计，每人次只计一次，各类别相加等于总支出。"),
        ("基金支出", "按发放批次所用的基金计（导入的历史发放记在项目的基金名下）。"),
        ("物资出入库", "物资按数量计：年初结存、本年入库（捐赠、采购、盘盈）、出库（发放、报损、盘亏）和年末结存，"
                      "与同期物资台账的结存汇总相同。"),
        ("助餐补贴", "已确认付款的助餐结算单计入救助支出：每人每月一人次，按付款日期归月，已冲销的不计；"
                     "项目支出中记为“助餐补贴”，“助餐补贴”分表按助餐点和档次列出。"),
    )
    w = wish_totals(db, year)
    notes = (*notes, ("微心愿", f"全年实现 {w['wishes']} 个，现金 ¥{format_fen(w['money_fen'])}，"
                               f"物资折价 ¥{format_fen(w['goods_fen'])}（已计入上面的捐赠收入和其他支出）。"))
    report = Report(title=f"{year}年{TITLE}", station=station_text(db), period=year_period(year).text,
                    sheet="每月收支", notes=notes)
    written = write_table(path, report, COLUMNS, _month_rows(months), cancelled=cancelled,
                          tables=tables, charts=charts)
    if progress is not None:
        progress(1, 1)
    summary = {
        "year": year,
        "donations": sum(m.donations for m in months),
        "received_fen": sum(m.received_fen for m in months),
        "aid_lines": sum(m.aid_lines for m in months),
        "aid_fen": sum(m.aid_fen for m in months),
        "other_out_fen": sum(m.other_out_fen for m in months),
        "wishes": w,
    }
    return written, summary
