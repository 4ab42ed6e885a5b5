"""Past aid brought in from last year's sign-off lists counts for the not-again rule at once."""

import datetime as dt
import json

import openpyxl
import pytest
from aid_population import Person, add_people, born, names

from app.cli import main
from app.errors import PermissionDenied
from app.funds import funds
from app.imports.disbursements import import_file
from app.programmes import distributions, eligibility, programmes
from app.programmes.eligibility import explain_excluded
from app.programmes.programmes import ProgrammeInput, Rules
from app.rules.idcard import check_char

TODAY = dt.date(2026, 11, 22)
ON = dt.date(2026, 1, 15)


def write_list(path, rows, *, title="2025年福彩暖冬发放签收表", header=None):
    """A sign-off list as stations keep them: a title, a header, the rows, a total and a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.append(header or ["序号", "地区/村", "姓名", "身份证号", "类别", "金额（元）", "领取人签字（手印）", "备注"])
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    ws.append(["合计", "", "", "", "", sum(r[4] for r in rows if isinstance(r[4], (int, float))), "", ""])
    ws.append(["制表人：李四", "", "审核人：王五"])
    wb.save(path)
    return path


@pytest.fixture
def setting(db, admin):
    people = [Person(n, born(70, ON), ["特困供养"], household=f"h{i}") for i, n in enumerate(names("冬", 12))]
    ids = add_people(db, admin, people)
    fund = funds.create_fund(db, admin, "暖冬基金", "named", 100_000_00)
    p = programmes.create_programme(db, admin, ProgrammeInput(
        "福彩暖冬", fund.id, amount_fen=1000_00,
        rules=Rules(categories=("特困供养",), one_per_household=True, not_aided_since=2000)))
    numbers = dict(db.query("SELECT name, id_number FROM recipients"))
    return p, fund, ids, numbers


def stranger_id():
    body = "37030319500101" + "999"
    return body + check_char(body)


def test_last_years_list_counts_for_the_not_again_rule(db, admin, setting, tmp_path):
    p, fund, _, numbers = setting
    rows = [["东风村", n, numbers[n], "特困供养", 1000, "", ""] for n in ("冬一", "冬二", "冬三")]
    rows.append(["东风村", "外来人", stranger_id(), "特困供养", 1000, "", "新迁入"])
    rows.append(["东风村", "冬四", "", "特困供养", 1000, "", "没有身份证号，按姓名找到"])
    path = write_list(tmp_path / "2025暖冬.xlsx", rows)
    before = fund.balance_fen
    result = import_file(db, admin, path, programme="福彩暖冬", on=dt.date(2025, 1, 10), today=TODAY)
    assert not result.refused, result.to_dict()
    assert result.imported == 4 and result.skipped == 2  # the 合计 row and the footer
    assert [u["name"] for u in result.details["unregistered"]] == ["外来人"]
    assert "1 人尚未登记" in result.message
    assert funds.get_fund(db, fund.id).balance_fen == before  # history only: no money moves
    assert programmes.spent_fen(db, p.id) == 0
    plan = eligibility.plan(db, p.id, ON)
    assert plan.people == 8
    why = {c.name: c.reasons for c in explain_excluded(db, plan)}
    assert why["冬一"] == ("2025 年已受助（2025-01-10）",) and why["冬四"] == ("2025 年已受助（2025-01-10）",)
    d = distributions.list_distributions(db, p.id)[0]
    assert (d.origin, d.status, d.people, d.total_fen, d.fund_id) == ("import", "confirmed", 4, 4000_00, None)
    assert distributions.lines(db, d.id)[0].reason.startswith("导入：2025暖冬.xlsx 第 3 行")
    # the same list again: nothing doubles
    again = import_file(db, admin, path, programme="福彩暖冬", on=dt.date(2025, 1, 10), today=TODAY)
    assert (again.imported, again.duplicates) == (0, 4)
    assert db.scalar("SELECT count(*) FROM disbursements") == 4


def test_programme_and_date_columns_in_the_file(db, admin, setting, tmp_path):
    p, _, _, numbers = setting
    path = write_list(tmp_path / "历年.xlsx", [
        ["东风村", "冬五", numbers["冬五"], "特困供养", 1000, "2024年1月", "福彩暖冬", ""],
        ["东风村", "冬六", numbers["冬六"], "特困供养", 800, "2025-01-08", "福彩暖冬", ""],
    ], header=["序号", "地区/村", "姓名", "身份证号", "类别", "金额", "发放日期", "救助项目", "备注"])
    result = import_file(db, admin, path, today=TODAY)
    assert result.imported == 2 and not result.errors
    dates = sorted(d.distributed_on for d in distributions.list_distributions(db, p.id))
    assert dates == ["2024-01-01", "2025-01-08"]
    line = [ln for d in distributions.list_distributions(db, p.id) for ln in distributions.lines(db, d.id)
            if ln.name == "冬五"][0]
    assert "只写到月" in line.reason


def test_bad_rows_refuse_the_whole_list(db, admin, setting, tmp_path):
    p, _, _, numbers = setting
    bad_id = numbers["冬一"][:-1] + ("0" if numbers["冬一"][-1] != "0" else "1")
    path = write_list(tmp_path / "错.xlsx", [
        ["东风村", "冬一", bad_id, "特困供养", 1000, "", ""],
        ["东风村", "冬二", numbers["冬二"], "特困供养", 1000, "", ""],
        ["东风村", "冬二", numbers["冬二"], "特困供养", 1000, "", ""],
    ])
    result = import_file(db, admin, path, programme="福彩暖冬", on=dt.date(2025, 1, 10), today=TODAY,
                         report=tmp_path / "错误报告.xlsx")
    assert result.refused and result.imported == 0
    assert {e.row for e in result.errors} == {3, 5}
    assert db.scalar("SELECT count(*) FROM disbursements") == 0
    assert (tmp_path / "错误报告.xlsx").exists()
    skipped = import_file(db, admin, path, programme="福彩暖冬", on=dt.date(2025, 1, 10), today=TODAY,
                          skip_invalid=True)
    assert skipped.imported == 1
    no_date = import_file(db, admin, path, programme="福彩暖冬", today=TODAY, dry_run=True)
    assert any(e.reason == "no_date" for e in no_date.errors)
    future = import_file(db, admin, path, programme="福彩暖冬", on=dt.date(2027, 1, 1), today=TODAY,
                         dry_run=True)
    assert any(e.reason == "bad_date" for e in future.errors)


def test_only_admins_bring_in_past_aid(db, admin, volunteer, setting, tmp_path):
    path = write_list(tmp_path / "x.xlsx", [["东风村", "冬一", "", "特困供养", 1000, "", ""]])
    with pytest.raises(PermissionDenied):
        import_file(db, volunteer, path, programme="福彩暖冬", on=dt.date(2025, 1, 10), today=TODAY)


def test_command_line(tmp_path, capsys):
    from app.db import Database
    from app.station import accounts

    path = tmp_path / "t.db"
    assert main(["--db", str(path), "init", "--station-code", "ST01", "--station-name", "站"]) == 0
    db = Database.open(path)
    add_people(db, accounts.SYSTEM, [Person(n, born(80, ON), ["高龄老人"]) for n in names("老", 3)])
    numbers = dict(db.query("SELECT name, id_number FROM recipients"))
    db.close()
    main(["--db", str(path), "fund", "create", "--name", "敬老基金", "--opening", "10000"])
    main(["--db", str(path), "programme", "create", "--name", "重阳慰问", "--fund", "敬老基金", "--amount", "300",
          "--not-aided-since", "2025"])
    capsys.readouterr()
    lst = write_list(tmp_path / "2025重阳.xlsx", [["东风村", "老一", numbers["老一"], "高龄老人", 300, "", ""],
                                                  ["东风村", "新人", stranger_id(), "高龄老人", 300, "", ""]])
    code = main(["--db", str(path), "import-disbursements", str(lst), "--programme", "重阳慰问", "--date",
                 "2025-10-29", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["imported"] == 1 and out["unregistered"][0]["name"] == "新人"
    code = main(["--db", str(path), "import-disbursements", str(lst), "--programme", "重阳慰问", "--date",
                 "2025-10-29"])
    text = capsys.readouterr().out
    assert code == 0 and "尚未登记、没有导入：新人（第 4 行）" in text
    code = main(["--db", str(path), "distribute", "--programme", "重阳慰问", "--date", "2026-10-18", "--json"])
    assert json.loads(capsys.readouterr().out)["people"] == 2
