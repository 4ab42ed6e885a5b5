"""The audit trail: who changed what, when, before and after — hash-chained.

Each entry's hash covers its own content and the previous entry's hash, so
editing or deleting any past entry breaks the chain and `verify` finds it.
Entries are written inside the caller's transaction: a change and its audit
entry land together or not at all. An entry also seals the protected rows
written since the previous one (`app.seals`): its hash covers their digest.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from app import seals
from app.db import Database, now_iso

GENESIS = "0" * 64


def _canonical(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _digest(prev_hash: str, seq: int, at: str, operator_id: str, operator_name: str, action: str,
            table_name: str, record_id: str, before: str | None, after: str | None,
            seal: str | None = None) -> str:
    fields: list[Any] = [prev_hash, seq, at, operator_id, operator_name, action, table_name, record_id,
                         before, after]
    if seal is not None:  # entries from before row seals (schema 6) hash as they always did
        fields.append(seal)
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(conn: sqlite3.Connection, actor: Any, action: str, table_name: str, record_id: str,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> int:
    """Append one entry; must be called inside a write transaction."""
    if not conn.in_transaction:
        raise RuntimeError("audit.record needs an open write transaction")
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    prev_hash = last[1] if last else GENESIS
    # AUTOINCREMENT never reuses a number, so the next seq is one past the highest ever used.
    high = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    seq = (high[0] if high else 0) + 1
    at = now_iso()
    b, a = _canonical(before), _canonical(after)
    seal = seals.flush(conn, seq)
    h = _digest(prev_hash, seq, at, actor.id, actor.display_name, action, table_name, record_id, b, a, seal)
    values = (seq, at, actor.id, actor.display_name, action, table_name, record_id, b, a, prev_hash, h)
    if seal is None:
        conn.execute(
            "INSERT INTO audit_log(seq, at, operator_id, operator_name, action, table_name, record_id,"
            " before_json, after_json, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)", values)
    else:
        conn.execute(
            "INSERT INTO audit_log(seq, at, operator_id, operator_name, action, table_name, record_id,"
            " before_json, after_json, prev_hash, hash, seal) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (*values, seal))
    return seq


_SYSTEM = SimpleNamespace(id="system", display_name="系统")


def seal_pending(conn: sqlite3.Connection) -> None:
    """At commit: one entry sealing rows written after the transaction's last entry (a migration
    step, a bulk load). `app.db` calls it before COMMIT."""
    if seals.pending(conn):
        record(conn, _SYSTEM, "seal", "row_seals", "*")


def head(db: Database) -> dict[str, Any]:
    """The newest entry's number and hash: what is written outside the database to compare with."""
    row = db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    return {"seq": int(row[0]), "hash": str(row[1])} if row else {"seq": 0, "hash": GENESIS}


def row_dict(row: sqlite3.Row | None) -> dict[str, Any] | None:
    return None if row is None else {k: row[k] for k in row.keys()}


@dataclass
class ChainReport:
    entries: int
    ok: bool
    problems: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"entries": self.entries, "ok": self.ok, "problems": self.problems}


def verify(db: Database) -> ChainReport:
    """Recompute every hash; report the first entries that do not match or are missing."""
    problems: list[str] = []
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    sealed = db.scalar("SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'seal'")
    cur = db.tuples(
        "SELECT seq, at, operator_id, operator_name, action, table_name, record_id,"
        " before_json, after_json, prev_hash, hash, " + ("seal" if sealed else "NULL") +
        " FROM audit_log ORDER BY seq"
    )
    for row in cur:
        count += 1
        seq = row[0]
        if seq != expected_seq:
            problems.append(f"审计日志缺少第 {expected_seq}–{seq - 1} 条（被删除）")
        if row[9] != prev_hash:
            problems.append(f"审计日志第 {seq} 条与前一条接不上（前面的记录被改动或删除）")
        h = _digest(row[9], row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                    row[11])
        if h != row[10]:
            problems.append(f"审计日志第 {seq} 条的内容被改动过")
        prev_hash = row[10]
        expected_seq = seq + 1
        if len(problems) >= 20:
            problems.append("……问题太多，只列出前 20 条")
            break
    high = db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")
    if high is not None and high >= expected_seq and len(problems) < 20:
        problems.append(f"审计日志最后的第 {expected_seq}–{high} 条被删除")
    return ChainReport(entries=count, ok=not problems, problems=problems)


def history(db: Database, record_id: str) -> list[dict[str, Any]]:
    """Every entry about one record, oldest first, with before/after decoded."""
    out = []
    for row in db.query(
        "SELECT seq, at, operator_name, action, table_name, before_json, after_json"
        " FROM audit_log WHERE record_id = ? ORDER BY seq", (record_id,),
    ):
        out.append({
            "seq": row["seq"], "at": row["at"], "operator": row["operator_name"],
            "action": row["action"], "table": row["table_name"],
            "before": json.loads(row["before_json"]) if row["before_json"] else None,
            "after": json.loads(row["after_json"]) if row["after_json"] else None,
        })
    return out
