"""`demo` killed half-way (a power cut, a closed terminal) leaves no half-made demo data."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def counts(path):
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return tuple(c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("recipients", "donations", "receipts", "distributions", "disbursements"))
    finally:
        c.close()


@pytest.mark.parametrize("after", [1.5, 3.5])
def test_demo_killed_mid_way_leaves_all_or_nothing(tmp_path, after):
    db = tmp_path / "t.db"
    subprocess.run([sys.executable, "-m", "app", "--db", str(db), "init", "--station-code", "ST01",
                    "--station-name", "东风站"], cwd=ROOT, env=ENV, check=True, capture_output=True)
    empty = counts(db)
    p = subprocess.Popen([sys.executable, "-m", "app", "--db", str(db), "demo", "--recipients", "6000",
                          "--donations", "6000"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(after)
    finished = p.poll() is not None
    p.send_signal(signal.SIGKILL)
    p.wait()
    got = counts(db)
    if not finished:
        assert got == empty, f"half-made demo data after {after}s: {got}"
    else:  # a fast machine finished first: then all of it is there
        assert got[0] == 6000 and got[1] == 6000
    check = subprocess.run([sys.executable, "-m", "app", "--db", str(db), "check"], cwd=ROOT, env=ENV,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
