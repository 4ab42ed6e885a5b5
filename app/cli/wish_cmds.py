"""Commands for micro-wishes and pledges: wish add|publish|claim|unclaim|fulfil|cancel|list, pledge add|list."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.cli import Context
from app.cli.receipt_cmds import _goods, _person_id, parse_date
from app.errors import InputError
from app.rules.money import format_fen, parse_yuan

DONOR_KINDS = ("person", "enterprise")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    wish = sub.add_parser("wish", help="微心愿：登记、发布、认领、实现、取消、清单")
    wsub = wish.add_subparsers(dest="wish_command", metavar="SUBCOMMAND")
    p = wsub.add_parser("add", parents=[common], help="登记一个心愿（待审核）")
    p.add_argument("--child", required=True, metavar="ID_NUMBER", help="孩子的身份证号（须在受助对象名册中）")
    p.add_argument("--wish", required=True, help="心愿（孩子自己的话）")
    p.add_argument("--value", required=True, help="价值（元），不超过本站上限")
    p.add_argument("--school", default="")
    p.add_argument("--story", default="", help="小故事")
    p.add_argument("--checked-by", default="", help="入户核实人")
    p.add_argument("--checked-on", help="入户核实日期（默认今天）")
    p.set_defaults(func=cmd_add, show=lambda r: f"已登记心愿 {r['wish'][-8:]}（待审核）")
    p = wsub.add_parser("publish", parents=[common], help="审核通过，发布心愿")
    p.add_argument("target", metavar="WISH", help="心愿编号（清单上的 8 位编号即可）")
    p.set_defaults(func=cmd_publish, show=_show_one)
    p = wsub.add_parser("claim", parents=[common], help="登记认领人")
    p.add_argument("target", metavar="WISH")
    p.add_argument("--donor", required=True, help="认领人姓名或单位名称（新名字即新建捐赠人）")
    p.add_argument("--donor-kind", choices=DONOR_KINDS, help="个人或爱心企业（默认按名称判断）")
    p.add_argument("--days", type=int, help="联系期限（天，默认按本站设置）")
    p.set_defaults(func=cmd_claim, show=_show_one)
    p = wsub.add_parser("unclaim", parents=[common], help="撤销认领（写明原因），心愿回到已发布")
    p.add_argument("target", metavar="WISH")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_unclaim, show=_show_one)
    p = wsub.add_parser("fulfil", parents=[common], help="实现心愿：登记认领人的捐赠（开收据）并交给孩子")
    p.add_argument("target", metavar="WISH")
    p.add_argument("--amount", help="现金金额（元）")
    p.add_argument("--goods", action="append", default=[], metavar="物品,数量,单位,单价", help="物资明细，可重复")
    p.add_argument("--date", help="交付日期（默认今天）")
    p.add_argument("--feedback", default="", help="家庭的反馈")
    p.set_defaults(func=cmd_fulfil, show=lambda r: (
        f"心愿 {r['wish']['id'][-8:]} 已实现：¥{format_fen(r['value_fen'])}，收据编号 {r['receipt']}"))
    p = wsub.add_parser("cancel", parents=[common], help="取消心愿（写明原因）")
    p.add_argument("target", metavar="WISH")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_cancel, show=_show_one)
    p = wsub.add_parser("list", parents=[common], help="列出心愿；-o 写出可分享的待认领清单（PDF 或 Excel）")
    p.add_argument("--state", help="只列这一状态：pending/published/claimed/fulfilled/cancelled 或 待审核/已发布…")
    p.add_argument("-o", "--output", type=Path, help="待认领心愿清单（.pdf 或 .xlsx；姓名打码，无身份证号和住址）")
    p.set_defaults(func=cmd_list, show=_show_list, reads_only=True)  # runs while the window is open

    p = wsub.add_parser("config", parents=[common], help="本站心愿价值上限和认领联系期限（管理员）")
    p.add_argument("--cap", help="心愿价值上限（元）")
    p.add_argument("--claim-days", type=int, help="认领后联系期限（天）")
    p.set_defaults(func=cmd_config, show=lambda r: (
        f"心愿价值上限 ¥{format_fen(r['cap_fen'])}，认领后 {r['claim_days']} 天内联系"))

    pledge = sub.add_parser("pledge", help="认捐 / 结对：登记、列出")
    psub = pledge.add_subparsers(dest="pledge_command", metavar="SUBCOMMAND")
    p = psub.add_parser("add", parents=[common], help="登记一项认捐或结对帮扶")
    p.add_argument("--donor", required=True, help="认捐人姓名或单位名称（新名字即新建捐赠人）")
    p.add_argument("--donor-kind", choices=DONOR_KINDS)
    p.add_argument("--amount", required=True, help="认捐金额（元）")
    p.add_argument("--for-person", metavar="ID_NUMBER", help="结对的受助对象（同户的捐赠都计入）")
    p.add_argument("--due", help="约定到账日期")
    p.add_argument("--note", default="")
    p.set_defaults(func=cmd_pledge_add, show=lambda r: (
        f"已登记 {r['pledge']['donor']} 认捐 ¥{format_fen(r['pledge']['promised_fen'])}"))
    p = psub.add_parser("list", parents=[common], help="认捐：承诺、到账、拨付、逾期")
    p.set_defaults(func=cmd_pledge_list, show=_show_pledges, reads_only=True)


def _show_one(r: dict[str, Any]) -> str:
    w = r["wish"]
    return f"心愿 {w['id'][-8:]}（{w['child']}：{w['wish']}）现为{w['state_name']}"


def _wish_id(ctx: Context, target: str) -> str:
    from app.wishes import wishes

    return wishes.find_wish(ctx.db, target).id


def cmd_add(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import wishes

    w = wishes.add_wish(ctx.db, ctx.actor, _person_id(ctx, args.child), args.wish, parse_yuan(args.value),
                        school=args.school, story=args.story, checked_by=args.checked_by,
                        checked_on=parse_date(args.checked_on, "核实日期"))
    return {"wish": w.id, "detail": w.to_dict()}


def cmd_publish(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import wishes

    return {"wish": wishes.publish(ctx.db, ctx.actor, _wish_id(ctx, args.target)).to_dict()}


def cmd_claim(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import wishes

    w = wishes.claim(ctx.db, ctx.actor, _wish_id(ctx, args.target), args.donor, donor_kind=args.donor_kind,
                     days=args.days)
    return {"wish": w.to_dict(), "contact_by": w.contact_by}


def cmd_unclaim(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import wishes

    return {"wish": wishes.unclaim(ctx.db, ctx.actor, _wish_id(ctx, args.target), args.reason).to_dict()}


def cmd_cancel(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import wishes

    return {"wish": wishes.cancel(ctx.db, ctx.actor, _wish_id(ctx, args.target), args.reason).to_dict()}


def cmd_fulfil(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import wishes

    goods = _goods(args.goods)
    if bool(goods) == bool(args.amount):
        raise InputError("money_or_goods", "实现心愿请用 --amount 填写金额，或用 --goods 填写物资（二选一）")
    f = wishes.fulfil(ctx.db, ctx.actor, _wish_id(ctx, args.target),
                      amount_fen=parse_yuan(args.amount) if args.amount else 0, goods=goods,
                      on=parse_date(args.date, "交付日期"), feedback=args.feedback)
    return f.to_dict()


def cmd_config(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.station import station
    from app.wishes import wishes

    if args.cap is not None:
        station.set_setting(ctx.db, ctx.actor, "wish_cap_fen", str(parse_yuan(args.cap)))
    if args.claim_days is not None:
        if args.claim_days < 1:
            raise InputError("bad_days", "联系期限至少 1 天")
        station.set_setting(ctx.db, ctx.actor, "wish_claim_days", str(args.claim_days))
    return {"cap_fen": wishes.cap_fen(ctx.db), "claim_days": wishes.claim_days(ctx.db)}


def cmd_list(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import share, wishes

    state = wishes.state_from_text(args.state) if args.state else None
    today = dt.date.today()
    out: dict[str, Any] = {"wishes": [w.to_dict(today) for w in wishes.list_wishes(ctx.db, state, today)],
                           "counts": wishes.counts(ctx.db)}
    if args.output:
        out["export"] = share.write(ctx.db, args.output, today)
    return out


def _show_list(r: dict[str, Any]) -> str:
    lines = [f"{w['id'][-8:]}  {w['state_name']}  {w['child']}  {w['wish']}  ¥{format_fen(w['value_fen'])}"
             + (f"  认领人 {w['claimant']}，{w['contact_by']} 前联系" if w["claimant"] else "")
             + ("  【已过联系期限】" if w["overdue"] else "") for w in r["wishes"]]
    if "export" in r:
        lines.append(f"已写出待认领心愿清单 {r['export']['wishes']} 个：{r['export']['path']}")
    return "\n".join(lines) or "没有心愿"


def cmd_pledge_add(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import pledges

    amount = parse_yuan(args.amount, allow_zero=True)
    if amount <= 0:
        raise InputError("zero", "认捐金额应大于零")
    rid = _person_id(ctx, args.for_person) if args.for_person else None
    p = pledges.add_pledge(ctx.db, ctx.actor, args.donor, amount, donor_kind=args.donor_kind, recipient_id=rid,
                           due_on=parse_date(args.due, "约定日期"), note=args.note)
    return {"pledge": p.to_dict()}


def cmd_pledge_list(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.wishes import pledges

    today = dt.date.today()
    items = pledges.list_pledges(ctx.db)
    return {"pledges": [p.to_dict(today) for p in items], "summary": pledges.summary(items, today)}


def _show_pledges(r: dict[str, Any]) -> str:
    lines = [f"{p['donor']}  {p['person'] or '不指定'}  认捐 {format_fen(p['promised_fen'])}  到账 "
             f"{format_fen(p['received_fen'])}  拨付 {format_fen(p['paid_fen'])}  {p['due_on'] or ''}"
             + ("  【逾期】" if p["overdue"] else "") for p in r["pledges"]]
    s = r["summary"]
    lines.append(f"共 {s['pledges']} 项，认捐 ¥{format_fen(s['promised_fen'])}，到账 ¥{format_fen(s['received_fen'])}，"
                 f"拨付 ¥{format_fen(s['paid_fen'])}，逾期 {s['overdue']} 项")
    return "\n".join(lines)
