"""The quick look at a database before it is opened for work: is it whole, ours, not too new,
and is the audit chain's head readable? Done read-only: a damaged file is never written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import audit
from app.db import Database
from app.errors import DataError


@dataclass
class Health:
    ok: bool
    reason: str = ""                    # "damaged", "too_new", "foreign", "not_database", ...
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "reason": self.reason, "problems": self.problems}


def quick_check(path: str | Path) -> Health:
    """`PRAGMA quick_check`, the schema version and the last audit entry, read-only. A file that does
    not exist yet (or is empty) is healthy: it is about to be made."""
    p = Path(path)
    if not p.is_file() or p.stat().st_size == 0:
        return Health(True)  # missing, empty or a folder: Database.open says what is wrong
    try:
        db = Database.inspect(p)
    except DataError as exc:
        return Health(False, exc.reason, [exc.message])
    problems: list[str] = []
    try:
        result = [r[0] for r in db.tuples("PRAGMA quick_check")]
        if result != ["ok"]:
            lines = [ln.strip() for m in result for ln in str(m).splitlines()
                     if ln.strip() and not ln.startswith("***")]
            problems.append(f"数据库文件损坏（SQLite 检查发现 {len(lines)} 处问题，如：{'；'.join(lines[:2])}）")
        elif db.version > 0:
            problems += _head_problems(db)
    except DataError as exc:
        problems.append(exc.message)
    finally:
        db.close()
    return Health(not problems, "damaged" if problems else "", problems)


def _has_seals(db: Database) -> bool:
    """Entries carry a seal from schema step 6 on."""
    return any(r[1] == "seal" for r in db.tuples("PRAGMA table_info(audit_log)"))


def _head_problems(db: Database) -> list[str]:
    """The last audit entry must be readable and its hash must match its content."""
    row = next(db.tuples(
        "SELECT seq, at, operator_id, operator_name, action, table_name, record_id,"
        " before_json, after_json, prev_hash, hash," + (" seal" if _has_seals(db) else " NULL")
        + " FROM audit_log ORDER BY seq DESC LIMIT 1"), None)
    if row is None:
        return []
    seq, at, operator_id, operator_name, action, table, record_id, before, after, prev, hashed, seal = row
    if not re.fullmatch(r"[0-9a-f]{64}", str(hashed)) or audit._digest(
            prev, seq, at, operator_id, operator_name, action, table, record_id, before, after, seal) != hashed:
        return [f"审计日志最后一条（第 {row[0]} 条）被改动过或已损坏"]
    return []
