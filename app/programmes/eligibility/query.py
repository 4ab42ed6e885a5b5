"""The register in one pass: each person's rule flags, aid in the not-again window, and details.

Rows are plain tuples (100,000 people in a second); the column positions are named below.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.db import Database
from app.errors import InputError
from app.programmes.programmes import DISABLED_CATEGORIES, Programme
from app.rules.idcard import age_on

#: Line statuses under which the money has left the fund (and the person counts as aided).
MONEY_STATUSES = ("pending", "signed", "paid", "proxy")
_MONEY_SQL = "('pending', 'signed', 'paid', 'proxy')"

def check_date(prog: Programme, on: dt.date) -> None:
    if prog.starts_on and on.isoformat() < prog.starts_on:
        raise InputError("outside_period", f"发放日期 {on} 早于项目“{prog.name}”的开始日期 {prog.starts_on}")
    if prog.ends_on and on.isoformat() > prog.ends_on:
        raise InputError("outside_period", f"发放日期 {on} 晚于项目“{prog.name}”的结束日期 {prog.ends_on}")


def months_before(on: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it has no such day)."""
    y, m = divmod(on.year * 12 + on.month - 1 - months, 12)
    m += 1
    day = on.day
    while True:
        try:
            return dt.date(y, m, day)
        except ValueError:
            day -= 1


def latest_birth(on: dt.date, age: int) -> dt.date:
    """The latest birth date of someone at least `age` completed years old on `on`.

    The same rule as `app.rules.idcard.age_on` (tested against it), in a form SQLite can compare:
    age_on(b, on) >= age  ⇔  b <= latest_birth(on, age).
    """
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February in a year without one: that birthday falls on the 28th
        return on.replace(year=on.year - age, day=28)


def _window_start(prog: Programme, on: dt.date) -> dt.date | None:
    r = prog.rules
    starts = []
    if r.not_aided_since is not None:
        starts.append(dt.date(r.not_aided_since, 1, 1))
    if r.not_aided_months is not None:  # aid on the same day N months back no longer counts
        starts.append(months_before(on, r.not_aided_months) + dt.timedelta(days=1))
    starts.append(on)  # whatever the rules, a programme never pays the same person twice on one day
    return min(starts)

_DISABLED = frozenset(DISABLED_CATEGORIES)

# Bits of the `flags` column: one per rule that keeps a person out.
_F_STATUS, _F_UNBORN, _F_CATEGORY, _F_NO_BIRTH, _F_YOUNG, _F_OLD, _F_VILLAGE, _F_AIDED = (
    1, 2, 4, 8, 16, 32, 64, 128)
# Columns of a person's row once their details are read (`_details`).
_ID, _NAME, _IDNO, _BIRTH, _VILLAGE, _GROUP, _HOUSEHOLD, _HEAD, _STATUS, _CLOSED_ON, _CLOSED_REASON, \
    _CREATED, _PINYIN, _LAST_AID, _LATER_AID, _FLAGS, _CATS = range(17)
_COMPACT = 5  # the length of a row from `_flags_query`
_DETAIL_COLS = ("id, name, id_number, birth_date, village, village_group, household_id, is_household_head,"
                " status, closed_on, closed_reason, created_at, pinyin_full")

def _flags_query(prog: Programme, on: dt.date, me: str | None, category_ids: list[str]
                 ) -> tuple[str, dict[str, Any]]:
    """One pass over the register: (id, rule flags, last aid in the window, first aid after `on`, household)."""
    r = prog.rules
    params: dict[str, Any] = {"on": on.isoformat(), "pid": prog.id, "me": me or ""}
    parts = []
    if r.active_only:
        parts.append(f"(CASE WHEN r.status != 'active' AND (r.closed_on IS NULL OR r.closed_on <= :on)"
                     f" THEN {_F_STATUS} ELSE 0 END)")
    parts.append(f"(CASE WHEN r.birth_date > :on THEN {_F_UNBORN} ELSE 0 END)")
    if r.categories:
        names = []
        for i, cid in enumerate(category_ids):
            params[f"c{i}"] = cid
            names.append(f":c{i}")
        wanted = f"rc.category_id IN ({', '.join(names)})" if names else "0"
        parts.append(f"(CASE WHEN EXISTS (SELECT 1 FROM recipient_categories rc WHERE rc.recipient_id = r.id"
                     f" AND {wanted}) THEN 0 ELSE {_F_CATEGORY} END)")
    if r.min_age is not None or r.max_age is not None:
        parts.append(f"(CASE WHEN r.birth_date IS NULL THEN {_F_NO_BIRTH} ELSE 0 END)")
    if r.min_age is not None:
        params["young"] = latest_birth(on, r.min_age).isoformat()
        parts.append(f"(CASE WHEN r.birth_date > :young AND r.birth_date <= :on THEN {_F_YOUNG} ELSE 0 END)")
    if r.max_age is not None:
        params["old"] = latest_birth(on, r.max_age + 1).isoformat()
        parts.append(f"(CASE WHEN r.birth_date <= :old THEN {_F_OLD} ELSE 0 END)")
    if r.villages:
        names = []
        for i, v in enumerate(r.villages):
            params[f"v{i}"] = v
            names.append(f":v{i}")
        parts.append(f"(CASE WHEN r.village IN ({', '.join(names)}) THEN 0 ELSE {_F_VILLAGE} END)")
    since = _window_start(prog, on)
    if since is None:
        return f"SELECT r.id, {' | '.join(parts)}, NULL, NULL, r.household_id FROM recipients r", params
    params["since"] = since.isoformat()
    parts.append(f"(CASE WHEN aid.last_aid IS NOT NULL THEN {_F_AIDED} ELSE 0 END)")
    return (
        "WITH aid AS (SELECT b.recipient_id AS rid,"
        " max(CASE WHEN d.distributed_on <= :on THEN d.distributed_on END) AS last_aid,"
        " min(CASE WHEN d.distributed_on > :on THEN d.distributed_on END) AS later_aid"
        " FROM distributions d JOIN disbursements b ON b.distribution_id = d.id"
        " WHERE d.programme_id = :pid AND d.status = 'confirmed' AND d.distributed_on >= :since"
        f" AND d.id != :me AND b.status IN {_MONEY_SQL} GROUP BY b.recipient_id)"
        f" SELECT r.id, {' | '.join(parts)}, aid.last_aid, aid.later_aid, r.household_id"
        " FROM recipients r LEFT JOIN aid ON aid.rid = r.id", params)


def _details(db: Database, compact: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Full rows (see the column names above) for compact rows, same order; categories as a tuple."""
    if not compact:
        return []
    names = {cid: (order, name) for cid, order, name in db.query("SELECT id, sort_order, name FROM categories")}
    combos: dict[str | None, tuple[str, ...]] = {None: ()}  # a few hundred distinct sets of categories
    sql = (f"SELECT {_DETAIL_COLS}, (SELECT group_concat(rc.category_id) FROM recipient_categories rc"
           " WHERE rc.recipient_id = recipients.id) FROM recipients")
    total = int(db.scalar("SELECT count(*) FROM recipients"))
    wanted = {c[0] for c in compact}
    if len(wanted) * 3 > total:  # most of the register: one scan beats a lookup per person
        rows = [r for r in db.tuples(sql) if r[0] in wanted]
    else:
        rows = list(db.tuples(sql + " WHERE id IN (SELECT value FROM json_each(?))",
                              (json.dumps(list(wanted)),)))
    found: dict[str, tuple[Any, ...]] = {}
    for row in rows:
        key = row[13]
        cats = combos.get(key)
        if cats is None:
            cats = combos[key] = tuple(n for _, n in sorted(names[c] for c in key.split(",")))
        found[row[0]] = (*row[:13], cats)
    out = []
    for rid, flags, last, later, _ in compact:
        d = found[rid]
        out.append((*d[:13], last, later, flags, d[13]))
    return out


def _sheet_order(row: Any) -> tuple[str, str, str, str, str]:
    return (row[_VILLAGE], row[_GROUP], row[_PINYIN] or "", row[_NAME], row[_ID])


def _cats(row: Any) -> tuple[str, ...]:
    cats: tuple[str, ...] = row[_CATS]
    return cats


def _age(row: Any, on: dt.date) -> int | None:
    return age_on(dt.date.fromisoformat(row[_BIRTH]), on) if row[_BIRTH] else None
