"""Aid programmes (救助项目): what is given, from which fund, and who may receive it.

A programme pays a standard amount per person (cash), or gives a goods pack whose
value per person is `amount_fen` (0 when the goods have no established value).
Its eligibility `Rules` are judged on each distribution's date (see
`app.programmes.distributions`): categories (any of), age in completed years (周岁), villages,
still registered, one person per household, not aided by this programme since a
year or within some months, and a priority order used only when the user asks to
fit a distribution to the budget. A programme is closed, never deleted.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import funds
from app.ids import new_id
from app.rules.money import format_fen
from app.station.accounts import Operator, require_admin

KINDS = ("cash", "goods")
KIND_NAMES = {"cash": "现金", "goods": "物资"}
STATUS_NAMES = {"active": "进行中", "closed": "已结束"}
#: Priority keys, in the words the screen shows. `category:NAME` puts people of that category first.
PRIORITIES = {
    "oldest": "年长者优先",
    "youngest": "年幼者优先",
    "disabled": "残疾人优先",
    "household_head": "户主优先",
    "registered": "登记早者优先",
}
DISABLED_CATEGORIES = ("残疾人", "残疾儿童")
MAX_AGE = 150


@dataclass(frozen=True)
class Rules:
    """Who may receive: every rule that is set must hold on the distribution date."""

    categories: tuple[str, ...] = ()  # any of; empty: every category
    min_age: int | None = None  # completed years on the distribution date
    max_age: int | None = None
    villages: tuple[str, ...] = ()  # empty: every village
    active_only: bool = True  # still registered (not moved, deceased or closed) on that date
    one_per_household: bool = False
    not_aided_since: int | None = None  # a year: not aided by this programme from 1 January on
    not_aided_months: int | None = None  # not aided by this programme within N months
    priority: tuple[str, ...] = ()  # keys of PRIORITIES or "category:NAME"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["categories"], d["villages"], d["priority"] = (
            list(self.categories), list(self.villages), list(self.priority))
        return d


@dataclass
class ProgrammeInput:
    name: str
    fund_id: str
    kind: str = "cash"
    amount_fen: int = 0  # per person: the cash, or the goods pack's value
    goods: str = ""  # the goods pack, e.g. 大米 10 公斤、食用油 1 桶
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget_fen: int | None = None
    note: str = ""
    rules: Rules = field(default_factory=Rules)


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    fund_id: str
    fund_name: str
    status: str
    kind: str
    amount_fen: int
    goods: str
    starts_on: str | None
    ends_on: str | None
    budget_fen: int | None
    note: str
    rules: Rules

    @property
    def per_person(self) -> str:
        """What one person receives, in words: ¥500.00, or 大米 10 公斤（价值 ¥80.00）."""
        if self.kind == "cash":
            return f"¥{format_fen(self.amount_fen)}"
        value = f"（价值 ¥{format_fen(self.amount_fen)}）" if self.amount_fen else ""
        return f"{self.goods}{value}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rules"] = self.rules.to_dict()
        d["rules_text"] = describe_rules(self.rules)
        return d


def priority_name(key: str) -> str:
    if key.startswith("category:"):
        return f"{key.split(':', 1)[1]}优先"
    return PRIORITIES.get(key, key)


def describe_rules(rules: Rules) -> list[str]:
    """The rules in words, one line each, as the programme screen and the CLI show them."""
    out = []
    if rules.categories:
        out.append("人员类别：" + "、".join(rules.categories) + "（任一）")
    if rules.min_age is not None and rules.max_age is not None:
        out.append(f"年龄：{rules.min_age}–{rules.max_age} 周岁（按发放日期）")
    elif rules.min_age is not None:
        out.append(f"年龄：{rules.min_age} 周岁及以上（按发放日期）")
    elif rules.max_age is not None:
        out.append(f"年龄：{rules.max_age} 周岁及以下（按发放日期）")
    if rules.villages:
        out.append("村/社区：" + "、".join(rules.villages))
    if rules.active_only:
        out.append("发放日期仍在册")
    if rules.one_per_household:
        out.append("每户限一人")
    if rules.not_aided_since is not None:
        out.append(f"{rules.not_aided_since} 年以来受助过本项目的不再发放")
    if rules.not_aided_months is not None:
        out.append(f"{rules.not_aided_months} 个月内受助过本项目的不再发放")
    if rules.priority:
        out.append("优先顺序：" + "，".join(priority_name(k) for k in rules.priority))
    return out


def _names(values: Any) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or ():
        v = "".join(str(v).split())
        if v and v not in out:
            out.append(v)
    return tuple(out)


def clean_rules(rules: Rules) -> Rules:
    """Normalise the rules and refuse impossible ones, naming the rule."""
    r = replace(rules, categories=_names(rules.categories), villages=_names(rules.villages))
    for label, age in (("最低年龄", r.min_age), ("最高年龄", r.max_age)):
        if age is not None and not 0 <= age <= MAX_AGE:
            raise InputError("bad_age", f"{label}应在 0–{MAX_AGE} 周岁之间：{age}", field="age")
    if r.min_age is not None and r.max_age is not None and r.min_age > r.max_age:
        raise InputError("bad_age_range", f"最低年龄 {r.min_age} 大于最高年龄 {r.max_age}", field="age")
    if r.not_aided_since is not None and not 1990 <= r.not_aided_since <= 2100:
        raise InputError("bad_year", f"“不重复受助”的起始年份不合理：{r.not_aided_since}",
                         field="not_aided_since")
    if r.not_aided_months is not None and not 1 <= r.not_aided_months <= 600:
        raise InputError("bad_months", f"“不重复受助”的月数应为 1–600：{r.not_aided_months}",
                         field="not_aided_months")
    prio: list[str] = []
    for key in r.priority:
        key = key.strip()
        if key.startswith("category:"):
            key = "category:" + "".join(key.split(":", 1)[1].split())
            if key == "category:":
                raise InputError("bad_priority", "优先顺序中的人员类别是空的", field="priority")
        elif key not in PRIORITIES:
            raise InputError("bad_priority",
                             f"优先顺序应为 {'、'.join(PRIORITIES)} 或 category:类别 之一：{key}",
                             field="priority")
        if key not in prio:
            prio.append(key)
    return replace(r, priority=tuple(prio))


def clean(db: Database, data: ProgrammeInput) -> ProgrammeInput:
    name = " ".join((data.name or "").split())
    if not name:
        raise InputError("empty_programme_name", "请填写项目名称", field="name")
    if data.kind not in KINDS:
        raise InputError("bad_kind", f"项目类型应为 现金（cash）或 物资（goods）：{data.kind}", field="kind")
    fund = funds.get_fund(db, data.fund_id)
    if fund.status != "active":
        raise InputError("fund_closed", f"基金“{fund.name}”已关闭，不能再用于发放", field="fund_id")
    goods = (data.goods or "").strip()
    if data.amount_fen < 0:
        raise InputError("negative", "每人金额不能为负数", field="amount_fen")
    if data.kind == "cash":
        if data.amount_fen <= 0:
            raise InputError("zero_amount", "现金项目请填写每人发放金额", field="amount_fen")
        goods = ""
    elif not goods:
        raise InputError("empty_goods", "物资项目请填写每人发放的物资（如 大米 10 公斤、食用油 1 桶）",
                         field="goods")
    if data.budget_fen is not None and data.budget_fen < 0:
        raise InputError("negative", "预算不能为负数", field="budget_fen")
    if data.starts_on and data.ends_on and data.starts_on > data.ends_on:
        raise InputError("bad_period", f"项目开始日期 {data.starts_on} 晚于结束日期 {data.ends_on}",
                         field="ends_on")
    return replace(data, name=name, goods=goods, note=(data.note or "").strip(),
                   rules=clean_rules(data.rules))


_COLS = ("name", "fund_id", "kind", "amount_fen", "goods", "starts_on", "ends_on", "budget_fen",
         "note", "rule_categories", "rule_min_age", "rule_max_age", "rule_villages", "rule_active_only",
         "rule_one_per_household", "rule_not_aided_since", "rule_not_aided_months", "priority")


def _values(d: ProgrammeInput) -> tuple[Any, ...]:
    r = d.rules
    return (d.name, d.fund_id, d.kind, d.amount_fen, d.goods,
            d.starts_on.isoformat() if d.starts_on else None,
            d.ends_on.isoformat() if d.ends_on else None, d.budget_fen, d.note,
            json.dumps(list(r.categories), ensure_ascii=False), r.min_age, r.max_age,
            json.dumps(list(r.villages), ensure_ascii=False), int(r.active_only),
            int(r.one_per_household), r.not_aided_since, r.not_aided_months,
            json.dumps(list(r.priority), ensure_ascii=False))


def create_programme(db: Database, actor: Operator, data: ProgrammeInput) -> Programme:
    """Set up a programme (administrators: the station manager sets programmes up)."""
    require_admin(actor, "建立救助项目")
    d = clean(db, data)
    with db.transaction() as c:
        if c.execute("SELECT 1 FROM programmes WHERE name = ?", (d.name,)).fetchone():
            raise Conflict("duplicate_programme", f"已经有名为“{d.name}”的救助项目", field="name")
        pid, at = new_id(), now_iso()
        c.execute(f"INSERT INTO programmes(id, {', '.join(_COLS)}, created_at, created_by, updated_at,"
                  f" updated_by) VALUES (?, {', '.join('?' for _ in _COLS)}, ?, ?, ?, ?)",
                  (pid, *_values(d), at, actor.id, at, actor.id))
        prog = get_programme(db, pid)
        audit.record(c, actor, "create", "programmes", pid, None, prog.to_dict())
    return prog


def update_programme(db: Database, actor: Operator, programme_id: str, data: ProgrammeInput) -> Programme:
    """Replace a programme's settings; distributions already confirmed keep what they paid."""
    require_admin(actor, "修改救助项目")
    d = clean(db, data)
    with db.transaction() as c:
        before = get_programme(db, programme_id)
        if c.execute("SELECT 1 FROM programmes WHERE name = ? AND id != ?", (d.name, programme_id)).fetchone():
            raise Conflict("duplicate_programme", f"已经有名为“{d.name}”的救助项目", field="name")
        if d.fund_id != before.fund_id:
            directed = c.execute(
                "SELECT count(*) FROM donations WHERE programme_id = ? AND fund_id = ? AND status = 'active'",
                (programme_id, before.fund_id)).fetchone()[0]
            if directed:
                raise Conflict("fund_has_directed_money",
                               f"已有 {directed} 笔捐赠定向给“{before.name}”，存在基金“{before.fund_name}”中，"
                               "不能更换这个项目的基金", field="fund_id")
        c.execute(f"UPDATE programmes SET {', '.join(f'{k} = ?' for k in _COLS)}, updated_at = ?,"
                  " updated_by = ? WHERE id = ?", (*_values(d), now_iso(), actor.id, programme_id))
        after = get_programme(db, programme_id)
        audit.record(c, actor, "update", "programmes", programme_id, before.to_dict(), after.to_dict())
    return after


def set_status(db: Database, actor: Operator, programme_id: str, status: str) -> Programme:
    """Close a programme (no new distributions) or reopen it; nothing is deleted."""
    require_admin(actor, "结束或恢复救助项目")
    if status not in STATUS_NAMES:
        raise InputError("bad_status", f"项目状态应为 active 或 closed：{status}")
    with db.transaction() as c:
        before = get_programme(db, programme_id)
        if before.status == status:
            return before
        c.execute("UPDATE programmes SET status = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                  (status, now_iso(), actor.id, programme_id))
        after = get_programme(db, programme_id)
        audit.record(c, actor, "close" if status == "closed" else "reopen", "programmes", programme_id,
                     before.to_dict(), after.to_dict())
    return after


_SELECT = ("SELECT p.*, f.name AS fund_name FROM programmes p JOIN funds f ON f.id = p.fund_id")


def _programme(row: Any) -> Programme:
    rules = Rules(
        categories=tuple(json.loads(row["rule_categories"])), min_age=row["rule_min_age"],
        max_age=row["rule_max_age"], villages=tuple(json.loads(row["rule_villages"])),
        active_only=bool(row["rule_active_only"]), one_per_household=bool(row["rule_one_per_household"]),
        not_aided_since=row["rule_not_aided_since"], not_aided_months=row["rule_not_aided_months"],
        priority=tuple(json.loads(row["priority"])),
    )
    return Programme(row["id"], row["name"], row["fund_id"], row["fund_name"], row["status"], row["kind"],
                     row["amount_fen"], row["goods"], row["starts_on"], row["ends_on"], row["budget_fen"],
                     row["note"], rules)


def get_programme(db: Database, programme_id: str) -> Programme:
    row = db.one(_SELECT + " WHERE p.id = ?", (programme_id,))
    if row is None:
        raise NotFound("no_programme", "没有这个救助项目")
    return _programme(row)


def find_programme(db: Database, name: str) -> Programme:
    row = db.one(_SELECT + " WHERE p.name = ?", (" ".join((name or "").split()),))
    if row is None:
        names = "、".join(r[0] for r in db.query("SELECT name FROM programmes ORDER BY name"))
        raise NotFound("no_programme", f"没有名为“{name}”的救助项目（现有：{names or '无'}）", name=name)
    return _programme(row)


def list_programmes(db: Database, *, include_closed: bool = False) -> list[Programme]:
    where = "" if include_closed else " WHERE p.status = 'active'"
    return [_programme(r) for r in db.query(_SELECT + where + " ORDER BY p.status, p.name")]


def spent_fen(db: Database, programme_id: str) -> int:
    """Money this programme has paid out and not taken back (for the budget)."""
    return int(db.scalar(
        "SELECT coalesce(sum(b.amount_fen), 0) FROM distributions d"
        " JOIN disbursements b ON b.distribution_id = d.id"
        " WHERE d.programme_id = ? AND d.status = 'confirmed' AND d.origin = 'desk'"
        " AND b.status IN ('pending', 'signed', 'paid', 'proxy')", (programme_id,)))
