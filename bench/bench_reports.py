"""The 报表 page's figures, the annual report and the notice PDF on a 100,000 × 100,000 station.

Measures, never asserts. Prints, for a year and for everything: each chart query
(`app.reports.figures`) next to the bare SQL GROUP BY it wraps; the annual report
(`export monthly`) whole; the notice PDF for one month next to plain reportlab
drawing the same rows as bare text lines (same font, same page count), so the
toolkit's cost is visible.

    python bench/bench_reports.py [--db PATH]   (default: makes one with the demo, ~1 min)
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import demo  # noqa: E402
from app.db import Database  # noqa: E402
from app.reports import figures  # noqa: E402
from app.reports.annual import export_monthly, year_period  # noqa: E402
from app.reports.period import Period  # noqa: E402
from app.station import accounts, setup  # noqa: E402


def timed(fn: Any, *args: Any, rounds: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def make(path: Path) -> None:
    db = Database.open(path, create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站", "东风镇")
    admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "管理员", "admin", "secret123")
    start = time.perf_counter()
    result = demo.generate(db, admin, 100_000, 100_000)
    print(f"demo: {result.to_dict()} in {time.perf_counter() - start:.1f} s")
    db.close()


def bare_pdf(rows: list[list[Any]], out: Path, per_page: int) -> int:
    """Plain reportlab: the same rows as text lines, the same font, `per_page` a page."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from app.pdf import fonts

    name = fonts.register()
    c = Canvas(str(out), pagesize=landscape(A4))
    pages = 0
    for i in range(0, max(len(rows), 1), per_page):
        c.setFont(name, 11)
        y = 520.0
        for r in rows[i:i + per_page]:
            c.drawString(40, y, "  ".join(str(v) for v in r if v is not None))
            y -= 24
        c.showPage()
        pages += 1
    c.save()
    return pages


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an existing station database (else one is made)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_reports_"))
    path = args.db or tmp / "station.db"
    if args.db is None:
        make(path)
    db = Database.open(path)
    last = db.scalar("SELECT max(donated_on) FROM donations")
    year = int(last[:4])
    print(f"{db.scalar('SELECT count(*) FROM donations'):,} donations, "
          f"{db.scalar('SELECT count(*) FROM disbursements'):,} aid lines; year {year}")

    for label, period in ((f"{year}", year_period(year)), ("everything", Period())):
        where, params = period.where("donated_on")
        bare_sql = ("SELECT substr(donated_on, 1, 7) k, count(*), sum(amount_fen) FROM donations"
                    " WHERE status = 'active'" + "".join(f" AND {t}" for t in where) + " GROUP BY k")
        bare, _ = timed(db.query, bare_sql, params)
        print(f"\n[{label}] bare SQL: donations by month {bare * 1000:.0f} ms")
        total = 0.0
        for fn in (figures.by_month, figures.received_by_fund, figures.aid_by_fund, figures.aid_by_programme,
                   figures.aid_by_category, figures.aid_by_village):
            t, rows = timed(fn, db, period)
            total += t
            print(f"  {fn.__name__:<18} {t * 1000:6.0f} ms  ({len(rows)} rows)")
        print(f"  all six (the annual report's data) {total * 1000:.0f} ms")

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t, (written, s) = timed(export_monthly, db, tmp / "annual.xlsx", year, rounds=1)
    print(f"\nexport monthly {year}: {t:.2f} s, {written.path.stat().st_size / 1024:.0f} KiB, "
          f"received {s['received_fen'] / 100:,.2f}, aid {s['aid_fen'] / 100:,.2f}; "
          f"peak RSS {max(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024:.0f} MiB")

    from app.reports import notice_pdf
    from app.reports.public_notice import iter_rows

    month = Period(dt.date(year, 3, 1), dt.date(year, 3, 31))
    rows = list(iter_rows(db, month))
    t_ours, (result, _) = timed(notice_pdf.write_notice_pdf, db, tmp / "notice.pdf", month, rounds=1)
    per_page = max(1, len(rows) // max(result.pages, 1))
    t_bare, pages = timed(bare_pdf, rows, tmp / "bare.pdf", per_page, rounds=1)
    print(f"notice PDF, {month.text}: {len(rows):,} rows, {result.pages} pages in {t_ours:.2f} s "
          f"({t_ours / max(result.pages, 1) * 1000:.0f} ms a page); bare reportlab text lines, {pages} pages: "
          f"{t_bare:.2f} s → {t_ours / t_bare:.2f}×")
    print(f"\nfiles in {tmp}")


if __name__ == "__main__":
    main()
