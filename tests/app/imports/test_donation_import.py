"""import-donations: a 慈心一日捐 collection list through the shared reader, all or nothing."""

import datetime as dt
import json

import openpyxl
import pytest

from app.cli import main
from app.donations import receipts
from app.funds import funds
from app.imports.donations import import_file

TODAY = dt.date(2026, 9, 10)


def make_list(path, rows, *, title=True, total=True, header=("序号", "姓名", "捐款金额（元）", "捐款日期", "所在单位", "电话", "备注")):
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append(["东风镇2026年“慈心一日捐”捐款名单"])
        ws.merge_cells("A1:G1")
        ws.append(["填报单位：镇中心小学", None, None, None, "金额单位：元"])
    ws.append(list(header))
    for i, r in enumerate(rows, start=1):
        ws.append([i, *r])
    if total:
        n = ws.max_row
        ws.append(["合计", None, f"=SUM(C4:C{n})"])
        ws.append(["制表人：李老师", None, None, "审核人：王校长"])
    wb.save(path)
    return path


GOOD = [
    ("张三", 100, "2026-09-05", "镇中心小学", "13812345678", ""),
    ("李四", "¥200.50", "2026.9.5", "镇中心小学", "", "教师"),
    ("匿名", "50元", dt.date(2026, 9, 5), "", "", ""),
]


def test_good_list_imports_with_receipts(db, volunteer, tmp_path):
    f = make_list(tmp_path / "list.xlsx", GOOD)
    r = import_file(db, volunteer, f, today=TODAY)
    assert (r.imported, r.duplicates, r.refused) == (3, 0, False)
    assert r.skipped >= 2  # the 合计 row and the footer
    assert funds.default_fund(db).balance_fen == 10000 + 20050 + 5000
    row = db.one("SELECT d.id, o.workplace, o.kind FROM donations d JOIN donors o ON o.id = d.donor_id"
                 " WHERE o.name = '张三'")
    assert row["workplace"] == "镇中心小学" and row["kind"] == "person"
    assert receipts.receipt_for_donation(db, row["id"]) is not None
    assert db.scalar("SELECT count(*) FROM donors WHERE kind = 'anonymous'") == 1


def test_one_bad_row_means_nothing_written(db, volunteer, tmp_path):
    rows = GOOD + [("", 30, "2026-09-05", "", "", ""), ("王五", "abc", "2026-09-05", "", "", ""),
                   ("赵六", 10, "2026-12-01", "", "", ""), ("孙七", 10, "2026-09-05", "", "123", "")]
    f = make_list(tmp_path / "list.xlsx", rows)
    r = import_file(db, volunteer, f, today=TODAY, report=tmp_path / "errors.xlsx")
    assert r.refused and r.imported == 0
    assert db.scalar("SELECT count(*) FROM donations") == 0
    by_row = {(e.row, e.column) for e in r.errors}
    # title (1), unit line (2), header (3): data rows start at Excel row 4
    assert (7, "姓名") in by_row
    assert (8, "捐款金额（元）") in by_row
    assert (9, "捐款日期") in by_row
    assert (10, "电话") in by_row
    report = openpyxl.load_workbook(tmp_path / "errors.xlsx").active
    header = [c.value for c in report[3]]  # the report keeps the sheet's own rows, title included
    assert "错误说明" in header
    col = header.index("错误说明") + 1
    assert report.cell(7, col).value and "姓名" in report.cell(7, col).value


def test_skip_invalid_and_duplicates_on_second_import(db, volunteer, tmp_path):
    f = make_list(tmp_path / "list.xlsx", GOOD + [("王五", "abc", "2026-09-05", "", "", "")])
    r = import_file(db, volunteer, f, today=TODAY, skip_invalid=True)
    assert r.imported == 3 and len(r.errors) == 1
    again = import_file(db, volunteer, f, today=TODAY, skip_invalid=True)
    # named donors are recognised; an anonymous gift cannot be told apart, so it is recorded again
    assert again.imported == 1 and again.duplicates == 2
    assert db.scalar("SELECT count(*) FROM donations") == 4


def test_dry_run_writes_nothing(db, volunteer, tmp_path):
    f = make_list(tmp_path / "list.xlsx", GOOD)
    r = import_file(db, volunteer, f, today=TODAY, dry_run=True)
    assert r.valid == 3 and not r.refused and r.imported == 0
    assert db.scalar("SELECT count(*) FROM donations") == 0


def test_cli_json_and_fund(db, admin, tmp_path, capsys):
    fund = funds.create_fund(db, admin, "助学定向基金", "directed")
    f = make_list(tmp_path / "list.csv", [], title=False, total=False)
    f.unlink()
    f.write_text("姓名,金额,日期\n张三,100,2026-09-05\n李四,200,2026-09-06\n", encoding="gbk")
    code = main(["--db", str(db.path), "import-donations", str(f), "--fund", "助学定向基金", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["imported"] == 2 and out["errors"] == []
    assert funds.get_fund(db, fund.id).balance_fen == 30000


def test_cli_refused_prints_json_and_exits_non_zero(db, tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("姓名,金额\n张三,-5\n", encoding="utf-8")
    code = main(["--db", str(db.path), "import-donations", str(f), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["refused"] and out["errors"][0]["row"] == 2
    assert out["imported"] == 0


@pytest.mark.parametrize("content", [b"", b"\x00\x01garbage" * 100])
def test_not_a_spreadsheet(db, tmp_path, capsys, content):
    f = tmp_path / "x.xlsx"
    f.write_bytes(content)
    code = main(["--db", str(db.path), "import-donations", str(f), "--json"])
    captured = capsys.readouterr()
    assert code == 1 and json.loads(captured.out)["refused"]
    assert "Traceback" not in captured.err


def test_second_workplace_list_is_not_taken_for_duplicates(db, volunteer, tmp_path):
    a = tmp_path / "一中.csv"
    a.write_text("姓名,金额,日期,所在单位\n匿名,100,2026-09-05,\n张伟,50,2026-09-05,一中\n", encoding="utf-8")
    b = tmp_path / "县医院.csv"
    b.write_text("姓名,金额,日期,所在单位\n匿名,100,2026-09-05,\n张伟,50,2026-09-05,县医院\n李娜,50,2026-09-05,县医院\n",
                 encoding="utf-8")
    assert import_file(db, volunteer, a, today=TODAY).imported == 2
    r = import_file(db, volunteer, b, today=TODAY)
    assert (r.imported, r.duplicates) == (3, 0)
    assert funds.default_fund(db).balance_fen == 150 * 100 + 200 * 100


def test_report_to_a_folder_is_refused_before_writing(db, volunteer, tmp_path):
    f = make_list(tmp_path / "list.xlsx", GOOD + [("王五", "abc", "2026-09-05", "", "", "")])
    r = import_file(db, volunteer, f, today=TODAY, skip_invalid=True, report=tmp_path)
    assert r.refused and r.imported == 0 and "文件夹" in r.message
    assert db.scalar("SELECT count(*) FROM donations") == 0
