"""Finding people in the register: search as you type, filters and sorting, all in SQLite.

`search_ids` returns *row handles* in display order — SQLite rowids, plain
integers: a table model holds only these, and `fetch_rows` reads the shown
columns for the handles on screen. Rowids are measurably cheaper than the 32-
character text ids here: the search index (schema V4) covers the search and
the common filters and sorts, so a search never touches the table itself. A
handle is only good for the session that got it (VACUUM may renumber rowids);
the lasting id is the `id` column that `fetch_rows` returns.

Search text is matched with LIKE '%term%' on `recipients.search_text` (name,
pinyin initials, full pinyin, ID number, phone, village, group, guardian
phone, lower case): every word typed must appear. LIKE rather than FTS5
because SQLite's trigram tokenizer finds nothing for one or two characters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.db import Database
from app.rules import pinyin
from app.rules.idcard import age_on

#: The columns a register row can show, in their default order.
COLUMNS = ("name", "sex", "age", "birth_date", "id_number", "village", "village_group", "categories",
           "phone", "household_head", "guardian_name", "guardian_phone", "address", "bank_name",
           "bank_account", "status", "note", "created_at")
DEFAULT_COLUMNS = ("name", "sex", "age", "id_number", "village", "village_group", "categories",
                   "phone", "status")

#: Status filter values: a stored status, or `inactive` for every kind of closure.
STATUS_FILTERS = ("active", "inactive", "moved", "deceased", "closed")

# ORDER BY terms per sort key; the first three use only columns of the search index.
# `search_text` begins with the lower-case name, so its order is the name order.
_ORDER: dict[str, tuple[str, ...]] = {
    "name": ("r.search_text",),
    "birth_date": ("r.birth_date IS NULL", "+r.birth_date", "r.search_text"),
    "age": ("r.birth_date IS NULL", "+r.birth_date DESC", "r.search_text"),
    "village": ("+r.village", "r.village_group", "r.search_text"),
    "village_group": ("+r.village", "r.village_group", "r.search_text"),
    "status": ("+r.status", "r.search_text"),
    "sex": ("r.sex", "r.search_text"),
    "id_number": ("r.id_number IS NULL", "r.id_number"),
    "phone": ("r.phone = ''", "r.phone", "r.search_text"),
    "categories": ("(SELECT min(c.sort_order) FROM recipient_categories rc JOIN categories c"
                   " ON c.id = rc.category_id WHERE rc.recipient_id = r.id) IS NULL",
                   "(SELECT min(c.sort_order) FROM recipient_categories rc JOIN categories c"
                   " ON c.id = rc.category_id WHERE rc.recipient_id = r.id)", "r.search_text"),
    "household_head": ("r.is_household_head DESC", "r.search_text"),
    "guardian_name": ("r.guardian_name = ''", "r.guardian_name", "r.search_text"),
    "guardian_phone": ("r.guardian_phone = ''", "r.guardian_phone", "r.search_text"),
    "address": ("r.address = ''", "r.address", "r.search_text"),
    "bank_name": ("r.bank_name = ''", "r.bank_name", "r.search_text"),
    "bank_account": ("r.bank_account = ''", "r.bank_account", "r.search_text"),
    "note": ("r.note = ''", "r.note", "r.search_text"),
    "created_at": ("r.created_at", "r.rowid"),
}
# Terms that put blanks last keep them last when the order is reversed.
_BLANKS_LAST = re.compile(r"( IS NULL| = ''|\) IS NULL)$")


@dataclass(frozen=True)
class Filters:
    """What narrows the register. None means "any".

    `min_age` / `max_age` are completed years (周岁) on `age_on` (default today);
    people without a birth date drop out when either is set.
    `programme_id` keeps people who received aid from that programme. It needs the
    `disbursements` table (the programmes work); until that table exists the
    filter is accepted and ignored — see `supports_programme_filter`.
    """

    category: str | None = None
    village: str | None = None
    status: str | None = "active"
    min_age: int | None = None
    max_age: int | None = None
    age_on: dt.date | None = None
    programme_id: str | None = None
    #: 助餐: "enrolled" (at a canteen now) or "of_age_not_enrolled" (reached `meals_age`, the meal
    #: scheme's lowest age, on `age_on` or today, and not enrolled anywhere).
    meals: str | None = None
    meals_age: int | None = None


@dataclass(frozen=True)
class Sort:
    key: str = "name"
    descending: bool = False


def terms(text: str) -> list[str]:
    """What a search box holds, as the lower-case words that must all appear.

    Full-width characters become half-width; dashes inside a phone or ID number
    are dropped (138-1234-5678 finds 13812345678).
    """
    s = unicodedata.normalize("NFKC", text or "").lower()
    out = []
    for word in s.split():
        if re.fullmatch(r"[\d\-]+x?", word):
            word = word.replace("-", "")
        if word and word not in out:
            out.append(word)
    return out




def _born_on_or_before(on: dt.date, years: int) -> str:
    """The latest birth date (as ISO text) of someone at least `years` old on `on`.

    Compared as text, so 29 February needs no special case: on 2024-02-29 a
    one-year-old was born on or before '2023-02-29', i.e. by 28 February 2023.
    """
    return f"{on.year - years:04d}-{on.month:02d}-{on.day:02d}"


def _where(db: Database, text: str, filters: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    for term in terms(text):
        where.append("r.search_text LIKE ? ESCAPE '\\'")
        params.append(pinyin.contains_pattern(term))
    f = filters
    if f.status == "inactive":
        where.append("+r.status != 'active'")
    elif f.status:
        where.append("+r.status = ?")
        params.append(f.status)
    if f.village is not None:
        where.append("+r.village = ?")
        params.append(f.village)
    on = f.age_on or dt.date.today()
    if f.min_age is not None:
        where.append("+r.birth_date <= ?")
        params.append(_born_on_or_before(on, f.min_age))
    if f.max_age is not None:
        where.append("+r.birth_date > ?")
        params.append(_born_on_or_before(on, f.max_age + 1))
    if f.category is not None:
        # "+" keeps SQLite scanning the search index and probing this small set,
        # instead of looking up every member of a large category.
        where.append("+r.id IN (SELECT rc.recipient_id FROM recipient_categories rc"
                     " JOIN categories c ON c.id = rc.category_id WHERE c.name = ?)")
        params.append(f.category)
    if f.programme_id is not None:
        sub = _programme_subquery(db)
        if sub:
            where.append(f"+r.id IN ({sub})")
            params.append(f.programme_id)
    if f.meals is not None and "meal_enrolments" in _tables(db):
        enrolled = "SELECT e.recipient_id FROM meal_enrolments e WHERE e.closed_on IS NULL"
        if f.meals == "enrolled":
            where.append(f"+r.id IN ({enrolled})")
        elif f.meals_age is not None:
            where.append(f"+r.birth_date <= ? AND +r.id NOT IN ({enrolled})")
            params.append(_born_on_or_before(on, f.meals_age))
    return where, params


def _tables(db: Database) -> set[str]:
    return {row[0] for row in db.tuples("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _columns_of(db: Database, table: str) -> set[str]:
    return {row[1] for row in db.query(f"PRAGMA table_info({table})")}


def _programme_subquery(db: Database) -> str | None:
    """SQL for "ids of people who received aid from programme ?", or None without disbursements.

    Received means a line of a confirmed distribution that was signed for, paid
    or collected by proxy; pending, not collected and reversed lines do not count.
    """
    if not {"recipient_id", "distribution_id", "status"} <= _columns_of(db, "disbursements"):
        return None
    return ("SELECT d.recipient_id FROM disbursements d JOIN distributions b ON b.id = d.distribution_id"
            " WHERE b.programme_id = ? AND b.status = 'confirmed'"
            " AND d.status IN ('signed', 'paid', 'proxy')")


def supports_programme_filter(db: Database) -> bool:
    """True once disbursements are recorded in a shape the programme filter understands."""
    return _programme_subquery(db) is not None


def _order_by(sort: Sort) -> str:
    order = _ORDER.get(sort.key)
    if order is None:
        raise ValueError(f"unknown sort key {sort.key!r}")
    if not sort.descending:
        return ", ".join(order)
    flipped = []
    for term in order:
        if _BLANKS_LAST.search(term):
            flipped.append(term)
        elif term.endswith(" DESC"):
            flipped.append(term[:-5])
        else:
            flipped.append(term + " DESC")
    return ", ".join(flipped)


def search_ids(db: Database, text: str = "", filters: Filters | None = None,
               sort: Sort | None = None) -> list[int]:
    """Row handles (rowids) of the people matching `text` and `filters`, in `sort` order."""
    where, params = _where(db, text, filters or Filters())
    sql = "SELECT r.rowid AS h FROM recipients r"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + _order_by(sort or Sort())
    # One JSON array instead of one Python row per person: 100,000 handles arrive in
    # 17 ms instead of 24. The aggregate reads the ordered subquery in order (SQLite
    # does not flatten an ORDER BY subquery into an aggregate; tested for every sort).
    packed = db.scalar(f"SELECT json_group_array(h) FROM ({sql})", params)
    return json.loads(packed) if packed else []


def count(db: Database, text: str = "", filters: Filters | None = None) -> int:
    where, params = _where(db, text, filters or Filters())
    sql = "SELECT count(*) FROM recipients r"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return int(db.scalar(sql, params))


_FETCH = ("SELECT r.rowid AS handle, r.id, r.name, r.sex, r.birth_date, r.id_number, r.village,"
          " r.village_group, r.phone, r.is_household_head, r.household_id, r.guardian_name,"
          " r.guardian_phone, r.address, r.bank_name, r.bank_account, r.status, r.closed_reason,"
          " r.closed_on, r.note, r.created_at, r.created_by FROM recipients r WHERE r.rowid IN ({})")
_FETCH_CATEGORIES = (
    "SELECT r.rowid, c.name FROM recipients r JOIN recipient_categories rc ON rc.recipient_id = r.id"
    " JOIN categories c ON c.id = rc.category_id WHERE r.rowid IN ({}) ORDER BY r.rowid, c.sort_order")


def fetch_rows(db: Database, ids: Sequence[int], *, today: dt.date | None = None,
               chunk: int = 500) -> dict[int, dict[str, Any]]:
    """The shown columns for some row handles: handle → {column: value}.

    Values are plain data (the UI formats them): `age` in completed years today
    or None, `categories` as a tuple of names in list order, `household_head`
    a bool; `id` is the person's lasting id. Handles that no longer exist are
    missing from the result.
    """
    today = today or dt.date.today()
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), chunk):
        part = list(ids[start:start + chunk])
        marks = ",".join("?" * len(part))
        for row in db.query(_FETCH.format(marks), part):
            d = {k: row[k] for k in row.keys()}
            birth = d["birth_date"]
            d["age"] = age_on(dt.date.fromisoformat(birth), today) if birth else None
            d["household_head"] = bool(d.pop("is_household_head"))
            d["id_number"] = d["id_number"] or ""
            d["categories"] = ()
            out[d.pop("handle")] = d
        cats: dict[int, list[str]] = {}
        for handle, name in db.query(_FETCH_CATEGORIES.format(marks), part):
            cats.setdefault(handle, []).append(name)
        for handle, names in cats.items():
            if handle in out:
                out[handle]["categories"] = tuple(names)
    return out


def handle_of(db: Database, recipient_id: str) -> int | None:
    """The row handle of a person (to select them in a view after a save)."""
    value = db.scalar("SELECT rowid FROM recipients WHERE id = ?", (recipient_id,))
    return None if value is None else int(value)


def villages(db: Database) -> list[tuple[str, int]]:
    """Every village in the register with how many people live there, by name."""
    return [(r[0], int(r[1])) for r in db.query(
        "SELECT village, count(*) FROM recipients WHERE village != '' GROUP BY village ORDER BY village")]


def programmes(db: Database) -> list[tuple[str, str]]:
    """(id, name) of every programme, for the "programme received" filter."""
    return [(r[0], r[1]) for r in db.query("SELECT id, name FROM programmes ORDER BY name")]


def iter_rows(db: Database, ids: Sequence[int], *, chunk: int = 1000,
              today: dt.date | None = None) -> Iterable[dict[str, Any]]:
    """`fetch_rows` for many handles, streamed in order a chunk at a time (for exports)."""
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        rows = fetch_rows(db, part, today=today, chunk=chunk)
        for h in part:
            row = rows.get(h)
            if row is not None:
                yield row
