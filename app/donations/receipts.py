"""Numbered receipts (捐赠收据) that auditors can trust.

Numbers run per station and per year of the gift — ``ST01-2026-000123`` — and
are taken from `receipt_counters` inside the same write transaction that saves
the donation, so two windows saving at once get consecutive numbers and a
failed save leaves no hole. The year is the year of the donation date, so each
year's series matches that year's books.

A receipt is never deleted. An administrator voids it (作废) with a reason and
it keeps its number; the donation can then be re-receipted under the next
number (`replace_receipt`, or `void_receipt` then `issue_receipt`), or be voided
as a whole (`donations.void_donation` voids its receipt too). Every print is
counted: the first is the original, every later one is a copy marked 补打.
The official 票据号 from the county charity federation can be recorded on a
receipt when it arrives.

Databases from before receipts (schema 1) are upgraded by migration step 2,
which numbers every active donation per station and year in date order (then
entry order), with origin ``migration`` and no print: the yearly report lists
them as 未打印, so nothing needs explaining. Donations already voided before the
upgrade get no number; the report lists them under 未开收据 for their year.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.ids import new_id
from app.station.accounts import Operator, require_admin, require_write

STATUS_NAMES = {"issued": "有效", "voided": "作废"}
ORIGIN_NAMES = {"desk": "登记时开具", "import": "批量导入", "migration": "升级时补编号", "demo": "演示数据"}
_NUMBER = re.compile(r"^([A-Z0-9]{2,12})-(\d{4})-(\d{1,9})$")


@dataclass(frozen=True)
class Receipt:
    id: str
    donation_id: str
    number: str
    station_code: str
    year: int
    seq: int
    status: str
    origin: str
    replaces_id: str | None
    issued_at: str
    issued_by: str
    void_reason: str
    voided_at: str | None
    voided_by: str | None
    print_count: int
    first_printed_at: str | None
    last_printed_at: str | None
    official_number: str

    @property
    def is_void(self) -> bool:
        return self.status == "voided"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLUMNS = tuple(Receipt.__dataclass_fields__)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM receipts"


def _receipt(row: Any) -> Receipt:
    return Receipt(*(row[i] for i in range(len(_COLUMNS))))


def format_number(station_code: str, year: int, seq: int) -> str:
    """ST01, 2026, 123 → ST01-2026-000123."""
    return f"{station_code}-{year:04d}-{seq:06d}"


def normalise_number(text: str) -> str:
    """What people type (`st01-2026-123`, full-width, spaces) → ST01-2026-000123."""
    s = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(text or ""))).upper()
    s = s.replace("—", "-").replace("－", "-")
    m = _NUMBER.match(s)
    if not m:
        raise InputError("bad_receipt_number", f"收据编号应像 ST01-2026-000123：{text}")
    return format_number(m.group(1), int(m.group(2)), int(m.group(3)))


# ---------- issuing (inside a transaction) ----------
def next_seq(conn: sqlite3.Connection, station_code: str, year: int) -> int:
    """Take the next number of a station's series for a year; needs the write transaction."""
    if not conn.in_transaction:
        raise RuntimeError("receipt numbers are taken inside a write transaction")
    row = conn.execute(
        "INSERT INTO receipt_counters(station_code, year, last_seq) VALUES (?, ?, 1)"
        " ON CONFLICT(station_code, year) DO UPDATE SET last_seq = last_seq + 1"
        " RETURNING last_seq", (station_code, year),
    ).fetchone()
    return int(row[0])


def issue(conn: sqlite3.Connection, actor: Operator, donation_id: str, station_code: str,
          year: int, *, origin: str = "desk", replaces_id: str | None = None) -> Receipt:
    """Give a donation the next number, with its audit entry, in the caller's transaction."""
    seq = next_seq(conn, station_code, year)
    rid, at, number = new_id(), now_iso(), format_number(station_code, year, seq)
    conn.execute(
        "INSERT INTO receipts(id, donation_id, station_code, year, seq, number, origin, replaces_id,"
        " issued_at, issued_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (rid, donation_id, station_code, year, seq, number, origin, replaces_id, at, actor.id),
    )
    receipt = _receipt(conn.execute(_SELECT + " WHERE id = ?", (rid,)).fetchone())
    audit.record(conn, actor, "issue", "receipts", rid, None,
                 {"number": number, "donation_id": donation_id, "replaces_id": replaces_id,
                  "origin": origin})
    return receipt


def issue_receipt(db: Database, actor: Operator, donation_id: str) -> Receipt:
    """A new number for an active donation that has no valid receipt (after a void, or never)."""
    require_write(actor)
    with db.transaction() as c:
        row = c.execute("SELECT status, station_code, donated_on FROM donations WHERE id = ?",
                        (donation_id,)).fetchone()
        if row is None:
            raise NotFound("no_donation", "没有这笔捐赠")
        if row["status"] != "active":
            raise Conflict("donation_voided", "这笔捐赠已经作废，不能再开收据")
        live = receipt_for_donation(db, donation_id)
        if live is not None:
            raise Conflict("already_receipted", f"这笔捐赠已有有效收据 {live.number}", number=live.number)
        last = c.execute("SELECT id FROM receipts WHERE donation_id = ? ORDER BY year DESC, seq DESC"
                         " LIMIT 1", (donation_id,)).fetchone()
        return issue(c, actor, donation_id, row["station_code"], int(row["donated_on"][:4]),
                     replaces_id=last["id"] if last else None)


# ---------- reading ----------
def get_receipt(db: Database, receipt_id: str) -> Receipt:
    row = db.one(_SELECT + " WHERE id = ?", (receipt_id,))
    if row is None:
        raise NotFound("no_receipt", "没有这张收据")
    return _receipt(row)


def find_receipt(db: Database, number: str) -> Receipt:
    """The receipt with this number (typed loosely: st01-2026-123 is fine)."""
    n = normalise_number(number)
    row = db.one(_SELECT + " WHERE number = ?", (n,))
    if row is None:
        raise NotFound("no_receipt", f"没有编号为 {n} 的收据", number=n)
    return _receipt(row)


def receipt_for_donation(db: Database, donation_id: str) -> Receipt | None:
    """The donation's valid receipt, or None (never receipted, or its receipt was voided)."""
    row = db.one(_SELECT + " WHERE donation_id = ? AND status = 'issued'", (donation_id,))
    return None if row is None else _receipt(row)


def receipts_for_donation(db: Database, donation_id: str) -> list[Receipt]:
    """Every receipt a donation ever had, oldest first."""
    return [_receipt(r) for r in db.query(
        _SELECT + " WHERE donation_id = ? ORDER BY issued_at, year, seq", (donation_id,))]


def latest_for_donation(db: Database, donation_id: str) -> Receipt | None:
    """The valid receipt, else the newest voided one."""
    row = db.one(_SELECT + " WHERE donation_id = ? ORDER BY status = 'issued' DESC, year DESC,"
                 " seq DESC LIMIT 1", (donation_id,))
    return None if row is None else _receipt(row)


def is_receipted(db: Database, donation_id: str) -> bool:
    """True once a donation has had any receipt: then what it says is fixed."""
    return db.one("SELECT 1 FROM receipts WHERE donation_id = ? LIMIT 1", (donation_id,)) is not None


# ---------- voiding ----------
def _void(conn: sqlite3.Connection, actor: Operator, receipt: Receipt, reason: str) -> Receipt:
    at = now_iso()
    conn.execute("UPDATE receipts SET status = 'voided', void_reason = ?, voided_at = ?, voided_by = ?"
                 " WHERE id = ?", (reason, at, actor.id, receipt.id))
    after = _receipt(conn.execute(_SELECT + " WHERE id = ?", (receipt.id,)).fetchone())
    audit.record(conn, actor, "void", "receipts", receipt.id,
                 {"number": receipt.number, "status": receipt.status},
                 {"number": receipt.number, "status": "voided", "void_reason": reason})
    return after


def _reason(reason: str) -> str:
    r = (reason or "").strip()
    if not r:
        raise InputError("empty_reason", "作废必须填写原因")
    return r


def void_receipt(db: Database, actor: Operator, number: str, reason: str) -> Receipt:
    """Void one receipt (作废): an administrator, with a reason; the number stays used."""
    require_admin(actor, "作废收据")
    reason = _reason(reason)
    with db.transaction() as c:
        receipt = find_receipt(db, number)
        if receipt.is_void:
            raise Conflict("already_voided", f"收据 {receipt.number} 已经作废了", number=receipt.number)
        return _void(c, actor, receipt, reason)


def replace_receipt(db: Database, actor: Operator, number: str, reason: str) -> Receipt:
    """Void a receipt and re-receipt its donation under the next number, in one transaction."""
    require_admin(actor, "作废收据")
    with db.transaction():
        old = void_receipt(db, actor, number, reason)
        return issue_receipt(db, actor, old.donation_id)


def void_for_donation(conn: sqlite3.Connection, actor: Operator, donation_id: str,
                      reason: str) -> Receipt | None:
    """Void the donation's valid receipt, if any (used when the donation itself is voided)."""
    row = conn.execute(_SELECT + " WHERE donation_id = ? AND status = 'issued'",
                       (donation_id,)).fetchone()
    return None if row is None else _void(conn, actor, _receipt(row), reason)


# ---------- printing and the official number ----------
def record_print(db: Database, actor: Operator, number: str) -> Receipt:
    """Count one print. The first print is the original; any later one is a copy (补打)."""
    require_write(actor)
    with db.transaction() as c:
        before = find_receipt(db, number)
        if before.is_void:
            raise Conflict("voided", f"收据 {before.number} 已经作废，不能再打印给捐赠人",
                           number=before.number)
        at = now_iso()
        c.execute("UPDATE receipts SET print_count = print_count + 1, last_printed_at = ?,"
                  " first_printed_at = coalesce(first_printed_at, ?) WHERE id = ?",
                  (at, at, before.id))
        after = get_receipt(db, before.id)
        audit.record(c, actor, "print" if after.print_count == 1 else "reprint", "receipts",
                     before.id, {"print_count": before.print_count},
                     {"number": after.number, "print_count": after.print_count})
        return after


def record_prints(db: Database, actor: Operator, receipt_ids: list[str]) -> int:
    """Count one print for each valid receipt of a batch, with one audit entry for the batch."""
    require_write(actor)
    with db.transaction() as c:
        at = now_iso()
        counted = 0
        for i in range(0, len(receipt_ids), 500):
            chunk = receipt_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            counted += c.execute(
                f"UPDATE receipts SET print_count = print_count + 1, last_printed_at = ?,"
                f" first_printed_at = coalesce(first_printed_at, ?)"
                f" WHERE status = 'issued' AND id IN ({marks})", (at, at, *chunk)).rowcount
        if counted:
            audit.record(c, actor, "print_batch", "receipts", "batch", None, {"receipts": counted})
    return counted


def set_official_number(db: Database, actor: Operator, number: str, official: str) -> Receipt:
    """Record the official 票据号; changing one already recorded needs an administrator."""
    require_write(actor)
    official = unicodedata.normalize("NFKC", official or "").strip()
    if len(official) > 40:
        raise InputError("bad_official_number", "票据号太长（最多40个字符）")
    with db.transaction() as c:
        before = find_receipt(db, number)
        if before.official_number and official != before.official_number:
            require_admin(actor, "修改已登记的票据号")
        c.execute("UPDATE receipts SET official_number = ?, official_set_at = ?, official_set_by = ?"
                  " WHERE id = ?", (official, now_iso(), actor.id, before.id))
        audit.record(c, actor, "set_official_number", "receipts", before.id,
                     {"official_number": before.official_number},
                     {"number": before.number, "official_number": official})
        return get_receipt(db, before.id)
