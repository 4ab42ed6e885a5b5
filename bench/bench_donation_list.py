"""The donation list at 100,000 donations: a filter change, through the real table model.

Measures, never asserts. A filter change is what the GUI does: `DonationModel.set_filters`
(one aggregate for the count and totals, one block of handles, a model reset) and then
painting the first screen (the 30 rows a view shows: one page of rows fetched).
Target: under 50 ms.

    python bench/bench_donation_list.py [--db PATH]   (default: makes one, about 15 s)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    from PySide6.QtCore import QCoreApplication, Qt

    from app.db import Database
    from app.donations.query import Filters
    from app.funds import funds
    from ui.models.donation_model import DonationModel

    tmp = tempfile.TemporaryDirectory(prefix="bench-list-")
    path = args.db
    if path is None:
        from bench.bench_startup import make_db  # type: ignore[import-not-found]

        path = Path(tmp.name) / "big.db"
        print("making a database with 100,000 recipients and 100,000 donations …", flush=True)
        make_db(path)
    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841 (kept alive)
    db = Database.open(path)
    model = DonationModel(db)
    fs = funds.list_funds(db)
    today = dt.date.today()
    cases = {
        "all valid (default)": Filters(),
        "all, voided too": Filters(voided=None),
        "one fund": Filters(fund_id=fs[1].id),
        "WeChat only": Filters(method="wechat"),
        "goods only": Filters(method="goods"),
        "donor 'zs'": Filters(donor_text="zs"),
        "this year": Filters(date_from=today.replace(month=1, day=1), date_to=today),
        "last 30 days, cash": Filters(date_from=today - dt.timedelta(days=30), method="cash"),
        "voided only": Filters(voided=True),
    }
    model.set_filters(Filters())
    print(f"{db.scalar('SELECT count(*) FROM donations'):,} donations")
    print(f"{'filter':<24}{'rows':>9}{'median ms':>11}{'max ms':>9}")
    for name, f in cases.items():
        times = []
        for _ in range(args.rounds):
            model.set_filters(Filters(donor_text="no such donor xyz"))
            t = time.perf_counter()
            model.set_filters(f)
            for r in range(min(30, model.rowCount())):
                model.data(model.index(r, 2))
            times.append((time.perf_counter() - t) * 1000)
        print(f"{name:<24}{model.rowCount():>9,}{statistics.median(times):>11.1f}{max(times):>9.1f}")
    for key, col in (("amount_fen", 4), ("donor_name", 2)):
        model.set_filters(Filters())
        t = time.perf_counter()
        model.sort(col, Qt.SortOrder.AscendingOrder)
        for r in range(30):
            model.data(model.index(r, 2))
        print(f"sort by {key:<16}{model.rowCount():>9,}{(time.perf_counter() - t) * 1000:>11.1f}"
              "   (not paged: one query for every handle)")
    model.sort(0, Qt.SortOrder.DescendingOrder)
    model.set_filters(Filters())
    t = time.perf_counter()
    model.data(model.index(model.rowCount() - 1, 2))
    print(f"jump to the last row (End key): {(time.perf_counter() - t) * 1000:.1f} ms")
    del model
    db.close()
    tmp.cleanup()


if __name__ == "__main__":
    main()
