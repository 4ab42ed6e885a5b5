"""Commands for funds and money that moves between them: fund create|list|ledger|close, pay,
spend, transfer."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli import Context
from app.cli.receipt_cmds import _person_id, parse_date
from app.rules.money import format_fen, parse_yuan


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    fund = sub.add_parser("fund", help="基金：建立、查看、明细账、关闭")
    fsub = fund.add_subparsers(dest="fund_command", metavar="SUBCOMMAND")
    p = fsub.add_parser("create", parents=[common], help="建立基金")
    p.add_argument("--name", required=True)
    p.add_argument("--kind", choices=("general", "named", "directed"), default="named")
    p.add_argument("--opening", default="0", help="期初余额（元）")
    p.add_argument("--note", default="")
    p.add_argument("--donor-name", default="", help="冠名人或冠名单位（冠名基金）")
    p.add_argument("--agreement-from", help="冠名协议开始日期")
    p.add_argument("--agreement-to", help="冠名协议结束日期")
    p.set_defaults(func=cmd_fund_create, show=lambda r: f"已建立基金“{r['fund']['name']}”")
    p = fsub.add_parser("list", parents=[common], help="列出基金和余额")
    p.add_argument("--all", action="store_true", help="包括已关闭的基金")
    p.set_defaults(func=cmd_fund_list, show=_show_funds)
    p = fsub.add_parser("ledger", parents=[common], help="基金明细账：每一笔收支和余额")
    p.add_argument("name", help="基金名称")
    p.add_argument("-o", "--output", type=Path, help="导出为 Excel 文件（.xlsx）")
    p.set_defaults(func=cmd_fund_ledger, show=_show_ledger)
    p = fsub.add_parser("close", parents=[common], help="关闭一个已经用完的基金")
    p.add_argument("name", help="基金名称")
    p.set_defaults(func=cmd_fund_close, show=lambda r: f"已关闭基金“{r['fund']['name']}”")

    p = sub.add_parser("pay", parents=[common], help="定向拨付：直接付钱给一个受助对象")
    p.add_argument("--person", required=True, metavar="ID_NUMBER", help="受助对象的身份证号")
    p.add_argument("--amount", required=True, help="金额（元）")
    p.add_argument("--fund", help="基金名称（不填：有 --from-gift 时为该捐赠的基金，否则为非定向基金）")
    p.add_argument("--from-gift", metavar="RECEIPT", help="从这张收据的捐赠中拨付")
    p.add_argument("--date", help="拨付日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_pay, show=lambda r: (
        f"已从基金“{r['fund']}”拨付 ¥{format_fen(r['paid_fen'])} 给 {r['person']}"))

    p = sub.add_parser("spend", parents=[common], help="登记支出（采购、拨给单位、管理费用）")
    p.add_argument("--fund", required=True)
    p.add_argument("--amount", required=True, help="金额（元）")
    p.add_argument("--payee", required=True, help="收款单位或个人")
    p.add_argument("--purpose", required=True, help="用途")
    p.add_argument("--voucher", required=True, help="凭证号")
    p.add_argument("--approver", default="", help="审批人")
    p.add_argument("--scan", default="", help="凭证扫描件路径")
    p.add_argument("--date", help="支出日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_spend, show=lambda r: (
        f"已登记支出 ¥{format_fen(r['spending']['amount_fen'])}：{r['spending']['payee']}，"
        f"{r['spending']['purpose']}（凭证 {r['spending']['voucher']}）"))

    p = sub.add_parser("reverse-spending", parents=[common], help="冲销一笔支出（管理员，写明原因）")
    p.add_argument("voucher", help="凭证号")
    p.add_argument("--reason", required=True, help="冲销原因")
    p.set_defaults(func=cmd_reverse_spending, show=lambda r: (
        f"已冲销凭证 {r['spending']['voucher']} 的支出 ¥{format_fen(r['spending']['amount_fen'])}，钱款退回基金"))

    p = sub.add_parser("transfer", parents=[common], help="基金调拨（需有会议决定）")
    p.add_argument("--from", dest="from_fund", required=True, help="调出基金")
    p.add_argument("--to", dest="to_fund", required=True, help="调入基金")
    p.add_argument("--amount", required=True, help="金额（元）")
    p.add_argument("--ref", required=True, help="会议决定或批准文号")
    p.add_argument("--date", help="调拨日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_transfer, show=lambda r: (
        f"已从“{r['from']}”调拨 ¥{format_fen(r['transfer']['amount_fen'])} 到“{r['to']}”（{r['transfer']['decision_ref']}）"))


def cmd_fund_create(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds

    opening = parse_yuan(args.opening, allow_zero=True)
    f = funds.create_fund(ctx.db, ctx.actor, args.name, args.kind, opening, args.note, donor_name=args.donor_name,
                          agreement_from=parse_date(args.agreement_from, "协议开始日期"),
                          agreement_to=parse_date(args.agreement_to, "协议结束日期"))
    return {"fund": f.to_dict()}


def cmd_fund_list(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds

    return {"funds": [f.to_dict() for f in funds.list_funds(ctx.db, include_closed=args.all)]}


def _show_funds(r: dict[str, Any]) -> str:
    from app.funds.funds import KIND_NAMES

    lines = [f"{'基金':<20}{'类型':<8}{'期初':>14}{'收入':>16}{'支出':>16}{'余额':>16}{'其中定向':>14}{'物资折价':>14}"]
    for f in r["funds"]:
        lines.append(f"{f['name']:<20}{KIND_NAMES[f['kind']]:<8}{format_fen(f['opening_fen']):>14}"
                     f"{format_fen(f['received_fen']):>16}{format_fen(f['paid_fen']):>16}"
                     f"{format_fen(f['balance_fen']):>16}{format_fen(f['reserved_fen']):>14}"
                     f"{format_fen(f['goods_fen']):>14}")
    return "\n".join(lines)


def cmd_fund_ledger(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds, journal

    fund = funds.find_fund(ctx.db, args.name)
    out: dict[str, Any] = {"fund": fund.to_dict()}
    if args.output:
        from app.reports import fund_ledger

        written, lines = fund_ledger.export_ledger(ctx.db, fund.id, args.output)
        out["export"] = written.to_dict()
    else:
        lines = journal.ledger(ctx.db, fund.id)
    out["lines"] = lines
    return out


def _show_ledger(r: dict[str, Any]) -> str:
    if "export" in r:
        return f"已导出基金“{r['fund']['name']}”明细账 {len(r['lines'])} 行：{r['export']['path']}"
    rows = [f"基金“{r['fund']['name']}”明细账"]
    for ln in r["lines"]:
        rows.append(f"{ln['date']}  {ln['kind_name']:<6}{format_fen(ln['amount_fen']):>14}"
                    f"{format_fen(ln['balance_fen']):>16}  {ln['what']} {ln['reserve_name']}".rstrip())
    return "\n".join(rows)


def cmd_fund_close(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds

    return {"fund": funds.close_fund(ctx.db, ctx.actor, funds.find_fund(ctx.db, args.name).id).to_dict()}


def cmd_pay(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.donations import receipts
    from app.funds import funds, payments

    amount = parse_yuan(args.amount)
    rid = _person_id(ctx, args.person)
    gift = receipts.find_receipt(ctx.db, args.from_gift).donation_id if args.from_gift else None
    fund_id = funds.find_fund(ctx.db, args.fund).id if args.fund else None
    p = payments.pay(ctx.db, ctx.actor, rid, amount, fund_id=fund_id, donation_id=gift,
                     on=parse_date(args.date, "拨付日期"), note=args.note)
    fund = funds.get_fund(ctx.db, p.fund_id)
    person = ctx.db.scalar("SELECT name FROM recipients WHERE id = ?", (rid,))
    out = {"payment": p.to_dict(), "paid_fen": p.amount_fen, "fund": fund.name, "person": person,
           "fund_after": fund.to_dict()}
    if gift:
        out["gift_left_fen"] = payments.gift_left_fen(ctx.db, gift)
    return out


def cmd_spend(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds, spending

    fund = funds.find_fund(ctx.db, args.fund)
    s = spending.spend(ctx.db, ctx.actor, fund.id, parse_yuan(args.amount), payee=args.payee, purpose=args.purpose,
                       voucher=args.voucher, approver=args.approver, scan_path=args.scan,
                       on=parse_date(args.date, "支出日期"))
    return {"spending": s.to_dict(), "fund_after": funds.get_fund(ctx.db, fund.id).to_dict()}


def cmd_reverse_spending(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds, spending

    s = spending.find_by_voucher(ctx.db, args.voucher)
    s = spending.reverse_spending(ctx.db, ctx.actor, s.id, args.reason)
    return {"spending": s.to_dict(), "fund_after": funds.get_fund(ctx.db, s.fund_id).to_dict()}


def cmd_transfer(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds, transfers

    src, dst = funds.find_fund(ctx.db, args.from_fund), funds.find_fund(ctx.db, args.to_fund)
    t = transfers.transfer(ctx.db, ctx.actor, src.id, dst.id, parse_yuan(args.amount), decision_ref=args.ref,
                           on=parse_date(args.date, "调拨日期"))
    return {"transfer": t.to_dict(), "from": src.name, "to": dst.name}
