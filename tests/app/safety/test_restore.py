"""Restore: backup → more work → restore gives exactly the backup; the current file is kept aside."""

import json

import pytest
from safety_helpers import cli, damage, make_station, summary_of

from app.db import Database
from app.errors import InputError, PermissionDenied
from app.safety import backup, restore
from app.station import accounts


def _more_work(path):
    r = cli("--db", path, "donate", "--donor", "王大伯", "--amount", "300", "--json")
    assert r.returncode == 0, r.stderr
    r = cli("--db", path, "demo", "--recipients", 20, "--donations", 30, "--seed", 9, "--json")
    assert r.returncode == 0, r.stderr


def test_backup_more_work_restore_gives_back_exactly_the_backup(tmp_path):
    path = make_station(tmp_path / "station.db")
    r = cli("--db", path, "backup", "--json")
    taken = json.loads(r.stdout)["backup"]
    before = summary_of(path)
    _more_work(path)
    after_work = summary_of(path)
    assert after_work.counts["donations"] > before.counts["donations"]

    r = cli("--db", path, "restore", taken["file"], "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    got = summary_of(path)
    counts = dict(got.counts)
    assert counts.pop("audit_log") == before.counts["audit_log"] + 1  # the restore itself is audited
    assert counts == {k: v for k, v in before.counts.items() if k != "audit_log"}
    assert (got.donations_fen, got.disbursed_fen, got.last_receipt) == \
        (before.donations_fen, before.disbursed_fen, before.last_receipt)
    # Nothing lost: the replaced database is kept aside, and a 恢复前 backup was taken.
    assert summary_of(tmp_path / out["kept_aside"]).counts == after_work.counts
    assert backup.verify(out["safety_backup"]).summary.counts == after_work.counts
    assert any("笔捐赠" in loss for loss in out["losses"])
    assert cli("--db", path, "check", "--json").returncode == 0
    last = Database.inspect(path)
    try:
        assert last.scalar("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1") == "restore"
    finally:
        last.close()


def _file(folder, name, data):
    (folder / name).write_bytes(data)
    return folder / name


@pytest.mark.parametrize("make, reason", [
    (lambda d: d / "missing.db", "missing"),
    (lambda d: d, "is_folder"),
    (lambda d: _file(d, "empty.db", b""), "bad_backup"),
    (lambda d: _file(d, "junk.db", b"\x00garbage" * 500), "bad_backup"),
    (lambda d: _file(d, "sheet.db", "姓名,金额\n张三,100\n".encode()), "bad_backup"),
])
def test_restore_refuses_what_is_not_a_sound_database_and_changes_nothing(tmp_path, make, reason):
    path = make_station(tmp_path / "station.db", 10, 10)
    junk_dir = tmp_path / "junk"
    junk_dir.mkdir()
    before = path.read_bytes()
    r = cli("--db", path, "restore", make(junk_dir), "--json")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert json.loads(r.stdout)["reason"] == reason
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk", "station.db", "station.db.lock"]


def test_restore_refuses_a_damaged_backup(tmp_path):
    path = make_station(tmp_path / "station.db")
    bad = tmp_path / "bad.db"
    bad.write_bytes(damage(path.read_bytes()))
    with pytest.raises(InputError) as exc:
        restore.plan(path, bad)
    assert exc.value.reason == "bad_backup" and "损坏" in exc.value.message


def test_another_stations_backup_only_when_asked(tmp_path):
    path = make_station(tmp_path / "station.db", 10, 10)
    other = make_station(tmp_path / "other.db", 5, 5, code="ST02")
    r = cli("--db", path, "restore", other, "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["reason"] == "other_station"
    assert "ST02" in json.loads(r.stdout)["error"]
    r = cli("--db", path, "restore", other, "--other-station", "--json")
    assert r.returncode == 0, r.stderr
    assert summary_of(path).station_code == "ST02"


def test_only_an_administrator_restores(tmp_path):
    path = make_station(tmp_path / "station.db", 5, 5)
    copy = tmp_path / "copy.db"
    db = Database.open(path)
    try:
        backup.take(db, tmp_path, target=copy)
        admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "张站长", "admin", "secret123")
        volunteer = accounts.create_operator(db, admin, "xiaoli", "小李", "volunteer", "secret123")
    finally:
        db.close()
    with pytest.raises(PermissionDenied):
        restore.restore(restore.plan(path, copy), volunteer)
    assert not list(tmp_path.glob("station.db.恢复前-*"))


def test_a_damaged_database_is_replaced_and_kept_aside(tmp_path):
    path = make_station(tmp_path / "station.db")
    copy = tmp_path / "备份" / "copy.db"
    db = Database.open(path)
    try:
        backup.take(db, copy.parent, target=copy)
    finally:
        db.close()
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    done = restore.restore(restore.plan(path, copy))
    assert done.safety_backup is None  # a damaged file cannot be backed up; it is kept aside instead
    assert done.kept_aside.read_bytes() == broken
    assert cli("--db", path, "check", "--json").returncode == 0
