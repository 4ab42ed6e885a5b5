"""Finding the table in a hand-made sheet: header, columns by name, rows that are not data, row numbers."""

import datetime as dt

import pytest
import sheet_corpus as c

from app import sheets
from app.imports.recipients import FIELDS
from app.sheets import AMOUNT, DATE, Field, SheetError, read_table

DONATION_FIELDS = sheets.fields("donations", (
    Field("seq", "序号", informational=True),
    Field("donor_name", "捐赠人", required=True),
    Field("amount", "金额", AMOUNT, required=True),
    Field("date", "日期", DATE),
    Field("note", "备注"),
))


def test_header_found_past_title_unit_line_and_amount_subtitle(tmp_path):
    rows = [["2026年“慈心一日捐”捐款明细"], ["填报单位：东风镇中心小学", None, "填报日期：2026.9.5"],
            ["金额单位：元"], ["序号", "捐款人", "捐款金额（元）", "日期", "备注"],
            [1, "王老师", "¥300", "2026.9.5", ""], [2, "李老师", "1,000.00", dt.date(2026, 9, 5), "代交"],
            [3, "张校长", 500, "2026年9月5日", None]]
    table = read_table(c.xlsx(tmp_path / "捐款.xlsx", rows), DONATION_FIELDS)
    assert table.header_row == 4
    assert table.columns == {"seq": "序号", "donor_name": "捐款人", "amount": "捐款金额（元）", "date": "日期",
                             "note": "备注"}
    assert table.column("amount") == [30000, 100000, 50000]
    assert table.column("date") == [dt.date(2026, 9, 5)] * 3
    assert [r.number for r in table.rows] == [5, 6, 7]


def test_amounts_in_wan_yuan_by_header_or_by_subtitle(tmp_path):
    by_header = [["捐赠单位", "金额（万元）"], ["红星食品厂", 1.5]]
    by_subtitle = [["爱心企业捐赠统计表"], ["单位：万元"], ["捐赠单位", "金额"], ["红星食品厂", "0.25"]]
    assert read_table(c.xlsx(tmp_path / "a.xlsx", by_header), DONATION_FIELDS).column("amount") == [1_500_000]
    assert read_table(c.xlsx(tmp_path / "b.xlsx", by_subtitle), DONATION_FIELDS).column("amount") == [250_000]


@pytest.mark.parametrize("header, key", [
    ("身份证\n号码", "id_number"), ("姓 名", "name"), ("*姓名", "name"), ("所在村（社区）", "village"),
    ("公民身份号码", "id_number"), ("出生年月(年.月)", "birth_date"), ("联系电话：", "phone"),
    ("儿童姓名", "name"), ("监护人联系电话", "guardian_phone"),
])
def test_header_variants_people_write(tmp_path, header, key):
    row = ["序号", "姓名", "性别", header] if key != "name" else ["序号", header, "性别", "身份证号"]
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", [row, [1, "王秀英", "女", "x"]]), FIELDS)
    assert key in table.columns
    assert table.columns[key] == "".join(header.split()) if "\n" in header or " " in header else header


def test_unknown_columns_are_kept_as_notes_and_our_error_column_is_ignored(tmp_path):
    rows = [["姓名", "身份证号码", "户籍性质", "家庭人口", "错误说明"],
            ["王秀英", c.make_id(dt.date(1940, 3, 15), False), "农业", 3, "旧的错误"]]
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", rows), FIELDS)
    assert table.note_columns == ["户籍性质", "家庭人口"]
    assert table.rows[0].notes == [("户籍性质", "农业"), ("家庭人口", "3")]


def test_two_row_header_with_a_merged_group_title(tmp_path):
    rows = [[TITLE := "2026年金秋助学花名册"],
            ["序号", "学生姓名", "身份证号码", "监护人信息", None, "银行信息", None],
            [None, None, None, "监护人姓名", "监护人电话", "开户行", "银行账号"],
            [1, "刘洋", c.make_id(dt.date(2008, 5, 1)), "刘建国", "13800000001", "农商银行", "6217001234567890"]]
    merges = ["A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:G2"]
    table = read_table(c.xlsx(tmp_path / "助学.xlsx", rows, merges=merges), FIELDS)
    assert TITLE and table.header_row == 3
    assert table.columns["name"] == "学生姓名"
    assert table.columns["guardian_phone"] == "监护人电话" and table.columns["bank_account"] == "银行账号"
    assert [(r.number, r["name"], r["bank_name"]) for r in table.rows] == [(4, "刘洋", "农商银行")]


def test_two_row_header_without_merges(tmp_path):
    rows = [["姓名", "身份证号码", "银行信息", None], [None, None, "开户行", "卡号"],
            ["王秀英", c.make_id(dt.date(1940, 3, 15), False), "邮储银行", "6221881234"]]
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", rows), FIELDS)
    assert table.header_row == 2
    assert table.rows[0]["bank_account"] == "6221881234" and table.rows[0].number == 3


def test_a_village_merged_over_its_people_fills_each_row(tmp_path):
    people = [c.person(i, n, dt.date(1950, 1, i), 所在村组=None) for i, n in enumerate(["甲", "乙", "丙", "丁"], 1)]
    people[0][6] = "前进村一组"
    people[3][6] = "前进村二组"
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", c.roster(people), merges=["G4:G6"]), FIELDS)
    assert table.column("village_group") == ["前进村一组", "前进村一组", "前进村一组", "前进村二组"]


def test_rows_that_are_not_data(tmp_path):
    people = c.PEOPLE
    rows = [[c.TITLE], list(c.UNIT_LINE), c.HEADER, people[0], [], [None, "  "], [4],  # blank, spaces, 序号 only
            [c.TITLE], c.HEADER, people[1],  # the title and header repeated on page 2
            ["第二村民小组"], people[2],  # a section heading
            ["小计", None, None, None, None, "=SUM(F4:F10)"], [None, "合 计", None, None, None, 233],
            ["总计：3人"], [], ["制表人：李文", None, "审核人：王强"], ["经办人：张三"], ["复核人：赵六"],
            ["村委会（盖章）"], ["2026年9月5日"]]
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", rows), FIELDS)
    assert [(r.number, r["name"]) for r in table.rows] == [(4, "王秀英"), (10, "李国华"), (12, "张 丽")]
    assert [(s.row, s.kind) for s in table.skipped] == [
        (8, "title"), (9, "header"), (11, "section"), (13, "total"), (14, "total"), (15, "total"), (17, "footer"),
        (18, "footer"), (19, "footer"), (20, "footer"), (21, "footer")]
    assert table.problems == []


def test_a_lone_value_in_a_data_column_is_a_person_with_problems_not_a_heading(tmp_path):
    rows = [c.HEADER, c.PEOPLE[0], [None, None, c.make_id(dt.date(1952, 11, 2))], [None, None, None, None, None,
                                                                                    None, None, None, None, "已迁出"]]
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", rows), FIELDS)
    assert [(p.row, p.column, p.message) for p in table.problems] == [(3, "姓名", "没有填写"), (4, "姓名", "没有填写")]


def test_totals_whose_formulas_have_no_saved_result_are_passed_over_not_refused(tmp_path):
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", c.roster()), FIELDS)  # openpyxl saves no results
    assert [s.kind for s in table.skipped] == ["total", "footer"]
    assert table.problems == []


def test_a_formula_without_a_saved_result_in_a_data_cell_is_reported(tmp_path):
    people = [c.person(1, "王秀英", dt.date(1940, 3, 15), male=False, 性别='=IF(MOD(MID(C4,17,1),2),"男","女")'),
              c.person(2, "李国华", dt.date(1952, 11, 2), 备注="=A5&\"号\"")]
    path = c.xlsx(tmp_path / "名单.xlsx", c.roster(people))
    table = read_table(path, FIELDS)
    assert [(p.row, p.column, p.reason) for p in table.problems] == [
        (4, "性别", "formula_without_value"), (5, "备注", "formula_without_value")]
    assert "没有保存计算结果" in table.problems[0].message


def test_formulas_saved_with_their_results_by_excel_are_read(tmp_path):
    people = [c.person(1, "王秀英", dt.date(1940, 3, 15), male=False, 性别='=IF(MOD(MID(C4,17,1),2),"男","女")')]
    path = c.saved_by_excel(c.xlsx(tmp_path / "名单.xlsx", c.roster(people)), {"D4": "女"})
    table = read_table(path, FIELDS)
    assert table.problems == [] and table.rows[0]["sex"] == "女"  # the saved result, not the formula


def test_row_numbers_count_from_excel_row_one_wherever_the_table_starts(tmp_path):
    path = c.xlsx(tmp_path / "名单.xlsx", c.roster(), start="C5")
    table = read_table(path, FIELDS)
    assert table.header_row == 7
    assert [r.number for r in table.rows] == [8, 9, 10]
    assert [s.row for s in table.skipped] == [11, 13]


def test_id_numbers_stored_as_numbers_are_problems_on_their_rows(tmp_path):
    people = [c.person(1, "王秀英", dt.date(1940, 3, 15), male=False),
              c.person(2, "李国华", dt.date(1952, 11, 2), 身份证号码=370303195211020215)]
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", c.roster(people), text_columns=()), FIELDS)
    (p,) = table.problems
    assert (p.row, p.column, p.reason) == (5, "身份证号码", "stored_as_number")
    assert table.rows[1]["id_number"] == ""


def test_mapping_override_by_header_text_or_column(tmp_path):
    rows = [["编号", "户主", "老人姓名", "证件号码"],
            [1, "王建国", "王秀英", c.make_id(dt.date(1940, 3, 15), False)]]
    path = c.xlsx(tmp_path / "名单.xlsx", rows)
    assert read_table(path, FIELDS).rows[0]["name"] == "王秀英"  # 老人姓名 ranks before 户主
    table = read_table(path, FIELDS, mapping={"name": "户主"})
    assert table.rows[0]["name"] == "王建国" and table.note_columns == ["老人姓名"]
    assert read_table(path, FIELDS, mapping={"name": 2, "note": 1}).rows[0].values["note"] == "王建国"
    with pytest.raises(SheetError) as e:
        read_table(path, FIELDS, mapping={"name": "姓名"})
    assert e.value.reason == "bad_mapping"


def test_a_missing_required_column_names_what_was_found(tmp_path):
    path = c.xlsx(tmp_path / "名单.xlsx", [["序号", "身份证号码", "性别"], [1, "1", "男"]])
    with pytest.raises(SheetError) as e:
        read_table(path, FIELDS)
    assert e.value.reason == "missing_columns"
    assert e.value.facts["headers"] == ["序号", "身份证号码", "性别"]
    assert "姓名" in e.value.message and "名字" in e.value.message


def test_header_row_given_by_the_caller(tmp_path):
    rows = [["说明：下表第3行是表头"], ["姓名", "身份证号码"], ["序号", "名字", "身份证号"], [1, "王秀英", "x"]]
    table = read_table(c.xlsx(tmp_path / "名单.xlsx", rows), FIELDS, header_row=3)
    assert table.header_row == 3 and table.columns["name"] == "名字"
    assert [r.number for r in table.rows] == [4]


def test_peek_shows_the_top_of_the_sheet_in_excel_positions(tmp_path):
    path = c.xlsx(tmp_path / "名单.xlsx", c.roster(), start="B2")
    top = sheets.peek(path, rows=4)
    assert top[0] == [] and top[1][:2] == ["", c.TITLE]
    assert top[3][1:3] == ["序号", "姓名"]
