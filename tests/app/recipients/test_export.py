"""`export recipients` and the shared Excel writer, read back as township staff would open them."""

import datetime as dt
import json
import re

import openpyxl
import pytest

from app.cli import main
from app.excel import Cancelled, Column, Report, write_table
from app.recipients import recipients
from app.recipients.export import export_recipients
from app.recipients.recipients import RecipientInput
from app.rules.idcard import check_char


def idn(birth, seq="122", region="370303"):
    body = region + birth + seq
    return body + check_char(body)


@pytest.fixture
def register(db, volunteer):
    people = [
        RecipientInput(name="张三明", id_number=idn("19440510", "124"), phone="13812345678", village="东风村",
                       village_group="3组", address="东风村3组12号", bank_name="农村信用社",
                       bank_account="6228 4800 1234 5678", categories=["高龄老人", "低保户"], note="独居"),
        RecipientInput(name="王五", id_number=idn("20150301", "131"), village="前进村", guardian_name="王大山",
                       guardian_phone="13900001111", categories=["留守儿童"]),
        RecipientInput(name="欧阳娜娜", village="红星村"),
    ]
    out = [recipients.add_recipient(db, volunteer, p) for p in people]
    recipients.close_recipient(db, volunteer, out[2].id, "迁出", dt.date(2024, 3, 1))
    return out


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def sheet_rows(path):
    wb = openpyxl.load_workbook(path)
    return wb, [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def test_export_command_one_header_row_one_row_per_person(db, register, tmp_path, capsys):
    out = tmp_path / "名单.xlsx"
    code, stdout, _ = run(capsys, "--db", db.path, "export", "recipients", "-o", out, "--json")
    assert code == 0
    result = json.loads(stdout)
    assert result["kind"] == "recipients" and result["rows"] == 3 and result["masked"] is False
    wb, rows = sheet_rows(out)
    assert wb.sheetnames == ["受助对象", "说明"]
    header = rows[0]
    assert header[:2] == ["姓名", "性别"] and "身份证号" in header and "联系电话" in header
    assert len(rows) == 1 + 3  # no title above the header, no total row (no amounts)
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    zs = by_name["张三明"]
    assert zs["身份证号"] == register[0].id_number  # text, every digit kept
    assert zs["人员类别"] == "高龄老人、低保户" and zs["银行账号"] == "6228480012345678"
    assert zs["出生日期"] == dt.datetime(1944, 5, 10)
    assert by_name["欧阳娜娜"]["状态"] == "迁出" and by_name["欧阳娜娜"]["注销日期"] == dt.datetime(2024, 3, 1)
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}4"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "受助对象名单" in ws.oddHeader.center.text and "东风村慈善工作站" in ws.oddHeader.left.text
    assert "生成时间" in ws.oddFooter.left.text
    assert ws.cell(2, header.index("出生日期") + 1).number_format == "yyyy-mm-dd"
    assert ws.column_dimensions["A"].width >= 6
    about = dict(wb["说明"].iter_rows(values_only=True))
    assert about["工作站"] == "东风村慈善工作站（ST01）" and about["记录数"] == 3
    assert wb.properties.title == "受助对象名单" and wb.properties.creator == "CharityDesk"
    assert [p.name for p in tmp_path.iterdir() if "xlsx" in p.name] == ["名单.xlsx"]  # no temporary file


def test_export_masked(db, register, tmp_path, capsys):
    out = tmp_path / "公示.xlsx"
    code, stdout, _ = run(capsys, "--db", db.path, "export", "recipients", "-o", out, "--mask")
    assert code == 0 and "已脱敏" in stdout
    wb, rows = sheet_rows(out)
    header = rows[0]
    assert "姓名" in header and "身份证号" in header
    assert not {"出生日期", "居住地址", "备注"} & set(header)
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_name) == {"张*明", "王*", "欧**娜"}
    zs = by_name["张*明"]
    assert zs["身份证号"] == "3703**********" + register[0].id_number[-4:]
    assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", zs["身份证号"])
    assert zs["联系电话"] == "138****5678" and zs["银行账号"] == "************5678"
    assert by_name["王*"]["监护人姓名"] == "王*山"
    text = " ".join(str(v) for r in rows for v in r if v)
    for p in register:
        assert p.name not in text
        if p.id_number:
            assert p.id_number not in text
    assert "13812345678" not in text and "东风村3组12号" not in text
    assert "脱敏" in dict(wb["说明"].iter_rows(values_only=True))


def test_export_filters_and_refusals(db, register, tmp_path, capsys):
    out = tmp_path / "在册.xlsx"
    code, stdout, _ = run(capsys, "--db", db.path, "export", "recipients", "-o", out, "--status", "active",
                          "--json")
    assert code == 0 and json.loads(stdout)["rows"] == 2
    code, stdout, _ = run(capsys, "--db", db.path, "export", "recipients", "-o", out, "--village", "东风村",
                          "--json")
    assert json.loads(stdout)["rows"] == 1
    code, stdout, _ = run(capsys, "--db", db.path, "export", "recipients", "-o", tmp_path / "x.csv", "--json")
    assert code == 2 and "xlsx" in json.loads(stdout)["error"]
    code, stdout, _ = run(capsys, "--db", db.path, "export", "recipients", "--json")
    assert code == 2  # -o is required
    code, stdout, _ = run(capsys, "--db", db.path, "export", "nothing", "-o", out, "--json")
    assert code == 2


def test_export_many_rows_in_order(db, admin, tmp_path):
    from app import demo

    demo.generate(db, admin, 1500, 0, seed=3)
    written = export_recipients(db, tmp_path / "all.xlsx")
    assert written.rows == 1500
    _, rows = sheet_rows(written.path)
    assert len(rows) == 1501
    keys = [(r[5], r[6]) for r in rows[1:]]  # 所在村（社区）, 组: sorted by village then group
    assert keys == sorted(keys)


# ---------- the writer itself ----------
def test_writer_money_total_row_and_formats(tmp_path):
    cols = [Column("捐赠人"), Column("日期", "date"), Column("金额（元）", "money", total=True),
            Column("件数", "int", total=True)]
    rows = [["张三", dt.date(2024, 1, 2), 320050, 2], ["李四", "2024-02-03", 1, None], ["王五", None, 99, 1]]
    report = Report(title="捐赠台账", station="东风村慈善工作站（ST01）", period="2024-01-01 至 2024-12-31")
    written = write_table(tmp_path / "ledger", report, cols, rows)
    assert written.path.name == "ledger.xlsx" and written.rows == 3
    assert written.totals == {"金额（元）": 320150, "件数": 3}
    wb = openpyxl.load_workbook(written.path)
    ws = wb.worksheets[0]
    data = [list(r) for r in ws.iter_rows(values_only=True)]
    assert data[0] == ["捐赠人", "日期", "金额（元）", "件数"]
    assert data[1] == ["张三", dt.datetime(2024, 1, 2), 3200.5, 2]
    assert data[-1] == ["合计", None, 3201.5, 3]
    assert len(data) == 5
    assert ws["C2"].number_format == "#,##0.00" and ws["C5"].number_format == "#,##0.00"
    assert ws["C5"].font.bold
    assert ws.auto_filter.ref == "A1:D4"  # the total row stays out of the filter
    about = dict(wb["说明"].iter_rows(values_only=True))
    assert about["统计期间"] == "2024-01-01 至 2024-12-31" and about["合计：金额（元）"] == 3201.5


def test_writer_cancel_leaves_no_file(tmp_path):
    rows = ([f"第{i}行"] for i in range(5000))
    with pytest.raises(Cancelled):
        write_table(tmp_path / "x.xlsx", Report("t", "s"), [Column("a")], rows, cancelled=lambda: True)
    assert list(tmp_path.iterdir()) == []


def test_writer_reports_progress_and_unwritable_folder(tmp_path):
    seen = []
    write_table(tmp_path / "p.xlsx", Report("t", "s"), [Column("a", "int")], ([i] for i in range(2500)),
                progress=lambda d, t: seen.append((d, t)), expected_rows=2500)
    assert seen[0] == (1000, 2500) and seen[-1] == (2500, 2500)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    from app.errors import DataError

    with pytest.raises(DataError):
        write_table(blocker / "sub" / "x.xlsx", Report("t", "s"), [Column("a")], [["1"]])


def test_column_checks():
    with pytest.raises(ValueError):
        Column("a", "float")
    with pytest.raises(ValueError):
        Column("a", "text", total=True)
