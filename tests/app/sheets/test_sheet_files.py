"""Which files are spreadsheets: detected by content, every encoding, and junk refused with one clear error."""

import datetime as dt
import os
import zipfile

import pytest
import sheet_corpus as c

from app import sheets
from app.imports.recipients import FIELDS
from app.sheets import SheetError, read_table


def names(table):
    return [r["name"] for r in table.rows]


def refused(path, reason, **kw):
    with pytest.raises(SheetError) as e:
        read_table(path, FIELDS, **kw)
    assert e.value.reason == reason, e.value.message
    assert e.value.message  # a sentence for people, not a traceback
    return e.value


# ---------- by content, not by name ----------

def test_a_workbook_named_csv_and_a_csv_named_xlsx_are_both_read(tmp_path):
    book = c.xlsx(tmp_path / "名单.csv", c.roster())
    text = c.csv_file(tmp_path / "名单.xlsx", c.roster(), "gbk")
    assert sheets.sniff(book) == "xlsx" and sheets.sniff(text) == "csv"
    assert names(read_table(book, FIELDS)) == names(read_table(text, FIELDS)) == ["王秀英", "李国华", "张 丽"]


@pytest.mark.parametrize("encoding, bom", [("gbk", False), ("gb18030", False), ("utf-8", True), ("utf-8", False)])
def test_csv_encodings_are_detected(tmp_path, encoding, bom):
    people = [*c.PEOPLE, c.person(4, "李䶮", dt.date(1988, 1, 9))] if encoding != "gbk" else c.PEOPLE
    path = c.csv_file(tmp_path / "名单.csv", c.roster(people), encoding, bom=bom)
    table = read_table(path, FIELDS)
    assert table.format == "csv"
    assert names(table)[:2] == ["王秀英", "李国华"]
    assert table.header_row == 3 and table.rows[0].number == 4
    assert table.rows[1]["birth_date"] == dt.date(1952, 11, 2)  # ISO text in CSV
    if encoding != "gbk":
        assert names(table)[-1] == "李䶮"  # a character GBK cannot hold, GB18030 can


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    lines = ["\t".join(str(v) if v is not None else "" for v in row) for row in c.roster(total=False, footer=False)]
    path = tmp_path / "名单.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    table = read_table(path, FIELDS)
    assert names(table) == ["王秀英", "李国华", "张 丽"]
    assert table.rows[0]["id_number"] == c.make_id(dt.date(1940, 3, 15), male=False, seq=1)


def test_old_excel_xls_made_by_libreoffice():
    table = read_table(c.FIXTURES / "roster.xls", FIELDS)
    assert table.format == "xls" and table.sheet == "花名册"  # the 说明 sheet has no header
    assert table.header_row == 3
    assert [(r.number, r["name"]) for r in table.rows] == [(4, "王秀英"), (5, "李国华"), (6, "张丽")]
    births = table.column("birth_date")
    assert births[0] == dt.date(1940, 3, 15)
    assert sheets.precision(births[1]) == "month" and births[1].iso() == "1952-11"  # typed as text 1952.11
    assert births[2] == dt.date(2015, 6, 1)  # typed as the number 20150601
    assert table.column("village_group") == ["东风村三组", "东风村四组", "东风村四组"]  # merged over two people
    assert table.rows[2]["id_number"].endswith("X")
    assert [(s.row, s.kind) for s in table.skipped] == [(7, "total"), (9, "footer")]


def test_sheets_are_listed_and_chosen_by_name(tmp_path):
    path = c.xlsx(tmp_path / "名单.xlsx", c.roster(), more_sheets={
        "说明": [["本表由村委会填写"]], "去年": c.roster(c.PEOPLE[:1]), "草稿": c.roster()}, hidden=["草稿"])
    assert sheets.list_sheets(path) == ["花名册", "说明", "去年"]
    e = refused(path, "choose_sheet")
    assert e.facts["sheets"] == ["花名册", "去年"]  # the hidden sheet is not offered
    assert names(read_table(path, FIELDS, sheet="去年")) == ["王秀英"]
    assert names(read_table(path, FIELDS, sheet="草稿")) == ["王秀英", "李国华", "张 丽"]
    assert "去年" in refused(path, "no_sheet", sheet="今年").message


def test_the_one_sheet_with_a_header_is_taken(tmp_path):
    path = c.xlsx(tmp_path / "名单.xlsx", [["填表说明：每人一行"]], sheet="说明",
                  more_sheets={"花名册": c.roster()})
    assert read_table(path, FIELDS).sheet == "花名册"


# ---------- files that are not spreadsheets ----------

def test_empty_file(tmp_path):
    (tmp_path / "名单.xlsx").write_bytes(b"")
    refused(tmp_path / "名单.xlsx", "empty_file")


def test_random_bytes(tmp_path):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(os.urandom(20000))
    refused(path, "not_spreadsheet")


def test_a_zip_without_a_sheet(tmp_path):
    path = tmp_path / "名单.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("照片/1.jpg", b"\xff\xd8\xff" + os.urandom(100))
    assert "压缩包" in refused(path, "not_spreadsheet").message


def test_a_word_document(tmp_path):
    path = tmp_path / "名单.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert "Word" in refused(path, "not_spreadsheet").message


def test_a_damaged_workbook(tmp_path):
    good = c.xlsx(tmp_path / "好.xlsx", c.roster())
    path = tmp_path / "坏.xlsx"
    path.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(path, "damaged")


@pytest.mark.parametrize("name", ["encrypted.xlsx", "encrypted.xls"])
def test_a_password_protected_workbook(name):
    e = refused(c.FIXTURES / name, "encrypted")
    assert "密码" in e.message


def test_a_letter_saved_as_text_has_no_header(tmp_path):
    path = tmp_path / "通知.csv"
    path.write_text("各位村民：\n本周六上午在村委会发放慰问品，请带身份证。\n", encoding="utf-8")
    assert "表头" in refused(path, "no_header").message


def test_binary_that_decodes_as_text_is_still_refused(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(bytes(range(1, 32)) * 200)
    refused(path, "not_spreadsheet")


def test_a_sheet_with_a_million_empty_rows(tmp_path):
    e = refused(c.million_empty_rows(tmp_path / "名单.xlsx"), "too_many_rows")
    assert "1,000,000" in e.message and "空行" in e.message


def test_a_csv_with_a_million_empty_lines(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes("姓名,身份证号码\r\n王秀英,1\r\n".encode() + b",\r\n" * 1_000_000)
    refused(path, "too_many_rows")


@pytest.mark.parametrize("make", ["xlsx", "csv"])
def test_ten_thousand_characters_in_a_cell(tmp_path, make):
    people = [*c.PEOPLE[:2], c.person(3, "张丽", dt.date(2015, 6, 1), male=False, 备注="啊" * 10_000)]
    rows = c.roster(people)
    path = c.xlsx(tmp_path / "名单.xlsx", rows) if make == "xlsx" else c.csv_file(tmp_path / "名单.csv", rows)
    e = refused(path, "cell_too_long")
    assert e.facts["row"] == 6 and e.facts["column"] == "备注"
    assert "第 6 行" in e.message and "10,000" in e.message


def test_a_huge_csv_field_beyond_the_csv_module_limit(tmp_path):
    path = tmp_path / "名单.csv"
    path.write_text("姓名,身份证号码,备注\n王秀英,1," + "x" * 200_000 + "\n", encoding="utf-8")
    refused(path, "cell_too_long")


def test_an_empty_workbook(tmp_path):
    path = c.xlsx(tmp_path / "名单.xlsx", [])
    refused(path, "no_data")


def test_a_header_without_people(tmp_path):
    path = c.xlsx(tmp_path / "名单.xlsx", c.roster([], total=False))
    assert refused(path, "no_data").facts["header_row"] == 3


def test_a_missing_file_and_a_folder(tmp_path):
    refused(tmp_path / "没有.xlsx", "missing")
    refused(tmp_path, "not_spreadsheet")


# ---------- formulas saved without their results ----------

def test_formula_cells_without_a_saved_result_are_found_in_the_sheet_xml():
    from app.sheets.formulas import uncached_in

    xml = (b'<sheetData><row r="2"><c r="A2" s="1"/><c r="B2" t="str"><f>IF(A2="","",A2)</f><v></v></c>'
           b'<c r="C2"><f>SUM(A1:A9)</f></c><c r="D2"><f>1+1</f><v>2</v></c></row>'
           b'<row r="4"><c r="E4"><f t="shared" ref="E4:E9" si="0">A4*2</f><v /></c>'
           b'<c r="F4"><f t="shared" si="0"/></c><c r="AA4" t="s"><v>3</v></c></row></sheetData>')
    # B2 saved an empty text result (a value); D2 saved 2; C2, E4 and F4 saved nothing
    assert uncached_in(xml) == {(1, 2), (3, 4), (3, 5)}
    prefixed = b'<x:row r="3"><x:c r="D3"><x:f>1+1</x:f></x:c><x:c r="E3"><x:f>2</x:f><x:v>2</x:v></x:c></x:row>'
    assert uncached_in(prefixed) == {(2, 3)}
    assert uncached_in(b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>') == set()


@pytest.mark.parametrize("application, trusted", [
    ("Microsoft Excel", True), ("WPS 表格", True), ("LibreOffice/7.4.7.2$Linux_X86_64", True),
    ("Microsoft Excel Compatible / Openpyxl 3.1.5", False), ("", False), ("SomeExporter 2.0", False),
])
def test_which_programs_are_trusted_to_save_formula_results(tmp_path, application, trusted):
    from app.sheets.formulas import saved_by_calculating_program

    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("docProps/app.xml", f"<Properties><Application>{application}</Application></Properties>")
    with zipfile.ZipFile(path) as z:
        assert saved_by_calculating_program(z) is trusted
