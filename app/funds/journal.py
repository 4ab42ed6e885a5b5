"""The fund journal (基金流水): one append-only row per movement of money or goods value.

A row has a fund, a signed amount of money (`amount_fen`) and of goods value (`goods_fen`),
the date it carries, its kind, its source record and operator, and the `reserve` it belongs to:
'' for free money, ``person:ID``, ``programme:ID``, ``village:NAME`` or ``fund`` (all money of a
directed fund). A correction is a new reversing row. The trigger `fund_journal_totals` keeps
`fund_totals` and `fund_reserves` in the same transaction as each row (docs/architecture.md says
why), so nothing here recounts history except `verify`, which `check` runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError
from app.ids import new_id
from app.station.accounts import Operator, require_admin

#: What each kind is called on screen and in the ledger.
KIND_NAMES = {
    "opening": "期初余额", "gift": "捐赠收入", "gift_void": "捐赠作废", "aid": "救助发放",
    "aid_reversal": "发放冲销", "payment": "定向拨付", "payment_reversal": "拨付冲销",
    "spending": "支出", "spending_reversal": "支出冲销", "transfer_in": "调入", "transfer_out": "调出",
}
#: The reversing kind of each kind that can be reversed.
REVERSES = {"gift": "gift_void", "aid": "aid_reversal", "payment": "payment_reversal",
            "spending": "spending_reversal"}


@dataclass(frozen=True)
class Totals:
    received_fen: int
    paid_fen: int
    transfer_fen: int
    balance_fen: int
    reserved_fen: int
    goods_fen: int

    @property
    def free_fen(self) -> int:
        return self.balance_fen - self.reserved_fen


def _all(db: Database, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
    return list(db.tuples(sql, params))


def person_key(recipient_id: str) -> str:
    return f"person:{recipient_id}"


def programme_key(programme_id: str) -> str:
    return f"programme:{programme_id}"


def village_key(village: str) -> str:
    return f"village:{village}"


def totals(db: Database, fund_id: str) -> Totals:
    row = _all(db, "SELECT received_fen, paid_fen, transfer_fen, balance_fen, reserved_fen, goods_fen"
                    " FROM fund_totals WHERE fund_id = ?", (fund_id,))
    return Totals(*row[0]) if row else Totals(0, 0, 0, 0, 0, 0)


def reserves(db: Database, fund_id: str) -> dict[str, int]:
    """What the fund keeps for each purpose (only purposes with money left)."""
    return {k: int(v) for k, v in _all(db,
        "SELECT reserve, balance_fen FROM fund_reserves WHERE fund_id = ? AND balance_fen != 0", (fund_id,))}


def reserve_name(db: Database, key: str) -> str:
    """定向给王小明 / 项目名 / 定向给东风村 / 本定向基金 — what a reserve is for, in words."""
    what, _, ref = key.partition(":")
    if what == "person":
        name = db.scalar("SELECT name FROM recipients WHERE id = ?", (ref,))
        return f"定向给{name or ref}"
    if what == "programme":
        name = db.scalar("SELECT name FROM programmes WHERE id = ?", (ref,))
        return str(name or ref)
    if what == "village":
        return f"定向给{ref}"
    return "本定向基金的用途"


def held_text(db: Database, held: dict[str, int], limit: int = 3) -> str:
    """定向给王小明 ¥200.00、助学 ¥1,000.00 等 12 项 — the largest reserves first, a few by name."""
    items = sorted(((v, k) for k, v in held.items() if v > 0), reverse=True)
    text = "、".join(f"{reserve_name(db, k)} ¥{v / 100:,.2f}" for v, k in items[:limit])
    return text + (f" 等 {len(items)} 项" if len(items) > limit else "")


def usable_fen(db: Database, fund_id: str, matches: list[str]) -> int:
    """Money a movement for these purposes may take: the free balance and the matching reserves."""
    t = totals(db, fund_id)
    held = reserves(db, fund_id)
    return t.free_fen + sum(max(0, held.get(k, 0)) for k in dict.fromkeys(matches))


def post(c: sqlite3.Connection, *, fund_id: str, on: str, kind: str, amount_fen: int, source: str,
         source_id: str, operator_id: str, goods_fen: int = 0, reserve: str = "") -> str:
    """Append one row; the trigger updates the fund's totals in this same transaction."""
    jid = new_id()
    c.execute("INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, goods_fen, reserve, source,"
              " source_id, operator_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
              (jid, fund_id, on, kind, amount_fen, goods_fen, reserve, source, source_id, operator_id, now_iso()))
    return jid


def draw(c: sqlite3.Connection, db: Database, *, fund_id: str, amount_fen: int, matches: list[str], on: str,
         kind: str, source: str, source_id: str, operator_id: str, goods_first: bool = False,
         held: Held | None = None) -> None:
    """Take `amount_fen` out of a fund: goods value first when `goods_first` (goods handed out as
    goods), then the matching reserves in the order given, then free money. The caller has checked
    that it is there; what is left over comes out of free money. A caller drawing many lines in one
    transaction passes one `Held` so the fund is read once, not once a line."""
    held = held if held is not None else Held.of(db, fund_id)
    left = amount_fen
    if goods_first and left:
        take = min(max(0, held.goods_fen), left)
        if take:
            post(c, fund_id=fund_id, on=on, kind=kind, amount_fen=0, goods_fen=-take, source=source,
                 source_id=source_id, operator_id=operator_id)
            held.goods_fen -= take
            left -= take
    for key in dict.fromkeys(matches):
        take = min(max(0, held.reserves.get(key, 0)), left)
        if take:
            post(c, fund_id=fund_id, on=on, kind=kind, amount_fen=-take, reserve=key, source=source,
                 source_id=source_id, operator_id=operator_id)
            held.reserves[key] -= take
            left -= take
    if left:
        post(c, fund_id=fund_id, on=on, kind=kind, amount_fen=-left, source=source, source_id=source_id,
             operator_id=operator_id)


@dataclass
class Held:
    """A fund's reserves and goods value as read once, kept current by `draw` within one transaction."""

    reserves: dict[str, int]
    goods_fen: int

    @classmethod
    def of(cls, db: Database, fund_id: str) -> Held:
        return cls(reserves(db, fund_id), totals(db, fund_id).goods_fen)


def reverse(c: sqlite3.Connection, *, source: str, source_id: str, kind: str, operator_id: str) -> int:
    """Write the rows that undo what is left of one source record's `kind` rows (a line taken,
    given back and taken again is undone once); return the money put back."""
    rows = c.execute("SELECT fund_id, reserve, min(on_date), sum(amount_fen), sum(goods_fen) FROM fund_journal"
                     " WHERE source = ? AND source_id = ? AND kind IN (?, ?) GROUP BY fund_id, reserve"
                     " HAVING sum(amount_fen) != 0 OR sum(goods_fen) != 0",
                     (source, source_id, kind, REVERSES[kind])).fetchall()
    back = 0
    for fund_id, reserve, on, amount, goods in rows:
        post(c, fund_id=fund_id, on=on, kind=REVERSES[kind], amount_fen=-amount, goods_fen=-goods,
             reserve=reserve, source=source, source_id=source_id, operator_id=operator_id)
        back -= amount
    return back


def reverse_record(db: Database, actor: Operator, *, what: str, table: str, source: str, record_id: str,
                   reason: str, get: Callable[[Database, str], Any]) -> None:
    """Reverse (冲销) one payment or spending with a reason, as an administrator: the record is marked
    reversed, its journal rows are undone and the audit log says who and why — one transaction."""
    require_admin(actor, f"冲销{what}")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "冲销必须填写原因")
    with db.transaction() as c:
        before = get(db, record_id)
        if before.status != "active":
            raise Conflict("reversed", f"这笔{what}已经冲销了")
        c.execute(f"UPDATE {table} SET status = 'reversed', reversal_reason = ? WHERE id = ?", (reason, record_id))
        reverse(c, source=source, source_id=record_id, kind=source, operator_id=actor.id)
        audit.record(c, actor, "reverse", table, record_id, before.to_dict(), {"status": "reversed", "reason": reason})


# ---------- reading ----------
def ledger(db: Database, fund_id: str, *, described: bool = True) -> list[dict[str, Any]]:
    """Every movement of one fund in date order, opening balance first, with the running balance.
    `described=False` leaves "what" empty (a screen describes only the rows it shows)."""
    rows = _all(db,
        "SELECT j.on_date, j.kind, j.amount_fen, j.goods_fen, j.reserve, j.source, j.source_id,"
        " COALESCE(o.display_name, j.operator_id), j.seq FROM fund_journal j"
        " LEFT JOIN operators o ON o.id = j.operator_id WHERE j.fund_id = ?"
        " ORDER BY j.kind != 'opening', j.on_date, j.seq", (fund_id,))
    out, balance, goods = [], 0, 0
    names: dict[str, str] = {}
    for on, kind, amount, g, reserve, source, source_id, operator, seq in rows:
        balance += amount
        goods += g
        if reserve and reserve not in names:
            names[reserve] = reserve_name(db, reserve)
        out.append({"seq": seq, "date": on, "kind": kind, "kind_name": KIND_NAMES.get(kind, kind),
                    "amount_fen": amount, "goods_fen": g, "reserve": reserve,
                    "reserve_name": names.get(reserve, ""),
                    "what": describe(db, source, source_id) if described else "",
                    "source": source, "source_id": source_id, "operator": operator,
                    "balance_fen": balance, "goods_balance_fen": goods})
    return out


def describe(db: Database, source: str, source_id: str) -> str:
    """One line saying what a journal row came from."""
    if source == "donation":
        row = _all(db, "SELECT o.name, (SELECT number FROM receipts r WHERE r.donation_id = d.id"
                        " ORDER BY r.issued_at DESC LIMIT 1) FROM donations d JOIN donors o ON o.id = d.donor_id"
                        " WHERE d.id = ?", (source_id,))
        return f"{row[0][0]} 收据 {row[0][1] or ''}".strip() if row else ""
    if source == "disbursement":
        row = _all(db, "SELECT b.name, p.name FROM disbursements b JOIN distributions x ON x.id = b.distribution_id"
                        " JOIN programmes p ON p.id = x.programme_id WHERE b.id = ?", (source_id,))
        return f"{row[0][1]}：{row[0][0]}" if row else ""
    if source == "payment":
        row = _all(db, "SELECT r.name, p.note FROM fund_payments p JOIN recipients r ON r.id = p.recipient_id"
                        " WHERE p.id = ?", (source_id,))
        return f"拨付给 {row[0][0]}" + (f"（{row[0][1]}）" if row and row[0][1] else "") if row else ""
    if source == "spending":
        row = _all(db, "SELECT payee, purpose, voucher FROM fund_spending WHERE id = ?", (source_id,))
        return f"{row[0][0]}：{row[0][1]}（凭证 {row[0][2]}）" if row else ""
    if source == "transfer":
        row = _all(db, "SELECT a.name, b.name, t.decision_ref FROM fund_transfers t JOIN funds a"
                        " ON a.id = t.from_fund_id JOIN funds b ON b.id = t.to_fund_id WHERE t.id = ?", (source_id,))
        return f"{row[0][0]} → {row[0][1]}（{row[0][2]}）" if row else ""
    if source == "wish":
        row = _all(db, "SELECT r.name, w.wish FROM wishes w JOIN recipients r ON r.id = w.recipient_id"
                        " WHERE w.id = ?", (source_id,))
        return f"微心愿：{row[0][0]} {row[0][1]}" if row else ""
    if source == "meal_statement":
        row = _all(db, "SELECT c.name, s.month, s.people, s.meals FROM meal_statements s JOIN meal_canteens c"
                        " ON c.id = s.canteen_id WHERE s.id = ?", (source_id,))
        return f"助餐补贴：{row[0][0]} {row[0][1]}（{row[0][2]} 人 {row[0][3]} 餐）" if row else ""
    if source == "fund":
        return "基金设立时的余额"
    return ""


def verify(db: Database) -> list[str]:
    """Recount every fund from the journal and compare with the kept totals; each difference is damage."""
    problems: list[str] = []
    kept = {r[0]: r[1:] for r in _all(db,
        "SELECT f.id, f.name, t.received_fen, t.paid_fen, t.transfer_fen, t.balance_fen, t.reserved_fen,"
        " t.goods_fen FROM funds f LEFT JOIN fund_totals t ON t.fund_id = f.id")}
    counted = {r[0]: r[1:] for r in _all(db,
        "SELECT fund_id,"
        " sum(CASE WHEN kind IN ('gift', 'gift_void') THEN amount_fen ELSE 0 END),"
        " -sum(CASE WHEN kind IN ('aid', 'aid_reversal', 'payment', 'payment_reversal', 'spending',"
        "      'spending_reversal') THEN amount_fen ELSE 0 END),"
        " sum(CASE WHEN kind IN ('transfer_in', 'transfer_out') THEN amount_fen ELSE 0 END),"
        " sum(amount_fen), sum(CASE WHEN reserve != '' THEN amount_fen ELSE 0 END), sum(goods_fen)"
        " FROM fund_journal GROUP BY fund_id")}
    labels = ("收入", "支出", "调拨", "余额", "定向留存", "物资折价")
    for fid, (name, *have) in kept.items():
        want = list(counted.get(fid, (0, 0, 0, 0, 0, 0)))
        if have[0] is None:
            problems.append(f"基金“{name}”没有余额记录（fund_totals 缺行）")
            continue
        for label, h, w in zip(labels, have, want, strict=True):
            if h != w:
                problems.append(f"基金“{name}”{label}记为 {h / 100:,.2f} 元，按流水重算为 {w / 100:,.2f} 元")
    reserve_rows = _all(db,
        "SELECT j.fund_id, j.reserve, sum(j.amount_fen), COALESCE(r.balance_fen, 0) FROM fund_journal j"
        " LEFT JOIN fund_reserves r ON r.fund_id = j.fund_id AND r.reserve = j.reserve"
        " WHERE j.reserve != '' GROUP BY j.fund_id, j.reserve")
    for fid, key, want, have in reserve_rows:
        if want != have:
            problems.append(f"基金“{kept[fid][0] if fid in kept else fid}”中{reserve_name(db, key)}的留存记为 "
                            f"{have / 100:,.2f} 元，按流水重算为 {want / 100:,.2f} 元")
    fresh = _all(db, "SELECT d.id FROM donations d WHERE d.status = 'active' AND NOT EXISTS (SELECT 1 FROM fund_journal j"
                      " WHERE j.source = 'donation' AND j.source_id = d.id) LIMIT 5")
    if fresh:
        problems.append(f"有捐赠没有记入基金流水（如 {fresh[0][0]}）")
    return problems
