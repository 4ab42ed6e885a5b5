"""Direct payments (定向拨付): money paid straight to one person, not through a distribution day.

Money a donor gave for that person (or for their village, or into a directed fund) is used first,
then free money; money reserved for anyone or anything else is refused. With `donation_id` (the
gift's receipt) the payment comes out of that gift's fund and may not exceed what the gift left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import funds, journal
from app.ids import new_id
from app.rules.money import format_fen
from app.station.accounts import Operator, require_admin


@dataclass(frozen=True)
class Payment:
    id: str
    fund_id: str
    recipient_id: str
    donation_id: str | None
    amount_fen: int
    paid_on: str
    note: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _person(db: Database, recipient_id: str) -> tuple[str, str, str]:
    row = db.one("SELECT id, name, village, status FROM recipients WHERE id = ?", (recipient_id,))
    if row is None:
        raise NotFound("no_recipient", "没有这个受助对象")
    return row["id"], row["name"], row["village"]


def gift_left_fen(db: Database, donation_id: str) -> int:
    """What a gift has left to pay out: its money less the direct payments made from it."""
    amount = db.scalar("SELECT amount_fen FROM donations WHERE id = ? AND status = 'active' AND kind = 'cash'",
                       (donation_id,)) or 0
    paid = db.scalar("SELECT coalesce(sum(amount_fen), 0) FROM fund_payments WHERE donation_id = ?"
                     " AND status = 'active'", (donation_id,))
    return int(amount) - int(paid)


def pay(db: Database, actor: Operator, recipient_id: str, amount_fen: int, *, fund_id: str | None = None,
        donation_id: str | None = None, on: dt.date | None = None, note: str = "",
        today: dt.date | None = None) -> Payment:
    """Pay one person directly, in one transaction with its journal rows; refuse rather than overdraw."""
    require_admin(actor, "定向拨付")
    today = today or dt.date.today()
    on = on or today
    if on > today:
        raise InputError("future_date", f"拨付日期 {on} 晚于今天")
    if amount_fen <= 0:
        raise InputError("zero", "拨付金额应大于零")
    with db.transaction() as c:
        rid, name, village = _person(db, recipient_id)
        gift_reserve = ""
        if donation_id is not None:
            gift = db.one("SELECT d.fund_id, d.status, d.kind, d.recipient_id, d.amount_fen, r.name AS for_name"
                          " FROM donations d LEFT JOIN recipients r ON r.id = d.recipient_id WHERE d.id = ?",
                          (donation_id,))
            if gift is None:
                raise NotFound("no_donation", "没有这笔捐赠")
            if gift["status"] != "active":
                raise Conflict("voided", "这笔捐赠已作废，不能从中拨付")
            if gift["kind"] != "cash":
                raise Conflict("goods_gift", "这笔捐赠是物资，不是钱款，不能拨付现金")
            if gift["recipient_id"] and gift["recipient_id"] != rid:
                raise Conflict("reserved_for_other",
                               f"这笔捐赠 ¥{format_fen(gift['amount_fen'])} 是捐赠人定向给{gift['for_name']}的，"
                               f"不能拨付给{name}。", for_person=gift["for_name"])
            if fund_id is not None and fund_id != gift["fund_id"]:
                raise InputError("fund_mismatch", "从一笔捐赠拨付时，只能从这笔捐赠所在的基金拨付")
            fund_id = gift["fund_id"]
            left = gift_left_fen(db, donation_id)
            if amount_fen > left:
                raise Conflict("gift_overdraw",
                               f"这笔捐赠 ¥{format_fen(gift['amount_fen'])} 还剩 ¥{format_fen(max(0, left))} 可拨付，"
                               f"本次要拨付 ¥{format_fen(amount_fen)}，多出 ¥{format_fen(amount_fen - max(0, left))}。",
                               left_fen=left, needed_fen=amount_fen)
            gift_reserve = journal.person_key(rid) if gift["recipient_id"] else ""
        fund = funds.active_fund(db, fund_id or funds.default_fund(db).id)
        matches = [journal.person_key(rid)] + ([journal.village_key(village)] if village else []) + ["fund"]
        check_usable(db, fund, amount_fen, matches, f"拨付给{name}")
        pid, at = new_id(), now_iso()
        c.execute("INSERT INTO fund_payments(id, fund_id, recipient_id, donation_id, amount_fen, paid_on, note,"
                  " created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?)",
                  (pid, fund.id, rid, donation_id, amount_fen, on.isoformat(), note.strip(), at, actor.id))
        journal.draw(c, db, fund_id=fund.id, amount_fen=amount_fen,
                     matches=[gift_reserve, *matches] if gift_reserve else matches, on=on.isoformat(),
                     kind="payment", source="payment", source_id=pid, operator_id=actor.id)
        payment = get_payment(db, pid)
        audit.record(c, actor, "create", "fund_payments", pid, None, {**payment.to_dict(), "name": name})
    return payment


def check_usable(db: Database, fund: funds.Fund, amount_fen: int, matches: list[str], what: str) -> None:
    """Refuse a movement the fund cannot pay from its free money and the reserves it may use,
    saying how much is there, how much is kept for what, and how much is missing."""
    if amount_fen > fund.balance_fen:
        raise Conflict("overdraw",
                       f"基金“{fund.name}”余额 ¥{format_fen(fund.balance_fen)}，{what}需要 ¥{format_fen(amount_fen)}，"
                       f"还差 ¥{format_fen(amount_fen - fund.balance_fen)}。基金不能透支。"
                       + (f"（物资折价 ¥{format_fen(fund.goods_fen)} 是物资，不是钱款。）" if fund.goods_fen else ""),
                       fund=fund.name, balance_fen=fund.balance_fen, needed_fen=amount_fen,
                       short_fen=amount_fen - fund.balance_fen)
    usable = journal.usable_fen(db, fund.id, matches)
    if amount_fen > usable:
        held = {k: v for k, v in journal.reserves(db, fund.id).items() if k not in matches and v > 0}
        names = journal.held_text(db, held)
        raise Conflict("reserved",
                       f"基金“{fund.name}”余额 ¥{format_fen(fund.balance_fen)}，其中 ¥{format_fen(sum(held.values()))} "
                       f"是定向留存（{names}），不能用于{what}。可用 ¥{format_fen(max(0, usable))}，"
                       f"需要 ¥{format_fen(amount_fen)}，还差 ¥{format_fen(amount_fen - max(0, usable))}。",
                       fund=fund.name, usable_fen=usable, needed_fen=amount_fen,
                       short_fen=amount_fen - max(0, usable))


def get_payment(db: Database, payment_id: str) -> Payment:
    row = db.one("SELECT * FROM fund_payments WHERE id = ?", (payment_id,))
    if row is None:
        raise NotFound("no_payment", "没有这笔拨付")
    return Payment(row["id"], row["fund_id"], row["recipient_id"], row["donation_id"], row["amount_fen"],
                   row["paid_on"], row["note"], row["status"])


def reverse_payment(db: Database, actor: Operator, payment_id: str, reason: str) -> Payment:
    """Reverse a payment (冲销) with a reason: its money comes back to where it was taken from."""
    journal.reverse_record(db, actor, what="拨付", table="fund_payments", source="payment", record_id=payment_id,
                           reason=reason, get=get_payment)
    return get_payment(db, payment_id)
