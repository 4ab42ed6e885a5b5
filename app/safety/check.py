"""`check`: is this station's data sound? Integrity, schema, counts and the audit chain."""

from __future__ import annotations

from typing import Any

from app import audit
from app.db import SCHEMA_VERSION, Database
from app.funds import journal

COUNTED = ("operators", "funds", "programmes", "donors", "donations", "goods_lines", "recipients",
           "households", "categories", "receipts", "distributions", "disbursements", "audit_log")


def run(db: Database) -> dict[str, Any]:
    """A report with `ok` False only for damage or a broken audit chain; warnings keep `ok` True."""
    errors: list[str] = []
    warnings: list[str] = []
    integrity = [r[0] for r in db.query("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        errors.extend(f"数据库结构损坏：{m}" for m in integrity[:20])
    fk = db.query("PRAGMA foreign_key_check")
    if fk:
        errors.append(f"有 {len(fk)} 条记录引用了不存在的记录（如表 {fk[0][0]}）")
    chain = audit.verify(db)
    errors.extend(chain.problems)
    errors.extend(journal.verify(db))  # every fund recounted from its journal
    counts = {t: int(db.scalar(f"SELECT count(*) FROM {t}")) for t in COUNTED}
    # Receipt numbers run 1..last for each station and year: a hole means a number went missing.
    for code, year, have, last in db.query(
            "SELECT c.station_code, c.year, count(r.id), c.last_seq FROM receipt_counters c"
            " LEFT JOIN receipts r ON r.station_code = c.station_code AND r.year = c.year"
            " GROUP BY c.station_code, c.year"):
        if have != last:
            errors.append(f"{code} {year} 年收据号有 {last - have} 个缺失（已用到第 {last} 号，"
                          f"只有 {have} 张收据）；运行 receipt-report --year {year} 查看")
    counts["operators"] -= 1  # the built-in system operator
    station = db.one("SELECT station_code, name FROM station")
    if station is None:
        warnings.append("还没有建立工作站（运行 init）")
    elif not db.scalar("SELECT count(*) FROM operators WHERE role='admin' AND id != 'system' AND active=1"):
        warnings.append("还没有管理员账号：第一次打开程序时会要求建立")
    negative = db.query("SELECT f.name, b.balance_fen FROM fund_balances b JOIN funds f ON f.id = b.fund_id"
                        " WHERE b.balance_fen < 0")
    for row in negative:
        warnings.append(f"基金“{row[0]}”余额为负：{row[1] / 100:.2f} 元")
    return {
        "ok": not errors,
        "schema_version": db.version,
        "program_schema_version": SCHEMA_VERSION,
        "station": dict(station) if station else None,
        "integrity": "ok" if integrity == ["ok"] else "damaged",
        "audit_chain": chain.to_dict(),
        "counts": counts,
        "errors": errors,
        "warnings": warnings,
    }
