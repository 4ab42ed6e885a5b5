"""The quick look at a database before it is opened for work: is it whole, ours, not too new,
and is the audit chain's head readable? Done read-only: a damaged file is never written."""

from __future__ import annotations

import json
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


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".checked")


def _stamp(path: Path) -> list[list[int] | None]:
    """Size and modification time of the file and its write-ahead log: what an edit changes."""
    out: list[list[int] | None] = []
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = p.stat()
            out.append([st.st_size, st.st_mtime_ns])
        except OSError:
            out.append(None)
    return out


def remember_sound(path: str | Path) -> None:
    """After a command that held the write lock ended normally: the file is exactly as this program
    left it, so the next command need not read every page again (`known_sound`)."""
    p = Path(path)
    try:
        _stamp_path(p).write_text(json.dumps(_stamp(p)), encoding="utf-8")
    except OSError:
        pass  # a read-only folder: the next command checks the whole file, as without the note


def forget_sound(path: str | Path) -> None:
    _stamp_path(Path(path)).unlink(missing_ok=True)


def known_sound(path: str | Path) -> bool:
    """True when the file is unchanged since a command of ours ended normally with it: nothing
    (another tool, a failing disk rewriting it) has touched it since. Anything else is checked."""
    p = Path(path)
    try:
        return bool(json.loads(_stamp_path(p).read_text(encoding="utf-8")) == _stamp(p))
    except (OSError, ValueError):
        return False


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


def _head_problems(db: Database) -> list[str]:
    """The last audit entry must be readable and its hash must match its content."""
    problem = audit.last_entry_problem(db)
    return [problem] if problem else []
