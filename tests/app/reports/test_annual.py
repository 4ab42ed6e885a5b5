"""The annual report (`export monthly`) and the figures behind it and the charts (issue 8):
every sheet's 合计 agrees with the first sheet's and with the database's own sums."""

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from report_book import TODAY, build_book, idn

from app.cli import main
from app.excel import Column, Report, write_table
from app.excel.writer import Chart, Table
from app.funds import funds
from app.programmes import distributions, programmes
from app.programmes.programmes import ProgrammeInput, Rules
from app.recipients import recipients
from app.recipients.recipients import RecipientInput
from app.reports import figures
from app.reports.annual import year_period
from app.reports.period import Period

LIVE = "('pending', 'signed', 'paid', 'proxy')"


@pytest.fixture
def year(db, admin):
    """The report book, plus an October aid day for people with categories (one with two)."""
    book = build_book(db, admin)
    for name, birth, cats, village in (("钱七", "19400101", ["高龄老人", "低保户"], "东风村"),
                                       ("孙八", "19420202", ["低保户"], ""),
                                       ("周九", "19430303", ["低保户"], "前进村")):
        recipients.add_recipient(db, admin, RecipientInput(name=name, id_number=idn(birth, "151"),
                                                           village=village, categories=cats))
    general = funds.default_fund(db)
    prog = programmes.create_programme(db, admin, ProgrammeInput(
        "重阳敬老", general.id, amount_fen=20_00, rules=Rules(categories=("高龄老人", "低保户"))))
    d, _ = distributions.distribute(db, admin, prog.id, dt.date(2024, 10, 11), today=TODAY)
    line = next(ln for ln in distributions.lines(db, d.id) if ln.name == "周九")
    distributions.mark_line(db, admin, line.id, "not_collected")  # money back: not counted
    return book


def export(capsys, db, path, *extra):
    code = main(["--db", str(db.path), "export", "monthly", "-o", str(path), "--json", *extra])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def sheet(wb, name):
    rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
    header, body, total = rows[0], rows[1:-1], rows[-1]
    assert total[0] == "合计"
    return header, [dict(zip(header, r, strict=True)) for r in body], dict(zip(header, total, strict=True))


def fen(yuan):
    return round(yuan * 100)


def test_monthly_report_every_sheet_adds_up_to_the_database(db, year, tmp_path, capsys):
    out = tmp_path / "2024.xlsx"
    result = export(capsys, db, out, "--year", "2024")
    received = db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'"
                         " AND donated_on LIKE '2024-%'")
    aid = db.scalar("SELECT sum(b.amount_fen) FROM disbursements b JOIN distributions x"
                    f" ON x.id = b.distribution_id WHERE x.status = 'confirmed' AND b.status IN {LIVE}")
    people = db.scalar(f"SELECT count(*) FROM disbursements WHERE status IN {LIVE}")
    assert (result["received_fen"], result["aid_fen"], result["aid_lines"]) == (received, aid, people)
    assert aid == 2 * 100_00 + 2 * 20_00 and people == 4  # reversed and not-collected lines left out

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["每月收支", "基金收入", "基金支出", "项目支出", "类别支出", "村支出", "其他支出", "基金调拨",
                             "物资出入库", "助餐补贴", "图表", "说明"]
    _, months, total = sheet(wb, "每月收支")
    assert [m["月份"] for m in months] == [f"{i}月" for i in range(1, 13)]
    for i, m in enumerate(months, 1):
        on = f"2024-{i:02d}-%"
        assert fen(m["捐赠收入（元）"]) == db.scalar(
            "SELECT COALESCE(sum(amount_fen), 0) FROM donations WHERE status = 'active' AND donated_on LIKE ?", (on,))
        assert fen(m["捐赠收入（元）"]) == fen(m["现金捐赠（元）"]) + fen(m["物资折价（元）"])
        assert fen(m["收支差额（元）"]) == fen(m["捐赠收入（元）"]) - fen(m["救助支出（元）"])
    assert months[3]["其中定向（元）"] == 300  # April: the gift for 欧阳娜娜
    assert months[9]["救助人次"] == 2 and months[9]["救助支出（元）"] == 40
    assert fen(total["捐赠收入（元）"]) == received and fen(total["救助支出（元）"]) == aid
    assert total["救助人次"] == people and total["捐赠笔数"] == 5

    for name, want in (("基金收入", received), ("基金支出", aid), ("项目支出", aid), ("类别支出", aid),
                       ("村支出", aid)):
        header, rows, t = sheet(wb, name)
        assert header[1:13] == [f"{i}月（元）" for i in range(1, 13)] and header[13] == "全年（元）"
        assert fen(t["全年（元）"]) == want, name
        for r in rows:  # each row's 全年 is its months
            assert fen(r["全年（元）"]) == sum(fen(r[h]) for h in header[1:13])
    _, rows, _ = sheet(wb, "基金收入")
    assert [r["基金"] for r in rows] == ["慈善基金（非定向）", "东风村冠名基金", "助学定向基金"]
    _, rows, t = sheet(wb, "类别支出")
    cats = {r["人员类别"]: r for r in rows}
    assert cats["高龄老人"]["10月（元）"] == 20 and cats["低保户"]["10月（元）"] == 20  # 钱七 once, as 高龄老人
    assert cats[figures.NO_CATEGORY]["3月（元）"] == 200 and t["救助人次"] == people
    _, rows, _ = sheet(wb, "村支出")
    villages = {r["村（社区）"]: r["全年（元）"] for r in rows}
    assert villages == {"东风村": 120, "红星村": 100, figures.NO_VILLAGE: 20}

    charts = wb["图表"]._charts
    assert len(charts) == 4
    refs = [s.val.numRef.f for s in charts[0].series]
    assert refs == ["'每月收支'!$E$2:$E$13", "'每月收支'!$H$2:$H$13"]  # the months, never the 合计 row
    assert [s.tx.strRef.f for s in charts[0].series] == ["'每月收支'!E1", "'每月收支'!H1"]  # named by the header


def test_monthly_default_year_and_bad_year(db, admin, tmp_path, capsys):
    result = export(capsys, db, tmp_path / "now.xlsx")
    assert result["year"] == dt.date.today().year and result["received_fen"] == 0
    wb = openpyxl.load_workbook(tmp_path / "now.xlsx")
    _, months, total = sheet(wb, "每月收支")
    assert len(months) == 12 and total["捐赠收入（元）"] == 0
    code = main(["--db", str(db.path), "export", "monthly", "-o", str(tmp_path / "x.xlsx"), "--year", "20", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code != 0 and "年份" in out["error"] and out["reason"] == "bad_year" and not (tmp_path / "x.xlsx").exists()


def test_buckets_are_months_or_years(db, year):
    assert [b.label for b in figures.buckets(db, Period(dt.date(2023, 11, 5), dt.date(2024, 2, 1)))] == [
        "2023年11月", "2023年12月", "2024年1月", "2024年2月"]
    assert [b.key for b in figures.buckets(db, Period(dt.date(2020, 1, 1), dt.date(2024, 12, 31)))] == [
        "2020", "2021", "2022", "2023", "2024"]
    # no dates: from the first record to the last
    assert [b.label for b in figures.buckets(db, Period())][0] == "1月"
    assert [b.label for b in figures.buckets(db, Period())][-1] == "10月"
    rows = figures.by_month(db, Period(dt.date(2020, 1, 1), dt.date(2024, 12, 31)))
    assert [r.received_fen for r in rows][:4] == [0, 0, 0, 0]
    assert rows[-1].received_fen == db.scalar("SELECT sum(amount_fen) FROM donations WHERE status = 'active'")


def test_a_period_of_centuries_is_narrowed_to_the_records(db, year):
    """0001-01-01 to 9999-12-31 is a clerk's 'everything', not 9,999 empty bars."""
    wide = figures.by_month(db, Period(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
    assert [r.bucket.label for r in wide] == [b.label for b in figures.buckets(db, Period())]
    assert sum(r.received_fen for r in wide) == db.scalar(
        "SELECT sum(amount_fen) FROM donations WHERE status = 'active'")
    # thirty years is still shown as asked, empty years and all
    assert len(figures.buckets(db, Period(dt.date(1995, 1, 1), dt.date(2024, 12, 31)))) == 30


def test_empty_station_has_no_buckets_without_dates(db, admin):
    assert figures.buckets(db, Period()) == [] and figures.by_month(db, Period()) == []
    assert len(figures.by_month(db, year_period(2024))) == 12


def test_writer_tables_and_charts_are_checked(tmp_path):
    report = Report("t", "s")
    cols = [Column("名称"), Column("金额", "money", total=True)]
    with pytest.raises(ValueError, match="说明"):
        write_table(tmp_path / "a.xlsx", report, cols, [], tables=[Table("说明", cols, [])])
    with pytest.raises(ValueError, match="no table"):
        write_table(tmp_path / "a.xlsx", report, cols, [], charts=[Chart("c", 0, (1,), table="没有")])
    written = write_table(tmp_path / "b.xlsx", report, cols, [["甲", 100]],
                          tables=[Table("分表", cols, [["乙", 250], ["丙", 50]])],
                          charts=[Chart("图", 0, (1,), table="分表", kind="bar")])
    assert written.tables == {"分表": (2, {"金额": 300})} and written.totals == {"金额": 100}
    wb = openpyxl.load_workbook(tmp_path / "b.xlsx")
    assert wb.sheetnames == ["t", "分表", "图表", "说明"]
    assert [r[1] for r in wb["分表"].iter_rows(values_only=True)] == ["金额", 2.5, 0.5, 3.0]
    assert not (tmp_path / "a.xlsx").exists()


def test_charts_are_never_cut_by_a_printed_page_and_bars_start_at_zero(tmp_path):
    from app.excel.writer import CHART_PAGE_CM, ROW_CM

    cols = [Column("村"), Column("金额", "money", total=True)]
    rows = [[f"{i}村", 350_000_000 + i * 1_000_00] for i in range(12)]
    charts = [Chart(f"图{i}", 0, (1,), kind="bar" if i % 2 else "col") for i in range(4)]
    write_table(tmp_path / "c.xlsx", Report("t", "s"), cols, rows, charts=charts)
    ws = openpyxl.load_workbook(tmp_path / "c.xlsx")["图表"]
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # a break after row `id`
    assert breaks, "four charts do not fit on one page"
    placed = sorted((c.anchor._from.row, c.height) for c in ws._charts)  # 0-based anchor rows
    for start, height in placed:
        page_top = max([b for b in breaks if b <= start], default=0)
        assert (start - page_top) * ROW_CM + height <= CHART_PAGE_CM + 0.01  # fits on its page
    assert all(c.y_axis.scaling.min == 0 for c in ws._charts)  # 3,500,000 and 3,511,000 look alike


def test_a_folder_given_as_the_file_is_refused(tmp_path):
    from app.errors import InputError
    from app.safe_write import write_bytes

    folder = tmp_path / "U盘"
    folder.mkdir()
    with pytest.raises(InputError, match="文件夹") as exc:
        write_table(folder, Report("t", "s"), [Column("名称")], [["甲"]])
    assert str(folder / "报表.xlsx") in exc.value.message  # a name to add, of the right kind
    with pytest.raises(InputError, match="文件夹") as exc:
        write_bytes(folder, b"%PDF-1.4 ...")
    assert str(folder / "文件.pdf") in exc.value.message
    assert list(tmp_path.iterdir()) == [folder] and not list(folder.iterdir())  # nothing beside or inside


def test_a_place_that_cannot_be_written_says_so_in_chinese_before_the_work(tmp_path, monkeypatch):
    """A write-protected USB stick: refused at once with a plain reason, no file, no work done."""
    import errno

    from app import safe_write
    from app.errors import DataError

    def read_only(path, mode="r", *args, **kwargs):
        if "w" in mode:
            raise OSError(errno.EROFS, "Read-only file system")
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(safe_write, "open", read_only, raising=False)
    rows_read = []

    def rows():
        rows_read.append(1)
        yield ["甲", 100]

    with pytest.raises(DataError) as err:
        write_table(tmp_path / "r.xlsx", Report("t", "s"), [Column("名称"), Column("金额", "money")], rows())
    assert "只能读" in err.value.message and "Read-only" not in err.value.message
    assert rows_read == [] and list(tmp_path.iterdir()) == []


def test_disk_full_while_saving_leaves_no_file_and_no_stray_streams(tmp_path, monkeypatch):
    import errno
    import gc
    import sys

    from openpyxl import Workbook

    from app.errors import DataError

    def full(self, filename):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full)
    stray = []
    monkeypatch.setattr(sys, "unraisablehook", stray.append)  # where 'Exception ignored in …' goes
    with pytest.raises(DataError) as err:
        write_table(tmp_path / "f.xlsx", Report("t", "s"), [Column("名称")], [["甲"]])
    assert err.value.reason == "disk_full" and "已满" in err.value.message
    assert list(tmp_path.iterdir()) == []
    del err  # its traceback holds the workbook; let it go, as the program does
    gc.collect()
    assert stray == []  # no 'Exception ignored in <generator …>' on the screen


def test_a_file_open_in_wps_on_windows_is_found_before_the_work(tmp_path, monkeypatch):
    """On Windows WPS/Excel hold an open file so that it cannot be replaced: the export says so at
    once, not after writing everything (simulated: the open target refuses writing)."""
    from app import safe_write
    from app.errors import DataError

    target = tmp_path / "捐赠台账.xlsx"
    target.write_bytes(b"yesterday's ledger")

    def held(path, mode="r", *args, **kwargs):
        if Path(path) == target and "+" in mode:
            err = PermissionError(13, "The process cannot access the file")
            err.winerror = 32  # type: ignore[attr-defined]
            raise err
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(safe_write, "_WINDOWS", True)
    monkeypatch.setattr(safe_write, "open", held, raising=False)
    rows_read = []

    def rows():
        rows_read.append(1)
        yield ["甲"]

    with pytest.raises(DataError) as err:
        write_table(target, Report("t", "s"), [Column("名称")], rows())
    assert "WPS" in err.value.message and rows_read == []
    assert target.read_bytes() == b"yesterday's ledger" and sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_a_file_where_the_folder_should_be_is_explained(tmp_path):
    from app.errors import DataError

    (tmp_path / "报表").write_text("not a folder")
    with pytest.raises(DataError) as err:
        write_table(tmp_path / "报表" / "a.xlsx", Report("t", "s"), [Column("名称")], [["甲"]])
    assert "不能在" in err.value.message or "建立文件" in err.value.message
    assert "EEXIST" not in err.value.message and "ENOTDIR" not in err.value.message
