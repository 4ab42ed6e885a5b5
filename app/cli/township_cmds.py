"""Township commands: `export station` (the station's file for the township), `consolidate` (the
township adds up the stations' files) and `import-flags` (the station reads the township's return
file). `export station` is listed with the other exports (app/cli/export_cmds.py) and runs here."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from app.cli import EXIT_REFUSED, Context, UsageError

#: A password for scripts that cannot type one (read instead of asking when set).
PASSWORD_ENV = "CHARITYDESK_PASSWORD"


def ask_password(prompt: str, *, twice: bool = False) -> str:
    """The password from the environment, else typed once (twice to set one) at the terminal."""
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if not sys.stdin.isatty():
        raise UsageError(f"需要密码：请在终端中运行以便输入，或设置环境变量 {PASSWORD_ENV}")
    first = getpass.getpass(prompt)
    if twice and getpass.getpass("再输入一次：") != first:
        raise UsageError("两次输入的密码不一样")
    if not first:
        raise UsageError("密码不能为空")
    return first


# ---------- export station ----------
def station_options(p: argparse.ArgumentParser) -> None:
    from app.cli.export_cmds import period_options

    period_options(p)
    p.add_argument("--password", action="store_true",
                   help=f"给文件加密码（Excel、WPS、LibreOffice 输入密码才能打开）；终端中输入，或取自 {PASSWORD_ENV}")


def run_station(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.cli.receipt_cmds import parse_date
    from app.township.station_file import export_station

    password = ask_password("交换文件的密码：", twice=True) if args.password else ""
    return export_station(ctx.db, args.output, parse_date(args.date_from, "起始日期"),
                          parse_date(args.date_to, "截止日期"), password=password)


def show_station(r: dict[str, Any]) -> str:
    s = r["sheets"]
    aid = s["发放明细"]
    return (f"已导出工作站交换文件（站点编号 {r['station_code']}{'，已加密码' if r['encrypted'] else ''}）："
            f"登记 {s['登记名册']['rows']:,} 人，发放明细 {aid['rows']:,} 条（计入 {aid['amount_fen'] / 100:,.2f} 元）："
            f"{r['path']}")


# ---------- consolidate ----------
def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("consolidate", parents=[common], help="乡镇汇总：读取各工作站的交换文件，生成乡镇汇总表",
                       description="读取各工作站的交换文件（文件或文件夹），检查后汇总；有问题的文件列出原因后跳过。"
                                   "不需要工作站数据库。")
    p.add_argument("paths", nargs="+", metavar="FILE_OR_FOLDER", type=Path, help="交换文件或放交换文件的文件夹")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="TOWN.xlsx", help="要写入的乡镇汇总表")
    p.add_argument("--return-dir", type=Path, metavar="DIR", help="给每个工作站写一个回执文件的文件夹")
    p.add_argument("--cache", type=Path, metavar="DB",
                   help="乡镇的缓存数据库（每次由收到的文件重建；默认在用户数据文件夹中）")
    p.add_argument("--township", default="", help="统计单位（默认：交换文件中写的乡镇）")
    p.add_argument("--preparer", default="", help="制表人")
    p.add_argument("--password", action="store_true",
                   help=f"文件有密码：在终端中输入一次乡镇密码（或取自 {PASSWORD_ENV}）")
    p.set_defaults(func=cmd_consolidate, show=show_consolidate)

    p = sub.add_parser("import-flags", parents=[common], help="导入乡镇发回的回执（在其他站领取、登记的人带上提示）")
    p.add_argument("file", type=Path, metavar="FILE", help="乡镇发回的回执文件（.xlsx）")
    p.set_defaults(func=cmd_import_flags, show=show_import_flags)


def _any_encrypted(paths: list[Path]) -> bool:
    from app.township.crypto import OLE_MAGIC

    for p in paths:
        try:
            with open(p, "rb") as fh:
                if fh.read(8) == OLE_MAGIC:
                    return True
        except OSError:
            continue
    return False


def cmd_consolidate(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.paths import data_dir
    from app.township.consolidate import consolidate, gather

    if args.output.suffix.lower() != ".xlsx":
        raise UsageError(f"汇总表应以 .xlsx 结尾：{args.output}")
    password = ""
    if args.password or (_any_encrypted(gather(args.paths)) and (os.environ.get(PASSWORD_ENV)
                                                                  or sys.stdin.isatty())):
        password = ask_password("乡镇密码：")
    outcome = consolidate(args.paths, args.output, cache=args.cache or data_dir() / "township-cache.db",
                          return_dir=args.return_dir, password=password, township=args.township,
                          preparer=args.preparer)
    out = outcome.to_dict()
    if not outcome.stations:
        out["error"] = ("没有可以汇总的文件：" + "；".join(r["reason"] for r in out["rejected"])
                        if out["rejected"] else "没有可以汇总的文件：文件夹是空的")
        out["_exit"] = EXIT_REFUSED
    return out


def show_consolidate(r: dict[str, Any]) -> str:
    lines = []
    for f in r["accepted"]:
        lines.append(f"采用：{Path(f['file']).name}（站点 {f['station_code']}，{f['rows']:,} 行）")
    for f in r["rejected"]:
        lines.append(f"未采用：{f['reason']}")
    if r.get("error"):
        lines.append(f"错误：{r['error']}")
        return "\n".join(lines)
    t = r["totals"]
    lines.append(f"汇总 {r['stations']} 个工作站：捐赠收入 {t['donations_fen'] / 100:,.2f} 元，"
                 f"救助支出 {t['aid_fen'] / 100:,.2f} 元（{t['aid_lines']:,} 人次）")
    lines.append(f"重复救助 {len(r['duplicate_aid']):,} 人，重复登记 {len(r['duplicates']):,} 人，"
                 f"疑似重复 {len(r['possible_duplicates']):,} 组")
    lines.append(f"汇总表：{r['path']}")
    if r["returns"]:
        lines.append(f"回执 {len(r['returns'])} 个：{Path(r['returns'][0]).parent}")
    return "\n".join(lines)


def cmd_import_flags(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.township.returns import import_flags

    return import_flags(ctx.db, ctx.actor, args.file)


def show_import_flags(r: dict[str, Any]) -> str:
    more = f"；{r['unmatched']} 个身份证号本站已找不到" if r["unmatched"] else ""
    return f"已导入乡镇回执：{r['people']:,} 人带上提示（{r['flags']:,} 条）{more}"
