"""Distribution days (发放批次) and their lines (发放明细): draft, confirm, sign off, reverse.

A draft is a programme and a date, plus the people added or removed by hand (each
with a reason); its candidate list is computed from the rules each time
(`preview`). Confirming is ONE transaction that recomputes the list, refuses —
never trims — when the fund would be overdrawn, when the money is directed to
another programme or when the budget would be exceeded, then writes one line per
person and one `fund_outflows` row per line, with its rows in the fund journal.
On the day each line is marked signed, paid (bank transfer), collected by someone else (代领, with that person's name and
the written authorisation), or not collected (the money goes back to the fund).
A wrong line is reversed with a reason, never deleted, and its money comes back.
Every change is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import journal
from app.goods import store
from app.ids import new_id
from app.programmes import eligibility
from app.programmes.eligibility import (
    MONEY_STATUSES,
    Adjustment,
    Plan,
    fund_check,
    plan,
    problems_for,
)
from app.programmes.eligibility import check_date as check_period
from app.programmes.programmes import get_programme, spent_fen
from app.recipients.recipients import get_recipient
from app.station import station
from app.station.accounts import Operator, require_admin, require_write

STATUS_NAMES = {"draft": "草稿", "confirmed": "已确认", "cancelled": "已取消"}
LINE_STATUS_NAMES = {"pending": "待领取", "signed": "已签领", "paid": "已转账", "proxy": "代领",
                     "not_collected": "未领取", "reversed": "已冲销"}
#: Statuses a person at the desk can set on a line.
MARKS = ("pending", "signed", "paid", "proxy", "not_collected")
EARLIEST = dt.date(1990, 1, 1)
#: How far ahead a distribution may be dated (sheets are printed before the day).
MAX_AHEAD = dt.timedelta(days=366)
_MONEY_SQL = "('pending', 'signed', 'paid', 'proxy')"


@dataclass(frozen=True)
class Distribution:
    id: str
    programme_id: str
    programme_name: str
    distributed_on: str
    status: str
    origin: str
    fund_id: str | None
    fit_budget: bool
    note: str
    confirmed_people: int  # as confirmed
    confirmed_total_fen: int
    people: int  # now: lines that hold money
    total_fen: int
    counts: dict[str, int]  # lines by status
    created_at: str
    created_by: str
    confirmed_at: str | None
    confirmed_by: str | None
    cancel_reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Line:
    id: str
    distribution_id: str
    line_no: int
    recipient_id: str
    name: str
    id_number: str
    village: str
    categories: str
    amount_fen: int
    goods: str
    status: str
    by_hand: bool
    reason: str
    proxy_name: str
    proxy_note: str
    status_at: str | None
    status_by: str | None
    reversal_reason: str
    reversed_at: str | None
    reversed_by: str | None

    @property
    def holds_money(self) -> bool:
        return self.status in MONEY_STATUSES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_LINE_COLS = tuple(Line.__dataclass_fields__)
_LINE_SELECT = f"SELECT {', '.join(_LINE_COLS)} FROM disbursements"


def _line(row: Any) -> Line:
    values = [row[i] for i in range(len(_LINE_COLS))]
    values[_LINE_COLS.index("by_hand")] = bool(values[_LINE_COLS.index("by_hand")])
    return Line(*values)


# ---------- reading ----------
def get_distribution(db: Database, distribution_id: str) -> Distribution:
    row = db.one("SELECT d.*, p.name AS programme_name FROM distributions d"
                 " JOIN programmes p ON p.id = d.programme_id WHERE d.id = ?", (distribution_id,))
    if row is None:
        raise NotFound("no_distribution", f"没有这个发放批次：{distribution_id}")
    counts: dict[str, int] = {}
    people = total = 0
    for status, n, fen in db.query("SELECT status, count(*), coalesce(sum(amount_fen), 0) FROM disbursements"
                                   " WHERE distribution_id = ? GROUP BY status", (distribution_id,)):
        counts[status] = n
        if status in MONEY_STATUSES:
            people += n
            total += fen
    return Distribution(
        row["id"], row["programme_id"], row["programme_name"], row["distributed_on"], row["status"],
        row["origin"], row["fund_id"], bool(row["fit_budget"]), row["note"], row["people"], row["total_fen"],
        people, total, counts, row["created_at"], row["created_by"], row["confirmed_at"],
        row["confirmed_by"], row["cancel_reason"])


def find_distribution(db: Database, text: str) -> Distribution:
    """A distribution by its id, or by the batch number printed on its sheet (the id's last characters)."""
    t = "".join((text or "").split()).lower()
    if not t:
        raise InputError("empty_distribution", "请填写发放批次号")
    if db.one("SELECT 1 FROM distributions WHERE id = ?", (t,)):
        return get_distribution(db, t)
    if len(t) >= 6 and all(ch in "0123456789abcdef" for ch in t):  # ids are hex
        found = db.query("SELECT id FROM distributions WHERE id LIKE ?", ("%" + t,))
        if len(found) == 1:
            return get_distribution(db, found[0][0])
        if len(found) > 1:
            raise InputError("ambiguous_distribution", f"批次号 {text} 对应多个发放批次，请写完整编号")
    raise NotFound("no_distribution", f"没有这个发放批次：{text}")


def list_distributions(db: Database, programme_id: str | None = None,
                       *, include_cancelled: bool = False) -> list[Distribution]:
    """Newest first."""
    where, params = [], []
    if programme_id:
        where.append("programme_id = ?")
        params.append(programme_id)
    if not include_cancelled:
        where.append("status != 'cancelled'")
    sql = "SELECT id FROM distributions" + (" WHERE " + " AND ".join(where) if where else "")
    return [get_distribution(db, r[0]) for r in db.query(sql + " ORDER BY distributed_on DESC, created_at DESC",
                                                         params)]


def line_ids(db: Database, distribution_id: str, status: str | None = None) -> list[str]:
    """Line ids in line order (for table models that hold ids)."""
    if status:
        return [r[0] for r in db.query("SELECT id FROM disbursements WHERE distribution_id = ? AND status = ?"
                                       " ORDER BY line_no", (distribution_id, status))]
    return [r[0] for r in db.query("SELECT id FROM disbursements WHERE distribution_id = ? ORDER BY line_no",
                                   (distribution_id,))]


def lines(db: Database, distribution_id: str, *, include_reversed: bool = True) -> list[Line]:
    where = "" if include_reversed else " AND status != 'reversed'"
    return [_line(r) for r in db.query(_LINE_SELECT + " WHERE distribution_id = ?" + where + " ORDER BY line_no",
                                       (distribution_id,))]


def get_line(db: Database, line_id: str) -> Line:
    row = db.one(_LINE_SELECT + " WHERE id = ?", (line_id,))
    if row is None:
        raise NotFound("no_line", "没有这条发放明细")
    return _line(row)


def adjustments(db: Database, distribution_id: str) -> list[Adjustment]:
    """The hand-made changes in force on a draft."""
    return [Adjustment(r[0], r[1], r[2], r[3]) for r in db.query(
        "SELECT recipient_id, action, reason, amount_fen FROM distribution_adjustments"
        " WHERE distribution_id = ? AND status = 'active' ORDER BY created_at", (distribution_id,))]


def aid_history(db: Database, recipient_id: str) -> list[dict[str, Any]]:
    """Every line a person has had, newest first (for the person's page and duplicate checks)."""
    return [dict(r) for r in db.query(
        "SELECT b.id AS line_id, d.id AS distribution_id, d.distributed_on, p.name AS programme,"
        " b.amount_fen, b.goods, b.status, d.origin FROM disbursements b"
        " JOIN distributions d ON d.id = b.distribution_id JOIN programmes p ON p.id = d.programme_id"
        " WHERE b.recipient_id = ? AND d.status = 'confirmed' ORDER BY d.distributed_on DESC", (recipient_id,))]


# ---------- drafts ----------
def check_date(on: dt.date, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    if on < EARLIEST:
        raise InputError("old_date", f"发放日期 {on} 太早了，请检查")
    if on > today + MAX_AHEAD:
        raise InputError("future_date", f"发放日期 {on} 离今天超过一年，请检查")
    return on


def create_draft(db: Database, actor: Operator, programme_id: str, on: dt.date, *,
                 fit_budget: bool = False, note: str = "", today: dt.date | None = None) -> Distribution:
    """Start a distribution of `programme_id` dated `on` (may be in the past)."""
    require_write(actor)
    check_date(on, today)
    with db.transaction() as c:
        prog = get_programme(db, programme_id)
        if prog.status != "active":
            raise Conflict("closed", f"救助项目“{prog.name}”已结束，不能再发放")
        check_period(prog, on)
        did, at = new_id(), now_iso()
        c.execute("INSERT INTO distributions(id, programme_id, distributed_on, fit_budget, note, station_code,"
                  " created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                  (did, prog.id, on.isoformat(), int(fit_budget), (note or "").strip(),
                   station.get_station(db).station_code, at, actor.id, at, actor.id))
        audit.record(c, actor, "create", "distributions", did, None,
                     {"programme": prog.name, "date": on.isoformat(), "fit_budget": fit_budget})
    return get_distribution(db, did)


def _draft(db: Database, distribution_id: str) -> Distribution:
    d = get_distribution(db, distribution_id)
    if d.status != "draft":
        raise Conflict("not_draft", f"这个发放批次{STATUS_NAMES[d.status]}，名单不能再改"
                       + ("；如有错误，请冲销那一条" if d.status == "confirmed" else ""))
    return d


def update_draft(db: Database, actor: Operator, distribution_id: str, *, on: dt.date | None = None,
                 fit_budget: bool | None = None, note: str | None = None,
                 today: dt.date | None = None) -> Distribution:
    """Change a draft's date, its fit-to-budget choice or its note."""
    require_write(actor)
    with db.transaction() as c:
        before = _draft(db, distribution_id)
        changes: dict[str, Any] = {}
        if on is not None and on.isoformat() != before.distributed_on:
            check_date(on, today)
            check_period(get_programme(db, before.programme_id), on)
            changes["distributed_on"] = on.isoformat()
        if fit_budget is not None and fit_budget != before.fit_budget:
            changes["fit_budget"] = int(fit_budget)
        if note is not None and note.strip() != before.note:
            changes["note"] = note.strip()
        if not changes:
            return before
        c.execute(f"UPDATE distributions SET {', '.join(f'{k} = ?' for k in changes)}, updated_at = ?,"
                  " updated_by = ? WHERE id = ?", (*changes.values(), now_iso(), actor.id, distribution_id))
        audit.record(c, actor, "update", "distributions", distribution_id,
                     {k: getattr(before, k) for k in changes}, changes)
    return get_distribution(db, distribution_id)


def _adjust(db: Database, actor: Operator, distribution_id: str, recipient_id: str, action: str | None,
            reason: str, amount_fen: int | None = None) -> None:
    require_write(actor)
    reason = (reason or "").strip()
    if action and not reason:
        raise InputError("empty_reason", "人工添加或移除需要写明原因", field="reason")
    if amount_fen is not None and amount_fen < 0:
        raise InputError("negative", "金额不能为负数", field="amount_fen")
    with db.transaction() as c:
        _draft(db, distribution_id)
        person = c.execute("SELECT name FROM recipients WHERE id = ?", (recipient_id,)).fetchone()
        if person is None:
            raise NotFound("no_recipient", "没有这个受助对象")
        at = now_iso()
        old = c.execute("SELECT id, action, reason FROM distribution_adjustments WHERE distribution_id = ?"
                        " AND recipient_id = ? AND status = 'active'", (distribution_id, recipient_id)).fetchone()
        if old is not None:
            c.execute("UPDATE distribution_adjustments SET status = 'withdrawn', withdrawn_at = ?, withdrawn_by = ?"
                      " WHERE id = ?", (at, actor.id, old[0]))
        after = None
        if action:
            aid = new_id()
            c.execute("INSERT INTO distribution_adjustments(id, distribution_id, recipient_id, action, amount_fen,"
                      " reason, created_at, created_by) VALUES (?,?,?,?,?,?,?,?)",
                      (aid, distribution_id, recipient_id, action, amount_fen, reason, at, actor.id))
            after = {"recipient_id": recipient_id, "name": person[0], "action": action, "reason": reason,
                     "amount_fen": amount_fen}
        before = None if old is None else {"recipient_id": recipient_id, "name": person[0], "action": old[1],
                                           "reason": old[2]}
        if before or after:
            audit.record(c, actor, action or "withdraw", "distribution_adjustments", distribution_id, before, after)


def add_person(db: Database, actor: Operator, distribution_id: str, recipient_id: str, reason: str,
               *, amount_fen: int | None = None) -> None:
    """Put someone on a draft's list by hand, whatever the rules say, with a reason (and maybe another amount)."""
    _adjust(db, actor, distribution_id, recipient_id, "add", reason, amount_fen)


def remove_person(db: Database, actor: Operator, distribution_id: str, recipient_id: str, reason: str) -> None:
    """Take someone off a draft's list by hand, with a reason."""
    _adjust(db, actor, distribution_id, recipient_id, "remove", reason)


def reset_person(db: Database, actor: Operator, distribution_id: str, recipient_id: str) -> None:
    """Undo a hand-made change: the rules decide again."""
    _adjust(db, actor, distribution_id, recipient_id, None, "")


def preview(db: Database, distribution_id: str) -> Plan:
    """The draft's candidate list as confirming it now would pay it."""
    d = get_distribution(db, distribution_id)
    return plan(db, d.programme_id, dt.date.fromisoformat(d.distributed_on), fit_budget=d.fit_budget,
                adjustments=adjustments(db, distribution_id), distribution_id=distribution_id)


def cancel_draft(db: Database, actor: Operator, distribution_id: str, reason: str) -> Distribution:
    """Abandon a draft (kept, marked cancelled)."""
    require_write(actor)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "取消发放需要写明原因", field="reason")
    with db.transaction() as c:
        _draft(db, distribution_id)
        c.execute("UPDATE distributions SET status = 'cancelled', cancel_reason = ?, updated_at = ?,"
                  " updated_by = ? WHERE id = ?", (reason, now_iso(), actor.id, distribution_id))
        audit.record(c, actor, "cancel", "distributions", distribution_id, {"status": "draft"},
                     {"status": "cancelled", "reason": reason})
    return get_distribution(db, distribution_id)


# ---------- confirming ----------
def _goods(prog_kind: str, goods: str) -> str:
    return goods if prog_kind == "goods" else ""


def confirm(db: Database, actor: Operator, distribution_id: str, *, expected_people: int | None = None,
            expected_total_fen: int | None = None) -> Distribution:
    """Write the lines and the money out, in one transaction; refuse rather than trim.

    Raises `FundShortfall`, `DirectedMoney` or `OverBudget` (all `Conflict`) with the figures;
    with `expected_*` (what the preview showed), refuses if the list has changed since.
    """
    require_admin(actor, "确认发放")
    with db.transaction() as c:
        d = _draft(db, distribution_id)
        p = preview(db, distribution_id)
        if (expected_people is not None and expected_people != p.people) or (
                expected_total_fen is not None and expected_total_fen != p.total_fen):
            raise Conflict("plan_changed", f"名单已经变化（现在 {p.people} 人，共 {p.total_fen / 100:,.2f} 元），"
                           "请重新预览后再确认")
        if p.problems:
            raise p.problems[0].error()
        prog = p.programme
        at = now_iso()
        goods = _goods(prog.kind, prog.goods)
        store.require_free(db, store.pack_needs(db, goods, p.people), f"“{prog.name}”发放 {p.people} 人")
        rows, outflows = [], []
        held = journal.Held.of(db, prog.fund_id)  # read once; the lines draw on it in turn
        for n, cand in enumerate(p.included, start=1):
            lid = new_id()
            rows.append((lid, distribution_id, n, cand.recipient_id, cand.name, cand.id_number, cand.village,
                         "、".join(cand.categories), cand.amount_fen, goods, int(cand.by_hand),
                         "；".join(cand.reasons), at, actor.id))
            if cand.amount_fen:
                outflows.append((new_id(), prog.fund_id, cand.amount_fen, d.distributed_on, lid, at, actor.id))
                _journal_aid(c, db, prog, prog.fund_id, lid, cand.recipient_id, cand.village, cand.amount_fen,
                             d.distributed_on, actor, held)
        c.executemany("INSERT INTO disbursements(id, distribution_id, line_no, recipient_id, name, id_number,"
                      " village, categories, amount_fen, goods, by_hand, reason, created_at, created_by)"
                      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        c.executemany("INSERT INTO fund_outflows(id, fund_id, amount_fen, paid_on, source, source_id,"
                      " created_at, created_by) VALUES (?,?,?,?,'disbursement',?,?,?)", outflows)
        c.execute("UPDATE distributions SET status = 'confirmed', fund_id = ?, people = ?, total_fen = ?,"
                  " confirmed_at = ?, confirmed_by = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                  (prog.fund_id, p.people, p.total_fen, at, actor.id, at, actor.id, distribution_id))
        audit.record(c, actor, "confirm", "distributions", distribution_id, {"status": "draft"}, {
            "status": "confirmed", "programme": prog.name, "date": d.distributed_on, "fund": p.fund.fund_name,
            "people": p.people, "total_fen": p.total_fen, "fit_budget": p.fit_budget, "trimmed": p.trimmed,
            "fund_balance_before_fen": p.fund.balance_fen})
        for r in rows:
            audit.record(c, actor, "create", "disbursements", r[0], None,
                         {"distribution_id": distribution_id, "line_no": r[2], "recipient_id": r[3],
                          "name": r[4], "amount_fen": r[8], "goods": r[9], "reason": r[11]})
    return get_distribution(db, distribution_id)


def distribute(db: Database, actor: Operator, programme_id: str, on: dt.date, *, fit_budget: bool = False,
               note: str = "", today: dt.date | None = None) -> tuple[Distribution, Plan]:
    """Draft and confirm in one transaction (scripted monthly runs): all of it, or nothing."""
    with db.transaction():
        d = create_draft(db, actor, programme_id, on, fit_budget=fit_budget, note=note, today=today)
        p = preview(db, d.id)
        d = confirm(db, actor, d.id, expected_people=p.people, expected_total_fen=p.total_fen)
    return d, p


# ---------- the day: marking lines ----------
def _confirmed_line(db: Database, line_id: str,
                    seen: dict[str, Distribution] | None = None) -> tuple[Line, Distribution]:
    """The line and its distribution; `seen` keeps distributions already read in this transaction
    (marking 10,000 lines must not count a distribution's lines 10,000 times)."""
    line = get_line(db, line_id)
    d = seen.get(line.distribution_id) if seen is not None else None
    if d is None:
        d = get_distribution(db, line.distribution_id)
        if seen is not None:
            seen[d.id] = d
    if d.status != "confirmed":
        raise Conflict("not_confirmed", "发放批次还没有确认，不能登记领取")
    if line.status == "reversed":
        raise Conflict("reversed", f"第 {line.line_no} 行（{line.name}）已经冲销，不能再改")
    return line, d


def _take_money(c: Any, db: Database, actor: Operator, line: Line, d: Distribution, at: str) -> None:
    """A line comes back into force: check the fund again and write its money out."""
    if not line.amount_fen or d.origin != "desk" or d.fund_id is None:
        return
    prog = get_programme(db, d.programme_id)
    fund = fund_check(db, d.fund_id, d.programme_id)
    problems = [p for p in problems_for(prog, 1, line.amount_fen, fund, None) if p.code != "closed"]
    if problems:
        raise problems[0].error()
    c.execute("INSERT INTO fund_outflows(id, fund_id, amount_fen, paid_on, source, source_id, created_at,"
              " created_by) VALUES (?,?,?,?,'disbursement',?,?,?)",
              (new_id(), d.fund_id, line.amount_fen, d.distributed_on, line.id, at, actor.id))
    _journal_aid(c, db, prog, d.fund_id, line.id, line.recipient_id, line.village, line.amount_fen,
                 d.distributed_on, actor)


def _journal_aid(c: Any, db: Database, prog: Any, fund_id: str, line_id: str, recipient_id: str, village: str,
                 amount_fen: int, on: str, actor: Operator, held: journal.Held | None = None) -> None:
    """One line's money (or goods) out of the fund's journal: money kept for this person, this
    programme or this village first; a goods programme hands out goods before money."""
    matches = [journal.person_key(recipient_id), *eligibility.programme_matches(prog.id)]
    if village:
        matches.insert(2, journal.village_key(village))
    journal.draw(c, db, fund_id=fund_id, amount_fen=amount_fen, matches=matches, on=on, kind="aid",
                 source="disbursement", source_id=line_id, operator_id=actor.id,
                 goods_first=prog.kind == "goods", held=held)


def _release_money(c: Any, line: Line, actor: Operator) -> None:
    c.execute("UPDATE fund_outflows SET status = 'reversed' WHERE source = 'disbursement' AND source_id = ?"
              " AND status = 'active'", (line.id,))
    journal.reverse(c, source="disbursement", source_id=line.id, kind="aid", operator_id=actor.id)


def mark_line(db: Database, actor: Operator, line_id: str, status: str, *, proxy_name: str = "",
              proxy_note: str = "", _seen: dict[str, Distribution] | None = None) -> Line:
    """Record what happened to one line: signed, paid, proxy (代领) or not collected.

    Proxy collection needs the collector's name and a note of the written authorisation.
    Not collected gives the money back to the fund; marking such a line collected later
    takes it out again (if the fund still has it).
    """
    require_write(actor)
    if status not in MARKS:
        raise InputError("bad_status", f"领取状态应为 {'、'.join(LINE_STATUS_NAMES[m] for m in MARKS)} 之一：{status}")
    proxy_name, proxy_note = " ".join((proxy_name or "").split()), (proxy_note or "").strip()
    if status == "proxy":
        if not proxy_name:
            raise InputError("empty_proxy_name", "代领需要填写代领人姓名", field="proxy_name")
        if not proxy_note:
            raise InputError("empty_proxy_note", "代领需要注明书面委托（如：委托书已留存）", field="proxy_note")
    else:
        proxy_name = proxy_note = ""
    with db.transaction() as c:
        before, d = _confirmed_line(db, line_id, _seen)
        if (before.status, before.proxy_name, before.proxy_note) == (status, proxy_name, proxy_note):
            return before
        at = now_iso()
        if before.status == "not_collected" and status in MONEY_STATUSES:
            _take_money(c, db, actor, before, d, at)
        elif before.status in MONEY_STATUSES and status == "not_collected":
            _release_money(c, before, actor)
        c.execute("UPDATE disbursements SET status = ?, proxy_name = ?, proxy_note = ?, status_at = ?,"
                  " status_by = ? WHERE id = ?", (status, proxy_name, proxy_note, at, actor.id, line_id))
        store.sync_line(c, db, line_id, actor.id)  # goods leave the store when handed out
        after = get_line(db, line_id)
        audit.record(c, actor, "mark", "disbursements", line_id,
                     {"status": before.status, "proxy_name": before.proxy_name, "proxy_note": before.proxy_note},
                     {"status": status, "proxy_name": proxy_name, "proxy_note": proxy_note})
    return after


def mark_lines(db: Database, actor: Operator, line_ids_: Iterable[str], status: str) -> list[Line]:
    """Mark many lines at once (all signed after the day); one transaction."""
    if status == "proxy":
        raise InputError("proxy_one_by_one", "代领要逐条登记代领人和委托书")
    seen: dict[str, Distribution] = {}  # status, fund and date don't change while we hold the lock
    with db.transaction():
        return [mark_line(db, actor, lid, status, _seen=seen) for lid in line_ids_]


def reverse_line(db: Database, actor: Operator, line_id: str, reason: str) -> Line:
    """Reverse a wrong line (冲销) with a reason: it stays on record and its money returns to the fund."""
    require_admin(actor, "冲销发放明细")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "冲销需要写明原因", field="reason")
    with db.transaction() as c:
        before, _ = _confirmed_line(db, line_id)
        at = now_iso()
        _release_money(c, before, actor)
        c.execute("UPDATE disbursements SET status = 'reversed', reversal_reason = ?, reversed_at = ?,"
                  " reversed_by = ? WHERE id = ?", (reason, at, actor.id, line_id))
        store.sync_line(c, db, line_id, actor.id)
        after = get_line(db, line_id)
        audit.record(c, actor, "reverse", "disbursements", line_id, before.to_dict(), after.to_dict())
    return after


def add_line(db: Database, actor: Operator, distribution_id: str, recipient_id: str, reason: str,
             *, amount_fen: int | None = None) -> Line:
    """Add a person to a confirmed distribution (forgotten, or re-issued after a reversal), with a reason.

    The fund and budget are checked as at confirmation; the rules are not (a reason is required).
    """
    require_admin(actor, "补充发放")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "补充发放需要写明原因", field="reason")
    with db.transaction() as c:
        d = get_distribution(db, distribution_id)
        if d.status != "confirmed" or d.origin != "desk" or d.fund_id is None:
            raise Conflict("not_confirmed", "只能在已确认的发放批次中补充")
        prog = get_programme(db, d.programme_id)
        amount = prog.amount_fen if amount_fen is None else amount_fen
        if amount < 0 or (prog.kind == "cash" and amount == 0):
            raise InputError("zero_amount", "补充发放的金额应大于零", field="amount_fen")
        person = get_recipient(db, recipient_id)
        if c.execute("SELECT 1 FROM disbursements WHERE distribution_id = ? AND recipient_id = ?"
                     " AND status != 'reversed'", (distribution_id, recipient_id)).fetchone():
            raise Conflict("already_listed", f"{person.name} 已经在这次发放的名单上")
        budget_left = None if prog.budget_fen is None else prog.budget_fen - spent_fen(db, prog.id)
        problems = [p for p in problems_for(prog, 1, amount, fund_check(db, d.fund_id, prog.id), budget_left)
                    if p.code != "closed"]
        if problems:
            raise problems[0].error()
        store.require_free(db, store.pack_needs(db, _goods(prog.kind, prog.goods), 1), f"补发给{person.name}")
        n = int(c.execute("SELECT coalesce(max(line_no), 0) + 1 FROM disbursements WHERE distribution_id = ?",
                          (distribution_id,)).fetchone()[0])
        lid, at = new_id(), now_iso()
        c.execute("INSERT INTO disbursements(id, distribution_id, line_no, recipient_id, name, id_number, village,"
                  " categories, amount_fen, goods, by_hand, reason, created_at, created_by)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?,?)",
                  (lid, distribution_id, n, recipient_id, person.name, person.id_number or "", person.village,
                   "、".join(person.categories), amount, _goods(prog.kind, prog.goods), f"补充发放：{reason}",
                   at, actor.id))
        line = get_line(db, lid)
        if amount:
            c.execute("INSERT INTO fund_outflows(id, fund_id, amount_fen, paid_on, source, source_id, created_at,"
                      " created_by) VALUES (?,?,?,?,'disbursement',?,?,?)",
                      (new_id(), d.fund_id, amount, d.distributed_on, lid, at, actor.id))
            _journal_aid(c, db, prog, d.fund_id, lid, recipient_id, person.village, amount, d.distributed_on, actor)
        audit.record(c, actor, "create", "disbursements", lid, None, line.to_dict())
    return line
