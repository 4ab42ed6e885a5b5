"""Commands for meal subsidies (助餐补贴): meals canteen add|list, scheme, enrol, leave, import,
statement (with --confirm), reverse."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli import Context
from app.cli.receipt_cmds import parse_date
from app.rules.money import format_fen


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    meals = sub.add_parser("meals", help="助餐补贴：助餐点、补贴方案、登记、就餐记录、结算单")
    msub = meals.add_subparsers(dest="meals_command", metavar="SUBCOMMAND")
    canteen = msub.add_parser("canteen", help="助餐点：添加、列出")
    csub = canteen.add_subparsers(dest="canteen_command", metavar="SUBCOMMAND")
    p = csub.add_parser("add", parents=[common], help="添加助餐点")
    p.add_argument("--name", required=True)
    p.add_argument("--village", default="")
    p.add_argument("--contact", default="", help="联系人")
    p.add_argument("--phone", default="")
    p.add_argument("--bank-name", default="", help="开户行")
    p.add_argument("--bank-account", default="", help="收款账号")
    p.set_defaults(func=cmd_canteen_add, show=lambda r: f"已添加助餐点“{r['canteen']['name']}”")
    p = csub.add_parser("list", parents=[common], help="列出助餐点")
    p.set_defaults(func=cmd_canteen_list, show=lambda r: "\n".join(
        f"{c['name']}  {c['village']}  登记 {c['enrolled']} 人" for c in r["canteens"]) or "还没有助餐点")

    p = msub.add_parser("scheme", parents=[common], help="设定补贴方案（从某日起，只能往后改）")
    p.add_argument("--fund", help="支付补贴的基金（不填：只显示现行方案）")
    p.add_argument("--tier", action="append", default=[], metavar="AGE-AGE:YUAN", help="年龄档，如 60-74:1、95-:9")
    p.add_argument("--category", action="append", default=[], metavar="类别:YUAN", help="类别档，如 低保户:8")
    p.add_argument("--cap-week", type=int, help="每周最多补贴几餐")
    p.add_argument("--cap-month", type=int, help="每月最多补贴几餐")
    p.add_argument("--from", dest="from_date", help="起始日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_scheme, show=lambda r: "\n".join(r["described"]) or "还没有补贴方案")

    p = msub.add_parser("enrol", parents=[common], help="登记助餐（按身份证号，可多人）")
    p.add_argument("--canteen", required=True)
    p.add_argument("--id", dest="ids", action="append", required=True, metavar="ID_NUMBER")
    p.add_argument("--from", dest="from_date", help="从哪天起（不填：不限）")
    p.set_defaults(func=cmd_enrol, show=lambda r: f"已在“{r['canteen']}”登记 {len(r['enrolled'])} 人")

    p = msub.add_parser("leave", parents=[common], help="结束助餐登记（退出、迁出、死亡）")
    p.add_argument("--id", required=True, metavar="ID_NUMBER")
    p.add_argument("--on", required=True, help="最后一天 YYYY-MM-DD（之后的就餐不予补贴）")
    p.add_argument("--reason", required=True, help="退出、迁出、死亡或换助餐点")
    p.set_defaults(func=cmd_leave, show=lambda r: f"{r['enrolment']['name']} 的助餐登记到 {r['enrolment']['closed_on']} 结束")

    p = msub.add_parser("import", parents=[common], help="导入助餐点的月就餐表（每人一行或每日表格）")
    p.add_argument("file", type=Path)
    p.add_argument("--canteen", required=True)
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--report", type=Path, help="把有问题的行写入这个 Excel 文件")
    p.set_defaults(func=cmd_import, show=_show_import)

    p = msub.add_parser("statement", parents=[common], help="月结算单：查看、导出、确认付款")
    p.add_argument("--canteen", required=True)
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("-o", "--output", type=Path, help="导出为 .pdf 或 .xlsx")
    p.add_argument("--confirm", action="store_true", help="确认并从补贴基金付款给助餐点")
    p.add_argument("--date", help="付款日期 YYYY-MM-DD（默认今天）")
    p.set_defaults(func=cmd_statement, show=_show_statement)

    p = msub.add_parser("person", parents=[common], help="一个人每月的就餐和补贴")
    p.add_argument("--id", required=True, metavar="ID_NUMBER")
    p.set_defaults(func=cmd_person, show=lambda r: "\n".join(
        [f"{r['name']}：" + (f"在“{r['canteen']}”登记助餐" if r["canteen"] else "没有登记助餐")]
        + [f"  {m['month']} {m['canteen']} 就餐 {m['meals']} 餐" + (
            f"，补贴 {m['subsidised']} 餐 ¥{format_fen(m['subsidy_fen'])}" if m["subsidy_fen"] is not None else "，未结算")
           for m in r["months"]]))

    p = msub.add_parser("reverse", parents=[common], help="冲销已确认的结算单（钱退回基金）")
    p.add_argument("--canteen", required=True)
    p.add_argument("--month", required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_reverse, show=lambda r: r["message"])


def cmd_canteen_add(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.meals import scheme

    c = scheme.add_canteen(ctx.db, ctx.actor, args.name, village=args.village, contact=args.contact, phone=args.phone,
                           bank_name=args.bank_name, bank_account=args.bank_account)
    return {"canteen": c.to_dict()}


def cmd_canteen_list(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.meals import enrolments, scheme

    return {"canteens": [{**c.to_dict(), "enrolled": len(enrolments.at_canteen(ctx.db, c.id))}
                         for c in scheme.list_canteens(ctx.db)]}


def cmd_scheme(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds
    from app.meals import scheme

    out: dict[str, Any] = {}
    if args.fund is not None:
        tiers = scheme.parse_tiers(args.tier, args.category)
        s = scheme.set_scheme(ctx.db, ctx.actor, funds.find_fund(ctx.db, args.fund).id, tiers, cap_week=args.cap_week,
                              cap_month=args.cap_month, effective_from=parse_date(args.from_date, "起始日期"))
        out["scheme"] = s.to_dict()
    elif args.tier or args.category or args.cap_week is not None or args.cap_month is not None:
        from app.errors import InputError

        raise InputError("no_fund", "设定补贴方案要写明由哪个基金支付：--fund 基金名称")
    versions = scheme.schemes(ctx.db)
    out["versions"] = [v.to_dict() for v in versions]
    out["described"] = [scheme.describe(v) for v in versions]
    return out


def cmd_enrol(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.meals import enrolments, scheme

    canteen = scheme.find_canteen(ctx.db, args.canteen)
    ids = [enrolments.person_by_id_number(ctx.db, i)[0] for i in args.ids]
    done = enrolments.enrol(ctx.db, ctx.actor, canteen, ids, on=parse_date(args.from_date, "登记日期"))
    return {"canteen": canteen.name, "enrolled": [e.to_dict() for e in done]}


def cmd_leave(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.errors import NotFound
    from app.meals import enrolments

    rid, name, _ = enrolments.person_by_id_number(ctx.db, args.id)
    e = enrolments.open_enrolment(ctx.db, rid)
    if e is None:
        raise NotFound("not_enrolled", f"{name} 没有在登记中的助餐")
    on = parse_date(args.on, "结束日期")
    assert on is not None
    return {"enrolment": enrolments.close(ctx.db, ctx.actor, e.id, on, args.reason).to_dict()}


def cmd_import(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.imports import meals as meal_import
    from app.meals import counts, scheme

    month = counts.parse_month(args.month)
    canteen = scheme.find_canteen(ctx.db, args.canteen)
    result = meal_import.import_meals(ctx.db, ctx.actor, args.file, canteen, month, dry_run=args.dry_run,
                                      report=args.report)
    from app.cli.import_cmds import finish

    return finish(result, ctx)


def _show_import(r: dict[str, Any]) -> str:
    lines = [r["message"]]
    lines += [f"  第 {e['row']} 行 {e['column']}：{e['message']}" for e in r["errors"][:50]]
    return "\n".join(lines)


def cmd_statement(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.meals import counts, printout, scheme, statement

    month = counts.parse_month(args.month)
    canteen = scheme.find_canteen(ctx.db, args.canteen)
    if args.confirm:
        st = statement.confirm(ctx.db, ctx.actor, canteen, month, on=parse_date(args.date, "付款日期"))
    else:
        st = statement.statement(ctx.db, canteen, month)
    out = st.to_dict()
    if args.output:
        out["export"] = printout.write(ctx.db, st, args.output)
    if args.confirm:
        from app.funds import funds

        out["fund_after"] = funds.find_fund(ctx.db, st.fund).to_dict()
    return out


def _show_statement(r: dict[str, Any]) -> str:
    state = {"draft": "草稿（未付款）", "confirmed": f"已确认付款 {r['paid_on']}"}.get(r["status"], r["status"])
    rows = [f"“{r['canteen']}”{r['month']} 助餐补贴结算单 — {state}", r["scheme"]]
    for ln in r["lines"]:
        rate = format_fen(ln["rate_fen"]) if ln["rate_fen"] is not None else "、".join(
            format_fen(x["rate_fen"]) for x in ln["rates"])
        extra = f"  未补贴 {ln['unsubsidised']} 餐" if ln["unsubsidised"] else ""
        rows.append(f"  {ln['name']:<6}{ln['tier']:<14}{ln['meals']:>4} 餐 × {rate} = {format_fen(ln['subsidy_fen'])}"
                    + extra)
    rows.append(f"合计 {r['people']} 人 {r['meals']} 餐 ¥{format_fen(r['total_fen'])}")
    if "export" in r:
        rows.append(f"已导出：{r['export']['path']}")
    return "\n".join(rows)


def cmd_reverse(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.meals import counts, scheme, statement

    canteen = scheme.find_canteen(ctx.db, args.canteen)
    return statement.reverse(ctx.db, ctx.actor, canteen, counts.parse_month(args.month), args.reason)


def cmd_person(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.meals import enrolments, statement

    rid, name, _ = enrolments.person_by_id_number(ctx.db, args.id)
    e = enrolments.open_enrolment(ctx.db, rid)
    return {"name": name, "canteen": e.canteen if e else "", "months": statement.person_months(ctx.db, rid)}
