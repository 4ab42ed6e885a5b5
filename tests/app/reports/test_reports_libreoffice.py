"""Every report opens in LibreOffice with totals equal to the database's (issue 8).

The station year of tests/app/report_book.py is exported once per case in
`CASES` (through the CLI, as a clerk would), then ONE headless LibreOffice run
opens every file and saves it again as .xlsx — so each file has gone through
Calc's import and export. The converted files, read with openpyxl, must keep
the sheet names, the one header row, the row count, every value and text
(Chinese included), the `#,##0.00` money format and the 说明 sheet; and the
合计 row must equal sums taken straight from the database with SQL
(donations, disbursements, fund_balances), never from the export's own JSON.

Adding an export kind (say `export monthly --year 2024`) is one entry in
`CASES`: the file name, the CLI arguments, the sheet names and a function from
the database to the expected row count and totals.

Without `soffice` on PATH the module is skipped — unless
CHARITYDESK_REQUIRE_SOFFICE=1 is set (CI), which turns the skip into a failure.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from report_book import build_book
from soffice import convert as _convert
from soffice import soffice as _soffice

from app.cli import main
from app.db import Database
from app.station import accounts, setup

MONEY_FORMAT = "#,##0.00"
#: Seconds LibreOffice may take for the whole batch (one start, every file).
#: Disbursement lines that hold money and count in the totals (not 已冲销 / 未领取).
LIVE = "('pending', 'signed', 'paid', 'proxy')"


# ---------- what the database says each report must show ----------
@dataclass(frozen=True)
class Expect:
    """A report's figures, straight from the database."""

    rows: int  # records on the first sheet (header and 合计 rows not counted)
    money: dict[str, int] = field(default_factory=dict)  # 合计 row: money column -> fen
    counts: dict[str, int] = field(default_factory=dict)  # 合计 row: int column -> number
    texts: tuple[str, ...] = ()  # (Chinese) text that must be on the first sheet

    @property
    def has_total(self) -> bool:
        return bool(self.money or self.counts)


def _in(column: str, frm: str | None, to: str | None) -> tuple[str, list[str]]:
    """` AND date(column) BETWEEN …` for a period, both ends inclusive, either open."""
    sql, params = "", []
    if frm:
        sql += f" AND date({column}) >= ?"
        params.append(frm)
    if to:
        sql += f" AND date({column}) <= ?"
        params.append(to)
    return sql, params


def _texts(db: Database, sql: str, params: list[str]) -> tuple[str, ...]:
    return tuple(sorted({r[0] for r in db.query(sql, params) if r[0]}))


def donations(frm: str | None = None, to: str | None = None) -> Callable[[Database], Expect]:
    def expect(db: Database) -> Expect:
        where, p = _in("d.donated_on", frm, to)
        return Expect(
            rows=db.scalar(f"SELECT count(*) FROM donations d WHERE 1 = 1{where}", p),
            money={"金额（元）": db.scalar(
                f"SELECT COALESCE(sum(amount_fen), 0) FROM donations d WHERE status = 'active'{where}", p)},
            texts=_texts(db, f"SELECT dn.name FROM donations d JOIN donors dn ON dn.id = d.donor_id"
                             f" WHERE 1 = 1{where}", p))
    return expect


def disbursements(frm: str | None = None, to: str | None = None) -> Callable[[Database], Expect]:
    def expect(db: Database) -> Expect:
        where, p = _in("x.distributed_on", frm, to)
        lines = (" FROM disbursements b JOIN distributions x ON x.id = b.distribution_id"
                 f" WHERE x.status = 'confirmed'{where}")
        return Expect(
            rows=db.scalar("SELECT count(*)" + lines, p),
            money={"金额（元）": db.scalar(
                f"SELECT COALESCE(sum(b.amount_fen), 0){lines} AND b.status IN {LIVE}", p)},
            texts=_texts(db, "SELECT b.name" + lines, p))
    return expect


#: Directed (定向): for a programme or a person, or into a directed fund — written out here, not imported.
DIRECTED = (" AND (programme_id IS NOT NULL OR recipient_id IS NOT NULL"
            " OR fund_id IN (SELECT id FROM funds WHERE kind = 'directed'))")


def goods_held(db: Database, to: str) -> int:
    """Per fund: goods received up to `to` less goods handed out as goods, never below 0 nor above
    the fund's balance then; summed."""
    held = 0
    for (fund_id,) in db.query("SELECT id FROM funds"):
        got = db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM donations WHERE fund_id = ? AND status = 'active'"
                        " AND kind = 'goods' AND date(donated_on) <= ?", (fund_id, to))
        gone = db.scalar("SELECT COALESCE(sum(o.amount_fen), 0) FROM fund_outflows o"
                         " JOIN disbursements b ON b.id = o.source_id JOIN distributions x ON x.id = b.distribution_id"
                         " JOIN programmes p ON p.id = x.programme_id WHERE o.fund_id = ? AND o.status = 'active'"
                         " AND p.kind = 'goods' AND date(o.paid_on) <= ?", (fund_id, to))
        balance = (db.scalar("SELECT balance_fen FROM fund_balances WHERE fund_id = ?", (fund_id,))
                   - db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM donations WHERE fund_id = ?"
                               " AND status = 'active' AND date(donated_on) > ?", (fund_id, to))
                   + db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM fund_outflows WHERE fund_id = ?"
                               " AND status = 'active' AND date(paid_on) > ?", (fund_id, to)))
        held += max(0, min(got - gone, balance))
    return held


def fund_statement(frm: str | None = None, to: str | None = None) -> Callable[[Database], Expect]:
    """期末 from the fund_balances view (less what came and went after the period); 期初 from the
    funds' opening balances plus what came and went before it."""
    def expect(db: Database) -> Expect:
        def donated(cond: str, params: list[str], extra: str = "") -> int:
            return db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM donations"
                             f" WHERE status = 'active'{cond}{extra}", params)

        def paid(cond: str, params: list[str]) -> int:
            return db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM fund_outflows"
                             f" WHERE status = 'active'{cond}", params)

        d_in, dp = _in("donated_on", frm, to)
        o_in, op = _in("paid_on", frm, to)
        m_in, mp = _in("moved_on", frm, to)
        before = [frm] if frm else ["0000-00-00"]
        after = [to] if to else ["9999-12-31"]

        def other(cond: str, params: list[str]) -> tuple[int, int]:
            """Spending (支出) and direct payments, from their own tables, not the journal."""
            return (db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM fund_spending WHERE status = 'active'"
                              + cond.replace("paid_on", "spent_on"), params),
                    db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM fund_payments WHERE status = 'active'"
                              + cond, params))

        spent_before = sum(other(" AND date(paid_on) < ?", before))
        spent_after = sum(other(" AND date(paid_on) > ?", after))
        spent, direct = other(o_in, op)
        moved_in = db.scalar(f"SELECT COALESCE(sum(amount_fen), 0) FROM fund_transfers WHERE 1 = 1{m_in}", mp)
        opening = (db.scalar("SELECT sum(opening_fen) FROM funds")
                   + donated(" AND date(donated_on) < ?", before)
                   - paid(" AND date(paid_on) < ?", before) - spent_before)
        closing = (db.scalar("SELECT sum(balance_fen) FROM fund_balances")
                   - donated(" AND date(donated_on) > ?", after)
                   + paid(" AND date(paid_on) > ?", after) - sum(other("", [])) + spent_after)
        received, out = donated(d_in, dp), paid(o_in, op) + spent + direct
        assert closing == opening + received - out  # the database agrees with itself (transfers cancel out)
        return Expect(
            rows=db.scalar("SELECT count(*) FROM funds"),
            money={"期初余额（元）": opening, "本期收入（元）": received, "本期支出（元）": out,
                   "其中其他支出（元）": spent, "其中定向拨付（元）": direct, "调入（元）": moved_in,
                   "调出（元）": moved_in, "期末余额（元）": closing,
                   "其中定向捐赠（元）": donated(d_in, dp, DIRECTED),
                   "其中物资折价（元）": donated(d_in, dp, " AND kind = 'goods'"),
                   "余额中的物资折价（元）": goods_held(db, after[0])},
            counts={"捐赠笔数": db.scalar(
                f"SELECT count(*) FROM donations WHERE status = 'active'{d_in}", dp)},
            texts=_texts(db, "SELECT name FROM funds", []))
    return expect


def notice(frm: str | None = None, to: str | None = None) -> Callable[[Database], Expect]:
    def expect(db: Database) -> Expect:
        d_in, dp = _in("donated_on", frm, to)
        x_in, xp = _in("x.distributed_on", frm, to)
        lines = (" FROM disbursements b JOIN distributions x ON x.id = b.distribution_id"
                 " JOIN programmes p ON p.id = x.programme_id"
                 f" WHERE x.status = 'confirmed' AND b.status IN {LIVE}{x_in}")
        gifts = f" FROM donations WHERE status = 'active'{d_in}"
        s_in, sp = _in("spent_on", frm, to)
        y_in, yp = _in("paid_on", frm, to)
        spent = f" FROM fund_spending WHERE status = 'active'{s_in}"
        direct = f" FROM fund_payments WHERE status = 'active'{y_in}"
        return Expect(
            rows=(db.scalar("SELECT count(*)" + gifts, dp) + db.scalar("SELECT count(*)" + lines, xp)
                  + db.scalar("SELECT count(*)" + spent, sp) + db.scalar("SELECT count(*)" + direct, yp)),
            money={"收入（元）": db.scalar("SELECT COALESCE(sum(amount_fen), 0)" + gifts, dp),
                   "支出（元）": db.scalar("SELECT COALESCE(sum(b.amount_fen), 0)" + lines, xp)
                   + db.scalar("SELECT COALESCE(sum(amount_fen), 0)" + spent, sp)
                   + db.scalar("SELECT COALESCE(sum(amount_fen), 0)" + direct, yp)},
            texts=("收入", "支出", *_texts(db, "SELECT p.name" + lines, xp)))
    return expect


def recipient_list(db: Database) -> Expect:
    """No money column: no 合计 row."""
    return Expect(rows=db.scalar("SELECT count(*) FROM recipients"),
                  texts=_texts(db, "SELECT name FROM recipients", []) + ("在册",))


def monthly(year: int) -> Callable[[Database], Expect]:
    """The first sheet 每月收支: one row per month; 合计 over the year."""
    def expect(db: Database) -> Expect:
        d_in, dp = _in("donated_on", f"{year}-01-01", f"{year}-12-31")
        x_in, xp = _in("x.distributed_on", f"{year}-01-01", f"{year}-12-31")
        gifts = f" FROM donations WHERE status = 'active'{d_in}"
        lines = (" FROM disbursements b JOIN distributions x ON x.id = b.distribution_id"
                 f" WHERE x.status = 'confirmed' AND b.status IN {LIVE}{x_in}")
        received = db.scalar("SELECT COALESCE(sum(amount_fen), 0)" + gifts, dp)
        aid = db.scalar("SELECT COALESCE(sum(b.amount_fen), 0)" + lines, xp)
        s_in, sp = _in("spent_on", f"{year}-01-01", f"{year}-12-31")
        y_in, yp = _in("paid_on", f"{year}-01-01", f"{year}-12-31")
        other = (db.scalar(f"SELECT COALESCE(sum(amount_fen), 0) FROM fund_spending WHERE status = 'active'{s_in}", sp)
                 + db.scalar(f"SELECT COALESCE(sum(amount_fen), 0) FROM fund_payments WHERE status = 'active'{y_in}",
                             yp))
        return Expect(
            rows=12,
            money={"现金捐赠（元）": db.scalar("SELECT COALESCE(sum(amount_fen), 0)" + gifts + " AND kind = 'cash'", dp),
                   "物资折价（元）": db.scalar("SELECT COALESCE(sum(amount_fen), 0)" + gifts + " AND kind = 'goods'", dp),
                   "捐赠收入（元）": received,
                   "其中定向（元）": db.scalar("SELECT COALESCE(sum(amount_fen), 0)" + gifts + DIRECTED, dp),
                   "救助支出（元）": aid, "其他支出（元）": other, "收支差额（元）": received - aid - other},
            counts={"捐赠笔数": db.scalar("SELECT count(*)" + gifts, dp),
                    "救助人次": db.scalar("SELECT count(*)" + lines, xp)},
            texts=("1月", "12月", "合计"))
    return expect


def add_money_out(db: Database, admin: accounts.Operator) -> None:
    """Money that leaves without a distribution day: a purchase, a grant, a direct payment to the
    child the 助学 gift was for, and a transfer between funds (one of them in March)."""
    from app.funds import funds, payments, spending, transfers

    today = dt.date(2024, 12, 31)
    general = funds.default_fund(db)
    named = funds.find_fund(db, "东风村冠名基金")
    spending.spend(db, admin, general.id, 300_00, payee="东风粮油店", purpose="购买大米", voucher="记-001",
                   approver="王刚", on=dt.date(2024, 3, 15), today=today)
    spending.spend(db, admin, named.id, 150_00, payee="东风小学", purpose="资助学校", voucher="记-002",
                   approver="王刚", on=dt.date(2024, 5, 2), today=today)
    transfers.transfer(db, admin, general.id, named.id, 100_00, decision_ref="村委会〔2024〕3号",
                       on=dt.date(2024, 3, 20), today=today)
    child = db.scalar("SELECT recipient_id FROM donations WHERE recipient_id IS NOT NULL LIMIT 1")
    payments.pay(db, admin, child, 100_00, fund_id=funds.find_fund(db, "助学定向基金").id,
                 on=dt.date(2024, 4, 5), today=today)


@dataclass(frozen=True)
class Case:
    name: str  # the file's name (unique) and the test id
    args: tuple[str, ...]  # after `export`: the kind and its options
    sheets: tuple[str, ...]  # every sheet, in order
    expect: Callable[[Database], Expect]


#: One entry per export kind (and per interesting period). A new kind: add a line.
CASES: tuple[Case, ...] = (
    Case("donations", ("donations",), ("捐赠台账", "说明"), donations()),
    Case("donations-feb", ("donations", "--from", "2024-02-01", "--to", "2024-03-01"), ("捐赠台账", "说明"),
         donations("2024-02-01", "2024-03-01")),
    Case("disbursements", ("disbursements",), ("发放台账", "说明"), disbursements()),
    Case("disbursements-none", ("disbursements", "--from", "2024-03-11"), ("发放台账", "说明"),
         disbursements("2024-03-11")),
    Case("funds", ("funds",), ("基金收支表", "说明"), fund_statement()),
    Case("funds-march", ("funds", "--from", "2024-03-01", "--to", "2024-03-31"), ("基金收支表", "说明"),
         fund_statement("2024-03-01", "2024-03-31")),
    Case("notice", ("notice",), ("公示", "支出按用途", "说明"), notice()),
    Case("notice-march", ("notice", "--from", "2024-03-01", "--to", "2024-03-31"), ("公示", "支出按用途", "说明"),
         notice("2024-03-01", "2024-03-31")),
    Case("recipients", ("recipients",), ("受助对象", "说明"), recipient_list),
    Case("monthly-2024", ("monthly", "--year", "2024"),
         ("每月收支", "基金收入", "基金支出", "项目支出", "类别支出", "村支出", "其他支出", "基金调拨", "物资出入库", "助餐补贴",
          "图表", "说明"),
         monthly(2024)),
)


# ---------- one export and one LibreOffice run for the module ----------
@dataclass
class Converted:
    db: Database
    exported: dict[str, Path]
    converted: dict[str, Path]
    _books: dict[tuple[Path, bool], Any] = field(default_factory=dict)

    def book(self, path: Path, *, data_only: bool = True) -> Any:
        key = (path, data_only)
        if key not in self._books:
            self._books[key] = openpyxl.load_workbook(path, data_only=data_only)
        return self._books[key]

    def original(self, case: Case) -> Any:
        return self.book(self.exported[case.name])

    def calc(self, case: Case, *, data_only: bool = True) -> Any:
        return self.book(self.converted[case.name], data_only=data_only)


@pytest.fixture(scope="module")
def lo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converted]:
    soffice = _soffice()
    root = tmp_path_factory.mktemp("libreoffice")
    db = Database.open(root / "station.db", create=True)
    try:
        setup.set_up(db, accounts.SYSTEM, "ST01", "东风村慈善工作站", "东风镇")
        admin = accounts.create_operator(db, accounts.SYSTEM, "admin", "管理员", "admin", "secret123")
        build_book(db, admin)
        add_money_out(db, admin)
        src = root / "exported"
        src.mkdir()
        exported = {}
        for case in CASES:
            path = src / f"{case.name}.xlsx"
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--db", str(db.path), "export", *case.args, "-o", str(path), "--json"])
            assert code == 0 and path.is_file(), f"{case.args}: {out.getvalue()} {err.getvalue()}"
            assert json.loads(out.getvalue())["kind"] == case.args[0]
            exported[case.name] = path
        out_dir = root / "calc"
        _convert(soffice, list(exported.values()), out_dir, root)
        yield Converted(db, exported, {name: out_dir / p.name for name, p in exported.items()})
    finally:
        db.close()


def rows_of(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def yuan_to_fen(value: Any) -> int:
    assert isinstance(value, int | float) and not isinstance(value, bool), f"not a number: {value!r}"
    return round(value * 100)


cases = pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])


# ---------- the checks ----------
@cases
def test_sheet_names_survive(lo, case):
    assert lo.original(case).sheetnames == list(case.sheets)
    assert lo.calc(case).sheetnames == list(case.sheets)


@cases
def test_total_row_equals_the_database(lo, case):
    expect = case.expect(lo.db)
    rows = rows_of(lo.calc(case).worksheets[0])
    header = rows[0]
    if not expect.has_total:
        assert all(r[0] != "合计" for r in rows)
        return
    total = dict(zip(header, rows[-1], strict=True))
    assert rows[-1][0] == "合计"
    shown = {h for h, v in list(total.items())[1:] if v is not None}
    assert shown == set(expect.money) | set(expect.counts)  # every figure on the row is checked
    assert {h: yuan_to_fen(total[h]) for h in expect.money} == expect.money
    assert {h: total[h] for h in expect.counts} == expect.counts
    for h in expect.counts:
        assert isinstance(total[h], int)


@cases
def test_row_count_and_header_survive(lo, case):
    expect = case.expect(lo.db)
    ws = lo.calc(case).worksheets[0]
    rows = rows_of(ws)
    assert ws.max_row == len(rows) == 1 + expect.rows + (1 if expect.has_total else 0)
    assert rows[0] == rows_of(lo.original(case).worksheets[0])[0]
    assert all(isinstance(h, str) and h for h in rows[0])  # one header row, every column named
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(rows[0]))}{expect.rows + 1}"


@cases
def test_money_format_survives(lo, case):
    expect = case.expect(lo.db)
    ws = lo.calc(case).worksheets[0]
    header = [c.value for c in ws[1]]
    money = [i + 1 for i, h in enumerate(header) if h in expect.money or str(h).endswith("（元）")]
    assert set(expect.money) <= {header[i - 1] for i in money}
    checked = []
    for col in money:
        for r in range(2, ws.max_row + 1):
            cell = ws.cell(r, col)
            if cell.value is not None:
                assert cell.data_type == "n" and cell.number_format == MONEY_FORMAT, (cell.coordinate, case.name)
                checked.append(cell.coordinate)
    assert len(checked) >= len(expect.money)  # at least the 合计 row's


@cases
def test_every_value_and_text_survives(lo, case):
    """Cell by cell on every sheet: the same values (Chinese text, numbers, dates) and
    equivalent number formats; LibreOffice writes values, no formulas."""
    original, calc = lo.original(case), lo.calc(case)
    for name in case.sheets:
        a, b = rows_of(original[name]), rows_of(calc[name])
        assert len(a) == len(b), name
        for ra, rb in zip(a, b, strict=True):
            assert len(ra) == len(rb) and all(
                va == vb or (isinstance(va, float) and vb == pytest.approx(va, abs=1e-9))
                for va, vb in zip(ra, rb, strict=True)), (name, ra, rb)
        for ra, rb in zip(original[name].iter_rows(), calc[name].iter_rows(), strict=True):
            for ca, cb in zip(ra, rb, strict=True):
                if ca.value is not None:  # LibreOffice escapes literals: yyyy\-mm\-dd
                    assert cb.number_format.replace("\\", "") == ca.number_format, cb.coordinate
    formulas = [c.coordinate for ws in lo.calc(case, data_only=False).worksheets
                for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    text = {v for row in rows_of(calc.worksheets[0]) for v in row if isinstance(v, str)}
    expect = case.expect(lo.db)
    assert set(expect.texts) <= text, set(expect.texts) - text
    assert "合计" in text or not expect.has_total


@cases
def test_about_sheet_survives(lo, case):
    expect = case.expect(lo.db)
    about = {k: v for k, v in rows_of(lo.calc(case)["说明"]) if k is not None}
    assert about == {k: v for k, v in rows_of(lo.original(case)["说明"]) if k is not None}
    assert about["记录数"] == expect.rows
    assert about["生成程序"] == "CharityDesk 慈善工作站助手"
    assert "工作站" in about and "东风村慈善工作站" in about["工作站"]
    for header, fen in expect.money.items():
        assert about[f"合计：{header}"] == pytest.approx(fen / 100, abs=0.001)
    for header, n in expect.counts.items():
        assert about[f"合计：{header}"] == n
    args = dict(zip(case.args[1::2], case.args[2::2], strict=False))
    frm, to = args.get("--from"), args.get("--to")
    if frm or to:
        assert about["统计期间"] == (f"{frm} 至 {to}" if frm and to else f"{frm} 起" if frm else f"截至 {to}")
    else:
        assert about["统计期间"]
        dt.datetime.strptime(about["生成时间"], "%Y-%m-%d %H:%M:%S")


def test_every_export_kind_has_a_case():
    """`export KIND` for every kind the CLI offers is opened in LibreOffice above."""
    from app.cli.export_cmds import KINDS

    # The station exchange file (说明 first, for a program) goes through LibreOffice in
    # tests/app/township/test_consolidate.py: every value must come back checksum-exact.
    missing = sorted(set(KINDS) - {c.args[0] for c in CASES} - {"station"})
    assert not missing, f"export kinds with no entry in CASES (add one line each): {missing}"
