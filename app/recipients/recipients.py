"""Recipients (受助对象): the people the fund helps, their categories and households.

A person is never deleted: closing records a reason (迁出, 去世, 不再符合条件)
and a date, keeps every record, and an administrator can reopen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.ids import new_id
from app.rules import pinyin
from app.rules.codes import parse_phone
from app.rules.idcard import parse_id
from app.station.accounts import Operator, require_admin, require_write

BUILTIN_CATEGORIES = (
    "高龄老人", "孤儿", "事实无人抚养儿童", "困境儿童", "留守儿童", "低保家庭儿童", "残疾儿童",
    "低保户", "特困供养", "残疾人", "重特大疾病", "急难型", "困难学生", "环卫工人", "其他",
)
STATUSES = ("active", "moved", "deceased", "closed")
STATUS_NAMES = {"active": "在册", "moved": "迁出", "deceased": "去世", "closed": "不再符合条件"}
CLOSE_REASONS = {"迁出": "moved", "去世": "deceased", "不再符合条件": "closed"}


@dataclass
class RecipientInput:
    name: str
    id_number: str = ""
    sex: str = ""
    birth_date: dt.date | None = None
    village: str = ""
    village_group: str = ""
    address: str = ""
    phone: str = ""
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_relation: str = ""
    bank_name: str = ""
    bank_account: str = ""
    note: str = ""
    categories: list[str] = field(default_factory=list)
    household_id: str | None = None
    is_household_head: bool = False


@dataclass(frozen=True)
class Recipient:
    id: str
    name: str
    id_number: str | None
    sex: str
    birth_date: str | None
    village: str
    village_group: str
    address: str
    phone: str
    guardian_name: str
    guardian_phone: str
    guardian_relation: str
    bank_name: str
    bank_account: str
    note: str
    household_id: str | None
    is_household_head: bool
    status: str
    closed_reason: str
    closed_on: str | None
    categories: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["categories"] = list(self.categories)
        return d


_COLUMNS = ("id", "name", "id_number", "sex", "birth_date", "village", "village_group", "address",
            "household_id", "is_household_head", "phone", "guardian_name", "guardian_phone",
            "guardian_relation", "bank_name", "bank_account", "note", "pinyin_initials",
            "pinyin_full", "search_text", "created_at", "created_by", "updated_at", "updated_by")
INSERT_SQL = (f"INSERT INTO recipients({', '.join(_COLUMNS)}) "
              f"VALUES ({', '.join('?' for _ in _COLUMNS)})")


def clean(data: RecipientInput, *, today: dt.date | None = None) -> RecipientInput:
    """Normalise and check one person's fields; raise `InputError` naming the field."""
    name = "".join((data.name or "").split())
    if not name:
        raise InputError("empty_name", "姓名不能为空", field="name")
    out = replace(data, name=name)
    if (data.id_number or "").strip():
        parsed = parse_id(data.id_number, today=today)
        if data.sex and data.sex.strip() and data.sex.strip() != parsed.sex:
            raise InputError("sex_mismatch",
                             f"性别“{data.sex}”与身份证号不符（身份证号显示为{parsed.sex}）", field="sex")
        if data.birth_date and data.birth_date != parsed.birth_date:
            raise InputError("birth_mismatch",
                             f"出生日期 {data.birth_date} 与身份证号不符（身份证号为 {parsed.birth_date}）",
                             field="birth_date")
        out = replace(out, id_number=parsed.number, sex=parsed.sex, birth_date=parsed.birth_date)
    else:
        out = replace(out, id_number="")
        if out.sex and out.sex not in ("男", "女"):
            raise InputError("bad_sex", f"性别应为 男 或 女：{out.sex}", field="sex")
    if data.phone.strip():
        out = replace(out, phone=parse_phone(data.phone))
    if data.guardian_phone.strip():
        out = replace(out, guardian_phone=parse_phone(data.guardian_phone))
    cats = []
    for c in data.categories:
        c = c.strip()
        if c and c not in cats:
            cats.append(c)
    return replace(out, categories=cats)


def row_values(rid: str, d: RecipientInput, actor_id: str, at: str) -> tuple[Any, ...]:
    """The INSERT values for a cleaned person; shared by the service, imports and demo data."""
    initials, full = pinyin.keys(d.name)
    text = pinyin.search_text(d.name, initials, full, d.id_number, d.phone, d.village,
                              d.village_group, d.guardian_phone)
    return (rid, d.name, d.id_number or None, d.sex, d.birth_date.isoformat() if d.birth_date else None,
            d.village.strip(), d.village_group.strip(), d.address.strip(), d.household_id,
            int(d.is_household_head), d.phone, d.guardian_name.strip(), d.guardian_phone,
            d.guardian_relation.strip(), d.bank_name.strip(), "".join(d.bank_account.split()),
            d.note.strip(), initials, full, text, at, actor_id, at, actor_id)


def create_builtin_categories(db: Database, actor: Operator) -> None:
    with db.transaction() as c:
        for i, name in enumerate(BUILTIN_CATEGORIES):
            c.execute("INSERT OR IGNORE INTO categories(id, name, sort_order, builtin) VALUES (?,?,?,1)",
                      (new_id(), name, i))
        audit.record(c, actor, "create", "categories", "builtin", None, {"names": list(BUILTIN_CATEGORIES)})


def category_ids(db: Database, actor: Operator, names: list[str]) -> list[str]:
    """Ids for category names; a name not yet on the list is added to it (never an error)."""
    ids = []
    with db.transaction() as c:
        for name in names:
            row = c.execute("SELECT id FROM categories WHERE name = ?", (name,)).fetchone()
            if row is None:
                cid = new_id()
                order = c.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM categories").fetchone()[0]
                c.execute("INSERT INTO categories(id, name, sort_order, builtin) VALUES (?,?,?,0)",
                          (cid, name, order))
                audit.record(c, actor, "create", "categories", cid, None, {"name": name})
                ids.append(cid)
            else:
                ids.append(row[0])
    return ids


def list_categories(db: Database) -> list[str]:
    return [r[0] for r in db.query("SELECT name FROM categories ORDER BY sort_order, name")]


def create_household(db: Database, actor: Operator, village: str = "", address: str = "") -> str:
    require_write(actor)
    with db.transaction() as c:
        hid = new_id()
        c.execute("INSERT INTO households(id, village, address, created_at, created_by) VALUES (?,?,?,?,?)",
                  (hid, village.strip(), address.strip(), now_iso(), actor.id))
        audit.record(c, actor, "create", "households", hid, None, {"village": village, "address": address})
    return hid


def add_recipient(db: Database, actor: Operator, data: RecipientInput,
                  *, today: dt.date | None = None) -> Recipient:
    """Register one person; the same ID number cannot be registered twice."""
    require_write(actor)
    d = clean(data, today=today)
    with db.transaction() as c:
        if d.id_number:
            other = c.execute("SELECT name FROM recipients WHERE id_number = ?", (d.id_number,)).fetchone()
            if other:
                raise Conflict("duplicate_id_number",
                               f"身份证号 {d.id_number} 已经登记过（{other[0]}）", field="id_number")
        if d.household_id and not c.execute("SELECT 1 FROM households WHERE id = ?",
                                            (d.household_id,)).fetchone():
            raise NotFound("no_household", "没有这个家庭户")
        rid = new_id()
        c.execute(INSERT_SQL, row_values(rid, d, actor.id, now_iso()))
        for cid in category_ids(db, actor, d.categories):
            c.execute("INSERT INTO recipient_categories(recipient_id, category_id) VALUES (?,?)", (rid, cid))
        person = get_recipient(db, rid)
        audit.record(c, actor, "create", "recipients", rid, None, person.to_dict())
    return person


_EDITABLE = ("name", "id_number", "sex", "birth_date", "village", "village_group", "address", "phone",
             "guardian_name", "guardian_phone", "guardian_relation", "bank_name", "bank_account",
             "note", "household_id", "is_household_head")


def update_recipient(db: Database, actor: Operator, recipient_id: str, data: RecipientInput,
                     *, today: dt.date | None = None) -> Recipient:
    """Replace a person's details and categories; the change is audited before/after."""
    require_write(actor)
    d = clean(data, today=today)
    with db.transaction() as c:
        before = get_recipient(db, recipient_id)
        if d.id_number:
            other = c.execute("SELECT name FROM recipients WHERE id_number = ? AND id != ?",
                              (d.id_number, recipient_id)).fetchone()
            if other:
                raise Conflict("duplicate_id_number",
                               f"身份证号 {d.id_number} 已经登记过（{other[0]}）", field="id_number")
        values = row_values(recipient_id, d, actor.id, now_iso())
        by_col = dict(zip(_COLUMNS, values, strict=True))
        cols = list(_EDITABLE) + ["pinyin_initials", "pinyin_full", "search_text", "updated_at", "updated_by"]
        c.execute(f"UPDATE recipients SET {', '.join(f'{k} = ?' for k in cols)} WHERE id = ?",
                  [by_col[k] for k in cols] + [recipient_id])
        c.execute("DELETE FROM recipient_categories WHERE recipient_id = ?", (recipient_id,))
        for cid in category_ids(db, actor, d.categories):
            c.execute("INSERT INTO recipient_categories(recipient_id, category_id) VALUES (?,?)",
                      (recipient_id, cid))
        after = get_recipient(db, recipient_id)
        audit.record(c, actor, "update", "recipients", recipient_id, before.to_dict(), after.to_dict())
    return after


def close_recipient(db: Database, actor: Operator, recipient_id: str, reason: str,
                    on: dt.date | None = None) -> Recipient:
    """Close a person's record (迁出, 去世, 不再符合条件); nothing is erased."""
    require_write(actor)
    reason = (reason or "").strip()
    status = CLOSE_REASONS.get(reason)
    if status is None:
        raise InputError("bad_close_reason", f"注销原因应为 {'、'.join(CLOSE_REASONS)} 之一：{reason}")
    on = on or dt.date.today()
    with db.transaction() as c:
        before = get_recipient(db, recipient_id)
        if before.status != "active":
            raise Conflict("already_closed", f"{before.name} 的记录已经注销（{STATUS_NAMES[before.status]}）")
        c.execute("UPDATE recipients SET status=?, closed_reason=?, closed_on=?, updated_at=?, updated_by=?"
                  " WHERE id=?", (status, reason, on.isoformat(), now_iso(), actor.id, recipient_id))
        after = get_recipient(db, recipient_id)
        audit.record(c, actor, "close", "recipients", recipient_id, before.to_dict(), after.to_dict())
    return after


def reopen_recipient(db: Database, actor: Operator, recipient_id: str) -> Recipient:
    """Undo a closure (administrators only)."""
    require_admin(actor, "恢复已注销的受助对象")
    with db.transaction() as c:
        before = get_recipient(db, recipient_id)
        if before.status == "active":
            raise Conflict("not_closed", f"{before.name} 的记录没有注销")
        c.execute("UPDATE recipients SET status='active', closed_reason='', closed_on=NULL, updated_at=?,"
                  " updated_by=? WHERE id=?", (now_iso(), actor.id, recipient_id))
        after = get_recipient(db, recipient_id)
        audit.record(c, actor, "reopen", "recipients", recipient_id, before.to_dict(), after.to_dict())
    return after


def get_recipient(db: Database, recipient_id: str) -> Recipient:
    row = db.one("SELECT * FROM recipients WHERE id = ?", (recipient_id,))
    if row is None:
        raise NotFound("no_recipient", "没有这个受助对象")
    cats = tuple(r[0] for r in db.query(
        "SELECT c.name FROM recipient_categories rc JOIN categories c ON c.id = rc.category_id"
        " WHERE rc.recipient_id = ? ORDER BY c.sort_order", (recipient_id,)))
    return Recipient(
        row["id"], row["name"], row["id_number"], row["sex"], row["birth_date"], row["village"],
        row["village_group"], row["address"], row["phone"], row["guardian_name"], row["guardian_phone"],
        row["guardian_relation"], row["bank_name"], row["bank_account"], row["note"], row["household_id"],
        bool(row["is_household_head"]), row["status"], row["closed_reason"], row["closed_on"], cats,
    )


def find_by_id_number(db: Database, id_number: str) -> Recipient | None:
    row = db.one("SELECT id FROM recipients WHERE id_number = ?", (id_number,))
    return None if row is None else get_recipient(db, row[0])


@dataclass(frozen=True)
class PossibleDuplicate:
    """Someone already registered who may be the person being entered, and why."""

    id: str
    name: str
    id_number: str | None
    birth_date: str | None
    phone: str
    village: str
    status: str
    reasons: tuple[str, ...]  # "name_birth" (same name and birth date), "phone" (same phone)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reasons"] = list(self.reasons)
        return d


def possible_duplicates(db: Database, name: str, birth_date: dt.date | str | None, phone: str,
                        exclude_id: str | None = None) -> list[PossibleDuplicate]:
    """People who may already be registered: the same name and birth date, or the same phone.

    A warning to show before saving, never a refusal (an elderly couple can
    share one phone). The same ID number is a refusal instead: `Conflict` on save.
    """
    name = "".join((name or "").split())
    birth = birth_date.isoformat() if isinstance(birth_date, dt.date) else (birth_date or None)
    try:
        phone = parse_phone(phone) if (phone or "").strip() else ""
    except InputError:
        phone = ""
    found: dict[str, tuple[Any, list[str]]] = {}
    if name and birth:
        for row in db.query("SELECT * FROM recipients WHERE name = ? AND birth_date = ?", (name, birth)):
            found.setdefault(row["id"], (row, []))[1].append("name_birth")
    if phone:
        for row in db.query("SELECT * FROM recipients WHERE phone = ? AND phone != ''", (phone,)):
            found.setdefault(row["id"], (row, []))[1].append("phone")
    return [PossibleDuplicate(row["id"], row["name"], row["id_number"], row["birth_date"], row["phone"],
                              row["village"], row["status"], tuple(reasons))
            for rid, (row, reasons) in found.items() if rid != exclude_id]
