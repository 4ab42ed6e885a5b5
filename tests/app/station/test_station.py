"""Setting up a station, its operators and their roles."""


import pytest

from app.donations import donors
from app.errors import Conflict, InputError, PermissionDenied
from app.funds import funds
from app.recipients import recipients
from app.station import accounts, setup, station


def test_setup_creates_default_fund_and_categories(db):
    assert station.get_station(db).station_code == "ST01"
    f = funds.default_fund(db)
    assert f.name == "慈善基金（非定向）" and f.kind == "general"
    assert "高龄老人" in recipients.list_categories(db)


def test_setup_twice_refused(db):
    with pytest.raises(Conflict):
        setup.set_up(db, accounts.SYSTEM, "ST02", "另一个站")


def test_passwords_are_salted_slow_hashes(db, admin):
    h = db.scalar("SELECT password_hash FROM operators WHERE id = ?", (admin.id,))
    assert h.startswith("scrypt$") and "secret123" not in h
    assert accounts.hash_password("secret123") != accounts.hash_password("secret123")
    assert accounts.authenticate(db, "admin", "secret123").role == "admin"
    with pytest.raises(PermissionDenied):
        accounts.authenticate(db, "admin", "wrong-password")


def test_first_operator_must_be_admin_then_only_admins_add(db):
    with pytest.raises(InputError):
        accounts.create_operator(db, accounts.SYSTEM, "vol", "志愿者", "volunteer", "secret123")
    a = accounts.create_operator(db, accounts.SYSTEM, "boss", "站长", "admin", "secret123")
    v = accounts.create_operator(db, a, "vol", "志愿者", "volunteer", "secret123")
    with pytest.raises(PermissionDenied):
        accounts.create_operator(db, v, "vol2", "志愿者2", "volunteer", "secret123")


def test_readonly_cannot_write(db, admin):
    ro = accounts.create_operator(db, admin, "look", "查看", "readonly", "secret123")
    with pytest.raises(PermissionDenied):
        donors.create_donor(db, ro, "person", "张三")
