"""Spending (支出): money out that is not aid to a person — purchases, grants to an organisation,
a canteen or a school, administrative costs — each with payee, purpose, voucher (凭证号),
approver and an optional scan. Paid from free money (or, in a directed fund, from the money kept
for the fund's purpose); refused rather than overdraw; reversed, never edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import funds, journal
from app.funds.payments import check_usable
from app.ids import new_id
from app.station.accounts import Operator, require_admin


@dataclass(frozen=True)
class Spending:
    id: str
    fund_id: str
    amount_fen: int
    spent_on: str
    payee: str
    purpose: str
    voucher: str
    approver: str
    scan_path: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def spend(db: Database, actor: Operator, fund_id: str, amount_fen: int, *, payee: str, purpose: str,
          voucher: str, approver: str = "", scan_path: str = "", on: dt.date | None = None,
          today: dt.date | None = None) -> Spending:
    require_admin(actor, "登记支出")
    today = today or dt.date.today()
    on = on or today
    payee, purpose, voucher = (payee or "").strip(), (purpose or "").strip(), (voucher or "").strip()
    for value, label in ((payee, "收款单位或个人"), (purpose, "用途"), (voucher, "凭证号")):
        if not value:
            raise InputError("empty_field", f"支出必须填写{label}")
    if amount_fen <= 0:
        raise InputError("zero", "支出金额应大于零")
    if on > today:
        raise InputError("future_date", f"支出日期 {on} 晚于今天")
    with db.transaction() as c:
        used = db.one("SELECT s.spent_on, s.amount_fen, f.name FROM fund_spending s JOIN funds f ON f.id = s.fund_id"
                      " WHERE s.voucher = ?", (voucher,))
        if used is not None:
            raise Conflict("duplicate_voucher",
                           f"凭证号“{voucher}”已经用过：{used['spent_on']} 基金“{used['name']}”支出 "
                           f"¥{used['amount_fen'] / 100:,.2f}。每张凭证只能登记一次。", voucher=voucher)
        fund = funds.active_fund(db, fund_id)
        check_usable(db, fund, amount_fen, ["fund"], f"支出“{purpose}”")
        sid, at = new_id(), now_iso()
        c.execute("INSERT INTO fund_spending(id, fund_id, amount_fen, spent_on, payee, purpose, voucher, approver,"
                  " scan_path, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                  (sid, fund.id, amount_fen, on.isoformat(), payee, purpose, voucher, approver.strip(),
                   scan_path.strip(), at, actor.id))
        journal.draw(c, db, fund_id=fund.id, amount_fen=amount_fen, matches=["fund"], on=on.isoformat(),
                     kind="spending", source="spending", source_id=sid, operator_id=actor.id)
        s = get_spending(db, sid)
        audit.record(c, actor, "create", "fund_spending", sid, None, s.to_dict())
    return s


def get_spending(db: Database, spending_id: str) -> Spending:
    row = db.one("SELECT * FROM fund_spending WHERE id = ?", (spending_id,))
    if row is None:
        raise NotFound("no_spending", "没有这笔支出")
    return Spending(row["id"], row["fund_id"], row["amount_fen"], row["spent_on"], row["payee"], row["purpose"],
                    row["voucher"], row["approver"], row["scan_path"], row["status"])


def find_by_voucher(db: Database, voucher: str) -> Spending:
    row = db.one("SELECT id FROM fund_spending WHERE voucher = ?", ((voucher or "").strip(),))
    if row is None:
        raise NotFound("no_spending", f"没有凭证号为“{voucher}”的支出")
    return get_spending(db, row["id"])


def list_spending(db: Database, fund_id: str | None = None) -> list[Spending]:
    where, params = ("WHERE fund_id = ?", (fund_id,)) if fund_id else ("", ())
    return [get_spending(db, r[0]) for r in db.tuples(
        f"SELECT id FROM fund_spending {where} ORDER BY spent_on, created_at", params)]


def reverse_spending(db: Database, actor: Operator, spending_id: str, reason: str) -> Spending:
    """Reverse a spending (冲销) with a reason: the money comes back to the fund."""
    journal.reverse_record(db, actor, what="支出", table="fund_spending", source="spending", record_id=spending_id,
                           reason=reason, get=get_spending)
    return get_spending(db, spending_id)
