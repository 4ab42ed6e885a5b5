"""Micro-wishes as services: the states and their refusals, goods handed over out of the fund's
goods, every change in the audit log, and the shareable list without names, ID numbers or addresses."""

import datetime as dt

import pytest
from aid_population import Person, add_people, born

from app.donations.donations import GoodsLine
from app.errors import CharityDeskError
from app.funds import funds
from app.goods import store
from app.station import accounts
from app.wishes import share, wishes

SYS = accounts.SYSTEM
TODAY = dt.date.today()


@pytest.fixture
def child(db):
    (rid,) = add_people(db, SYS, [Person("欧阳娜娜", born(10, TODAY), ["困境儿童"])])
    return rid


def test_states_in_order_and_out_of_order(db, child):
    w = wishes.add_wish(db, SYS, child, "一个书包", 12000, checked_by="王刚")
    assert (w.state, w.checked_on, w.age) == ("pending", TODAY.isoformat(), 10)
    with pytest.raises(CharityDeskError, match="只有已发布的心愿可以认领"):
        wishes.claim(db, SYS, w.id, "刘老师")
    wishes.publish(db, SYS, w.id)
    with pytest.raises(CharityDeskError, match="请先登记认领人"):
        wishes.fulfil(db, SYS, w.id, amount_fen=12000)
    with pytest.raises(CharityDeskError, match="原因"):
        wishes.unclaim(db, SYS, w.id, "")
    wishes.claim(db, SYS, w.id, "刘老师")
    wishes.unclaim(db, SYS, w.id, "联系不上")
    claims = list(db.tuples("SELECT status, withdraw_reason FROM wish_claims WHERE wish_id = ?", (w.id,)))
    assert claims == [("withdrawn", "联系不上")]  # the withdrawn claim stays on record
    actions = [a for (a,) in db.tuples("SELECT action FROM audit_log WHERE record_id = ? ORDER BY seq", (w.id,))]
    assert actions == ["create", "publish", "claim", "unclaim"]


def test_goods_are_handed_over_out_of_the_funds_goods(db, child):
    w = wishes.add_wish(db, SYS, child, "一件棉袄", 20000)
    wishes.publish(db, SYS, w.id)
    wishes.claim(db, SYS, w.id, "东风服装厂")
    f = wishes.fulfil(db, SYS, w.id, goods=[GoodsLine("棉袄", "1", "件", 18000)], feedback="很暖和")
    fund = funds.get_fund(db, f.donation.fund_id)
    assert (f.value_fen, f.payment_id, fund.goods_fen, fund.balance_fen) == (18000, None, 0, 0)
    assert f.wish.feedback == "很暖和" and f.donation.recipient_id == child
    assert db.scalar("SELECT kind FROM donors WHERE name = '东风服装厂'") == "enterprise"
    # The coat came into the store with the gift and left it for the child at once.
    assert store.quantity(db, "棉袄", "件") == 0
    out = db.one("SELECT recipient_id, quantity_milli FROM goods_movements WHERE kind = 'handout'")
    assert (out["recipient_id"], out["quantity_milli"]) == (child, -1000)
    with pytest.raises(CharityDeskError, match="已经实现"):
        wishes.fulfil(db, SYS, w.id, amount_fen=100)
    with pytest.raises(CharityDeskError, match="不能再取消"):
        wishes.cancel(db, SYS, w.id, "重复")


def test_the_shareable_rows_hold_no_name_id_or_address(db, child):
    w = wishes.add_wish(db, SYS, child, "一个书包", 12000, school="东风小学")
    wishes.publish(db, SYS, w.id)
    hidden = wishes.add_wish(db, SYS, child, "一双鞋", 9000)  # not published: not on the list
    (row,) = share.rows(db)
    person = db.one("SELECT id_number, address, village FROM recipients WHERE id = ?", (child,))
    assert row[:3] == [wishes.code(w.id), "欧**娜", 10] and hidden.id[-8:] not in row
    assert not {person["id_number"], person["address"] or "-", person["village"]} & {str(v) for v in row}
