"""A full disk or a write-protected stick during a backup or an export: a plain message, the
database as it was, and no half-written file (a small tmpfs stands for the stick)."""

import json
import os
import subprocess

import pytest
from safety_helpers import cli, make_station

from app.db import Database
from app.safety import backup, stick


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    return make_station(tmp_path_factory.mktemp("full") / "station.db", 1500, 1500)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB filesystem; skipped where mounting is not permitted (not root, no tmpfs)."""
    mount = tmp_path / "stick"
    mount.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {r.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder, leave=64 * 1024):
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    (folder / "filler.bin").write_bytes(b"\0" * max(0, free - leave))


def _visible(folder):
    return sorted(p.name for p in folder.iterdir())


def test_backup_onto_a_full_stick(station, small_disk):
    before = station.read_bytes()
    _fill(small_disk)
    r = cli("--db", station, "backup", "-o", small_disk / "copy.db", "--json")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    got = json.loads(r.stdout)
    assert got["reason"] == "disk_full" and "已满" in got["error"] and "数据库没有改动" in got["error"]
    assert _visible(small_disk) == ["filler.bin"]  # no half-written backup, no temporary file
    assert station.read_bytes() == before


def test_the_automatic_backup_says_the_stick_is_full_and_keeps_the_local_one(station, small_disk, monkeypatch):
    stick.mark(small_disk, "ST01", "东风村慈善工作站")
    _fill(small_disk)
    monkeypatch.setenv("CHARITYDESK_STICK_ROOTS", str(small_disk))
    db = Database.open(station)
    try:
        out = backup.take_everywhere(db, "auto")
    finally:
        db.close()
    assert out["stick"] is None and "已满" in out["stick_error"]
    assert backup.verify(out["backup"]["file"]).sound
    assert _visible(small_disk) == [stick.MARKER, "filler.bin"]


def test_backup_onto_a_write_protected_stick(station, small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    r = cli("--db", station, "backup", "-o", small_disk / "copy.db", "--json")
    assert r.returncode == 3
    got = json.loads(r.stdout)
    assert "只能读" in got["error"] and "Traceback" not in r.stderr
    assert _visible(small_disk) == []


def test_export_onto_a_full_stick(station, small_disk):
    _fill(small_disk, leave=8 * 1024)
    r = cli("--db", station, "export", "donations", "-o", small_disk / "捐赠.xlsx", "--json")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    got = json.loads(r.stdout)
    assert got["reason"] == "disk_full" and "已满" in got["error"]
    assert _visible(small_disk) == ["filler.bin"]
