"""Donations (捐赠): cash with a payment method, or goods lines; designated or not.

Undesignated money goes to the default general fund. Goods whose value cannot
be established are recorded by name and quantity with no value and are not
counted as money received. A donation is never deleted: an administrator
voids it with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app import audit, funds, station
from app.accounts import Operator, require_admin, require_write
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.ids import new_id

METHODS = ("cash", "bank", "wechat", "alipay")
METHOD_NAMES = {"cash": "现金", "bank": "银行转账", "wechat": "微信", "alipay": "支付宝"}
EARLIEST = dt.date(1990, 1, 1)


@dataclass(frozen=True)
class GoodsLine:
    item: str
    quantity: str | int | Decimal
    unit: str = ""
    unit_value_fen: int | None = None  # None: value cannot be established

    def value_fen(self) -> int | None:
        if self.unit_value_fen is None:
            return None
        q = Decimal(str(self.quantity)) * self.unit_value_fen
        return int(q.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class DonationInput:
    donor_id: str
    donated_on: dt.date
    amount_fen: int = 0  # cash only
    method: str | None = "cash"  # cash only; None for goods
    goods: list[GoodsLine] = field(default_factory=list)
    fund_id: str | None = None
    programme_id: str | None = None
    recipient_id: str | None = None
    purpose: str = ""
    note: str = ""


@dataclass(frozen=True)
class Donation:
    id: str
    donor_id: str
    donated_on: str
    kind: str
    method: str | None
    amount_fen: int
    fund_id: str
    programme_id: str | None
    recipient_id: str | None
    purpose: str
    note: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def method_from_text(text: str) -> str:
    """现金/银行转账/微信/支付宝 (or their codes) → the stored code."""
    t = (text or "").strip().lower()
    for code, name in METHOD_NAMES.items():
        if t in (code, name.lower()) or (t and name.startswith(t)):
            return code
    aliases = {"转账": "bank", "银行": "bank", "wx": "wechat", "微信支付": "wechat", "zfb": "alipay"}
    if t in aliases:
        return aliases[t]
    raise InputError("bad_method", f"付款方式应为 现金、银行转账、微信、支付宝 之一：{text}")


def _check_goods(lines: list[GoodsLine]) -> list[tuple[GoodsLine, str, int | None]]:
    checked = []
    for i, line in enumerate(lines, start=1):
        if not line.item.strip():
            raise InputError("empty_item", f"第 {i} 行物资没有填名称", line=i)
        try:
            q = Decimal(str(line.quantity).strip())
        except InvalidOperation:
            raise InputError("bad_quantity", f"第 {i} 行物资数量不是数字：{line.quantity}", line=i) from None
        if not q.is_finite() or q <= 0:
            raise InputError("bad_quantity", f"第 {i} 行物资数量应大于零：{line.quantity}", line=i)
        if line.unit_value_fen is not None and line.unit_value_fen < 0:
            raise InputError("negative", f"第 {i} 行物资单价不能为负数", line=i)
        checked.append((line, format(q.normalize(), "f"), line.value_fen()))
    return checked


def _resolve_fund(db: Database, data: DonationInput) -> str:
    if data.programme_id:
        prog = db.one("SELECT fund_id, status FROM programmes WHERE id = ?", (data.programme_id,))
        if prog is None:
            raise NotFound("no_programme", "没有这个救助项目")
        if data.fund_id and data.fund_id != prog["fund_id"]:
            raise InputError("fund_mismatch", "定向到项目的捐赠只能进入该项目所用的基金")
        fund_id: str = prog["fund_id"]
    elif data.fund_id:
        fund_id = data.fund_id
    else:
        fund_id = funds.default_fund(db).id
    fund = funds.get_fund(db, fund_id)
    if fund.status != "active":
        raise InputError("fund_closed", f"基金“{fund.name}”已关闭，不能再接收捐赠")
    if data.recipient_id and db.one("SELECT 1 FROM recipients WHERE id = ?", (data.recipient_id,)) is None:
        raise NotFound("no_recipient", "没有这个受助对象")
    return fund_id


def record_donation(db: Database, actor: Operator, data: DonationInput,
                    *, today: dt.date | None = None) -> Donation:
    """Check and save one donation with its goods lines, in one transaction."""
    require_write(actor)
    today = today or dt.date.today()
    if data.donated_on > today:
        raise InputError("future_date", f"捐赠日期 {data.donated_on} 晚于今天，不能登记未来的捐赠")
    if data.donated_on < EARLIEST:
        raise InputError("old_date", f"捐赠日期 {data.donated_on} 太早了，请检查")
    if data.goods:
        if data.amount_fen:
            raise InputError("cash_and_goods", "一笔捐赠不能既有现金金额又有物资，请分开登记")
        kind, method = "goods", None
        lines = _check_goods(data.goods)
        amount = sum(v for _, _, v in lines if v is not None)
    else:
        kind, lines = "cash", []
        method = data.method or "cash"
        if method not in METHODS:
            raise InputError("bad_method", f"付款方式应为 {', '.join(METHODS)} 之一：{method}")
        if data.amount_fen <= 0:
            raise InputError("zero", "现金捐赠的金额应大于零")
        amount = data.amount_fen
    if db.one("SELECT 1 FROM donors WHERE id = ?", (data.donor_id,)) is None:
        raise NotFound("no_donor", "没有这个捐赠人")
    with db.transaction() as c:
        fund_id = _resolve_fund(db, data)
        code = station.get_station(db).station_code
        did, at = new_id(), now_iso()
        c.execute(
            "INSERT INTO donations(id, donor_id, donated_on, kind, method, amount_fen, fund_id,"
            " programme_id, recipient_id, purpose, note, station_code, created_at, created_by,"
            " updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (did, data.donor_id, data.donated_on.isoformat(), kind, method, amount, fund_id,
             data.programme_id, data.recipient_id, data.purpose.strip(), data.note.strip(), code,
             at, actor.id, at, actor.id),
        )
        for n, (line, qty, value) in enumerate(lines, start=1):
            c.execute(
                "INSERT INTO goods_lines(id, donation_id, line_no, item, quantity, unit,"
                " unit_value_fen, value_fen) VALUES (?,?,?,?,?,?,?,?)",
                (new_id(), did, n, line.item.strip(), qty, line.unit.strip(), line.unit_value_fen, value),
            )
        donation = get_donation(db, did)
        after = donation.to_dict()
        after["goods"] = [{"item": ln.item, "quantity": q, "unit": ln.unit, "value_fen": v}
                          for ln, q, v in lines]
        audit.record(c, actor, "create", "donations", did, None, after)
    return donation


def get_donation(db: Database, donation_id: str) -> Donation:
    row = db.one("SELECT * FROM donations WHERE id = ?", (donation_id,))
    if row is None:
        raise NotFound("no_donation", "没有这笔捐赠")
    return Donation(row["id"], row["donor_id"], row["donated_on"], row["kind"], row["method"],
                    row["amount_fen"], row["fund_id"], row["programme_id"], row["recipient_id"],
                    row["purpose"], row["note"], row["status"])


def goods_lines(db: Database, donation_id: str) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query(
        "SELECT line_no, item, quantity, unit, unit_value_fen, value_fen FROM goods_lines"
        " WHERE donation_id = ? ORDER BY line_no", (donation_id,))]


def void_donation(db: Database, actor: Operator, donation_id: str, reason: str) -> Donation:
    """Mark a donation void (作废): an administrator, with a reason; nothing is deleted."""
    require_admin(actor, "作废捐赠")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "作废必须填写原因")
    with db.transaction() as c:
        before = get_donation(db, donation_id)
        if before.status == "voided":
            raise Conflict("already_voided", "这笔捐赠已经作废了")
        c.execute("UPDATE donations SET status='voided', void_reason=?, voided_at=?, voided_by=?,"
                  " updated_at=?, updated_by=? WHERE id=?",
                  (reason, now_iso(), actor.id, now_iso(), actor.id, donation_id))
        after = get_donation(db, donation_id)
        audit.record(c, actor, "void", "donations", donation_id, before.to_dict(),
                     {**after.to_dict(), "void_reason": reason})
    return after
