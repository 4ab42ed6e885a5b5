"""A year of a small station replayed through the command line, then every fund's balance checked
against the reports as LibreOffice opens them: gifts in money and goods, a gift for one named child
paid to that child and refused for another, purchases, a grant out, a transfer, a void and a
reversed aid line."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from aid_population import Person, add_people, born, id_number
from soffice import convert, soffice

from app.cli import main
from app.db import Database
from app.funds import funds, journal
from app.programmes import distributions
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.station import accounts

YEAR = 2025


def run(db_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        who = [] if args[0] == "init" else ["--operator", "admin"]  # the administrator is made after init
        code = main(["--db", str(db_path), *who, *args, "--json"])
    return code, json.loads(out.getvalue())


def ok(db_path: Path, *args: str) -> dict[str, Any]:
    code, got = run(db_path, *args)
    assert code == 0, got
    return got


def rows(path: Path, sheet: int | str = 0) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def fen(value: Any) -> int:
    return round((value or 0) * 100)


def by_header(table: list[list[Any]]) -> list[dict[str, Any]]:
    return [dict(zip(table[0], r, strict=True)) for r in table[1:]]


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("year")
    path = root / "station.db"
    ok(path, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")
    db = Database.open(path)
    accounts.create_operator(db, accounts.SYSTEM, "admin", "张站长", "admin", "secret123")
    jan = dt.date(YEAR, 1, 10)
    child, other = id_number(born(9, jan)), id_number(born(10, jan))
    add_people(db, accounts.SYSTEM, [Person(f"老{i}", born(85, jan), ["高龄老人"]) for i in range(3)])
    recipients.add_recipient(db, accounts.SYSTEM, RecipientInput(name="王小明", id_number=child, village="东风村"))
    recipients.add_recipient(db, accounts.SYSTEM, RecipientInput(name="李小红", id_number=other, village="东风村"))
    db.close()

    ok(path, "fund", "create", "--name", "东风村冠名基金", "--kind", "named", "--opening", "2000",
       "--donor-name", "东风建材厂")
    ok(path, "fund", "create", "--name", "助学定向基金", "--kind", "directed")
    ok(path, "donate", "--donor", "张三明", "--amount", "5000", "--date", f"{YEAR}-01-05")
    ok(path, "donate", "--donor", "东风米业", "--goods", "大米,20,袋,60", "--date", f"{YEAR}-01-20")
    gift = ok(path, "donate", "--donor", "匿名爱心人士", "--donor-kind", "anonymous", "--amount", "3000",
              "--for-person", child, "--purpose", "治病", "--date", f"{YEAR}-02-01")
    ok(path, "donate", "--donor", "李四", "--amount", "4000", "--fund", "助学定向基金", "--date", f"{YEAR}-03-01")
    wrong = ok(path, "donate", "--donor", "王五", "--amount", "999", "--date", f"{YEAR}-03-02")
    ok(path, "donation", "void", wrong["receipt"]["number"], "--reason", "金额写错")
    refused = run(path, "pay", "--person", other, "--amount", "3000", "--from-gift", gift["receipt"]["number"])
    paid = ok(path, "pay", "--person", child, "--amount", "3000", "--from-gift", gift["receipt"]["number"],
              "--date", f"{YEAR}-02-10")
    ok(path, "spend", "--fund", "慈善基金（非定向）", "--amount", "800", "--payee", "东风粮油店",
       "--purpose", "购买大米", "--voucher", "记-2025-001", "--approver", "王刚", "--date", f"{YEAR}-04-01")
    ok(path, "spend", "--fund", "东风村冠名基金", "--amount", "1500", "--payee", "东风小学",
       "--purpose", "资助学校", "--voucher", "记-2025-002", "--date", f"{YEAR}-05-01")
    ok(path, "spend", "--fund", "助学定向基金", "--amount", "1000", "--payee", "东风小学",
       "--purpose", "资助学校", "--voucher", "记-2025-003", "--date", f"{YEAR}-09-01")
    ok(path, "transfer", "--from", "慈善基金（非定向）", "--to", "东风村冠名基金", "--amount", "1000",
       "--ref", "村委会〔2025〕3号", "--date", f"{YEAR}-06-01")
    ok(path, "programme", "create", "--name", "重阳敬老", "--fund", "慈善基金（非定向）", "--amount", "200",
       "--categories", "高龄老人")
    ok(path, "distribute", "--programme", "重阳敬老", "--date", f"{YEAR}-10-29", "--confirm")
    db = Database.open(path)
    line = db.scalar("SELECT id FROM disbursements ORDER BY line_no LIMIT 1")
    distributions.reverse_line(db, accounts.find_operator(db, "admin"), line, "重复登记")
    db.close()

    out = root / "out"
    out.mkdir()
    files = {"funds": out / "基金收支表.xlsx", "monthly": out / "年度报表.xlsx", "notice": out / "公示.xlsx"}
    ok(path, "export", "funds", "-o", str(files["funds"]), "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31")
    ok(path, "export", "monthly", "-o", str(files["monthly"]), "--year", str(YEAR))
    ok(path, "export", "notice", "-o", str(files["notice"]))
    for i, f in enumerate(ok(path, "fund", "list")["funds"]):
        files[f"ledger-{f['name']}"] = out / f"ledger{i}.xlsx"
        ok(path, "fund", "ledger", f["name"], "-o", str(files[f"ledger-{f['name']}"]))
    calc = root / "calc"
    convert(soffice(), list(files.values()), calc, root)
    return {"db": path, "calc": {k: calc / p.name for k, p in files.items()}, "refused": refused, "paid": paid}


def test_the_gift_for_one_child_went_to_that_child_only(station):
    code, refused = station["refused"]
    assert code == 1 and "王小明" in refused["error"] and "李小红" in refused["error"]
    assert station["paid"]["paid_fen"] == 3_000_00 and station["paid"]["gift_left_fen"] == 0


def test_every_fund_balance_agrees_with_the_reports_in_libreoffice(station):
    db = Database.open(station["db"])
    try:
        kept = {f.name: f for f in funds.list_funds(db)}
        assert journal.verify(db) == []
        general = kept["慈善基金（非定向）"]
        # 5000 in, 3000 for the child in and paid out, 800 rice, 1000 moved, 2 × 200 aid (one reversed)
        assert general.balance_fen == (5000 + 3000 - 3000 - 800 - 1000 - 400) * 100
        assert general.goods_fen == 20 * 60_00 and general.reserved_fen == 0
        assert kept["东风村冠名基金"].balance_fen == (2000 - 1500 + 1000) * 100
        school = kept["助学定向基金"]
        assert (school.balance_fen, school.reserved_fen) == (3000_00, 3000_00)

        statement = {r["基金"]: r for r in by_header(rows(station["calc"]["funds"])) if r["基金"] in kept}
        for name, f in kept.items():
            r = statement[name]
            # the statement counts goods at their value beside the money; the money is the fund's balance
            assert fen(r["期末余额（元）"]) == f.balance_fen + f.goods_fen, name
            assert fen(r["余额中的物资折价（元）"]) == f.goods_fen, name
            assert (fen(r["期初余额（元）"]) + fen(r["本期收入（元）"]) - fen(r["本期支出（元）"])
                    + fen(r["调入（元）"]) - fen(r["调出（元）"])) == fen(r["期末余额（元）"]), name
            ledger = rows(station["calc"][f"ledger-{name}"])
            body = [r for r in ledger[1:] if r[0] != "合计"]
            total = next(r for r in ledger if r[0] == "合计")
            assert fen(body[-1][6]) == f.balance_fen, name  # the running balance ends at the fund's balance
            assert fen(total[4]) - fen(total[5]) == f.balance_fen, name
            assert fen(body[-1][8]) == f.goods_fen, name
        assert fen(statement["慈善基金（非定向）"]["其中其他支出（元）"]) == 800_00
        assert fen(statement["慈善基金（非定向）"]["其中定向拨付（元）"]) == 3000_00
        assert fen(statement["东风村冠名基金"]["调入（元）"]) == fen(statement["慈善基金（非定向）"]["调出（元）"]) == 1000_00

        monthly = rows(station["calc"]["monthly"])
        total = dict(zip(monthly[0], next(r for r in monthly if r[0] == "合计"), strict=True))
        assert fen(total["其他支出（元）"]) == (800 + 1500 + 1000 + 3000) * 100
        assert fen(total["救助支出（元）"]) == 400_00  # three at 200, one line reversed
        assert fen(total["收支差额（元）"]) == fen(total["捐赠收入（元）"]) - 400_00 - fen(total["其他支出（元）"])
        moved = rows(station["calc"]["monthly"], "基金调拨")
        assert sum(fen(r[-2]) for r in moved[1:] if r[0] != "合计") == 0  # transfers cancel out

        purposes = {r[0]: fen(r[2]) for r in rows(station["calc"]["notice"], "支出按用途")[1:] if r[0] != "合计"}
        assert purposes == {"资助学校": 2500_00, "购买大米": 800_00}
        money_total = sum(f.balance_fen for f in kept.values())
        assert money_total == (5000 + 3000 + 2000 + 4000 - 3000 - 800 - 1500 - 1000 - 400) * 100
    finally:
        db.close()
