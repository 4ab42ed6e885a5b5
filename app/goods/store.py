"""The store's movements: goods in (gifts, purchases), out (to a person, a named recipient, a
distribution line), written off, counted; stock and free stock at any date.

Stock is never a number kept and overwritten: it is the sum of `goods_movements` for one item in
one unit up to a date. Goods promised to a confirmed distribution and not yet handed out are
allocated; nothing may go out of the free stock that is not there. Each service checks, then
writes its rows and the audit entry in one transaction; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound
from app.funds import spending
from app.goods.quantities import format_quantity, parse_pack
from app.ids import new_id
from app.recipients.recipients import find_by_id_number
from app.station.accounts import Operator, require_write

KIND_NAMES = {"gift": "捐赠入库", "gift_void": "捐赠作废", "purchase": "采购入库", "handout": "发放出库",
              "distribution": "项目发放", "distribution_return": "发放退回", "writeoff": "报损",
              "count": "盘点"}
#: Line statuses of a distribution whose goods have left the store.
HANDED_OUT = ("signed", "paid", "proxy")
_ID_NUMBER = re.compile(r"\d{17}[\dXx]")

Key = tuple[str, str]


@dataclass(frozen=True)
class StockLine:
    item: str
    unit: str
    quantity_milli: int
    allocated_milli: int

    @property
    def free_milli(self) -> int:
        return self.quantity_milli - self.allocated_milli

    def to_dict(self) -> dict[str, Any]:
        """As the command line prints it: quantities as exact decimal text."""
        return {"item": self.item, "unit": self.unit, "quantity": format_quantity(self.quantity_milli),
                "allocated": format_quantity(self.allocated_milli), "free": format_quantity(self.free_milli)}


@dataclass(frozen=True)
class Movement:
    id: str
    item: str
    unit: str
    on_date: str
    kind: str
    quantity_milli: int
    counted_milli: int | None
    value_fen: int | None
    source: str
    source_id: str
    recipient_id: str | None
    recipient_name: str
    reason: str
    voucher: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["quantity"] = format_quantity(self.quantity_milli)
        out["kind_name"] = KIND_NAMES.get(self.kind, self.kind)
        if self.counted_milli is not None:
            out["counted"] = format_quantity(self.counted_milli)
        return out


_COLS = tuple(Movement.__dataclass_fields__)


def get_movement(db: Database, movement_id: str) -> Movement:
    row = db.one(f"SELECT {', '.join(_COLS)} FROM goods_movements WHERE id = ?", (movement_id,))
    if row is None:
        raise NotFound("no_movement", "没有这条出入库记录")
    return Movement(*row)


# ---------- reading ----------
def known(db: Database) -> list[Key]:
    """Every item and unit the store has ever seen, by item."""
    return [(r[0], r[1]) for r in db.tuples("SELECT DISTINCT item, unit FROM goods_movements ORDER BY item, unit")]


def _known_text(keys: list[Key]) -> str:
    return "、".join(f"{i}（{u}）" if u else i for i, u in keys) or "（库里还没有任何物资）"


def require_known(db: Database, item: str, unit: str) -> None:
    """Refuse an item or unit the store has never seen, naming the ones it has."""
    keys = known(db)
    if (item, unit) in keys:
        return
    units = [u for i, u in keys if i == item]
    if units:
        raise NotFound("unknown_unit", f"物资“{item}”在库里的单位是 {'、'.join(units)}，没有“{unit}”",
                       item=item, unit=unit, units=units)
    raise NotFound("unknown_item", f"库里没有物资“{item}”。现有：{_known_text(keys)}", item=item,
                   known=[f"{i}/{u}" for i, u in keys])


def quantity(db: Database, item: str, unit: str, on: dt.date | None = None) -> int:
    """Stock of one item in one unit at the end of `on` (None: everything recorded)."""
    limit = on.isoformat() if on else "9999-12-31"
    return int(db.scalar("SELECT coalesce(sum(quantity_milli), 0) FROM goods_movements"
                         " WHERE item = ? AND unit = ? AND on_date <= ?", (item, unit, limit)))


def allocated(db: Database, on: dt.date | None = None) -> dict[Key, int]:
    """Goods promised to confirmed distributions (dated up to `on`) and not yet handed out, for
    the items the store knows."""
    limit = on.isoformat() if on else "9999-12-31"
    keys = set(known(db))
    out: dict[Key, int] = defaultdict(int)
    for goods, n in db.tuples(
            "SELECT b.goods, count(*) FROM disbursements b JOIN distributions d ON d.id = b.distribution_id"
            " WHERE d.status = 'confirmed' AND b.status = 'pending' AND b.goods != '' AND d.distributed_on <= ?"
            " GROUP BY b.goods", (limit,)):
        for item, unit, milli in parse_pack(goods):
            if (item, unit) in keys:
                out[(item, unit)] += milli * n
    return dict(out)


def stock(db: Database, on: dt.date | None = None) -> list[StockLine]:
    """Every item and unit with its stock and what of it is allocated, at the end of `on`."""
    limit = on.isoformat() if on else "9999-12-31"
    held = allocated(db, on)
    return [StockLine(item, unit, int(q), held.get((item, unit), 0)) for item, unit, q in db.tuples(
        "SELECT item, unit, sum(CASE WHEN on_date <= ? THEN quantity_milli ELSE 0 END) FROM goods_movements"
        " GROUP BY item, unit ORDER BY item, unit", (limit,))]


def _lowest_from(db: Database, item: str, unit: str, on: dt.date) -> int:
    """The lowest stock of one item on any day from `on` on (a movement dated back must not make
    a later day negative)."""
    level = quantity(db, item, unit, on)
    low = level
    for (change,) in db.tuples("SELECT sum(quantity_milli) FROM goods_movements WHERE item = ? AND unit = ?"
                               " AND on_date > ? GROUP BY on_date ORDER BY on_date", (item, unit, on.isoformat())):
        level += int(change)
        low = min(low, level)
    return low


def require_free(db: Database, needs: dict[Key, int], what: str, on: dt.date | None = None) -> None:
    """Refuse when any need is more than the free stock (stock less allocated), naming the figures."""
    if not needs:
        return
    held = allocated(db)
    for (item, unit), need in needs.items():
        have = quantity(db, item, unit)
        if on is not None:
            have = min(have, _lowest_from(db, item, unit, on))
        free = have - held.get((item, unit), 0)
        if need > free:
            raise Conflict("goods_short",
                           f"{what}需要{item} {format_quantity(need)} {unit}，库里可用的只有 "
                           f"{format_quantity(max(free, 0))} {unit}（库存 {format_quantity(have)}，"
                           f"已分配给发放 {format_quantity(held.get((item, unit), 0))}）",
                           item=item, unit=unit, need=format_quantity(need), free=format_quantity(free))


def pack_needs(db: Database, goods: str, people: int) -> dict[Key, int]:
    """What a goods pack for `people` people takes from the store (items the store knows)."""
    keys = set(known(db))
    out: dict[Key, int] = defaultdict(int)
    for item, unit, milli in parse_pack(goods):
        if (item, unit) in keys:
            out[(item, unit)] += milli * people
    return dict(out)


# ---------- writing ----------
def _clean(item: str, unit: str) -> Key:
    item, unit = " ".join((item or "").split()), (unit or "").strip()
    if not item:
        raise InputError("empty_item", "请填写物资名称")
    if not unit:
        raise InputError("empty_unit", "请填写单位（如 袋、桶、箱）")
    return item, unit


def _date(on: dt.date | None, today: dt.date | None, what: str) -> dt.date:
    today = today or dt.date.today()
    on = on or today
    if on > today:
        raise InputError("future_date", f"{what}日期 {on} 晚于今天")
    return on


def _insert(c: Any, db: Database, actor_id: str, *, item: str, unit: str, on: str, kind: str, milli: int,
            counted: int | None = None, value_fen: int | None = None, source: str = "", source_id: str = "",
            recipient_id: str | None = None, recipient_name: str = "", reason: str = "",
            voucher: str = "") -> str:
    mid = new_id()
    c.execute("INSERT INTO goods_movements(id, item, unit, on_date, kind, quantity_milli, counted_milli, value_fen,"
              " source, source_id, recipient_id, recipient_name, reason, voucher, operator_id, created_at)"
              " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
              (mid, item, unit, on, kind, milli, counted, value_fen, source, source_id, recipient_id,
               recipient_name, reason, voucher, actor_id, now_iso()))
    return mid


def _record(c: Any, db: Database, actor: Operator, mid: str) -> Movement:
    m = get_movement(db, mid)
    audit.record(c, actor, "create", "goods_movements", mid, None, m.to_dict())
    return m


def receive(db: Database, actor: Operator, item: str, unit: str, quantity_milli: int, *, voucher: str,
            value_fen: int | None = None, on: dt.date | None = None, today: dt.date | None = None) -> Movement:
    """Goods of a purchase come in (采购入库), linked to the spending by its voucher. The value is
    for information: the money left the fund with the spending."""
    require_write(actor)
    item, unit = _clean(item, unit)
    if quantity_milli <= 0:
        raise InputError("zero_quantity", "入库数量应大于零")
    if value_fen is not None and value_fen < 0:
        raise InputError("negative", "物资价值不能为负数")
    on = _date(on, today, "入库")
    voucher = (voucher or "").strip()
    if not voucher:
        raise InputError("empty_voucher", "采购入库要填写支出的凭证号")
    with db.transaction() as c:
        spent = spending.find_by_voucher(db, voucher)
        if spent.status != "active":
            raise Conflict("spending_reversed", f"凭证号“{voucher}”的支出已经冲销，不能再入库")
        if on.isoformat() < spent.spent_on:
            raise InputError("before_spending", f"入库日期 {on} 早于这笔支出的日期 {spent.spent_on}")
        mid = _insert(c, db, actor.id, item=item, unit=unit, on=on.isoformat(), kind="purchase",
                      milli=quantity_milli, value_fen=value_fen, source="spending", source_id=spent.id,
                      voucher=voucher, reason=f"{spent.payee}：{spent.purpose}")
        return _record(c, db, actor, mid)


def _recipient(db: Database, to: str) -> tuple[str | None, str]:
    """--to: an ID number of the register, a name of one person in it, or a named recipient."""
    text = " ".join((to or "").split())
    if not text:
        raise InputError("empty_recipient", "请填写领取人：登记册里的姓名或身份证号，或单位名称（如 东风小学）")
    if _ID_NUMBER.fullmatch(text):
        person = find_by_id_number(db, text.upper())
        if person is None:
            raise NotFound("no_recipient", f"受助对象登记册里没有身份证号 {text}")
        return person.id, person.name
    people = db.query("SELECT id, name, village FROM recipients WHERE name = ? AND status = 'active'", (text,))
    if len(people) > 1:
        raise Conflict("ambiguous_name", f"登记册里有 {len(people)} 个叫“{text}”的人"
                       f"（{'、'.join(p['village'] or '未填村' for p in people)}），请改填身份证号")
    if people:
        return people[0]["id"], people[0]["name"]
    return None, text


def hand_out(db: Database, actor: Operator, item: str, unit: str, quantity_milli: int, *, to: str,
             on: dt.date | None = None, today: dt.date | None = None,
             recipient_id: str | None = None) -> Movement:
    """Goods out to one person of the register or a named recipient (a school, the 慈善超市 shelf).
    `recipient_id` names the person directly (a service that already knows who, e.g. a wish)."""
    require_write(actor)
    item, unit = _clean(item, unit)
    if quantity_milli <= 0:
        raise InputError("zero_quantity", "出库数量应大于零")
    on = _date(on, today, "出库")
    with db.transaction() as c:
        require_known(db, item, unit)
        rid: str | None
        if recipient_id is not None:
            rid, name = recipient_id, str(db.scalar("SELECT name FROM recipients WHERE id = ?", (recipient_id,)))
        else:
            rid, name = _recipient(db, to)
        require_free(db, {(item, unit): quantity_milli}, f"发给{name}", on)
        mid = _insert(c, db, actor.id, item=item, unit=unit, on=on.isoformat(), kind="handout",
                      milli=-quantity_milli, recipient_id=rid, recipient_name=name)
        return _record(c, db, actor, mid)


def write_off(db: Database, actor: Operator, item: str, unit: str, quantity_milli: int, *, reason: str,
              on: dt.date | None = None, today: dt.date | None = None) -> Movement:
    """Goods written off (报损) with a reason: spoiled, expired, damaged."""
    require_write(actor)
    item, unit = _clean(item, unit)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("empty_reason", "报损要写明原因（如 受潮霉变、过期）")
    if quantity_milli <= 0:
        raise InputError("zero_quantity", "报损数量应大于零")
    on = _date(on, today, "报损")
    with db.transaction() as c:
        require_known(db, item, unit)
        require_free(db, {(item, unit): quantity_milli}, "报损", on)
        mid = _insert(c, db, actor.id, item=item, unit=unit, on=on.isoformat(), kind="writeoff",
                      milli=-quantity_milli, reason=reason)
        return _record(c, db, actor, mid)


def count(db: Database, actor: Operator, item: str, unit: str, counted_milli: int, *, reason: str = "",
          on: dt.date | None = None, today: dt.date | None = None) -> Movement:
    """A stock count (盘点) of one item: the quantity found and the difference from the books, with
    a reason when they differ. Items not counted are not touched."""
    require_write(actor)
    item, unit = _clean(item, unit)
    if counted_milli < 0:
        raise InputError("negative_quantity", "盘点数量不能是负数")
    reason = (reason or "").strip()
    on = _date(on, today, "盘点")
    with db.transaction() as c:
        require_known(db, item, unit)
        book = quantity(db, item, unit, on)
        diff = counted_milli - book
        if diff and not reason:
            raise InputError("empty_reason", f"盘点数 {format_quantity(counted_milli)} 与账面 {format_quantity(book)} "
                             f"{unit}不符，请写明原因")
        mid = _insert(c, db, actor.id, item=item, unit=unit, on=on.isoformat(), kind="count", milli=diff,
                      counted=counted_milli, reason=reason)
        return _record(c, db, actor, mid)


def sync_line(c: Any, db: Database, line_id: str, operator_id: str) -> None:
    """Bring a distribution line's goods movements in line with its status: a handed-out line has
    its pack out of the store, any other line has nothing out. Called by the distribution's own
    transaction after it changes a line; writes only the difference."""
    row = db.one("SELECT b.goods, b.status, b.recipient_id, b.name, d.distributed_on FROM disbursements b"
                 " JOIN distributions d ON d.id = b.distribution_id WHERE b.id = ?", (line_id,))
    if row is None or not row["goods"]:
        return
    want = {k: -q for k, q in pack_needs(db, row["goods"], 1).items()} if row["status"] in HANDED_OUT else {}
    have = {(r[0], r[1]): int(r[2]) for r in db.tuples(
        "SELECT item, unit, sum(quantity_milli) FROM goods_movements WHERE source = 'disbursement' AND source_id = ?"
        " GROUP BY item, unit", (line_id,))}
    on = min(row["distributed_on"], dt.date.today().isoformat())
    # A line no longer pending holds no allocation: what it takes now must be free (a line marked
    # not collected and then collected after all takes goods that may have gone elsewhere since).
    require_free(db, {k: have.get(k, 0) - q for k, q in want.items() if q < have.get(k, 0)},
                 f"发给{row['name']}")
    for key in sorted(set(want) | set(have)):
        diff = want.get(key, 0) - have.get(key, 0)
        if diff:
            _insert(c, db, operator_id, item=key[0], unit=key[1], on=on,
                    kind="distribution" if diff < 0 else "distribution_return", milli=diff, source="disbursement",
                    source_id=line_id, recipient_id=row["recipient_id"], recipient_name=row["name"])


# ---------- history ----------
def movements(db: Database, item: str | None = None, unit: str | None = None, *, date_from: dt.date | None = None,
              date_to: dt.date | None = None) -> list[dict[str, Any]]:
    """Movements in date order, per item and unit, with the running stock after each (结存); with
    `date_from`, each item starts with its stock brought forward (期初)."""
    where, params = ["on_date <= ?"], [date_to.isoformat() if date_to else "9999-12-31"]
    if item is not None:
        where.append("m.item = ?")
        params.append(item)
    if unit is not None:
        where.append("m.unit = ?")
        params.append(unit)
    sql = (f"SELECT m.id, m.item, m.unit, m.on_date, m.kind, m.quantity_milli, m.counted_milli, m.value_fen,"
           f" m.recipient_name, m.reason, m.voucher, coalesce(o.display_name, ''), coalesce(dn.name, ''),"
           f" coalesce(p.name, '') FROM goods_movements m LEFT JOIN operators o ON o.id = m.operator_id"
           f" LEFT JOIN goods_lines g ON m.source = 'goods_line' AND g.id = m.source_id"
           f" LEFT JOIN donations d ON d.id = g.donation_id LEFT JOIN donors dn ON dn.id = d.donor_id"
           f" LEFT JOIN disbursements b ON m.source = 'disbursement' AND b.id = m.source_id"
           f" LEFT JOIN distributions x ON x.id = b.distribution_id LEFT JOIN programmes p ON p.id = x.programme_id"
           f" WHERE {' AND '.join(where)} ORDER BY m.item, m.unit, m.on_date, m.created_at, m.id")
    start = date_from.isoformat() if date_from else ""
    out: list[dict[str, Any]] = []
    balance: dict[Key, int] = {}
    opened: set[Key] = set()
    for (mid, it, un, on, kind, q, counted, value, to_name, reason, voucher, operator, donor,
         programme) in db.tuples(sql, params):
        key = (it, un)
        balance.setdefault(key, 0)
        if on < start:
            balance[key] += q
            continue
        if start and key not in opened:
            opened.add(key)
            out.append({"id": "", "date": start, "item": it, "unit": un, "kind": "opening", "kind_name": "期初结存",
                        "what": "", "in_milli": 0, "out_milli": 0, "balance_milli": balance[key], "value_fen": None,
                        "operator": ""})
        balance[key] += q
        out.append({"id": mid, "date": on, "item": it, "unit": un, "kind": kind,
                    "kind_name": KIND_NAMES.get(kind, kind),
                    "what": _what(kind, counted, un, to_name, reason, voucher, donor, programme),
                    "in_milli": q if q > 0 else 0, "out_milli": -q if q < 0 else 0,
                    "balance_milli": balance[key], "value_fen": value, "operator": operator})
    if start:  # items with stock but no movement in the period still show their balance
        for key, q in balance.items():
            if key not in opened and q:
                out.append({"id": "", "date": start, "item": key[0], "unit": key[1], "kind": "opening",
                            "kind_name": "期初结存", "what": "", "in_milli": 0, "out_milli": 0, "balance_milli": q,
                            "value_fen": None, "operator": ""})
        out.sort(key=lambda r: (r["item"], r["unit"]))  # stable: dates stay in order within an item
    return out


def _what(kind: str, counted: int | None, unit: str, to_name: str, reason: str, voucher: str, donor: str,
          programme: str) -> str:
    if kind in ("gift", "gift_void"):
        return f"{donor or '捐赠'}{'（作废：' + reason + '）' if kind == 'gift_void' and reason else ''}"
    if kind == "purchase":
        return f"凭证 {voucher} {reason}".strip()
    if kind in ("distribution", "distribution_return"):
        return f"{programme}：{to_name}"
    if kind == "handout":
        return to_name
    if kind == "count":
        return f"实存 {format_quantity(counted or 0)} {unit}" + (f"；{reason}" if reason else "")
    return reason
