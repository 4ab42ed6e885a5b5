"""Meal subsidies reach the station exchange file as aid lines of their own kind (助餐补贴), one per
person and paid statement; a reversed statement's lines are there as 已冲销 and not counted."""

import datetime as dt

from meal_month import MONTH, every_day, grid_file, set_up

from app.imports.meals import import_meals
from app.meals import scheme, statement
from app.township.reader import read_exchange
from app.township.station_file import export_station


def test_meal_lines_in_the_exchange_file(db, admin, tmp_path):
    set_up(db, admin)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    import_meals(db, admin, grid_file(tmp_path / "g.xlsx", {"乙八十": {2: 1, 3: 1}, "甲七十": every_day()}),
                 canteen, MONTH)
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 2))
    statement.reverse(db, admin, canteen, MONTH, "重开")
    statement.confirm(db, admin, canteen, MONTH, on=dt.date(2026, 4, 3))
    f = read_exchange(export_station(db, tmp_path / "s.xlsx", dt.date(2026, 1, 1), dt.date(2026, 4, 30))["path"])
    lines = [r for r in f.sheets["发放明细"] if r[4] == "助餐补贴"]
    assert sorted((r[2], r[6], r[9], r[10], r[11], r[12]) for r in lines) == [
        ("2026-04-02", "乙八十", 1600, "2026-03 补贴 2 餐", "已冲销", "否"),
        ("2026-04-02", "甲七十", 2200, "2026-03 补贴 22 餐", "已冲销", "否"),
        ("2026-04-03", "乙八十", 1600, "2026-03 补贴 2 餐", "已转账", "是"),
        ("2026-04-03", "甲七十", 2200, "2026-03 补贴 22 餐", "已转账", "是"),
    ]
