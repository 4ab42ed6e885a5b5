"""Commands for operators (操作员): add, disable, passwd, list.

Passwords are read from standard input, never from the command line, where
they would stay in the shell's history and show in the process list. At a
terminal they are asked for without echo; otherwise the first line of input
is the password (also with --json).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.cli import Context
from app.errors import InputError


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    op = sub.add_parser("operator", help="操作员：添加、停用、改密码、列出（需要管理员）")
    osub = op.add_subparsers(dest="operator_command", metavar="SUBCOMMAND")
    p = osub.add_parser("add", parents=[common], help="添加操作员；密码从标准输入读取")
    p.add_argument("name", metavar="NAME", help="用户名（登录用）")
    p.add_argument("--admin", action="store_true", help="管理员（默认：志愿者）")
    p.add_argument("--readonly", action="store_true", help="只读账号")
    p.add_argument("--display-name", default="", help="显示的姓名（默认同用户名）")
    p.set_defaults(func=cmd_add, show=lambda r: f"已添加操作员 {r['operator']['username']}（{r['role_name']}）")
    p = osub.add_parser("disable", parents=[common], help="停用操作员（不能停用最后一个管理员）")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_disable, show=lambda r: f"已停用操作员 {r['operator']['username']}")
    p = osub.add_parser("passwd", parents=[common], help="修改操作员密码；新密码从标准输入读取")
    p.add_argument("name", metavar="NAME")
    p.set_defaults(func=cmd_passwd, show=lambda r: f"已修改 {r['operator']['username']} 的密码")
    p = osub.add_parser("list", parents=[common], help="列出操作员")
    p.set_defaults(func=cmd_list, show=_show_list)


def read_password(ctx: Context, prompt: str = "密码：") -> str:
    """The password from standard input: asked without echo at a terminal, else its first line."""
    if sys.stdin is not None and sys.stdin.isatty() and not ctx.as_json:
        first = getpass.getpass(prompt)
        if getpass.getpass("再输入一次：") != first:
            raise InputError("password_mismatch", "两次输入的密码不一样")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    password = line.rstrip("\r\n")
    if not password:
        raise InputError("no_password", "没有读到密码：请从标准输入给出密码（例如 echo 密码 | python -m app operator …）")
    return password


def _op(op: Any, active: bool = True) -> dict[str, Any]:
    from app.station.accounts import ROLE_NAMES

    return {"id": op.id, "username": op.username, "display_name": op.display_name, "role": op.role,
            "role_name": ROLE_NAMES[op.role], "active": active}


def cmd_add(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.station import accounts

    if args.admin and args.readonly:
        raise InputError("bad_role", "--admin 和 --readonly 只能选一个")
    role = "admin" if args.admin else "readonly" if args.readonly else "volunteer"
    password = read_password(ctx)
    op = accounts.create_operator(ctx.db, ctx.actor, args.name, args.display_name, role, password)
    return {"operator": _op(op), "role_name": accounts.ROLE_NAMES[role]}


def cmd_disable(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.station import accounts

    return {"operator": _op(accounts.disable_operator(ctx.db, ctx.actor, args.name), active=False)}


def cmd_passwd(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.station import accounts

    password = read_password(ctx, "新密码：")
    return {"operator": _op(accounts.set_password(ctx.db, ctx.actor, args.name, password))}


def cmd_list(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    from app.station import accounts

    return {"operators": [_op(op, active) for op, active in accounts.list_all(ctx.db)]}


def _show_list(r: dict[str, Any]) -> str:
    lines = [f"{'用户名':<16}{'姓名':<12}{'角色':<8}状态"]
    for o in r["operators"]:
        lines.append(f"{o['username']:<16}{o['display_name']:<12}{o['role_name']:<8}{'在用' if o['active'] else '已停用'}")
    return "\n".join(lines)
