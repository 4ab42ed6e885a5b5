"""Reports (issue 8): donation and aid ledgers, the fund statement and the public notice (公示),
read back with openpyxl and checked against the database's own figures."""

import datetime as dt
import json
import re

import openpyxl
import pytest
from report_book import build_book

from app.cli import main
from app.donations import receipts
from app.funds import funds
from app.programmes import distributions
from app.reports.donation_ledger import export_donations
from app.reports.period import Period


@pytest.fixture
def book(db, admin):
    """A small station year (tests/app/report_book.py): a voided gift, one aid day with a reversed line."""
    return build_book(db, admin)


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def export(capsys, db, kind, path, *extra):
    code, out, _ = run(capsys, "--db", db.path, "export", kind, "-o", path, "--json", *extra)
    assert code == 0, out
    assert len(out.strip().splitlines()) == 1  # exactly one JSON object
    return json.loads(out)


def table(path):
    wb = openpyxl.load_workbook(path)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert total[0] == "合计"
    return wb, header, [dict(zip(header, r, strict=True)) for r in body], dict(zip(header, total, strict=True))


def about(wb):
    return dict(wb["说明"].iter_rows(values_only=True))


def yuan(fen):
    return round(fen / 100, 2)


def all_text(wb):
    return " ".join(str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v)


# ---------- donations ----------
def test_donation_ledger_lists_voided_but_totals_exclude_them(db, book, tmp_path, capsys):
    out = tmp_path / "捐赠台账.xlsx"
    result = export(capsys, db, "donations", out)
    assert result["kind"] == "donations" and result["rows"] == 6
    valid = db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'")
    assert valid == 1_550_50
    assert result["totals"] == {"金额（分）": valid} and result["voided"] == 1 and result["voided_fen"] == 500_00
    wb, header, rows, total = table(out)
    assert wb.sheetnames == ["捐赠台账", "说明"]
    assert header[:3] == ["捐赠日期", "收据编号", "捐赠人"] and "作废" in header and "经办人" in header
    assert total["金额（元）"] == yuan(valid)  # a value, not a formula
    assert sum(r["金额（元）"] or 0 for r in rows if r["作废"] is None) == pytest.approx(yuan(valid))
    voided = [r for r in rows if r["作废"] == "作废"]
    assert len(voided) == 1 and voided[0]["金额（元）"] == 500 and voided[0]["作废原因"] == "金额录错"
    assert [r["捐赠日期"] for r in rows] == sorted(r["捐赠日期"] for r in rows)
    zhang = rows[0]
    assert zhang["捐赠人"] == "张三明" and zhang["捐赠日期"] == dt.datetime(2024, 1, 10)
    assert zhang["收据编号"] == receipts.receipt_for_donation(db, book["gifts"]["zhang"].id).number
    assert zhang["捐赠类型"] == "现金" and zhang["基金"] == funds.default_fund(db).name
    assert rows[1]["捐赠类型"] == "微信"
    goods = next(r for r in rows if r["捐赠人"] == "东风农资有限公司")
    assert goods["捐赠类型"] == "物资" and goods["物资明细"] == "大米 20袋" and goods["金额（元）"] == 0
    school = rows[-1]
    assert "欧阳娜娜" in school["用途"] and school["基金"] == "助学定向基金" and school["定向"] == "定向"
    assert {r["定向"] for r in rows[:-1]} == {None}  # the rest went to the general and the named fund
    ws = wb.worksheets[0]
    assert ws.cell(2, header.index("金额（元）") + 1).number_format == "#,##0.00"
    assert ws.cell(len(rows) + 2, header.index("金额（元）") + 1).data_type == "n"
    notes = about(wb)
    assert "不计入合计" in notes["合计口径"] and "作废" in notes["合计口径"]
    assert notes["合计：金额（元）"] == 1550.5


def test_donation_ledger_period_and_mask(db, book, tmp_path, capsys):
    out = tmp_path / "q1.xlsx"
    result = export(capsys, db, "donations", out, "--from", "2024-02-01", "--to", "2024-03-01", "--mask")
    assert result["period"] == {"from": "2024-02-01", "to": "2024-03-01"}
    expected = db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'"
                         " AND donated_on BETWEEN '2024-02-01' AND '2024-03-01'")
    assert result["rows"] == 3 and result["totals"]["金额（分）"] == expected == 250_50
    wb, _, rows, total = table(out)
    assert total["金额（元）"] == yuan(expected)
    assert [r["捐赠人"] for r in rows] == ["王*", "王*", "匿名爱心人士"]
    assert about(wb)["统计期间"] == "2024-02-01 至 2024-03-01"
    code, stdout, _ = run(capsys, "--db", db.path, "export", "donations", "-o", tmp_path / "m.xlsx", "--mask",
                          "--json")
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    text = all_text(wb)
    assert "张三明" not in text and "欧阳娜娜" not in text and "欧**娜" in text
    assert "张*明" in text and "东风农资有限公司" in text


def test_donation_ledger_streams_to_the_writer(db, book, tmp_path, monkeypatch):
    """Rows go to the writer as an iterator (never a list) and the function agrees with the CLI."""
    import app.reports.donation_ledger as ledger

    seen = {}
    real = ledger.write_table

    def spy(path, report, columns, rows, **kw):
        seen["type"] = type(rows)
        return real(path, report, columns, rows, **kw)

    monkeypatch.setattr(ledger, "write_table", spy)
    written, s = export_donations(db, tmp_path / "x.xlsx", Period(dt.date(2024, 3, 1)))
    assert not isinstance(seen["type"], list) and seen["type"].__name__ == "generator"
    assert written.rows == 3 and written.totals["金额（元）"] == s["valid_fen"] == 350_00


# ---------- disbursements ----------
def test_disbursement_ledger_counts_live_lines_only(db, book, tmp_path, capsys):
    out = tmp_path / "发放台账.xlsx"
    result = export(capsys, db, "disbursements", out)
    live = db.scalar("SELECT sum(amount_fen) FROM disbursements WHERE status IN"
                     " ('pending', 'signed', 'paid', 'proxy')")
    assert live == 200_00 and result["rows"] == 3 and result["totals"]["金额（分）"] == live
    assert result["live_fen"] == live == distributions.get_distribution(db, book["distribution"].id).total_fen
    wb, header, rows, total = table(out)
    assert total["金额（元）"] == yuan(live)
    by_name = {r["姓名"]: r for r in rows}
    assert by_name["赵六"]["领取状态"] == "已冲销" and by_name["赵六"]["计入合计"] == "否"
    assert "重复发放" in by_name["赵六"]["备注"]
    assert by_name["欧阳娜娜"]["代领人"] == "欧阳大山" and by_name["欧阳娜娜"]["计入合计"] == "是"
    assert by_name["李四海"]["身份证号"] == book["people"][0].id_number
    assert by_name["李四海"]["发放日期"] == dt.datetime(2024, 3, 10) and by_name["李四海"]["基金"] == "东风村冠名基金"
    assert "已冲销" in about(wb)["合计口径"]


def test_disbursement_ledger_mask_and_period(db, book, tmp_path, capsys):
    out = tmp_path / "m.xlsx"
    export(capsys, db, "disbursements", out, "--mask")
    wb = openpyxl.load_workbook(out)
    text = all_text(wb)
    for p in book["people"]:
        assert p.name not in text and p.id_number not in text
    assert "欧阳大山" not in text and "欧**山" in text and "3703**********" in text
    result = export(capsys, db, "disbursements", tmp_path / "none.xlsx", "--from", "2024-03-11")
    assert result["rows"] == 0 and result["totals"]["金额（分）"] == 0


# ---------- funds ----------
def test_fund_statement_all_time_equals_fund_balances(db, book, tmp_path, capsys):
    out = tmp_path / "基金.xlsx"
    result = export(capsys, db, "funds", out)
    wb, header, rows, total = table(out)
    view = {r["name"]: r for r in db.query(
        "SELECT f.name, f.kind, b.* FROM funds f JOIN fund_balances b ON b.fund_id = f.id")}
    assert len(rows) == len(view) == result["rows"] == 3
    for r in rows:
        v = view[r["基金"]]
        assert r["期初余额（元）"] == yuan(v["opening_fen"])
        assert r["本期收入（元）"] == yuan(v["received_fen"])
        assert r["本期支出（元）"] == yuan(v["paid_fen"])
        assert r["期末余额（元）"] == yuan(v["balance_fen"])
    assert [r["类型"] for r in rows] == ["非定向", "冠名基金", "定向"]  # directed funds last
    assert rows[-1]["其中定向捐赠（元）"] == 300
    assert total["期末余额（元）"] == yuan(sum(v["balance_fen"] for v in view.values()))
    assert total["本期收入（元）"] == yuan(db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'"))
    named = next(f for f in result["funds"] if f["name"] == "东风村冠名基金")
    assert named["paid_fen"] == 200_00 and named["closing_fen"] == 1_000_00 + 200_50 - 200_00
    assert "定向" in about(wb)["定向资金"]


def test_fund_statement_says_how_much_is_goods_and_what_is_directed(db, admin, book, tmp_path, capsys):
    """Goods count at their value: the statement says how much of the income and of the balance is
    goods, not money to spend. Everything given into a directed fund is 定向."""
    from app.donations import donations, donors
    from app.donations.donations import DonationInput, GoodsLine

    general, named, directed = book["funds"]
    firm = donors.create_donor(db, admin, "enterprise", "红星粮油有限公司")
    for on, fund in ((dt.date(2024, 2, 2), named), (dt.date(2024, 5, 5), named)):
        donations.record_donation(db, admin, DonationInput(firm.id, on, method=None, fund_id=fund.id,
                                  goods=[GoodsLine("食用油", "10", "桶", 120_00)]), today=dt.date(2024, 12, 31))
    donations.record_donation(db, admin, DonationInput(firm.id, dt.date(2024, 5, 6), amount_fen=80_00, method="bank",
                              fund_id=directed.id), today=dt.date(2024, 12, 31))
    # the oil handed out in June as goods packs (100 元 each) leaves the fund's goods, not its money
    from app.programmes import programmes as progs
    from app.programmes.programmes import ProgrammeInput

    pack = progs.create_programme(db, admin, ProgrammeInput("端午送油", named.id, kind="goods", amount_fen=100_00,
                                                            goods="食用油 1 桶"))
    distributions.distribute(db, admin, pack.id, dt.date(2024, 6, 10), today=dt.date(2024, 12, 31))
    handed = db.scalar("SELECT sum(amount_fen) FROM fund_outflows WHERE fund_id = ? AND paid_on = '2024-06-10'",
                       (named.id,))
    assert handed == 100_00 * len(book["people"])  # one pack each
    result = export(capsys, db, "funds", tmp_path / "f.xlsx", "--from", "2024-04-01", "--to", "2024-06-30")
    _, _, rows, total = table(tmp_path / "f.xlsx")
    by = {r["基金"]: r for r in rows}
    assert by[named.name]["其中物资折价（元）"] == 1200  # May's oil, not February's
    assert by[named.name]["余额中的物资折价（元）"] == yuan(2400_00 - handed)  # both, less what went out
    assert by[directed.name]["其中定向捐赠（元）"] == by[directed.name]["本期收入（元）"] == 300 + 80
    assert by[general.name]["其中定向捐赠（元）"] == 0
    assert total["余额中的物资折价（元）"] == yuan(2400_00 - handed)
    assert result["totals"]["其中物资折价（分）"] == 1200_00


def test_fund_statement_period_opening_carries_earlier_money(db, book, tmp_path, capsys):
    result = export(capsys, db, "funds", tmp_path / "q2.xlsx", "--from", "2024-03-01", "--to", "2024-03-31")
    by = {f["name"]: f for f in result["funds"]}
    general = by[funds.default_fund(db).name]
    assert general["opening_fen"] == 1_000_00 and general["received_fen"] == 50_00  # the voided gift: neither
    named = by["东风村冠名基金"]
    assert (named["opening_fen"], named["received_fen"], named["paid_fen"]) == (1_200_50, 0, 200_00)
    assert by["助学定向基金"]["received_fen"] == 0
    for f in result["funds"]:
        assert f["closing_fen"] == f["opening_fen"] + f["received_fen"] - f["paid_fen"]
        fund = funds.get_fund(db, f["id"])
        later = db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM donations WHERE fund_id = ?"
                          " AND status = 'active' AND donated_on > '2024-03-31'", (f["id"],))
        assert f["closing_fen"] + later == fund.balance_fen


# ---------- notice ----------
def test_notice_masks_every_name_and_id(db, book, tmp_path, capsys):
    out = tmp_path / "公示.xlsx"
    result = export(capsys, db, "notice", out)
    wb, header, rows, total = table(out)
    income = db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'")
    aid = db.scalar("SELECT sum(amount_fen) FROM disbursements WHERE status IN ('pending','signed','paid','proxy')")
    assert total["收入（元）"] == yuan(income) and total["支出（元）"] == yuan(aid)
    assert result["in_fen"] == income and result["out_fen"] == aid
    assert result["totals"] == {"收入（分）": income, "支出（分）": aid}
    assert len(rows) == 5 + 2  # no voided gift, no reversed line
    names = [r["捐赠人 / 受助人"] for r in rows]
    assert names[:5] == ["张*明", "王*", "匿名爱心人士", "东风农资有限公司", "张*明"]
    assert sorted(names[5:]) == sorted(["李*海", "欧**娜"])
    assert [r["收支"] for r in rows] == ["收入"] * 5 + ["支出"] * 2
    for r in rows[5:]:
        assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", r["身份证号"])
    text = all_text(wb)
    for p in book["people"]:
        assert p.name not in text and p.id_number not in text
    for d in book["donors"][:2]:
        assert d.name not in text
    assert "赵" not in text and "欧阳大山" not in text and "13812345678" not in text
    assert "资助欧阳娜娜上学" not in text  # free text is not published
    assert "脱敏" in about(wb)


def test_notice_period(db, book, tmp_path, capsys):
    result = export(capsys, db, "notice", tmp_path / "3月.xlsx", "--from", "2024-03-01", "--to", "2024-03-31")
    assert result["in_fen"] == 50_00 and result["out_fen"] == 200_00 and result["rows"] == 2 + 2


# ---------- the commands ----------
@pytest.mark.parametrize("kind", ["donations", "disbursements", "funds", "notice"])
def test_bad_dates_refused_with_one_json_object(db, book, tmp_path, capsys, kind):
    out = tmp_path / "x.xlsx"
    code, stdout, _ = run(capsys, "--db", db.path, "export", kind, "-o", out, "--from", "2024-13-01", "--json")
    assert code != 0 and len(stdout.strip().splitlines()) == 1
    assert json.loads(stdout)["reason"] == "bad_date" and not out.exists()
    assert "没有这一天" in json.loads(stdout)["error"]  # 2024-13-01 is written right but does not exist
    code, stdout, _ = run(capsys, "--db", db.path, "export", kind, "-o", out, "--from", "1 May", "--json")
    assert code == 1 and "YYYY-MM-DD" in json.loads(stdout)["error"]
    code, stdout, _ = run(capsys, "--db", db.path, "export", kind, "-o", out, "--from", "2024-05-01",
                          "--to", "2024-04-01", "--json")
    assert code != 0 and "error" in json.loads(stdout) and not out.exists()
    code, stdout, _ = run(capsys, "--db", db.path, "export", kind, "-o", out)  # for people: one line
    assert code == 0 and str(out) in stdout and out.exists()


@pytest.mark.parametrize("kind", ["donations", "disbursements", "funds", "notice"])
def test_a_period_to_the_last_day_there_is_counts_everything(db, book, tmp_path, capsys, kind):
    """--to 9999-12-31 (a clerk's 'no end') must not crash on the day after it."""
    wide = export(capsys, db, kind, tmp_path / "wide.xlsx", "--from", "0001-01-01", "--to", "9999-12-31")
    everything = export(capsys, db, kind, tmp_path / "all.xlsx")
    assert wide["rows"] == everything["rows"] and wide["totals"] == everything["totals"]


@pytest.mark.parametrize("year", ["1900", "9999"])
def test_annual_report_at_the_edges_of_the_calendar(db, book, tmp_path, capsys, year):
    result = export(capsys, db, "monthly", tmp_path / "y.xlsx", "--year", year)
    assert result["year"] == int(year) and result["received_fen"] == 0


def test_empty_station_exports_have_zero_totals(db, tmp_path, capsys):
    for kind in ("donations", "disbursements", "notice"):
        result = export(capsys, db, kind, tmp_path / f"{kind}.xlsx")
        assert result["rows"] == 0 and set(result["totals"].values()) == {0}
        layout = about(openpyxl.load_workbook(tmp_path / f"{kind}.xlsx"))["表格说明"]
        assert "本期没有记录" in layout and "第 2–1" not in layout and "第 2 行是合计" in layout


def test_writer_in_total_leaves_rows_out_of_the_total_only(tmp_path):
    from app.excel import Column, Report, write_table

    cols = [Column("名称"), Column("金额（元）", "money", total=True), Column("作废")]
    rows = [["甲", 100_00, None], ["乙", 50_00, "作废"], ["丙", 1, None]]
    written = write_table(tmp_path / "t.xlsx", Report("测试", "站"), cols, iter(rows),
                          in_total=lambda r: r[2] is None)
    assert written.rows == 3 and written.totals == {"金额（元）": 100_01}
    data = [list(r) for r in openpyxl.load_workbook(written.path).worksheets[0].iter_rows(values_only=True)]
    assert data[2] == ["乙", 50, "作废"] and data[-1] == ["合计", 100.01, None]


def test_json_totals_name_money_in_fen_sheet_by_sheet(tmp_path):
    """--json money totals are fen and say so (（分）); a count with the same header on another
    sheet stays a count."""
    from app.excel import Column, Report, write_table
    from app.excel.writer import Table

    cols = [Column("名称"), Column("金额（元）", "money", total=True), Column("人次", "int", total=True)]
    other = Table("汇总", [Column("村"), Column("金额（元）", "int", total=True)], [["东风村", 3]])
    written = write_table(tmp_path / "t.xlsx", Report("测试", "站"), cols, [["甲", 12_34, 2]], tables=[other])
    out = written.to_dict()
    assert out["totals"] == {"金额（分）": 12_34, "人次": 2}
    assert out["tables"] == {"汇总": {"rows": 1, "totals": {"金额（元）": 3}}}


def test_mask_is_offered_only_where_there_are_names(db, book, tmp_path, capsys):
    """The fund statement and the annual report hold no names: --mask there is a usage error,
    not a flag silently ignored; the notice takes it (it is always masked anyway)."""
    for kind in ("funds", "monthly"):
        code, _, err = run(capsys, "--db", db.path, "export", kind, "-o", tmp_path / "x.xlsx", "--mask")
        assert code == 2 and "--mask" in err and not (tmp_path / "x.xlsx").exists()
    assert export(capsys, db, "notice", tmp_path / "n.xlsx", "--mask")["masked"] is True
    assert export(capsys, db, "donations", tmp_path / "d.xlsx", "--mask")["masked"] is True
