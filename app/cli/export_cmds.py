"""`export KIND -o FILE.xlsx`: Excel files for township staff, one kind of table each.

The public notice also prints: `export notice -o FILE.pdf` writes it as a PDF to post.

Each kind registers once in `KINDS` with its own options; they share `-o`,
`--mask` and `--json`, and write through the one writer in `app.excel`.
Later kinds (donations, disbursements, funds, monthly, notice) add an entry
here and take `--from`/`--to` through `period_options`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.cli import Context, UsageError, township_cmds


@dataclass(frozen=True)
class Kind:
    name: str
    help: str
    #: Adds the options only this kind takes.
    add_arguments: Callable[[argparse.ArgumentParser], None]
    #: Writes the file; returns the JSON result (at least `path` and `rows`).
    run: Callable[[Context, argparse.Namespace], dict[str, Any]]
    #: One line for people, from the JSON result.
    show: Callable[[dict[str, Any]], str]
    #: The file types it writes (`run` looks at the suffix when there is more than one).
    suffixes: tuple[str, ...] = (".xlsx",)


def period_options(p: argparse.ArgumentParser) -> None:
    """`--from DATE --to DATE` for kinds that cover a period (no dates: everything)."""
    p.add_argument("--from", dest="date_from", metavar="DATE", help="起始日期（含），如 2024-01-01")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="截止日期（含），如 2024-12-31")


def _recipient_options(p: argparse.ArgumentParser) -> None:
    from app.recipients.search import STATUS_FILTERS

    p.add_argument("--status", choices=("all", *STATUS_FILTERS), default="all",
                   help="只导出某种状态：active 在册、inactive 已注销……（默认全部）")
    p.add_argument("--village", help="只导出一个村（社区）")
    p.add_argument("--category", help="只导出一个人员类别")
    p.add_argument("--search", default="", help="与登记页搜索框相同的搜索文字")


def _run_recipients(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.recipients.export import export_recipients
    from app.recipients.search import Filters

    filters = Filters(status=None if args.status == "all" else args.status, village=args.village,
                      category=args.category)
    written = export_recipients(ctx.db, args.output, mask=args.mask, text=args.search, filters=filters)
    return {**written.to_dict(), "masked": bool(args.mask)}


def _period(args: argparse.Namespace) -> Any:
    from app.cli.receipt_cmds import parse_date
    from app.reports.period import Period

    return Period(parse_date(args.date_from, "起始日期"), parse_date(args.date_to, "截止日期"))


def _report(key: str) -> Callable[[Context, argparse.Namespace], dict[str, Any]]:
    """Run a report from `app.reports.catalog` (the same list the 报表 page shows)."""

    def run(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
        from app.reports.catalog import KINDS as REPORTS
        from app.reports.catalog import Request
        from app.reports.period import Period

        report = REPORTS[key]
        period = _period(args) if report.covers == "range" else Period()
        req = Request(args.output, period, getattr(args, "year", 0), bool(getattr(args, "mask", False)))
        return report.export(ctx.db, req)

    return run


def _show_notice(r: dict[str, Any]) -> str:
    what = f"公示（PDF，{r['pages']} 页）" if r.get("format") == "pdf" else "公示"
    return f"已导出{what}：收入 {_yuan(r['in_fen'])}，支出 {_yuan(r['out_fen'])}：{r['path']}"


def _year_options(p: argparse.ArgumentParser) -> None:
    import datetime as dt

    p.add_argument("--year", type=int, default=dt.date.today().year, help="哪一年（默认今年）")


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f} 元"


KINDS: dict[str, Kind] = {
    k.name: k for k in (
        Kind("recipients", "受助对象名单（每人一行）", _recipient_options, _run_recipients,
             lambda r: f"已导出受助对象 {r['rows']:,} 人{'（已脱敏）' if r['masked'] else ''}：{r['path']}"),
        Kind("donations", "捐赠台账（每笔捐赠一行，作废的不计入合计）", period_options, _report("donations"),
             lambda r: f"已导出捐赠台账 {r['rows']:,} 笔（有效 {r['valid']:,} 笔，{_yuan(r['valid_fen'])}；"
                       f"作废 {r['voided']:,} 笔不计入）：{r['path']}"),
        Kind("disbursements", "发放台账（每条发放明细一行，冲销的不计入合计）", period_options, _report("disbursements"),
             lambda r: f"已导出发放台账 {r['rows']:,} 条（计入 {r['live']:,} 人次，{_yuan(r['live_fen'])}）："
                       f"{r['path']}"),
        Kind("funds", "基金收支表（期初、收入、支出、期末；定向基金单列）", period_options, _report("funds"),
             lambda r: f"已导出基金收支表 {r['rows']:,} 个基金：{r['path']}"),
        Kind("monthly", "年度报表（每月收支；按基金、项目、类别、村汇总；图表）", _year_options, _report("monthly"),
             lambda r: f"已导出 {r['year']} 年度报表：收入 {_yuan(r['received_fen'])}，"
                       f"救助支出 {_yuan(r['aid_fen'])}（{r['aid_lines']:,} 人次）：{r['path']}"),
        Kind("notice", "公示（收入和支出，姓名、身份证号一律脱敏；.xlsx 或可张贴的 .pdf）", period_options,
             _report("notice"), _show_notice, suffixes=(".xlsx", ".pdf")),
        Kind("station", "工作站交换文件（交给乡镇汇总：登记名册、发放明细、捐赠、基金余额）",
             township_cmds.station_options, township_cmds.run_station, township_cmds.show_station),
    )
}


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", help="导出 Excel 表格：" + "、".join(KINDS))
    kinds = p.add_subparsers(dest="export_kind", metavar="KIND")
    for kind in KINDS.values():
        kp = kinds.add_parser(kind.name, parents=[common], help=kind.help)
        pdf = ".pdf" in kind.suffixes
        kp.add_argument("-o", "--output", required=True, type=Path,
                        metavar="FILE.xlsx|FILE.pdf" if pdf else "FILE.xlsx",
                        help="要写入的 Excel 文件" + ("（以 .pdf 结尾则写成可打印张贴的 PDF）" if pdf else ""))
        names = _has_names(kind.name)
        if names:  # the fund statement and the annual report hold no names to mask
            kp.add_argument("--mask", action="store_true",
                            help="总是脱敏" if names == "always" else "姓名、身份证号等部分隐藏（可对外公布）")
        kind.add_arguments(kp)
        kp.set_defaults(func=_runner(kind), show=kind.show)


def _has_names(name: str) -> str:
    """"yes" where names may be masked, "always" where they always are, "" where there are none."""
    from app.reports.catalog import KINDS as REPORTS

    if name == "station":
        return ""  # the township matches people by their ID numbers
    if name not in REPORTS:
        return "yes"  # the recipient list
    report = REPORTS[name]
    return "always" if report.always_masked else "yes" if report.maskable else ""


def _runner(kind: Kind) -> Callable[[Context, argparse.Namespace], dict[str, Any]]:
    def run(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
        if args.output.suffix.lower() not in kind.suffixes:
            if len(kind.suffixes) > 1:
                raise UsageError(f"导出文件应以 {' 或 '.join(kind.suffixes)} 结尾：{args.output}")
            pdf_kinds = "、".join(k.name for k in KINDS.values() if ".pdf" in k.suffixes)
            raise UsageError(f"导出文件应以 {kind.suffixes[0]} 结尾：{args.output}"
                             f"（只有 {pdf_kinds} 可以导出 PDF）")
        start = time.perf_counter()
        result = kind.run(ctx, args)
        return {"kind": kind.name, **result, "seconds": round(time.perf_counter() - start, 2)}

    return run
