"""Writing the station exchange file (工作站交换文件) that a station sends to the township.

One .xlsx through the shared writer: 说明 first (what the file is, then the metadata and the
checksum), then the register, the aid lines of the period, donations by fund and month, and the
fund balances. No bank accounts and no phone numbers. See docs/exchange-format.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import app
from app.db import Database
from app.errors import InputError
from app.excel import Column, Report, write_table
from app.excel.writer import Table
from app.funds import funds
from app.programmes.eligibility import MONEY_STATUSES
from app.station import station
from app.township import crypto
from app.township.format import (
    AID,
    AID_KIND_WORDS,
    AID_STATUS_WORDS,
    CHECKSUM_LABEL,
    COUNTED,
    DONATIONS,
    FORMAT_VERSION,
    FUNDS,
    META,
    NOT_COUNTED,
    REGISTER,
    ROWS_LABEL,
    SHEETS,
    STATION_FILE,
    STATUS_WORDS,
    TOTAL_LABEL,
    Checksum,
    SheetSpec,
    normalise,
)


@dataclass(frozen=True)
class Span:
    """The period an exchange file covers: both dates inclusive; no start means from the beginning."""

    date_from: dt.date | None
    date_to: dt.date

    @property
    def text(self) -> str:
        return f"{self.date_from.isoformat() if self.date_from else '最早'} 至 {self.date_to.isoformat()}"

    def where(self, column: str) -> tuple[list[str], list[Any]]:
        terms, params = [f"{column} < ?"], [(self.date_to + dt.timedelta(days=1)).isoformat()]
        if self.date_from:
            terms.append(f"{column} >= ?")
            params.append(self.date_from.isoformat())
        return terms, params

    def to_dict(self) -> dict[str, str | None]:
        return {"from": self.date_from.isoformat() if self.date_from else None, "to": self.date_to.isoformat()}


_KIND_TO_COLUMN = {"text": "text", "int": "int", "money": "money", "date": "date"}
_FUND_KINDS = {"general": "非定向", "named": "冠名", "directed": "定向"}


def columns(spec: SheetSpec) -> list[Column]:
    return [Column(c.header, _KIND_TO_COLUMN[c.kind], total=(c.kind == "money" and i > 0))
            for i, c in enumerate(spec.cols)]


def _register(db: Database, code: str) -> list[list[Any]]:
    sql = """
        SELECT r.id, r.name, COALESCE(r.id_number, ''), r.sex, r.birth_date, r.village, r.village_group,
               COALESCE(r.household_id, ''),
               COALESCE((SELECT group_concat(c.name, '、') FROM recipient_categories rc
                          JOIN categories c ON c.id = rc.category_id WHERE rc.recipient_id = r.id), ''),
               r.status, CASE WHEN r.status IN ('moved', 'deceased') THEN r.closed_on END
          FROM recipients r ORDER BY r.id"""
    return [[code, rid, name, idn, sex, birth or "", village, group, hh, cats, STATUS_WORDS.get(status, status),
             closed or ""]
            for rid, name, idn, sex, birth, village, group, hh, cats, status, closed in db.tuples(sql)]


def _aid(db: Database, code: str, period: Span) -> list[list[Any]]:
    terms, params = period.where("d.distributed_on")
    where = " AND ".join(["d.status = 'confirmed'", *terms])
    sql = f"""
        SELECT l.id, d.distributed_on, p.name, p.kind, l.recipient_id, l.name,
               COALESCE(NULLIF(l.id_number, ''), r.id_number, ''), l.village, l.amount_fen, l.goods, l.status
          FROM disbursements l
          JOIN distributions d ON d.id = l.distribution_id
          JOIN programmes p ON p.id = d.programme_id
          LEFT JOIN recipients r ON r.id = l.recipient_id
         WHERE {where} ORDER BY d.distributed_on, l.id"""
    return [[code, lid, on, prog, AID_KIND_WORDS.get(kind, kind), rid, name, idn, village, fen, goods,
             AID_STATUS_WORDS.get(status, status), COUNTED if status in MONEY_STATUSES else NOT_COUNTED]
            for lid, on, prog, kind, rid, name, idn, village, fen, goods, status in db.tuples(sql, params)] \
        + _meal_aid(db, code, period)


def _meal_aid(db: Database, code: str, period: Span) -> list[list[Any]]:
    """Meal subsidies as aid lines of their own kind: one per person and paid statement, on the day
    it was paid; a reversed statement's lines stay, 已冲销 and not counted."""
    terms, params = period.where("s.paid_on")
    where = " AND ".join(["1", *terms])
    sql = f"""
        SELECT l.id, s.paid_on, c.name, s.month, l.recipient_id, r.name, COALESCE(r.id_number, ''), r.village,
               l.subsidy_fen, l.meals, s.status
          FROM meal_statement_lines l
          JOIN meal_statements s ON s.id = l.statement_id
          JOIN meal_canteens c ON c.id = s.canteen_id
          JOIN recipients r ON r.id = l.recipient_id
         WHERE {where} ORDER BY s.paid_on, l.id"""
    return [[code, lid, on, f"助餐补贴：{canteen}", AID_KIND_WORDS["meals"], rid, name, idn, village, fen,
             f"{month} 补贴 {meals} 餐", AID_STATUS_WORDS["reversed"] if status == "reversed" else "已转账",
             NOT_COUNTED if status == "reversed" else COUNTED]
            for lid, on, canteen, month, rid, name, idn, village, fen, meals, status in db.tuples(sql, params)]


def _donations(db: Database, code: str, period: Span) -> list[list[Any]]:
    terms, params = period.where("d.donated_on")
    where = ("WHERE " + " AND ".join(terms)) if terms else ""
    sql = f"""
        SELECT d.fund_id, f.name, substr(d.donated_on, 1, 7) AS month,
               sum(d.status = 'active'), COALESCE(sum(CASE WHEN d.status = 'active' THEN d.amount_fen END), 0),
               sum(d.status = 'voided')
          FROM donations d JOIN funds f ON f.id = d.fund_id {where}
         GROUP BY d.fund_id, month ORDER BY month, f.name"""
    return [[code, f"{fid}:{month}", fund, month, gifts, fen, voided]
            for fid, fund, month, gifts, fen, voided in db.tuples(sql, params)]


def _funds(db: Database, code: str) -> list[list[Any]]:
    return [[code, f.id, f.name, _FUND_KINDS.get(f.kind, f.kind), f.opening_fen, f.received_fen, f.paid_fen,
             f.balance_fen] for f in funds.list_funds(db, include_closed=True)]


def sheet_summary(spec: SheetSpec, rows: list[list[Any]]) -> tuple[int, int]:
    """Rows and the money total (only counted rows) of one data sheet."""
    if not spec.money:
        return len(rows), 0
    i = [c.key for c in spec.cols].index(spec.money)
    j = [c.key for c in spec.cols].index(spec.counted) if spec.counted else None
    total = sum(int(r[i] or 0) for r in rows if j is None or r[j] == COUNTED)
    return len(rows), total


def checksum(meta: list[tuple[str, str]], data: dict[str, list[list[Any]]], specs: tuple[SheetSpec, ...]) -> str:
    """The checksum over metadata and rows in normalised form (the same the reader computes)."""
    ck = Checksum()
    ck.meta(meta)
    for spec in specs:
        ck.sheet(spec.name, spec.headers())
        kinds = [c.kind for c in spec.cols]
        for r in data[spec.name]:
            ck.row([_canonical(v, k) for v, k in zip(r, kinds, strict=True)])
    return ck.hexdigest()


def _canonical(value: Any, kind: str) -> Any:
    """A value from the database as the reader will normalise the cell: money here is already fen."""
    if kind == "money" and value not in (None, ""):
        return int(value)
    return normalise(value, kind)


def export_station(db: Database, path: str | Path, date_from: dt.date | None = None,
                   date_to: dt.date | None = None, *, password: str = "",
                   today: dt.date | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Write this station's exchange file for `period` (no start: from the beginning; no end:
    up to today). With `password` the whole workbook is encrypted as Excel, WPS and
    LibreOffice open it. Returns what was written, for `--json`."""
    today = today or dt.date.today()
    if date_from and date_to and date_from > date_to:
        raise InputError("bad_period", f"起始日期 {date_from} 晚于截止日期 {date_to}")
    period = Span(date_from, date_to if date_to is not None else today)
    ident = station.identity(db)
    code = ident["station_code"]
    with db.snapshot():
        data = {REGISTER.name: _register(db, code), AID.name: _aid(db, code, period),
                DONATIONS.name: _donations(db, code, period), FUNDS.name: _funds(db, code)}
        head = db.scalar("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1") or ""
    return write_exchange(path, ident, period, data, head, password=password, progress=progress,
                          cancelled=cancelled)


def write_exchange(path: str | Path, ident: dict[str, str], period: Span, data: dict[str, list[list[Any]]],
                   audit_head: str = "", *, password: str = "",
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
    """Write an exchange file from rows already gathered (one list per sheet of `SHEETS`, in each
    sheet's column order, money in fen)."""
    code = ident["station_code"]
    generated = dt.datetime.now().astimezone()
    values = {
        "file_kind": STATION_FILE, "format_version": str(FORMAT_VERSION), "station_code": code,
        "station_uid": ident["station_uid"], "station_name": ident["name"], "township": ident["township"],
        "date_from": period.date_from.isoformat() if period.date_from else "",
        "date_to": period.date_to.isoformat() if period.date_to else "",
        "generated_at": generated.isoformat(timespec="milliseconds"), "program_version": app.__version__,
        "audit_head": audit_head,
    }
    meta = [(META[k], v) for k, v in values.items()]
    sums: dict[str, tuple[int, int]] = {}
    for spec in SHEETS:
        n, total = sheet_summary(spec, data[spec.name])
        sums[spec.name] = (n, total)
        meta.append((ROWS_LABEL.format(sheet=spec.name), str(n)))
        if spec.money:
            meta.append((TOTAL_LABEL.format(sheet=spec.name), str(total)))
    digest = checksum(meta, data, SHEETS)
    about = ("这是什么", f"{ident['name']}（站点编号 {code}）发给{ident['township'] or '乡镇'}的工作站交换文件，"
             f"统计期间 {period.text}。乡镇用 CharityDesk 的“乡镇汇总”读取；"
             "请不要修改其中的内容，改动任何一个数都会使校验不通过。文件不含银行账号和电话号码。")
    notes = (about, *meta, (CHECKSUM_LABEL, digest))
    report = Report(title="工作站交换文件", station=f"{ident['name']}（{code}）", period=period.text,
                    sheet=REGISTER.name, notes=notes, about_first=True,
                    generated_at=generated.replace(microsecond=0, tzinfo=None))
    counted_col = [c.key for c in AID.cols].index("counted")
    expected = sum(len(v) for v in data.values())

    def write(target: Path) -> Any:
        return write_table(
            target, report, columns(REGISTER), data[REGISTER.name], progress=progress, expected_rows=expected,
            cancelled=cancelled,
            tables=[Table(AID.name, columns(AID), data[AID.name], lambda r: r[counted_col] == COUNTED),
                    Table(DONATIONS.name, columns(DONATIONS), data[DONATIONS.name]),
                    Table(FUNDS.name, columns(FUNDS), data[FUNDS.name])])

    written = crypto.write_protected(path, write, password) if password else write(Path(path))
    return {"path": str(written.path), "station_code": code, "station_uid": ident["station_uid"],
            "period": period.to_dict(), "format_version": FORMAT_VERSION, "checksum": digest,
            "encrypted": bool(password),
            "sheets": {name: {"rows": n, "amount_fen": t} for name, (n, t) in sums.items()},
            "rows": sum(n for n, _ in sums.values())}
