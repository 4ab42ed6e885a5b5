"""Funds (基金): the general fund, named community funds and directed funds.

A fund's figures are kept up to date from its journal (`app.funds.journal`, table
`fund_totals`): balance = opening + money received − money paid out ± transfers. The balance is
money only; donated goods are counted apart (`goods_fen`) and never offered as money to spend.
Money reserved for a person, a programme, a village, or everything in a directed fund, is
`reserved_fen`; free = balance − reserved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import journal
from app.ids import new_id
from app.rules.money import fen_to_yuan_str, format_fen
from app.station.accounts import Operator, require_admin

KINDS = ("general", "named", "directed")
KIND_NAMES = {"general": "非定向", "named": "冠名基金", "directed": "定向"}
DEFAULT_FUND_NAME = "慈善基金（非定向）"


@dataclass(frozen=True)
class Fund:
    id: str
    name: str
    kind: str
    opening_fen: int
    is_default: bool
    status: str
    received_fen: int = 0
    paid_fen: int = 0
    balance_fen: int = 0
    reserved_fen: int = 0
    goods_fen: int = 0
    transfer_fen: int = 0
    donor_name: str = ""  # the name giver of a named fund (冠名)
    agreement_from: str | None = None
    agreement_to: str | None = None

    @property
    def free_fen(self) -> int:
        return self.balance_fen - self.reserved_fen

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["free_fen"] = self.free_fen
        d["balance_yuan"] = fen_to_yuan_str(self.balance_fen)
        return d


_SELECT = (
    "SELECT f.id, f.name, f.kind, f.opening_fen, f.is_default, f.status,"
    " t.received_fen, t.paid_fen, t.balance_fen, t.reserved_fen, t.goods_fen, t.transfer_fen,"
    " f.donor_name, f.agreement_from, f.agreement_to"
    " FROM funds f JOIN fund_totals t ON t.fund_id = f.id"
)


def _fund(row: Any) -> Fund:
    return Fund(row["id"], row["name"], row["kind"], row["opening_fen"], bool(row["is_default"]),
                row["status"], row["received_fen"], row["paid_fen"], row["balance_fen"], row["reserved_fen"],
                row["goods_fen"], row["transfer_fen"], row["donor_name"], row["agreement_from"],
                row["agreement_to"])


def create_fund(db: Database, actor: Operator, name: str, kind: str = "named",
                opening_fen: int = 0, note: str = "", *, is_default: bool = False, donor_name: str = "",
                agreement_from: dt.date | None = None, agreement_to: dt.date | None = None,
                today: dt.date | None = None) -> Fund:
    name = (name or "").strip()
    if not name:
        raise InputError("empty_fund_name", "请填写基金名称")
    if kind not in KINDS:
        raise InputError("bad_fund_kind", f"基金类型应为 {', '.join(KINDS)} 之一：{kind}")
    if opening_fen < 0:
        raise InputError("negative", "期初余额不能为负数")
    if agreement_from and agreement_to and agreement_to < agreement_from:
        raise InputError("bad_agreement", f"冠名协议的结束日期 {agreement_to} 早于开始日期 {agreement_from}")
    require_admin(actor, "建立基金")
    with db.transaction() as c:
        if c.execute("SELECT 1 FROM funds WHERE name = ?", (name,)).fetchone():
            raise Conflict("duplicate_fund", f"已经有名为“{name}”的基金")
        fid, at = new_id(), now_iso()
        c.execute(
            "INSERT INTO funds(id, name, kind, opening_fen, is_default, note, donor_name, agreement_from,"
            " agreement_to, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (fid, name, kind, opening_fen, int(is_default), note, donor_name.strip(),
             agreement_from.isoformat() if agreement_from else None,
             agreement_to.isoformat() if agreement_to else None, at, actor.id, at, actor.id),
        )
        if opening_fen:  # the opening balance stands before every movement
            journal.post(c, fund_id=fid, on=(today or dt.date.today()).isoformat(), kind="opening",
                         amount_fen=opening_fen, reserve="fund" if kind == "directed" else "", source="fund",
                         source_id=fid, operator_id=actor.id)
        audit.record(c, actor, "create", "funds", fid, None,
                     {"name": name, "kind": kind, "opening_fen": opening_fen, "is_default": is_default,
                      "donor_name": donor_name.strip()})
    return get_fund(db, fid)


def create_default(db: Database, actor: Operator) -> Fund:
    return create_fund(db, actor, DEFAULT_FUND_NAME, "general", 0, "未指定用途的捐赠进入此基金",
                       is_default=True)


def get_fund(db: Database, fund_id: str) -> Fund:
    row = db.one(_SELECT + " WHERE f.id = ?", (fund_id,))
    if row is None:
        raise NotFound("no_fund", "没有这个基金")
    return _fund(row)


def find_fund(db: Database, name: str) -> Fund:
    row = db.one(_SELECT + " WHERE f.name = ?", ((name or "").strip(),))
    if row is None:
        names = "、".join(r["name"] for r in db.query("SELECT name FROM funds ORDER BY name"))
        raise NotFound("no_fund", f"没有名为“{name}”的基金（现有：{names or '无'}）", name=name)
    return _fund(row)


def default_fund(db: Database) -> Fund:
    row = db.one(_SELECT + " WHERE f.is_default = 1")
    if row is None:
        raise NotFound("no_default_fund", "没有默认的非定向基金，请先运行 init")
    return _fund(row)


def list_funds(db: Database, *, include_closed: bool = False) -> list[Fund]:
    where = "" if include_closed else " WHERE f.status = 'active'"
    return [_fund(r) for r in db.query(_SELECT + where + " ORDER BY f.is_default DESC, f.name")]


def close_fund(db: Database, actor: Operator, fund_id: str) -> Fund:
    """Close a fund (no more gifts or movements): only when it holds no money and no goods."""
    require_admin(actor, "关闭基金")
    with db.transaction() as c:
        f = get_fund(db, fund_id)
        if f.status == "closed":
            raise Conflict("fund_closed", f"基金“{f.name}”已经关闭了")
        if f.is_default:
            raise Conflict("default_fund", f"“{f.name}”是默认的非定向基金，不能关闭")
        if f.balance_fen or f.goods_fen:
            parts = [f"钱款 ¥{format_fen(f.balance_fen)}"] if f.balance_fen else []
            if f.reserved_fen:
                parts[-1] += f"（其中定向留存 ¥{format_fen(f.reserved_fen)}）"
            if f.goods_fen:
                parts.append(f"物资折价 ¥{format_fen(f.goods_fen)}")
            raise Conflict("fund_not_empty",
                           f"基金“{f.name}”里还有{'、'.join(parts)}，不能关闭：请先支出或经会议决定调拨到其他基金。",
                           balance_fen=f.balance_fen, goods_fen=f.goods_fen)
        at = now_iso()
        c.execute("UPDATE funds SET status = 'closed', updated_at = ?, updated_by = ? WHERE id = ?",
                  (at, actor.id, fund_id))
        audit.record(c, actor, "close", "funds", fund_id, {"status": "active"}, {"status": "closed"})
    return get_fund(db, fund_id)


def active_fund(db: Database, fund_id: str) -> Fund:
    """The fund, refused when closed."""
    f = get_fund(db, fund_id)
    if f.status != "active":
        raise Conflict("fund_closed", f"基金“{f.name}”已关闭，不能再记收支")
    return f
