"""One program writes a database at a time; the lock dies with its process."""

import json
import signal
import subprocess
import sys
import time

import pytest
from safety_helpers import ROOT, cli, make_station

from app.errors import DataError
from app.safety.lock import WriteLock, is_locked, read_holder

HOLD = """
import sys, time
from app.safety.lock import WriteLock
lock = WriteLock.acquire(sys.argv[1], "张站长", "CharityDesk 窗口")
print("held", flush=True)
time.sleep(120)
"""


def _holder(path):
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_a_second_writer_is_refused_with_who_and_since_when(tmp_path):
    path = make_station(tmp_path / "station.db", 5, 5)
    first = WriteLock.acquire(path, "张站长", "CharityDesk 窗口")
    try:
        with pytest.raises(DataError) as exc:
            WriteLock.acquire(path, "小李", "CharityDesk 窗口")
        assert exc.value.reason == "in_use"
        assert "张站长" in exc.value.message and "从" in exc.value.message
        assert is_locked(path)
    finally:
        first.release()
    assert not is_locked(path)
    WriteLock.acquire(path, "小李").release()


def test_another_process_cannot_write_but_may_read_and_the_lock_dies_with_it(tmp_path):
    path = make_station(tmp_path / "station.db", 5, 5)
    holder = _holder(path)
    try:
        r = cli("--db", path, "donate", "--donor", "王大伯", "--amount", "10", "--json")
        assert r.returncode == 3
        got = json.loads(r.stdout)
        assert got["reason"] == "in_use" and "张站长" in got["error"] and "CharityDesk 窗口" in got["error"]
        assert cli("--db", path, "check", "--json").returncode == 0  # reading is fine
        r = cli("--db", path, "restore", path, "--json")
        assert r.returncode == 3 and json.loads(r.stdout)["reason"] == "in_use"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert read_holder(path)["who"] == "张站长"  # the file is still there, saying who had it ...
    assert not is_locked(path)  # ... but locks nothing: no stale lock after a power cut
    r = cli("--db", path, "donate", "--donor", "王大伯", "--amount", "10", "--json")
    assert r.returncode == 0, r.stderr


def test_the_lock_is_free_again_after_the_command(tmp_path):
    path = make_station(tmp_path / "station.db", 5, 5)
    start = time.monotonic()
    assert cli("--db", path, "fund", "create", "--name", "助学基金", "--json").returncode == 0
    assert time.monotonic() - start < 60
    assert not is_locked(path)
