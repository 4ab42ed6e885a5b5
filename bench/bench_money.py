"""Money speed as whole processes: measures, never asserts.

(a) 300 new gifts imported (`import-donations`, each with its receipt) into a station that holds
    10,000 donations, and into one that holds 100,000 — the issue's target: at most 1.3×.
(b) One desk donation (`donate`) into the same two stations — at most 1.3×.
(c) 20,000 gifts imported into a new station against 5,000 — at most 5× (linear).

Since issue 15 every writing command first runs SQLite's quick_check on the whole file, and an
import first takes a verified backup of it: both grow with the database by design. The figures
are printed as shipped, and again with those two safety steps switched off in the measured
process ("money part"), which is what the journal and kept totals decide.

The floor is the bare library doing the same amount of writing: a Python process that opens
the same database with sqlite3 and inserts the same number of donation rows, one statement each,
in one transaction. Each figure is the median of `--rounds` runs on fresh copies.

    python bench/bench_money.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FLOOR = r"""
import sqlite3, sys, uuid
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA journal_mode = WAL"); c.execute("PRAGMA synchronous = FULL")
fund, donor = c.execute("SELECT (SELECT id FROM funds LIMIT 1), (SELECT id FROM donors LIMIT 1)").fetchone()
c.execute("BEGIN IMMEDIATE")
for i in range(int(sys.argv[2])):
    c.execute("INSERT INTO donations(id, donor_id, donated_on, kind, method, amount_fen, fund_id, station_code,"
              " created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
              (uuid.uuid4().hex, donor, '2026-01-02', 'cash', 'cash', 1000, fund, 'ST01', 'x', 'system', 'x',
               'system'))
c.execute("COMMIT")
"""


#: The same command with the whole-file safety steps of issue 15 replaced by nothing.
WITHOUT_SAFETY = r"""
import sys
from app.imports import common, donations
from app.safety import health
common.backup_before_writing = donations.backup_before_writing = lambda db: None
health.quick_check = lambda path: health.Health(True, "", [])
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""
SAFETY = {"on": True}


def app(db: Path, *args: str) -> float:
    start = time.perf_counter()
    head = ["-m", "app"] if SAFETY["on"] else ["-c", WITHOUT_SAFETY]
    subprocess.run([sys.executable, *head, "--db", str(db), *args], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def floor(db: Path, rows: int) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR, str(db), str(rows)], check=True, capture_output=True)
    return time.perf_counter() - start


def station(tmp: Path, donations: int) -> Path:
    db = tmp / f"station-{donations}.db"
    app(db, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")
    if donations:
        app(db, "demo", "--recipients", "1000", "--donations", str(donations))
    return db


def gift_list(path: Path, rows: int) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "捐款金额（元）", "捐款日期", "所在单位"])
    on = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    for i in range(1, rows + 1):
        ws.append([i, f"职工{i:05d}", 50 + i % 7 * 10, on, "镇中心小学"])
    wb.save(path)
    return path


def median_of(rounds: int, fn, source: Path, tmp: Path) -> float:  # noqa: ANN001
    times = []
    for r in range(rounds):
        copy = tmp / f"run-{r}-{source.name}"
        shutil.copy(source, copy)
        times.append(fn(copy))
        copy.unlink()
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        small, big, empty = station(tmp, 10_000), station(tmp, 100_000), station(tmp, 0)
        app(empty, "donate", "--donor", "张三", "--amount", "1")  # a donor and fund for the floor
        lists = {n: gift_list(tmp / f"list{n}.xlsx", n) for n in (300, 5_000, 20_000)}

        def imp(n: int):  # noqa: ANN202
            return lambda db: app(db, "import-donations", str(lists[n]))

        def desk(db: Path) -> float:
            return app(db, "donate", "--donor", "李四", "--amount", "100")

        for label, on in (("as shipped", True), ("money part (safety steps off)", False)):
            SAFETY["on"] = on
            report(label, measure(args.rounds, imp, desk, small, big, empty, tmp))


def measure(rounds: int, imp, desk, small: Path, big: Path, empty: Path, tmp: Path):  # noqa: ANN001, ANN201
    return [
        ("import 300 into 10,000", median_of(rounds, imp(300), small, tmp),
         median_of(rounds, lambda db: floor(db, 300), small, tmp)),
        ("import 300 into 100,000", median_of(rounds, imp(300), big, tmp),
         median_of(rounds, lambda db: floor(db, 300), big, tmp)),
        ("desk donation at 10,000", median_of(rounds, desk, small, tmp),
         median_of(rounds, lambda db: floor(db, 1), small, tmp)),
        ("desk donation at 100,000", median_of(rounds, desk, big, tmp),
         median_of(rounds, lambda db: floor(db, 1), big, tmp)),
        ("import 5,000 into a new station", median_of(rounds, imp(5_000), empty, tmp),
         median_of(rounds, lambda db: floor(db, 5_000), empty, tmp)),
        ("import 20,000 into a new station", median_of(1, imp(20_000), empty, tmp),
         median_of(rounds, lambda db: floor(db, 20_000), empty, tmp)),
    ]


def report(label: str, rows) -> None:  # noqa: ANN001
    print(f"\n{label}")
    print(f"{'whole process':<34}{'ours s':>9}{'floor s':>9}{'ours/floor':>12}")
    for name, ours, bare in rows:
        print(f"{name:<34}{ours:>9.2f}{bare:>9.2f}{ours / bare:>12.1f}")
    t = {name: ours for name, ours, _ in rows}
    print(f"import 300: 100,000 / 10,000 = {t['import 300 into 100,000'] / t['import 300 into 10,000']:.2f}"
          " (target ≤ 1.3)")
    print(f"desk donation: 100,000 / 10,000 = {t['desk donation at 100,000'] / t['desk donation at 10,000']:.2f}"
          " (target ≤ 1.3)")
    print(f"import 20,000 / 5,000 = {t['import 20,000 into a new station'] / t['import 5,000 into a new station']:.2f}"
          " (target ≤ 5, linear is 4)")

if __name__ == "__main__":
    main()
