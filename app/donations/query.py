"""Finding donations for the list: filters, sorting and totals, all in SQLite.

`totals` counts and adds up the matching donations inside SQLite; `handles`
returns *row handles* (SQLite rowids of `donations`) in display order, a
block at a time; a table model holds only handles and asks `fetch_rows` for
the ones on screen. In date order (the default) blocks come straight off the
list index (schema V5), so a filter change over 100,000 donations reads one
aggregate and one block. A handle is good for one session;
the lasting id is the `id` that `fetch_rows` returns. `detail` gathers what a
donation's detail view shows: its goods lines and every receipt it had.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.db import Database
from app.donations import receipts
from app.donations.donations import goods_lines
from app.rules import pinyin

#: The columns a list row can show, in their default order.
COLUMNS = ("donated_on", "receipt_number", "donor_name", "content", "amount_fen", "fund_name",
           "purpose", "status", "operator")

#: Method filter values: a cash method code, or `goods` for gifts of goods.
METHOD_FILTERS = ("cash", "bank", "wechat", "alipay", "goods")

# ORDER BY terms per sort key. Date order reads the list index (schema V5) in its own order,
# so pages of it cost almost nothing; other orders sort the whole result once.
_ORDER: dict[str, tuple[str, ...]] = {
    "donated_on": ("d.donated_on",),
    "amount_fen": ("d.amount_fen", "d.donated_on", "d.rowid"),
    "donor_name": ("(SELECT name FROM donors WHERE id = d.donor_id)", "d.donated_on", "d.rowid"),
    "fund_name": ("(SELECT name FROM funds WHERE id = d.fund_id)", "d.donated_on", "d.rowid"),
    "receipt_number": ("(SELECT max(number) FROM receipts WHERE donation_id = d.id)", "d.rowid"),
    "content": ("d.kind", "d.method", "d.donated_on", "d.rowid"),
    "purpose": ("d.purpose", "d.donated_on", "d.rowid"),
    "status": ("d.status", "d.donated_on", "d.rowid"),
    "operator": ("d.created_by", "d.donated_on", "d.rowid"),
}
#: Sort keys whose pages are cheap to read one at a time (LIMIT/OFFSET on the index).
PAGED_SORTS = frozenset({"donated_on"})


@dataclass(frozen=True)
class Filters:
    """What narrows the list. None (or empty text) means "any".

    `voided`: False shows only valid donations, True only voided ones, None both.
    `donor_text` matches the donor's name, phone, pinyin initials or full pinyin.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    donor_text: str = ""
    fund_id: str | None = None
    method: str | None = None
    voided: bool | None = False


@dataclass(frozen=True)
class Sort:
    key: str = "donated_on"
    descending: bool = True


@dataclass(frozen=True)
class Totals:
    """How many donations match, and what they add up to."""

    count: int = 0
    voided: int = 0  # how many of them are voided
    total_fen: int = 0  # money received: valid donations only
    cash_fen: int = 0
    goods_fen: int = 0




def _where(f: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if f.date_from:
        where.append("d.donated_on >= ?")
        params.append(f.date_from.isoformat())
    if f.date_to:
        where.append("d.donated_on <= ?")
        params.append(f.date_to.isoformat())
    words = unicodedata.normalize("NFKC", f.donor_text or "").lower().split()
    if words:
        sub = " AND ".join("search_text LIKE ? ESCAPE '\\'" for _ in words)
        where.append(f"d.donor_id IN (SELECT id FROM donors WHERE {sub})")
        params.extend(pinyin.contains_pattern(w) for w in words)
    if f.fund_id:
        where.append("d.fund_id = ?")
        params.append(f.fund_id)
    if f.method == "goods":
        where.append("d.kind = 'goods'")
    elif f.method:
        where.append("d.method = ?")
        params.append(f.method)
    if f.voided is not None:
        where.append("+d.status = ?")
        params.append("voided" if f.voided else "active")
    return where, params


def _order_by(sort: Sort) -> str:
    terms = _ORDER.get(sort.key)
    if terms is None:
        raise ValueError(f"unknown sort key {sort.key!r}")
    return ", ".join(t + (" DESC" if sort.descending else "") for t in terms)


def totals(db: Database, filters: Filters | None = None) -> Totals:
    """Count and sums of the donations matching `filters`, in one pass inside SQLite."""
    where, params = _where(filters or Filters())
    sql = ("SELECT count(*), coalesce(sum(d.status = 'voided'), 0),"
           " coalesce(sum(CASE WHEN d.status = 'active' AND d.kind = 'cash' THEN d.amount_fen END), 0),"
           " coalesce(sum(CASE WHEN d.status = 'active' AND d.kind = 'goods' THEN d.amount_fen END), 0)"
           " FROM donations d")
    if where:
        sql += " WHERE " + " AND ".join(where)
    row = db.execute(sql, params).fetchone()
    count, voided, cash, goods = (int(v) for v in row)
    return Totals(count, voided, cash + goods, cash, goods)


def handles(db: Database, filters: Filters | None = None, sort: Sort | None = None,
            offset: int = 0, limit: int | None = None) -> list[int]:
    """Row handles (rowids) of matching donations in `sort` order, `limit` of them from `offset`."""
    where, params = _where(filters or Filters())
    sql = "SELECT d.rowid FROM donations d"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + _order_by(sort or Sort())
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return [r[0] for r in db.tuples(sql, params)]


_FETCH = """
SELECT d.rowid AS handle, d.id, d.donated_on, d.kind, d.method, d.amount_fen, d.purpose, d.note,
       d.status, d.void_reason, dn.name AS donor_name, dn.kind AS donor_kind,
       f.name AS fund_name, op.display_name AS operator,
       (SELECT number FROM receipts r WHERE r.donation_id = d.id
         ORDER BY r.status = 'issued' DESC, r.year DESC, r.seq DESC LIMIT 1) AS receipt_number,
       (SELECT group_concat(g.item, '、') FROM goods_lines g WHERE g.donation_id = d.id) AS items
  FROM donations d
  JOIN donors dn ON dn.id = d.donor_id
  JOIN funds f ON f.id = d.fund_id
  LEFT JOIN operators op ON op.id = d.created_by
 WHERE d.rowid IN ({})
"""


def fetch_rows(db: Database, handles: Sequence[int], *, chunk: int = 500) -> dict[int, dict[str, Any]]:
    """The shown columns for some handles: handle → {column: value}; plain data, the UI formats."""
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(handles), chunk):
        part = list(handles[start:start + chunk])
        for row in db.query(_FETCH.format(",".join("?" * len(part))), part):
            d = {k: row[k] for k in row.keys()}
            out[d.pop("handle")] = d
    return out


def handle_of(db: Database, donation_id: str) -> int | None:
    """The handle of a donation (to select it in a view after a save)."""
    value = db.scalar("SELECT rowid FROM donations WHERE id = ?", (donation_id,))
    return None if value is None else int(value)


def detail(db: Database, donation_id: str) -> dict[str, Any]:
    """One donation with its donor, fund, designation, goods lines and receipt history."""
    row = db.one(
        "SELECT d.*, dn.name AS donor_name, dn.kind AS donor_kind, dn.phone AS donor_phone,"
        " dn.credit_code, f.name AS fund_name, p.name AS programme_name,"
        " rc.name AS recipient_name, op.display_name AS operator, vo.display_name AS voided_by_name"
        " FROM donations d JOIN donors dn ON dn.id = d.donor_id JOIN funds f ON f.id = d.fund_id"
        " LEFT JOIN programmes p ON p.id = d.programme_id"
        " LEFT JOIN recipients rc ON rc.id = d.recipient_id"
        " LEFT JOIN operators op ON op.id = d.created_by"
        " LEFT JOIN operators vo ON vo.id = d.voided_by WHERE d.id = ?", (donation_id,))
    if row is None:
        from app.errors import NotFound

        raise NotFound("no_donation", "没有这笔捐赠")
    out = {k: row[k] for k in row.keys()}
    out["goods"] = goods_lines(db, donation_id)
    out["receipts"] = receipts.receipts_for_donation(db, donation_id)
    return out
