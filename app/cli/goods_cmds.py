"""Commands for the goods store: goods in|out|count|stock|ledger|movements."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli import Context
from app.cli.receipt_cmds import parse_date
from app.rules.money import parse_yuan


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    goods = sub.add_parser("goods", help="物资库：入库、出库、盘点、库存、台账")
    gsub = goods.add_subparsers(dest="goods_command", metavar="SUBCOMMAND")
    p = gsub.add_parser("in", parents=[common], help="采购入库：一笔已登记支出买来的物资（按凭证号关联）")
    _item(p)
    p.add_argument("--value", help="物资价值（元，仅作记录，不动钱款）")
    p.add_argument("--voucher", required=True, help="这笔采购支出的凭证号")
    p.add_argument("--date", help="入库日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_in, show=lambda r: (
        f"已入库 {r['movement']['item']} {r['movement']['quantity']} {r['movement']['unit']}"
        f"（凭证 {r['movement']['voucher']}），现有 {r['stock']['quantity']} {r['stock']['unit']}"))
    p = gsub.add_parser("out", parents=[common], help="出库：发给一个人或单位，或报损")
    _item(p)
    to = p.add_mutually_exclusive_group(required=True)
    to.add_argument("--to", metavar="NAME_OR_ID_NUMBER", help="领取人：登记册里的姓名或身份证号，或单位名称")
    to.add_argument("--writeoff", metavar="REASON", help="报损原因（如 受潮霉变、过期）")
    p.add_argument("--date", help="出库日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_out, show=lambda r: (
        f"已{r['movement']['kind_name']} {r['movement']['item']} {r['movement']['quantity'].lstrip('-')} "
        f"{r['movement']['unit']}，现有 {r['stock']['quantity']} {r['stock']['unit']}"))
    p = gsub.add_parser("count", parents=[common], help="盘点：登记实存数量，差额写明原因")
    p.add_argument("--item", required=True, help="物资名称，如 米")
    p.add_argument("--unit", required=True, help="单位，如 袋")
    p.add_argument("--counted", required=True, help="实存数量（阿拉伯数字）")
    p.add_argument("--reason", default="", help="与账面不符的原因")
    p.add_argument("--date", help="盘点日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_count, show=lambda r: (
        f"已盘点 {r['movement']['item']}：实存 {r['movement']['counted']} {r['movement']['unit']}，"
        f"差额 {r['difference']}"))
    p = gsub.add_parser("stock", parents=[common], help="库存：每种物资的数量和已分配数")
    p.add_argument("--on", help="截至哪一天 YYYY-MM-DD（默认全部）")
    p.set_defaults(func=cmd_stock, show=_show_stock)
    p = gsub.add_parser("movements", parents=[common], help="一种物资的出入库明细")
    p.add_argument("--item", required=True)
    p.add_argument("--unit", required=True)
    p.set_defaults(func=cmd_movements, show=_show_movements)
    p = gsub.add_parser("ledger", parents=[common], help="物资台账（入库、出库、结存）导出为 Excel")
    p.add_argument("--from", dest="date_from", help="开始日期 YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", help="结束日期 YYYY-MM-DD")
    p.add_argument("-o", "--output", type=Path, required=True, help="Excel 文件（.xlsx）")
    p.set_defaults(func=cmd_ledger, show=lambda r: f"已导出物资台账 {r['rows']} 行：{r['export']['path']}")


def _item(p: argparse.ArgumentParser) -> None:
    p.add_argument("--item", required=True, help="物资名称，如 米")
    p.add_argument("--quantity", required=True, help="数量（阿拉伯数字，大于零）")
    p.add_argument("--unit", required=True, help="单位，如 袋")


def _stock_of(ctx: Context, item: str, unit: str) -> dict[str, Any]:
    from app.goods import store

    return next(s.to_dict() for s in store.stock(ctx.db) if (s.item, s.unit) == (item, unit))


def cmd_in(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.goods import store
    from app.goods.quantities import parse_quantity

    value = parse_yuan(args.value, allow_zero=True) if args.value else None
    m = store.receive(ctx.db, ctx.actor, args.item, args.unit, parse_quantity(args.quantity), voucher=args.voucher,
                      value_fen=value, on=parse_date(args.date, "入库日期"))
    return {"movement": m.to_dict(), "stock": _stock_of(ctx, m.item, m.unit)}


def cmd_out(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.goods import store
    from app.goods.quantities import parse_quantity

    q = parse_quantity(args.quantity)
    on = parse_date(args.date, "出库日期")
    if args.writeoff is not None:
        m = store.write_off(ctx.db, ctx.actor, args.item, args.unit, q, reason=args.writeoff, on=on)
    else:
        m = store.hand_out(ctx.db, ctx.actor, args.item, args.unit, q, to=args.to, on=on)
    return {"movement": m.to_dict(), "stock": _stock_of(ctx, m.item, m.unit)}


def cmd_count(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.goods import store
    from app.goods.quantities import format_quantity, parse_quantity

    m = store.count(ctx.db, ctx.actor, args.item, args.unit, parse_quantity(args.counted, "盘点数量", allow_zero=True),
                    reason=args.reason, on=parse_date(args.date, "盘点日期"))
    return {"movement": m.to_dict(), "difference": format_quantity(m.quantity_milli),
            "stock": _stock_of(ctx, m.item, m.unit)}


def cmd_stock(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.goods import store

    on = parse_date(args.on, "日期")
    return {"on": on.isoformat() if on else None, "items": [s.to_dict() for s in store.stock(ctx.db, on)]}


def _show_stock(r: dict[str, Any]) -> str:
    lines = [f"库存{'（截至 ' + r['on'] + '）' if r['on'] else ''}",
             f"{'物资':<12}{'单位':<6}{'库存':>10}{'已分配':>10}{'可用':>10}"]
    for s in r["items"]:
        lines.append(f"{s['item']:<12}{s['unit']:<6}{s['quantity']:>10}{s['allocated']:>10}{s['free']:>10}")
    if not r["items"]:
        lines.append("（库里还没有物资）")
    return "\n".join(lines)


def cmd_movements(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.goods import store
    from app.goods.quantities import format_quantity

    store.require_known(ctx.db, args.item.strip(), args.unit.strip())
    rows = store.movements(ctx.db, args.item.strip(), args.unit.strip())
    return {"item": args.item.strip(), "unit": args.unit.strip(), "movements": [
        {**{k: v for k, v in r.items() if not k.endswith("_milli")}, "in": format_quantity(r["in_milli"]),
         "out": format_quantity(r["out_milli"]), "balance": format_quantity(r["balance_milli"])} for r in rows]}


def _show_movements(r: dict[str, Any]) -> str:
    lines = [f"{r['item']}（{r['unit']}）出入库明细"]
    for m in r["movements"]:
        lines.append(f"{m['date']}  {m['kind_name']:<6}{m['in']:>8}{m['out']:>8}{m['balance']:>10}  {m['what']}")
    return "\n".join(lines)


def cmd_ledger(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.reports import goods_ledger

    written, rows = goods_ledger.export_ledger(ctx.db, args.output, date_from=parse_date(args.date_from, "开始日期"),
                                               date_to=parse_date(args.date_to, "结束日期"))
    return {"export": written.to_dict(), "rows": len(rows)}
