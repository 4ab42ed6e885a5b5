"""A season of the store replayed through the command line (goods gifts, a purchase, a goods
distribution, hand-outs, a write-off, a partial count with a difference); every item's stock from
`goods stock` must equal the goods ledger (物资台账) once LibreOffice has opened and saved it."""

import datetime as dt
import json
from decimal import Decimal

import openpyxl
from aid_population import Person, add_people, born
from soffice import convert, soffice

from app.cli import main
from app.db import Database
from app.programmes import distributions, programmes
from app.programmes.programmes import ProgrammeInput
from app.station import accounts

D = dt.date(2026, 3, 1)


def text(value: object) -> str:
    """A number as LibreOffice gave it back (20 or 20.0) as the CLI prints it ("20")."""
    return format(Decimal(str(value)).normalize(), "f")


def run(capsys, path, *args):
    code = main(["--db", str(path), "--json", *map(str, args)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    return out


def test_a_season_of_goods_matches_the_ledger_in_libreoffice(tmp_path, capsys):
    office = soffice()
    db_path = tmp_path / "station.db"
    run(capsys, db_path, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")
    db = Database.open(db_path)
    add_people(db, accounts.SYSTEM, [Person(n, born(75, D), ["低保户"], household=n)
                                     for n in ("王大爷", "李奶奶", "张大妈", "赵大伯")])
    widow = db.scalar("SELECT id_number FROM recipients WHERE name = '李奶奶'")
    db.close()
    # Goods gifts, and money for a purchase.
    run(capsys, db_path, "donate", "--donor", "东风粮油公司", "--goods", "米,40,袋,5000", "--goods", "油,12,桶,6000",
        "--date", "2026-01-05")
    run(capsys, db_path, "donate", "--donor", "县教育基金会", "--goods", "书包,30,个", "--date", "2026-01-06")
    run(capsys, db_path, "donate", "--donor", "张三", "--amount", "2000", "--date", "2026-01-06")
    run(capsys, db_path, "spend", "--fund", "慈善基金（非定向）", "--amount", "450", "--payee", "东风粮油店",
        "--purpose", "购买面粉", "--voucher", "记-2026-003", "--date", "2026-01-10")
    run(capsys, db_path, "goods", "in", "--item", "面粉", "--quantity", "15", "--unit", "袋", "--value", "450",
        "--voucher", "记-2026-003", "--date", "2026-01-11")
    # A goods distribution: four households, 5 bags of rice and a tin of oil each.
    db = Database.open(db_path)
    general = db.scalar("SELECT id FROM funds WHERE is_default = 1")
    programmes.create_programme(db, accounts.SYSTEM, ProgrammeInput("春节米油", general, kind="goods",
                                                                   goods="米 5 袋、油 1 桶"))
    db.close()
    dist = run(capsys, db_path, "distribute", "--programme", "春节米油", "--date", "2026-01-20", "--confirm")
    stock = {(s["item"], s["unit"]): s for s in run(capsys, db_path, "goods", "stock")["items"]}
    assert (stock[("米", "袋")]["quantity"], stock[("米", "袋")]["allocated"]) == ("40", "20")
    db = Database.open(db_path)
    lines = [r[0] for r in db.tuples("SELECT id FROM disbursements ORDER BY line_no")]
    db.close()
    assert len(lines) == 4 and dist
    # Hand-outs: three lines signed, one not collected; single hand-outs to a person and a school.
    db = Database.open(db_path)
    for lid in lines[:3]:
        distributions.mark_line(db, accounts.SYSTEM, lid, "signed")
    distributions.mark_line(db, accounts.SYSTEM, lines[3], "not_collected")
    db.close()
    run(capsys, db_path, "goods", "out", "--item", "米", "--quantity", "2", "--unit", "袋", "--to", widow,
        "--date", "2026-02-01")
    run(capsys, db_path, "goods", "out", "--item", "书包", "--quantity", "25", "--unit", "个", "--to", "东风小学",
        "--date", "2026-02-20")
    run(capsys, db_path, "goods", "out", "--item", "面粉", "--quantity", "5", "--unit", "袋", "--to", "慈善超市货架",
        "--date", "2026-02-21")
    # A write-off, and a partial count that finds one tin of oil missing (rice and bags not counted).
    run(capsys, db_path, "goods", "out", "--item", "米", "--quantity", "3", "--unit", "袋", "--writeoff", "受潮霉变",
        "--date", "2026-02-25")
    counted = run(capsys, db_path, "goods", "count", "--item", "油", "--unit", "桶", "--counted", "8",
                  "--reason", "一桶漏油报废未登记", "--date", "2026-02-28")
    assert counted["difference"] == "-1"

    expected = {("米", "袋"): "20", ("油", "桶"): "8", ("书包", "个"): "5", ("面粉", "袋"): "10"}
    stock = {(s["item"], s["unit"]): s for s in run(capsys, db_path, "goods", "stock")["items"]}
    assert {k: s["quantity"] for k, s in stock.items()} == expected
    assert all(s["allocated"] == "0" for s in stock.values())
    before = run(capsys, db_path, "goods", "stock", "--on", "2026-01-31")["items"]
    assert {(s["item"], s["quantity"]) for s in before} >= {("米", "25"), ("油", "9"), ("书包", "30")}

    xlsx = tmp_path / "物资台账.xlsx"
    run(capsys, db_path, "goods", "ledger", "-o", xlsx)
    convert(office, [xlsx], tmp_path / "out", tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "out" / xlsx.name, data_only=True)
    summary = {(r[0], r[1]): r for r in wb["结存汇总"].iter_rows(min_row=2, values_only=True) if r[0] != "合计"}
    assert {k: text(r[5]) for k, r in summary.items()} == expected
    assert summary[("米", "袋")][3] == 40 and summary[("米", "袋")][4] == 20  # out: 15 handed out on the day, 2, 3 written off
    last: dict[tuple[str, str], object] = {}
    for row in wb["物资台账"].iter_rows(min_row=2, values_only=True):
        if row[0] and row[1]:
            last[(row[0], row[1])] = row[7]
    assert {k: text(v) for k, v in last.items()} == expected
    kinds = {row[3] for row in wb["物资台账"].iter_rows(min_row=2, values_only=True)}
    assert {"捐赠入库", "采购入库", "项目发放", "发放出库", "报损", "盘点"} <= kinds
