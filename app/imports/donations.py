"""Importing collection lists (慈心一日捐, 99公益日) as donations, through the shared reader.

Two steps like the roster import: `preview()` reads and checks every row,
`apply()` writes the valid rows in ONE transaction, each donation with its own
numbered receipt (origin "import"). Rules per row: a donor name and an
amount above zero are required; a date, when given, must be a real day and
not in the future (no date column: the `on` date, else today); a payment
method, phone or credit code, when given, must be valid. 所在单位 is the
donor's workplace, kept with the donor — not an enterprise donor. A row
whose donor (name, phone and workplace, or credit code), date and amount match
a donation already recorded counts as a duplicate and is not written again, so
importing the same list twice is safe; anonymous rows are never passed over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import audit, sheets
from app.changes import Changes
from app.db import Database
from app.donations import donations, donors
from app.errors import InputError
from app.imports.common import (
    ImportResult,
    RowsPreview,
    backup_before_writing,
    run_import,
    stop_before_writing,
)
from app.rules.codes import parse_credit_code, parse_phone
from app.sheets import AMOUNT, CODE, DATE, Field, MonthOnly, Problem, Table
from app.station.accounts import Operator, require_write

KIND = "donations"
CHANGES = Changes(donations=True, funds=True)  # what an import of this kind may change

FIELDS = sheets.fields(KIND, (
    Field("seq", "序号", informational=True),
    Field("donor_name", "捐赠人", required=True),
    Field("amount", "捐款金额（元）", AMOUNT, required=True),
    Field("date", "捐款日期", DATE),
    Field("method", "捐款方式"),
    Field("phone", "电话", CODE),
    Field("credit_code", "统一社会信用代码", CODE),
    Field("workplace", "所在单位"),
    Field("purpose", "用途"),
    Field("note", "备注"),
))

_ANONYMOUS = {"匿名", "匿名爱心人士", "无名氏", "爱心人士"}


@dataclass
class DonationRow:
    number: int
    name: str = ""
    amount_fen: int = 0
    on: dt.date | None = None
    method: str = "cash"
    phone: str = ""
    credit_code: str = ""
    workplace: str = ""
    purpose: str = ""
    note: str = ""
    problems: list[Problem] = field(default_factory=list)
    duplicate: bool = False

    @property
    def status(self) -> str:
        if self.problems:
            return "invalid"
        return "duplicate" if self.duplicate else "new"

    @property
    def kind(self) -> str:
        if self.name in _ANONYMOUS:
            return "anonymous"
        return "enterprise" if self.credit_code else "person"


@dataclass
class DonationPreview(RowsPreview):
    table: Table
    rows: list[DonationRow]
    fund_id: str | None = None

    @property
    def total_fen(self) -> int:
        return sum(r.amount_fen for r in self.rows if r.status == "new")

    def to_dict(self, limit: int = 200) -> dict[str, Any]:
        return {
            "file": self.table.path.name, "sheet": self.table.sheet, "sheets": self.table.sheet_names,
            "header_row": self.table.header_row, "columns": self.table.columns, "counts": self.counts,
            "total_fen": self.total_fen,
            "rows": [{"row": r.number, "status": r.status, "name": r.name, "amount_fen": r.amount_fen,
                      "problems": [p.to_dict() for p in r.problems]} for r in self.rows[:limit]],
        }


def preview(db: Database, path: str | Path, *, sheet: str | None = None, header_row: int | None = None,
            mapping: Mapping[str, str | int | None] | None = None, fund_id: str | None = None,
            on: dt.date | None = None, today: dt.date | None = None) -> DonationPreview:
    """Read and check a collection list; nothing is written. Raises `SheetError` for an unreadable file."""
    table = sheets.read_table(path, FIELDS, sheet=sheet, header_row=header_row, mapping=mapping)
    today = today or dt.date.today()
    headers = {f.key: table.column_header(f.key) for f in FIELDS}
    rows = [_check_row(headers, row, on or today, today) for row in table.rows]
    _mark_duplicates(db, rows)
    return DonationPreview(table, rows, fund_id)


def apply(db: Database, actor: Operator, pv: DonationPreview, *, skip_invalid: bool = False,
          dry_run: bool = False, update: bool = False, today: dt.date | None = None) -> ImportResult:
    """Write the previewed donations, all or none (unless `skip_invalid`), in one transaction.

    `update` is accepted for the shared wizard and ignored: a recorded gift is never
    changed by an import (duplicates are left alone).
    """
    require_write(actor)
    table, errors, counts = pv.table, pv.problems, pv.counts
    result = ImportResult(
        file=table.path.name, sheet=table.sheet, skipped=len(table.skipped), errors=errors,
        valid=counts["new"] + counts["duplicate"], duplicates=counts["duplicate"], dry_run=dry_run,
        details={"header_row": table.header_row, "columns": table.columns, "total_fen": pv.total_fen},
    )
    if stop_before_writing(result, skip_invalid=skip_invalid, ready=f"{counts['new']} 笔可以导入"):
        return result
    backup_before_writing(db)
    written = 0
    total = 0
    with db.transaction() as c:
        _mark_duplicates(db, pv.rows)  # again inside the write lock
        cache: dict[tuple[str, str, str, str], str] = {}
        for r in pv.rows:
            if r.status != "new":
                continue
            donor_id = _donor_for(db, actor, r, cache)
            donations.record_donation(db, actor, donations.DonationInput(
                donor_id, r.on or dt.date.today(), r.amount_fen, r.method, fund_id=pv.fund_id,
                purpose=r.purpose, note=r.note), today=today, receipt_origin="import")
            written += 1
            total += r.amount_fen
        audit.record(c, actor, "import", "donations", table.path.name, None,
                     {"rows": written, "total_fen": total, "file": table.path.name, "sheet": table.sheet,
                      "invalid_rows": sorted({p.row for p in errors})})
    result.imported = written
    result.duplicates = sum(1 for r in pv.rows if r.status == "duplicate")
    result.message = f"已导入 {written} 笔捐赠，合计 {total / 100:,.2f} 元"
    return result


def import_file(db: Database, actor: Operator, path: str | Path, *, sheet: str | None = None,
                fund_id: str | None = None, on: dt.date | None = None, dry_run: bool = False,
                skip_invalid: bool = False, report: str | Path | None = None,
                today: dt.date | None = None) -> ImportResult:
    """Read, check and (unless refused or a dry run) write a collection list; the command line calls this."""
    require_write(actor)
    return run_import(
        path, report, dry_run,
        lambda: preview(db, path, sheet=sheet, fund_id=fund_id, on=on, today=today),
        lambda pv: apply(db, actor, pv, skip_invalid=skip_invalid, dry_run=dry_run, today=today))


def _check_row(headers: Mapping[str, str], row: sheets.Row, default_on: dt.date,
               today: dt.date) -> DonationRow:
    problems = list(row.problems)
    bad = {p.column for p in problems}

    def text(key: str) -> str:
        v = row.get(key)
        return "" if v is None else str(v).strip()

    r = DonationRow(row.number, name="".join(text("donor_name").split()), workplace=text("workplace"),
                    purpose=text("purpose"))
    notes = [text("note")] if text("note") else []
    notes.extend(f"{h}：{v}" for h, v in row.notes)
    r.note = "；".join(notes)

    def problem(key: str, message: str, reason: str) -> None:
        problems.append(Problem(row.number, headers.get(key) or "", message, reason))

    if not r.name and headers["donor_name"] not in bad:
        problem("donor_name", "捐赠人姓名是空的", "empty_name")
    amount = row.get("amount")
    if headers["amount"] not in bad:
        if not amount:
            problem("amount", "捐款金额是空的或为零", "empty_amount")
        else:
            r.amount_fen = int(amount)
    on = row.get("date")
    if headers.get("date") and headers["date"] not in bad:
        if isinstance(on, MonthOnly):
            problem("date", f"日期只写到月（{on.iso()}），请写到日", "month_only")
        elif on is None or on == "":
            r.on = default_on
        elif on > today:
            problem("date", f"捐款日期 {on} 晚于今天", "future_date")
        elif on < donations.EARLIEST:
            problem("date", f"捐款日期 {on} 太早了，请检查", "old_date")
        else:
            r.on = on
    else:
        r.on = default_on
    for key, parse, attr in (("method", donations.method_from_text, "method"),
                             ("phone", parse_phone, "phone"), ("credit_code", parse_credit_code, "credit_code")):
        value = text(key)
        if value and headers.get(key) not in bad:
            try:
                setattr(r, attr, parse(value))
            except InputError as exc:
                problem(key, exc.message, exc.reason)
    r.problems = problems
    return r


def _mark_duplicates(db: Database, rows: list[DonationRow]) -> None:
    """A row matches a recorded donation when donor name, date and amount are the same."""
    for r in rows:
        r.duplicate = False
        if r.problems or not r.on or r.kind == "anonymous":
            continue  # anonymous gifts cannot be told apart: never passed over as duplicates
        if r.credit_code:
            who, args = "o.credit_code = ?", [r.credit_code]
        else:
            who, args = "o.name = ? AND o.phone = ? AND o.workplace = ?", [r.name, r.phone, r.workplace]
        r.duplicate = bool(db.scalar(
            f"SELECT 1 FROM donations d JOIN donors o ON o.id = d.donor_id WHERE {who}"
            " AND d.donated_on = ? AND d.amount_fen = ? AND d.status = 'active' LIMIT 1",
            (*args, r.on.isoformat(), r.amount_fen)))


def _donor_for(db: Database, actor: Operator, r: DonationRow, cache: dict[tuple[str, str, str, str], str]) -> str:
    """The donor on file with the same name (and phone, workplace or credit code), or a new one."""
    if r.kind == "anonymous":
        return donors.anonymous_donor(db, actor).id
    key = (r.kind, r.name, r.phone, r.credit_code or r.workplace)
    if key in cache:
        return cache[key]
    if r.credit_code:
        found = db.scalar("SELECT id FROM donors WHERE credit_code = ?", (r.credit_code,))
    elif r.phone:
        found = db.scalar("SELECT id FROM donors WHERE kind = 'person' AND name = ? AND phone = ?",
                          (r.name, r.phone))
    else:
        found = db.scalar("SELECT id FROM donors WHERE kind = 'person' AND name = ? AND workplace = ?",
                          (r.name, r.workplace))
    if not found:
        found = donors.create_donor(db, actor, r.kind, r.name, phone=r.phone, credit_code=r.credit_code,
                                    workplace=r.workplace if r.kind == "person" else "").id
    cache[key] = str(found)
    return str(found)
