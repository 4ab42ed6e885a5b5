"""Commands for aid programmes and distribution days: programme create, distribute, sheet, transfer-list."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from app.cli import Context
from app.cli.import_cmds import add_import_arguments, finish, show_import
from app.errors import InputError
from app.rules.money import format_fen, parse_yuan


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    prog = sub.add_parser("programme", help="救助项目：建立")
    psub = prog.add_subparsers(dest="programme_command", metavar="SUBCOMMAND")
    p = psub.add_parser("create", parents=[common], help="建立救助项目（现金，每人固定金额）")
    p.add_argument("--name", required=True, help="项目名称，如 春节困境儿童红包")
    p.add_argument("--fund", required=True, help="从哪个基金支出（基金名称）")
    p.add_argument("--amount", required=True, help="每人金额（元）")
    p.add_argument("--min-age", type=int, help="最低年龄（周岁，按发放日期）")
    p.add_argument("--max-age", type=int, help="最高年龄（周岁，按发放日期）")
    p.add_argument("--categories", default="", help="人员类别，逗号分隔，属于其中任一类即可")
    p.add_argument("--villages", default="", help="村/社区，逗号分隔")
    p.add_argument("--one-per-household", action="store_true", help="每户限一人")
    p.add_argument("--not-aided-since", type=int, metavar="YEAR", help="这一年以来受助过本项目的不再发放")
    p.set_defaults(func=cmd_programme_create, show=_show_programme)

    p = sub.add_parser("distribute", parents=[common], help="按项目规则生成发放名单；加 --confirm 确认发放")
    p.add_argument("--programme", required=True, help="项目名称")
    p.add_argument("--date", required=True, help="发放日期 YYYY-MM-DD（可以是过去的日期）")
    p.add_argument("--fit-budget", action="store_true", help="按优先顺序控制在预算和基金可用金额之内")
    p.add_argument("--confirm", action="store_true", help="确认发放（不加则只预览，不保存）")
    p.set_defaults(func=cmd_distribute, show=_show_distribute)

    p = sub.add_parser("sheet", parents=[common], help="打印发放签收表（PDF）")
    p.add_argument("--distribution", required=True, help="发放批次编号（或签收表上的批次号）")
    p.add_argument("-o", "--output", type=Path, required=True, help="PDF 文件")
    p.add_argument("--preparer", default="", help="制表人姓名（默认：操作员）")
    p.set_defaults(func=cmd_sheet, show=lambda r: (
        f"已写出签收表：{r['lines']} 行，{r['pages']} 页，合计 {r['people']} 人 ¥{format_fen(r['total_fen'])}："
        f"{r['path']}"))

    p = sub.add_parser("import-disbursements", parents=[common],
                       help="导入以往的发放名单（签收表），供“不重复受助”规则使用",
                       description="把以往的发放名单作为历史记录导入（不从基金扣钱）。全部行都没有问题才写入，"
                                   "除非加 --skip-invalid；尚未登记的人会列出来，不导入。")
    add_import_arguments(p)
    p.add_argument("--programme", help="救助项目名称（表格中没有“救助项目”列时）")
    p.add_argument("--date", help="发放日期 YYYY-MM-DD（表格中没有“发放日期”列时）")
    p.set_defaults(func=cmd_import_disbursements, show=_show_import)

    p = sub.add_parser("transfer-list", parents=[common], help="导出银行转账清单（Excel）")
    p.add_argument("--distribution", required=True, help="发放批次编号（或签收表上的批次号）")
    p.add_argument("-o", "--output", type=Path, required=True, help=".xlsx 文件")
    p.set_defaults(func=cmd_transfer_list, show=_show_transfer)


def _names(text: str) -> tuple[str, ...]:
    return tuple(x for x in (part.strip() for part in text.replace("，", ",").replace("、", ",").split(",")) if x)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError("bad_date", f"日期应写成 YYYY-MM-DD，如 2026-01-20：{text}") from None


def cmd_programme_create(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.funds import funds
    from app.programmes import programmes

    fund = funds.find_fund(ctx.db, args.fund)
    rules = programmes.Rules(categories=_names(args.categories), min_age=args.min_age, max_age=args.max_age,
                             villages=_names(args.villages), one_per_household=args.one_per_household,
                             not_aided_since=args.not_aided_since)
    prog = programmes.create_programme(ctx.db, ctx.actor, programmes.ProgrammeInput(
        name=args.name, fund_id=fund.id, amount_fen=parse_yuan(args.amount), rules=rules))
    return {"programme": prog.to_dict()}


def _show_programme(r: dict[str, Any]) -> str:
    p = r["programme"]
    lines = [f"已建立救助项目“{p['name']}”：每人 ¥{format_fen(p['amount_fen'])}，从基金“{p['fund_name']}”支出"]
    lines += [f"  {line}" for line in p["rules_text"]]
    return "\n".join(lines)


def cmd_distribute(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.programmes import distributions, eligibility, programmes

    prog = programmes.find_programme(ctx.db, args.programme)
    on = _date(args.date)
    if args.confirm:
        d, plan = distributions.distribute(ctx.db, ctx.actor, prog.id, on, fit_budget=args.fit_budget)
    else:
        distributions.check_date(on)
        plan = eligibility.plan(ctx.db, prog.id, on, fit_budget=args.fit_budget)
        d = None
    out = plan.summary()
    out["confirmed"] = d is not None
    if d is not None:
        out["distribution"] = d.id
        out["batch"] = d.id[-8:].upper()
        out["fund"]["balance_after_fen"] = out["fund"]["balance_fen"] - plan.total_fen
    return out


def _show_distribute(r: dict[str, Any]) -> str:
    f = r["fund"]
    lines = [f"{r['programme']}  发放日期 {r['date']}：{r['people']} 人，共 ¥{format_fen(r['total_fen'])}"]
    if r["excluded"]:
        from app.programmes.eligibility import OUT_WORDS

        why = "，".join(f"{OUT_WORDS.get(k, k)} {n}" for k, n in sorted(r["excluded_by"].items(), key=lambda kv: -kv[1]))
        lines.append(f"  未列入 {r['excluded']} 人（{why}）")
    if r["fit_budget"]:
        lines.append(f"  已按优先顺序控制在 ¥{format_fen(r['fit_limit_fen'] or 0)} 之内，"
                     f"因此少发 {r['trimmed']} 人")
    lines.append(f"  基金“{f['fund']}”余额 ¥{format_fen(f['balance_fen'])}"
                 + (f"，其中定向用于其他用途 ¥{format_fen(f['reserved_fen'])}" if f["reserved_fen"] else ""))
    if r["budget_fen"] is not None:
        lines.append(f"  项目预算 ¥{format_fen(r['budget_fen'])}，已发放 ¥{format_fen(r['budget_spent_fen'])}")
    if r["confirmed"]:
        lines.append(f"已确认发放，批次号 {r['batch']}（编号 {r['distribution']}）。"
                     f"打印签收表：python -m app sheet --distribution {r['batch']} -o 签收表.pdf")
    else:
        lines += [f"  不能确认：{p['message']}" for p in r["problems"]]
        lines.append("这只是预览，没有保存。确认发放请加 --confirm。")
    return "\n".join(lines)


def cmd_sheet(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.programmes import distributions, signoff_sheet

    d = distributions.find_distribution(ctx.db, args.distribution)
    preparer = args.preparer or (ctx.actor.display_name if ctx.operator_name else "")
    result = signoff_sheet.write_sheet(ctx.db, d.id, args.output, preparer=preparer)
    return {**result.to_dict(), "distribution": d.id, "status": d.status}


def cmd_transfer_list(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.programmes import distributions, transfer_list

    d = distributions.find_distribution(ctx.db, args.distribution)
    result = transfer_list.write_transfer_list(ctx.db, d.id, args.output)
    return {**result.to_dict(), "distribution": d.id}


def _show_transfer(r: dict[str, Any]) -> str:
    text = f"已写出银行转账清单：{r['rows']} 人，合计 ¥{format_fen(r['total_fen'])}：{r['path']}"
    if r["missing_accounts"]:
        text += f"\n注意：{len(r['missing_accounts'])} 人没有银行账号：{'、'.join(r['missing_accounts'][:20])}"
    return text


def cmd_import_disbursements(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.imports import disbursements as disbursement_import

    result = disbursement_import.import_file(
        ctx.db, ctx.actor, args.file, programme=args.programme, on=_date(args.date) if args.date else None,
        sheet=args.sheet, dry_run=args.dry_run, skip_invalid=args.skip_invalid, report=args.report)
    return finish(result)


def _show_import(r: dict[str, Any]) -> str:
    text = show_import(r)
    missing = r.get("unregistered") or []
    if missing:
        names = "、".join(f"{m['name']}（第 {m['row']} 行）" for m in missing[:20])
        more = f" 等 {len(missing)} 人" if len(missing) > 20 else ""
        text += f"\n尚未登记、没有导入：{names}{more}。请先登记这些人，再导入一次这份名单（已导入的行不会重复）。"
    return text
