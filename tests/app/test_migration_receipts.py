"""Migration step 2 (receipts) from a database in the shape of step 1, with donations in it."""

import pytest

from app import audit
from app.db import SCHEMA_VERSION, Database
from app.donations import donations, donors, receipts
from app.ids import new_id
from app.reports import receipt_report
from app.safety import check
from app.station import accounts

AT = "2026-01-01T09:00:00+08:00"


_made = iter(range(1, 60))


def _donation(db, donor_id, fund_id, on, fen, status="active", kind="cash"):
    """Entered one second after the previous one, so two gifts on one day have an entry order
    (ids made in the same millisecond would otherwise decide it at random)."""
    did = new_id()
    at = AT.replace(":00+", f":{next(_made):02d}+")
    with db.transaction() as c:
        c.execute(
            "INSERT INTO donations(id, donor_id, donated_on, kind, method, amount_fen, fund_id, status,"
            " voided_at, station_code, created_at, created_by, updated_at, updated_by)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (did, donor_id, on, kind, "cash" if kind == "cash" else None, fen, fund_id, status,
             at if status == "voided" else None, "ST01", at, "system", at, "system"))
        if kind == "goods":
            c.execute("INSERT INTO goods_lines(id, donation_id, line_no, item, quantity, unit,"
                      " unit_value_fen, value_fen) VALUES (?,?,1,'大米','10','袋',500,5000)",
                      (new_id(), did))
    return did


def _set_up_v1(db: Database) -> None:
    """The station and its general fund as the version-1 program wrote them (today's services
    write the fund journal of step 7)."""
    at = "2025-12-01T09:00:00+08:00"
    with db.transaction() as c:
        c.execute("INSERT INTO station VALUES (1, 'ST01', '东风村慈善工作站', '东风镇', '东风村慈善工作站', ?, ?)",
                  (at, at))
        c.execute("INSERT INTO funds(id, name, kind, is_default, created_at, created_by, updated_at, updated_by)"
                  " VALUES (?, '慈善基金（非定向）', 'general', 1, ?, 'system', ?, 'system')", (new_id(), at, at))


@pytest.fixture
def v1_with_donations(tmp_path):
    """A station that has used the version-1 program: donations without receipts."""
    p = tmp_path / "old.db"
    db = Database.open(p, create=True, migrate=False)
    db.migrate(target=1)
    _set_up_v1(db)
    donor = donors.create_donor(db, accounts.SYSTEM, "person", "张三明")
    fund = db.scalar("SELECT id FROM funds WHERE is_default = 1")
    ids = {
        "mar": _donation(db, donor.id, fund, "2026-03-05", 20000),
        "jan": _donation(db, donor.id, fund, "2026-01-20", 10000, kind="goods"),
        "dec": _donation(db, donor.id, fund, "2025-12-30", 5000),
        "feb_void": _donation(db, donor.id, fund, "2026-02-01", 999, status="voided"),
        "jan_b": _donation(db, donor.id, fund, "2026-01-20", 30000),
    }
    assert db.version == 1
    db.close()
    return p, ids


def test_existing_donations_are_numbered_in_date_order(v1_with_donations):
    p, ids = v1_with_donations
    db = Database.open(p)
    assert db.version == SCHEMA_VERSION
    number = {k: (receipts.receipt_for_donation(db, v).number if receipts.receipt_for_donation(db, v)
                  else None) for k, v in ids.items()}
    assert number == {
        "jan": "ST01-2026-000001", "jan_b": "ST01-2026-000002", "mar": "ST01-2026-000003",
        "dec": "ST01-2025-000001", "feb_void": None,
    }
    r = receipts.find_receipt(db, "ST01-2026-000001")
    assert (r.origin, r.issued_by, r.print_count, r.status) == ("migration", "system", 0, "issued")
    assert r.issued_at.endswith("+00:00") and len(r.id) == 32
    assert db.scalar("SELECT last_seq FROM receipt_counters WHERE year = 2026") == 3
    assert db.scalar("SELECT last_seq FROM receipt_counters WHERE year = 2025") == 1
    db.close()


def test_after_migration_the_report_explains_every_number(v1_with_donations):
    p, ids = v1_with_donations
    db = Database.open(p)
    rep = receipt_report.build(db, 2026)
    assert rep.missing == [] and len(rep.rows) == 3
    assert all(r.explanation == "升级时补编号；未打印" for r in rep.rows)
    assert [(u["donation_id"], u["reason"]) for u in rep.unreceipted] == \
        [(ids["feb_void"], "捐赠已作废，未开收据")]
    assert check.run(db)["ok"] and audit.verify(db).ok
    db.close()


def test_new_donations_continue_the_series_and_old_ones_are_fixed(v1_with_donations):
    import datetime as dt

    from app.errors import Conflict

    p, ids = v1_with_donations
    db = Database.open(p)
    donor = donors.search_donors(db, "张三明")[0]
    d = donations.record_donation(db, accounts.SYSTEM, donations.DonationInput(
        donor.id, dt.date(2026, 4, 1), amount_fen=100), today=dt.date(2026, 11, 22))
    assert receipts.receipt_for_donation(db, d.id).number == "ST01-2026-000004"
    with pytest.raises(Conflict):
        donations.update_donation(db, accounts.SYSTEM, ids["mar"], amount_fen=1)
    db.close()


def test_empty_version_1_database_migrates_with_no_receipts(tmp_path):
    db = Database.open(tmp_path / "e.db", create=True, migrate=False)
    db.migrate(target=1)
    db.migrate()
    assert db.version == SCHEMA_VERSION
    assert db.scalar("SELECT count(*) FROM receipts") == 0
    assert db.scalar("SELECT count(*) FROM receipt_counters") == 0
    db.close()
