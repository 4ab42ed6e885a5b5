"""Meal subsidy speed: measures and prints, never asserts.

(a) A town month: 5,000 enrolled people, the canteen's daily grid (5,000 rows × 31 days, a tick
    on most days) imported and settled (the statement confirmed and paid) — the issue's target:
    under 5 s. Floor: openpyxl reading the same file read-only plus sqlite3 inserting one row per
    person in one transaction.
(b) The statement PDF for 500 people — target under 2 s. Floor: reportlab drawing the same
    number of cells as plain strings in the same embedded font.

    python bench/bench_meals.py
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests" / "app"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from aid_population import Person, add_people, born  # noqa: E402

from app.db import Database  # noqa: E402
from app.funds import funds  # noqa: E402
from app.imports.meals import import_meals  # noqa: E402
from app.meals import enrolments, printout, scheme, statement  # noqa: E402
from app.station import accounts, setup  # noqa: E402

MONTH = "2026-03"
PEOPLE = 5000


def build(folder: Path) -> tuple[Database, scheme.Canteen, Path]:
    db = Database.open(folder / "town.db", create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风镇慈善工作站", "东风镇")
    admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "管理员", "admin", "secret123")
    fund = funds.create_fund(db, admin, "助餐基金", "named", 100_000_000_00, today=dt.date(2026, 1, 1))
    tiers = scheme.parse_tiers(["60-74:1", "75-84:5", "85-94:8", "95-:9"], [])
    scheme.set_scheme(db, admin, fund.id, tiers, cap_week=6, effective_from=dt.date(2026, 1, 1))
    canteen = scheme.add_canteen(db, admin, "东风长者食堂")
    march = dt.date(2026, 3, 1)
    ids = add_people(db, admin, [Person(f"老人{i:05d}", born(60 + i % 40, march), [], group=f"{i % 9 + 1}组")
                                 for i in range(PEOPLE)])
    enrolments.enrol(db, admin, canteen, ids, on=dt.date(2026, 1, 1))
    numbers = dict(db.tuples("SELECT name, id_number FROM recipients"))
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("三月")
    ws.append(["序号", "姓名", "身份证号", *range(1, 32)])
    for i in range(PEOPLE):
        name = f"老人{i:05d}"
        ws.append([i + 1, name, numbers[name], *["√" if (d + i) % 7 else None for d in range(1, 32)]])
    path = folder / "grid.xlsx"
    wb.save(path)
    return db, canteen, path


def floor_import(path: Path, folder: Path) -> float:
    from openpyxl import load_workbook

    t = time.perf_counter()
    wb = load_workbook(path, read_only=True)
    rows = [tuple(r) for r in wb.active.iter_rows(values_only=True)]
    c = sqlite3.connect(folder / "floor.db")
    c.execute("CREATE TABLE m(id TEXT, person TEXT, days TEXT, meals INTEGER)")
    c.executemany("INSERT INTO m VALUES (?,?,?,?)",
                  [(str(i), r[2], ",".join("1" if v else "0" for v in r[3:]), sum(1 for v in r[3:] if v))
                   for i, r in enumerate(rows[1:])])
    c.commit()
    c.close()
    return time.perf_counter() - t


def floor_pdf(cells: int) -> float:
    from io import BytesIO

    from app.pdf.fonts import FONT, new_canvas
    from app.pdf.frames import A4

    t = time.perf_counter()
    c = new_canvas(BytesIO(), A4, title="floor")
    per_page = 30 * 9
    for i in range(cells):
        if i and i % per_page == 0:
            c.showPage()
        c.setFont(FONT, 9)
        c.drawString(40 + (i % 9) * 55, 800 - ((i // 9) % 30) * 20, f"格{i}")
    c.save()
    return time.perf_counter() - t


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db, canteen, path = build(folder)
        t = time.perf_counter()
        result = import_meals(db, accounts.SYSTEM, path, canteen, MONTH)
        t_import = time.perf_counter() - t
        t = time.perf_counter()
        st = statement.confirm(db, accounts.SYSTEM, canteen, MONTH, on=dt.date(2026, 4, 2))
        t_settle = time.perf_counter() - t
        ours = t_import + t_settle
        floor = floor_import(path, folder)
        print(f"(a) {PEOPLE} × 31 grid: imported {result.imported} people ({len(result.errors)} errors), "
              f"paid {st.total_fen / 100:,.2f} yuan for {st.meals} meals")
        print(f"    ours {ours:.2f} s (import {t_import:.2f} s incl. the backup before writing, settle {t_settle:.2f} s)"
              f"   floor {floor:.2f} s   ratio {ours / floor:.1f}×   target < 5 s")
        st.lines = st.lines[:500]
        t = time.perf_counter()
        pdf = printout.render(st, "东风镇慈善工作站")
        ours = time.perf_counter() - t
        floor = floor_pdf(500 * 9)
        print(f"(b) statement PDF, 500 people, {len(pdf) // 1024} KB: ours {ours:.2f} s   floor {floor:.2f} s   "
              f"ratio {ours / floor:.1f}×   target < 2 s")
        db.close()


if __name__ == "__main__":
    main()
