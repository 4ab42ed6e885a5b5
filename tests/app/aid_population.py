"""Building populations of people for the programme and distribution tests, fast and exactly.

People go in through `app.recipients.recipients.row_values` (the same cleaning as the register and the
demo) with `executemany`, in one audited transaction, so a test can lay out hundreds of
children, households and distractors with the ages and categories it needs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from app import audit
from app.db import Database, now_iso
from app.ids import new_id
from app.recipients import recipients
from app.rules.idcard import check_char

_SEQ = itertools.count(1)


_REGIONS = ("370303", "370305", "370321", "130182", "350128", "360121", "110101", "320102", "440106",
            "510104")


def id_number(birth: dt.date, female: bool = False) -> str:
    """A valid ID number for `birth`, different on every call (5,000 per birth date)."""
    n = next(_SEQ)
    k = n % 500
    seq = (k // 5) * 10 + (k % 5) * 2 + (0 if female else 1)
    body = f"{_REGIONS[(n // 500) % len(_REGIONS)]}{birth:%Y%m%d}{seq:03d}"
    return body + check_char(body)


def born(age: int, on: dt.date, days_after_birthday: int = 30) -> dt.date:
    """A birth date so that the person is `age` completed years old on `on`, birthday a while before."""
    d = on - dt.timedelta(days=days_after_birthday)
    try:
        b = d.replace(year=d.year - age)
    except ValueError:  # 29 February
        b = d.replace(year=d.year - age, day=28)
    return b


@dataclass
class Person:
    name: str
    birth: dt.date | None
    categories: list[str]
    village: str = "东风村"
    household: str | None = None  # a label: people with the same label share a household
    status: str = "active"
    closed_on: dt.date | None = None
    bank: bool = True
    group: str = "1组"
    extra: dict[str, str] = field(default_factory=dict)


def add_people(db: Database, actor: object, people: list[Person]) -> list[str]:
    """Insert the people (and their households); return their ids in the same order."""
    at = now_iso()
    cat_ids = dict(db.query("SELECT name, id FROM categories"))
    households: dict[str, str] = {}
    ids: list[str] = []
    with db.transaction() as c:
        for p in people:
            for cat in p.categories:
                if cat not in cat_ids:
                    cat_ids[cat] = recipients.category_ids(db, actor, [cat])[0]  # type: ignore[arg-type]
            hid = None
            if p.household is not None:
                hid = households.get(p.household)
                if hid is None:
                    hid = households[p.household] = new_id()
                    c.execute("INSERT INTO households(id, village, created_at, created_by) VALUES (?,?,?,?)",
                              (hid, p.village, at, "system"))
            d = recipients.RecipientInput(
                name=p.name, id_number=id_number(p.birth) if p.birth else "",
                birth_date=p.birth, village=p.village, village_group=p.group,
                bank_name="农村信用社" if p.bank else "",
                bank_account=f"62284800{next(_SEQ):011d}" if p.bank else "",
                household_id=hid, categories=p.categories,
            )
            d = recipients.clean(d, today=dt.date(2030, 1, 1))
            rid = new_id()
            c.execute(recipients.INSERT_SQL, recipients.row_values(rid, d, "system", at))
            if p.status != "active":
                c.execute("UPDATE recipients SET status = ?, closed_reason = ?, closed_on = ? WHERE id = ?",
                          (p.status, recipients.STATUS_NAMES[p.status],
                           p.closed_on.isoformat() if p.closed_on else None, rid))
            c.executemany("INSERT INTO recipient_categories(recipient_id, category_id) VALUES (?,?)",
                          [(rid, cat_ids[cat]) for cat in p.categories])
            ids.append(rid)
        audit.record(c, actor, "bulk_insert", "recipients", "tests", None, {"rows": len(ids)})
    return ids


def names(prefix: str, n: int) -> list[str]:
    """n distinct Chinese-looking names: 王一号, 王二号 … (digits spelled so names stay names)."""
    digits = "零一二三四五六七八九"
    return [prefix + "".join(digits[int(ch)] for ch in str(i)) for i in range(1, n + 1)]
