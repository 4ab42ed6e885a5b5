"""Micro-wishes (微心愿): a child's wish, checked by a home visit, published, claimed, fulfilled.

States: 待审核 (pending) → 已发布 (published) → 已认领 (claimed) → 已实现 (fulfilled), or 已取消
(cancelled) with a reason. A claim withdrawn with a reason sends the wish back to 已发布; the claim
has a contact deadline (`wish_claim_days`, 7 by default). A wish is worth at most the station's cap
(`wish_cap_fen`, 300 yuan by default).

Fulfilment is a gift from the claimant directed to the child (`record_donation`, with its
numbered receipt) and its handing-over in the same transaction: money as a direct payment from
that gift (`payments.pay`), goods by taking their value out of the fund's goods.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.donations import donations, receipts
from app.errors import Conflict, InputError, NotFound
from app.funds import journal, payments
from app.goods import store
from app.goods.quantities import parse_quantity
from app.ids import new_id
from app.rules.idcard import age_on
from app.rules.money import format_fen
from app.station import station
from app.station.accounts import Operator, require_write
from app.wishes import donor_names

STATES = ("pending", "published", "claimed", "fulfilled", "cancelled")
STATE_NAMES = {"pending": "待审核", "published": "已发布", "claimed": "已认领", "fulfilled": "已实现",
               "cancelled": "已取消"}
#: A wish open longer than this many days is named on the home page.
OPEN_TOO_LONG_DAYS = 14


def code(wish_id: str) -> str:
    """The 8-character code a wish is called by on the board and the shareable list."""
    return wish_id[-8:]


@dataclass(frozen=True)
class Wish:
    id: str
    recipient_id: str
    child: str
    age: int | None
    village: str
    wish: str
    value_fen: int
    school: str
    story: str
    checked_by: str
    checked_on: str | None
    state: str
    published_on: str | None
    claimant: str
    claimed_on: str | None
    contact_by: str | None
    donation_id: str | None
    fulfilled_on: str | None
    feedback: str
    cancel_reason: str
    created_at: str

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]

    def overdue(self, today: dt.date) -> bool:
        """A claim past its contact deadline, still not fulfilled."""
        return self.state == "claimed" and bool(self.contact_by) and str(self.contact_by) < today.isoformat()

    def open_too_long(self, today: dt.date) -> bool:
        start = self.published_on or self.created_at[:10]
        return self.state == "published" and start < (today - dt.timedelta(days=OPEN_TOO_LONG_DAYS)).isoformat()

    def to_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        out = asdict(self)
        out["state_name"] = self.state_name
        out["overdue"] = self.overdue(today or dt.date.today())
        return out


_SELECT = ("SELECT w.id, w.recipient_id, r.name, r.birth_date, r.village, w.wish, w.value_fen, w.school, w.story,"
           " w.checked_by, w.checked_on, w.state, w.published_on, COALESCE(o.name, ''), c.claimed_on, c.contact_by,"
           " w.donation_id, w.fulfilled_on, w.feedback, w.cancel_reason, w.created_at"
           " FROM wishes w JOIN recipients r ON r.id = w.recipient_id"
           " LEFT JOIN wish_claims c ON c.id = w.claim_id AND c.status != 'withdrawn'"
           " LEFT JOIN donors o ON o.id = c.donor_id")


def _wish(row: tuple[Any, ...], today: dt.date) -> Wish:
    wid, rid, name, birth, village, *rest = row
    age = age_on(dt.date.fromisoformat(birth), today) if birth else None
    return Wish(wid, rid, name, age, village or "", *rest)


def cap_fen(db: Database) -> int:
    return int(station.get_setting(db, "wish_cap_fen"))


def claim_days(db: Database) -> int:
    return int(station.get_setting(db, "wish_claim_days"))


def get_wish(db: Database, wish_id: str, today: dt.date | None = None) -> Wish:
    rows = list(db.tuples(_SELECT + " WHERE w.id = ?", (wish_id,)))
    if not rows:
        raise NotFound("no_wish", f"没有这个心愿：{wish_id}")
    return _wish(rows[0], today or dt.date.today())


def find_wish(db: Database, text: str) -> Wish:
    """A wish by its id or its last characters (its code as printed on the list, at least 4).
    Ids begin with the time, so it is their random end that tells wishes apart."""
    t = (text or "").strip().lower()
    if len(t) < 4 or not re.fullmatch(r"[0-9a-f]+", t):
        raise InputError("bad_wish", f"心愿编号应为清单上的 8 位编号：{text}")
    ids = [r[0] for r in db.tuples("SELECT id FROM wishes WHERE substr(id, -?) = ? LIMIT 2", (len(t), t))]
    if not ids:
        raise NotFound("no_wish", f"没有编号为 {text} 的心愿")
    if len(ids) > 1:
        raise InputError("ambiguous_wish", f"有不止一个心愿的编号以 {text} 结尾，请多写几位")
    return get_wish(db, ids[0])


def list_wishes(db: Database, state: str | None = None, today: dt.date | None = None) -> list[Wish]:
    """Every wish (or those in one state), newest first."""
    today = today or dt.date.today()
    if state is not None and state not in STATES:
        raise InputError("bad_state", f"心愿状态应为 {'、'.join(f'{k}（{v}）' for k, v in STATE_NAMES.items())} 之一：{state}")
    where, params = (" WHERE w.state = ?", (state,)) if state else ("", ())
    return [_wish(r, today) for r in db.tuples(_SELECT + where + " ORDER BY w.created_at DESC, w.id", params)]


def state_from_text(text: str) -> str:
    t = (text or "").strip()
    for code, name in STATE_NAMES.items():
        if t in (code, name, name[1:]):
            return code
    raise InputError("bad_state", f"心愿状态应为 {'、'.join(STATE_NAMES.values())} 之一：{text}")


def _set(c: Any, actor: Operator, wish_id: str, action: str, before: Wish, **changes: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in changes)
    c.execute(f"UPDATE wishes SET {sets}, updated_at = ?, updated_by = ? WHERE id = ?",
              (*changes.values(), now_iso(), actor.id, wish_id))
    audit.record(c, actor, action, "wishes", wish_id, {k: getattr(before, k, None) for k in changes}, changes)


def add_wish(db: Database, actor: Operator, recipient_id: str, wish: str, value_fen: int, *, school: str = "",
             story: str = "", checked_by: str = "", checked_on: dt.date | None = None,
             today: dt.date | None = None) -> Wish:
    """Write down a child's wish (待审核): its value within the station's cap."""
    require_write(actor)
    today = today or dt.date.today()
    text = (wish or "").strip()
    if not text:
        raise InputError("empty_wish", "请填写心愿内容（孩子自己的话）")
    if value_fen <= 0:
        raise InputError("zero", "心愿的价值应大于零")
    cap = cap_fen(db)
    if value_fen > cap:
        raise InputError("over_cap", f"心愿价值 ¥{format_fen(value_fen)} 超过本站上限 ¥{format_fen(cap)}，"
                         "请改小或拆成合适的心愿", value_fen=value_fen, cap_fen=cap)
    if checked_on is not None and checked_on > today:
        raise InputError("future_date", f"走访核实日期 {checked_on} 晚于今天")
    if db.scalar("SELECT 1 FROM recipients WHERE id = ?", (recipient_id,)) is None:
        raise NotFound("no_recipient", "没有这个受助对象")
    if checked_by.strip() and checked_on is None:
        checked_on = today
    wid, at = new_id(), now_iso()
    with db.transaction() as c:
        c.execute("INSERT INTO wishes(id, recipient_id, wish, value_fen, school, story, checked_by, checked_on,"
                  " created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                  (wid, recipient_id, text, value_fen, school.strip(), story.strip(), checked_by.strip(),
                   checked_on.isoformat() if checked_on else None, at, actor.id, at, actor.id))
        w = get_wish(db, wid, today)
        audit.record(c, actor, "create", "wishes", wid, None, asdict(w))
    return w


def publish(db: Database, actor: Operator, wish_id: str, today: dt.date | None = None) -> Wish:
    """待审核 → 已发布: the wish may now be shown and claimed."""
    require_write(actor)
    today = today or dt.date.today()
    with db.transaction() as c:
        w = get_wish(db, wish_id, today)
        if w.state != "pending":
            raise Conflict("not_pending", f"这个心愿{w.state_name}，只有待审核的心愿可以发布")
        _set(c, actor, wish_id, "publish", w, state="published", published_on=today.isoformat())
    return get_wish(db, wish_id, today)


def claim(db: Database, actor: Operator, wish_id: str, donor_name: str, *, donor_kind: str | None = None,
          days: int | None = None, today: dt.date | None = None) -> Wish:
    """已发布 → 已认领 by a donor (found by name, or created), who is to get in touch within `days`."""
    require_write(actor)
    today = today or dt.date.today()
    days = claim_days(db) if days is None else days
    if days < 1:
        raise InputError("bad_days", "联系期限至少 1 天")
    with db.transaction() as c:
        w = get_wish(db, wish_id, today)
        if w.state == "claimed":
            raise Conflict("already_claimed", f"这个心愿已被{w.claimant}认领，不能重复认领")
        if w.state != "published":
            raise Conflict("not_published", f"这个心愿{w.state_name}，只有已发布的心愿可以认领")
        donor = donor_names.find_or_create(db, actor, donor_name, donor_kind)
        cid = new_id()
        contact_by = (today + dt.timedelta(days=days)).isoformat()
        c.execute("INSERT INTO wish_claims(id, wish_id, donor_id, claimed_on, contact_by, created_at, created_by)"
                  " VALUES (?,?,?,?,?,?,?)", (cid, wish_id, donor.id, today.isoformat(), contact_by, now_iso(),
                                             actor.id))
        audit.record(c, actor, "create", "wish_claims", cid, None,
                     {"wish_id": wish_id, "donor": donor.name, "contact_by": contact_by})
        _set(c, actor, wish_id, "claim", w, state="claimed", claim_id=cid)
    return get_wish(db, wish_id, today)


def unclaim(db: Database, actor: Operator, wish_id: str, reason: str, today: dt.date | None = None) -> Wish:
    """Withdraw a claim with a reason: the wish goes back to 已发布, the claim stays on record."""
    require_write(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "撤销认领必须填写原因")
    with db.transaction() as c:
        w = get_wish(db, wish_id, today)
        if w.state != "claimed":
            raise Conflict("not_claimed", f"这个心愿{w.state_name}，没有可以撤销的认领")
        cid = db.scalar("SELECT claim_id FROM wishes WHERE id = ?", (wish_id,))
        c.execute("UPDATE wish_claims SET status = 'withdrawn', withdraw_reason = ?, closed_at = ?, closed_by = ?"
                  " WHERE id = ?", (reason, now_iso(), actor.id, cid))
        audit.record(c, actor, "withdraw", "wish_claims", cid, {"status": "active"},
                     {"status": "withdrawn", "reason": reason})
        _set(c, actor, wish_id, "unclaim", w, state="published", claim_id=None)
    return get_wish(db, wish_id, today)


def cancel(db: Database, actor: Operator, wish_id: str, reason: str, today: dt.date | None = None) -> Wish:
    """已取消 with a reason (a wish not yet fulfilled); an open claim is closed with it."""
    require_write(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "取消心愿必须填写原因")
    with db.transaction() as c:
        w = get_wish(db, wish_id, today)
        if w.state in ("fulfilled", "cancelled"):
            raise Conflict("closed", f"这个心愿{w.state_name}，不能再取消")
        if w.state == "claimed":
            c.execute("UPDATE wish_claims SET status = 'withdrawn', withdraw_reason = ?, closed_at = ?,"
                      " closed_by = ? WHERE wish_id = ? AND status = 'active'",
                      (f"心愿取消：{reason}", now_iso(), actor.id, wish_id))
        _set(c, actor, wish_id, "cancel", w, state="cancelled", cancel_reason=reason)
    return get_wish(db, wish_id, today)


@dataclass(frozen=True)
class Fulfilment:
    wish: Wish
    donation: donations.Donation
    receipt: str
    payment_id: str | None
    value_fen: int

    def to_dict(self) -> dict[str, Any]:
        return {"wish": self.wish.to_dict(), "donation": self.donation.to_dict(), "receipt": self.receipt,
                "payment": self.payment_id, "value_fen": self.value_fen}


def fulfil(db: Database, actor: Operator, wish_id: str, *, amount_fen: int = 0,
           goods: list[donations.GoodsLine] | None = None, method: str = "cash", on: dt.date | None = None,
           feedback: str = "", today: dt.date | None = None) -> Fulfilment:
    """已认领 → 已实现: the claimant's gift for the child (numbered receipt) and its handing-over to
    the child, all in one transaction. Money is paid to the child from that gift; goods are taken
    out of the fund's goods value as they are handed over."""
    require_write(actor)
    today = today or dt.date.today()
    on = on or today
    goods = goods or []
    if bool(amount_fen) == bool(goods):
        raise InputError("money_or_goods", "实现心愿请填写金额或物资（二选一）")
    with db.transaction() as c:
        w = get_wish(db, wish_id, today)
        if w.state == "cancelled":
            raise Conflict("cancelled", f"这个心愿已取消（{w.cancel_reason}），不能实现")
        if w.state == "fulfilled":
            raise Conflict("fulfilled", "这个心愿已经实现了")
        if w.state != "claimed":
            raise Conflict("not_claimed", f"这个心愿{w.state_name}，请先登记认领人再实现")
        donor_id = db.scalar("SELECT c.donor_id FROM wishes w JOIN wish_claims c ON c.id = w.claim_id"
                             " WHERE w.id = ?", (wish_id,))
        gift = donations.record_donation(db, actor, donations.DonationInput(
            donor_id=str(donor_id), donated_on=on, amount_fen=amount_fen, method=None if goods else method,
            goods=goods, recipient_id=w.recipient_id, purpose=f"微心愿：{w.wish}"), today=today)
        receipt = receipts.receipt_for_donation(db, gift.id)
        assert receipt is not None
        payment_id = None
        if gift.kind == "cash":
            payment_id = payments.pay(db, actor, w.recipient_id, gift.amount_fen, donation_id=gift.id, on=on,
                                      note=f"微心愿：{w.wish}", today=today).id
        else:
            if gift.amount_fen:
                journal.draw(c, db, fund_id=gift.fund_id, amount_fen=gift.amount_fen, matches=[], on=on.isoformat(),
                             kind="payment", source="wish", source_id=wish_id, operator_id=actor.id,
                             goods_first=True)
            for line in goods:  # the gift brought them into the store; they leave it for the child at once
                store.hand_out(db, actor, line.item, line.unit, parse_quantity(str(line.quantity)), to="",
                               on=on, today=today, recipient_id=w.recipient_id)
        c.execute("UPDATE wish_claims SET status = 'fulfilled', closed_at = ?, closed_by = ? WHERE id ="
                  " (SELECT claim_id FROM wishes WHERE id = ?)", (now_iso(), actor.id, wish_id))
        _set(c, actor, wish_id, "fulfil", w, state="fulfilled", donation_id=gift.id, payment_id=payment_id,
             fulfilled_on=on.isoformat(), feedback=feedback.strip())
    return Fulfilment(get_wish(db, wish_id, today), gift, receipt.number, payment_id, gift.amount_fen)


def counts(db: Database) -> dict[str, int]:
    """How many wishes are in each state (for the board's filter)."""
    have = {s: int(n) for s, n in db.tuples("SELECT state, count(*) FROM wishes GROUP BY state")}
    return {s: have.get(s, 0) for s in STATES}


def fulfilled_totals(db: Database, date_from: str, date_to: str) -> dict[str, int]:
    """Wishes fulfilled in a period: how many, the money and the goods value of their gifts."""
    row = next(db.tuples(
        "SELECT count(*), COALESCE(sum(CASE WHEN d.kind = 'cash' THEN d.amount_fen ELSE 0 END), 0),"
        " COALESCE(sum(CASE WHEN d.kind = 'goods' THEN d.amount_fen ELSE 0 END), 0)"
        " FROM wishes w JOIN donations d ON d.id = w.donation_id"
        " WHERE w.state = 'fulfilled' AND d.status = 'active' AND w.fulfilled_on BETWEEN ? AND ?",
        (date_from, date_to)))
    return {"wishes": int(row[0]), "money_fen": int(row[1]), "goods_fen": int(row[2])}
