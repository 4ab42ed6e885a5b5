import datetime as dt
import threading

import pytest

from app import accounts, donations, donors, funds, recipients, station
from app.db import Database
from app.donations import DonationInput, GoodsLine
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.idcard import IdNumberError, check_char
from app.recipients import RecipientInput

TODAY = dt.date(2026, 11, 22)


def idn(birth="19400315", seq="123", region="370303"):
    body = region + birth + seq
    return body + check_char(body)


# ---------- station and operators ----------
def test_setup_creates_default_fund_and_categories(db):
    assert station.get_station(db).station_code == "ST01"
    f = funds.default_fund(db)
    assert f.name == "慈善基金（非定向）" and f.kind == "general"
    assert "高龄老人" in recipients.list_categories(db)


def test_setup_twice_refused(db):
    with pytest.raises(Conflict):
        station.set_up(db, accounts.SYSTEM, "ST02", "另一个站")


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


# ---------- funds ----------
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


# ---------- donors ----------
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


# ---------- donations ----------
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


# ---------- recipients ----------
def test_recipient_fields_from_id(db, volunteer):
    p = recipients.add_recipient(db, volunteer, RecipientInput(
        " 王 秀英 ", " " + idn("19400315", "124").lower(), phone="13812345678",
        categories=["高龄老人", "低保户", "新类别"]), today=TODAY)
    assert p.name == "王秀英"
    assert p.sex == "女" and p.birth_date == "1940-03-15"
    assert p.categories == ("高龄老人", "低保户", "新类别")
    assert "新类别" in recipients.list_categories(db)


def test_duplicate_id_refused_and_nothing_written(db, volunteer):
    n = idn()
    recipients.add_recipient(db, volunteer, RecipientInput("王秀英", n))
    with pytest.raises(Conflict) as e:
        recipients.add_recipient(db, volunteer, RecipientInput("王秀英", n))
    assert "王秀英" in e.value.message
    assert db.scalar("SELECT count(*) FROM recipients") == 1


def test_bad_id_refused_with_reason(db, volunteer):
    with pytest.raises(IdNumberError) as e:
        recipients.add_recipient(db, volunteer, RecipientInput("王秀英", "370303194003151230"))
    assert e.value.reason == "bad_check"
    assert db.scalar("SELECT count(*) FROM recipients") == 0


def test_sex_contradicting_id_refused(db, volunteer):
    with pytest.raises(InputError) as e:
        recipients.add_recipient(db, volunteer, RecipientInput("王秀英", idn(seq="123"), sex="女"))
    assert e.value.reason == "sex_mismatch"


def test_close_and_reopen_keep_history(db, admin, volunteer):
    p = recipients.add_recipient(db, volunteer, RecipientInput("王秀英", idn()))
    closed = recipients.close_recipient(db, volunteer, p.id, "去世", dt.date(2026, 10, 1))
    assert (closed.status, closed.closed_on) == ("deceased", "2026-10-01")
    with pytest.raises(PermissionDenied):
        recipients.reopen_recipient(db, volunteer, p.id)
    assert recipients.reopen_recipient(db, admin, p.id).status == "active"
    from app import audit

    assert [e["action"] for e in audit.history(db, p.id)] == ["create", "close", "reopen"]


def test_update_recipient_audited(db, volunteer):
    p = recipients.add_recipient(db, volunteer, RecipientInput("王秀英", idn(), village="东风村"))
    u = recipients.update_recipient(db, volunteer, p.id, RecipientInput("王秀英", idn(), village="西河村"))
    assert u.village == "西河村"
    from app import audit

    last = audit.history(db, p.id)[-1]
    assert last["before"]["village"] == "东风村" and last["after"]["village"] == "西河村"


def test_two_connections_writing_at_once_both_land(db, admin):
    """BEGIN IMMEDIATE serialises writers: neither save is lost."""
    errors = []

    def work(i):
        try:
            other = Database.open(db.path)
            for k in range(10):
                funds.create_fund(other, admin, f"线程{i}基金{k}", "named")
            other.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.scalar("SELECT count(*) FROM funds WHERE name LIKE '线程%'") == 30
    from app import audit

    assert audit.verify(db).ok
