"""Who a programme reaches on a given day, and why: the candidate list of a distribution.

`plan()` judges every registered person against the programme's rules on the
distribution's DATE — age in completed years on that day, registered on that day
(a person who died after a back-dated distribution was still alive for it), not
aided by this programme in the window before that day — whenever the person was
registered. Each candidate carries the reasons they are in or out, in Chinese, and
short codes for screens and tests. Hand-made additions and removals (with reasons)
come from the draft. It then checks the total against the fund's balance now
(less money that donors directed to other programmes) and the programme's budget,
and, only when asked, fits the list to the budget by the programme's priority order.

Nothing here writes: confirming is `app.programmes.distributions.confirm`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from app.db import Database
from app.errors import Conflict, InputError
from app.funds import funds, journal
from app.programmes.programmes import DISABLED_CATEGORIES, Programme, get_programme, spent_fen
from app.recipients import flags as township_flags
from app.recipients.recipients import STATUS_NAMES
from app.rules.idcard import age_on
from app.rules.money import format_fen

#: Line statuses under which the money has left the fund (and the person counts as aided).
MONEY_STATUSES = ("pending", "signed", "paid", "proxy")
_MONEY_SQL = "('pending', 'signed', 'paid', 'proxy')"

# Reason codes, one per rule; a candidate out for several rules carries them all.
IN_RULES = "rules"
IN_MANUAL = "manual_add"
OUT_STATUS = "status"
OUT_CATEGORY = "category"
OUT_NO_BIRTH = "no_birth_date"
OUT_UNBORN = "unborn"
OUT_TOO_YOUNG = "too_young"
OUT_TOO_OLD = "too_old"
OUT_VILLAGE = "village"
OUT_AIDED = "aided"
OUT_HOUSEHOLD = "household"
OUT_BUDGET = "budget"
OUT_MANUAL = "manual_remove"

#: Short words for each code (counts in previews and on the command line).
OUT_WORDS = {
    OUT_STATUS: "已注销", OUT_UNBORN: "尚未出生", OUT_CATEGORY: "类别不符", OUT_NO_BIRTH: "无出生日期",
    OUT_TOO_YOUNG: "年龄不够", OUT_TOO_OLD: "超过年龄", OUT_VILLAGE: "不在所列村", OUT_AIDED: "已受助过",
    OUT_HOUSEHOLD: "同户已有人", OUT_BUDGET: "超出预算", OUT_MANUAL: "人工移除",
}

class FundShortfall(Conflict):
    """Confirming would overdraw the fund."""


class DirectedMoney(Conflict):
    """The fund has the money only if money directed to another programme were spent."""


class OverBudget(Conflict):
    """Confirming would take the programme past its budget."""


class Candidate(NamedTuple):
    """One person on the candidate list, in or out, and why (a tuple: 100,000 of them are cheap)."""

    recipient_id: str
    name: str
    id_number: str
    village: str
    village_group: str
    categories: tuple[str, ...]
    age: int | None
    household_id: str | None
    included: bool
    amount_fen: int
    reasons: tuple[str, ...]  # in words: why in, or every reason why out
    codes: tuple[str, ...]  # IN_* / OUT_* codes, same order
    by_hand: bool = False
    note: str = ""  # a warning that does not change the decision (aided after this date)

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self._asdict().items()}


@dataclass(frozen=True)
class FundCheck:
    """A fund's money now, as far as one programme may spend it."""

    fund_id: str
    fund_name: str
    fund_kind: str
    balance_fen: int
    reserved_fen: int  # directed to other programmes and not yet spent by them
    reserved_for: tuple[tuple[str, int], ...]  # (what it is kept for, fen)
    available_fen: int
    goods_fen: int = 0  # goods value a goods programme may hand out


    def to_dict(self) -> dict[str, Any]:
        return {"fund_id": self.fund_id, "fund": self.fund_name, "fund_kind": self.fund_kind,
                "balance_fen": self.balance_fen, "reserved_fen": self.reserved_fen,
                "reserved_for": [{"programme": n, "fen": f} for n, f in self.reserved_for],
                "available_fen": self.available_fen, "goods_fen": self.goods_fen}


@dataclass(frozen=True)
class Problem:
    """Why confirming would be refused; `error()` is the typed error confirm raises."""

    code: str  # overdraw, directed, over_budget, empty, closed
    message: str
    facts: dict[str, Any] = field(default_factory=dict)

    def error(self) -> Conflict:
        cls = {"overdraw": FundShortfall, "directed": DirectedMoney, "over_budget": OverBudget}.get(
            self.code, Conflict)
        return cls(self.code, self.message, **self.facts)


@dataclass(frozen=True)
class Plan:
    """A candidate list. `included` comes with every detail; the people left out (often most of
    the register) are kept as ids and rule flags and explained on request (`explain_excluded`),
    so the list over 100,000 people stays under a second."""

    programme: Programme
    on: dt.date
    included: list[Candidate]  # in sheet order: village, group, name
    total_fen: int
    fund: FundCheck
    budget_fen: int | None
    budget_spent_fen: int
    fit_budget: bool
    fit_limit_fen: int | None  # the limit used when fitting
    problems: list[Problem]
    out: list[_Out] = field(default_factory=list, repr=False)  # see explain_excluded

    @property
    def people(self) -> int:
        return len(self.included)

    @property
    def budget_left_fen(self) -> int | None:
        return None if self.budget_fen is None else self.budget_fen - self.budget_spent_fen

    @property
    def excluded_count(self) -> int:
        return len(self.out)

    @property
    def trimmed(self) -> int:
        """People the rules let in but fitting to the budget left out."""
        return sum(1 for o in self.out if o.kind == OUT_BUDGET)

    @property
    def ok(self) -> bool:
        return not self.problems

    def excluded_ids(self) -> list[str]:
        return [o.row[0] for o in self.out]

    def excluded_by(self) -> dict[str, int]:
        """How many people each rule kept out (a person out for two rules counts under both)."""
        counts: dict[str, int] = defaultdict(int)
        for o in self.out:
            for code in o.codes():
                counts[code] += 1
        return dict(counts)

    def summary(self) -> dict[str, Any]:
        """The figures a preview shows (no candidate lists)."""
        return {
            "programme": self.programme.name, "programme_id": self.programme.id,
            "date": self.on.isoformat(), "people": self.people, "total_fen": self.total_fen,
            "total_yuan": format_fen(self.total_fen), "excluded": self.excluded_count,
            "excluded_by": self.excluded_by(), "trimmed": self.trimmed, "fit_budget": self.fit_budget,
            "fit_limit_fen": self.fit_limit_fen, "fund": self.fund.to_dict(), "budget_fen": self.budget_fen,
            "budget_spent_fen": self.budget_spent_fen, "budget_left_fen": self.budget_left_fen,
            "ok": self.ok, "problems": [{"reason": p.code, "message": p.message} for p in self.problems],
        }


# ---------- the fund ----------
def fund_check(db: Database, fund_id: str, programme_id: str) -> FundCheck:
    """The fund's money now, less what is reserved for other purposes (another programme, a named
    person, a village). A goods programme may also hand out the goods the fund holds; a cash
    programme never counts goods as money."""
    fund = funds.get_fund(db, fund_id)
    usable = set(programme_matches(programme_id))
    reserved = tuple(sorted(((journal.reserve_name(db, k), v) for k, v in journal.reserves(db, fund_id).items()
                             if k not in usable and v > 0), key=lambda kv: kv[0]))
    held = sum(f for _, f in reserved)
    goods = max(0, fund.goods_fen) if get_programme(db, programme_id).kind == "goods" else 0
    return FundCheck(fund.id, fund.name, fund.kind, fund.balance_fen, held, reserved,
                     fund.balance_fen - held + goods, goods)


def programme_matches(programme_id: str) -> list[str]:
    """The reserves a programme's aid may draw on before free money: its own, then a directed fund's."""
    return [journal.programme_key(programme_id), "fund"]


def problems_for(prog: Programme, people: int, total_fen: int, fund: FundCheck,
                 budget_left: int | None) -> list[Problem]:
    """What confirming `total_fen` for `people` would break; empty when it may go ahead."""
    out: list[Problem] = []
    if prog.status != "active":
        out.append(Problem("closed", f"救助项目“{prog.name}”已结束，不能再发放"))
    if people == 0:
        out.append(Problem("empty", "名单上没有人，无法确认发放"))
    need = format_fen(total_fen)
    if total_fen > fund.balance_fen + fund.goods_fen:
        short = total_fen - fund.balance_fen - fund.goods_fen
        has = f"余额 ¥{format_fen(fund.balance_fen)}" + (
            f"（另有可发物资折价 ¥{format_fen(fund.goods_fen)}）" if fund.goods_fen else "")
        out.append(Problem(
            "overdraw",
            f"基金“{fund.fund_name}”{has}，本次发放 {people} 人共需 ¥{need}，"
            f"还差 ¥{format_fen(short)}。基金不能透支：请减少人数，或选择按优先顺序控制在预算内。",
            {"fund": fund.fund_name, "balance_fen": fund.balance_fen, "needed_fen": total_fen,
             "short_fen": short}))
    elif total_fen > fund.available_fen:
        top = sorted(fund.reserved_for, key=lambda nf: -nf[1])
        names = "、".join(f"“{n}”¥{format_fen(f)}" for n, f in top[:3]) + (
            f" 等 {len(top)} 项" if len(top) > 3 else "")
        out.append(Problem(
            "directed",
            f"基金“{fund.fund_name}”余额 ¥{format_fen(fund.balance_fen)}，其中 ¥{format_fen(fund.reserved_fen)} "
            f"是捐赠人定向用于其他用途的（{names}），不能用于“{prog.name}”。本项目可用 "
            f"¥{format_fen(max(0, fund.available_fen))}，本次需要 ¥{need}。",
            {"fund": fund.fund_name, "available_fen": fund.available_fen, "needed_fen": total_fen,
             "reserved_for": [n for n, _ in fund.reserved_for]}))
    if budget_left is not None and total_fen > budget_left:
        out.append(Problem(
            "over_budget",
            f"“{prog.name}”预算还剩 ¥{format_fen(max(0, budget_left))}，本次需要 ¥{need}，"
            f"超出 ¥{format_fen(total_fen - max(0, budget_left))}。请减少人数、选择按优先顺序控制在预算内，"
            "或由管理员调整预算。",
            {"budget_left_fen": budget_left, "needed_fen": total_fen}))
    return out


# ---------- the candidate list ----------
@dataclass(frozen=True)
class Adjustment:
    recipient_id: str
    action: str  # add / remove
    reason: str
    amount_fen: int | None = None


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


def _window_words(prog: Programme, on: dt.date, last: str) -> str:
    """Why an aid on `last` keeps someone out under the not-again rules."""
    r = prog.rules
    if r.not_aided_since is not None and last >= f"{r.not_aided_since:04d}-01-01":
        return f"{last[:4]} 年已受助（{last}）"
    if r.not_aided_months is not None and last != on.isoformat():
        return f"{r.not_aided_months} 个月内已受助（{last}）"
    return f"当天已在本项目受助（{last}）"


_DISABLED = frozenset(DISABLED_CATEGORIES)

# Bits of the `flags` column: one per rule that keeps a person out.
_F_STATUS, _F_UNBORN, _F_CATEGORY, _F_NO_BIRTH, _F_YOUNG, _F_OLD, _F_VILLAGE, _F_AIDED = (
    1, 2, 4, 8, 16, 32, 64, 128)
_FLAG_CODES = ((_F_STATUS, OUT_STATUS), (_F_UNBORN, OUT_UNBORN), (_F_CATEGORY, OUT_CATEGORY),
               (_F_NO_BIRTH, OUT_NO_BIRTH), (_F_YOUNG, OUT_TOO_YOUNG), (_F_OLD, OUT_TOO_OLD),
               (_F_VILLAGE, OUT_VILLAGE), (_F_AIDED, OUT_AIDED))
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


def _rule_reasons(row: Any, prog: Programme, on: dt.date) -> tuple[list[str], list[str]]:
    """Every rule that keeps this person out, in words and codes."""
    r, flags = prog.rules, row[_FLAGS]
    words: list[str] = []
    codes: list[str] = []
    age = _age(row, on)
    for bit, code in _FLAG_CODES:
        if not flags & bit:
            continue
        codes.append(code)
        if bit == _F_STATUS:
            when = f"，{row[_CLOSED_ON]}" if row[_CLOSED_ON] else ""
            words.append(f"已注销（{row[_CLOSED_REASON] or STATUS_NAMES.get(row[_STATUS], row[_STATUS])}{when}）")
        elif bit == _F_UNBORN:
            words.append(f"发放日期时尚未出生（{row[_BIRTH]} 出生）")
        elif bit == _F_CATEGORY:
            words.append(f"不属于{'、'.join(r.categories)}")
        elif bit == _F_NO_BIRTH:
            words.append("没有出生日期，无法判断年龄")
        elif bit == _F_YOUNG:
            words.append(f"年龄 {age} 周岁，不满 {r.min_age}")
        elif bit == _F_OLD:
            words.append(f"年龄 {age} 周岁，超过 {r.max_age}")
        elif bit == _F_VILLAGE:
            words.append(f"不在{'、'.join(r.villages)}（{row[_VILLAGE] or '未填村'}）")
        elif bit == _F_AIDED:
            words.append(_window_words(prog, on, row[_LAST_AID]))
    return words, codes


def _later_note(row: Any) -> str:
    return f"注意：{row[_LATER_AID]} 也受助过本项目（晚于本次日期）" if row[_LATER_AID] else ""


@dataclass(frozen=True, slots=True)
class _Out:
    """Someone out of the list, explained only when asked (`explain_excluded`)."""

    row: tuple[Any, ...]  # compact (id, flags, last aid, later aid, household), or a full row
    kind: str  # "rules", OUT_MANUAL, OUT_HOUSEHOLD or OUT_BUDGET
    words: str = ""  # the manual reason, the household member, the budget limit

    @property
    def flags(self) -> int:
        return int(self.row[1] if len(self.row) == _COMPACT else self.row[_FLAGS])

    def codes(self) -> list[str]:
        rule_codes = [code for bit, code in _FLAG_CODES if self.flags & bit]
        if self.kind == "rules":
            return rule_codes
        if self.kind == OUT_MANUAL:
            return [OUT_MANUAL, *rule_codes]
        return [self.kind]

    def candidate(self, row: tuple[Any, ...], prog: Programme, on: dt.date) -> Candidate:
        if self.kind == "rules":
            words, codes = _rule_reasons(row, prog, on)
        elif self.kind == OUT_MANUAL:
            words, codes = _rule_reasons(row, prog, on)
            words, codes = [f"人工移除：{self.words}", *words], [OUT_MANUAL, *codes]
        else:
            words, codes = [self.words], [self.kind]
        return Candidate(row[_ID], row[_NAME], row[_IDNO] or "", row[_VILLAGE], row[_GROUP], _cats(row),
                         _age(row, on), row[_HOUSEHOLD], False, 0, tuple(words), tuple(codes), False,
                         _later_note(row))


def explain_excluded(db: Database, plan_: Plan, recipient_ids: Iterable[str] | None = None) -> list[Candidate]:
    """The people a plan leaves out, each with every reason, in sheet order (all, or just these ids).

    Reads their details with `db` (the caller's connection), so a screen can explain a page at a time.
    """
    wanted = None if recipient_ids is None else set(recipient_ids)
    outs = [o for o in plan_.out if wanted is None or o.row[0] in wanted]
    compact = [o.row for o in outs if len(o.row) == _COMPACT]
    full = {r[_ID]: r for r in _details(db, [tuple(c) for c in compact])}
    pairs = [(o, o.row if len(o.row) != _COMPACT else full[o.row[0]]) for o in outs]
    pairs.sort(key=lambda pair: _sheet_order(pair[1]))
    return [o.candidate(row, plan_.programme, plan_.on) for o, row in pairs]


def _in_words(row: Any, prog: Programme, age: int | None, cats: tuple[str, ...]) -> str:
    want = prog.rules.categories
    bits = [c for c in cats if c in want] if want else list(cats[:2])
    if age is not None:
        bits.append(f"{age} 周岁")
    if prog.rules.villages:
        bits.append(row[_VILLAGE])
    return "符合条件" + (f"：{'，'.join(bits)}" if bits else "")


def _priority_key(keys: tuple[str, ...]) -> Any:
    def key(item: tuple[Any, bool]) -> tuple[Any, ...]:
        row, by_hand = item
        cats = _cats(row)
        out: list[Any] = [0 if by_hand else 1]
        birth = row[_BIRTH]
        for k in keys:
            if k == "oldest":
                out.append(birth or "9999")
            elif k == "youngest":
                out.append(-dt.date.fromisoformat(birth).toordinal() if birth else 0)
            elif k == "disabled":
                out.append(1 if _DISABLED.isdisjoint(cats) else 0)
            elif k == "household_head":
                out.append(0 if row[_HEAD] else 1)
            elif k == "registered":
                out.append(row[_CREATED])
            elif k.startswith("category:"):
                out.append(0 if k[9:] in cats else 1)
        out += [row[_CREATED], row[_ID]]
        return tuple(out)

    return key


def _household_aided(db: Database, rows: list[tuple[Any, ...]], picked: list[tuple[Any, ...]],
                     adj: dict[str, Adjustment], out: list[_Out]) -> list[tuple[Any, ...]]:
    """One per household across the not-again window too: a household already aided has had its share."""
    aided: dict[str, tuple[str, str]] = {}  # household → (latest aid, who)
    for rid, flags, last, _, hid in rows:
        if hid is not None and flags & _F_AIDED and (hid not in aided or last > aided[hid][0]):
            aided[hid] = (last, rid)
    if not aided:
        return picked
    keep = []
    hit = [r for r in picked if r[4] in aided and r[0] not in adj]
    who: dict[str, str] = {row[0]: row[1] for row in db.query(
        "SELECT id, name FROM recipients WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps([aided[r[4]][1] for r in hit]),))} if hit else {}
    for r in picked:
        if r[4] in aided and r[0] not in adj:
            last, rid = aided[r[4]]
            out.append(_Out(r, OUT_HOUSEHOLD, f"同户的 {who.get(rid, '')} 已受助（{last}）"))
        else:
            keep.append(r)
    return keep


def _with_township_flags(db: Database, included: list[Candidate]) -> list[Candidate]:
    """The township's return-file flags (已在 XX 站领取 …) as a note: shown, never a reason to leave out."""
    marked = township_flags.active_flags(db)
    if not marked:
        return included
    return [c._replace(note="；".join(x for x in (c.note, *(f.text for f in marked[c.recipient_id])) if x))
            if c.recipient_id in marked else c for c in included]


def plan(db: Database, programme_id: str, on: dt.date, *, fit_budget: bool = False,
         adjustments: Iterable[Adjustment] = (), distribution_id: str | None = None) -> Plan:
    """The candidate list for `programme_id` on `on`, with reasons, totals and what confirm would refuse."""
    prog = get_programme(db, programme_id)
    check_date(prog, on)
    adj = {a.recipient_id: a for a in adjustments}
    category_ids = [r[0] for r in db.query(
        f"SELECT id FROM categories WHERE name IN ({', '.join('?' for _ in prog.rules.categories)})",
        prog.rules.categories)] if prog.rules.categories else []
    sql, params = _flags_query(prog, on, distribution_id, category_ids)
    picked: list[tuple[Any, ...]] = []
    out: list[_Out] = []
    rows = list(db.tuples(sql, params))  # plain tuples: this loop meets every registered person
    for row in rows:
        a = adj.get(row[0])
        if a is None:
            if row[1]:
                out.append(_Out(row, "rules"))
            else:
                picked.append(row)
        elif a.action == "add":
            picked.append(row)
        else:
            out.append(_Out(row, OUT_MANUAL, a.reason))

    if prog.rules.one_per_household and _window_start(prog, on) is not None:
        picked = _household_aided(db, rows, picked, adj, out)

    def by_hand(row: tuple[Any, ...]) -> bool:
        a = adj.get(row[_ID])
        return a is not None and a.action == "add"

    chosen = [(r, by_hand(r)) for r in _details(db, picked)]
    if prog.rules.one_per_household or fit_budget:  # the order only matters when someone may lose out
        chosen.sort(key=_priority_key(prog.rules.priority))
    if prog.rules.one_per_household:
        first: dict[str, str] = {}
        kept = []
        for row, hand in chosen:  # people added by hand are extra: they neither take nor lose the place
            h = row[_HOUSEHOLD]
            if h is not None and not hand:
                if h in first:
                    out.append(_Out(row, OUT_HOUSEHOLD, f"同户已有 {first[h]}"))
                    continue
                first[h] = row[_NAME]
            kept.append((row, hand))
        chosen = kept

    def amount(row: tuple[Any, ...], hand: bool) -> int:
        a = adj.get(row[_ID]) if hand else None
        return a.amount_fen if a is not None and a.amount_fen is not None else prog.amount_fen

    fund = fund_check(db, prog.fund_id, prog.id)
    spent = spent_fen(db, prog.id)
    budget_left = None if prog.budget_fen is None else prog.budget_fen - spent
    limit: int | None = None
    if fit_budget:
        limit = max(0, fund.available_fen if budget_left is None else min(budget_left, fund.available_fen))
        total, full, kept = 0, False, []
        for row, hand in chosen:
            fen = amount(row, hand)
            if not hand and (full or total + fen > limit):
                full = True
                out.append(_Out(row, OUT_BUDGET, f"超出可用金额 ¥{format_fen(limit)}，按优先顺序未列入"))
            else:
                total += fen
                kept.append((row, hand))
        chosen = kept

    included = []
    ages: dict[str, int | None] = {}
    for row, hand in sorted(chosen, key=lambda item: _sheet_order(item[0])):
        cats = _cats(row)
        birth = row[_BIRTH]
        age = ages.get(birth, -1)
        if age == -1:
            age = ages[birth] = _age(row, on)
        if hand:
            rule_words, _ = _rule_reasons(row, prog, on)
            why = f"人工添加：{adj[row[_ID]].reason}" + (
                f"（按规则本不符合：{'；'.join(rule_words)}）" if rule_words else "")
            code = IN_MANUAL
        else:
            why, code = _in_words(row, prog, age, cats), IN_RULES
        included.append(Candidate(row[_ID], row[_NAME], row[_IDNO] or "", row[_VILLAGE], row[_GROUP], cats, age,
                                  row[_HOUSEHOLD], True, amount(row, hand), (why,), (code,), hand,
                                  _later_note(row)))
    included = _with_township_flags(db, included)
    total_fen = sum(c.amount_fen for c in included)
    return Plan(prog, on, included, total_fen, fund, prog.budget_fen, spent, fit_budget, limit,
                problems_for(prog, len(included), total_fen, fund, budget_left), out)
