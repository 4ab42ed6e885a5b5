"""The figures behind the charts on 首页 and 报表, summed in app/ (the screens only draw them)."""

import datetime as dt
from types import SimpleNamespace

from report_book import build_book

from app.reports.charts import aid_chart, chart_figures, largest, year_charts
from app.reports.period import Period


def test_the_year_by_month_and_aid_by_category(db, admin):
    build_book(db, admin)
    by_month, by_category = year_charts(db, 2024)
    assert by_month.title == "2024年每月捐赠收入与救助支出" and len(by_month.labels) == 12
    received, aid = by_month.series
    assert received.values[:4] == (1_000_00, 200_50, 50_00, 300_00)  # the voided gift is not counted
    assert sum(aid.values) == 200_00 == aid.values[2]  # March: three lines, one reversed
    assert by_category.labels == ("（无类别）",) and by_category.series[0].values == (200_00,)


def test_the_summary_line_the_chosen_breakdown_and_the_span(db, admin):
    build_book(db, admin)
    text, month, part, span = chart_figures(db, Period(), 0)
    assert text == "捐赠 5 笔，收入 1,550.50 元；救助 2 人次，支出 200.00 元。"
    assert month is not None and month.labels == ("1月", "2月", "3月", "4月")
    assert part is not None and part.title == "各基金收入与支出"
    assert dict(zip(part.labels, part.series[0].values, strict=True))["助学定向基金"] == 300_00
    assert dict(zip(part.labels, part.series[1].values, strict=True))["东风村冠名基金"] == 200_00
    assert span == (dt.date(2024, 1, 10), dt.date(2024, 4, 1))
    _, _, villages, _ = chart_figures(db, Period(), 3)
    assert villages is not None and villages.labels == ("东风村", "红星村")
    text, month, part, span = chart_figures(db, Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), 1)
    assert text == "捐赠 0 笔，收入 0.00 元；救助 0 人次，支出 0.00 元。"
    assert month is not None and len(month.labels) == 12 and not any(month.series[0].values)
    assert part is None  # no programme paid anything: no empty chart


def test_an_aid_chart_keeps_the_largest_in_their_order_and_says_so():
    rows = [SimpleNamespace(name=n, total_fen=f) for n, f in [("甲", 5), ("乙", 50), ("丙", 1), ("丁", 40)]]
    assert [r.name for r in largest(rows, 2)] == ["乙", "丁"]
    chart = aid_chart("各村救助支出", rows, 2)
    assert chart.title == "各村救助支出（前 2 个，共 4 个）" and chart.labels == ("乙", "丁")
    assert aid_chart("各村救助支出", rows, 8).title == "各村救助支出"
