"""Benchmark: the candidate list at station scale, confirming, and a 1,000-line sign-off sheet.

    python bench/bench_distributions.py [--recipients 100000] [--past 100000] [--sheet-lines 1000]

Builds a temporary station with demo people, pays out about `--past` past lines
through the distribution service (so the "not aided since" rule has history to
read), then times the candidate list of a programme with every kind of rule,
and draws a sign-off sheet. Prints figures; asserts nothing (targets: candidate
list < 1 s, 1,000-line sheet < 3 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import demo
from app.db import Database  # noqa: E402
from app.funds import funds
from app.programmes import distributions, eligibility, programmes
from app.programmes.programmes import ProgrammeInput, Rules  # noqa: E402
from app.station import accounts, setup


def timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<58}{seconds:8.3f} s")
    return result, seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipients", type=int, default=100_000)
    ap.add_argument("--past", type=int, default=100_000)
    ap.add_argument("--sheet-lines", type=int, default=1000)
    ap.add_argument("--keep", help="keep the database at this path")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="charitydesk-bench-"))
    path = Path(args.keep) if args.keep else folder / "bench.db"
    db = Database.open(path, create=True)
    actor = accounts.SYSTEM
    setup.set_up(db, actor, "ST01", "东风村慈善工作站", "东风镇")
    today = dt.date(2026, 11, 20)
    timed(f"demo: {args.recipients:,} recipients", demo.generate, db, actor, args.recipients, 0, 1, today=today)
    fund = funds.create_fund(db, actor, "基准测试基金", "named", 10**12)

    # Past aid: a monthly programme for the elderly, paid until there are `--past` lines.
    monthly = programmes.create_programme(db, actor, ProgrammeInput(
        "基准月度补贴", fund.id, amount_fen=10000, rules=Rules(categories=("高龄老人",))))
    paid, month, confirm_s = 0, 0, []
    while paid < args.past:
        on = dt.date(2025 + month // 12, month % 12 + 1, 15)
        (d, _), s = timed(f"confirm past distribution {on} (through the service)", distributions.distribute,
                          db, actor, monthly.id, on, today=today)
        paid += d.people
        confirm_s.append((d.people, s))
        month += 1
    # The candidate list that must stay under a second: every rule at once, on the monthly programme.
    rules = Rules(categories=("高龄老人", "低保户", "特困供养", "残疾人"), min_age=60, max_age=120,
                  villages=tuple(demo.VILLAGES[:10]), one_per_household=True, not_aided_since=2025,
                  priority=("disabled", "oldest"))
    programmes.update_programme(db, actor, monthly.id, ProgrammeInput(
        "基准月度补贴", fund.id, amount_fen=10000, budget_fen=None, rules=rules))
    past = db.scalar("SELECT count(*) FROM disbursements")
    people = db.scalar("SELECT count(*) FROM recipients")
    print(f"recipients: {people:,}; past disbursement lines: {past:,}")
    best = None
    for i in range(3):
        p, s = timed(f"candidate list, all rules (run {i + 1})", eligibility.plan, db, monthly.id,
                     dt.date(2026, 10, 1))
        best = s if best is None else min(best, s)
    print(f"  → {p.people:,} in, {p.excluded_count:,} out; best {best:.3f} s (target < 1 s)")
    timed("  explain 200 of the people left out (one screen page)", eligibility.explain_excluded, db, p,
          p.excluded_ids()[:200])
    timed(f"  explain all {p.excluded_count:,} people left out", eligibility.explain_excluded, db, p)
    timed("candidate list, all rules, fitted to a budget", eligibility.plan, db, monthly.id,
          dt.date(2026, 10, 1), fit_budget=True)
    everyone = programmes.create_programme(db, actor, ProgrammeInput("基准全员", fund.id, amount_fen=100))
    p, _ = timed("candidate list, no rules (everyone in: the widest list)", eligibility.plan, db, everyone.id,
                 dt.date(2026, 10, 1))
    print(f"  → {p.people:,} in")
    for n, s in confirm_s[:1]:
        print(f"confirm of {n:,} lines: {s:.3f} s (lines, money out and one audit entry per line)")

    sheet_bench(db, actor, fund.id, args.sheet_lines, folder)
    print(f"files in {folder}")
    db.close()


def sheet_bench(db: Database, actor: accounts.Operator, fund_id: str, n: int, folder: Path) -> None:
    from app.programmes import signoff_sheet

    prog = programmes.create_programme(db, actor, ProgrammeInput(
        "基准签收表", fund_id, amount_fen=50000,
        rules=Rules(categories=("留守儿童", "困境儿童", "低保家庭儿童", "孤儿", "事实无人抚养儿童", "残疾儿童"))))
    draft = distributions.create_draft(db, actor, prog.id, dt.date(2026, 11, 1), today=dt.date(2026, 11, 20))
    plan = distributions.preview(db, draft.id)
    for c in plan.included[n:]:
        distributions.remove_person(db, actor, draft.id, c.recipient_id, "基准测试只取前若干人")
    d = distributions.confirm(db, actor, draft.id)
    out = folder / "sheet.pdf"
    best = None
    for i in range(3):
        _, s = timed(f"sign-off sheet, {d.people:,} lines (run {i + 1})", signoff_sheet.write_sheet, db,
                     d.id, out)
        best = s if best is None else min(best, s)
    print(f"  → {out} ({out.stat().st_size / 1024:.0f} KiB); best {best:.3f} s (target < 3 s)")


if __name__ == "__main__":
    main()
