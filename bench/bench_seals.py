"""What row seals cost: one gift saved at the desk, with and without sealing, and `check`.

Measures, never asserts. "ours" is `record_donation` as the program runs it (the gift, its
receipt and their audit entries, each row sealed); the floor is the same service on a
connection whose sealing triggers were dropped, so only the seal's share shows in the ratio.

    python bench/bench_seals.py [--saves N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _saves(path: Path, n: int, sealed: bool) -> list[float]:
    from app import seals
    from app.db import Database
    from app.donations import donations, donors
    from app.station import accounts, setup

    db = Database.open(path, create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风站", "")
    donor = donors.create_donor(db, accounts.SYSTEM, "person", "张三")
    if not sealed:
        for table in seals.TABLES:
            for event in ("insert", "update", "delete"):
                db.execute(f"DROP TRIGGER IF EXISTS temp.seal_{table}_{event}")
    times = []
    for i in range(n):
        start = time.perf_counter()
        donations.record_donation(db, accounts.SYSTEM, donations.DonationInput(
            donor.id, dt.date.today(), 100 + i, "cash"))
        times.append(time.perf_counter() - start)
    db.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-seals-") as tmp:
        ours = _saves(Path(tmp) / "sealed.db", args.saves, True)
        floor = _saves(Path(tmp) / "bare.db", args.saves, False)
        o, f = statistics.median(ours) * 1000, statistics.median(floor) * 1000
        print(f"one gift saved (median of {args.saves}): ours {o:.2f} ms, without seals {f:.2f} ms,"
              f" ratio {o / f:.2f}")
        from app.db import Database
        from app.safety import check

        db = Database.open_readonly(Path(tmp) / "sealed.db")
        start = time.perf_counter()
        report = check.run(db)
        print(f"check of {report['counts']['donations']} gifts: {time.perf_counter() - start:.2f} s,"
              f" ok={report['ok']}")
        db.close()


if __name__ == "__main__":
    main()
