"""Donations (捐赠): cash with a payment method, or goods lines; designated or not.

Undesignated money goes to the default general fund. Goods whose value cannot
be established are recorded by name and quantity with no value and are not
counted as money received. A donation is never deleted: an administrator
voids it with a reason.

Every donation gets its numbered receipt in the same transaction that saves it
(`app.donations.receipts`); from then on what the receipt says — donor, amount, date,
method, goods, designation, purpose — cannot be edited, only voided and
re-entered. Voiding a donation voids its receipt too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.donations import receipts
from app.errors import Conflict, InputError, NotFound
from app.funds import funds, journal
from app.ids import new_id
from app.rules.money import format_fen
from app.station import station
from app.station.accounts import Operator, require_admin, require_write

METHODS = ("cash", "bank", "wechat", "alipay")
METHOD_NAMES = {"cash": "现金", "bank": "银行转账", "wechat": "微信", "alipay": "支付宝"}
EARLIEST = dt.date(1990, 1, 1)
#: A directed gift (定向捐赠) may only be spent where the donor said: for a programme, for one
#: person, or into a directed fund. SQL on `donations d`, shared by every report that counts them.
DIRECTED_SQL = ("(d.programme_id IS NOT NULL OR d.recipient_id IS NOT NULL"
                " OR d.fund_id IN (SELECT id FROM funds WHERE kind = 'directed'))")


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
    village: str = ""  # given for one village (定向某村)


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
                    *, today: dt.date | None = None, receipt_origin: str = "desk") -> Donation:
    """Check and save one donation with its goods lines and its numbered receipt, in one transaction.

    The receipt: `receipts.receipt_for_donation(db, donation.id)`. A spreadsheet import
    passes ``receipt_origin="import"`` so the yearly receipt report says where it came from.
    """
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
            " programme_id, recipient_id, village, purpose, note, station_code, created_at, created_by,"
            " updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (did, data.donor_id, data.donated_on.isoformat(), kind, method, amount, fund_id,
             data.programme_id, data.recipient_id, data.village.strip(), data.purpose.strip(), data.note.strip(),
             code, at, actor.id, at, actor.id),
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
        receipts.issue(c, actor, did, code, data.donated_on.year, origin=receipt_origin)
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
    """Mark a donation void (作废), and its receipt: an administrator, with a reason; nothing is deleted."""
    require_admin(actor, "作废捐赠")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "作废必须填写原因")
    with db.transaction() as c:
        before = get_donation(db, donation_id)
        if before.status == "voided":
            raise Conflict("already_voided", "这笔捐赠已经作废了")
        _check_void_leaves_enough(db, before)
        c.execute("UPDATE donations SET status='voided', void_reason=?, voided_at=?, voided_by=?,"
                  " updated_at=?, updated_by=? WHERE id=?",
                  (reason, now_iso(), actor.id, now_iso(), actor.id, donation_id))
        after = get_donation(db, donation_id)
        audit.record(c, actor, "void", "donations", donation_id, before.to_dict(),
                     {**after.to_dict(), "void_reason": reason})
        receipts.void_for_donation(c, actor, donation_id, reason)
    return after


def _check_void_leaves_enough(db: Database, gift: Donation) -> None:
    """A void takes the gift's money back out of its fund: refused when the money has been spent."""
    fund = funds.get_fund(db, gift.fund_id)
    for reserve, money, goods in db.tuples(
            "SELECT reserve, amount_fen, goods_fen FROM fund_journal WHERE source = 'donation' AND source_id = ?"
            " AND kind = 'gift'", (gift.id,)):
        if money > fund.balance_fen:
            raise Conflict("void_overdraw",
                           f"这笔捐赠 ¥{format_fen(money)} 作废后基金“{fund.name}”将透支：基金现有钱款 "
                           f"¥{format_fen(fund.balance_fen)}，还差 ¥{format_fen(money - fund.balance_fen)}。"
                           "钱已用出的捐赠不能作废。", needed_fen=money, balance_fen=fund.balance_fen)
        left = journal.reserves(db, fund.id).get(reserve, 0) if reserve else fund.free_fen
        if money > left:
            what = journal.reserve_name(db, reserve) if reserve else "非定向部分"
            raise Conflict("void_overdraw",
                           f"这笔捐赠 ¥{format_fen(money)} 作废后基金“{fund.name}”的{what}将透支：现有 "
                           f"¥{format_fen(max(0, left))}，还差 ¥{format_fen(money - max(0, left))}。"
                           "钱已用出的捐赠不能作废。", needed_fen=money, available_fen=left)
        if goods > fund.goods_fen:
            raise Conflict("void_overdraw",
                           f"这笔物资捐赠折价 ¥{format_fen(goods)}，基金“{fund.name}”现存物资折价只有 "
                           f"¥{format_fen(fund.goods_fen)}：物资已发出，不能作废。", needed_fen=goods)


#: Fields a receipt prints; fixed once the donation has had a receipt.
RECEIPTED_FIELDS = {"donor_id": "捐赠人", "amount_fen": "金额", "donated_on": "捐赠日期",
                    "method": "付款方式", "purpose": "用途"}


def update_donation(db: Database, actor: Operator, donation_id: str, *,
                    donor_id: str | None = None, amount_fen: int | None = None,
                    donated_on: dt.date | None = None, method: str | None = None,
                    purpose: str | None = None, note: str | None = None,
                    today: dt.date | None = None) -> Donation:
    """Correct a donation. Once it has a receipt only the internal note may change."""
    require_write(actor)
    with db.transaction() as c:
        before = get_donation(db, donation_id)
        if before.status != "active":
            raise Conflict("already_voided", "这笔捐赠已经作废，不能修改")
        changes: dict[str, Any] = {}
        if donor_id is not None and donor_id != before.donor_id:
            if db.one("SELECT 1 FROM donors WHERE id = ?", (donor_id,)) is None:
                raise NotFound("no_donor", "没有这个捐赠人")
            changes["donor_id"] = donor_id
        if amount_fen is not None and amount_fen != before.amount_fen:
            if before.kind != "cash":
                raise InputError("goods_amount", "物资捐赠的金额由物资明细计算，不能直接修改")
            if amount_fen <= 0:
                raise InputError("zero", "现金捐赠的金额应大于零")
            changes["amount_fen"] = amount_fen
        if donated_on is not None and donated_on.isoformat() != before.donated_on:
            if donated_on > (today or dt.date.today()):
                raise InputError("future_date", f"捐赠日期 {donated_on} 晚于今天，不能登记未来的捐赠")
            if donated_on < EARLIEST:
                raise InputError("old_date", f"捐赠日期 {donated_on} 太早了，请检查")
            changes["donated_on"] = donated_on.isoformat()
        if method is not None and method != before.method:
            if before.kind != "cash" or method not in METHODS:
                raise InputError("bad_method", f"付款方式应为 {', '.join(METHODS)} 之一：{method}")
            changes["method"] = method
        if purpose is not None and purpose.strip() != before.purpose:
            changes["purpose"] = purpose.strip()
        fixed = [RECEIPTED_FIELDS[k] for k in changes]
        if fixed:
            last = receipts.latest_for_donation(db, donation_id)
            if last is not None:
                raise Conflict(
                    "receipted",
                    f"这笔捐赠已开收据 {last.number}，不能修改{'、'.join(fixed)}。"
                    "如有错误，请由管理员作废后重新登记。",
                    number=last.number, fields=list(changes),
                )
        if note is not None and note.strip() != before.note:
            changes["note"] = note.strip()
        if not changes:
            return before
        sets = ", ".join(f"{k} = ?" for k in changes)
        c.execute(f"UPDATE donations SET {sets}, updated_at = ?, updated_by = ? WHERE id = ?",
                  (*changes.values(), now_iso(), actor.id, donation_id))
        after = get_donation(db, donation_id)
        audit.record(c, actor, "update", "donations", donation_id, before.to_dict(), after.to_dict())
    return after
