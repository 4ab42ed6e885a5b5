"""`check`: is this station's data sound, and was anything changed behind the program's back?

It reads the file's structure (`integrity_check`), compares the schema with what the
migrations make, verifies the audit chain, recomputes every protected record's seal
(`app.seals`) and, with `against`, compares the chain with a head written elsewhere.
Every finding is a sentence in the report; damage never escapes as an exception.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app import audit, seals
from app.db import SCHEMA_VERSION, Database
from app.errors import DataError, InputError
from app.funds import journal

COUNTED = ("operators", "funds", "programmes", "donors", "donations", "goods_lines", "recipients",
           "households", "categories", "receipts", "distributions", "disbursements", "audit_log")

#: What the check can and cannot tell, said in the report and in docs/architecture.md.
PROTECTS = ("check 能发现在程序之外对数据库的改动：文件损坏、保护规则（触发器）被删除、"
            "审计日志被改、记录（捐赠、收据、发放等）被改动、添加或删除。"
            "但能删掉触发器的人也能重算整条审计链，所以请把下面的“审计链头”记在数据库之外"
            "（备份、打印的报表），用 check --against 文件 对照。")

#: How many findings of one kind are listed before the rest are only counted.
LIMIT = 30

_KIND_NAMES = {"table": "表", "index": "索引", "trigger": "保护规则（触发器）", "view": "视图"}


def run(db: Database, against: str | Path | dict[str, Any] | None = None) -> dict[str, Any]:
    """A report with `ok` False for damage, a broken chain or records changed outside the program;
    warnings keep `ok` True. Reads only. `against`: a file holding a head, or one `read_head` read."""
    errors: list[str] = []
    warnings: list[str] = []

    def guarded(what: str, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except DataError as exc:
            errors.append(f"{what}时读到损坏的数据：{exc}")
            return None

    integrity = guarded("检查文件结构", lambda: [r[0] for r in db.query("PRAGMA integrity_check")])
    if integrity is not None and integrity != ["ok"]:
        lines = [line for m in integrity for line in str(m).splitlines()]
        errors.extend(f"数据库结构损坏：{m}" for m in lines[:10])
        if len(lines) > 10:
            errors.append(f"……数据库结构另有 {len(lines) - 10} 处损坏")
    version = guarded("读数据库版本", lambda: db.version) or 0
    guarded("比对数据库结构", lambda: errors.extend(schema_problems(db, version)))
    fk = guarded("检查记录之间的引用", lambda: db.query("PRAGMA foreign_key_check"))
    if fk:
        errors.append(f"有 {len(fk)} 条记录引用了不存在的记录（如表 {fk[0][0]}）")
    chain = guarded("核对审计日志", lambda: audit.verify(db))
    if chain is not None:
        errors.extend(chain.problems)
    guarded("核对基金流水", lambda: errors.extend(journal.verify(db)))  # every fund recounted from its journal
    sealed = guarded("核对记录指纹", lambda: seal_problems(db))
    if sealed is not None:
        problems, checked = sealed
        errors.extend(problems)
        if checked is None:
            warnings.append("这个数据库还没有记录指纹（版本 6 以前）：打开程序升级后才能发现被改动的记录")
    counts: dict[str, int] = {}
    for t in COUNTED:
        n = guarded(f"清点表 {t}", _counter(db, t))
        if n is not None:
            counts[t] = n
    if "operators" in counts:
        counts["operators"] -= 1  # the built-in system operator
    guarded("核对收据号", lambda: errors.extend(_receipt_gaps(db)))
    station = guarded("读工作站资料", lambda: db.one("SELECT station_code, name FROM station"))
    if station is None:
        warnings.append("还没有建立工作站（运行 init）")
    elif not guarded("读操作员", lambda: db.scalar(
            "SELECT count(*) FROM operators WHERE role='admin' AND id != 'system' AND active=1")):
        warnings.append("还没有管理员账号：第一次打开程序时会要求建立")
    negative = guarded("读基金余额", lambda: db.query(
        "SELECT f.name, b.balance_fen FROM fund_balances b JOIN funds f ON f.id = b.fund_id"
        " WHERE b.balance_fen < 0")) or []
    for row in negative:
        warnings.append(f"基金“{row[0]}”余额为负：{row[1] / 100:.2f} 元")
    if version < SCHEMA_VERSION:
        warnings.append(f"数据库版本 {version}，本程序打开时会升级到版本 {SCHEMA_VERSION}")
    head = guarded("读审计链头", lambda: audit.head(db))
    compared = None
    if against is not None:
        head_elsewhere = against if isinstance(against, dict) else read_head(against)
        compared = guarded("与对照文件比对", lambda: compare_head(db, head_elsewhere))
        if compared is not None and not compared["ok"]:
            errors.append(compared["message"])
    return {
        "ok": not errors,
        "schema_version": version,
        "program_schema_version": SCHEMA_VERSION,
        "station": dict(station) if station else None,
        "integrity": "ok" if integrity == ["ok"] else "damaged",
        "audit_chain": chain.to_dict() if chain else {"entries": 0, "ok": False, "problems": []},
        "audit_head": head,
        "against": compared,
        "counts": counts,
        "errors": errors,
        "warnings": warnings,
        "protects": PROTECTS,
    }


def _counter(db: Database, table: str) -> Callable[[], int]:
    return lambda: int(db.scalar(f"SELECT count(*) FROM {table}"))


def unreadable(path: str | Path, exc: DataError) -> dict[str, Any]:
    """The report for a file too damaged to open at all."""
    return {
        "ok": False, "schema_version": None, "program_schema_version": SCHEMA_VERSION, "station": None,
        "integrity": "damaged", "audit_chain": {"entries": 0, "ok": False, "problems": []},
        "audit_head": None, "against": None, "counts": {},
        "errors": [f"数据库无法打开：{exc}"], "warnings": [], "protects": PROTECTS,
    }


# ---------- the schema ----------
_expected: dict[int, dict[tuple[str, str], str]] = {}


def expected_schema(version: int) -> dict[tuple[str, str], str]:
    """(type, name) → SQL of everything the migrations up to `version` make, from a fresh file."""
    if version not in _expected:
        with tempfile.TemporaryDirectory(prefix="charitydesk-check-") as tmp:
            fresh = Database.open(Path(tmp) / "fresh.db", create=True, migrate=False)
            try:
                fresh.migrate(target=version)
                _expected[version] = _schema(fresh)
            finally:
                fresh.close()
    return _expected[version]


def _schema(db: Database) -> dict[tuple[str, str], str]:
    return {(t, n): sql or "" for t, n, sql in db.tuples(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}


def schema_problems(db: Database, version: int) -> list[str]:
    if not 1 <= version <= SCHEMA_VERSION:
        return [f"数据库版本号不对：{version}"]
    want, have = expected_schema(version), _schema(db)
    out = []
    for (kind, name), sql in want.items():
        if (kind, name) not in have:
            out.append(f"{_KIND_NAMES.get(kind, kind)} {name} 被删除了（在程序之外改动）")
        elif have[(kind, name)] != sql:
            out.append(f"{_KIND_NAMES.get(kind, kind)} {name} 被改动了（在程序之外改动）")
    for kind, name in have.keys() - want.keys():
        out.append(f"多出了{_KIND_NAMES.get(kind, kind)} {name}（不是本程序建立的）")
    return out


# ---------- the seals ----------
def seal_problems(db: Database) -> tuple[list[str], int | None]:
    """Problems with the row seals, and how many records were checked (None: no seals yet)."""
    if not db.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'row_seals'"):
        return [], None
    out: list[str] = []
    # 1. Each entry's digest covers exactly the seals it wrote; the chain covers the digest.
    by_seq: dict[int, list[tuple[str, str, int, str]]] = {}
    for seq, table, rid, spec, rh in db.tuples(
            "SELECT audit_seq, table_name, record_id, spec, row_hash FROM row_seals"):
        by_seq.setdefault(seq, []).append((table, rid, spec, rh))
    bad = []
    for seq, seal in db.tuples("SELECT seq, seal FROM audit_log WHERE seal IS NOT NULL"):
        if seals.seals_digest(by_seq.pop(seq, [])) != seal:
            bad.append(seq)
    bad.extend(by_seq)
    for seq in sorted(bad)[:LIMIT]:
        out.append(f"审计日志第 {seq} 条所记的记录指纹被改动或删除（在程序之外改动）")
    if len(bad) > LIMIT:
        out.append(f"……另有 {len(bad) - LIMIT} 条审计日志的记录指纹有问题")
    # 2. Every protected record matches its newest seal.
    newest: dict[tuple[str, str], tuple[int, int, str]] = {}
    for table, rid, seq, spec, rh in db.tuples(
            "SELECT table_name, record_id, audit_seq, spec, row_hash FROM row_seals"
            " ORDER BY table_name, record_id, audit_seq"):
        newest[(table, rid)] = (seq, spec, rh)
    present = {r[0] for r in db.tuples("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found: list[str] = []
    checked = 0
    for table in seals.TABLES:
        if table not in present:
            continue
        specs = sorted({spec for (t, _), (_, spec, _) in newest.items() if t == table}
                       or {seals.spec_for(db.version)})
        seen: set[str] = set()
        for spec in specs:
            cols = seals.SPEC[spec][table]
            for row in db.tuples(f"SELECT {', '.join(cols)} FROM {table}"):
                rid = row[0]
                seal = newest.get((table, rid))
                if spec == specs[0]:
                    seen.add(rid)
                    checked += 1
                    if seal is None:
                        found.append(f"{describe(db, table, rid)} 没有审计记录：是在程序之外添加的")
                        continue
                if seal is None or seal[1] != spec:
                    continue
                if seals.row_hash(table, rid, row) != seal[2]:
                    found.append(f"{describe(db, table, rid)} 在程序之外被改动过"
                                 f"（最后一次有记录的修改：审计日志第 {seal[0]} 条）")
        for (t, rid), (seq, _, rh) in newest.items():
            if t == table and rid not in seen and rh != "deleted":
                found.append(f"{seals.TABLE_NAMES.get(table, table)} {rid} 在程序之外被删除了"
                             f"（最后一次有记录的修改：审计日志第 {seq} 条）")
    out.extend(found[:LIMIT])
    if len(found) > LIMIT:
        out.append(f"……另有 {len(found) - LIMIT} 条记录在程序之外被改动")
    return out, checked


def describe(db: Database, table: str, rid: str) -> str:
    """A record as a person finds it: the receipt number of a gift, the name on an aid line."""
    label = seals.TABLE_NAMES.get(table, table)
    try:
        if table == "donations":
            row = db.one("SELECT d.donated_on, d.amount_fen, (SELECT number FROM receipts r"
                         " WHERE r.donation_id = d.id ORDER BY r.seq DESC LIMIT 1) FROM donations d"
                         " WHERE d.id = ?", (rid,))
            if row:
                extra = f"，收据 {row[2]}" if row[2] else ""
                return f"{label} {rid}（{row[0]}，现为 {row[1] / 100:.2f} 元{extra}）"
        elif table == "receipts":
            row = db.one("SELECT number FROM receipts WHERE id = ?", (rid,))
            if row:
                return f"{label} {row[0]}（{rid}）"
        elif table == "disbursements":
            row = db.one("SELECT line_no, name, distribution_id FROM disbursements WHERE id = ?", (rid,))
            if row:
                return f"{label} {rid}（发放批次 {row[2]} 第 {row[0]} 行 {row[1]}）"
        elif table in ("recipients", "donors", "funds", "programmes"):
            row = db.one(f"SELECT name FROM {table} WHERE id = ?", (rid,))
            if row:
                return f"{label}“{row[0]}”（{rid}）"
    except DataError:
        pass
    return f"{label} {rid}"


def _receipt_gaps(db: Database) -> list[str]:
    """Receipt numbers run 1..last for each station and year: a hole means a number went missing."""
    out = []
    for code, year, have, last in db.tuples(
            "SELECT c.station_code, c.year, count(r.id), c.last_seq FROM receipt_counters c"
            " LEFT JOIN receipts r ON r.station_code = c.station_code AND r.year = c.year"
            " GROUP BY c.station_code, c.year"):
        if have != last:
            out.append(f"{code} {year} 年收据号有 {last - have} 个缺失（已用到第 {last} 号，"
                       f"只有 {have} 张收据）；运行 receipt-report --year {year} 查看")
    return out


# ---------- the head kept elsewhere ----------
_HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def read_head(path: str | Path) -> dict[str, Any]:
    """The audit chain head recorded in a backup, a backup's JSON note or a text file.

    A text file may hold the line `check` prints (审计链头：第 N 条 HASH) or any "N … HASH".
    """
    p = Path(path)
    if p.is_dir():
        raise InputError("against_dir", f"{p} 是一个文件夹：请给出一个备份文件或记着审计链头的文件")
    if not p.exists():
        raise InputError("against_missing", f"对照文件不存在：{p}")
    try:
        with open(p, "rb") as fh:
            start = fh.read(16)
    except OSError as exc:
        raise InputError("against_unreadable", f"无法读取对照文件 {p}：{exc.strerror}") from exc
    if start == b"SQLite format 3\x00":
        try:
            other = Database.open_readonly(p)
        except DataError as exc:
            raise InputError("against_unreadable", f"对照的备份无法打开：{exc}") from exc
        try:
            code = other.scalar("SELECT station_code FROM station")
            return {**audit.head(other), "source": "backup", "station_code": code}
        except DataError as exc:
            raise InputError("against_unreadable", f"对照的备份已损坏：{exc}") from exc
        finally:
            other.close()
    try:
        text = p.read_bytes()[:1_000_000].decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("against_unreadable", f"对照文件 {p} 不是备份，也不是文字文件") from exc
    try:
        found = _head_in_json(json.loads(text))
    except ValueError:
        found = None
    if found is None:
        m = re.search(r"(\d+)\D{0,40}?([0-9a-f]{64})", text)
        found = {"seq": int(m.group(1)), "hash": m.group(2)} if m else None
    if found is None:
        raise InputError("against_no_head", f"对照文件 {p} 中没有找到审计链头（第几条和它的 64 位指纹）")
    return {**found, "source": "file"}


def _head_in_json(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        seq = next((v for k, v in value.items() if "seq" in str(k).lower() and isinstance(v, int)), None)
        digest = next((v for k, v in value.items() if "hash" in str(k).lower()
                       and isinstance(v, str) and _HEX64.fullmatch(v)), None)
        if seq is not None and digest is not None:
            return {"seq": seq, "hash": digest}
        for v in value.values():
            found = _head_in_json(v)
            if found:
                return found
    elif isinstance(value, list):
        for v in value:
            found = _head_in_json(v)
            if found:
                return found
    return None


def refuse_other_station(db: Database, head: dict[str, Any]) -> None:
    """A backup of another station says nothing about this database: a mistake, not damage."""
    theirs = head.get("station_code")
    ours = db.scalar("SELECT station_code FROM station")
    if theirs and ours and theirs != ours:
        raise InputError("against_other_station",
                         f"对照的备份是工作站 {theirs} 的，这个数据库是工作站 {ours} 的：请选本站的备份")


def compare_head(db: Database, head: dict[str, Any]) -> dict[str, Any]:
    seq, digest = int(head["seq"]), str(head["hash"])
    have = db.scalar("SELECT hash FROM audit_log WHERE seq = ?", (seq,)) if seq else audit.GENESIS
    if have is None:
        message = (f"对照文件记着审计日志第 {seq} 条，数据库里却没有这一条："
                   "审计日志被删减过，或这是更早的数据库")
    elif have != digest:
        message = (f"审计日志第 {seq} 条与对照文件所记的不同：那以前的记录在程序之外被重写过，"
                   "或这是另一个数据库")
    else:
        message = f"与对照文件一致：审计日志到第 {seq} 条为止没有被改写"
    return {"ok": have == digest, "seq": seq, "hash": digest, "source": head.get("source"), "message": message}
