"""Meal subsidies in the annual report: counted as aid in the month the statement was paid, in
every aid sheet (so their totals still agree), and by canteen and tier on a sheet of their own."""

import datetime as dt

from meal_month import MONTH, every_day, grid_file, set_up

from app.imports.meals import import_meals
from app.meals import scheme, statement
from app.reports import annual


def test_meals_count_as_aid_by_month_canteen_and_tier(db, admin, tmp_path):
    set_up(db, admin)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    marks = {"乙八十": {2: 1, 3: 1}, "甲七十": every_day(), "丁生日": {13: 1, 20: 1}}
    import_meals(db, admin, grid_file(tmp_path / "g.xlsx", marks), canteen, MONTH)
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 2))
    months, tables = annual.build(db, 2026)
    april = months[3]
    assert (april.aid_lines, april.aid_fen) == (3, 1600 + 2200 + 600)
    by_name = {t.name: t for t in tables}
    meals = {r[0]: r[-2] for r in by_name["助餐补贴"].rows}
    assert meals == {"东风长者食堂 · 低保户": 1600, "东风长者食堂 · 60–74岁": 2200,
                     "东风长者食堂 · 60–74岁 → 75–84岁": 600}
    for name in ("基金支出", "项目支出", "类别支出", "村支出"):
        assert sum(r[-2] for r in by_name[name].rows) == 4400, name
    assert {r[0]: r[-2] for r in by_name["项目支出"].rows} == {"助餐补贴": 4400}


def test_the_fund_statement_counts_the_meal_payment_as_aid(db, admin, tmp_path):
    from app.funds import funds
    from app.reports.fund_statement import fund_rows
    from app.reports.period import Period

    set_up(db, admin)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    import_meals(db, admin, grid_file(tmp_path / "g.xlsx", {"乙八十": {2: 1, 3: 1}}), canteen, MONTH)
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 2))
    row = next(r for r in fund_rows(db, Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))) if r["name"] == "助餐基金")
    assert (row["aid_fen"], row["meals_fen"], row["paid_fen"]) == (1600, 1600, 1600)
    assert row["closing_fen"] == funds.find_fund(db, "助餐基金").balance_fen
    later = next(r for r in fund_rows(db, Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31))) if r["name"] == "助餐基金")
    assert later["opening_fen"] == 1_000_000 - 1600


def test_the_aid_ledger_lists_meal_lines_and_counts_the_paid_ones(db, admin, tmp_path):
    import openpyxl

    from app.reports.disbursement_ledger import export_disbursements

    set_up(db, admin)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    import_meals(db, admin, grid_file(tmp_path / "g.xlsx", {"乙八十": {2: 1, 3: 1}}), canteen, MONTH)
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 2))
    statement.reverse(db, admin, canteen, MONTH, "重开")
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 3))
    _, s = export_disbursements(db, tmp_path / "台账.xlsx")
    assert (s["live"], s["live_fen"], s["not_counted"]) == (1, 1600, 1)
    rows = list(openpyxl.load_workbook(tmp_path / "台账.xlsx").worksheets[0].iter_rows(values_only=True))
    meal = [r for r in rows if r[1] == "助餐补贴：东风长者食堂"]
    assert [(r[4], r[8], r[10], r[11]) for r in meal] == [("乙八十", 16, "已冲销", "否"), ("乙八十", 16, "已转账", "是")]


def test_the_public_notice_shows_meal_subsidies_masked(db, admin, tmp_path):
    from app.reports.period import Period
    from app.reports.public_notice import iter_rows, summary

    set_up(db, admin)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    import_meals(db, admin, grid_file(tmp_path / "g.xlsx", {"乙八十": {2: 1, 3: 1}}), canteen, MONTH)
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 2))
    period = Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    rows = [r for r in iter_rows(db, period) if str(r[6]).startswith("助餐补贴")]
    assert [(r[2], r[6], r[8]) for r in rows] == [("乙*十", "助餐补贴：2026-03 东风长者食堂 2 餐", 1600)]
    assert "**********" in rows[0][3]
    s = summary(db, period)
    assert (s["aid_fen"], s["meal_fen"], s["out_fen"]) == (1600, 1600, 1600)
