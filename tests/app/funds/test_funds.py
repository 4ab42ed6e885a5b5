"""Funds: balances, names and who may create them."""

import datetime as dt

import pytest

from app.donations import donations, donors
from app.donations.donations import DonationInput
from app.errors import Conflict, NotFound, PermissionDenied
from app.funds import funds

TODAY = dt.date(2026, 11, 22)


def test_fund_balance_is_opening_plus_donations(db, admin):
    f = funds.create_fund(db, admin, "东风村冠名基金", "named", 100000)
    d = donors.create_donor(db, admin, "person", "张三")
    donations.record_donation(db, admin, DonationInput(d.id, TODAY, 30050, "cash", fund_id=f.id), today=TODAY)
    donations.record_donation(db, admin, DonationInput(d.id, TODAY, 20000, "wechat", fund_id=f.id), today=TODAY)
    assert funds.get_fund(db, f.id).balance_fen == 150050


def test_fund_duplicate_and_unknown(db, admin):
    with pytest.raises(Conflict):
        funds.create_fund(db, admin, "慈善基金（非定向）", "general")
    with pytest.raises(NotFound) as e:
        funds.find_fund(db, "没有的基金")
    assert "慈善基金（非定向）" in e.value.message


def test_volunteer_cannot_create_fund(db, volunteer):
    with pytest.raises(PermissionDenied):
        funds.create_fund(db, volunteer, "X", "named")
