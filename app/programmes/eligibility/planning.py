"""The candidate list of a distribution: who is in on the day, who is out and why, and the totals."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.db import Database
from app.programmes.eligibility.checks import FundCheck, Problem, fund_check, problems_for
from app.programmes.eligibility.query import (
    _BIRTH,
    _CREATED,
    _DISABLED,
    _F_AIDED,
    _GROUP,
    _HEAD,
    _HOUSEHOLD,
    _ID,
    _IDNO,
    _NAME,
    _VILLAGE,
    _age,
    _cats,
    _details,
    _flags_query,
    _sheet_order,
    _window_start,
    check_date,
)
from app.programmes.eligibility.reasons import (
    IN_MANUAL,
    IN_RULES,
    OUT_BUDGET,
    OUT_HOUSEHOLD,
    OUT_MANUAL,
    Candidate,
    _in_words,
    _later_note,
    _Out,
    _rule_reasons,
)
from app.programmes.programmes import Programme, get_programme, spent_fen
from app.recipients import flags as township_flags
from app.rules.money import format_fen


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


@dataclass(frozen=True)
class Adjustment:
    recipient_id: str
    action: str  # add / remove
    reason: str
    amount_fen: int | None = None



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


Chosen = list[tuple[tuple[Any, ...], bool]]  # (full row, added by hand)


def _by_rules(rows: list[tuple[Any, ...]], adj: dict[str, Adjustment], out: list[_Out]) -> list[tuple[Any, ...]]:
    """The compact rows the rules and hand-made changes let in; the rest go to `out`."""
    picked: list[tuple[Any, ...]] = []
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
    return picked


def _one_per_household(chosen: Chosen, out: list[_Out]) -> Chosen:
    """The first of each household in priority order; people added by hand are extra: they neither
    take nor lose the place."""
    first: dict[str, str] = {}
    kept = []
    for row, hand in chosen:
        h = row[_HOUSEHOLD]
        if h is not None and not hand:
            if h in first:
                out.append(_Out(row, OUT_HOUSEHOLD, f"同户已有 {first[h]}"))
                continue
            first[h] = row[_NAME]
        kept.append((row, hand))
    return kept


def _fit(chosen: Chosen, limit: int, amount: Callable[[tuple[Any, ...], bool], int], out: list[_Out]) -> Chosen:
    """The people, in priority order, until the money runs out; people added by hand always stay."""
    total, full, kept = 0, False, []
    for row, hand in chosen:
        fen = amount(row, hand)
        if not hand and (full or total + fen > limit):
            full = True
            out.append(_Out(row, OUT_BUDGET, f"超出可用金额 ¥{format_fen(limit)}，按优先顺序未列入"))
        else:
            total += fen
            kept.append((row, hand))
    return kept


def _included(chosen: Chosen, prog: Programme, on: dt.date, adj: dict[str, Adjustment],
              amount: Callable[[tuple[Any, ...], bool], int]) -> list[Candidate]:
    """The people on the list, in sheet order, each with why they are in."""
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
    return included


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
    out: list[_Out] = []
    rows = list(db.tuples(sql, params))  # plain tuples: this step meets every registered person
    picked = _by_rules(rows, adj, out)
    if prog.rules.one_per_household and _window_start(prog, on) is not None:
        picked = _household_aided(db, rows, picked, adj, out)

    def by_hand(row: tuple[Any, ...]) -> bool:
        a = adj.get(row[_ID])
        return a is not None and a.action == "add"

    def amount(row: tuple[Any, ...], hand: bool) -> int:
        a = adj.get(row[_ID]) if hand else None
        return a.amount_fen if a is not None and a.amount_fen is not None else prog.amount_fen

    chosen = [(r, by_hand(r)) for r in _details(db, picked)]
    if prog.rules.one_per_household or fit_budget:  # the order only matters when someone may lose out
        chosen.sort(key=_priority_key(prog.rules.priority))
    if prog.rules.one_per_household:
        chosen = _one_per_household(chosen, out)
    fund = fund_check(db, prog.fund_id, prog.id)
    spent = spent_fen(db, prog.id)
    budget_left = None if prog.budget_fen is None else prog.budget_fen - spent
    limit: int | None = None
    if fit_budget:
        limit = max(0, fund.available_fen if budget_left is None else min(budget_left, fund.available_fen))
        chosen = _fit(chosen, limit, amount, out)
    included = _with_township_flags(db, _included(chosen, prog, on, adj, amount))
    total_fen = sum(c.amount_fen for c in included)
    return Plan(prog, on, included, total_fen, fund, prog.budget_fen, spent, fit_budget, limit,
                problems_for(prog, len(included), total_fen, fund, budget_left), out)
