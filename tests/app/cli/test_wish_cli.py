"""Micro-wishes and pledges on the command line: Zhangjiakou's practice end to end, a pairing of
10,000 yuan promised, paid in and paid out, and the refusals that write nothing."""

import datetime as dt
import json

import openpyxl
import pytest
from aid_population import Person, add_people, born

from app.cli import main
from app.db import Database
from app.reports import annual
from app.station import accounts

TODAY = dt.date.today()


def call(capsys, db, *args):
    code = main(["--db", str(db), *map(str, args), "--json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


@pytest.fixture
def station(tmp_path, capsys):
    path = tmp_path / "t.db"
    assert call(capsys, path, "init", "--station-code", "ST01", "--station-name", "张家口某村慈善工作站")[0] == 0
    db = Database.open(path)
    ids = add_people(db, accounts.SYSTEM, [
        Person("张小明", born(9, TODAY), ["困境儿童"], household="a"),
        Person("李小红", born(10, TODAY), ["困境儿童"], household="b"),
        Person("王小刚", born(12, TODAY), ["困境儿童"], household="c"),
        Person("王大山", born(45, TODAY), [], household="c"),
        Person("赵小花", born(8, TODAY), ["困境儿童"], household="d")])
    numbers = [db.scalar("SELECT id_number FROM recipients WHERE id = ?", (i,)) for i in ids]
    db.close()
    return path, numbers


def count(path, table):
    db = Database.open(path)
    try:
        return db.scalar(f"SELECT count(*) FROM {table}")
    finally:
        db.close()


def test_zhangjiakou_wishes_from_publishing_to_the_annual_report(station, capsys, tmp_path):
    path, (ming, hong, gang, _, hua) = station
    ids = {}
    for who, child, text, value in (("ming", ming, "一个新书包", "120"), ("hong", hong, "一双运动鞋", "150"),
                                    ("gang", gang, "一本新华字典", "60"), ("hua", hua, "一件冬天的棉袄", "200")):
        code, out = call(capsys, path, "wish", "add", "--child", child, "--wish", text, "--value", value,
                         "--school", "东风小学", "--story", "家里困难", "--checked-by", "村主任王刚")
        assert code == 0, out
        ids[who] = out["wish"]
        assert out["detail"]["state"] == "pending" and out["detail"]["checked_by"] == "村主任王刚"
    for wid in ids.values():
        assert call(capsys, path, "wish", "publish", wid[-8:])[1]["wish"]["state"] == "published"
    code, out = call(capsys, path, "wish", "claim", ids["ming"], "--donor", "张家口爱心车队有限公司")
    assert code == 0 and out["wish"]["state"] == "claimed" and out["wish"]["claimant"] == "张家口爱心车队有限公司"
    assert out["contact_by"] == (TODAY + dt.timedelta(days=7)).isoformat()
    assert call(capsys, path, "wish", "claim", ids["hong"], "--donor", "刘老师")[0] == 0
    assert call(capsys, path, "wish", "claim", ids["gang"], "--donor", "陈先生")[0] == 0
    # 陈先生 cannot reach the family: the claim is withdrawn with a reason, the wish is open again.
    code, out = call(capsys, path, "wish", "unclaim", ids["gang"], "--reason", "认领人联系不上")
    assert code == 0 and out["wish"]["state"] == "published" and out["wish"]["claimant"] == ""
    assert call(capsys, path, "wish", "claim", ids["gang"], "--donor", "刘老师")[0] == 0
    code, money = call(capsys, path, "wish", "fulfil", ids["ming"], "--amount", "120", "--feedback", "孩子很高兴")
    assert code == 0 and money["receipt"].startswith("ST01-") and money["wish"]["state"] == "fulfilled"
    code, goods = call(capsys, path, "wish", "fulfil", ids["hong"], "--goods", "运动鞋,1,双,150")
    assert code == 0 and goods["receipt"] != money["receipt"] and goods["value_fen"] == 15000
    assert call(capsys, path, "wish", "cancel", ids["hua"], "--reason", "家庭已搬走")[1]["wish"]["state"] == "cancelled"

    code, board = call(capsys, path, "wish", "list")
    states = {w["id"]: w["state"] for w in board["wishes"]}
    assert states == {ids["ming"]: "fulfilled", ids["hong"]: "fulfilled", ids["gang"]: "claimed",
                      ids["hua"]: "cancelled"}
    fulfilled = call(capsys, path, "wish", "list", "--state", "已实现")[1]["wishes"]
    assert sorted(w["value_fen"] for w in fulfilled) == [12000, 15000]
    # The gift in money went to the child and out again; the goods came in and were handed over.
    code, funds = call(capsys, path, "fund", "list")
    general = funds["funds"][0]
    assert (general["received_fen"], general["paid_fen"], general["balance_fen"], general["goods_fen"]) == (
        12000, 12000, 0, 0)
    db = Database.open(path)
    try:
        totals = annual.wish_totals(db, TODAY.year)
        _, summary = annual.export_monthly(db, tmp_path / "年度.xlsx", TODAY.year)
    finally:
        db.close()
    assert summary["wishes"] == totals
    about = openpyxl.load_workbook(tmp_path / "年度.xlsx").worksheets[-1]
    notes = [str(c.value) for row in about.iter_rows() for c in row if c.value]
    assert any("全年实现 2 个，现金 ¥120.00，物资折价 ¥150.00" in n for n in notes)
    assert totals == {"wishes": 2, "money_fen": 12000, "goods_fen": 15000}
    assert totals["money_fen"] + totals["goods_fen"] == sum(w["value_fen"] for w in fulfilled)
    code, ledger = call(capsys, path, "fund", "ledger", "慈善基金（非定向）")
    assert [ln["what"] for ln in ledger["lines"] if ln["source"] == "wish"] == ["微心愿：李小红 一双运动鞋"]
    code, checked = call(capsys, path, "check")
    assert code == 0, checked  # seals of wishes, claims and the journal all hold


def test_the_shareable_list_masks_names_and_holds_only_open_wishes(station, capsys, tmp_path):
    path, (ming, hong, *_) = station
    a = call(capsys, path, "wish", "add", "--child", ming, "--wish", "一个新书包", "--value", "120")[1]["wish"]
    b = call(capsys, path, "wish", "add", "--child", hong, "--wish", "一双运动鞋", "--value", "150")[1]["wish"]
    call(capsys, path, "wish", "publish", a)
    call(capsys, path, "wish", "publish", b)
    call(capsys, path, "wish", "claim", b, "--donor", "刘老师")
    code, out = call(capsys, path, "wish", "list", "-o", tmp_path / "清单.xlsx")
    assert code == 0 and out["export"]["wishes"] == 1
    ws = openpyxl.load_workbook(tmp_path / "清单.xlsx").worksheets[0]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "张*明" in text and "张小明" not in text and "李" not in text and ming not in text
    code, out = call(capsys, path, "wish", "list", "-o", tmp_path / "清单.pdf")
    assert code == 0 and (tmp_path / "清单.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_pairing_of_10000_yuan_is_promised_paid_in_and_paid_out(station, capsys):
    path, (_, _, gang, father, _) = station
    code, out = call(capsys, path, "pledge", "add", "--donor", "张家口建材有限公司", "--amount", "10000",
                     "--for-person", father, "--due", (TODAY + dt.timedelta(days=30)).isoformat())
    assert code == 0 and out["pledge"]["promised_fen"] == 1_000_000
    # The gift names the child of the same household: it counts toward the pairing.
    code, gift = call(capsys, path, "donate", "--donor", "张家口建材有限公司", "--donor-kind", "enterprise",
                      "--amount", "10000", "--for-person", gang)
    assert code == 0
    code, other = call(capsys, path, "donate", "--donor", "张家口建材有限公司", "--donor-kind", "enterprise",
                       "--amount", "500")  # not for this household: does not count
    assert code == 0
    code, paid = call(capsys, path, "pay", "--person", gang, "--amount", "10000", "--from-gift",
                      gift["receipt"]["number"])
    assert code == 0
    code, out = call(capsys, path, "pledge", "list")
    (p,) = out["pledges"]
    assert (p["promised_fen"], p["received_fen"], p["paid_fen"], p["overdue"]) == (1_000_000, 1_000_000, 1_000_000,
                                                                                  False)
    assert out["summary"]["fully_received"] == 1


@pytest.mark.parametrize("args, words", [
    (["wish", "add", "--child", "{ming}", "--wish", "一台电脑", "--value", "3000"], "超过本站上限"),
    (["pledge", "add", "--donor", "刘老师", "--amount", "0"], "认捐金额应大于零"),
])
def test_bad_input_is_refused_and_nothing_is_written(station, capsys, args, words):
    path, (ming, *_) = station
    before = (count(path, "wishes"), count(path, "pledges"), count(path, "donors"), count(path, "audit_log"))
    code, out = call(capsys, path, *[a.format(ming=ming) for a in args])
    assert code == 1 and words in out["error"]
    assert (count(path, "wishes"), count(path, "pledges"), count(path, "donors"), count(path, "audit_log")) == before


def test_a_claimed_wish_is_not_claimed_twice_and_a_cancelled_one_not_fulfilled(station, capsys):
    path, (ming, hong, *_) = station
    a = call(capsys, path, "wish", "add", "--child", ming, "--wish", "一个新书包", "--value", "120")[1]["wish"]
    call(capsys, path, "wish", "publish", a)
    call(capsys, path, "wish", "claim", a, "--donor", "刘老师")
    before = (count(path, "wish_claims"), count(path, "donors"), count(path, "audit_log"))
    code, out = call(capsys, path, "wish", "claim", a, "--donor", "新来的王先生")
    assert code == 1 and "已被刘老师认领" in out["error"]
    assert (count(path, "wish_claims"), count(path, "donors"), count(path, "audit_log")) == before
    b = call(capsys, path, "wish", "add", "--child", hong, "--wish", "一双运动鞋", "--value", "150")[1]["wish"]
    call(capsys, path, "wish", "cancel", b, "--reason", "重复登记")
    before = (count(path, "donations"), count(path, "receipts"), count(path, "audit_log"))
    code, out = call(capsys, path, "wish", "fulfil", b, "--amount", "150")
    assert code == 1 and "已取消" in out["error"]
    assert (count(path, "donations"), count(path, "receipts"), count(path, "audit_log")) == before


def test_the_cap_and_the_contact_days_are_the_stations(station, capsys):
    path, (ming, *_) = station
    code, out = call(capsys, path, "wish", "config", "--cap", "500", "--claim-days", "10")
    assert code == 0 and (out["cap_fen"], out["claim_days"]) == (50000, 10)
    code, out = call(capsys, path, "wish", "add", "--child", ming, "--wish", "一台学习机", "--value", "450")
    assert code == 0
    call(capsys, path, "wish", "publish", out["wish"])
    code, out = call(capsys, path, "wish", "claim", out["wish"], "--donor", "刘老师")
    assert out["contact_by"] == (TODAY + dt.timedelta(days=10)).isoformat()
