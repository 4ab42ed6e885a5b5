"""Receipt PDFs from the database: one for the donation desk, a batch for printing.

The desk: `record_donation`, then `receipt_pdf(db, number)` gives the PDF bytes
at once (the font is registered on first use; call `app.pdf.fonts.register()`
at start-up to have that done early); after printing, `receipts.record_print`
counts it. `print_receipt` does both for a reprint: counted first, so the copy
says 补打. A batch (`write_receipts`) holds, for each donation in a date range,
its valid receipt — or its last voided one, marked 作废 — in number order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.db import Database
from app.donations import receipts
from app.donations.donations import METHOD_NAMES
from app.errors import InputError, NotFound
from app.pdf import receipt as layout_mod
from app.pdf.receipt import ReceiptView
from app.rules.masking import mask_name
from app.rules.money import format_fen
from app.safe_write import write_bytes
from app.station import station
from app.station.accounts import Operator

_SQL = """
SELECT r.id, r.number, r.status, r.void_reason, r.print_count, r.official_number, r.issued_at,
       d.id AS donation_id, d.donated_on, d.kind, d.method, d.amount_fen, d.purpose,
       dn.name AS donor_name, dn.kind AS donor_kind, dn.credit_code,
       f.name AS fund_name, f.kind AS fund_kind, f.is_default,
       p.name AS programme_name, rc.name AS recipient_name,
       op.display_name AS operator
  FROM receipts r
  JOIN donations d ON d.id = r.donation_id
  JOIN donors dn ON dn.id = d.donor_id
  JOIN funds f ON f.id = d.fund_id
  LEFT JOIN programmes p ON p.id = d.programme_id
  LEFT JOIN recipients rc ON rc.id = d.recipient_id
  JOIN operators op ON op.id = d.created_by
"""


@dataclass(frozen=True)
class BatchResult:
    path: str
    layout: str
    receipts: int
    voided: int
    copies: int
    pages: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _goods_text(lines: list[Any]) -> str:
    parts = []
    for ln in lines:
        qty = f"{ln['quantity']}{ln['unit']}"
        value = (f" ¥{format_fen(ln['value_fen'])}" if ln["value_fen"] is not None else "（未估值）")
        parts.append(f"{ln['item']} {qty}{value}")
    return "物资：" + "；".join(parts)


def _designation(row: Any) -> str:
    bits = []
    if row["programme_name"]:
        bits.append(f"救助项目：{row['programme_name']}")
    if row["recipient_name"]:
        bits.append(f"定向受助人：{mask_name(row['recipient_name'])}")
    if row["is_default"]:
        if not bits:
            name = row["fund_name"]
            bits.append(name if "非定向" in name else f"非定向：{name}")
    elif row["fund_kind"] == "named":
        bits.append(f"冠名基金：{row['fund_name']}")
    elif row["fund_kind"] == "directed":
        bits.append(f"定向：{row['fund_name']}")
    else:
        bits.append(row["fund_name"])
    if row["purpose"]:
        bits.append(f"用途：{row['purpose']}")
    return "；".join(bits)


class _Header:
    def __init__(self, db: Database) -> None:
        st = station.get_station(db)
        self.title = station.get_setting(db, "receipt_title")
        org = st.organisation or st.name
        self.organisation = org if st.name in org else f"{org}（{st.name}）"


def _views(db: Database, rows: list[Any], head: _Header, *, extra_print: int = 1) -> list[ReceiptView]:
    goods: dict[str, list[Any]] = defaultdict(list)
    goods_ids = [r["donation_id"] for r in rows if r["kind"] == "goods"]
    for i in range(0, len(goods_ids), 500):
        chunk = goods_ids[i:i + 500]
        for ln in db.query(
            "SELECT donation_id, item, quantity, unit, value_fen FROM goods_lines"
            f" WHERE donation_id IN ({','.join('?' * len(chunk))}) ORDER BY donation_id, line_no",
            chunk,
        ):
            goods[ln["donation_id"]].append(ln)
    out = []
    for r in rows:
        lines = goods.get(r["donation_id"], [])
        if r["kind"] == "cash":
            content, valued = f"捐款（{METHOD_NAMES.get(r['method'], r['method'])}）", True
        else:
            content = _goods_text(lines)
            valued = any(ln["value_fen"] is not None for ln in lines)
        voided = r["status"] == "voided"
        out.append(ReceiptView(
            number=r["number"], title=head.title, organisation=head.organisation,
            donated_on=r["donated_on"], issued_on=r["issued_at"][:10],
            donor=r["donor_name"], donor_code=r["credit_code"] or "", content=content,
            amount_fen=r["amount_fen"], valued=valued, designation=_designation(r),
            operator=r["operator"], official_number=r["official_number"], voided=voided,
            void_reason=r["void_reason"], print_no=r["print_count"] + extra_print,
        ))
    return out


def receipt_view(db: Database, number: str, *, reprint: bool | None = None) -> ReceiptView:
    """What one receipt prints. `reprint` forces or suppresses the 补打 mark; by default a
    receipt already printed once comes out as a copy."""
    n = receipts.normalise_number(number)
    rows = db.query(_SQL + " WHERE r.number = ?", (n,))
    if not rows:
        raise NotFound("no_receipt", f"没有编号为 {n} 的收据", number=n)
    view = _views(db, rows, _Header(db))[0]
    if reprint is not None:
        view = replace(view, print_no=max(2, view.print_no) if reprint else 1)
    return view


def default_layout(db: Database) -> str:
    layout = station.get_setting(db, "receipt_layout")
    return layout if layout in layout_mod.LAYOUTS else "a5"


def receipt_pdf(db: Database, number: str, *, layout: str | None = None,
                reprint: bool | None = None) -> bytes:
    """One receipt as PDF bytes, without counting a print (the desk prints, then counts)."""
    view = receipt_view(db, number, reprint=reprint)
    pdf = layout_mod.render([view], layout or default_layout(db), title=f"捐赠收据 {view.number}")
    assert pdf is not None
    return pdf


def print_receipt(db: Database, actor: Operator, number: str, *, layout: str | None = None) -> bytes:
    """Count a print and return the PDF; every print after the first is marked 补打."""
    lay = layout_mod.check_layout(layout or default_layout(db))
    r = receipts.record_print(db, actor, number)
    view = _views(db, db.query(_SQL + " WHERE r.id = ?", (r.id,)), _Header(db), extra_print=0)[0]
    pdf = layout_mod.render([view], lay, title=f"捐赠收据 {view.number}")
    assert pdf is not None
    return pdf


def _batch_rows(db: Database, date_from: dt.date | None, date_to: dt.date | None) -> list[Any]:
    if date_from and date_to and date_from > date_to:
        raise InputError("bad_range", f"开始日期 {date_from} 晚于结束日期 {date_to}")
    where, params = [], []
    if date_from:
        where.append("d.donated_on >= ?")
        params.append(date_from.isoformat())
    if date_to:
        where.append("d.donated_on <= ?")
        params.append(date_to.isoformat())
    where.append("r.id = (SELECT r2.id FROM receipts r2 WHERE r2.donation_id = d.id"
                 " ORDER BY r2.status = 'issued' DESC, r2.year DESC, r2.seq DESC LIMIT 1)")
    return db.query(_SQL + " WHERE " + " AND ".join(where) + " ORDER BY r.year, r.seq", params)


def batch_views(db: Database, date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> list[ReceiptView]:
    """For each donation dated in the range: its valid receipt, else its last voided one."""
    return _views(db, _batch_rows(db, date_from, date_to), _Header(db))


def write_receipts(db: Database, actor: Operator, path: str | Path, *,
                   date_from: dt.date | None = None, date_to: dt.date | None = None,
                   layout: str | None = None, count_prints: bool = True) -> BatchResult:
    """One PDF with one receipt per donation; valid receipts are counted as printed."""
    lay = layout_mod.check_layout(layout or default_layout(db))
    rows = _batch_rows(db, date_from, date_to)
    if not rows:
        raise NotFound("no_receipts", "这段时间没有需要打印的收据")
    views = _views(db, rows, _Header(db))
    title = "捐赠收据" + (f" {date_from or ''}—{date_to or ''}" if (date_from or date_to) else "")
    pdf = layout_mod.render(views, lay, title=title)
    assert pdf is not None
    write_bytes(path, pdf)
    if count_prints:
        receipts.record_prints(db, actor, [r["id"] for r in rows if r["status"] == "issued"])
    per = 3 if lay == "slip" else 1
    return BatchResult(str(path), lay, len(views), sum(v.voided for v in views),
                       sum(v.is_copy for v in views), len(views) * per)

