"""Benchmark: a backup, the start check and a restore of a town-sized database.

    python bench/bench_backup.py [--recipients 100000] [--donations 100000]

Builds a temporary station with demo data, then times what the program does at
closing (backup.take: online copy, integrity check, audit chain, counts, JSON),
the quick check before the window opens, and a restore. Beside each, the bare
library floor: sqlite3's backup API alone, and a plain file copy. Prints ours,
the floor and the ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import demo  # noqa: E402
from app.db import Database  # noqa: E402
from app.safety import backup, health, restore  # noqa: E402
from app.station import accounts, setup  # noqa: E402


def seconds(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def row(label: str, ours: float, floor: float) -> None:
    print(f"{label:<40}{ours:8.3f} s  floor {floor:8.3f} s  ratio {ours / max(floor, 1e-9):6.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipients", type=int, default=100_000)
    ap.add_argument("--donations", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "station.db"
        db = Database.open(path, create=True)
        setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站", "东风镇")
        demo.generate(db, accounts.SYSTEM, args.recipients, args.donations, 1)
        print(f"database: {path.stat().st_size / 1e6:.1f} MB, "
              f"{db.scalar('SELECT count(*) FROM audit_log')} audit entries")
        taken: list[backup.Backup] = []
        ours = seconds(lambda: taken.append(backup.take(db, Path(tmp) / "备份", "close")))

        def bare() -> None:
            dest = sqlite3.connect(str(Path(tmp) / "bare.db"))
            src = sqlite3.connect(str(path))
            src.backup(dest)
            src.close()
            dest.close()

        row("backup (copy + verify + JSON)", ours, seconds(bare))
        db.close()
        row("quick check before the window", seconds(lambda: health.quick_check(path)),
            seconds(lambda: sqlite3.connect(str(path)).execute("PRAGMA quick_check").fetchall()))
        plan = restore.plan(path, taken[0].path)
        row("restore (safety backup, keep aside, put back)", seconds(lambda: restore.restore(plan)),
            seconds(lambda: shutil.copyfile(taken[0].path, Path(tmp) / "copy.db")))


if __name__ == "__main__":
    main()
