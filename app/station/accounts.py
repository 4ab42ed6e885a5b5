"""Operators (操作员), their roles and passwords.

Roles: `admin` sets up the station, voids and reopens; `volunteer` records;
`readonly` looks. Passwords are kept as salted scrypt hashes — slow on
purpose, so a stolen file does not give them away.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.ids import new_id

ROLES = ("admin", "volunteer", "readonly")
ROLE_NAMES = {"admin": "管理员", "volunteer": "志愿者", "readonly": "只读"}
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIN_PASSWORD = 6


@dataclass(frozen=True)
class Operator:
    id: str
    username: str
    display_name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "volunteer")


#: Changes made by scripts and the command line without `--operator`.
SYSTEM = Operator(id="system", username="system", display_name="系统", role="admin")


def require_write(actor: Operator) -> None:
    if not actor.can_write:
        raise PermissionDenied("read_only_role", f"操作员 {actor.display_name} 是只读账号，不能修改数据")


def require_admin(actor: Operator, what: str = "这项操作") -> None:
    if not actor.is_admin:
        raise PermissionDenied("admin_only", f"{what}需要管理员权限，{actor.display_name} 不是管理员")


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), dklen=len(digest) // 2,
                         n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got.hex(), digest)


def _row_to_operator(row: object) -> Operator:
    r = row  # sqlite3.Row
    return Operator(id=r["id"], username=r["username"], display_name=r["display_name"], role=r["role"])  # type: ignore[index]


def has_admin(db: Database) -> bool:
    """True when someone can log in as an administrator (the system operator cannot)."""
    return bool(db.scalar(
        "SELECT count(*) FROM operators WHERE role = 'admin' AND active = 1 AND id != 'system'"
    ))


def list_operators(db: Database) -> list[Operator]:
    rows = db.query("SELECT * FROM operators WHERE id != 'system' AND active = 1 ORDER BY username")
    return [_row_to_operator(r) for r in rows]


def find_operator(db: Database, username: str) -> Operator:
    row = db.one("SELECT * FROM operators WHERE username = ? AND active = 1", (username.strip(),))
    if row is None:
        raise NotFound("no_operator", f"没有名为“{username}”的操作员", username=username)
    return _row_to_operator(row)


def create_operator(db: Database, actor: Operator, username: str, display_name: str,
                    role: str, password: str) -> Operator:
    """Add an operator. The first administrator may be created by anyone (first run)."""
    username = username.strip()
    display_name = display_name.strip() or username
    if not re.fullmatch(r"[\w.\-]{2,32}", username):
        raise InputError("bad_username", "用户名应为2–32个字母、数字或汉字")
    if username.lower() == "system":
        raise InputError("bad_username", "system 是保留的用户名")
    if role not in ROLES:
        raise InputError("bad_role", f"角色应为 {', '.join(ROLES)} 之一")
    if len(password) < MIN_PASSWORD:
        raise InputError("short_password", f"密码至少 {MIN_PASSWORD} 位")
    hashed = hash_password(password)
    with db.transaction() as c:
        if has_admin(db):
            require_admin(actor, "添加操作员")
        elif role != "admin":
            raise InputError("need_admin_first", "请先建立管理员账号")
        if c.execute("SELECT 1 FROM operators WHERE username = ?", (username,)).fetchone():
            raise Conflict("duplicate_username", f"用户名“{username}”已经存在")
        op = Operator(id=new_id(), username=username, display_name=display_name, role=role)
        at = now_iso()
        c.execute(
            "INSERT INTO operators(id, username, display_name, role, password_hash, active,"
            " created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,1,?,?,?,?)",
            (op.id, username, display_name, role, hashed, at, actor.id, at, actor.id),
        )
        audit.record(c, actor, "create", "operators", op.id, None,
                     {"username": username, "display_name": display_name, "role": role})
    return op


def authenticate(db: Database, username: str, password: str) -> Operator:
    row = db.one("SELECT * FROM operators WHERE username = ? AND active = 1 AND id != 'system'",
                 (username.strip(),))
    if row is None or not check_password(password, row["password_hash"]):
        raise PermissionDenied("bad_login", "用户名或密码不对")
    return _row_to_operator(row)


def change_password(db: Database, actor: Operator, operator_id: str, new_password: str) -> None:
    if actor.id != operator_id:
        require_admin(actor, "修改别人的密码")
    if len(new_password) < MIN_PASSWORD:
        raise InputError("short_password", f"密码至少 {MIN_PASSWORD} 位")
    hashed = hash_password(new_password)
    with db.transaction() as c:
        n = c.execute("UPDATE operators SET password_hash = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                      (hashed, now_iso(), actor.id, operator_id)).rowcount
        if not n:
            raise NotFound("no_operator", "没有这个操作员")
        # Who and when, never the hash itself.
        audit.record(c, actor, "change_password", "operators", operator_id, None, {"password": "changed"})


def list_all(db: Database) -> list[tuple[Operator, bool]]:
    """Every operator but the system one, with whether the account is active (for the 设置 page)."""
    rows = db.query("SELECT * FROM operators WHERE id != 'system' ORDER BY active DESC, username")
    return [(_row_to_operator(r), bool(r["active"])) for r in rows]


def _named(db: Database, username: str) -> object:
    row = db.one("SELECT * FROM operators WHERE username = ? AND id != 'system'", (username.strip(),))
    if row is None:
        raise NotFound("no_operator", f"没有名为“{username}”的操作员", username=username)
    return row


def disable_operator(db: Database, actor: Operator, username: str) -> Operator:
    """An administrator stops an account from logging in; its history stays. The last active
    administrator cannot be disabled, or nobody could void, restore or add operators again."""
    require_admin(actor, "停用操作员")
    with db.transaction() as c:
        row = _named(db, username)
        op = _row_to_operator(row)
        if not row["active"]:  # type: ignore[index]
            raise Conflict("already_disabled", f"操作员“{op.username}”已经停用了")
        if op.is_admin and not c.execute(
                "SELECT 1 FROM operators WHERE role = 'admin' AND active = 1 AND id NOT IN ('system', ?)",
                (op.id,)).fetchone():
            raise Conflict("last_admin", f"“{op.username}”是最后一个管理员，不能停用：请先添加另一个管理员")
        c.execute("UPDATE operators SET active = 0, updated_at = ?, updated_by = ? WHERE id = ?",
                  (now_iso(), actor.id, op.id))
        audit.record(c, actor, "disable", "operators", op.id, {"username": op.username, "active": 1},
                     {"username": op.username, "active": 0})
    return op


def set_password(db: Database, actor: Operator, username: str, new_password: str) -> Operator:
    """`change_password` by user name (the command line and the 设置 page)."""
    op = _row_to_operator(_named(db, username))
    change_password(db, actor, op.id, new_password)
    return op
