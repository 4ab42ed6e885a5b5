"""Import commands: every one takes the same FILE, --sheet, --dry-run, --skip-invalid, --report, --json.

`add_import_arguments` gives a command those options and `finish` turns an
`ImportResult` into the command's JSON (exit 1 when the import was refused;
the JSON is printed all the same), so each import command looks the same.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli import EXIT_REFUSED, Context
from app.imports.common import ImportResult

#: How many problems the human output lists before saying "and N more".
SHOWN_PROBLEMS = 30


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import-recipients", parents=[common],
                       help="导入受助对象花名册（.xlsx、.xls、.csv）",
                       description="从花名册导入受助对象。全部行都没有问题才写入，除非加 --skip-invalid。")
    add_import_arguments(p)
    p.add_argument("--update", action="store_true",
                   help="已登记的人（身份证号相同）按表格中填写的内容更新；默认保持不变")
    p.set_defaults(func=cmd_import_recipients, show=show_import)

    p = sub.add_parser("import-donations", parents=[common],
                       help="导入捐款名单（慈心一日捐等，.xlsx、.xls、.csv）",
                       description="从捐款名单导入捐赠，每笔开具收据。全部行都没有问题才写入，除非加 --skip-invalid。")
    add_import_arguments(p)
    p.add_argument("--fund", metavar="NAME", help="捐款进入的基金（默认：慈善基金（非定向））")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="表中没有日期列时使用的捐款日期（默认：今天）")
    p.set_defaults(func=cmd_import_donations, show=show_import)


def add_import_arguments(p: argparse.ArgumentParser) -> None:
    """The options every import command shares (--json comes from the common parent parser)."""
    p.add_argument("file", metavar="FILE", type=Path, help="要导入的表格文件：.xlsx、.xls 或 .csv")
    p.add_argument("--sheet", metavar="NAME", help="工作表名称（文件中有多张工作表时）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入任何数据")
    p.add_argument("--skip-invalid", action="store_true", help="跳过有问题的行，导入其余各行")
    p.add_argument("--report", metavar="ERRORS.xlsx", type=Path,
                   help="有问题时，把表格连同“错误说明”一列写到这个文件，改正后可以直接再导入")


def finish(result: ImportResult, ctx: Context | None = None) -> dict[str, Any]:
    """The command's JSON: the result, plus an `error` key and exit 1 when refused.

    A refusal also puts one line for people on standard error, as every refusal
    does; given `ctx` of a run without --json, that line is left out because
    `show_import` already says it on standard output.
    """
    out = result.to_dict()
    if result.refused:
        out["error"] = result.message
        out["_exit"] = EXIT_REFUSED
        if ctx is None or ctx.as_json:
            print(f"错误：{result.message}", file=sys.stderr)
    return out


def show_import(r: dict[str, Any]) -> str:
    """The human output of any import command."""
    if r.get("reason"):  # the file itself could not be read
        return f"无法导入 {r['file']}：{r['message']}"
    counts = [f"写入 {r['imported']} 行" if not r["dry_run"] else f"{r['valid']} 行没有问题（试运行，没有写入）"]
    if r.get("updated"):
        counts.append(f"更新 {r['updated']} 人")
    if r["duplicates"] and "total_fen" in r:
        counts.append(f"{r['duplicates']} 笔与已登记的捐赠相同（捐赠人、日期、金额），没有重复导入")
    elif r["duplicates"]:
        counts.append(f"{r['duplicates']} 行是已登记的人")
    if r["skipped"]:
        counts.append(f"跳过合计、表尾等 {r['skipped']} 行")
    errors = r["errors"]
    if errors:
        counts.append(f"{len({e['row'] for e in errors})} 行有问题")
    lines = [f"{r['file']}（工作表“{r['sheet']}”）：{'，'.join(counts)}"]
    if r["refused"]:
        lines.append(r["message"])
    for e in errors[:SHOWN_PROBLEMS]:
        where = f"第 {e['row']} 行" + (f"“{e['column']}”" if e["column"] else "")
        lines.append(f"  {where}：{e['message']}")
    if len(errors) > SHOWN_PROBLEMS:
        rest = f"  …… 另有 {len(errors) - SHOWN_PROBLEMS} 处问题"
        lines.append(rest + ("，全部见错误报告" if r.get("report") else "，用 --report 文件名.xlsx 可以得到全部"))
    if r.get("report"):
        lines.append(f"错误报告：{r['report']}（看“错误说明”一列，改正后可以直接重新导入）")
    if r["refused"] and not r["dry_run"]:
        lines.append("加 --skip-invalid 可以只导入没有问题的行。")
    return "\n".join(lines)


def cmd_import_recipients(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.imports import recipients as recipient_import

    result = recipient_import.import_file(
        ctx.db, ctx.actor, args.file, sheet=args.sheet, dry_run=args.dry_run,
        skip_invalid=args.skip_invalid, update=args.update, report=args.report,
    )
    return finish(result, ctx)


def cmd_import_donations(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    import datetime as dt

    from app.errors import InputError
    from app.funds import funds
    from app.imports import donations as donation_import

    fund_id = funds.find_fund(ctx.db, args.fund).id if args.fund else None
    on = None
    if args.date:
        try:
            on = dt.date.fromisoformat(args.date)
        except ValueError:
            raise InputError("bad_date", f"日期格式应为 YYYY-MM-DD：{args.date}") from None
    result = donation_import.import_file(
        ctx.db, ctx.actor, args.file, sheet=args.sheet, fund_id=fund_id, on=on, dry_run=args.dry_run,
        skip_invalid=args.skip_invalid, report=args.report,
    )
    return finish(result, ctx)
