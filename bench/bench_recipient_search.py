"""Register search speed: measures, never asserts.

At 100,000 recipients (demo data in a temporary database), the median time of
one search keystroke for several kinds of query — the SQLite query plus the
table model's reset, as the page does it when its debounce timer fires
(target under 30 ms). Also shown: the query alone, the first paint of the
table after the reset (fetching the first page of rows), and the same query
returning the 32-character text ids instead of integer row handles.

    python bench/bench_recipient_search.py [--recipients 100000] [--rounds 15] [--db FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

#: (kind, what is typed). Typing "wxy" is three keystrokes: w, wx, wxy.
QUERIES = [
    ("1 character", "w"),
    ("1 character", "z"),
    ("1 character", "王"),
    ("2 characters", "wa"),
    ("2 characters", "王秀"),
    ("pinyin initials", "wxy"),
    ("pinyin initials", "zjg"),
    ("full pinyin", "wangxiuying"),
    ("full pinyin", "zhangjianguo"),
    ("ID fragment", "0315"),
    ("ID fragment", "19440"),
    ("ID fragment", "3703"),  # the region code of half the demo register: the worst case
    ("phone", "1385"),
    ("phone", "13812"),
    ("village", "东风"),
    ("empty box", ""),
]


def build(path: Path, n: int) -> None:
    from app import demo
    from app.db import Database
    from app.station import accounts, setup

    db = Database.open(path, create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站")
    start = time.perf_counter()
    demo.generate(db, accounts.SYSTEM, n, 0, seed=1)
    print(f"built {n:,} recipients in {time.perf_counter() - start:.1f} s: {path}")
    db.close()


def median_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipients", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--db", type=Path, help="an existing station database to search instead")
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication, QTableView

    from app.db import Database
    from app.recipients import search as recipient_search
    from app.recipients.search import Filters, Sort
    from ui.models.recipient_model import RecipientModel

    tmp = tempfile.TemporaryDirectory(prefix="bench-register-")
    path = args.db or Path(tmp.name) / "register.db"
    if args.db is None:
        build(path, args.recipients)
    db = Database.open(path)
    total = recipient_search.count(db, "", Filters(status=None))
    print(f"{total:,} recipients; SQLite {db.scalar('SELECT sqlite_version()')}; "
          f"median of {args.rounds} rounds\n")

    app = QApplication.instance() or QApplication([])
    model = RecipientModel(db)
    view = QTableView()
    view.setModel(model)
    view.resize(1000, 600)
    view.show()
    app.processEvents()

    def keystroke(text: str, filters: Filters) -> None:
        model.set_query(text, filters)  # the query and the model reset

    def keystroke_painted(text: str, filters: Filters) -> None:
        model.set_query(text, filters)
        view.viewport().repaint()  # fetches the first page of rows and paints them

    def text_ids(text: str, filters: Filters) -> list[str]:
        """The same query and packing as search_ids, returning the 32-character ids."""
        where, params = recipient_search._where(db, text, filters)
        sql = "SELECT r.id AS h FROM recipients r" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY " + recipient_search._order_by(Sort())
        packed = db.scalar(f"SELECT json_group_array(h) FROM ({sql})", params)
        return json.loads(packed)

    head = f"{'kind':<17}{'typed':<14}{'found':>8}{'query':>9}{'+reset':>9}{'+paint':>9}{'text ids':>10}"
    print(head)
    print("-" * len(head))
    by_kind: dict[str, list[float]] = {}
    cases = [(k, q, Filters()) for k, q in QUERIES] + [
        ("filter: 80+", "w", Filters(min_age=80)),
        ("filter: category", "w", Filters(category="高龄老人")),
        ("filter: village", "w", Filters(village="东风村")),
    ]
    for kind, text, filters in cases:
        found = len(recipient_search.search_ids(db, text, filters))
        q = median_ms(lambda t=text, f=filters: recipient_search.search_ids(db, t, f), args.rounds)
        r = median_ms(lambda t=text, f=filters: keystroke(t, f), args.rounds)
        p = median_ms(lambda t=text, f=filters: keystroke_painted(t, f), args.rounds)
        s = median_ms(lambda t=text, f=filters: text_ids(t, f), args.rounds)
        by_kind.setdefault(kind, []).append(r)
        print(f"{kind:<17}{text or '(none)':<14}{found:>8,}{q:>8.1f} {r:>8.1f} {p:>8.1f} {s:>9.1f}")

    print("\nper keystroke while typing (query + model reset), median over each prefix:")
    for word in ("wxy", "wangxiuying", "王秀英", "13812", "370303194"):
        times = [median_ms(lambda t=word[:i]: keystroke(t, Filters()), args.rounds)
                 for i in range(1, len(word) + 1)]
        print(f"  {word:<14} {statistics.median(times):6.1f} ms   (each: "
              + ", ".join(f"{t:.0f}" for t in times) + ")")
    worst = max(statistics.median(v) for v in by_kind.values())
    print(f"\nslowest kind median (query + reset): {worst:.1f} ms — target under 30 ms")
    view.close()
    db.close()
    tmp.cleanup()
    # PySide6 6.12.0 drops references to None and True in many calls (see the register
    # page's notes); after thousands of them Python aborts while shutting down. Leave
    # without the interpreter's final garbage collection: the figures are printed.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
