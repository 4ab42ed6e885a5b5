"""A claimant or a pledging donor found by name as at the desk; an unknown name makes a new donor."""

from __future__ import annotations

from app.db import Database
from app.donations import donors
from app.errors import Conflict, InputError
from app.station.accounts import Operator

#: Words that mark a name as an organisation (爱心企业) rather than a person.
_ORG_WORDS = ("公司", "集团", "企业", "厂", "商行", "商店", "超市", "银行", "协会", "学校", "医院", "合作社", "中心", "店")


def guess_kind(name: str) -> str:
    return "enterprise" if any(w in name for w in _ORG_WORDS) else "person"


def find_or_create(db: Database, actor: Operator, name: str, kind: str | None = None) -> donors.Donor:
    """The one donor of that name (and kind), or a new one; two of the same name is refused."""
    name = (name or "").strip()
    if not name:
        raise InputError("empty_donor_name", "请填写认领人或认捐人的姓名、单位名称")
    kind = kind or guess_kind(name)
    ids = [r[0] for r in db.tuples("SELECT id FROM donors WHERE name = ? AND kind = ?", (name, kind))]
    if len(ids) == 1:
        return donors.get_donor(db, ids[0])
    if len(ids) > 1:
        raise Conflict("ambiguous_donor", f"有 {len(ids)} 位名为“{name}”的捐赠人，请在捐赠登记处区分后再选", name=name)
    return donors.create_donor(db, actor, kind, name)
