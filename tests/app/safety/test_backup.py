"""Backups: a verified online copy, named for people, with the chain head recorded beside it; rotation."""

import datetime as dt
import json
from pathlib import Path

from safety_helpers import cli, damage, make_station, summary_of

from app import audit
from app.db import Database
from app.donations import donations
from app.safety import backup
from app.station import accounts


def test_backup_is_verified_named_and_records_the_chain_head(tmp_path):
    path = make_station(tmp_path / "station.db")
    db = Database.open(path)
    try:
        taken = backup.take(db, backup.folder_for(path), "manual")
        head = db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    finally:
        db.close()
    assert taken.path.parent == tmp_path / "备份"
    assert taken.path.name.startswith("ST01_") and taken.path.name.endswith("_手动.db")
    meta = json.loads(backup.sidecar(taken.path).read_text("utf-8"))
    assert (meta["audit_seq"], meta["audit_hash"]) == (head[0], head[1])
    assert meta["counts"]["donations"] == 150
    checked = backup.verify(taken.path)
    assert checked.sound and checked.summary.counts == summary_of(path).counts
    assert not list((tmp_path / "备份").glob(".~*"))  # no temporary file left


def test_backup_while_another_connection_writes_is_consistent(tmp_path):
    path = make_station(tmp_path / "station.db")
    writer = Database.open(path)
    reader = Database.open(path)
    try:
        with writer.transaction():  # an open, uncommitted write: the backup must not contain it
            donations.record_donation(writer, accounts.SYSTEM, donations.DonationInput(
                writer.scalar("SELECT id FROM donors LIMIT 1"), dt.date.today(), 100))
            taken = backup.take(reader, backup.folder_for(path), "manual")
    finally:
        writer.close()
        reader.close()
    assert backup.verify(taken.path).summary.counts["donations"] == 150
    assert summary_of(path).counts["donations"] == 151


def test_damaged_copy_is_found_by_verify(tmp_path):
    path = make_station(tmp_path / "station.db")
    bad = tmp_path / "bad.db"
    bad.write_bytes(damage(path.read_bytes()))
    got = backup.verify(bad)
    assert got.sound is False and got.problems
    (tmp_path / "text.db").write_text("这不是数据库")
    assert backup.verify(tmp_path / "text.db").sound is False


def test_rotation_keeps_7_daily_4_weekly_12_monthly_and_the_last_two_days(tmp_path):
    now = dt.datetime(2026, 12, 6, 18, 0)
    made = []
    for days in range(0, 400):
        for hour in (9, 17):
            when = now - dt.timedelta(days=days, hours=18 - hour)
            p = tmp_path / backup.file_name("ST01", when, "auto")
            p.write_bytes(b"")
            made.append((when, p))
    kept = backup.to_keep(backup.list_backups(tmp_path, "ST01"), now)
    whens = sorted(w for w, p in made if p in kept)
    assert {w for w, _ in made if (now - w).days < 2} <= set(whens)  # all of the last two days
    days = {w.date() for w in whens}
    assert {(now - dt.timedelta(days=d)).date() for d in range(7)} <= days  # 7 daily
    assert len({(w.year, w.month) for w in whens}) >= 12  # 12 monthly
    assert len(whens) < 30 and min(whens) > now - dt.timedelta(days=370)
    gone = backup.rotate(tmp_path, "ST01", now)
    assert len(gone) == len(made) - len(kept)
    assert len(list(tmp_path.glob("*.db"))) == len(kept)


def test_cli_backup_to_a_file_and_the_list(tmp_path):
    path = make_station(tmp_path / "station.db")
    r = cli("--db", path, "backup", "-o", tmp_path / "copy.db", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["backup"]["sound"] is True
    assert backup.verify(tmp_path / "copy.db").summary.counts["donations"] == 150
    r = cli("--db", path, "backup", "--json")
    assert r.returncode == 0, r.stderr
    r = cli("--db", path, "backups", "--check", "--json")
    listed = json.loads(r.stdout)["backups"]
    assert len(listed) == 1 and listed[0]["sound"] is True
    assert listed[0]["summary"]["last_receipt"].startswith("ST01-")


def test_backup_stick_found_by_its_marker_whatever_its_path(tmp_path, monkeypatch):
    path = make_station(tmp_path / "station.db", 10, 10)
    drive_e, drive_f = tmp_path / "E", tmp_path / "F"
    drive_e.mkdir()
    drive_f.mkdir()
    from app.safety import stick

    stick.mark(drive_e, "ST01", "东风村慈善工作站")
    marker = (drive_e / stick.MARKER).read_bytes()
    (drive_e / stick.MARKER).unlink()
    (drive_f / "备份").mkdir()
    (drive_f / "备份" / stick.MARKER).write_bytes(marker)  # next day: another letter, a folder down
    monkeypatch.setenv("CHARITYDESK_STICK_ROOTS", f"{drive_e}:{drive_f}")
    db = Database.open(path)
    try:
        out = backup.take_everywhere(db, "auto")
    finally:
        db.close()
    assert out["stick"] is not None and Path(out["stick"]["file"]).parent == drive_f / "备份"
    assert backup.verify(Path(out["stick"]["file"])).sound


def test_migrating_an_older_file_with_data_takes_a_backup_first(tmp_path):
    from app.safety import opening

    path = tmp_path / "old.db"
    db = Database.open(path, create=True, migrate=False)
    db.migrate(target=1)
    with db.transaction() as c:
        c.execute("INSERT INTO station(singleton, station_code, name, created_at, updated_at)"
                  " VALUES (1, 'ST01', '东风村', '2026-01-01', '2026-01-01')")
        audit.record(c, accounts.SYSTEM, "create", "station", "ST01", None, {"name": "东风村"})
    db.close()
    db, lock = opening.open_for_work(path, who="测试")
    try:
        assert db.version > 1
    finally:
        db.close()
        lock.release()
    made = backup.list_backups(tmp_path / "备份")
    assert [b.kind for b in made] == ["migrate"]
    assert backup.verify(made[0].path).summary.schema_version == 1


def test_an_import_takes_a_backup_just_before_writing(tmp_path):
    path = make_station(tmp_path / "station.db", 0, 0)
    sheet = tmp_path / "list.csv"
    sheet.write_text("捐赠人,捐款金额（元）,捐款日期\n张三,100,2026-11-01\n李四,50,2026-11-02\n", "utf-8")
    r = cli("--db", path, "import-donations", sheet, "--dry-run")
    assert r.returncode == 0 and not (tmp_path / "备份").exists()  # a dry run writes nothing
    r = cli("--db", path, "import-donations", sheet)
    assert r.returncode == 0, r.stderr
    made = backup.list_backups(tmp_path / "备份")
    assert [b.kind for b in made] == ["import"]
    assert made[0].summary.counts["donations"] == 0 and summary_of(path).counts["donations"] == 2
