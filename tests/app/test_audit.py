import sqlite3

import pytest

from app import audit
from app.errors import Conflict
from app.funds import funds
from app.safety import check
from app.station import accounts


def _tamper(db, sql):
    """What someone with a plain SQLite tool could do: drop the guards, then edit history."""
    c = sqlite3.connect(db.path)
    c.execute("DROP TRIGGER audit_log_no_update")
    c.execute("DROP TRIGGER audit_log_no_delete")
    c.execute(sql)
    c.commit()
    c.close()


def test_every_change_is_logged_with_who_and_before_after(db, admin):
    f = funds.create_fund(db, admin, "东风村冠名基金", "named", 50000)
    entries = audit.history(db, f.id)
    assert len(entries) == 1
    assert entries[0]["operator"] == "管理员"
    assert entries[0]["action"] == "create"
    assert entries[0]["after"]["opening_fen"] == 50000


def test_chain_verifies_after_normal_use(db, admin):
    for i in range(5):
        funds.create_fund(db, admin, f"基金{i}", "named")
    report = audit.verify(db)
    assert report.ok and report.entries >= 7


def test_log_refuses_update_and_delete(db):
    with pytest.raises(sqlite3.IntegrityError):
        with db.transaction() as c:
            c.execute("UPDATE audit_log SET operator_name = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        with db.transaction() as c:
            c.execute("DELETE FROM audit_log")


def test_edited_entry_is_detected(db, admin):
    f = funds.create_fund(db, admin, "基金A", "named", 100)
    seq = audit.history(db, f.id)[0]["seq"]
    _tamper(db, f"UPDATE audit_log SET after_json = replace(after_json, '100', '999') WHERE seq = {seq}")
    report = audit.verify(db)
    assert not report.ok
    assert any(f"第 {seq} 条" in p for p in report.problems)
    assert check.run(db)["ok"] is False


def test_deleted_middle_entry_is_detected(db, admin):
    funds.create_fund(db, admin, "基金A", "named")
    funds.create_fund(db, admin, "基金B", "named")
    _tamper(db, "DELETE FROM audit_log WHERE seq = 2")
    assert not audit.verify(db).ok


def test_deleted_last_entry_is_detected(db, admin):
    funds.create_fund(db, admin, "基金A", "named")
    last = db.scalar("SELECT max(seq) FROM audit_log")
    _tamper(db, f"DELETE FROM audit_log WHERE seq = {last}")
    report = audit.verify(db)
    assert not report.ok


def test_failed_change_leaves_no_audit_entry(db, admin):
    n = db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(Conflict):
        funds.create_fund(db, admin, "慈善基金（非定向）", "general")  # duplicate name
    assert db.scalar("SELECT count(*) FROM audit_log") == n


def test_record_needs_transaction(db):
    with pytest.raises(RuntimeError):
        audit.record(db.conn, accounts.SYSTEM, "x", "t", "1")
