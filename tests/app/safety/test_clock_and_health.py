"""A clock set back by a dead battery, and a damaged file, are found before anything is written."""

import datetime as dt
import json

from safety_helpers import cli, damage, make_station

from app import audit
from app.db import Database
from app.safety import backup, clock, health
from app.station import accounts


def test_clock_earlier_than_the_newest_record(tmp_path, db):
    now = dt.datetime.now().astimezone()
    assert clock.check(db, now) is None
    problem = clock.check(db, now - dt.timedelta(days=400))
    assert problem is not None and "电脑的时间" in problem.message
    assert clock.check(db, now - dt.timedelta(minutes=2)) is None  # a little drift is fine


def test_the_command_line_refuses_to_write_with_a_clock_in_the_past(tmp_path, monkeypatch):
    path = make_station(tmp_path / "station.db", 0, 0)
    future = (dt.datetime.now().astimezone() + dt.timedelta(days=900)).isoformat(timespec="seconds")
    monkeypatch.setattr(audit, "now_iso", lambda: future)  # the last record written "in 2029"
    db = Database.open(path)
    try:
        with db.transaction() as c:
            audit.record(c, accounts.SYSTEM, "update", "station", "ST01", None, {"note": "时钟测试"})
    finally:
        db.close()
    r = cli("--db", path, "donate", "--donor", "王大伯", "--amount", "10", "--json")
    assert r.returncode == 3
    got = json.loads(r.stdout)
    assert got["reason"] == "clock" and "--clock-ok" in got["error"]
    assert cli("--db", path, "check", "--json").returncode == 0  # reading is not refused
    r = cli("--db", path, "--clock-ok", "donate", "--donor", "王大伯", "--amount", "10", "--json")
    assert r.returncode == 0, r.stderr


def test_quick_check_finds_damaged_pages_and_an_edited_last_audit_entry(tmp_path):
    path = make_station(tmp_path / "station.db")
    assert health.quick_check(path).ok
    edited = tmp_path / "edited.db"
    edited.write_bytes(path.read_bytes())
    db = Database.open(edited)
    try:
        for trigger in db.tuples("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='audit_log'"):
            db.execute(f"DROP TRIGGER {trigger[0]}")
        db.execute("UPDATE audit_log SET operator_name = '别人' WHERE seq = (SELECT max(seq) FROM audit_log)")
    finally:
        db.close()
    found = health.quick_check(edited)
    assert not found.ok and "审计日志" in found.problems[0]
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(damage(path.read_bytes()))
    found = health.quick_check(damaged)
    assert not found.ok and found.reason == "damaged" and "损坏" in found.problems[0]


def test_a_write_on_a_damaged_file_is_refused_and_names_the_newest_backup(tmp_path):
    path = make_station(tmp_path / "station.db")
    assert cli("--db", path, "backup").returncode == 0
    newest = backup.list_backups(tmp_path / "备份")[0]
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    r = cli("--db", path, "donate", "--donor", "王大伯", "--amount", "10", "--json")
    assert r.returncode == 3 and "Traceback" not in r.stderr
    got = json.loads(r.stdout)
    assert got["reason"] == "damaged" and newest.path.name in got["error"]
    assert path.read_bytes() == broken  # never opened for writing
