"""捐赠台账: the donation ledger, one row per donation, voided ones listed but not counted.

Columns: date, receipt number, donor, kind (现金/物资) and method, amount, fund,
定向 (for a programme or a person, or into a directed fund: `app.donations.donations.DIRECTED_SQL`),
用途 (the programme, the recipient, the stated purpose), operator, 作废.
Rows stream from one SQL query in date order; the 合计 row and the figures on
the 说明 sheet leave voided donations out, as the fund balances do. With
`mask`, persons' names (donor and designated recipient) are masked, the
anonymous stay 匿名爱心人士, organisations are shown in full, and free text
(purpose, void reason) is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from app.db import Database
from app.donations.donations import DIRECTED_SQL, METHOD_NAMES
from app.donations.donors import KIND_NAMES as DONOR_KIND_NAMES
from app.excel import Column, Report, Written, write_table
from app.reports.period import Period, station_text
from app.rules.masking import mask_donor, mask_name

TITLE = "捐赠台账"
COLUMNS: tuple[Column, ...] = (
    Column("捐赠日期", "date", width=12),
    Column("收据编号", width=18),
    Column("捐赠人"),
    Column("捐赠人类型", width=10),
    Column("捐赠类型", width=10),
    Column("金额（元）", "money", total=True),
    Column("物资明细"),
    Column("基金"),
    Column("定向", width=6),
    Column("用途"),
    Column("经办人", width=10),
    Column("作废", width=6),
    Column("作废原因"),
)
_VOID = COLUMNS.index(next(c for c in COLUMNS if c.header == "作废"))

_SQL = """
SELECT d.donated_on, d.kind, d.method, d.amount_fen, d.purpose, d.status, d.void_reason,
       dn.name, dn.kind, f.name, op.display_name, p.name, rc.name,
       (SELECT number FROM receipts r WHERE r.donation_id = d.id
         ORDER BY r.status = 'issued' DESC, r.year DESC, r.seq DESC LIMIT 1),
       CASE WHEN d.kind = 'goods' THEN
         (SELECT group_concat(g.item || ' ' || g.quantity || g.unit, '、')
            FROM (SELECT item, quantity, unit FROM goods_lines WHERE donation_id = d.id ORDER BY line_no) g)
       END,
       {directed}
  FROM donations d
  JOIN donors dn ON dn.id = d.donor_id
  JOIN funds f ON f.id = d.fund_id
  LEFT JOIN operators op ON op.id = d.created_by
  LEFT JOIN programmes p ON p.id = d.programme_id
  LEFT JOIN recipients rc ON rc.id = d.recipient_id
 {where}
 ORDER BY d.donated_on, d.created_at, d.rowid
"""


def _designation(programme: str | None, recipient: str | None, purpose: str, mask: bool) -> str:
    parts = []
    if programme:
        parts.append(f"项目：{programme}")
    if recipient:
        parts.append(f"受助人：{mask_name(recipient) if mask else recipient}")
    if purpose and not mask:  # free text may name people: left out of a masked file
        parts.append(purpose)
    return "；".join(parts)


def iter_rows(db: Database, period: Period, *, mask: bool = False) -> Iterator[list[Any]]:
    """The ledger's rows in `COLUMNS` order, straight off the cursor."""
    terms, params = period.where("d.donated_on")
    where = f"WHERE {' AND '.join(terms)}" if terms else ""
    cur = db.tuples(_SQL.format(where=where, directed=DIRECTED_SQL), params)
    methods = METHOD_NAMES
    donor_kinds = DONOR_KIND_NAMES
    for (on, kind, method, amount, purpose, status, void_reason, donor, donor_kind, fund, operator,
         programme, recipient, receipt, items, directed) in cur:
        if mask:
            donor = mask_donor(donor, donor_kind)
        yield [on, receipt, donor, donor_kinds.get(donor_kind, donor_kind),
               methods.get(method, method) if kind == "cash" else "物资",
               amount, items, fund, "定向" if directed else None,
               _designation(programme, recipient, purpose, mask) if (programme or recipient or purpose) else None,
               operator, "作废" if status == "voided" else None, None if mask else void_reason or None]


def counted(row: Sequence[Any]) -> bool:
    """Whether a ledger row counts in the totals: voided donations do not."""
    return row[_VOID] is None


def summary(db: Database, period: Period) -> dict[str, int]:
    """The figures the 说明 sheet states, from SQL: valid and voided counts and amounts."""
    terms, params = period.where("donated_on")
    where = f"WHERE {' AND '.join(terms)}" if terms else ""
    row = db.one(
        "SELECT count(*) FILTER (WHERE status = 'active'),"
        " COALESCE(sum(amount_fen) FILTER (WHERE status = 'active'), 0),"
        " count(*) FILTER (WHERE status = 'voided'),"
        " COALESCE(sum(amount_fen) FILTER (WHERE status = 'voided'), 0),"
        " count(*) FILTER (WHERE status = 'active' AND kind = 'goods' AND amount_fen = 0)"
        f" FROM donations {where}", params)
    assert row is not None
    return {"valid": row[0], "valid_fen": row[1], "voided": row[2], "voided_fen": row[3],
            "goods_no_value": row[4]}


def export_donations(db: Database, path: str | Path, period: Period | None = None, *, mask: bool = False,
                     progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None) -> tuple[Written, dict[str, int]]:
    """Write the ledger for `period` (None: everything); returns the file and the `summary` figures."""
    period = period or Period()
    s = summary(db, period)
    notes = [
        ("合计口径", "合计只计有效捐赠；已作废的捐赠列在表中（“作废”列），但不计入合计。"),
        ("有效捐赠", f"{s['valid']:,} 笔，{s['valid_fen'] / 100:,.2f} 元"),
        ("已作废", f"{s['voided']:,} 笔，{s['voided_fen'] / 100:,.2f} 元（不计入合计）"),
        ("物资", "无法确认价值的物资只记名称和数量，金额为 0，不计入收入。"),
    ]
    if mask:
        notes.append(("脱敏", "个人捐赠人和受助人姓名已部分隐藏；匿名捐赠显示为匿名爱心人士；单位名称照录；"
                              "用途说明和作废原因等文字未导出。"))
    report = Report(title=TITLE, station=station_text(db), period=period.text, sheet=TITLE, notes=tuple(notes))
    written = write_table(path, report, COLUMNS, iter_rows(db, period, mask=mask), progress=progress,
                          expected_rows=s["valid"] + s["voided"], cancelled=cancelled, in_total=counted)
    return written, s
