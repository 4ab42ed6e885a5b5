"""`check` finds what was changed behind the program's back, names it, and never crashes."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import audit, seals
from app.cli import main
from app.db import Database, damage_mark
from app.demo import generate
from app.safety import check
from app.station import accounts

ROOT = Path(__file__).resolve().parents[3]


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def tamper(path, *statements):
    """What someone with a plain SQLite tool could do."""
    c = sqlite3.connect(path)
    for s in statements:
        c.execute(s)
    c.commit()
    c.close()


@pytest.fixture
def station(db):
    generate(db, accounts.SYSTEM, 60, 60, seed=3)
    path = db.path
    db.close()
    return path


def report(capsys, path, *more):
    code, out, _ = cli(capsys, "--db", path, "check", "--json", *more)
    return code, json.loads(out)


def test_a_station_used_through_the_program_is_sound(capsys, station):
    code, r = report(capsys, station)
    assert code == 0 and r["ok"], r["errors"]
    assert r["audit_head"]["seq"] == r["audit_chain"]["entries"]
    assert "重算整条审计链" in r["protects"]


def test_a_receipted_donation_edited_after_dropping_its_trigger_is_named(capsys, station):
    c = sqlite3.connect(station)
    did, number = c.execute("SELECT donation_id, number FROM receipts ORDER BY seq LIMIT 1").fetchone()
    c.close()
    tamper(station, "DROP TRIGGER donations_receipted_fixed",
           f"UPDATE donations SET amount_fen = amount_fen + 100000 WHERE id = '{did}'")
    code, r = report(capsys, station)
    assert code == 4 and not r["ok"]
    assert any("donations_receipted_fixed" in e and "被删除" in e for e in r["errors"])
    named = [e for e in r["errors"] if did in e]
    assert len(named) == 1 and number in named[0] and "在程序之外被改动" in named[0]


def test_a_disbursement_and_a_receipt_edited_outside_are_named(capsys, station):
    c = sqlite3.connect(station)
    line = c.execute("SELECT id FROM disbursements LIMIT 1").fetchone()[0]
    rid, number = c.execute("SELECT id, number FROM receipts ORDER BY seq DESC LIMIT 1").fetchone()
    c.close()
    tamper(station, "DROP TRIGGER disbursements_fixed", "DROP TRIGGER receipts_number_fixed",
           f"UPDATE disbursements SET amount_fen = 1 WHERE id = '{line}'",
           f"UPDATE receipts SET issued_by = 'system' || issued_by WHERE id = '{rid}'")
    code, r = report(capsys, station)
    assert code == 4
    assert any(line in e and "发放明细" in e for e in r["errors"])
    assert any(number in e and "收据" in e and "改动" in e for e in r["errors"])


def test_rows_added_or_deleted_outside_are_named(capsys, station):
    tamper(station,
           "INSERT INTO donors(id, kind, name, search_text, created_at, created_by, updated_at, updated_by)"
           " VALUES ('ghost', 'person', '冒名', '', '2025-01-01', 'system', '2025-01-01', 'system')",
           "DELETE FROM households WHERE id NOT IN (SELECT household_id FROM recipients"
           " WHERE household_id IS NOT NULL) AND rowid = (SELECT min(rowid) FROM households)")
    code, r = report(capsys, station)
    assert code == 4
    assert any("冒名" in e and "没有审计记录" in e for e in r["errors"])


def test_a_dropped_append_only_trigger_is_reported(capsys, station):
    tamper(station, "DROP TRIGGER audit_log_no_delete")
    code, r = report(capsys, station)
    assert code == 4
    assert r["errors"] == ["保护规则（触发器） audit_log_no_delete 被删除了（在程序之外改动）"]


def test_an_added_index_or_changed_trigger_is_reported(capsys, station):
    tamper(station, "CREATE INDEX sneaky ON donations(note)", "DROP TRIGGER receipts_no_delete",
           "CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts WHEN 0 BEGIN SELECT 1; END")
    code, r = report(capsys, station)
    assert code == 4
    assert any("sneaky" in e and "多出" in e for e in r["errors"])
    assert any("receipts_no_delete" in e and "被改动" in e for e in r["errors"])


def test_a_hand_edited_audit_row_that_is_not_text_is_found_not_a_crash(capsys, station):
    tamper(station, "DROP TRIGGER audit_log_no_update",
           "UPDATE audit_log SET after_json = CAST(X'FFFE41' AS TEXT) WHERE seq = 3")
    code, r = report(capsys, station)
    assert code == 4
    assert any("审计日志" in e and "损坏" in e for e in r["errors"])


def test_a_hand_edited_audit_entry_is_found(capsys, station):
    tamper(station, "DROP TRIGGER audit_log_no_update",
           "UPDATE audit_log SET operator_name = '别人' WHERE seq = 4")
    code, r = report(capsys, station)
    assert code == 4 and "审计日志第 4 条的内容被改动过" in r["errors"]


def test_damaged_pages_are_found_without_a_traceback_in_a_real_process(station, tmp_path):
    c = sqlite3.connect(station)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.execute("PRAGMA journal_mode = DELETE")
    c.close()
    data = bytearray(station.read_bytes())
    for off in range(4096 * 3, len(data) - 1000, 4096 * 5):
        data[off + 100:off + 900] = os.urandom(800)
    station.write_bytes(bytes(data))
    p = subprocess.run([sys.executable, "-m", "app", "--db", str(station), "check", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 4, p.stderr
    assert "Traceback" not in p.stderr
    r = json.loads(p.stdout)
    assert r["integrity"] == "damaged" and r["errors"]


def test_after_damage_is_found_writing_commands_refuse_until_a_clean_check(capsys, station, tmp_path):
    sound = tmp_path / "sound.db"
    shutil.copyfile(station, sound)
    tamper(station, "DROP TRIGGER audit_log_no_delete")
    assert report(capsys, station)[0] == 4
    assert damage_mark(station).exists()
    code, out, _ = cli(capsys, "--db", station, "fund", "create", "--name", "新基金", "--json")
    assert code == 3 and json.loads(out)["reason"] == "marked_damaged"
    code, _, _ = cli(capsys, "--db", station, "fund", "list", "--json")
    assert code == 0  # reading still works
    shutil.copyfile(sound, station)  # the volunteer restores a sound copy
    assert report(capsys, station)[0] == 0
    assert not damage_mark(station).exists()
    code, _, _ = cli(capsys, "--db", station, "fund", "create", "--name", "新基金", "--json")
    assert code == 0


def _rewrite_chain(path, did):
    """The determined forger: drop the guards, change a gift, reseal it and recompute the chain."""
    c = sqlite3.connect(path)
    guards = ("donations_receipted_fixed", "audit_log_no_update", "row_seals_no_update")
    kept = [c.execute("SELECT sql FROM sqlite_master WHERE name = ?", (t,)).fetchone()[0] for t in guards]
    for t in guards:
        c.execute(f"DROP TRIGGER {t}")
    c.execute("UPDATE donations SET amount_fen = 1 WHERE id = ?", (did,))
    cols = seals.SPEC[seals.CURRENT_SPEC]["donations"]  # the spec the program seals with now
    row = c.execute(f"SELECT {', '.join(cols)} FROM donations WHERE id = ?", (did,)).fetchone()
    seq = c.execute("SELECT max(audit_seq) FROM row_seals WHERE table_name = 'donations' AND record_id = ?",
                    (did,)).fetchone()[0]
    c.execute("UPDATE row_seals SET row_hash = ? WHERE table_name = 'donations' AND record_id = ? AND audit_seq = ?",
              (seals.row_hash("donations", did, row), did, seq))
    prev = audit.GENESIS
    for r in c.execute("SELECT seq, at, operator_id, operator_name, action, table_name, record_id, before_json,"
                       " after_json, seal FROM audit_log ORDER BY seq").fetchall():
        seal = r[9]
        if seal is not None:
            seal = seals.seals_digest(c.execute(
                "SELECT table_name, record_id, spec, row_hash FROM row_seals WHERE audit_seq = ?", (r[0],)).fetchall())
        h = audit._digest(prev, *r[:9], seal)
        c.execute("UPDATE audit_log SET prev_hash = ?, hash = ?, seal = ? WHERE seq = ?", (prev, h, seal, r[0]))
        prev = h
    for sql in kept:  # and puts every guard back as it was
        c.execute(sql)
    c.commit()
    c.close()


def test_a_recomputed_chain_passes_alone_but_not_against_a_head_kept_elsewhere(capsys, station, tmp_path):
    code, r = report(capsys, station)
    head = r["audit_head"]
    note = tmp_path / "head.txt"
    note.write_text(f"审计链头：第 {head['seq']} 条 {head['hash']}\n", encoding="utf-8")
    sidecar = tmp_path / "backup.json"
    sidecar.write_text(json.dumps({"station": "ST01", "audit_head": head}), encoding="utf-8")
    backup = tmp_path / "backup.db"
    src = sqlite3.connect(station)
    dst = sqlite3.connect(backup)
    src.backup(dst)
    src.close()
    dst.close()
    for against in (note, sidecar, backup):
        code, r = report(capsys, station, "--against", against)
        assert code == 0 and r["against"]["ok"], r["against"]
    c = sqlite3.connect(station)
    did = c.execute("SELECT donation_id FROM receipts LIMIT 1").fetchone()[0]
    c.close()
    _rewrite_chain(station, did)
    code, r = report(capsys, station)
    assert code == 0, r["errors"]  # what this check cannot see on its own …
    for against in (note, sidecar, backup):
        code, r = report(capsys, station, "--against", against)
        assert code == 4, against  # … and what the head kept elsewhere shows
        assert f"第 {head['seq']} 条" in r["against"]["message"]


@pytest.mark.parametrize("content", ["", "没有链头", "{\"a\": 1}"])
def test_against_a_file_without_a_head_is_refused_plainly(capsys, station, tmp_path, content):
    f = tmp_path / "note.txt"
    f.write_text(content, encoding="utf-8")
    code, out, _ = cli(capsys, "--db", station, "check", "--against", f, "--json")
    assert code == 1 and "审计链头" in json.loads(out)["error"]
    code, out, _ = cli(capsys, "--db", station, "check", "--against", tmp_path / "nope.txt", "--json")
    assert code == 1 and "不存在" in json.loads(out)["error"]


def test_a_new_column_in_a_later_version_does_not_flag_every_row(station):
    tamper(station, "ALTER TABLE donations ADD COLUMN later_note TEXT NOT NULL DEFAULT ''",
           "ALTER TABLE recipients ADD COLUMN later_flag INTEGER NOT NULL DEFAULT 0")
    db = Database.open_readonly(station)
    try:
        problems, checked = check.seal_problems(db)
    finally:
        db.close()
    assert problems == [] and checked > 100


def test_migrating_an_old_database_seals_what_it_holds_and_logs_it(tmp_path):
    path = tmp_path / "old.db"
    db = Database.open(path, create=True, migrate=False)
    db.migrate(target=5)
    at = "2025-03-01T09:00:00+08:00"
    with db.transaction() as c:  # as the version-5 program wrote them (today's funds need step 7's journal)
        c.execute("INSERT INTO station VALUES (1, 'ST01', '东风站', '', '东风站', ?, ?)", (at, at))
        c.execute("INSERT INTO funds(id, name, kind, is_default, created_at, created_by, updated_at, updated_by)"
                  " VALUES ('f-1', '慈善基金（非定向）', 'general', 1, ?, 'system', ?, 'system')", (at, at))
    funds_before = db.scalar("SELECT count(*) FROM funds")
    db.close()
    db = Database.open(path)
    try:
        entry = db.one("SELECT action, table_name, seal FROM audit_log ORDER BY seq DESC LIMIT 1")
        assert (entry["action"], entry["table_name"]) == ("seal", "row_seals") and entry["seal"]
        assert db.scalar("SELECT count(*) FROM row_seals WHERE table_name = 'funds'") == funds_before
        assert check.run(db)["ok"]
    finally:
        db.close()


def test_check_never_crashes_on_randomly_damaged_files(capsys, station, tmp_path):
    """Many kinds of damage (pages, the schema's own text, the header): found, never a traceback."""
    import random

    c = sqlite3.connect(station)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    original = station.read_bytes()
    found = 0
    for seed in range(40):
        rng = random.Random(seed)
        data = bytearray(original)
        for _ in range(rng.randint(1, 6)):
            off = rng.randrange(100, len(data) - 600)
            n = rng.randint(1, 500)
            data[off:off + n] = rng.randbytes(n)
        p = tmp_path / f"damaged{seed}.db"
        p.write_bytes(bytes(data))
        code, out, err = cli(capsys, "--db", p, "check", "--json")
        assert code in (0, 4), (seed, err)  # 0: the bytes hit only free space
        found += code == 4
        assert json.loads(out)["ok"] is (code == 0)
    assert found >= 30


def test_a_backup_of_another_station_is_refused_not_called_damage(capsys, station, tmp_path):
    other = tmp_path / "other.db"
    code, _, _ = cli(capsys, "--db", other, "init", "--station-code", "ST02", "--station-name", "西河站")
    assert code == 0
    code, out, _ = cli(capsys, "--db", station, "check", "--against", other, "--json")
    assert code == 1 and json.loads(out)["reason"] == "against_other_station"
    assert not damage_mark(station).exists()
