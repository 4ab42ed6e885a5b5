"""SIGKILL of a real `python -m app` in the middle of an import, the demo, a backup and a restore.

Afterwards the database opens, `check` passes (integrity, audit chain, receipt numbers
without a gap), an import is all or nothing, and the 备份 folder holds only sound backups.
"""

import csv
import json
import shutil
import signal
import time

import pytest
from safety_helpers import cli, make_station, start_cli, summary_of

from app.db import Database
from app.safety import backup

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill")
    path = make_station(folder / "base.db", 1500, 1500)
    sheet = folder / "big.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["捐赠人", "捐款金额（元）", "捐款日期"])
        for i in range(20000):
            w.writerow([f"捐赠人{i}", f"{i % 500 + 1}.00", "2026-11-01"])
    return path, sheet


def _station(base, folder):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "station.db"
    shutil.copy(base[0], path)
    return path


def _kill_after(delay, *args):
    p = start_cli(*args)
    time.sleep(delay)
    killed = p.poll() is None
    p.send_signal(signal.SIGKILL)
    p.wait()
    return killed


def _sound(path):
    r = cli("--db", path, "check", "--json")
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["ok"], report["errors"]
    Database.open(path).close()  # and it opens for work
    return report


def _kill_when(seen, *args, timeout=30.0):
    """Start the command and SIGKILL it the moment `seen()` is true (a file it writes appears);
    True when it was killed while running."""
    p = start_cli(*args)
    end = time.monotonic() + timeout
    while p.poll() is None and time.monotonic() < end and not seen():
        time.sleep(0.001)
    killed = p.poll() is None
    p.send_signal(signal.SIGKILL)
    p.wait()
    return killed


def _has(folder, pattern, min_size=0):
    return lambda: any(f.stat().st_size >= min_size for f in folder.glob(pattern) if f.exists())


@pytest.mark.parametrize("delay", [1.0, 2.5, 4.5])
def test_kill_during_a_20000_row_import_is_all_or_nothing(base, tmp_path, delay):
    path = _station(base, tmp_path)
    before = summary_of(path).counts["donations"]
    assert _kill_after(delay, "--db", path, "import-donations", base[1])  # killed while it ran
    report = _sound(path)
    assert report["counts"]["donations"] in (before, before + 20000)


def test_kill_during_demo(base, tmp_path):
    """Killed as it starts writing and once it has written a few megabytes."""
    killed = []
    for n, size in enumerate([1, 3_000_000]):
        path = _station(base, tmp_path / str(n))
        before = summary_of(path).counts
        killed.append(_kill_when(_has(path.parent, "station.db-wal", size),
                                 "--db", path, "demo", "--recipients", 1500, "--donations", 1500))
        _sound(path)
        assert summary_of(path).counts == before  # the demo is one transaction: nothing half-made
    assert killed == [True, True]


def test_kill_during_a_backup_leaves_no_unsound_backup(base, tmp_path):
    """Killed as the copy starts, half-way through it, and once it has its name."""
    moments = [("*.part", 0), ("*.part", 2_000_000), ("*.db", 0)]
    killed = []
    for n, (pattern, size) in enumerate(moments):
        path = _station(base, tmp_path / str(n))
        killed.append(_kill_when(_has(path.parent / "备份", pattern, size), "--db", path, "backup"))
        _sound(path)
        for b in backup.list_backups(path.parent / "备份"):
            assert backup.verify(b.path).sound  # a backup has its name only once it is whole
    assert killed[:2] == [True, True]


def test_kill_during_a_restore_leaves_the_old_or_the_restored_database(base, tmp_path):
    """Killed while the 恢复前 backup is made, while the backup is copied beside the database,
    and once the old database has been kept aside."""
    other = make_station(tmp_path / "other.db", 3, 4, code="ST02")
    killed = []
    for n, (where, pattern) in enumerate([("备份", "*.part"), ("", ".~restore-*"), ("", "station.db.恢复前-*")]):
        path = _station(base, tmp_path / str(n))
        old = summary_of(path)
        killed.append(_kill_when(_has(path.parent / where, pattern), "--db", path, "restore", other,
                                 "--other-station"))
        _sound(path)
        got = summary_of(path)
        assert (got.station_code, got.counts["donations"]) in (("ST01", old.counts["donations"]), ("ST02", 4))
    assert killed[0]
