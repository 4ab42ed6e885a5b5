"""The goods store: movements in and out, free stock, allocations, counts and refusals."""

import datetime as dt
import json

import pytest
from aid_population import Person, add_people, born

from app.cli import main
from app.donations import donations, donors
from app.donations.donations import DonationInput, GoodsLine
from app.errors import Conflict, InputError, NotFound
from app.funds import funds, spending
from app.goods import store
from app.goods.quantities import format_quantity, parse_pack, parse_quantity
from app.programmes import distributions, programmes
from app.programmes.programmes import ProgrammeInput

ON = dt.date(2026, 3, 1)


def gift(db, admin, *lines, on=ON):
    d = donors.create_donor(db, admin, "enterprise", "东风粮油公司")
    return donations.record_donation(db, admin, DonationInput(d.id, on, method=None, goods=list(lines)))


def qty(db, item, unit, on=None):
    return {(s.item, s.unit): s for s in store.stock(db, on)}[(item, unit)]


def written(db):
    return db.scalar("SELECT count(*) FROM goods_movements"), db.scalar("SELECT count(*) FROM audit_log")


def test_quantities_are_exact_and_words_are_refused():
    assert parse_quantity("2.5") == 2500 and parse_quantity("0.125") == 125
    assert format_quantity(2500) == "2.5" and format_quantity(10000) == "10" and format_quantity(-125) == "-0.125"
    for bad, reason in (("十袋", "bad_quantity"), ("-3", "negative_quantity"), ("0", "zero_quantity"),
                        ("1.2345", "bad_quantity"), ("", "bad_quantity")):
        with pytest.raises(InputError) as e:
            parse_quantity(bad)
        assert e.value.reason == reason
    assert parse_pack("大米 10 公斤、食用油1桶、书包") == [("大米", "公斤", 10000), ("食用油", "桶", 1000)]


def test_gift_lines_come_in_and_a_void_takes_them_out(db, admin):
    g = gift(db, admin, GoodsLine("米", "40", "袋", 5000), GoodsLine("油", "2.5", "桶"))
    assert qty(db, "米", "袋").quantity_milli == 40000 and qty(db, "油", "桶").quantity_milli == 2500
    donations.void_donation(db, admin, g.id, "重复登记")
    assert qty(db, "米", "袋").quantity_milli == 0
    assert qty(db, "米", "袋", ON).quantity_milli == 40000  # the void is dated the day it was made
    kinds = [r[0] for r in db.tuples("SELECT kind FROM goods_movements WHERE item = '米' ORDER BY created_at")]
    assert kinds == ["gift", "gift_void"]


def test_purchase_comes_in_by_voucher_and_moves_no_money(db, admin):
    general = funds.default_fund(db)
    d = donors.create_donor(db, admin, "person", "张三")
    donations.record_donation(db, admin, DonationInput(d.id, ON, 100000, "cash", fund_id=general.id))
    spending.spend(db, admin, general.id, 30000, payee="粮油店", purpose="买米", voucher="记-001", on=ON)
    before = funds.get_fund(db, general.id).balance_fen
    m = store.receive(db, admin, "米", "袋", 10000, voucher="记-001", value_fen=30000, on=ON)
    assert m.kind == "purchase" and m.voucher == "记-001" and m.value_fen == 30000
    assert funds.get_fund(db, general.id).balance_fen == before == 70000
    with pytest.raises(NotFound):
        store.receive(db, admin, "米", "袋", 10000, voucher="记-999", on=ON)
    assert qty(db, "米", "袋").quantity_milli == 10000


def test_bad_input_is_refused_in_plain_chinese_and_writes_nothing(db, admin):
    gift(db, admin, GoodsLine("米", "40", "袋"))
    start = written(db)
    with pytest.raises(Conflict) as e:
        store.hand_out(db, admin, "米", "袋", 100000, to="东风小学", on=ON)
    assert "40" in e.value.message and "100" in e.value.message
    with pytest.raises(NotFound) as e:
        store.write_off(db, admin, "面粉", "袋", 1000, reason="霉变", on=ON)
    assert "米（袋）" in e.value.message
    with pytest.raises(NotFound) as e:
        store.count(db, admin, "米", "斤", 1000, reason="x", on=ON)
    assert "袋" in e.value.message
    with pytest.raises(InputError):
        store.hand_out(db, admin, "米", "袋", 0, to="东风小学", on=ON)
    with pytest.raises(InputError):
        store.hand_out(db, admin, "米", "袋", -5000, to="东风小学", on=ON)
    assert written(db) == start


def test_cli_refuses_bad_input_with_one_json_object(tmp_path, capsys):
    db_path = tmp_path / "t.db"
    assert main(["--db", str(db_path), "--json", "init", "--station-code", "ST01", "--station-name", "东风村"]) == 0
    assert main(["--db", str(db_path), "--json", "donate", "--donor", "粮油公司", "--goods", "米,40,袋",
                 "--date", "2026-03-01"]) == 0
    capsys.readouterr()
    for argv, words in (
            (["goods", "out", "--item", "米", "--quantity", "-1", "--unit", "袋", "--to", "学校"], "负数"),
            (["goods", "count", "--item", "米", "--unit", "袋", "--counted", "十袋", "--reason", "x"], "阿拉伯数字"),
            (["goods", "out", "--item", "米", "--quantity", "100", "--unit", "袋", "--writeoff", "霉"], "40"),
            (["goods", "out", "--item", "面", "--quantity", "1", "--unit", "袋", "--writeoff", "霉"], "米（袋）")):
        assert main(["--db", str(db_path), "--json", *argv]) == 1
        out = json.loads(capsys.readouterr().out)
        assert words in out["error"], out


def test_hand_out_to_a_person_or_a_named_recipient(db, admin):
    gift(db, admin, GoodsLine("米", "40", "袋"))
    [rid] = add_people(db, admin, [Person("王大爷", born(80, ON), ["低保户"])])
    idn = db.scalar("SELECT id_number FROM recipients WHERE id = ?", (rid,))
    a = store.hand_out(db, admin, "米", "袋", 2000, to=idn, on=ON)
    b = store.hand_out(db, admin, "米", "袋", 3000, to="王大爷", on=ON)
    c = store.hand_out(db, admin, "米", "袋", 5000, to="慈善超市货架", on=ON)
    assert (a.recipient_id, b.recipient_id, c.recipient_id) == (rid, rid, None)
    assert c.recipient_name == "慈善超市货架"
    assert qty(db, "米", "袋").quantity_milli == 30000


def test_a_confirmed_goods_distribution_allocates_and_hand_outs_move_stock(db, admin):
    gift(db, admin, GoodsLine("米", "40", "袋"), GoodsLine("油", "10", "桶"))
    general = funds.default_fund(db)
    add_people(db, admin, [Person(n, born(70, ON), ["低保户"]) for n in ("甲一", "乙二", "丙三")])
    prog = programmes.create_programme(db, admin, ProgrammeInput("春节米油", general.id, kind="goods",
                                                                goods="米 10 袋、油 2 桶"))
    d, _ = distributions.distribute(db, admin, prog.id, ON)
    rice = qty(db, "米", "袋")
    assert (rice.quantity_milli, rice.allocated_milli, rice.free_milli) == (40000, 30000, 10000)
    with pytest.raises(Conflict):
        store.hand_out(db, admin, "米", "袋", 11000, to="东风小学", on=ON)
    ids = [r[0] for r in db.tuples("SELECT id FROM disbursements WHERE distribution_id = ? ORDER BY line_no",
                                   (d.id,))]
    distributions.mark_line(db, admin, ids[0], "signed")
    distributions.mark_line(db, admin, ids[1], "not_collected")
    rice, oil = qty(db, "米", "袋"), qty(db, "油", "桶")
    assert (rice.quantity_milli, rice.allocated_milli) == (30000, 10000)
    assert (oil.quantity_milli, oil.allocated_milli) == (8000, 2000)
    distributions.reverse_line(db, admin, ids[0], "发错了人")
    assert qty(db, "米", "袋").quantity_milli == 40000


def test_a_distribution_needing_more_than_the_free_stock_is_refused(db, admin):
    gift(db, admin, GoodsLine("米", "15", "袋"))
    general = funds.default_fund(db)
    add_people(db, admin, [Person(n, born(70, ON), ["低保户"]) for n in ("甲一", "乙二")])
    prog = programmes.create_programme(db, admin, ProgrammeInput("春节米", general.id, kind="goods", goods="米 10 袋"))
    with pytest.raises(Conflict) as e:
        distributions.distribute(db, admin, prog.id, ON)
    assert "20" in e.value.message and "15" in e.value.message
    assert db.scalar("SELECT count(*) FROM distributions WHERE status = 'confirmed'") == 0


def test_a_partial_count_touches_only_the_items_counted(db, admin):
    gift(db, admin, GoodsLine("米", "40", "袋"), GoodsLine("油", "10", "桶"))
    with pytest.raises(InputError):
        store.count(db, admin, "米", "袋", 38000, on=ON)  # a difference needs a reason
    m = store.count(db, admin, "米", "袋", 38000, reason="两袋受潮被老鼠咬破", on=ON)
    assert (m.quantity_milli, m.counted_milli) == (-2000, 38000)
    assert qty(db, "米", "袋").quantity_milli == 38000 and qty(db, "油", "桶").quantity_milli == 10000
    assert qty(db, "米", "袋", ON - dt.timedelta(days=1)).quantity_milli == 0


def test_a_line_collected_after_all_needs_the_goods_to_be_free(db, admin):
    gift(db, admin, GoodsLine("米", "20", "袋"))
    general = funds.default_fund(db)
    add_people(db, admin, [Person(n, born(70, ON), ["低保户"]) for n in ("甲一", "乙二")])
    prog = programmes.create_programme(db, admin, ProgrammeInput("春节米", general.id, kind="goods", goods="米 10 袋"))
    d, _ = distributions.distribute(db, admin, prog.id, ON)
    first, second = [r[0] for r in db.tuples("SELECT id FROM disbursements WHERE distribution_id = ?"
                                              " ORDER BY line_no", (d.id,))]
    distributions.mark_line(db, admin, first, "not_collected")
    store.hand_out(db, admin, "米", "袋", 10_000, to="慈善超市货架", on=ON)  # the freed rice went elsewhere
    with pytest.raises(Conflict) as e:
        distributions.mark_line(db, admin, first, "signed")
    assert "可用的只有 0" in e.value.message
    assert distributions.get_line(db, first).status == "not_collected"
    distributions.mark_line(db, admin, second, "signed")  # its rice was set aside for it
    assert qty(db, "米", "袋").quantity_milli == 0
