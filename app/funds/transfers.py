"""Transfers between funds (调拨), on a decision (会议决定): both sides in one transaction.

Only free money moves; money kept for a person, a programme, a village or a directed fund's
purpose never leaves it. Money moved into a directed fund is kept for that fund's purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError
from app.funds import funds, journal
from app.ids import new_id
from app.rules.money import format_fen
from app.station.accounts import Operator, require_admin


@dataclass(frozen=True)
class Transfer:
    id: str
    from_fund_id: str
    to_fund_id: str
    amount_fen: int
    moved_on: str
    decision_ref: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def transfer(db: Database, actor: Operator, from_fund_id: str, to_fund_id: str, amount_fen: int, *,
             decision_ref: str, note: str = "", on: dt.date | None = None, today: dt.date | None = None) -> Transfer:
    require_admin(actor, "基金调拨")
    today = today or dt.date.today()
    on = on or today
    ref = (decision_ref or "").strip()
    if not ref:
        raise InputError("empty_ref", "调拨必须填写会议决定或批准文号")
    if amount_fen <= 0:
        raise InputError("zero", "调拨金额应大于零")
    if on > today:
        raise InputError("future_date", f"调拨日期 {on} 晚于今天")
    with db.transaction() as c:
        src, dst = funds.active_fund(db, from_fund_id), funds.active_fund(db, to_fund_id)
        if src.id == dst.id:
            raise InputError("same_fund", f"调出和调入是同一个基金“{src.name}”，不能调拨给自己")
        if amount_fen > src.balance_fen:
            raise Conflict("overdraw",
                           f"基金“{src.name}”余额 ¥{format_fen(src.balance_fen)}，要调出 ¥{format_fen(amount_fen)}，"
                           f"还差 ¥{format_fen(amount_fen - src.balance_fen)}。", short_fen=amount_fen - src.balance_fen)
        if amount_fen > src.free_fen:
            names = journal.held_text(db, journal.reserves(db, src.id))
            raise Conflict("reserved",
                           f"基金“{src.name}”余额 ¥{format_fen(src.balance_fen)}，其中 ¥{format_fen(src.reserved_fen)} "
                           f"是定向留存（{names}），只能用于指定用途，不能调走。可调出 ¥{format_fen(max(0, src.free_fen))}，"
                           f"要调出 ¥{format_fen(amount_fen)}，多出 ¥{format_fen(amount_fen - max(0, src.free_fen))}。",
                           free_fen=src.free_fen, needed_fen=amount_fen)
        tid, at = new_id(), now_iso()
        c.execute("INSERT INTO fund_transfers(id, from_fund_id, to_fund_id, amount_fen, moved_on, decision_ref, note,"
                  " created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?)",
                  (tid, src.id, dst.id, amount_fen, on.isoformat(), ref, note.strip(), at, actor.id))
        journal.post(c, fund_id=src.id, on=on.isoformat(), kind="transfer_out", amount_fen=-amount_fen,
                     source="transfer", source_id=tid, operator_id=actor.id)
        journal.post(c, fund_id=dst.id, on=on.isoformat(), kind="transfer_in", amount_fen=amount_fen,
                     reserve="fund" if dst.kind == "directed" else "", source="transfer", source_id=tid,
                     operator_id=actor.id)
        t = Transfer(tid, src.id, dst.id, amount_fen, on.isoformat(), ref)
        audit.record(c, actor, "create", "fund_transfers", tid, None,
                     {**t.to_dict(), "from": src.name, "to": dst.name})
    return t


def list_transfers(db: Database) -> list[Transfer]:
    return [Transfer(*r) for r in db.tuples(
        "SELECT id, from_fund_id, to_fund_id, amount_fen, moved_on, decision_ref FROM fund_transfers"
        " ORDER BY moved_on, created_at")]
