"""What the charts on 首页 and 报表 show: the figures summed and cut into bars here, so that the
screens only draw what they are given (`ui.widgets.charts.BarChart`).

Amounts are integer fen. A chart of aid shows the few largest rows and says in its title how
many were left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.db import Database
from app.reports import figures
from app.reports.period import Period
from app.rules.money import format_fen


@dataclass(frozen=True)
class Series:
    """One row of figures, e.g. 捐赠收入: one amount in fen per label."""

    name: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class ChartData:
    """What a chart shows: a title, the labels along one axis, one or more series."""

    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]

    def __post_init__(self) -> None:
        for s in self.series:
            if len(s.values) != len(self.labels):
                raise ValueError(
                    f"series {s.name!r} has {len(s.values)} values for {len(self.labels)} labels")


def largest(rows: list[Any], n: int) -> list[Any]:
    """The `n` rows with the most money, kept in their own order (a chart has room for a few)."""
    if len(rows) <= n:
        return rows
    keep = {id(r) for r in sorted(rows, key=lambda r: -r.total_fen)[:n]}
    return [r for r in rows if id(r) in keep]


def aid_chart(title: str, rows: list[Any], n: int) -> ChartData:
    """One bar of aid per row, the `n` largest; the title says when some were left out."""
    found = largest(rows, n)
    if len(rows) > len(found):
        title += f"（前 {len(found)} 个，共 {len(rows)} 个）"
    return ChartData(title, tuple(r.name for r in found), (Series("救助支出", tuple(r.total_fen for r in found)),))


def year_charts(db: Database, year: int) -> tuple[ChartData, ChartData]:
    """This year's money in and out by month, and aid by category (read in one snapshot)."""
    period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    months = figures.by_month(db, period)
    by_month = ChartData(f"{year}年每月捐赠收入与救助支出", tuple(m.bucket.label for m in months),
                         (Series("捐赠收入", tuple(m.received_fen for m in months)),
                          Series("救助支出", tuple(m.aid_fen for m in months))))
    by_category = aid_chart(f"{year}年各人员类别救助支出", figures.aid_by_category(db, period), 8)
    return by_month, by_category


Figures = tuple[str, ChartData | None, ChartData | None, tuple[dt.date, dt.date] | None]


def chart_figures(db: Database, period: Period, part: int) -> Figures:
    """On a pool thread: the summary line, the by-month chart, one breakdown chart, and the
    first and last day the period covers (for 全部: the first and last record)."""
    months = figures.by_month(db, period)
    received = sum(m.received_fen for m in months)
    aid = sum(m.aid_fen for m in months)
    text = (f"捐赠 {sum(m.donations for m in months):,} 笔，收入 {format_fen(received)} 元；"
            f"救助 {sum(m.aid_lines for m in months):,} 人次，支出 {format_fen(aid)} 元。")
    yearly = bool(months) and len(months[0].bucket.key) == 4
    month_chart = ChartData("每年捐赠收入与救助支出" if yearly else "每月捐赠收入与救助支出", tuple(m.bucket.label for m in months),
                            (Series("捐赠收入", tuple(m.received_fen for m in months)),
                             Series("救助支出", tuple(m.aid_fen for m in months)))) if months else None
    if part == 0:
        got = {r.name: r.total_fen for r in figures.received_by_fund(db, period)}
        paid = {r.name: r.total_fen for r in figures.aid_by_fund(db, period)}
        names = tuple([*got, *(n for n in paid if n not in got)])
        part_chart = ChartData("各基金收入与支出", names, (Series("收入", tuple(got.get(n, 0) for n in names)),
                                                           Series("支出", tuple(paid.get(n, 0) for n in names))))
    else:
        title, rows = {1: ("各救助项目支出", figures.aid_by_programme),
                       2: ("各人员类别救助支出", figures.aid_by_category),
                       3: ("各村（社区）救助支出", figures.aid_by_village)}[part]
        part_chart = aid_chart(title, rows(db, period), 12)
    return text, month_chart, part_chart if part_chart.labels else None, figures.span(db, period)
