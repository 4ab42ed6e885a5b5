"""Donors and donations: checks at entry, designation and void."""

import datetime as dt

import pytest

from app.donations import donations, donors
from app.donations.donations import DonationInput, GoodsLine
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.funds import funds
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.rules.idcard import check_char

TODAY = dt.date(2026, 11, 22)


def idn(birth="19400315", seq="123", region="370303"):
    body = region + birth + seq
    return body + check_char(body)


def test_enterprise_credit_code_checked(db, admin):
    with pytest.raises(InputError):
        donors.create_donor(db, admin, "enterprise", "鲁中建材", credit_code="91350100M000100Y44")
    d = donors.create_donor(db, admin, "enterprise", "鲁中建材", credit_code="91350100m000100y43")
    assert d.credit_code == "91350100M000100Y43"
    with pytest.raises(Conflict):
        donors.create_donor(db, admin, "enterprise", "另一家", credit_code="91350100M000100Y43")


def test_anonymous_donor_is_one_record(db, admin):
    a = donors.create_donor(db, admin, "anonymous")
    b = donors.anonymous_donor(db, admin)
    assert a.id == b.id and a.name == "匿名爱心人士"


def test_donor_search_by_pinyin_initials_and_phone(db, admin):
    zs = donors.create_donor(db, admin, "person", "张三", phone="138 1234 5678")
    donors.create_donor(db, admin, "person", "李四")
    assert [d.id for d in donors.search_donors(db, "zs")] == [zs.id]
    assert [d.id for d in donors.search_donors(db, "zhangsan")] == [zs.id]
    assert [d.id for d in donors.search_donors(db, "5678")] == [zs.id]


def test_undesignated_cash_goes_to_default_fund(db, volunteer):
    d = donors.create_donor(db, volunteer, "person", "张三")
    don = donations.record_donation(db, volunteer, DonationInput(d.id, TODAY, 30000, "cash"), today=TODAY)
    assert don.fund_id == funds.default_fund(db).id
    assert don.kind == "cash" and don.amount_fen == 30000


def test_goods_value_is_sum_of_valued_lines_only(db, volunteer):
    d = donors.create_donor(db, volunteer, "enterprise", "金穗米业")
    don = donations.record_donation(db, volunteer, DonationInput(
        d.id, TODAY, method=None, goods=[
            GoodsLine("大米", "20", "袋", 5000), GoodsLine("食用油", "2.5", "桶", 6900),
            GoodsLine("旧衣物", "3", "包", None),
        ]), today=TODAY)
    assert don.kind == "goods" and don.method is None
    assert don.amount_fen == 20 * 5000 + 17250
    lines = donations.goods_lines(db, don.id)
    assert [ln["value_fen"] for ln in lines] == [100000, 17250, None]
    assert lines[1]["quantity"] == "2.5"


def test_future_date_refused_past_allowed(db, volunteer):
    d = donors.create_donor(db, volunteer, "person", "张三")
    with pytest.raises(InputError) as e:
        donations.record_donation(db, volunteer, DonationInput(d.id, TODAY + dt.timedelta(days=1), 100),
                                  today=TODAY)
    assert e.value.reason == "future_date"
    donations.record_donation(db, volunteer, DonationInput(d.id, dt.date(2025, 1, 1), 100), today=TODAY)


@pytest.mark.parametrize("amount, reason", [(0, "zero"), (-100, "zero")])
def test_bad_cash_amount_writes_nothing(db, volunteer, amount, reason):
    d = donors.create_donor(db, volunteer, "person", "张三")
    n = db.scalar("SELECT count(*) FROM donations")
    with pytest.raises(InputError) as e:
        donations.record_donation(db, volunteer, DonationInput(d.id, TODAY, amount), today=TODAY)
    assert e.value.reason == reason
    assert db.scalar("SELECT count(*) FROM donations") == n


def test_unknown_fund_refused(db, volunteer):
    d = donors.create_donor(db, volunteer, "person", "张三")
    with pytest.raises(NotFound):
        donations.record_donation(db, volunteer, DonationInput(d.id, TODAY, 100, fund_id="nope"), today=TODAY)
    assert db.scalar("SELECT count(*) FROM donations") == 0


def test_designation_to_person_and_directed_fund(db, admin):
    f = funds.create_fund(db, admin, "助学定向基金", "directed")
    p = recipients.add_recipient(db, admin, RecipientInput("王小明", idn("20150601", "125")))
    d = donors.create_donor(db, admin, "person", "张三")
    don = donations.record_donation(db, admin, DonationInput(d.id, TODAY, 50000, fund_id=f.id,
                                                             recipient_id=p.id), today=TODAY)
    assert (don.fund_id, don.recipient_id) == (f.id, p.id)


def test_void_needs_admin_and_reason_and_keeps_row(db, admin, volunteer):
    d = donors.create_donor(db, volunteer, "person", "张三")
    don = donations.record_donation(db, volunteer, DonationInput(d.id, TODAY, 30000), today=TODAY)
    with pytest.raises(PermissionDenied):
        donations.void_donation(db, volunteer, don.id, "录错了")
    with pytest.raises(InputError):
        donations.void_donation(db, admin, don.id, "  ")
    v = donations.void_donation(db, admin, don.id, "录错了")
    assert v.status == "voided"
    assert db.scalar("SELECT count(*) FROM donations") == 1
    assert funds.default_fund(db).balance_fen == 0
