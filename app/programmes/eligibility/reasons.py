"""Why a person is in or out of a candidate list, in Chinese words and short codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from app.db import Database
from app.programmes.eligibility.query import (
    _BIRTH,
    _CLOSED_ON,
    _CLOSED_REASON,
    _COMPACT,
    _F_AIDED,
    _F_CATEGORY,
    _F_NO_BIRTH,
    _F_OLD,
    _F_STATUS,
    _F_UNBORN,
    _F_VILLAGE,
    _F_YOUNG,
    _FLAGS,
    _GROUP,
    _HOUSEHOLD,
    _ID,
    _IDNO,
    _LAST_AID,
    _LATER_AID,
    _NAME,
    _STATUS,
    _VILLAGE,
    _age,
    _cats,
    _details,
    _sheet_order,
)
from app.programmes.programmes import Programme
from app.recipients.recipients import STATUS_NAMES

if TYPE_CHECKING:
    from app.programmes.eligibility.planning import Plan

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

# The reason code of each bit of the `flags` column.
_FLAG_CODES = ((_F_STATUS, OUT_STATUS), (_F_UNBORN, OUT_UNBORN), (_F_CATEGORY, OUT_CATEGORY),
               (_F_NO_BIRTH, OUT_NO_BIRTH), (_F_YOUNG, OUT_TOO_YOUNG), (_F_OLD, OUT_TOO_OLD),
               (_F_VILLAGE, OUT_VILLAGE), (_F_AIDED, OUT_AIDED))


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


def _window_words(prog: Programme, on: dt.date, last: str) -> str:
    """Why an aid on `last` keeps someone out under the not-again rules."""
    r = prog.rules
    if r.not_aided_since is not None and last >= f"{r.not_aided_since:04d}-01-01":
        return f"{last[:4]} 年已受助（{last}）"
    if r.not_aided_months is not None and last != on.isoformat():
        return f"{r.not_aided_months} 个月内已受助（{last}）"
    return f"当天已在本项目受助（{last}）"


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
