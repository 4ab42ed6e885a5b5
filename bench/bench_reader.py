"""Spreadsheet reader speed: measures, never asserts.

Builds a 100,000-row roster (.xlsx written by openpyxl in write-only mode:
title, 填报单位 line, header, people with ID numbers, dates as date cells and
as text, phones, categories, bank accounts, then 合计 and a footer) and
measures, side by side and in alternation:

  (a) bare python-calamine reading the same sheet (to_python, every cell);
  (b) our reader: `app.sheets.read_table` with the roster's fields — sniffing,
      the formula check, header detection, junk rows, every cell converted
      and checked (text, long numbers, dates); target within 1.5× of (a);
  (b') the same file marked as saved by Excel (docProps/app.xml), for which
      the formula check is skipped, as for every file Excel or WPS saved;
  (c) for information: the whole roster preview, i.e. (b) plus the register's
      rules on every row (`recipient_import.preview`: ID check character,
      birth date and sex against the ID, phones, duplicates in the file).

Also the end-to-end import of 10,000 rows into an empty station (issue 5:
under 3 s, validation included).

    python bench/bench_reader.py [--rows 100000] [--rounds 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "秀英华明国建军丽芳玉兰桂珍淑敏静霞红梅凤云志强伟刚勇平德福春海金成俊文斌燕翠娟芬荣"
CATEGORIES = ("高龄老人", "低保户", "特困供养", "残疾人", "留守儿童", "困境儿童", "低保户、残疾人")
HEADER = ["序号", "姓名", "身份证号码", "性别", "出生年月", "年龄", "所在村组", "联系电话", "人员类别",
          "开户行", "银行账号", "备注"]


def build(path: Path, rows: int, seed: int = 1) -> None:
    """A roster as a township might send it, written with openpyxl's write-only mode."""
    from openpyxl import Workbook

    from app.rules.idcard import check_char

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["东风镇困难群众花名册"])
    ws.append(["填报单位：东风镇民政办", None, None, None, None, None, "填报日期：2026年9月5日"])
    ws.append(HEADER)
    used: set[str] = set()
    for i in range(1, rows + 1):
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(33000))
        male = rng.random() < 0.5
        while True:
            seq = rng.randrange(100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
            body = f"{rng.choice(('370303', '370305', '130182', '350128'))}{birth:%Y%m%d}{seq:03d}"
            number = body + check_char(body)
            if number not in used:
                used.add(number)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        born = birth if rng.random() < 0.8 else f"{birth.year}.{birth.month:02d}"
        ws.append([i, name, number, "男" if male else "女", born, 2026 - birth.year,
                   f"东风村{rng.randint(1, 8)}组", f"13{rng.randrange(10**9):09d}", rng.choice(CATEGORIES),
                   rng.choice(("农商银行", "邮储银行", "")), f"6217{rng.randrange(10**15):015d}",
                   rng.choice(("", "", "", "独居", "代领人：女儿"))])
    ws.append(["合计", None, None, None, None, f"=SUM(F4:F{rows + 3})"])
    ws.append([])
    ws.append(["制表人：李文", None, None, "审核人：王强", None, None, "填报单位（盖章）"])
    wb.save(path)


def as_saved_by_excel(src: Path, dst: Path) -> None:
    """The same workbook with docProps/app.xml naming Microsoft Excel."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/app.xml":
                data = re.sub(rb"<Application>[^<]*</Application>", b"<Application>Microsoft Excel</Application>",
                              data)
            zout.writestr(item, data)


def calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return len(rows)


def reader(path: Path) -> int:
    from app import sheets
    from app.imports.recipients import FIELDS

    return len(sheets.read_table(path, FIELDS).rows)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()

    from app.db import Database
    from app.imports import recipients as recipient_import
    from app.station import accounts, setup

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-reader-"))
    folder.mkdir(parents=True, exist_ok=True)
    path, excel = folder / "roster.xlsx", folder / "roster-excel.xlsx"
    start = time.perf_counter()
    build(path, args.rows)
    as_saved_by_excel(path, excel)
    print(f"built {args.rows:,} rows in {time.perf_counter() - start:.1f} s: {path} "
          f"({path.stat().st_size / 1e6:.1f} MB)")
    assert calamine(path) == args.rows + 6 and reader(path) == args.rows  # warm up and check

    for old in ("station.db", "import.db"):
        for suffix in ("", "-wal", "-shm"):
            (folder / (old + suffix)).unlink(missing_ok=True)
    db = Database.open(folder / "station.db", create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站")
    runs: dict[str, list[float]] = {"a": [], "b": [], "b'": [], "c": []}
    for _ in range(args.rounds):  # alternate, so a busy machine slows all of them alike
        runs["a"].append(timed(lambda: calamine(path)))
        runs["b"].append(timed(lambda: reader(path)))
        runs["b'"].append(timed(lambda: reader(excel)))
    for _ in range(max(1, args.rounds // 2)):
        runs["c"].append(timed(lambda: recipient_import.preview(db, path)))

    labels = {"a": "(a) python-calamine alone", "b": "(b) our reader, read + check cells",
              "b'": "(b') the same, file saved by Excel", "c": "(c) roster preview, every rule"}
    base = min(runs["a"])
    print(f"\n{args.rows:,} rows, {args.rounds} rounds (best / median, seconds; ratio of best to (a)):")
    for key, label in labels.items():
        best, median = min(runs[key]), statistics.median(runs[key])
        print(f"  {label:<38} {best:6.2f} / {median:6.2f}   {best / base:4.2f}×")
    print(f"  target for (b): within 1.5× of (a) — {'met' if min(runs['b']) <= 1.5 * base else 'NOT met'}")

    small = folder / "roster-10k.xlsx"
    build(small, 10_000, seed=2)
    fresh = Database.open(folder / "import.db", create=True)
    setup.set_up(fresh, accounts.SYSTEM, "ST02", "前进村慈善工作站")
    seconds = timed(lambda: recipient_import.import_file(fresh, accounts.SYSTEM, small, skip_invalid=True))
    written = fresh.scalar("SELECT count(*) FROM recipients")
    print(f"\nimport of 10,000 rows (read, check, write, one transaction): {seconds:.2f} s, {written:,} written"
          f" — target under 3 s")
    db.close()
    fresh.close()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
