"""Canteens (助餐点) and the subsidy scheme (补贴方案) in dated versions.

A scheme version names the fund that pays, the tiers (an age range in completed years on the meal
day, or a category of the register) with the rate of a meal, and caps per week and per month. A
changed scheme is a new version from its date on: a version never starts on or before the newest
one, nor inside a month already paid. A person gets the highest rate of the tiers that apply.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import funds
from app.ids import new_id
from app.rules.idcard import age_on
from app.rules.money import format_fen, parse_yuan
from app.station.accounts import Operator


@dataclass(frozen=True)
class Canteen:
    id: str
    name: str
    village: str
    contact: str
    phone: str
    bank_name: str
    bank_account: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Tier:
    rate_fen: int
    age_from: int | None = None
    age_to: int | None = None
    category: str = ""

    @property
    def label(self) -> str:
        if self.category:
            return self.category
        return f"{self.age_from}岁以上" if self.age_to is None else f"{self.age_from}–{self.age_to}岁"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "age_from": self.age_from, "age_to": self.age_to, "category": self.category,
                "rate_fen": self.rate_fen}


@dataclass(frozen=True)
class Scheme:
    id: str
    fund_id: str
    fund: str
    effective_from: str
    cap_week: int | None
    cap_month: int | None
    tiers: tuple[Tier, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "fund_id": self.fund_id, "fund": self.fund, "from": self.effective_from,
                "cap_week": self.cap_week, "cap_month": self.cap_month, "tiers": [t.to_dict() for t in self.tiers]}

    def rate(self, birth: dt.date | None, categories: frozenset[str], on: dt.date) -> tuple[int, str]:
        """(rate in fen, tier label) for a meal on `on`; (0, '') when no tier applies."""
        best, label = 0, ""
        age = age_on(birth, on) if birth else None
        for t in self.tiers:
            fits = (t.category in categories) if t.category else (
                age is not None and t.age_from is not None and age >= t.age_from
                and (t.age_to is None or age <= t.age_to))
            if fits and t.rate_fen > best:
                best, label = t.rate_fen, t.label
        return best, label


# ---------- canteens ----------
def _canteen(row: Any) -> Canteen:
    return Canteen(*row)


_CANTEEN_COLS = "id, name, village, contact, phone, bank_name, bank_account, status"


def add_canteen(db: Database, actor: Operator, name: str, *, village: str = "", contact: str = "", phone: str = "",
                bank_name: str = "", bank_account: str = "") -> Canteen:
    name = (name or "").strip()
    if not name:
        raise InputError("empty_name", "助餐点名称不能为空")
    with db.transaction() as c:
        if db.scalar("SELECT 1 FROM meal_canteens WHERE name = ?", (name,)):
            raise Conflict("duplicate", f"已经有叫“{name}”的助餐点")
        cid = new_id()
        c.execute("INSERT INTO meal_canteens(id, name, village, contact, phone, bank_name, bank_account, created_at,"
                  " created_by) VALUES (?,?,?,?,?,?,?,?,?)",
                  (cid, name, village.strip(), contact.strip(), phone.strip(), bank_name.strip(),
                   bank_account.strip(), now_iso(), actor.id))
        canteen = get_canteen(db, cid)
        audit.record(c, actor, "create", "meal_canteens", cid, None, canteen.to_dict())
    return canteen


def get_canteen(db: Database, canteen_id: str) -> Canteen:
    rows = list(db.tuples(f"SELECT {_CANTEEN_COLS} FROM meal_canteens WHERE id = ?", (canteen_id,)))
    if not rows:
        raise NotFound("no_canteen", "没有这个助餐点")
    return _canteen(rows[0])


def find_canteen(db: Database, name: str) -> Canteen:
    rows = list(db.tuples(f"SELECT {_CANTEEN_COLS} FROM meal_canteens WHERE name = ?", ((name or "").strip(),)))
    if not rows:
        known = "、".join(c.name for c in list_canteens(db)) or "还没有"
        raise NotFound("no_canteen", f"没有叫“{name}”的助餐点（已有：{known}）")
    return _canteen(rows[0])


def list_canteens(db: Database) -> list[Canteen]:
    return [_canteen(r) for r in db.tuples(f"SELECT {_CANTEEN_COLS} FROM meal_canteens ORDER BY name")]


# ---------- the scheme ----------
_TIER = re.compile(r"\s*(\d{1,3})\s*[-–~]\s*(\d{1,3})?\s*[:：]\s*(.+?)\s*")
_CATEGORY = re.compile(r"\s*(.+?)\s*[:：]\s*(.+?)\s*")


def _rate(text: str, where: str) -> int:
    try:
        fen = parse_yuan(text, allow_zero=True)
    except InputError as exc:
        raise InputError("bad_rate", f"{where}：每餐补贴“{text}”不是金额（{exc.message}）") from None
    if fen <= 0:
        raise InputError("bad_rate", f"{where}：每餐补贴应大于零，写的是“{text}”")
    return fen


def parse_tiers(tiers: list[str], categories: list[str]) -> list[Tier]:
    """`60-74:1`, `95-:9`, `低保户:8` → tiers; refuses a malformed, zero or overlapping tier."""
    out: list[Tier] = []
    for text in tiers:
        m = _TIER.fullmatch(text or "")
        if not m:
            raise InputError("bad_tier", f"年龄档“{text}”应写成 起-止:每餐元数，如 60-74:1 或 95-:9")
        lo, hi = int(m.group(1)), (int(m.group(2)) if m.group(2) else None)
        if hi is not None and hi < lo:
            raise InputError("bad_tier", f"年龄档“{text}”：止（{hi}岁）小于起（{lo}岁）")
        out.append(Tier(_rate(m.group(3), f"年龄档“{text}”"), lo, hi))
    ages = sorted((t for t in out), key=lambda t: t.age_from or 0)
    for a, b in zip(ages, ages[1:], strict=False):
        if a.age_to is None or (b.age_from or 0) <= a.age_to:
            raise InputError("overlap", f"年龄档重叠：{a.label} 与 {b.label}（一个年龄只能在一个档）")
    seen: set[str] = set()
    for text in categories:
        m = _CATEGORY.fullmatch(text or "")
        if not m:
            raise InputError("bad_category", f"类别档“{text}”应写成 类别:每餐元数，如 低保户:8")
        name = m.group(1)
        if name in seen:
            raise InputError("overlap", f"类别档“{name}”写了两次")
        seen.add(name)
        out.append(Tier(_rate(m.group(2), f"类别档“{text}”"), category=name))
    if not out:
        raise InputError("no_tier", "补贴方案至少要有一个年龄档或类别档")
    return out


def _cap(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if value < 0:
        raise InputError("bad_cap", f"{what}不能小于零，写的是 {value}")
    return value


def set_scheme(db: Database, actor: Operator, fund_id: str, tiers: list[Tier], *, cap_week: int | None = None,
               cap_month: int | None = None, effective_from: dt.date | None = None) -> Scheme:
    """A new version of the scheme from `effective_from` (default today), never backwards."""
    on = effective_from or dt.date.today()
    cap_week, cap_month = _cap(cap_week, "每周上限"), _cap(cap_month, "每月上限")
    with db.transaction() as c:
        fund = funds.active_fund(db, fund_id)
        known = {r[0] for r in db.tuples("SELECT name FROM categories")}
        for t in tiers:
            if t.category and t.category not in known:
                raise InputError("no_category", f"类别档“{t.category}”：花名册没有这个类别（已有：{'、'.join(sorted(known))}）")
        latest = db.scalar("SELECT max(effective_from) FROM meal_schemes")
        if latest and on.isoformat() <= latest:
            raise Conflict("backwards", f"新方案从 {on} 起，但现行方案从 {latest} 起：补贴标准只能往后改，不能往回改")
        paid = db.scalar("SELECT max(month) FROM meal_statements WHERE status = 'confirmed'")
        if paid and on.isoformat()[:7] <= paid:
            raise Conflict("backwards", f"{paid} 的助餐补贴已经结算付款，新方案只能从之后的月份起")
        sid = new_id()
        c.execute("INSERT INTO meal_schemes(id, fund_id, effective_from, cap_week, cap_month, created_at, created_by)"
                  " VALUES (?,?,?,?,?,?,?)", (sid, fund.id, on.isoformat(), cap_week, cap_month, now_iso(), actor.id))
        c.executemany("INSERT INTO meal_scheme_tiers(id, scheme_id, age_from, age_to, category, rate_fen)"
                      " VALUES (?,?,?,?,?,?)",
                      [(new_id(), sid, t.age_from, t.age_to, t.category, t.rate_fen) for t in tiers])
        scheme = schemes(db)[-1]
        audit.record(c, actor, "create", "meal_schemes", sid, None, scheme.to_dict())
    return scheme


def schemes(db: Database) -> list[Scheme]:
    """Every version, oldest first."""
    tiers: dict[str, list[Tier]] = {}
    for sid, lo, hi, cat, rate in db.tuples("SELECT scheme_id, age_from, age_to, category, rate_fen"
                                            " FROM meal_scheme_tiers ORDER BY category != '', age_from, category"):
        tiers.setdefault(sid, []).append(Tier(rate, lo, hi, cat))
    return [Scheme(sid, fid, fname, on, cw, cm, tuple(tiers.get(sid, ())))
            for sid, fid, fname, on, cw, cm in db.tuples(
                "SELECT s.id, s.fund_id, f.name, s.effective_from, s.cap_week, s.cap_month FROM meal_schemes s"
                " JOIN funds f ON f.id = s.fund_id ORDER BY s.effective_from")]


def scheme_on(versions: list[Scheme], on: dt.date) -> Scheme | None:
    """The version in force on a day (versions oldest first)."""
    day = on.isoformat()
    found = None
    for s in versions:
        if s.effective_from <= day:
            found = s
    return found


def describe(s: Scheme) -> str:
    tiers = "，".join(f"{t.label} {format_fen(t.rate_fen)} 元/餐" for t in s.tiers)
    caps = "".join([f"，每周最多 {s.cap_week} 餐" if s.cap_week is not None else "",
                    f"，每月最多 {s.cap_month} 餐" if s.cap_month is not None else ""])
    return f"自 {s.effective_from} 起由“{s.fund}”支付：{tiers}{caps}"
