"""The month's meal counts (每月就餐记录): one row per person, canteen and month, the days as 31 counts.

Counts come from the canteen's sheet (app/imports/meals.py) or the grid in the window; both are
checked here day by day against the enrolment, the register (death, moving away), the month's
length and the other canteens. A month is replaced as a whole while unpaid (the old rows stay,
marked replaced); a paid month is refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError
from app.ids import new_id
from app.meals.scheme import Canteen
from app.station.accounts import Operator

DAYS = 31
TICKS = {"√", "✓", "✔", "☑", "v", "V", "Y", "y", "是", "有"}
_WHOLE = re.compile(r"\d+(\.0+)?")
_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")


def parse_month(text: str) -> str:
    """`2025-03`, `2025/3`, `2025年3月` → `2025-03`."""
    m = _MONTH.fullmatch((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InputError("bad_month", f"月份应写成 YYYY-MM（如 2025-03），写的是“{text}”")
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


def month_days(month: str) -> int:
    y, m = int(month[:4]), int(month[5:7])
    return calendar.monthrange(y, m)[1]


def day_of(month: str, d: int) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), d)


def parse_mark(value: Any) -> int:
    """A grid cell → meals that day: empty 0, a tick 1, a whole count; anything else is refused."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError
        return value
    if isinstance(value, float):
        if value < 0 or value != int(value):
            raise ValueError
        return int(value)
    text = str(value).strip()
    if not text:
        return 0
    if text in TICKS:
        return 1
    if _WHOLE.fullmatch(text):
        return int(float(text))
    raise ValueError


def mark_problem(value: Any, day: int) -> str:
    return f"{day}日写的是“{value}”：应是勾（√）、1 或整数餐次"


@dataclass
class Person:
    """What the checks need to know about a person for one month."""

    recipient_id: str
    name: str
    status: str
    closed_on: str | None
    spans: list[tuple[str, str | None, str]] = field(default_factory=list)  # (from, closed_on, canteen)


def people_for(db: Database, recipient_ids: list[str]) -> dict[str, Person]:
    out: dict[str, Person] = {}
    ids = list(dict.fromkeys(recipient_ids))
    for i in range(0, len(ids), 900):
        chunk = ids[i:i + 900]
        marks = ",".join("?" * len(chunk))
        for rid, name, status, closed in db.tuples(
                f"SELECT id, name, status, closed_on FROM recipients WHERE id IN ({marks})", chunk):
            out[rid] = Person(rid, name, status, closed)
        for rid, start, closed, canteen in db.tuples(
                f"SELECT recipient_id, enrolled_from, closed_on, canteen_id FROM meal_enrolments"
                f" WHERE recipient_id IN ({marks})", chunk):
            out[rid].spans.append((start, closed, canteen))
    return out


def day_problems(person: Person, canteen_id: str, month: str, days: list[int],
                 elsewhere: dict[int, str]) -> list[tuple[int, str]]:
    """(day, message) for every day with meals that cannot be: no such day, not enrolled at this
    canteen, after death or moving away, eaten at another canteen the same day."""
    out: list[tuple[int, str]] = []
    n = month_days(month)
    spans = [(s, c) for s, c, where in person.spans if where == canteen_id]
    gone = person.closed_on if person.status in ("deceased", "moved") else None
    what = "去世" if person.status == "deceased" else "迁出"
    for d, meals in enumerate(days, start=1):
        if not meals:
            continue
        if d > n:
            out.append((d, f"{int(month[5:7])}月没有{d}日，这一天不能有就餐"))
            continue
        day = day_of(month, d).isoformat()
        if gone and day > gone:
            out.append((d, f"{d}日在{person.name}{what}（{gone}）之后"))
            continue
        if not any((not s or s <= day) and (not c or day <= c) for s, c in spans):
            if not spans:
                out.append((d, f"{person.name} 没有在本助餐点登记助餐"))
                break
            out.append((d, f"{d}日不在{person.name}的助餐登记期内（" + "；".join(
                f"{s or '登记'}起" + (f"至 {c}" if c else "") for s, c in spans) + "）"))
            continue
        if d in elsewhere:
            out.append((d, f"{d}日{person.name}已在“{elsewhere[d]}”就餐（同一天不能在两个助餐点）"))
    return out


def elsewhere_days(db: Database, canteen_id: str, month: str) -> dict[str, dict[int, str]]:
    """Recipient → {day: other canteen} for meals recorded at other canteens this month."""
    out: dict[str, dict[int, str]] = {}
    for rid, days, name in db.tuples(
            "SELECT m.recipient_id, m.days, c.name FROM meal_months m JOIN meal_canteens c ON c.id = m.canteen_id"
            " WHERE m.month = ? AND m.status = 'active' AND m.canteen_id != ? AND m.days != ''", (month, canteen_id)):
        for d, v in enumerate(decode(days), start=1):
            if v:
                out.setdefault(rid, {})[d] = name
    return out


def encode(days: list[int]) -> str:
    return ",".join(str(v) for v in days)


def decode(text: str) -> list[int]:
    return [int(v) for v in text.split(",")] if text else []


def settled(db: Database, canteen_id: str, month: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM meal_statements WHERE canteen_id = ? AND month = ? AND status = 'confirmed'",
                          (canteen_id, month)))


def refuse_if_settled(db: Database, canteen: Canteen, month: str) -> None:
    if settled(db, canteen.id, month):
        raise Conflict("settled", f"“{canteen.name}”{month} 的结算单已确认付款，就餐记录不能再改；"
                                  "如有错，先冲销结算单，再重新导入")


def save_month(db: Database, actor: Operator, canteen: Canteen, month: str,
               counts: dict[str, tuple[list[int], int]], *, source: str) -> int:
    """Write the month for a canteen (recipient → (31 day counts or [], total)), replacing the
    month's earlier rows; the caller has checked every row. Returns the rows written."""
    at = now_iso()
    with db.transaction() as c:
        refuse_if_settled(db, canteen, month)
        replaced = c.execute("UPDATE meal_months SET status = 'replaced' WHERE canteen_id = ? AND month = ?"
                             " AND status = 'active'", (canteen.id, month)).rowcount
        c.executemany("INSERT INTO meal_months(id, canteen_id, recipient_id, month, days, meals, source, created_at,"
                      " created_by) VALUES (?,?,?,?,?,?,?,?,?)",
                      [(new_id(), canteen.id, rid, month, encode(days), total, source, at, actor.id)
                       for rid, (days, total) in counts.items()])
        audit.record(c, actor, "import", "meal_months", f"{canteen.id}:{month}", None,
                     {"canteen": canteen.name, "month": month, "people": len(counts),
                      "meals": sum(t for _, t in counts.values()), "replaced": replaced, "source": source})
    return len(counts)


def check_grid(db: Database, canteen: Canteen, month: str, counts: dict[str, list[int]]) -> list[str]:
    """Problems of a grid typed in the window (recipient → 31 counts), in words."""
    people = people_for(db, list(counts))
    other = elsewhere_days(db, canteen.id, month)
    out: list[str] = []
    for rid, days in counts.items():
        if any(v < 0 for v in days):
            out.append(f"{people[rid].name}：餐次不能小于零")
            continue
        out += [f"{people[rid].name}：{msg}" for _, msg in day_problems(people[rid], canteen.id, month, days,
                                                                        other.get(rid, {}))]
    return out


def save_grid(db: Database, actor: Operator, canteen: Canteen, month: str, counts: dict[str, list[int]]) -> int:
    """The grid typed in the window: checked like an import, all or nothing."""
    problems = check_grid(db, canteen, month, counts)
    if problems:
        raise InputError("bad_counts", "就餐记录有问题，没有保存：" + "；".join(problems[:5])
                         + (f" 等 {len(problems)} 处" if len(problems) > 5 else ""))
    full = {rid: (days + [0] * (DAYS - len(days)), sum(days)) for rid, days in counts.items() if sum(days)}
    return save_month(db, actor, canteen, month, full, source="window")


def month_grid(db: Database, canteen_id: str, month: str) -> dict[str, list[int]]:
    """Recipient → 31 day counts of the month as recorded (a count without days: empty list)."""
    return {rid: decode(days) for rid, days in db.tuples(
        "SELECT recipient_id, days FROM meal_months WHERE canteen_id = ? AND month = ? AND status = 'active'",
        (canteen_id, month))}
