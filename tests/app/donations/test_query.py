"""The donation list's query service: filters, sorting, totals and pages, without Qt."""

import datetime as dt

from app.donations import donations, donors, receipts
from app.donations import query as q
from app.donations.donations import DonationInput, GoodsLine
from app.funds import funds

TODAY = dt.date(2026, 11, 22)


def give(db, actor, donor, day, fen=0, method="cash", **kw):
    return donations.record_donation(db, actor, DonationInput(
        donor.id, dt.date(2026, 11, day), amount_fen=fen, method=method, **kw), today=TODAY)


def setup(db, admin):
    zs = donors.create_donor(db, admin, "person", "张三", phone="13812345678")
    ls = donors.create_donor(db, admin, "person", "李四")
    named = funds.create_fund(db, admin, "东风村冠名基金", "named")
    a = give(db, admin, zs, 1, 300_00)
    b = give(db, admin, ls, 2, 50_50, "wechat", fund_id=named.id)
    c = give(db, admin, zs, 3, method=None, goods=[GoodsLine("大米", 10, "袋", 40_00),
                                                   GoodsLine("旧衣", 2, "包")])
    d = give(db, admin, ls, 4, 1000_00, "bank")
    donations.void_donation(db, admin, d.id, "金额录错")
    return a, b, c, d, named


def ids(db, f=None, sort=None):
    rows = q.fetch_rows(db, q.handles(db, f, sort))
    return [rows[h]["id"] for h in q.handles(db, f, sort)]


def test_default_shows_valid_donations_newest_first_with_totals(db, admin):
    a, b, c, d, _ = setup(db, admin)
    assert ids(db) == [c.id, b.id, a.id]
    t = q.totals(db)
    assert (t.count, t.voided, t.cash_fen, t.goods_fen, t.total_fen) == (3, 0, 350_50, 400_00, 750_50)


def test_voided_filter_and_totals_leave_voided_money_out(db, admin):
    a, b, c, d, _ = setup(db, admin)
    assert ids(db, q.Filters(voided=True)) == [d.id]
    t = q.totals(db, q.Filters(voided=None))
    assert (t.count, t.voided, t.total_fen) == (4, 1, 750_50)


def test_filters_date_donor_fund_method(db, admin):
    a, b, c, d, named = setup(db, admin)
    assert ids(db, q.Filters(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 3))) == [c.id, b.id]
    assert ids(db, q.Filters(donor_text="zs")) == [c.id, a.id]
    assert ids(db, q.Filters(donor_text="1381234")) == [c.id, a.id]
    assert ids(db, q.Filters(donor_text="李")) == [b.id]
    assert ids(db, q.Filters(fund_id=named.id)) == [b.id]
    assert ids(db, q.Filters(method="goods")) == [c.id]
    assert ids(db, q.Filters(method="wechat")) == [b.id]
    assert q.totals(db, q.Filters(method="cash")).total_fen == 300_00
    assert ids(db, q.Filters(donor_text="50%_")) == []


def test_sorting_and_pages(db, admin):
    a, b, c, d, _ = setup(db, admin)
    assert ids(db, sort=q.Sort("amount_fen", False)) == [b.id, a.id, c.id]
    assert ids(db, sort=q.Sort("donor_name", False))[-1] == b.id  # by name as stored: 张 (U+5F20) before 李
    assert ids(db, sort=q.Sort("donated_on", False)) == [a.id, b.id, c.id]
    all_handles = q.handles(db)
    assert q.handles(db, offset=1, limit=1) == all_handles[1:2]


def test_rows_and_detail(db, admin):
    a, b, c, d, _ = setup(db, admin)
    rows = q.fetch_rows(db, q.handles(db, q.Filters(voided=None)))
    by_id = {r["id"]: r for r in rows.values()}
    assert by_id[c.id]["items"] == "大米、旧衣" and by_id[c.id]["amount_fen"] == 400_00
    assert by_id[a.id]["receipt_number"] == receipts.receipt_for_donation(db, a.id).number
    assert by_id[d.id]["status"] == "voided" and by_id[d.id]["void_reason"] == "金额录错"
    det = q.detail(db, c.id)
    assert [g["item"] for g in det["goods"]] == ["大米", "旧衣"]
    assert len(det["receipts"]) == 1 and det["donor_name"] == "张三"
    new = receipts.replace_receipt(db, admin, det["receipts"][0].number, "打印损坏")
    det = q.detail(db, c.id)
    assert [r.status for r in det["receipts"]] == ["voided", "issued"]
    assert q.fetch_rows(db, [q.handle_of(db, c.id)])[q.handle_of(db, c.id)]["receipt_number"] == new.number
