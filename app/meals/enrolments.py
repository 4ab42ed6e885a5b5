"""Who eats where (助餐登记): a person of the register enrolled at one canteen from a date; leaving,
moving and death close the enrolment after a date (meals after it are refused)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.ids import new_id
from app.meals.scheme import Canteen, schemes
from app.rules.idcard import normalise
from app.station.accounts import Operator

REASONS = ("退出", "迁出", "死亡", "换助餐点")


@dataclass(frozen=True)
class Enrolment:
    id: str
    recipient_id: str
    name: str
    id_number: str
    village: str
    village_group: str
    canteen_id: str
    canteen: str
    enrolled_from: str
    closed_on: str | None
    closed_reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLS = ("SELECT e.id, e.recipient_id, r.name, COALESCE(r.id_number, ''), r.village, r.village_group, e.canteen_id,"
         " c.name, e.enrolled_from, e.closed_on, e.closed_reason FROM meal_enrolments e"
         " JOIN recipients r ON r.id = e.recipient_id JOIN meal_canteens c ON c.id = e.canteen_id")


def person_by_id_number(db: Database, id_number: str) -> tuple[str, str, str]:
    """(recipient id, name, status) of the person with this ID number, or a refusal saying so."""
    rows = list(db.tuples("SELECT id, name, status FROM recipients WHERE id_number = ?", (normalise(id_number),)))
    if not rows:
        raise NotFound("no_recipient", f"受助对象名册中没有身份证号 {id_number}：请先登记此人")
    return rows[0]


def enrol(db: Database, actor: Operator, canteen: Canteen, recipient_ids: list[str], *,
          on: dt.date | None = None) -> list[Enrolment]:
    """Enrol people at a canteen, all or none; one open enrolment per person."""
    start = on.isoformat() if on else ""
    out: list[str] = []
    with db.transaction() as c:
        for rid in dict.fromkeys(recipient_ids):
            name, status = next(iter(db.tuples("SELECT name, status FROM recipients WHERE id = ?", (rid,))),
                                ("", ""))
            if not name:
                raise NotFound("no_recipient", "没有这个受助对象")
            if status in ("deceased", "moved", "closed"):
                raise Conflict("not_active", f"{name} 在花名册中已{ {'deceased': '去世', 'moved': '迁出'}.get(status, '销户')}，不能登记助餐")
            open_at = db.scalar("SELECT c.name FROM meal_enrolments e JOIN meal_canteens c ON c.id = e.canteen_id"
                                " WHERE e.recipient_id = ? AND e.closed_on IS NULL", (rid,))
            if open_at:
                raise Conflict("enrolled", f"{name} 已在“{open_at}”登记助餐" + (
                    "" if open_at == canteen.name else "，换助餐点请先办理退出"))
            eid = new_id()
            c.execute("INSERT INTO meal_enrolments(id, recipient_id, canteen_id, enrolled_from, created_at, created_by)"
                      " VALUES (?,?,?,?,?,?)", (eid, rid, canteen.id, start, now_iso(), actor.id))
            audit.record(c, actor, "create", "meal_enrolments", eid, None,
                         {"recipient_id": rid, "name": name, "canteen": canteen.name, "from": start})
            out.append(eid)
    return [get_enrolment(db, e) for e in out]


def close(db: Database, actor: Operator, enrolment_id: str, on: dt.date, reason: str) -> Enrolment:
    """Close an enrolment after `on` (退出, 迁出, 死亡): meals after that day are refused."""
    if reason not in REASONS:
        raise InputError("bad_reason", f"退出原因应是 {'、'.join(REASONS)} 之一，写的是“{reason}”")
    with db.transaction() as c:
        before = get_enrolment(db, enrolment_id)
        if before.closed_on:
            raise Conflict("closed", f"{before.name} 的助餐登记已于 {before.closed_on} 结束")
        if before.enrolled_from and on.isoformat() < before.enrolled_from:
            raise InputError("bad_date", f"结束日期 {on} 早于登记日期 {before.enrolled_from}")
        c.execute("UPDATE meal_enrolments SET closed_on = ?, closed_reason = ? WHERE id = ?",
                  (on.isoformat(), reason, enrolment_id))
        after = get_enrolment(db, enrolment_id)
        audit.record(c, actor, "close", "meal_enrolments", enrolment_id, before.to_dict(), after.to_dict())
    return after


def get_enrolment(db: Database, enrolment_id: str) -> Enrolment:
    rows = list(db.tuples(_COLS + " WHERE e.id = ?", (enrolment_id,)))
    if not rows:
        raise NotFound("no_enrolment", "没有这条助餐登记")
    return Enrolment(*rows[0])


def open_enrolment(db: Database, recipient_id: str) -> Enrolment | None:
    rows = list(db.tuples(_COLS + " WHERE e.recipient_id = ? AND e.closed_on IS NULL", (recipient_id,)))
    return Enrolment(*rows[0]) if rows else None


def at_canteen(db: Database, canteen_id: str, *, include_closed: bool = False) -> list[Enrolment]:
    where = "" if include_closed else " AND e.closed_on IS NULL"
    return [Enrolment(*r) for r in db.tuples(_COLS + " WHERE e.canteen_id = ?" + where + " ORDER BY r.village,"
                                             " r.village_group, r.pinyin_full", (canteen_id,))]


def scheme_age(db: Database) -> int | None:
    """The lowest age any tier of the newest scheme pays from (None: no scheme or no age tier)."""
    ages = [t.age_from for s in schemes(db)[-1:] for t in s.tiers if t.age_from is not None]
    return min(ages) if ages else None


def not_enrolled_of_age(db: Database, today: dt.date | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """People of the register who have reached the scheme's lowest age and are not enrolled anywhere."""
    today = today or dt.date.today()
    versions = schemes(db)
    ages = [t.age_from for s in versions[-1:] for t in s.tiers if t.age_from is not None]
    if not ages:
        return []
    born_by = today.replace(year=today.year - min(ages)) if not (today.month == 2 and today.day == 29) \
        else dt.date(today.year - min(ages), 2, 28)
    return [{"recipient_id": r[0], "name": r[1], "id_number": r[2], "village": r[3], "birth_date": r[4]}
            for r in db.tuples(
                "SELECT r.id, r.name, COALESCE(r.id_number, ''), r.village, r.birth_date FROM recipients r"
                " WHERE r.status = 'active' AND r.birth_date IS NOT NULL AND r.birth_date <= ?"
                " AND NOT EXISTS (SELECT 1 FROM meal_enrolments e WHERE e.recipient_id = r.id AND e.closed_on IS NULL)"
                " ORDER BY r.birth_date LIMIT ?", (born_by.isoformat(), limit))]


def find_people(db: Database, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """People of the register matching `text` (name, pinyin, ID number — as everywhere), with the
    canteen each is enrolled at now ('' when none)."""
    from app.recipients import search

    handles = search.search_ids(db, text)[:limit]
    rows = search.fetch_rows(db, handles)
    where = {r[0]: r[1] for r in db.tuples(
        "SELECT e.recipient_id, c.name FROM meal_enrolments e JOIN meal_canteens c ON c.id = e.canteen_id"
        " WHERE e.closed_on IS NULL")} if rows else {}
    return [{"recipient_id": d["id"], "name": d["name"], "id_number": d["id_number"], "village": d["village"],
             "age": d["age"], "categories": "、".join(d["categories"]), "canteen": where.get(d["id"], "")}
            for h in handles if (d := rows.get(h))]
