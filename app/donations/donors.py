"""Donors (捐赠人): individuals, enterprises (爱心企业) and anonymous givers (匿名爱心人士)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.ids import new_id
from app.rules import pinyin
from app.rules.codes import parse_credit_code, parse_phone
from app.station.accounts import Operator, require_write

KINDS = ("person", "enterprise", "anonymous")
KIND_NAMES = {"person": "个人", "enterprise": "爱心企业", "anonymous": "匿名"}
ANONYMOUS_NAME = "匿名爱心人士"


@dataclass(frozen=True)
class Donor:
    id: str
    kind: str
    name: str
    credit_code: str | None = None
    phone: str = ""
    address: str = ""
    workplace: str = ""
    contact_person: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _donor(row: Any) -> Donor:
    return Donor(row["id"], row["kind"], row["name"], row["credit_code"], row["phone"],
                 row["address"], row["workplace"], row["contact_person"], row["note"])


def donor_search_text(name: str, phone: str, workplace: str = "", credit_code: str = "") -> str:
    initials, full = pinyin.keys(name)
    return pinyin.search_text(name, initials, full, phone, workplace, credit_code)


def create_donor(db: Database, actor: Operator, kind: str, name: str = "", *, phone: str = "",
                 credit_code: str = "", address: str = "", workplace: str = "",
                 contact_person: str = "", note: str = "") -> Donor:
    """Add a donor after checking the fields that have rules (credit code, phone)."""
    require_write(actor)
    if kind not in KINDS:
        raise InputError("bad_donor_kind", f"捐赠人类型应为 {', '.join(KINDS)} 之一：{kind}")
    if kind == "anonymous":
        return anonymous_donor(db, actor)
    name = (name or "").strip()
    if not name:
        raise InputError("empty_donor_name", "请填写捐赠人姓名或单位名称")
    code = parse_credit_code(credit_code) if (kind == "enterprise" and credit_code.strip()) else None
    if kind == "person" and credit_code.strip():
        raise InputError("credit_code_for_person", "个人捐赠人没有统一社会信用代码")
    phone = parse_phone(phone) if phone.strip() else ""
    donor = Donor(new_id(), kind, name, code, phone, address.strip(), workplace.strip(),
                  contact_person.strip(), note.strip())
    with db.transaction() as c:
        if code and c.execute("SELECT 1 FROM donors WHERE credit_code = ?", (code,)).fetchone():
            raise Conflict("duplicate_credit_code", f"统一社会信用代码 {code} 已经登记过")
        at = now_iso()
        c.execute(
            "INSERT INTO donors(id, kind, name, credit_code, phone, address, workplace, contact_person,"
            " note, search_text, created_at, created_by, updated_at, updated_by)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (donor.id, kind, name, code, phone, donor.address, donor.workplace, donor.contact_person,
             donor.note, donor_search_text(name, phone, donor.workplace, code or ""),
             at, actor.id, at, actor.id),
        )
        audit.record(c, actor, "create", "donors", donor.id, None, donor.to_dict())
    return donor


def anonymous_donor(db: Database, actor: Operator) -> Donor:
    """The one anonymous donor record, created the first time it is needed."""
    row = db.one("SELECT * FROM donors WHERE kind = 'anonymous' ORDER BY created_at LIMIT 1")
    if row is not None:
        return _donor(row)
    with db.transaction() as c:
        row = c.execute("SELECT * FROM donors WHERE kind = 'anonymous' LIMIT 1").fetchone()
        if row is not None:
            return _donor(row)
        donor = Donor(new_id(), "anonymous", ANONYMOUS_NAME)
        at = now_iso()
        c.execute(
            "INSERT INTO donors(id, kind, name, search_text, created_at, created_by, updated_at,"
            " updated_by) VALUES (?,?,?,?,?,?,?,?)",
            (donor.id, "anonymous", ANONYMOUS_NAME, donor_search_text(ANONYMOUS_NAME, ""),
             at, actor.id, at, actor.id),
        )
        audit.record(c, actor, "create", "donors", donor.id, None, donor.to_dict())
    return donor


def get_donor(db: Database, donor_id: str) -> Donor:
    row = db.one("SELECT * FROM donors WHERE id = ?", (donor_id,))
    if row is None:
        raise NotFound("no_donor", "没有这个捐赠人")
    return _donor(row)


def search_donors(db: Database, text: str, limit: int = 20) -> list[Donor]:
    """Donors whose name, phone, pinyin initials or full pinyin contain `text`."""
    q = (text or "").strip().lower()
    if not q:
        return []
    like = pinyin.contains_pattern(q)
    rows = db.query(
        "SELECT * FROM donors WHERE search_text LIKE ? ESCAPE '\\'"
        " ORDER BY (name = ?) DESC, (phone = ?) DESC, length(name), name LIMIT ?",
        (like, text.strip(), text.strip(), limit),
    )
    return [_donor(r) for r in rows]
