"""The fund journal: every movement one row, totals kept, reserved money for its purpose only,
spending, transfers and direct payments, and every refusal that writes nothing."""

import datetime as dt

import pytest
from aid_population import Person, add_people, born

from app.donations import donations, donors
from app.donations.donations import DonationInput, GoodsLine
from app.errors import Conflict, InputError
from app.funds import funds, journal, payments, spending, transfers
from app.safety import check

TODAY = dt.date(2026, 6, 30)
ON = dt.date(2026, 3, 1)
MONEY_TABLES = ("fund_journal", "fund_payments", "fund_spending", "fund_transfers", "funds", "audit_log")


def snapshot(db):
    return ({t: db.scalar(f"SELECT count(*) FROM {t}") for t in MONEY_TABLES},
            list(db.tuples("SELECT * FROM fund_totals ORDER BY fund_id")),
            list(db.tuples("SELECT * FROM fund_reserves ORDER BY fund_id, reserve")))


def give(db, admin, fen, **kw):
    donor = donors.create_donor(db, admin, "anonymous", "匿名爱心人士")
    return donations.record_donation(db, admin, DonationInput(donor.id, kw.pop("on", ON), amount_fen=fen, **kw),
                                     today=TODAY)


@pytest.fixture
def children(db, admin):
    return add_people(db, admin, [Person("王小明", born(9, ON), ["困境儿童"]),
                                  Person("李小红", born(10, ON), ["困境儿童"], village="西岭村")])


def test_twenty_thousand_for_one_sick_child_is_paid_to_that_child(db, admin, children):
    sick, other = children
    general = funds.default_fund(db)
    gift = give(db, admin, 20_000_00, recipient_id=sick, purpose="治病")
    f = funds.get_fund(db, general.id)
    assert (f.balance_fen, f.reserved_fen, f.free_fen) == (20_000_00, 20_000_00, 0)
    before = snapshot(db)
    with pytest.raises(Conflict) as e:  # not for another child
        payments.pay(db, admin, other, 100_00, today=TODAY)
    assert "定向给王小明" in e.value.message and "李小红" in e.value.message and "还差 ¥100.00" in e.value.message
    with pytest.raises(Conflict) as e:  # nor from this gift
        payments.pay(db, admin, other, 100_00, donation_id=gift.id, today=TODAY)
    assert e.value.reason == "reserved_for_other" and "王小明" in e.value.message
    assert snapshot(db) == before
    p = payments.pay(db, admin, sick, 20_000_00, donation_id=gift.id, on=ON, today=TODAY)
    assert p.fund_id == general.id and p.amount_fen == 20_000_00
    f = funds.get_fund(db, general.id)
    assert (f.balance_fen, f.reserved_fen, f.paid_fen) == (0, 0, 20_000_00)
    with pytest.raises(Conflict) as e:  # the gift has nothing left
        payments.pay(db, admin, sick, 1, donation_id=gift.id, today=TODAY)
    assert "还剩 ¥0.00" in e.value.message and "多出 ¥0.01" in e.value.message
    assert journal.verify(db) == [] and check.run(db)["ok"]


def test_goods_are_not_money(db, admin):
    general = funds.default_fund(db)
    donor = donors.create_donor(db, admin, "enterprise", "东风米业")
    donations.record_donation(db, admin, DonationInput(donor.id, ON, method=None, goods=[
        GoodsLine("大米", "10", "袋", 60_00)]), today=TODAY)
    f = funds.get_fund(db, general.id)
    assert (f.balance_fen, f.received_fen, f.goods_fen) == (0, 0, 600_00)
    with pytest.raises(Conflict) as e:
        spending.spend(db, admin, general.id, 100_00, payee="粮油店", purpose="买油", voucher="V1", today=TODAY)
    assert "还差 ¥100.00" in e.value.message and "物资折价 ¥600.00 是物资，不是钱款" in e.value.message


def test_every_bad_input_is_refused_in_plain_words_and_writes_nothing(db, admin, children):
    sick, other = children
    general = funds.default_fund(db)
    school = funds.create_fund(db, admin, "助学定向基金", "directed", 500_00, today=TODAY)
    give(db, admin, 1_000_00)
    give(db, admin, 300_00, recipient_id=sick)
    spending.spend(db, admin, general.id, 100_00, payee="东风粮油店", purpose="购买大米", voucher="记-001",
                   approver="王刚", today=TODAY)
    before = snapshot(db)
    refusals = [
        (lambda: spending.spend(db, admin, general.id, 1_000_00, payee="店", purpose="买米", voucher="记-002",
                                today=TODAY), ("可用 ¥900.00", "需要 ¥1,000.00", "还差 ¥100.00")),
        (lambda: payments.pay(db, admin, other, 1_000_00, today=TODAY), ("定向给王小明 ¥300.00", "还差 ¥100.00")),
        (lambda: transfers.transfer(db, admin, general.id, general.id, 1_00, decision_ref="会议", today=TODAY),
         ("同一个基金", "慈善基金（非定向）")),
        (lambda: transfers.transfer(db, admin, general.id, school.id, 1_000_00, decision_ref="会议", today=TODAY),
         ("可调出 ¥900.00", "定向给王小明 ¥300.00", "多出 ¥100.00")),
        (lambda: transfers.transfer(db, admin, school.id, general.id, 1_00, decision_ref="会议", today=TODAY),
         ("本定向基金的用途 ¥500.00", "不能调走")),
        (lambda: funds.close_fund(db, admin, school.id), ("还有钱款 ¥500.00", "不能关闭")),
        (lambda: spending.spend(db, admin, general.id, 1_00, payee="店", purpose="买米", voucher="记-001",
                                today=TODAY), ("凭证号“记-001”已经用过", "¥100.00")),
        (lambda: transfers.transfer(db, admin, general.id, school.id, 1_00, decision_ref=" ", today=TODAY),
         ("会议决定",)),
        (lambda: spending.spend(db, admin, general.id, 1_00, payee="", purpose="买米", voucher="记-009",
                                today=TODAY), ("收款单位",)),
    ]
    for attempt, words in refusals:
        with pytest.raises(InputError) as e:
            attempt()
        assert all(w in e.value.message for w in words), (e.value.message, words)
        assert snapshot(db) == before, e.value.message


def test_overdraw_is_checked_against_todays_balance_whatever_the_date(db, admin):
    general = funds.default_fund(db)
    give(db, admin, 500_00, on=dt.date(2026, 5, 1))
    # dated before the money came: still allowed, since the money is there when it is recorded
    spending.spend(db, admin, general.id, 400_00, payee="店", purpose="买米", voucher="A", on=dt.date(2026, 1, 2),
                   today=TODAY)
    with pytest.raises(Conflict):  # 100 left now, whatever the date says
        spending.spend(db, admin, general.id, 200_00, payee="店", purpose="买米", voucher="B",
                       on=dt.date(2026, 6, 1), today=TODAY)
    ledger = journal.ledger(db, general.id)
    assert [ln["kind"] for ln in ledger] == ["spending", "gift"]  # in date order
    assert ledger[-1]["balance_fen"] == 100_00 == funds.get_fund(db, general.id).balance_fen


def test_opening_balance_stands_before_every_movement(db, admin):
    f = funds.create_fund(db, admin, "东风村冠名基金", "named", 1_000_00, donor_name="东风建材厂",
                          agreement_from=dt.date(2026, 1, 1), agreement_to=dt.date(2028, 12, 31), today=TODAY)
    spending.spend(db, admin, f.id, 300_00, payee="东风小学", purpose="资助学校", voucher="V", on=dt.date(2020, 1, 1),
                   today=TODAY)
    ledger = journal.ledger(db, f.id)
    assert [ln["kind"] for ln in ledger] == ["opening", "spending"]
    assert [ln["balance_fen"] for ln in ledger] == [1_000_00, 700_00]
    assert funds.get_fund(db, f.id).donor_name == "东风建材厂"


def test_reversals_put_money_back_where_it_was_kept(db, admin, children):
    sick, _ = children
    general = funds.default_fund(db)
    give(db, admin, 200_00, recipient_id=sick)
    give(db, admin, 100_00)
    p = payments.pay(db, admin, sick, 250_00, today=TODAY)  # 200 kept for the child, then 50 free
    assert journal.reserves(db, general.id).get(journal.person_key(sick), 0) == 0
    assert funds.get_fund(db, general.id).free_fen == 50_00
    payments.reverse_payment(db, admin, p.id, "银行退回")
    assert journal.reserves(db, general.id)[journal.person_key(sick)] == 200_00
    assert funds.get_fund(db, general.id).free_fen == 100_00
    s = spending.spend(db, admin, general.id, 100_00, payee="店", purpose="买米", voucher="V", today=TODAY)
    spending.reverse_spending(db, admin, s.id, "凭证作废")
    with pytest.raises(Conflict):
        spending.reverse_spending(db, admin, s.id, "再来一次")
    assert funds.get_fund(db, general.id).balance_fen == 300_00
    kinds = [r[0] for r in db.tuples("SELECT kind FROM fund_journal ORDER BY seq")]
    assert kinds.count("payment_reversal") == 2 and kinds.count("spending_reversal") == 1
    with pytest.raises(Exception, match="append-only"):  # the journal is never edited
        with db.transaction() as c:
            c.execute("UPDATE fund_journal SET amount_fen = 0")


def test_a_void_of_money_already_spent_is_refused(db, admin):
    general = funds.default_fund(db)
    gift = give(db, admin, 500_00)
    spending.spend(db, admin, general.id, 400_00, payee="店", purpose="买米", voucher="V", today=TODAY)
    before = snapshot(db)
    with pytest.raises(Conflict) as e:
        donations.void_donation(db, admin, gift.id, "写错")
    assert "还差 ¥400.00" in e.value.message
    assert snapshot(db) == before
    other = give(db, admin, 50_00)
    donations.void_donation(db, admin, other.id, "写错")
    assert funds.get_fund(db, general.id).balance_fen == 100_00


def test_check_recounts_the_journal_and_reports_a_difference_as_damage(db, admin):
    give(db, admin, 500_00)
    assert check.run(db)["ok"]
    with db.transaction() as c:
        c.execute("UPDATE fund_totals SET balance_fen = balance_fen + 1")
    report = check.run(db)
    assert not report["ok"]
    assert any("余额记为 500.01 元，按流水重算为 500.00 元" in e for e in report["errors"])


def test_money_for_a_village_is_paid_only_in_that_village(db, admin, children):
    sick, other = children  # 王小明 in 东风村, 李小红 in 西岭村
    general = funds.default_fund(db)
    give(db, admin, 300_00, village="西岭村")
    with pytest.raises(Conflict) as e:
        payments.pay(db, admin, sick, 100_00, today=TODAY)
    assert "定向给西岭村 ¥300.00" in e.value.message
    payments.pay(db, admin, other, 300_00, today=TODAY)
    assert funds.get_fund(db, general.id).balance_fen == 0


def test_a_journal_row_changed_behind_the_programs_back_is_found(db, admin):
    """The journal is sealed (app/seals.py, spec 7): a forger who drops the guard and fixes the kept
    totals to match still shows up in `check`."""
    import sqlite3

    give(db, admin, 500_00)
    c = sqlite3.connect(db.path)
    c.execute("DROP TRIGGER fund_journal_no_update")
    c.execute("UPDATE fund_journal SET amount_fen = 50000000 WHERE kind = 'gift'")
    c.execute("UPDATE fund_totals SET received_fen = 50000000, balance_fen = 50000000 WHERE balance_fen = 50000")
    c.commit()
    c.close()
    assert journal.verify(db) == []  # the totals agree with the forged row …
    report = check.run(db)
    assert not report["ok"] and any("基金流水" in e and "在程序之外被改动过" in e for e in report["errors"])
