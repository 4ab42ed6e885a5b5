"""The public notice (公示) as a PDF: masked, totalled, every font embedded, paged, all or nothing.

Text is read back with poppler's `pdftotext -layout`, as a person would read
the printed sheet; the `book` station is tests/app/report_book.py, as for the Excel notice.
"""

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
from report_book import build_book

from app import demo
from app.cli import main
from app.excel import Cancelled
from app.funds import funds
from app.pdf import draw, table
from app.programmes import distributions, programmes
from app.programmes.programmes import ProgrammeInput
from app.reports import notice_pdf
from app.reports.notice_pdf import write_notice_pdf
from app.reports.period import Period
from app.rules.money import format_fen

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils not installed")

MADE = dt.date(2024, 12, 31)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONEY = re.compile(r"[\d,]+\.\d{2}")


def pages_of(path) -> list[str]:
    """The text of each page, laid out as printed (pdftotext puts a form feed after every page)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def squeeze(text: str) -> str:
    """Without any space (pdftotext keeps or drops the narrow spaces in 第 1 页 as it likes)."""
    return re.sub(r"\s+", "", text)


def printed_rows(path) -> list[list[tuple[str, str, int]]]:
    """(date, 收入/支出 as printed, fen) of each table row, page by page, read by where the words lie.

    An amount belongs to the row whose date is on its level; whether it is 收入 or
    支出 is read from the column it stands in, not from the row's own label.
    """
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        words = [(float(a), (float(b) + float(d)) / 2, float(c), t) for a, b, c, d, t in WORD.findall(page)]
        heads = {t: (x0 + x1) / 2 for x0, _, x1, t in words if t in ("收入（元）", "支出（元）")}
        rows = []
        for x0, y, _, t in words:
            if not (DATE.fullmatch(t) and x0 < 60):  # the 日期 column
                continue
            level = [(wx0, wx1, wt) for wx0, wy, wx1, wt in words if abs(wy - y) < 3]
            kind = next(wt for _, _, wt in level if wt in ("收入", "支出"))
            money = [(wx1, wt) for _, wx1, wt in level if MONEY.fullmatch(wt)]
            assert len(money) == 1, (t, level)
            right, amount = money[0]
            column = "收入" if right < (heads["收入（元）"] + heads["支出（元）"]) / 2 else "支出"
            assert column == kind, (t, kind, amount)
            rows.append((t, kind, int(amount.replace(",", "").replace(".", ""))))
        pages.append(rows)
    return pages


def all_rows(path) -> list[tuple[str, str, int]]:
    return [r for page in printed_rows(path) for r in page]


def db_sums(db) -> tuple[int, int, int, int]:
    """(gifts, fen in, aid lines, fen out) straight from the tables, as the notice should count them."""
    n_in, fen_in = db.one("SELECT count(*), COALESCE(sum(amount_fen), 0) FROM donations WHERE status = 'active'")
    n_out, fen_out = db.one(
        "SELECT count(*), COALESCE(sum(b.amount_fen), 0) FROM disbursements b"
        " JOIN distributions x ON x.id = b.distribution_id"
        " WHERE x.status = 'confirmed' AND b.status NOT IN ('reversed', 'not_collected')")
    return n_in, fen_in, n_out, fen_out


@pytest.fixture
def book(db, admin):
    """A small station year: persons, an enterprise, the anonymous; a voided gift; one aid day."""
    return build_book(db, admin)


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, _ = capsys.readouterr()
    return code, out


@pytest.fixture
def many(db, admin):
    """A station with over a hundred rows to publish: 90 demo gifts, and ¥10 for each demo person."""
    demo.generate(db, admin, 30, 90, seed=5, today=MADE)
    fund = funds.create_fund(db, admin, "冬季慰问基金", "named", 10_000_00)
    prog = programmes.create_programme(db, admin, ProgrammeInput("冬季慰问", fund.id, amount_fen=10_00))
    distributions.distribute(db, admin, prog.id, dt.date(2024, 12, 20), today=MADE)
    assert 100 <= sum(db_sums(db)[::2]) <= 200
    return db


# ---------- masking and totals ----------
def test_names_and_ids_are_masked(db, book, tmp_path):
    path = tmp_path / "公示.pdf"
    result, _ = write_notice_pdf(db, path, today=MADE)
    text = "".join(pages_of(path))
    for masked in ("张*明", "王*", "匿名爱心人士", "东风农资有限公司", "李*海", "欧**娜"):
        assert masked in text
    for p in book["people"]:
        assert p.name not in text and p.id_number not in text
    for p in (book["people"][0], book["people"][2]):  # 李四海, 欧阳娜娜 (赵六's line was reversed)
        assert f"{p.id_number[:4]}**********{p.id_number[-4:]}" in text
    for d in book["donors"][:2]:
        assert d.name not in text
    assert not re.search(r"\d{17}[\dX]", text)  # no whole ID number anywhere
    assert "欧阳大山" not in text and "13812345678" not in text and "资助欧阳娜娜上学" not in text
    assert "赵*" not in text  # the reversed line is not published
    assert "公示期：自张贴之日起 7 日" in flat(text) and "张*明、王*" in text


def test_totals_equal_the_database(db, book, tmp_path):
    path = tmp_path / "公示.pdf"
    result, s = write_notice_pdf(db, path, today=MADE)
    n_in, fen_in, n_out, fen_out = db_sums(db)
    assert (n_in, fen_in, n_out, fen_out) == (5, 1_550_50, 2, 200_00)  # the void gift and 赵六 left out
    last = flat(pages_of(path)[-1])
    assert f"收入合计：{n_in} 笔 ¥{format_fen(fen_in)}" in last
    assert f"支出合计：{n_out} 人次 ¥{format_fen(fen_out)}" in last
    rows = all_rows(path)
    assert sum(f for _, k, f in rows if k == "收入") == fen_in
    assert sum(f for _, k, f in rows if k == "支出") == fen_out
    assert (result.rows, result.in_fen, result.out_fen) == (len(rows), fen_in, fen_out) == (7, 1_550_50, 200_00)
    assert {k: s[k] for k in ("donations", "in_fen", "aid_lines", "out_fen")} == {
        "donations": n_in, "in_fen": fen_in, "aid_lines": n_out, "out_fen": fen_out}
    assert s["aid_fen"] == fen_out and s["spending_fen"] == s["payment_fen"] == 0  # no spending in this book
    assert "制表日期：2024年12月31日" in last and "盖章处" in last
    assert "东风村慈善工作站（ST01）" in last  # the station on the page


def test_period_limits_rows_and_totals(db, book, tmp_path):
    path = tmp_path / "3月.pdf"
    result, _ = write_notice_pdf(db, path, Period(dt.date(2024, 3, 1), dt.date(2024, 3, 31)))
    pages = pages_of(path)
    assert (result.rows, result.in_fen, result.out_fen) == (4, 50_00, 200_00)
    assert {d for d, _, _ in all_rows(path)} == {"2024-03-01", "2024-03-05", "2024-03-10"}
    assert "公示期间：2024-03-01 至 2024-03-31" in flat(pages[0])


def test_empty_period_says_so(db, book, tmp_path):
    path = tmp_path / "空.pdf"
    result, s = write_notice_pdf(db, path, Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31)))
    pages = pages_of(path)
    assert len(pages) == 1 and result.pages == 1 and result.rows == 0
    text = flat(pages[0])
    assert "本期无收支" in text and "收入合计：0 笔 ¥0.00" in text and "支出合计：0 人次 ¥0.00" in text
    assert "第1页共1页" in squeeze(text) and all_rows(path) == []


# ---------- the file itself ----------
def test_only_the_embedded_font(db, book, tmp_path):
    path = tmp_path / "公示.pdf"
    write_notice_pdf(db, path)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert "WenQuanYi" in line and line.split()[-5] == "yes", line  # emb column
    assert "Helvetica" not in out


def test_many_rows_page_with_headers_on_every_page(many, tmp_path):
    db = many
    gifts, fen_in, aided, fen_out = db_sums(db)
    total = gifts + aided
    path = tmp_path / "公示.pdf"
    seen = []
    result, _ = write_notice_pdf(db, path, progress=lambda done, total: seen.append((done, total)))
    pages = pages_of(path)
    n = len(pages)
    assert n == result.pages == len(notice_pdf.page_sizes(total)) and n >= 5
    for i, page in enumerate(pages, start=1):
        text = flat(page)
        assert "慈善款物收支公示" in text and "东风村慈善工作站（ST01）" in text and "公示期间：全部" in text
        for head in ("日期", "收支", "身份证号", "基金 / 项目", "收入（元）", "支出（元）"):
            assert head in text, (i, head)
        assert f"第{i}页共{n}页" in squeeze(text)
        # the period's totals on every page: a page posted alone still says them
        assert squeeze(f"本期收入 {gifts:,} 笔 ¥{format_fen(fen_in)} 支出 {aided:,} 人次 ¥{format_fen(fen_out)}") \
            in squeeze(text)
        assert ("收入合计" in text) == (i == n)
        assert ("（接下页）" in text) == (i != n)
    rows = all_rows(path)
    assert len(rows) == result.rows == total
    assert [len(p) for p in printed_rows(path)] == notice_pdf.page_sizes(total)
    assert [k for _, k, _ in rows] == ["收入"] * gifts + ["支出"] * aided
    text = "".join(pages)
    for name, id_number in db.query("SELECT name, id_number FROM recipients"):
        assert id_number not in text and name not in text
    for (name,) in db.query("SELECT name FROM donors WHERE kind = 'person'"):
        assert name not in text
    assert seen == [(sum(notice_pdf.page_sizes(total)[:k]), total) for k in range(1, n + 1)]


def test_page_sizes_leave_room_for_the_totals():
    per, last = notice_pdf.page_sizes(10_000)[0], notice_pdf.page_sizes(0)
    assert last == [0]
    for n in range(0, 3 * per + 2):
        sizes = notice_pdf.page_sizes(n)
        assert sum(sizes) == n and all(1 <= k <= per for k in sizes[:-1])
        assert (sizes[-1] >= 1 or n == 0) and sizes[-1] < per  # the last page keeps room below its table
    assert table.page_sizes(5, 4, 2) == [4, 1] and table.page_sizes(2, 4, 2) == [2]
    with pytest.raises(ValueError):
        table.page_sizes(5, 4, 5)


def test_long_cells_break_at_separators_and_are_cut_to_fit():
    w = 40 * 72 / 25.4
    assert table._two_lines("捐物：羽绒服 45件、牛奶 18箱", w, 9.5) == ["捐物：羽绒服 45件、", "牛奶 18箱"]
    name = "山东省淄博市张店区东风村农业机械专业合作社联合社有限责任公司"
    lines = table._two_lines(name, w, 9.5)
    assert len(lines) == 2 and lines[1].endswith("…") and name.startswith(lines[0])
    assert all(draw.width(line, 9.5) <= w for line in lines)


def test_long_organisation_name_is_cut_not_spilled(db, admin, tmp_path):
    from app.donations import donations, donors
    from app.donations.donations import DonationInput

    name = "山东省淄博市张店区东风村农业机械专业合作社联合社有限责任公司"
    firm = donors.create_donor(db, admin, "enterprise", name)
    donations.record_donation(db, admin, DonationInput(firm.id, dt.date(2024, 5, 1), amount_fen=88_00,
                                                       method="cash"), today=MADE)
    path = tmp_path / "长.pdf"
    write_notice_pdf(db, path)
    text = pages_of(path)[0]
    assert "山东省淄博市" in text and "…" in text and name not in flat(text).replace(" ", "")
    assert all_rows(path) == [("2024-05-01", "收入", 88_00)]


def test_cancel_leaves_no_file_and_keeps_the_old_one(many, tmp_path):
    path = tmp_path / "公示.pdf"
    calls = []

    def cancel_on_fourth_page() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        write_notice_pdf(many, path, cancelled=cancel_on_fourth_page)
    assert len(calls) == 4  # asked before each page: stopped on the fourth
    assert not path.exists() and not [p for p in tmp_path.iterdir() if p.suffix == ".pdf"]
    path.write_bytes(b"old notice")
    with pytest.raises(Cancelled):
        write_notice_pdf(many, path, cancelled=lambda: True)
    assert path.read_bytes() == b"old notice"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["公示.pdf"]
    assert notice_pdf.Cancelled is Cancelled


def test_a_failed_write_leaves_the_old_file(db, book, tmp_path, monkeypatch):
    import errno

    from app.errors import DataError

    real = notice_pdf.new_canvas

    def half_writing_canvas(target, *args, **kwargs):
        c = real(target, *args, **kwargs)

        def save():  # the stick fills up halfway through the file
            with open(target, "wb") as f:
                f.write(b"%PDF-1.4 half")
            raise OSError(errno.ENOSPC, "No space left on device")

        c.save = save
        return c

    monkeypatch.setattr(notice_pdf, "new_canvas", half_writing_canvas)
    path = tmp_path / "公示.pdf"
    path.write_bytes(b"old notice")
    with pytest.raises(DataError) as err:
        write_notice_pdf(db, path)
    assert err.value.reason == "disk_full"
    assert path.read_bytes() == b"old notice"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == ["公示.pdf"]


# ---------- the command ----------
def test_cli_writes_pdf_and_reports_json(db, book, tmp_path, capsys):
    path = tmp_path / "公示.pdf"
    code, out = run(capsys, "--db", db.path, "export", "notice", "-o", path, "--from", "2024-03-01",
                       "--to", "2024-03-31", "--json")
    assert code == 0, out
    r = json.loads(out)
    assert r["path"] == str(path) and r["kind"] == "notice" and r["format"] == "pdf"
    assert (r["rows"], r["pages"], r["in_fen"], r["out_fen"]) == (4, 1, 50_00, 200_00)
    assert path.read_bytes().startswith(b"%PDF-") and len(pages_of(path)) == r["pages"]
    code, out = run(capsys, "--db", db.path, "export", "notice", "-o", tmp_path / "公示.PDF")
    assert code == 0 and "PDF，1 页" in out  # the suffix in any case; a line for people
    code, out = run(capsys, "--db", db.path, "export", "notice", "-o", tmp_path / "公示.xlsx", "--json")
    assert code == 0 and json.loads(out)["format"] == "xlsx"  # the Excel notice is still there


@pytest.mark.parametrize("kind", ["recipients", "donations", "disbursements", "funds"])
def test_cli_refuses_pdf_for_other_kinds(db, tmp_path, capsys, kind):
    path = tmp_path / "x.pdf"
    code, out = run(capsys, "--db", db.path, "export", kind, "-o", path, "--json")
    assert code == 2 and not path.exists()
    err = json.loads(out)["error"]
    assert ".xlsx" in err and "notice" in err


def test_cli_refuses_other_suffixes_for_the_notice(db, tmp_path, capsys):
    code, out = run(capsys, "--db", db.path, "export", "notice", "-o", tmp_path / "x.csv", "--json")
    assert code == 2 and ".xlsx 或 .pdf" in json.loads(out)["error"]
