"""Commands that keep the data safe: backup, backups (the list), restore."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli import Context
from app.rules.money import format_fen

#: Commands that only read: they run while the window has the database open (no write lock).
READ_ONLY = {"check", "export", "receipt-report", "transfer-list", "backup", "backups"}


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", parents=[common], help="备份数据库（到数据库旁的“备份”文件夹和备份U盘）",
                       description="用 SQLite 的在线备份做一份完整的副本，写完后检查；窗口开着时也可以备份。")
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="备份到这个文件（或文件夹）；默认：备份文件夹和备份U盘")
    p.add_argument("--mark-stick", type=Path, metavar="FOLDER",
                   help="把U盘上的这个文件夹设为本站的备份位置（以后插上就自动备份到这里）")
    p.set_defaults(func=cmd_backup, show=_show_backup)

    p = sub.add_parser("backups", parents=[common], help="列出备份（日期、笔数、最后的收据号）")
    p.add_argument("--check", action="store_true", help="逐个打开检查是否完好")
    p.set_defaults(func=cmd_backups, show=_show_backups)

    p = sub.add_parser("restore", parents=[common], help="用一个备份替换当前数据库（当前的会另存，不会删除）",
                       description="不会提问：检查备份完好、属于本站后，先备份当前数据库，把它改名留存，再放回备份。")
    p.add_argument("file", metavar="FILE", type=Path, help="备份文件（.db）")
    p.add_argument("--other-station", action="store_true", help="允许恢复另一个站点的备份")
    p.set_defaults(func=cmd_restore, show=_show_restore)


def cmd_backup(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.safety import backup, stick

    db = ctx.db
    if args.mark_stick is not None:
        row = db.one("SELECT station_code, name FROM station")
        code, name = (row[0], row[1]) if row else ("", "")
        folder = stick.mark(args.mark_stick, code, name)
        out = {"marked": str(folder)}
        out.update(backup.take_everywhere(db, "manual"))
        return out
    if args.output is not None:
        return {"backup": backup.take(db, args.output.parent, "manual", target=args.output).to_dict(),
                "stick": None, "stick_error": ""}
    return backup.take_everywhere(db, "manual")


def cmd_backups(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.safety import backup, stick

    folder = backup.folder_for(ctx.db_path)
    found = backup.list_backups(folder)
    code = found[0].path.name.split("_")[0] if found else ""
    on_stick = stick.find(code) if code else None
    if on_stick is not None:
        found += backup.list_backups(on_stick, code)
    if args.check:
        found = [backup.verify(b.path) for b in found]
    return {"folder": str(folder), "stick": str(on_stick) if on_stick else None,
            "backups": [b.to_dict() for b in found]}


def cmd_restore(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.safety import restore

    ctx.hold_lock()  # refused while the window (or another command) has the database
    p = restore.plan(ctx.db_path, args.file, other_station=args.other_station)
    return restore.restore(p).to_dict()


def _show_backup(r: dict[str, Any]) -> str:
    lines = []
    if r.get("marked"):
        lines.append(f"已把 {r['marked']} 设为备份位置")
    lines.append(_one(r["backup"]))
    if r.get("stick"):
        lines.append("U盘：" + _one(r["stick"]))
    if r.get("stick_error"):
        lines.append("U盘备份没有写成：" + r["stick_error"])
    return "\n".join(lines)


def _one(b: dict[str, Any]) -> str:
    s = b.get("summary") or {}
    counts = s.get("counts", {})
    return (f"备份 {b['file']}（已检查：完好）：捐赠 {counts.get('donations', 0)} 笔，"
            f"受助对象 {counts.get('recipients', 0)} 人，最后的收据号 {s.get('last_receipt') or '无'}")


def _show_backups(r: dict[str, Any]) -> str:
    if not r["backups"]:
        return f"{r['folder']} 中还没有备份"
    lines = [f"{'时间':<20}{'原因':<8}{'捐赠':>8}{'受助对象':>8}  {'最后的收据号':<20}文件"]
    for b in r["backups"]:
        s = b.get("summary") or {}
        counts = s.get("counts", {})
        state = {True: "", False: "（损坏）", None: ""}[b["sound"]]
        lines.append(f"{b['taken_at'].replace('T', ' '):<20}{b['label']:<8}{counts.get('donations', '?'):>8}"
                     f"{counts.get('recipients', '?'):>8}  {s.get('last_receipt') or '—':<20}{b['file']}{state}")
    return "\n".join(lines)


def _show_restore(r: dict[str, Any]) -> str:
    s = r["backup"]["summary"]
    lines = [f"已恢复 {r['backup']['file']}：捐赠 {s['counts'].get('donations', 0)} 笔"
             f"（{format_fen(s['donations_fen'])} 元），最后的收据号 {s['last_receipt'] or '无'}"]
    if r["kept_aside"]:
        lines.append(f"原来的数据库另存为 {r['kept_aside']}")
    if r["safety_backup"]:
        lines.append(f"恢复前的备份：{r['safety_backup']}")
    if r["losses"]:
        lines.append("恢复后不再有的：" + "，".join(r["losses"]))
    return "\n".join(lines)
