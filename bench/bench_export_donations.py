"""The donation ledger at 100,000 donations vs openpyxl's write-only mode, whole process.

Measures, never asserts. Each round runs two fresh Python processes side by side
(alternating which goes first): one runs `python -m app export donations`, the other
a plain openpyxl write-only script that reads the same rows with the same SQL and
writes them with the same number formats (money `#,##0.00`, dates `yyyy-mm-dd`),
one header row and a total row. Wall time covers the whole process (start-up,
imports, query, write, save); peak memory is the process's own maximum resident
set (`resource.getrusage`). Target (issue 8): within 1.2× of openpyxl, under 100 MiB.

    python bench/bench_export_donations.py [--db PATH] [--rounds N]   (default: makes one, ~10 s)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_DONATIONS = 100_000

#: The openpyxl baseline: the same SQL, the same formats, nothing of CharityDesk's.
BASELINE = r'''
import datetime as dt, json, resource, sqlite3, sys
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
sys.path.insert(0, sys.argv[3])
db_path, out = sys.argv[1], sys.argv[2]
from app.donations import DIRECTED_SQL
from app.reports.donation_ledger import _SQL, COLUMNS
conn = sqlite3.connect(db_path)
wb = Workbook(write_only=True)
ws = wb.create_sheet("捐赠台账")
ws.freeze_panes = "A2"
ws.append([c.header for c in COLUMNS])
total = 0
n = 0
for (on, kind, method, amount, purpose, status, void_reason, donor, donor_kind, fund, operator,
     programme, recipient, receipt, items, directed) in conn.execute(_SQL.format(where="", directed=DIRECTED_SQL)):
    d = WriteOnlyCell(ws, dt.date.fromisoformat(on)); d.number_format = "yyyy-mm-dd"
    m = WriteOnlyCell(ws, amount / 100); m.number_format = "#,##0.00"
    if status == "active":
        total += amount
    ws.append([d, receipt, donor, donor_kind, method or "物资", m, items, fund, "定向" if directed else None,
               purpose or None, operator,
               "作废" if status == "voided" else None, void_reason or None])
    n += 1
t = WriteOnlyCell(ws, total / 100); t.number_format = "#,##0.00"; t.font = Font(bold=True)
ws.append(["合计", None, None, None, None, t])
wb.save(out)
print(json.dumps({"rows": n, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
'''

#: CharityDesk's command, with its peak memory reported from inside the process.
OURS = r'''
import json, resource, sys
sys.path.insert(0, sys.argv[3])
from app.cli import main
import contextlib, io
buf = io.StringIO()
with contextlib.redirect_stdout(buf):
    code = main(["--db", sys.argv[1], "export", "donations", "-o", sys.argv[2], "--json"])
result = json.loads(buf.getvalue())
assert code == 0, result
print(json.dumps({"rows": result["rows"], "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
'''


def make_db(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from app import demo
    from app.db import Database
    from app.station import accounts, setup

    db = Database.open(path, create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站", "东风镇")
    admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "管理员", "admin", "secret123")
    demo.generate(db, admin, 0, N_DONATIONS)
    db.close()


def run(code: str, db: Path, out: Path) -> tuple[float, int, int]:
    """(seconds, rows, peak MiB) of one whole process."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code, str(db), str(out), str(ROOT)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"child failed:\n{p.stdout}\n{p.stderr}")
    info = json.loads(p.stdout.strip().splitlines()[-1])
    return elapsed, int(info["rows"]), int(info["maxrss_kib"]) // 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--make-db", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make_db:
        make_db(args.make_db)
        return
    tmp = tempfile.TemporaryDirectory(prefix="bench-export-")
    path = args.db
    if path is None:
        path = Path(tmp.name) / "big.db"
        print(f"making a database with {N_DONATIONS:,} donations …", flush=True)
        # In its own process: Linux keeps a process's peak memory across fork and exec, so a
        # parent that had grown would lend its peak to every child measured after it.
        subprocess.run([sys.executable, __file__, "--make-db", str(path)], check=True, timeout=600)
    out_dir = Path(tmp.name)
    times: dict[str, list[float]] = {"charitydesk": [], "openpyxl": []}
    peaks: dict[str, list[int]] = {"charitydesk": [], "openpyxl": []}
    sizes: dict[str, int] = {}
    for i in range(args.rounds):
        order = [("charitydesk", OURS), ("openpyxl", BASELINE)]
        if i % 2:
            order.reverse()
        for name, code in order:
            out = out_dir / f"{name}.xlsx"
            seconds, rows, peak = run(code, path, out)
            times[name].append(seconds)
            peaks[name].append(peak)
            sizes[name] = out.stat().st_size
            print(f"  round {i + 1} {name:12s} {seconds:6.2f} s  {rows:,} rows  peak {peak} MiB", flush=True)
    ours, base = statistics.median(times["charitydesk"]), statistics.median(times["openpyxl"])
    print(f"\nexport donations, {N_DONATIONS:,} rows, whole process, median of {args.rounds}:")
    print(f"  CharityDesk        {ours:6.2f} s   peak {max(peaks['charitydesk'])} MiB   "
          f"{sizes['charitydesk'] / 2**20:.1f} MiB file")
    print(f"  openpyxl (w/o)     {base:6.2f} s   peak {max(peaks['openpyxl'])} MiB   "
          f"{sizes['openpyxl'] / 2**20:.1f} MiB file")
    print(f"  ratio              {ours / base:6.2f}×   (target ≤ 1.20×; peak target < 100 MiB)")


if __name__ == "__main__":
    main()
