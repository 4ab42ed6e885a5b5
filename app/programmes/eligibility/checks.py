"""What confirming a list would break: the fund's usable money, the budget, an empty or closed programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.db import Database
from app.errors import Conflict
from app.funds import funds, journal
from app.programmes.programmes import Programme, get_programme
from app.rules.money import format_fen


class FundShortfall(Conflict):
    """Confirming would overdraw the fund."""


class DirectedMoney(Conflict):
    """The fund has the money only if money directed to another programme were spent."""


class OverBudget(Conflict):
    """Confirming would take the programme past its budget."""


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
