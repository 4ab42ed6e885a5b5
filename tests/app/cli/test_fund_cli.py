"""Money on the command line: the names and JSON keys of donate --for-person, pay, spend, transfer,
fund list|ledger|close; a refusal is one JSON object with `error`, exit 1, nothing written."""

import datetime as dt
import json

import openpyxl
import pytest
from aid_population import Person, add_people, born

from app.cli import main
from app.db import Database
from app.station import accounts


def call(capsys, db, *args):
    code = main(["--db", str(db), *map(str, args), "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out)


@pytest.fixture
def station(tmp_path, capsys):
    path = tmp_path / "t.db"
    assert call(capsys, path, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")[0] == 0
    db = Database.open(path)
    ids = add_people(db, accounts.SYSTEM, [Person("王小明", born(9, dt.date(2026, 1, 1)), ["困境儿童"]),
                                           Person("李小红", born(8, dt.date(2026, 1, 1)), ["困境儿童"])])
    numbers = [db.scalar("SELECT id_number FROM recipients WHERE id = ?", (i,)) for i in ids]
    db.close()
    return path, numbers


def journal_rows(path):
    db = Database.open(path)
    try:
        return db.scalar("SELECT count(*) FROM fund_journal")
    finally:
        db.close()


def test_money_for_one_child_on_the_command_line(station, capsys, tmp_path):
    path, (child, other) = station
    code, gift = call(capsys, path, "donate", "--donor", "匿名爱心人士", "--donor-kind", "anonymous",
                      "--amount", "20000", "--for-person", child)
    assert code == 0 and gift["receipt"]["number"].startswith("ST01-")
    code, funds = call(capsys, path, "fund", "list")
    general = funds["funds"][0]
    assert {k: general[k] for k in ("received_fen", "paid_fen", "balance_fen", "reserved_fen", "goods_fen")} == {
        "received_fen": 2_000_000, "paid_fen": 0, "balance_fen": 2_000_000, "reserved_fen": 2_000_000,
        "goods_fen": 0}
    before = journal_rows(path)
    code, refused = call(capsys, path, "pay", "--person", other, "--amount", "100")
    assert code == 1 and "定向给王小明" in refused["error"] and refused["reason"] == "reserved"
    assert journal_rows(path) == before
    code, paid = call(capsys, path, "pay", "--person", child, "--amount", "20000")  # no --fund: the general fund
    assert code == 0 and paid["paid_fen"] == 2_000_000 and paid["fund"] == "慈善基金（非定向）"
    code, ledger = call(capsys, path, "fund", "ledger", "慈善基金（非定向）", "-o", tmp_path / "账.xlsx")
    assert code == 0 and [ln["kind"] for ln in ledger["lines"]] == ["gift", "payment"]
    assert ledger["lines"][-1]["balance_fen"] == 0
    ws = openpyxl.load_workbook(tmp_path / "账.xlsx").worksheets[0]
    assert [c.value for c in ws[1]][:3] == ["日期", "类别", "摘要"]


def test_spend_transfer_close_and_their_refusals(station, capsys):
    path, _ = station
    assert call(capsys, path, "fund", "create", "--name", "东风村冠名基金", "--opening", "1000")[0] == 0
    code, s = call(capsys, path, "spend", "--fund", "东风村冠名基金", "--amount", "300", "--payee", "东风小学",
                   "--purpose", "资助学校", "--voucher", "记-001", "--approver", "王刚", "--date", "2026-01-05")
    assert code == 0 and s["spending"]["voucher"] == "记-001" and s["fund_after"]["balance_fen"] == 700_00
    before = journal_rows(path)
    for args, words in [
        (("spend", "--fund", "东风村冠名基金", "--amount", "1", "--payee", "店", "--purpose", "买米", "--voucher",
          "记-001"), "凭证号“记-001”已经用过"),
        (("spend", "--fund", "东风村冠名基金", "--amount", "701", "--payee", "店", "--purpose", "买米", "--voucher",
          "记-002"), "还差 ¥1.00"),
        (("transfer", "--from", "东风村冠名基金", "--to", "东风村冠名基金", "--amount", "1", "--ref", "会议"),
         "不能调拨给自己"),
        (("fund", "close", "东风村冠名基金"), "还有钱款 ¥700.00"),
    ]:
        code, got = call(capsys, path, *args)
        assert code == 1 and words in got["error"], got
    assert journal_rows(path) == before
    code, back = call(capsys, path, "reverse-spending", "记-001", "--reason", "凭证作废")
    assert code == 0 and back["spending"]["status"] == "reversed" and back["fund_after"]["balance_fen"] == 1000_00
    code, again = call(capsys, path, "reverse-spending", "记-001", "--reason", "再来")
    assert code == 1 and "已经冲销" in again["error"]
    call(capsys, path, "spend", "--fund", "东风村冠名基金", "--amount", "300", "--payee", "东风小学",
         "--purpose", "资助学校", "--voucher", "记-003")
    code, t = call(capsys, path, "transfer", "--from", "东风村冠名基金", "--to", "慈善基金（非定向）", "--amount", "700",
                   "--ref", "村委会〔2026〕3号")
    assert code == 0 and t["transfer"]["amount_fen"] == 700_00 and t["to"] == "慈善基金（非定向）"
    code, closed = call(capsys, path, "fund", "close", "东风村冠名基金")
    assert code == 0 and closed["fund"]["status"] == "closed"
    code, check = call(capsys, path, "check")
    assert code == 0 and check["ok"]
