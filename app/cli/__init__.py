"""The command line: `python -m app [--db PATH] [--operator NAME] COMMAND [--json]`.

Output convention for every command: with `--json`, standard output holds
exactly one JSON object — also when the command refuses (then with an `error`
key and a non-zero exit); human messages go to standard error. Without
`--json`, results go to standard output and a failure is one clear line.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.errors import CharityDeskError, DataError

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_BUG = 70


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog}: {message}")


class Context:
    """What a command needs: the database (opened on first use) and who is acting."""

    def __init__(self, db_path: Path, operator: str | None, as_json: bool, *, command: str = "",
                 read_only: bool = False, clock_ok: bool = False) -> None:
        self.db_path = db_path
        self.operator_name = operator
        self.as_json = as_json
        self.command = command
        self.read_only = read_only  # reads only: runs while the window has the file (no write lock)
        self.clock_ok = clock_ok
        self._db: Any = None
        self._actor: Any = None
        self._lock: Any = None
        self.finished = False  # the command ran to its end (a refusal or an error leaves it False)

    def open(self, *, create: bool = False) -> Any:
        """The database, checked and locked for writing (app.safety.opening) unless read-only."""
        if self._db is None:
            from app.safety import clock, opening

            self._db, self._lock = opening.open_for_work(
                self.db_path, who=self.operator_name or "系统", program=f"CharityDesk 命令 {self.command}",
                create=create, read_only=self.read_only)
            problem = None if self.read_only or self.clock_ok else clock.check(self._db)
            if problem is not None:
                raise DataError("clock", problem.message + "如果电脑时间确实没错，加 --clock-ok 再运行。",
                                now=problem.to_dict()["now"], newest=problem.to_dict()["newest"])
        return self._db

    def hold_lock(self) -> None:
        """The write lock without opening the database (restore replaces the file)."""
        from app.safety.lock import WriteLock

        if self._lock is None:
            self._lock = WriteLock.acquire(self.db_path, self.operator_name or "系统", f"CharityDesk 命令 {self.command}")

    @property
    def db(self) -> Any:
        return self.open()

    @property
    def actor(self) -> Any:
        from app.station import accounts

        if self._actor is None:
            self._actor = (accounts.find_operator(self.db, self.operator_name)
                           if self.operator_name else accounts.SYSTEM)
        return self._actor

    def say(self, text: str) -> None:
        """A human message: standard error with --json, standard output otherwise."""
        print(text, file=sys.stderr if self.as_json else sys.stdout)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            if self._lock is not None and self.finished:
                from app.safety import health

                health.remember_sound(self.db_path)
        if self._lock is not None:
            self._lock.release()


#: A command: returns the JSON object; `show` (optional) prints it for people.
Handler = Callable[[Context, argparse.Namespace], dict[str, Any]]


#: Modules under app/cli/ that each add their commands with `register(sub, common)`.
COMMAND_MODULES = ["setup_cmds", "receipt_cmds", "export_cmds", "programme_cmds", "import_cmds", "operator_cmds",
                   "safety_cmds", "township_cmds", "fund_cmds", "goods_cmds", "wish_cmds", "meal_cmds"]


def build_parser() -> Parser:
    import importlib

    parser = Parser(prog="python -m app", description="CharityDesk 慈善工作站助手 — 命令行")
    parser.add_argument("--db", type=Path, help="数据库文件（默认：用户数据文件夹中的 charitydesk.db）")
    parser.add_argument("--operator", help="以哪个操作员的名义修改（默认：系统）")
    parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    parser.add_argument("--clock-ok", action="store_true", help="电脑时间早于最新记录时也照样写入（确认时间没错时）")
    common = Parser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出一个 JSON 对象")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"app.cli.{name}").register(sub, common)
    return parser


def _wants_json(argv: Sequence[str]) -> bool:
    return "--json" in argv


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(argv)
    ctx: Context | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "command", None) or not hasattr(args, "func"):
            raise UsageError(parser.format_usage().strip() + "\n请指定一个命令；用 --help 查看所有命令")
        from app.cli.safety_cmds import READ_ONLY
        from app.paths import default_db_path

        read_only = args.command in READ_ONLY or bool(getattr(args, "dry_run", False)) \
            or getattr(args, "fund_command", None) == "list" or bool(getattr(args, "reads_only", False))
        ctx = Context(args.db or default_db_path(), args.operator, bool(args.json), command=args.command,
                      read_only=read_only, clock_ok=args.clock_ok)
        result = args.func(ctx, args)
        ctx.finished = True
        code = int(result.pop("_exit", 0))
        if ctx.as_json:
            _emit(result)
        else:
            show = getattr(args, "show", None)
            print(show(result) if show else json.dumps(result, ensure_ascii=False, indent=2))
        return code
    except UsageError as exc:
        return _fail(as_json, {"error": str(exc), "reason": "usage"}, EXIT_USAGE)
    except DataError as exc:
        return _fail(as_json, exc.to_dict(), EXIT_DATA)
    except CharityDeskError as exc:
        return _fail(as_json, exc.to_dict(), EXIT_REFUSED)
    except KeyboardInterrupt:
        return _fail(as_json, {"error": "已取消", "reason": "interrupted"}, 130)
    except Exception as exc:  # a bug: say so, with the traceback on stderr
        traceback.print_exc()
        return _fail(as_json, {"error": f"程序内部错误：{exc}", "reason": "bug"}, EXIT_BUG)
    finally:
        if ctx is not None:
            ctx.close()


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _fail(as_json: bool, obj: dict[str, Any], code: int) -> int:
    if as_json:
        _emit(obj)
    print(f"错误：{obj['error']}", file=sys.stderr)
    return code
