"""Backups and `check` together: a backup's note holds the head `check --against` reads, and a
restore lifts the damage mark that `check` left, so the restored file can be written again."""

from __future__ import annotations

from app import db as dbmod
from app.funds import funds
from app.safety import backup, check, restore
from app.station import accounts


def test_check_against_a_backup_note_and_after_more_work(db, tmp_path):
    taken = backup.take(db, tmp_path / "备份", "manual")
    note = backup.sidecar(taken.path)
    assert check.run(db, against=note)["ok"]
    funds.create_fund(db, accounts.SYSTEM, "新基金", "named")  # the chain grows past the note
    later = check.run(db, against=note)
    assert later["ok"] and later["against"]


def test_restore_lifts_the_damage_mark(db, tmp_path):
    taken = backup.take(db, tmp_path / "备份", "manual")
    path = db.path
    db.close()
    dbmod.mark_damaged(path, "test: found damaged")
    assert dbmod.damage_mark(path).exists()
    done = restore.restore(restore.plan(path, taken.path), accounts.SYSTEM)
    assert done.plan.target == path
    assert not dbmod.damage_mark(path).exists()
    again = dbmod.Database.open(path)
    try:
        funds.create_fund(again, accounts.SYSTEM, "恢复后的基金", "named")  # writing works again
        assert check.run(again)["ok"]
    finally:
        again.close()
