"""Operators: only administrators change them, every change is audited, and the last
administrator stays."""

import pytest

from app import audit
from app.demo import generate
from app.donations import donations, receipts
from app.errors import Conflict, NotFound, PermissionDenied
from app.programmes import distributions
from app.safety import check
from app.station import accounts, station


def test_an_admin_disables_an_operator_who_then_cannot_log_in(db, admin, volunteer):
    accounts.disable_operator(db, admin, "xiaoli")
    with pytest.raises(PermissionDenied):
        accounts.authenticate(db, "xiaoli", "secret123")
    entry = audit.history(db, volunteer.id)[-1]
    assert (entry["action"], entry["operator"], entry["after"]["active"]) == ("disable", "管理员", 0)
    assert dict(accounts.list_all(db))[volunteer] is False
    with pytest.raises(Conflict):
        accounts.disable_operator(db, admin, "xiaoli")


def test_the_last_active_admin_cannot_be_disabled(db, admin):
    with pytest.raises(Conflict) as e:
        accounts.disable_operator(db, admin, "admin")
    assert e.value.reason == "last_admin"
    second = accounts.create_operator(db, admin, "wang", "王站长", "admin", "secret123")
    accounts.disable_operator(db, second, "admin")
    assert accounts.has_admin(db)  # wang is still there
    with pytest.raises(Conflict):
        accounts.disable_operator(db, second, "wang")


def test_a_volunteer_changes_no_operator_but_their_own_password(db, admin, volunteer):
    with pytest.raises(PermissionDenied):
        accounts.create_operator(db, volunteer, "zhao", "赵", "volunteer", "secret123")
    with pytest.raises(PermissionDenied):
        accounts.disable_operator(db, volunteer, "admin")
    with pytest.raises(PermissionDenied):
        accounts.set_password(db, volunteer, "admin", "hijacked1")
    accounts.set_password(db, volunteer, "xiaoli", "newsecret")
    assert accounts.authenticate(db, "xiaoli", "newsecret").id == volunteer.id
    entry = audit.history(db, volunteer.id)[-1]
    assert entry["action"] == "change_password" and "scrypt" not in str(entry["after"])
    with pytest.raises(NotFound):
        accounts.set_password(db, admin, "nobody", "secret123")


def test_void_reverse_and_settings_need_an_admin_and_leave_an_audit_entry(db, admin, volunteer):
    generate(db, admin, 30, 30, seed=5)
    number = db.scalar("SELECT number FROM receipts WHERE status = 'issued' ORDER BY seq LIMIT 1")
    donation = db.scalar("SELECT donation_id FROM receipts WHERE status = 'issued' ORDER BY seq DESC LIMIT 1")
    line = db.scalar("SELECT id FROM disbursements WHERE status != 'reversed' LIMIT 1")
    refused = [
        lambda who: receipts.void_receipt(db, who, number, "打印损坏"),
        lambda who: donations.void_donation(db, who, donation, "录错"),
        lambda who: distributions.reverse_line(db, who, line, "重复登记"),
        lambda who: station.set_setting(db, who, "receipt_title", "捐赠收据"),
        lambda who: station.update_station(db, who, name="新名字"),
    ]
    for change in refused:
        before = db.scalar("SELECT count(*) FROM audit_log")
        with pytest.raises(PermissionDenied):
            change(volunteer)
        assert db.scalar("SELECT count(*) FROM audit_log") == before
        change(admin)
        last = db.one("SELECT operator_id FROM audit_log ORDER BY seq DESC LIMIT 1")
        assert last["operator_id"] == admin.id
    assert check.run(db)["ok"]
