"""Launch to first window, whole process: CharityDesk vs a bare PySide6 window with a table view.

Measures, never asserts. Each run is a fresh process, timed by this script
from start until the child reports that its first top-level window was shown
(the login dialog for CharityDesk). The child also reports which heavy
modules (openpyxl, reportlab, pypinyin) were already imported at that moment
— none should be. Target: within 3× of the bare window.

    python bench/bench_startup.py [--db PATH] [--rounds 5]

Without --db a database with 100,000 recipients and 100,000 donations is made
once in a temporary folder (about 15 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openpyxl", "reportlab", "pypinyin")

_PROBE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

class Shown(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Show and isinstance(obj, QWidget) and obj.isWindow():
            heavy = [m for m in %(heavy)r if m in sys.modules]
            print("SHOWN", type(obj).__name__, ",".join(heavy) or "-", flush=True)
            os._exit(0)
        return False

_orig_init = QApplication.__init__
def _init(self, *a, **k):
    _orig_init(self, *a, **k)
    self._probe = Shown()
    self.installEventFilter(self._probe)
QApplication.__init__ = _init
"""

_BARE = r"""
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
w = QMainWindow()
v = QTableView()
v.setModel(QStandardItemModel(20, 5))
w.setCentralWidget(v)
w.resize(1024, 720)
w.show()
app.exec()
"""


def make_db(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from app import demo
    from app.db import Database
    from app.station import accounts, setup

    db = Database.open(path, create=True)
    setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站", "东风镇")
    admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "管理员", "admin", "secret123")
    demo.generate(db, admin, 100_000, 100_000)
    db.close()


def run(code: str, env: dict[str, str]) -> tuple[float, str]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120)
    elapsed = time.perf_counter() - t
    line = next((ln for ln in p.stdout.splitlines() if ln.startswith("SHOWN")), "")
    if not line:
        raise SystemExit(f"child did not show a window:\n{p.stdout}\n{p.stderr}")
    return elapsed, line


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="bench-startup-")
    db = args.db
    if db is None:
        db = Path(tmp.name) / "big.db"
        print("making a database with 100,000 recipients and 100,000 donations …", flush=True)
        make_db(db)
    env = dict(os.environ, XDG_CONFIG_HOME=str(Path(tmp.name) / "cfg"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    probe = _PROBE % {"heavy": HEAVY}
    ours = probe + f"\nimport sys\nsys.argv = ['main.py', '--db', {str(db)!r}]\nfrom ui.app import run\nrun()\n"
    bare = probe + _BARE
    run(ours, env)  # warm the disk cache for both
    run(bare, env)
    times_ours, times_bare = [], []
    last = ""
    for _ in range(args.rounds):  # alternating, so both see the same machine
        t, last = run(bare, env)
        times_bare.append(t)
        t, last = run(ours, env)
        times_ours.append(t)
    b, o = statistics.median(times_bare), statistics.median(times_ours)
    print(f"bare PySide6 window + table view : {b * 1000:7.0f} ms (median of {args.rounds})")
    print(f"CharityDesk to first window      : {o * 1000:7.0f} ms  ({o / b:.2f}× — target ≤ 3×)")
    print(f"first window and heavy modules already imported: {last.split(' ', 1)[1]}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
