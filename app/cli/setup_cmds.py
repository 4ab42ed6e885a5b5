"""Commands that set a station up and look after it: init, demo, check (funds: `fund_cmds`)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from app.cli import Context


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="建立工作站数据库")
    p.add_argument("--station-code", required=True, help="乡镇分配给本站的站点编号（如村的12位统计用区划代码）")
    p.add_argument("--station-name", required=True, help="工作站名称")
    p.add_argument("--township", default="", help="所属乡镇/街道")
    p.set_defaults(func=cmd_init, show=lambda r: f"已建立工作站 {r['station']['name']}（{r['station']['station_code']}）：{r['db']}")

    p = sub.add_parser("demo", parents=[common], help="生成演示数据")
    p.add_argument("--recipients", type=int, default=1000)
    p.add_argument("--donations", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(func=cmd_demo, show=lambda r: (
        f"已生成 受助对象 {r['recipients']} 人、捐赠人 {r['donors']} 位、捐赠 {r['donations']} 笔、"
        f"发放 {r['aid_days']} 次共 {r['aid_lines']} 人次"
        f"（用时 {r['seconds']} 秒）"))

    p = sub.add_parser("check", parents=[common],
                       help="检查数据是否完好、有没有在程序之外被改动（结构、审计日志、记录指纹）")
    p.add_argument("--against", metavar="FILE",
                   help="与记在数据库之外的审计链头对照：一个备份文件、备份的说明文件(.json)或文字文件")
    p.set_defaults(func=cmd_check, show=_show_check)


def cmd_init(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.station import setup, station

    code = station.normalise_code(args.station_code)  # refuse a bad code before creating a file
    db = ctx.open(create=True)
    st = setup.set_up(db, ctx.actor, code, args.station_name, args.township)
    from app.funds import funds

    return {"db": str(ctx.db_path), "station": st.to_dict(), "default_fund": funds.default_fund(db).name}


def cmd_demo(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app import demo

    start = time.perf_counter()
    result = demo.generate(ctx.db, ctx.actor, args.recipients, args.donations, args.seed)
    return {**result.to_dict(), "seconds": round(time.perf_counter() - start, 2)}


#: Exit code of `check` when it finds damage or changes made outside the program.
EXIT_DAMAGED = 4


def cmd_check(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    """Reads only. Damage marks the file so that writing commands refuse until it is restored."""
    from app.db import Database, clear_damage_mark, mark_damaged
    from app.errors import DataError
    from app.safety import check

    # A bad comparison file is the caller's mistake, not damage: refused before anything is judged.
    head = check.read_head(args.against) if args.against is not None else None
    try:
        db = Database.open_readonly(ctx.db_path)
    except DataError as exc:
        # Without even SQLite's header it is some other file (exit 3, like every command);
        # with it, a database too damaged to read.
        if exc.reason not in ("damaged", "not_database", "io_error") or not _sqlite_header(ctx.db_path):
            raise
        report = check.unreadable(ctx.db_path, exc)
    else:
        try:
            if head is not None:
                try:
                    check.refuse_other_station(db, head)
                except DataError:
                    pass  # an unreadable station row is damage, which the check itself reports
            report = check.run(db, head)
        finally:
            db.close()
    if report["ok"]:
        clear_damage_mark(ctx.db_path)
    else:
        mark_damaged(ctx.db_path, "\n".join(report["errors"]))
        from app.safety import health

        health.forget_sound(ctx.db_path)  # the next writing command reads every page again
        report["_exit"] = EXIT_DAMAGED
    return report


def _sqlite_header(path: Any) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _show_check(r: dict[str, Any]) -> str:
    lines = ["数据完好" if r["ok"] else "发现问题！在用备份恢复之前，程序不会再往这个数据库里保存。"]
    version = "未知" if r["schema_version"] is None else r["schema_version"]
    lines.append(f"数据库版本 {version}，审计日志 {r['audit_chain']['entries']} 条")
    if r["counts"]:
        lines.append("，".join(f"{k} {v}" for k, v in r["counts"].items()))
    lines += [f"错误：{e}" for e in r["errors"]]
    lines += [f"提醒：{w}" for w in r["warnings"]]
    if r.get("against"):
        lines.append(f"对照：{r['against']['message']}")
    lines.append(r["protects"])
    if r.get("audit_head"):
        lines.append(f"审计链头：第 {r['audit_head']['seq']} 条 {r['audit_head']['hash']}")
    return "\n".join(lines)



