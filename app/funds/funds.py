"""Funds (基金): the general fund, named community funds and directed funds.

A fund's balance is computed by the database (view `fund_balances`):
opening + donations received − money paid out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.ids import new_id
from app.rules.money import fen_to_yuan_str
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

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["balance_yuan"] = fen_to_yuan_str(self.balance_fen)
        return d


_SELECT = (
    "SELECT f.id, f.name, f.kind, f.opening_fen, f.is_default, f.status,"
    " b.received_fen, b.paid_fen, b.balance_fen"
    " FROM funds f JOIN fund_balances b ON b.fund_id = f.id"
)


def _fund(row: Any) -> Fund:
    return Fund(row["id"], row["name"], row["kind"], row["opening_fen"], bool(row["is_default"]),
                row["status"], row["received_fen"], row["paid_fen"], row["balance_fen"])


def create_fund(db: Database, actor: Operator, name: str, kind: str = "named",
                opening_fen: int = 0, note: str = "", *, is_default: bool = False) -> Fund:
    name = (name or "").strip()
    if not name:
        raise InputError("empty_fund_name", "请填写基金名称")
    if kind not in KINDS:
        raise InputError("bad_fund_kind", f"基金类型应为 {', '.join(KINDS)} 之一：{kind}")
    if opening_fen < 0:
        raise InputError("negative", "期初余额不能为负数")
    require_admin(actor, "建立基金")
    with db.transaction() as c:
        if c.execute("SELECT 1 FROM funds WHERE name = ?", (name,)).fetchone():
            raise Conflict("duplicate_fund", f"已经有名为“{name}”的基金")
        fid, at = new_id(), now_iso()
        c.execute(
            "INSERT INTO funds(id, name, kind, opening_fen, is_default, note, created_at, created_by,"
            " updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (fid, name, kind, opening_fen, int(is_default), note, at, actor.id, at, actor.id),
        )
        audit.record(c, actor, "create", "funds", fid, None,
                     {"name": name, "kind": kind, "opening_fen": opening_fen, "is_default": is_default})
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
