"""Importing rosters: the row rules of issue 5, duplicates, all or nothing, the command line, the error report."""

import datetime as dt
import json

import openpyxl
import pytest
from sheets import sheet_corpus as c

from app.cli import main
from app.imports import recipients as recipient_import
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.rules.idcard import upgrade15
from app.station import accounts

TODAY = dt.date(2026, 9, 5)
WANG = c.make_id(dt.date(1940, 3, 15), male=False, seq=1)
LI = c.make_id(dt.date(1952, 11, 2), seq=2)


def run(db, path, **kw):
    return recipient_import.import_file(db, accounts.SYSTEM, path, today=TODAY, **kw)


def count(db, table="recipients"):
    return db.scalar(f"SELECT count(*) FROM {table}")


def person_by_id(db, number):
    return recipients.find_by_id_number(db, number)


def imports(db):
    return [json.loads(r[0]) for r in db.query("SELECT after_json FROM audit_log WHERE action = 'import'")]


def roster_file(tmp_path, people=c.PEOPLE, name="名单.xlsx", **kw):
    return c.xlsx(tmp_path / name, c.roster(people), **kw)


def cli(capsys, db, *args):
    code = main(["--db", str(db.path), "--json", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out), err


# ---------- a real roster, as volunteers make them ----------

def test_a_hand_made_roster_goes_in_cleanly(tmp_path, db):
    people = [
        c.person(1, "王秀英", dt.date(1940, 3, 15), male=False, 年龄=99, 人员类别="高龄老人、独居老人"),
        c.person(2, "李国华", dt.date(1952, 11, 2), 出生年月="1952.11", 联系电话="138 0000 0002",
                 所在村组="前进村四组"),
        c.person(3, "张 丽", dt.date(2015, 6, 1), male=False, 出生年月="2015年6月1日", 所在村组=None,
                 人员类别="留守儿童"),
    ]
    header = [*c.HEADER[:9], "户籍性质"]
    people[0][9] = "农业"
    path = c.xlsx(tmp_path / "花名册.xlsx", c.roster(people, header=header), merges=["A1:J1", "G5:G6"])
    result = run(db, path)
    assert (result.imported, result.skipped, result.duplicates, result.errors) == (3, 2, 0, [])
    assert not result.refused and result.exit_code == 0
    wang = person_by_id(db, WANG)
    assert (wang.name, wang.sex, wang.birth_date) == ("王秀英", "女", "1940-03-15")
    assert (wang.village, wang.village_group) == ("东风村", "三组")  # 东风村三组 split
    assert wang.categories == ("高龄老人", "独居老人")
    assert "独居老人" in recipients.list_categories(db)  # a label not on the list is added, not refused
    assert wang.note == "户籍性质：农业"  # an unknown column is kept as a note
    li = person_by_id(db, LI)
    assert (li.birth_date, li.phone) == ("1952-11-02", "13800000002")  # birth date from the ID
    zhang = recipients.get_recipient(db, db.scalar("SELECT id FROM recipients WHERE name = '张丽'"))
    assert (zhang.village, zhang.village_group) == ("前进村", "四组")  # filled down from the merged cell
    assert zhang.sex == "女" and zhang.birth_date == "2015-06-01"


def test_one_audit_entry_for_the_whole_import(tmp_path, db):
    before = count(db, "audit_log")
    run(db, roster_file(tmp_path))
    assert count(db, "audit_log") == before + 1
    (entry,) = imports(db)
    assert entry == {"rows": 3, "file": "名单.xlsx", "sheet": "花名册"}
    row = db.one("SELECT table_name, record_id, operator_id FROM audit_log WHERE action = 'import'")
    assert tuple(row) == ("recipients", "名单.xlsx", "system")


def test_xls_and_gbk_csv_rosters(tmp_path, db):
    result = run(db, c.FIXTURES / "roster.xls")
    assert (result.imported, result.skipped, result.errors) == (3, 2, [])
    assert person_by_id(db, LI).birth_date == "1952-11-02"
    csv = c.csv_file(tmp_path / "名单.csv", c.roster([c.person(4, "赵四", dt.date(1960, 1, 1))]), "gbk")
    result = run(db, csv)
    assert result.imported == 1 and person_by_id(db, c.make_id(dt.date(1960, 1, 1), seq=4)).name == "赵四"


# ---------- each row problem ----------

ROW_PROBLEMS = [
    ("wrong check character", {"身份证号码": c.bad_check(LI)}, "身份证号码", "bad_check", "校验位"),
    ("impossible birth date", {"身份证号码": "370303195202300218"}, "身份证号码", "bad_birth_date", "不存在"),
    ("too few digits", {"身份证号码": LI[:16]}, "身份证号码", "bad_length", "18位"),
    ("stored as a number", {"身份证号码": float(LI)}, "身份证号码", "stored_as_number", "后几位已经丢失"),
    ("missing name", {"姓名": None}, "姓名", "empty", "没有填写"),
    ("birth date contradicts", {"出生年月": dt.date(1952, 12, 2)}, "出生年月", "birth_mismatch", "与身份证号不符"),
    ("birth month contradicts", {"出生年月": "1952.10"}, "出生年月", "birth_mismatch", "1952-10"),
    ("sex contradicts", {"性别": "女"}, "性别", "sex_mismatch", "与身份证号不符"),
    ("bad phone", {"联系电话": "1380000"}, "联系电话", "bad_length", "11位"),
    ("impossible date", {"出生年月": "1952.13"}, "出生年月", "bad_month", "月份"),
]


@pytest.mark.parametrize("what, change, column, reason, words", ROW_PROBLEMS, ids=[p[0] for p in ROW_PROBLEMS])
def test_each_row_problem_refuses_the_import(tmp_path, db, what, change, column, reason, words):
    people = [list(p) for p in c.PEOPLE]
    for key, value in change.items():
        people[1][c.HEADER.index(key)] = value
    path = c.xlsx(tmp_path / "名单.xlsx", c.roster(people), text_columns=() if what == "stored as a number" else "C")
    pv = recipient_import.preview(db, path, today=TODAY)
    (problem,) = pv.problems
    assert (problem.row, problem.column, problem.reason) == (5, column, reason)
    assert words in problem.message
    result = run(db, path)
    assert result.refused and result.imported == 0 and count(db) == 0
    assert [e.to_dict() for e in result.errors] == [{"row": 5, "column": column, "message": problem.message}]


def test_all_problems_of_a_row_are_listed_together(tmp_path, db):
    people = [list(p) for p in c.PEOPLE]
    people[1][c.HEADER.index("性别")] = "女"
    people[1][c.HEADER.index("联系电话")] = "12345"
    people[1][c.HEADER.index("出生年月")] = "明年"
    (row,) = [r for r in recipient_import.preview(db, roster_file(tmp_path, people), today=TODAY).rows if r.problems]
    assert sorted(p.column for p in row.problems) == ["出生年月", "性别", "联系电话"]


def test_the_same_id_twice_is_an_error_on_the_later_row(tmp_path, db):
    people = [*c.PEOPLE, c.person(4, "李国华", dt.date(1952, 11, 2), 身份证号码=LI.lower()[:-1] + LI[-1])]
    result = run(db, roster_file(tmp_path, people))
    assert [(e.row, e.column, e.message) for e in result.errors] == [(7, "身份证号码", "与第 5 行的身份证号重复")]
    assert count(db) == 0


def test_an_age_column_is_never_checked(tmp_path, db):
    people = [c.person(1, "王秀英", dt.date(1940, 3, 15), male=False, 年龄="八十六岁"),
              c.person(2, "李国华", dt.date(1952, 11, 2), 年龄=3)]
    assert run(db, roster_file(tmp_path, people)).imported == 2


def test_an_upgraded_15_digit_id_and_lower_case_x(tmp_path, db):
    zhang = c.make_id(dt.date(2015, 6, 1), male=False, seq=3)
    assert zhang.endswith("X")
    people = [c.person(3, "张丽", dt.date(2015, 6, 1), male=False, 身份证号码=" " + zhang.lower()),
              c.person(5, "老刘", dt.date(1935, 2, 3), 身份证号码="370303350203051")]
    assert run(db, roster_file(tmp_path, people)).imported == 2
    assert person_by_id(db, zhang).name == "张丽"
    assert person_by_id(db, upgrade15("370303350203051")).name == "老刘"


def test_a_wizard_previews_fixes_the_mapping_then_applies(tmp_path, db):
    rows = [["序号", "户主", "老人姓名", "证件号码", "电话"],
            [1, "王建国", "王秀英", WANG, "13800000001"], [2, "李文", "李国华", c.bad_check(LI), "13800000002"]]
    path = c.xlsx(tmp_path / "名单.xlsx", rows)
    pv = recipient_import.preview(db, path, today=TODAY)
    shown = pv.to_dict()
    assert shown["columns"]["name"] == "老人姓名" and shown["counts"] == {"new": 1, "duplicate": 0, "invalid": 1,
                                                                       "skipped": 0}
    assert [(r["row"], r["status"]) for r in shown["rows"]] == [(2, "new"), (3, "invalid")]
    assert shown["rows"][1]["problems"][0]["column"] == "证件号码"
    pv = recipient_import.preview(db, path, mapping={"name": "户主"}, today=TODAY)  # the user picks 户主
    assert [r.person.name for r in pv.rows if r.person] == ["王建国"]
    result = recipient_import.apply(db, accounts.SYSTEM, pv, skip_invalid=True)
    assert result.imported == 1 and person_by_id(db, WANG).note == "老人姓名：王秀英"


# ---------- all or nothing, skip, dry run ----------

def bad_second_row(tmp_path):
    people = [list(p) for p in c.PEOPLE]
    people[1][2] = c.bad_check(LI)
    return roster_file(tmp_path, people)


def test_one_bad_row_and_nothing_is_written(tmp_path, db):
    audit_before = count(db, "audit_log")
    result = run(db, bad_second_row(tmp_path))
    assert result.refused and (result.imported, result.valid) == (0, 2)
    assert count(db) == 0 and count(db, "audit_log") == audit_before
    assert "没有导入任何数据" in result.message


def test_skip_invalid_writes_the_good_rows(tmp_path, db):
    result = run(db, bad_second_row(tmp_path), skip_invalid=True)
    assert not result.refused and result.exit_code == 0
    assert (result.imported, len(result.errors), result.errors[0].row) == (2, 1, 5)
    assert count(db) == 2 and person_by_id(db, WANG) is not None
    assert imports(db)[0]["invalid_rows"] == [5]


def test_dry_run_writes_nothing(tmp_path, db):
    result = run(db, roster_file(tmp_path), dry_run=True)
    assert (result.imported, result.valid, result.dry_run, result.refused) == (0, 3, True, False)
    assert count(db) == 0 and imports(db) == []
    bad = run(db, bad_second_row(tmp_path), dry_run=True)
    assert bad.refused and bad.valid == 2 and count(db) == 0
    assert not run(db, bad_second_row(tmp_path), dry_run=True, skip_invalid=True).refused


# ---------- people already registered ----------

def register_wang(db, **changes):
    data = RecipientInput(name="王秀英", id_number=WANG, phone="13900000000", village="东风村",
                          categories=["低保户"], bank_name="邮储银行")
    for k, v in changes.items():
        setattr(data, k, v)
    return recipients.add_recipient(db, accounts.SYSTEM, data)


def test_a_registered_person_counts_as_a_duplicate_and_is_left_alone(tmp_path, db):
    wang = register_wang(db)
    result = run(db, roster_file(tmp_path))
    assert (result.imported, result.duplicates, result.updated, result.errors) == (2, 1, 0, [])
    assert recipients.get_recipient(db, wang.id) == wang


def test_update_changes_what_the_file_fills_in_and_adds_categories(tmp_path, admin, db):
    wang = register_wang(db)
    people = [c.person(1, "王秀英", dt.date(1940, 3, 15), male=False, 人员类别="高龄老人", 所在村组="东风村五组"),
              c.PEOPLE[1]]
    result = recipient_import.import_file(db, admin, roster_file(tmp_path, people), update=True, today=TODAY)
    assert (result.imported, result.duplicates, result.updated) == (1, 1, 1)
    after = recipients.get_recipient(db, wang.id)
    assert (after.phone, after.village_group) == ("13800000001", "五组")
    assert after.bank_name == "邮储银行"  # no bank column in the file: kept
    assert after.categories == ("高龄老人", "低保户")  # added to what was there, in the list's order
    history = db.query("SELECT operator_name, before_json FROM audit_log WHERE action = 'update' AND record_id = ?",
                       (wang.id,))
    assert len(history) == 1 and json.loads(history[0][1])["phone"] == "13900000000"
    assert imports(db)[0]["updated"] == [wang.id]
    again = recipient_import.import_file(db, admin, roster_file(tmp_path, people), update=True, today=TODAY)
    assert (again.imported, again.duplicates, again.updated) == (0, 2, 0)  # nothing left to change


def test_people_without_an_id_match_by_name_birth_date_and_village(tmp_path, db):
    people = [c.person(1, "王秀英", dt.date(1940, 3, 15), male=False, 身份证号码=None, 性别="女")]
    assert run(db, roster_file(tmp_path, people)).imported == 1
    again = run(db, roster_file(tmp_path, people))
    assert (again.imported, again.duplicates) == (0, 1) and count(db) == 1


# ---------- the command line ----------

EXPECTED_KEYS = {"file", "sheet", "imported", "updated", "skipped", "duplicates", "errors", "valid", "dry_run",
                 "refused", "message", "report", "header_row", "columns", "note_columns"}


def test_cli_json_and_exit_codes(tmp_path, db, capsys):
    code, out, _ = cli(capsys, db, "import-recipients", roster_file(tmp_path))
    assert code == 0 and set(out) == EXPECTED_KEYS
    assert (out["imported"], out["skipped"], out["duplicates"], out["errors"]) == (3, 2, 0, [])
    assert out["columns"]["id_number"] == "身份证号码"
    code, out, _ = cli(capsys, db, "import-recipients", roster_file(tmp_path), "--dry-run")
    assert code == 0 and (out["duplicates"], out["dry_run"]) == (3, True)


def test_cli_refused_import_exits_1_and_still_prints_the_json(tmp_path, db, capsys):
    code, out, err = cli(capsys, db, "import-recipients", bad_second_row(tmp_path))
    assert code == 1
    assert set(out) == EXPECTED_KEYS | {"error"}
    assert out["refused"] is True and out["imported"] == 0
    assert out["errors"] == [{"row": 5, "column": "身份证号码", "message": out["errors"][0]["message"]}]
    assert "没有导入任何数据" in err
    assert count(db) == 0
    code, out, _ = cli(capsys, db, "import-recipients", bad_second_row(tmp_path), "--skip-invalid")
    assert code == 0 and out["imported"] == 2 and len(out["errors"]) == 1


@pytest.mark.parametrize("content, reason", [(b"", "empty_file"), (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
                                             (bytes(range(256)) * 40, "not_spreadsheet")],
                         ids=["empty", "broken zip", "binary"])
def test_cli_junk_file_is_one_clear_refusal(tmp_path, db, capsys, content, reason):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(content)
    code, out, err = cli(capsys, db, "import-recipients", path)
    assert code == 1 and out["reason"] == reason and out["refused"] is True
    assert out["error"] == out["message"] and out["errors"][0]["message"] == out["message"]
    assert err.count("\n") == 1  # one line for people


def test_cli_human_output(tmp_path, db, capsys):
    code = main(["--db", str(db.path), "import-recipients", str(bad_second_row(tmp_path))])
    out, err = capsys.readouterr()
    assert code == 1
    assert "第 5 行“身份证号码”：身份证号校验位不对" in out and "--skip-invalid" in out
    assert "没有导入任何数据" in out and err == ""  # said once, on standard output


def test_cli_sheet_choice(tmp_path, db, capsys):
    path = c.xlsx(tmp_path / "名单.xlsx", c.roster(), more_sheets={"去年": c.roster(c.PEOPLE[:1])})
    code, out, _ = cli(capsys, db, "import-recipients", path)
    assert code == 1 and out["reason"] == "choose_sheet" and out["sheets"] == ["花名册", "去年"]
    code, out, _ = cli(capsys, db, "import-recipients", path, "--sheet", "去年")
    assert code == 0 and out["imported"] == 1 and out["sheet"] == "去年"


# ---------- the error report ----------

def test_report_is_the_sheet_back_with_an_error_column_and_can_be_imported_again(tmp_path, db, capsys):
    people = [list(p) for p in c.PEOPLE]
    people[1][2] = c.bad_check(LI)
    people[2][1] = None
    source = roster_file(tmp_path, people, merges=["A1:J1"])
    report = tmp_path / "错误.xlsx"
    code, out, _ = cli(capsys, db, "import-recipients", source, "--report", report)
    assert code == 1 and out["report"] == str(report)
    ws = openpyxl.load_workbook(report).active
    assert ws.title == "花名册"
    assert ws["A1"].value == c.TITLE and ws["A2"].value.startswith("填报单位")  # same rows as the original
    assert ws["K3"].value == "错误说明"  # after the last column, on the header row
    assert ws["B4"].value == "王秀英" and ws["K4"].value is None
    assert ws["C5"].value == c.bad_check(LI) and "身份证号码：身份证号校验位不对" in ws["K5"].value
    assert ws["K6"].value == "姓名：没有填写"
    assert ws["A7"].value == "合计" and ws["A9"].value == "制表人：李文"
    # the volunteer fixes the two cells and imports the report itself
    wb = openpyxl.load_workbook(report)
    wb.active["C5"], wb.active["B6"] = LI, "张丽"
    wb.save(report)
    code, out, _ = cli(capsys, db, "import-recipients", report)
    assert code == 0 and out["imported"] == 3 and out["note_columns"] == []
    assert person_by_id(db, LI).note == ""  # the 错误说明 column is not taken as a note


def test_no_report_when_nothing_is_wrong_and_never_over_the_source(tmp_path, db):
    source = roster_file(tmp_path)
    result = run(db, source, report=tmp_path / "错误.xlsx")
    assert result.report is None and not (tmp_path / "错误.xlsx").exists()
    refused = run(db, bad_second_row(tmp_path), report=tmp_path / "名单.xlsx")
    assert refused.refused and refused.reason == "bad_report"


def test_a_group_written_without_its_village_goes_to_the_stations_own_village():
    from app.imports.recipients import split_village

    assert split_village("", "东风3组", "东风村") == ("东风村", "3组")
    assert split_village("", "三组", "东风村") == ("东风村", "三组")
    assert split_village("", "东风村3组", "东风村") == ("东风村", "3组")
    assert split_village("", "西岭村2组", "东风村") == ("西岭村", "2组")
    assert split_village("", "西岭2组", "东风村") == ("西岭", "2组")
    assert split_village("前进村", "4组", "东风村") == ("前进村", "4组")


def test_a_roster_saying_dongfeng_3_zu_fills_the_village(tmp_path, db):
    from app.imports.recipients import import_file
    from app.station import accounts

    path = tmp_path / "roster.csv"
    path.write_text("姓名,所在村组\n王秀英,东风3组\n李四,5组\n", encoding="utf-8")
    result = import_file(db, accounts.SYSTEM, path)
    assert result.imported == 2
    rows = db.query("SELECT name, village, village_group FROM recipients ORDER BY name")
    assert [tuple(r) for r in rows] == [("李四", "东风村", "5组"), ("王秀英", "东风村", "3组")]
