"""Commands that set a station up and look after it: init, demo, check (funds: `fund_cmds`)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from app.cli import Context


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("init", parents=[common], help="建立工作站数据库")
    p.add_argument("--station-code", required=True, help="站点编号，如 ST01")
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

    p = sub.add_parser("check", parents=[common], help="检查数据是否完好（结构、审计日志）")
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


def cmd_check(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.safety import check

    report = check.run(ctx.db)
    if not report["ok"]:
        report["_exit"] = 4
    return report


def _show_check(r: dict[str, Any]) -> str:
    lines = ["数据完好" if r["ok"] else "发现问题！"]
    lines.append(f"数据库版本 {r['schema_version']}，审计日志 {r['audit_chain']['entries']} 条")
    lines.append("，".join(f"{k} {v}" for k, v in r["counts"].items()))
    lines += [f"错误：{e}" for e in r["errors"]]
    lines += [f"提醒：{w}" for w in r["warnings"]]
    return "\n".join(lines)



