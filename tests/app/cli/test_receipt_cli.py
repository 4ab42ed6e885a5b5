"""Donation and receipt commands, as scripts and township staff use them."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.cli import main

ROOT = Path(__file__).resolve().parents[3]


def call(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if "--json" in map(str, args) else out), err


@pytest.fixture
def dbfile(tmp_path, capsys):
    p = tmp_path / "t.db"
    assert call(capsys, "--db", p, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")[0] == 0
    return p


def test_donate_void_reissue_reprint_report(capsys, dbfile, tmp_path):
    A = ("--db", dbfile)
    code, got, _ = call(capsys, *A, "donate", "--donor", "张三明", "--amount", "3,200.50", "--method", "微信",
                        "--date", "2026-03-05", "--json")
    assert code == 0 and got["receipt"]["number"] == "ST01-2026-000001"
    assert got["donation"]["amount_fen"] == 320050 and got["donation"]["method"] == "wechat"
    code, got, _ = call(capsys, *A, "donate", "--donor", "张三明", "--goods", "大米,10,袋,50",
                        "--goods", "棉被,2,床", "--date", "2026/3/6", "-o", tmp_path / "r.pdf", "--json")
    assert code == 0 and got["receipt"]["print_count"] == 1 and got["donation"]["amount_fen"] == 50000
    assert PdfReader(tmp_path / "r.pdf").pages
    assert call(capsys, *A, "donate", "--donor", "匿名", "--amount", "50", "--date", "2026-03-07",
                "--json")[1]["donor"]["name"] == "匿名爱心人士"
    code, got, _ = call(capsys, *A, "receipt", "void", "st01-2026-1", "--reason", "金额填错", "--reissue",
                        "--json")
    assert code == 0 and got["voided"]["status"] == "voided" and got["receipt"]["number"] == "ST01-2026-000004"
    code, got, _ = call(capsys, *A, "receipt", "reprint", "ST01-2026-000002", "-o", tmp_path / "c.pdf", "--json")
    assert code == 0 and got["copy"] is True and "补打" in PdfReader(tmp_path / "c.pdf").pages[0].extract_text()
    assert call(capsys, *A, "receipt", "official", "ST01-2026-000002", "鲁财0001", "--json")[1][
        "receipt"]["official_number"] == "鲁财0001"
    code, got, _ = call(capsys, *A, "donation", "void", "ST01-2026-000003", "--reason", "重复", "--json")
    assert code == 0 and got["receipt"]["status"] == "voided"
    code, got, _ = call(capsys, *A, "receipts", "-o", tmp_path / "all.pdf", "--layout", "a4-3", "--json")
    assert code == 0 and (got["receipts"], got["voided"], got["pages"]) == (3, 1, 3)
    code, got, _ = call(capsys, *A, "receipt-report", "--year", 2026, "-o", tmp_path / "rep.xlsx", "--json")
    assert code == 0 and got["summary"]["numbers"] == 4 and got["missing"] == []
    assert [r["status"] for r in got["rows"]] == ["voided", "issued", "voided", "issued"]
    ws = load_workbook(tmp_path / "rep.xlsx", read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 6  # one header row, one row per number, the 合计 row
    amount = rows[0].index("金额（元）")
    valid = sum(r["amount_fen"] for r in got["rows"] if r["status"] == "issued")
    assert rows[-1][0] == "合计" and round(rows[-1][amount] * 100) == valid  # voided numbers not counted
    code, got, _ = call(capsys, *A, "receipt-report", "--year", 2026, "-o", tmp_path / "rep.csv", "--json")
    assert code == 2 and ".xlsx" in got["error"] and not (tmp_path / "rep.csv").exists()


def test_refusals_are_one_json_object_with_non_zero_exit(capsys, dbfile, tmp_path):
    A = ("--db", dbfile)
    for args, reason in (
        (("donate", "--donor", "张三", "--amount", "-5"), "negative"),
        (("donate", "--donor", "张三"), "no_amount"),
        (("donate", "--donor", "张三", "--amount", "5", "--date", "2999-01-01"), "future_date"),
        (("donate", "--donor", "张三", "--amount", "5", "--fund", "没有的基金"), "no_fund"),
        (("receipt", "void", "ST01-2026-000009", "--reason", "x"), "no_receipt"),
        (("receipt", "void", "bogus", "--reason", "x"), "bad_receipt_number"),
        (("receipts", "-o", tmp_path / "x.pdf"), "no_receipts"),
    ):
        code, got, _ = call(capsys, *A, *args, "--json")
        assert code == 1 and got["reason"] == reason, (args, got)
    assert call(capsys, *A, "donate", "--donor", "张三", "--amount", "5", "--json")[0] == 0
    code, got, _ = call(capsys, *A, "--operator", "nobody", "receipt", "void", "ST01-2026-1", "--reason", "x",
                        "--json")
    assert code == 1 and got["reason"] == "no_operator"


def test_config_sets_title_and_layout(capsys, dbfile):
    code, got, _ = call(capsys, "--db", dbfile, "receipt", "config", "--title", "爱心捐赠收据", "--layout", "slip",
                        "--json")
    assert code == 0 and got == {"title": "爱心捐赠收据", "layout": "slip"}


def test_receipts_in_a_real_process(tmp_path):
    p = tmp_path / "t.db"

    def run(*args):
        r = subprocess.run([sys.executable, "-m", "app", "--db", str(p), *map(str, args)],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
        return r.returncode, r.stdout

    assert run("init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")[0] == 0
    assert run("demo", "--recipients", 10, "--donations", 60, "--json")[0] == 0
    code, out = run("receipts", "-o", tmp_path / "all.pdf", "--layout", "slip", "--no-count", "--json")
    got = json.loads(out)
    assert code == 0 and got["receipts"] == 60 and len(PdfReader(tmp_path / "all.pdf").pages) == 180
    year = json.loads(run("receipt-report", "--year", dt.date.today().year, "--json")[1])
    assert year["missing"] == []


def test_donate_to_an_unwritable_pdf_path_records_nothing(tmp_path, capsys):
    from app.cli import main

    db = tmp_path / "s.db"
    assert main(["--db", str(db), "init", "--station-code", "ST01", "--station-name", "站"]) == 0
    capsys.readouterr()
    code = main(["--db", str(db), "donate", "--donor", "张三", "--amount", "77", "-o", str(tmp_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["reason"] == "bad_output"
    import sqlite3

    assert sqlite3.connect(db).execute("SELECT count(*) FROM donations").fetchone()[0] == 0
    code = main(["--db", str(db), "donate", "--donor", "张三", "--amount", "77", "-o", str(tmp_path / "r.pdf"),
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["receipt"]["print_count"] == 1
