"""Meal subsidies on the command line: the commands and JSON shapes of the issue, and every bad
input refused with a message saying where and what, nothing written."""

import datetime as dt
import json

import openpyxl
import pytest
from aid_population import Person, add_people, born
from meal_month import grid_file

from app.cli import main
from app.db import Database
from app.station import accounts

MARCH = dt.date(2026, 3, 1)


def call(capsys, db, *args):
    code = main(["--db", str(db), *map(str, args), "--json"])
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def count(path, table):
    db = Database.open(path)
    try:
        return db.scalar(f"SELECT count(*) FROM {table}")
    finally:
        db.close()


@pytest.fixture
def station(tmp_path, capsys):
    path = tmp_path / "t.db"
    assert call(capsys, path, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")[0] == 0
    db = Database.open(path)
    people = [Person("张大爷", born(80, MARCH), []), Person("李奶奶", born(70, MARCH), ["低保户"]),
              Person("王秀英", born(88, MARCH), [], group="1组"), Person("王秀英", born(66, MARCH), [], group="2组")]
    ids = add_people(db, accounts.SYSTEM, people)
    numbers = [db.scalar("SELECT id_number FROM recipients WHERE id = ?", (i,)) for i in ids]
    db.close()
    assert call(capsys, path, "fund", "create", "--name", "助餐基金", "--opening", "1000")[0] == 0
    assert call(capsys, path, "meals", "canteen", "add", "--name", "东风长者食堂", "--village", "东风村")[0] == 0
    code, s = call(capsys, path, "meals", "scheme", "--fund", "助餐基金", "--tier", "60-74:1", "--tier", "75-84:5",
                   "--tier", "85-94:8", "--tier", "95-:9", "--category", "低保户:8", "--cap-week", "5",
                   "--from", "2026-01-01")
    assert code == 0 and [t["rate_fen"] for t in s["scheme"]["tiers"]] == [100, 500, 800, 900, 800]
    args = ["meals", "enrol", "--canteen", "东风长者食堂", "--from", "2026-01-01"]
    for n in numbers:
        args += ["--id", n]
    code, e = call(capsys, path, *args)
    assert code == 0 and len(e["enrolled"]) == 4
    return path, numbers


def test_a_month_from_import_to_payment(station, capsys, tmp_path):
    path, numbers = station
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "村组", "就餐次数"])
    ws.append(["张大爷", numbers[0], "", 4])
    ws.append(["李奶奶", "", "", 2])
    ws.append(["王秀英", "", "2组", 3])
    wb.save(tmp_path / "counts.xlsx")
    code, r = call(capsys, path, "meals", "import", tmp_path / "counts.xlsx", "--canteen", "东风长者食堂",
                   "--month", "2026-03")
    assert code == 0 and r["imported"] == 3 and r["errors"] == []
    code, st = call(capsys, path, "meals", "statement", "--canteen", "东风长者食堂", "--month", "2026-03",
                    "-o", tmp_path / "结算单.pdf")
    assert code == 0 and st["status"] == "draft"
    assert {ln["name"] + ln["village_group"]: (ln["meals"], ln["rate_fen"], ln["subsidy_fen"]) for ln in st["lines"]} \
        == {"张大爷1组": (4, 500, 2000), "李奶奶1组": (2, 800, 1600), "王秀英2组": (3, 100, 300)}
    assert st["total_fen"] == 3900 and st["meals"] == 9
    assert (tmp_path / "结算单.pdf").read_bytes()[:5] == b"%PDF-"
    code, st = call(capsys, path, "meals", "statement", "--canteen", "东风长者食堂", "--month", "2026-03",
                    "--confirm", "-o", tmp_path / "结算单.xlsx")
    assert code == 0 and st["status"] == "confirmed" and st["fund_after"]["paid_fen"] == 3900
    code, funds = call(capsys, path, "fund", "list")
    assert [f["paid_fen"] for f in funds["funds"] if f["name"] == "助餐基金"] == [3900]
    sheet = openpyxl.load_workbook(tmp_path / "结算单.xlsx").active
    assert sheet.cell(1, 4).value == "姓名"
    # A settled month: a second payment and a new import are refused, nothing written.
    code, again = call(capsys, path, "meals", "statement", "--canteen", "东风长者食堂", "--month", "2026-03",
                       "--confirm")
    assert code == 1 and "只付一次" in again["error"]
    before = count(path, "meal_months")
    code, r = call(capsys, path, "meals", "import", tmp_path / "counts.xlsx", "--canteen", "东风长者食堂",
                   "--month", "2026-03")
    assert code == 1 and r["imported"] == 0 and "已确认付款" in r["error"] and count(path, "meal_months") == before


@pytest.mark.parametrize(("args", "words"), [
    (["--tier", "60-74:0"], "每餐补贴应大于零"),
    (["--tier", "60-74:-1"], "60-74:-1"),
    (["--tier", "60-75:1", "--tier", "75-84:5"], "年龄档重叠"),
    (["--tier", "60-:1", "--cap-week", "-1"], "每周上限不能小于零"),
    (["--tier", "60-:1", "--cap-month", "-2"], "每月上限不能小于零"),
])
def test_bad_schemes_are_refused(station, capsys, args, words):
    path, _ = station
    code, r = call(capsys, path, "meals", "scheme", "--fund", "助餐基金", "--from", "2026-06-01", *args)
    assert code == 1 and words in r["error"]
    assert count(path, "meal_schemes") == 1


@pytest.mark.parametrize(("mark", "words"), [(-1, "“-1”"), (3.5, "“3.5”"), ("十", "“十”")])
def test_bad_marks_are_row_errors_with_the_excel_row(station, capsys, tmp_path, mark, words):
    path, _ = station
    f = grid_file(tmp_path / "g.xlsx", {"张大爷": {1: 1, 2: mark}, "李奶奶": {3: "√"}})
    code, r = call(capsys, path, "meals", "import", f, "--canteen", "东风长者食堂", "--month", "2026-03")
    assert code == 1 and r["imported"] == 0
    assert [(e["row"], e["column"]) for e in r["errors"]] == [(3, "2")] and words in r["errors"][0]["message"]
    assert count(path, "meal_months") == 0


def test_grid_problems_each_named_by_row_and_column(station, capsys, tmp_path):
    path, numbers = station
    f = grid_file(tmp_path / "g.xlsx", {"张大爷": {31: 1}, "王秀英": {1: 1}, "赵六": {2: 1}, "李奶奶": {1: 1}})
    code, r = call(capsys, path, "meals", "import", f, "--canteen", "东风长者食堂", "--month", "2026-02",
                   "--report", tmp_path / "错误.xlsx")
    assert code == 1 and r["imported"] == 0
    got = {(e["row"], e["column"]): e["message"] for e in r["errors"]}
    assert "2月没有31日" in got[(3, "31")]
    assert "有 2 个王秀英" in got[(4, "姓名")]
    assert "没有赵六" in got[(5, "姓名")]
    assert (6, "姓名") not in got and (tmp_path / "错误.xlsx").exists()
    f32 = grid_file(tmp_path / "g32.xlsx", {"张大爷": {1: 1}}, days=32)
    code, r = call(capsys, path, "meals", "import", f32, "--canteen", "东风长者食堂", "--month", "2026-03")
    assert code == 1 and r["errors"][0]["column"] == "32" and "1–31" in r["errors"][0]["message"]
    assert count(path, "meal_months") == 0


def test_meals_after_death_and_at_two_canteens_are_refused(station, capsys, tmp_path):
    path, numbers = station
    assert call(capsys, path, "meals", "leave", "--id", numbers[1], "--on", "2026-03-10", "--reason", "死亡")[0] == 0
    assert call(capsys, path, "meals", "canteen", "add", "--name", "西山助餐点")[0] == 0
    f = grid_file(tmp_path / "g.xlsx", {"李奶奶": {9: 1, 12: 1}, "张大爷": {5: 1}})
    code, r = call(capsys, path, "meals", "import", f, "--canteen", "东风长者食堂", "--month", "2026-03")
    assert code == 1 and [(e["row"], e["column"]) for e in r["errors"]] == [(3, "12")]
    assert "登记期内" in r["errors"][0]["message"]
    f = grid_file(tmp_path / "ok.xlsx", {"张大爷": {5: 1}})
    assert call(capsys, path, "meals", "import", f, "--canteen", "东风长者食堂", "--month", "2026-03")[0] == 0
    code, r = call(capsys, path, "meals", "import", f, "--canteen", "西山助餐点", "--month", "2026-03")
    assert code == 1 and r["errors"][0]["row"] == 3


def test_a_persons_meals_per_month(station, capsys, tmp_path):
    path, numbers = station
    f = grid_file(tmp_path / "g.xlsx", {"张大爷": {2: 1, 3: 1, 4: 1}})
    assert call(capsys, path, "meals", "import", f, "--canteen", "东风长者食堂", "--month", "2026-03")[0] == 0
    assert call(capsys, path, "meals", "statement", "--canteen", "东风长者食堂", "--month", "2026-03", "--confirm")[0] == 0
    code, r = call(capsys, path, "meals", "person", "--id", numbers[0])
    assert code == 0 and r["canteen"] == "东风长者食堂"
    assert r["months"] == [{"month": "2026-03", "canteen": "东风长者食堂", "meals": 3, "subsidised": 3,
                            "subsidy_fen": 1500}]
