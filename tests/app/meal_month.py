"""A canteen month built by hand for the meal tests: people of different ages and categories, a
scheme with age tiers, categories and caps, and the canteen's daily grid as an .xlsx file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from aid_population import Person, add_people, born

from app.db import Database
from app.funds import funds
from app.meals import enrolments, scheme
from app.station.accounts import Operator

MONTH = "2026-03"
MARCH = dt.date(2026, 3, 1)


def set_up(db: Database, admin: Operator, *, opening_fen: int = 1_000_000) -> dict[str, str]:
    """The fund, scheme, canteen and six people enrolled; returns name → recipient id."""
    fund = funds.create_fund(db, admin, "助餐基金", "named", opening_fen, today=dt.date(2026, 1, 1))
    tiers = scheme.parse_tiers(["60-74:1", "75-84:5", "85-94:8", "95-:9"], ["低保户:8", "特困供养:9"])
    scheme.set_scheme(db, admin, fund.id, tiers, cap_week=5, cap_month=22, effective_from=dt.date(2026, 1, 1))
    canteen = scheme.add_canteen(db, admin, "东风长者食堂", village="东风村")
    people = [Person("甲七十", born(70, MARCH), []), Person("乙八十", born(80, MARCH), ["低保户"]),
              Person("丙九十", born(90, MARCH), []), Person("丁生日", dt.date(1951, 3, 16), []),
              Person("戊五九", born(59, MARCH), []), Person("己九六", born(96, MARCH), ["特困供养"])]
    ids = add_people(db, admin, people)
    enrolments.enrol(db, admin, canteen, ids, on=dt.date(2026, 1, 1))
    return {p.name: i for p, i in zip(people, ids, strict=True)}


def grid_file(path: Path, marks: dict[str, dict[int, object]], *, days: int = 31, extra: list[object] | None = None,
              title: bool = True) -> Path:
    """A daily grid as canteens keep it: a title row, 序号 姓名 1..31, ticks or counts."""
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append(["东风长者食堂 2026年3月 就餐登记表"])
    ws.append(["序号", "姓名", *range(1, days + 1), *(extra or [])])
    for i, (name, by_day) in enumerate(marks.items(), start=1):
        ws.append([i, name, *[by_day.get(d) for d in range(1, days + 1)]])
    wb.save(path)
    return path


def every_day(mark: object = "√") -> dict[int, object]:
    return {d: mark for d in range(1, 32)}
