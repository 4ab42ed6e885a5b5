"""The monthly statement (结算单) of a canteen, its confirmation (payment) and its reversal.

Each meal is priced on its own day: the scheme version in force, the tiers that fit the person's
age in completed years that day and their categories (the highest rate wins). A meal is not
subsidised — and listed with the reason — when the person was not enrolled or no longer alive or
resident that day, no tier applies, or a cap was reached (meals count in date order; a week is
Monday to Sunday, counted within the month). A count without days (a per-person sheet) is priced
on the first day of the month the person was enrolled; its week cap is the cap times the weeks
the month touches.

Confirming writes the statement and its lines and pays the canteen from the scheme's fund through
the fund journal (kind `aid`, source `meal_statement`) in one transaction; a month is paid once.
A confirmed statement is reversed (冲销, the money back into the fund), never edited; after the
counts are corrected the month is confirmed again as a new statement that replaces it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import funds, journal
from app.funds.payments import check_usable
from app.ids import new_id
from app.meals.counts import day_of, decode, month_days
from app.meals.scheme import Canteen, Scheme, scheme_on, schemes
from app.rules.money import format_fen
from app.station.accounts import Operator, require_admin

SOURCE = "meal_statement"


@dataclass
class Line:
    recipient_id: str
    name: str
    id_number: str
    village: str
    village_group: str
    tier: str = ""
    meals: int = 0                 # subsidised meals
    unsubsidised: int = 0
    subsidy_fen: int = 0
    rates: list[dict[str, Any]] = field(default_factory=list)
    not_subsidised: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate_fen(self) -> int | None:
        """The one rate of the month; None when the tier or rate changed within it (see `rates`)."""
        distinct = {r["rate_fen"] for r in self.rates}
        return distinct.pop() if len(distinct) == 1 else (0 if not distinct else None)

    def to_dict(self) -> dict[str, Any]:
        return {"recipient_id": self.recipient_id, "name": self.name, "id_number": self.id_number,
                "village": self.village, "village_group": self.village_group, "tier": self.tier,
                "meals": self.meals, "unsubsidised": self.unsubsidised, "rate_fen": self.rate_fen,
                "rates": self.rates, "subsidy_fen": self.subsidy_fen, "not_subsidised": self.not_subsidised}


@dataclass
class Statement:
    canteen: Canteen
    month: str
    lines: list[Line]
    status: str = "draft"          # draft, confirmed
    id: str = ""
    paid_on: str = ""
    fund: str = ""
    scheme: str = ""
    replaces_id: str | None = None
    reversed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(ln.subsidy_fen for ln in self.lines)

    @property
    def meals(self) -> int:
        return sum(ln.meals for ln in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {"canteen": self.canteen.name, "canteen_id": self.canteen.id, "month": self.month,
                "status": self.status, "id": self.id or None, "paid_on": self.paid_on or None, "fund": self.fund,
                "scheme": self.scheme, "people": len(self.lines), "meals": self.meals,
                "unsubsidised": sum(ln.unsubsidised for ln in self.lines), "total_fen": self.total_fen,
                "lines": [ln.to_dict() for ln in self.lines],
                "not_subsidised": [{"name": ln.name, **n} for ln in self.lines for n in ln.not_subsidised],
                "replaces_id": self.replaces_id, "reversed": self.reversed}


def _weeks(month: str) -> int:
    first = day_of(month, 1)
    last = day_of(month, month_days(month))
    return len({(first + dt.timedelta(days=i)).isocalendar()[:2] for i in range((last - first).days + 1)})


def compute(db: Database, canteen: Canteen, month: str) -> Statement:
    """The draft statement from the month's counts, by the rule above."""
    versions = schemes(db)
    rows = list(db.tuples(
        "SELECT m.recipient_id, m.days, m.meals, r.name, COALESCE(r.id_number, ''), r.village, r.village_group,"
        " r.birth_date, r.status, r.closed_on FROM meal_months m JOIN recipients r ON r.id = m.recipient_id"
        " WHERE m.canteen_id = ? AND m.month = ? AND m.status = 'active'"
        " ORDER BY r.village, r.village_group, r.pinyin_full, r.id", (canteen.id, month)))
    cats: dict[str, set[str]] = {}
    spans: dict[str, list[tuple[str, str | None]]] = {}
    for rid, cat in db.tuples(
            "SELECT m.recipient_id, c.name FROM meal_months m JOIN recipient_categories rc ON rc.recipient_id"
            " = m.recipient_id JOIN categories c ON c.id = rc.category_id WHERE m.canteen_id = ? AND m.month = ?"
            " AND m.status = 'active'", (canteen.id, month)):
        cats.setdefault(rid, set()).add(cat)
    for rid, start, closed in db.tuples(
            "SELECT e.recipient_id, e.enrolled_from, e.closed_on FROM meal_enrolments e WHERE e.canteen_id = ?"
            " AND e.recipient_id IN (SELECT recipient_id FROM meal_months WHERE canteen_id = ? AND month = ?"
            " AND status = 'active')", (canteen.id, canteen.id, month)):
        spans.setdefault(rid, []).append((start, closed))
    n = month_days(month)
    lines: list[Line] = []
    for rid, days_text, total, name, idn, village, group, birth, status, closed_on in rows:
        line = Line(rid, name, idn, village, group)
        born = dt.date.fromisoformat(birth) if birth else None
        gone = closed_on if status in ("deceased", "moved") else None
        gone_word = "去世" if status == "deceased" else "迁出"
        person_cats = frozenset(cats.get(rid, ()))
        days = decode(days_text)
        dated = bool(days)
        if not dated:  # a count without days: priced on the first enrolled day of the month
            first = next((d for d in range(1, n + 1) if _enrolled(spans.get(rid, []), day_of(month, d))), 1)
            days = [0] * (first - 1) + [total]
        month_used, week_used = 0, {}  # type: ignore[var-annotated]
        unsub: dict[tuple[str, str], int] = {}
        for d, k in enumerate(days[:n], start=1):
            if not k:
                continue
            on = day_of(month, d)
            day = on.isoformat()
            reason, rate, tier, scheme = "", 0, "", None
            if gone and day > gone:
                reason = f"{gone_word}（{gone}）之后"
            elif not _enrolled(spans.get(rid, []), on):
                reason = "不在助餐登记期内"
            else:
                scheme = scheme_on(versions, on)
                if scheme is None:
                    reason = "补贴方案尚未生效"
                else:
                    rate, tier = scheme.rate(born, person_cats, on)
                    if not rate:
                        reason = "年龄和类别不在补贴范围" if born else "不在补贴范围（花名册没有出生日期）"
            take = 0 if reason else k
            if scheme is not None and take:
                week = on.isocalendar()[:2] if dated else ("all",)
                cap_week = scheme.cap_week if dated or scheme.cap_week is None else scheme.cap_week * _weeks(month)
                room_m = k if scheme.cap_month is None else max(0, scheme.cap_month - month_used)
                room_w = k if cap_week is None else max(0, cap_week - week_used.get(week, 0))
                take = min(k, room_m, room_w)
                if take < k:
                    reason = (f"超过每月上限 {scheme.cap_month} 餐" if room_m <= room_w
                              else f"超过每周上限 {scheme.cap_week} 餐")
                month_used += take
                week_used[week] = week_used.get(week, 0) + take
            if take:
                _add_rate(line, day if dated else month, tier, rate, take, scheme)
            if k - take:
                key = (day if dated else month, reason)
                unsub[key] = unsub.get(key, 0) + k - take
        line.not_subsidised = [{"date": dd, "meals": m, "reason": r} for (dd, r), m in unsub.items()]
        line.unsubsidised = sum(unsub.values())
        line.meals = sum(r["meals"] for r in line.rates)
        line.subsidy_fen = sum(r["subsidy_fen"] for r in line.rates)
        line.tier = " → ".join(dict.fromkeys(r["tier"] for r in line.rates))
        lines.append(line)
    latest = scheme_on(versions, day_of(month, n))
    return Statement(canteen, month, lines, fund=latest.fund if latest else "",
                     scheme=_scheme_text(latest))


def _scheme_text(s: Scheme | None) -> str:
    from app.meals.scheme import describe

    return describe(s) if s else "没有补贴方案"


def _enrolled(spans: list[tuple[str, str | None]], on: dt.date) -> bool:
    day = on.isoformat()
    return any((not s or s <= day) and (not c or day <= c) for s, c in spans)


def _add_rate(line: Line, day: str, tier: str, rate: int, meals: int, scheme: Scheme | None) -> None:
    last = line.rates[-1] if line.rates else None
    fund_id = scheme.fund_id if scheme else ""
    if last and last["tier"] == tier and last["rate_fen"] == rate and last["fund_id"] == fund_id:
        last["to"] = day
        last["meals"] += meals
        last["subsidy_fen"] += meals * rate
    else:
        line.rates.append({"from": day, "to": day, "tier": tier, "rate_fen": rate, "meals": meals,
                           "subsidy_fen": meals * rate, "fund_id": fund_id})


# ---------- confirmed statements ----------
def confirmed_id(db: Database, canteen_id: str, month: str) -> str | None:
    v = db.scalar("SELECT id FROM meal_statements WHERE canteen_id = ? AND month = ? AND status = 'confirmed'",
                  (canteen_id, month))
    return str(v) if v else None


def statement(db: Database, canteen: Canteen, month: str) -> Statement:
    """The confirmed statement of the month as paid, or the draft computed from the counts."""
    sid = confirmed_id(db, canteen.id, month)
    st = _stored(db, canteen, sid) if sid else compute(db, canteen, month)
    st.reversed = [{"id": r[0], "total_fen": r[1], "paid_on": r[2], "reason": r[3]} for r in db.tuples(
        "SELECT id, total_fen, paid_on, reversal_reason FROM meal_statements WHERE canteen_id = ? AND month = ?"
        " AND status = 'reversed' ORDER BY created_at", (canteen.id, month))]
    return st


def _stored(db: Database, canteen: Canteen, sid: str) -> Statement:
    head = db.one("SELECT s.*, f.name AS fund FROM meal_statements s JOIN funds f ON f.id = s.fund_id WHERE s.id = ?",
                  (sid,))
    if head is None:
        raise NotFound("no_statement", "没有这张结算单")
    lines = []
    for rid, name, idn, village, group, tier, meals, unsub, rates, subsidy in db.tuples(
            "SELECT l.recipient_id, r.name, COALESCE(r.id_number, ''), r.village, r.village_group, l.tier, l.meals,"
            " l.unsubsidised, l.rates, l.subsidy_fen FROM meal_statement_lines l JOIN recipients r"
            " ON r.id = l.recipient_id WHERE l.statement_id = ? ORDER BY l.line_no", (sid,)):
        kept = json.loads(rates)
        lines.append(Line(rid, name, idn, village, group, tier, meals, unsub, subsidy, kept["rates"],
                          kept["not_subsidised"]))
    return Statement(canteen, head["month"], lines, status=head["status"], id=sid, paid_on=head["paid_on"],
                     fund=head["fund"], scheme=json.loads(rates)["scheme"] if lines else "",
                     replaces_id=head["replaces_id"])


def confirm(db: Database, actor: Operator, canteen: Canteen, month: str, *, on: dt.date | None = None) -> Statement:
    """Confirm the month's statement and pay the canteen from the scheme's fund, in one transaction."""
    require_admin(actor, "确认助餐结算单")
    paid_on = (on or dt.date.today()).isoformat()
    with db.transaction() as c:
        if confirmed_id(db, canteen.id, month):
            raise Conflict("settled", f"“{canteen.name}”{month} 的结算单已经确认付款，一个月只付一次；"
                                      "如有错，先冲销再重新确认")
        st = compute(db, canteen, month)
        if not st.lines:
            raise InputError("no_meals", f"“{canteen.name}”{month} 还没有就餐记录，请先导入或录入")
        if st.total_fen <= 0:
            raise InputError("nothing_to_pay", f"“{canteen.name}”{month} 没有可补贴的餐次，不能付款")
        by_fund: dict[str, int] = {}
        for ln in st.lines:
            for r in ln.rates:
                by_fund[r["fund_id"]] = by_fund.get(r["fund_id"], 0) + r["subsidy_fen"]
        for fid, amount in by_fund.items():
            check_usable(db, funds.active_fund(db, fid), amount, ["fund"], f"支付“{canteen.name}”{month} 助餐补贴")
        main_fund = max(by_fund, key=lambda k: by_fund[k])
        replaces = db.scalar("SELECT id FROM meal_statements WHERE canteen_id = ? AND month = ? AND status = 'reversed'"
                             " ORDER BY created_at DESC LIMIT 1", (canteen.id, month))
        sid = new_id()
        c.execute("INSERT INTO meal_statements(id, canteen_id, month, fund_id, people, meals, total_fen, paid_on,"
                  " replaces_id, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                  (sid, canteen.id, month, main_fund, len(st.lines), st.meals, st.total_fen, paid_on, replaces,
                   now_iso(), actor.id))
        c.executemany("INSERT INTO meal_statement_lines(id, statement_id, line_no, recipient_id, tier, meals,"
                      " unsubsidised, rates, subsidy_fen) VALUES (?,?,?,?,?,?,?,?,?)",
                      [(new_id(), sid, i, ln.recipient_id, ln.tier, ln.meals, ln.unsubsidised,
                        json.dumps({"rates": ln.rates, "not_subsidised": ln.not_subsidised, "scheme": st.scheme},
                                   ensure_ascii=False), ln.subsidy_fen)
                       for i, ln in enumerate(st.lines, start=1)])
        for fid, amount in by_fund.items():
            if amount:
                journal.draw(c, db, fund_id=fid, amount_fen=amount, matches=["fund"], on=paid_on, kind="aid",
                             source=SOURCE, source_id=sid, operator_id=actor.id)
        audit.record(c, actor, "confirm", "meal_statements", sid, None,
                     {"canteen": canteen.name, "month": month, "people": len(st.lines), "meals": st.meals,
                      "total_fen": st.total_fen, "paid_on": paid_on, "replaces_id": replaces})
    return statement(db, canteen, month)


def reverse(db: Database, actor: Operator, canteen: Canteen, month: str, reason: str) -> dict[str, Any]:
    """Reverse the month's confirmed statement (冲销): the money goes back into the fund."""
    require_admin(actor, "冲销助餐结算单")
    if not (reason or "").strip():
        raise InputError("empty_reason", "冲销结算单必须写明原因")
    with db.transaction() as c:
        sid = confirmed_id(db, canteen.id, month)
        if sid is None:
            raise NotFound("no_statement", f"“{canteen.name}”{month} 没有已确认的结算单")
        c.execute("UPDATE meal_statements SET status = 'reversed', reversal_reason = ? WHERE id = ?",
                  (reason.strip(), sid))
        back = journal.reverse(c, source=SOURCE, source_id=sid, kind="aid", operator_id=actor.id)
        audit.record(c, actor, "reverse", "meal_statements", sid, {"status": "confirmed"},
                     {"status": "reversed", "reason": reason.strip(), "returned_fen": back})
    return {"id": sid, "canteen": canteen.name, "month": month, "returned_fen": back,
            "message": f"已冲销“{canteen.name}”{month} 的结算单，¥{format_fen(back)} 退回基金"}


def person_months(db: Database, recipient_id: str) -> list[dict[str, Any]]:
    """A person's meals per month (for the person card): canteen, meals, subsidy paid."""
    paid = {(r[0], r[1]): (r[2], r[3]) for r in db.tuples(
        "SELECT s.canteen_id, s.month, l.meals, l.subsidy_fen FROM meal_statement_lines l JOIN meal_statements s"
        " ON s.id = l.statement_id WHERE l.recipient_id = ? AND s.status = 'confirmed'", (recipient_id,))}
    return [{"month": m, "canteen": name, "meals": meals,
             "subsidised": paid.get((cid, m), (None, None))[0], "subsidy_fen": paid.get((cid, m), (None, None))[1]}
            for cid, name, m, meals in db.tuples(
                "SELECT m.canteen_id, c.name, m.month, m.meals FROM meal_months m JOIN meal_canteens c"
                " ON c.id = m.canteen_id WHERE m.recipient_id = ? AND m.status = 'active' ORDER BY m.month DESC",
                (recipient_id,))]
