"""Row seals: each protected record tied to the audit chain by a hash of its content.

When this program writes a protected row, a temporary trigger on its own
connection notes the row; the next audit entry in the same transaction (or,
at commit, one entry of its own) hashes every noted row into `row_seals`
and carries a digest of those seals in its chain hash. A row changed by
anything else — sqlite3 with its triggers dropped, a hex editor — no longer
matches its newest seal, and `check` names it.

What is hashed is fixed per schema version (`SPEC`): a later migration that
adds a column leaves the old seals valid; to cover the new column it adds a
new spec, used for rows sealed from then on.

This protects against edits made behind the program's back by someone who
does not also rewrite the audit chain. Whoever can drop triggers can also
recompute the chain; against that, the chain's head is kept outside the
database (backups, printed reports) and `check --against` compares it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

#: Columns hashed per protected table, by the schema version that defined them. Append only.
SPEC: dict[int, dict[str, tuple[str, ...]]] = {
    6: {
        "donations": ("id", "donor_id", "donated_on", "kind", "method", "amount_fen", "fund_id",
                      "programme_id", "recipient_id", "purpose", "note", "status", "void_reason",
                      "voided_at", "voided_by", "station_code", "created_at", "created_by",
                      "updated_at", "updated_by"),
        "goods_lines": ("id", "donation_id", "line_no", "item", "quantity", "unit", "unit_value_fen",
                        "value_fen"),
        "receipts": ("id", "donation_id", "station_code", "year", "seq", "number", "status", "origin",
                     "replaces_id", "issued_at", "issued_by", "void_reason", "voided_at", "voided_by",
                     "print_count", "first_printed_at", "last_printed_at", "official_number",
                     "official_set_at", "official_set_by"),
        "disbursements": ("id", "distribution_id", "line_no", "recipient_id", "name", "id_number",
                          "village", "categories", "amount_fen", "goods", "status", "by_hand", "reason",
                          "proxy_name", "proxy_note", "status_at", "status_by", "reversal_reason",
                          "reversed_at", "reversed_by", "created_at", "created_by"),
        "distributions": ("id", "programme_id", "distributed_on", "status", "origin", "fund_id",
                          "fit_budget", "people", "total_fen", "note", "cancel_reason", "station_code",
                          "created_at", "created_by", "updated_at", "updated_by", "confirmed_at",
                          "confirmed_by"),
        "distribution_adjustments": ("id", "distribution_id", "recipient_id", "action", "amount_fen",
                                     "reason", "status", "created_at", "created_by", "withdrawn_at",
                                     "withdrawn_by"),
        "fund_outflows": ("id", "fund_id", "amount_fen", "paid_on", "source", "source_id", "status",
                          "created_at", "created_by"),
        "funds": ("id", "name", "kind", "opening_fen", "is_default", "status", "note", "created_at",
                  "created_by", "updated_at", "updated_by"),
        "recipients": ("id", "name", "id_number", "sex", "birth_date", "village", "village_group",
                       "address", "household_id", "is_household_head", "phone", "guardian_name",
                       "guardian_phone", "guardian_relation", "bank_name", "bank_account", "note",
                       "status", "closed_reason", "closed_on", "pinyin_initials", "pinyin_full",
                       "search_text", "created_at", "created_by", "updated_at", "updated_by"),
        "households": ("id", "village", "address", "note", "created_at", "created_by"),
        "donors": ("id", "kind", "name", "credit_code", "phone", "address", "workplace",
                   "contact_person", "note", "search_text", "created_at", "created_by", "updated_at",
                   "updated_by"),
        "programmes": ("id", "name", "fund_id", "status", "note", "created_at", "created_by",
                       "updated_at", "updated_by", "kind", "amount_fen", "goods", "starts_on", "ends_on",
                       "budget_fen", "rule_categories", "rule_min_age", "rule_max_age", "rule_villages",
                       "rule_active_only", "rule_one_per_household", "rule_not_aided_since",
                       "rule_not_aided_months", "priority"),
        "operators": ("id", "username", "display_name", "role", "password_hash", "active",
                      "created_at", "created_by", "updated_at", "updated_by"),
    },
}
# Step 7 (the fund journal): gifts for a village, a named fund's name giver and agreement, and
# the money tables themselves.
SPEC[7] = {
    **SPEC[6],
    "donations": (*SPEC[6]["donations"], "village"),
    "funds": (*SPEC[6]["funds"], "donor_name", "agreement_from", "agreement_to"),
    "fund_journal": ("id", "fund_id", "on_date", "kind", "amount_fen", "goods_fen", "reserve", "source",
                     "source_id", "operator_id", "created_at"),
    "fund_payments": ("id", "fund_id", "recipient_id", "donation_id", "amount_fen", "paid_on", "note", "status",
                      "reversal_reason", "created_at", "created_by"),
    "fund_spending": ("id", "fund_id", "amount_fen", "spent_on", "payee", "purpose", "voucher", "approver",
                      "scan_path", "status", "reversal_reason", "created_at", "created_by"),
    "fund_transfers": ("id", "from_fund_id", "to_fund_id", "amount_fen", "moved_on", "decision_ref", "note",
                       "created_at", "created_by"),
}
# Step 9 (meal subsidies): canteens, the scheme, enrolments and the confirmed statements.
SPEC[9] = {
    **SPEC[7],
    "meal_canteens": ("id", "name", "village", "contact", "phone", "bank_name", "bank_account", "status",
                      "created_at", "created_by"),
    "meal_schemes": ("id", "fund_id", "effective_from", "cap_week", "cap_month", "created_at", "created_by"),
    "meal_enrolments": ("id", "recipient_id", "canteen_id", "enrolled_from", "closed_on", "closed_reason",
                        "created_at", "created_by"),
    "meal_statements": ("id", "canteen_id", "month", "fund_id", "people", "meals", "total_fen", "paid_on",
                        "status", "reversal_reason", "replaces_id", "created_at", "created_by"),
    "meal_statement_lines": ("id", "statement_id", "line_no", "recipient_id", "tier", "meals", "unsubsidised",
                             "rates", "subsidy_fen"),
}
# Step 10: micro-wishes, their claims, and pledges.
SPEC[10] = {
    **SPEC[9],
    "wishes": ("id", "recipient_id", "wish", "value_fen", "school", "story", "checked_by", "checked_on", "state",
               "published_on", "claim_id", "donation_id", "payment_id", "fulfilled_on", "feedback",
               "cancel_reason", "created_at", "created_by", "updated_at", "updated_by"),
    "wish_claims": ("id", "wish_id", "donor_id", "claimed_on", "contact_by", "status", "withdraw_reason",
                    "created_at", "created_by", "closed_at", "closed_by"),
    "pledges": ("id", "donor_id", "amount_fen", "recipient_id", "household_id", "due_on", "note", "status",
                "cancel_reason", "created_at", "created_by"),
}
# Step 11 (the goods store): each movement of goods in or out.
SPEC[11] = {
    **SPEC[10],
    "goods_movements": ("id", "item", "unit", "on_date", "kind", "quantity_milli", "counted_milli", "value_fen",
                        "source", "source_id", "recipient_id", "recipient_name", "reason", "voucher",
                        "operator_id", "created_at"),
}
CURRENT_SPEC = max(SPEC)
#: Every table some spec protects, in a fixed order.
TABLES: tuple[str, ...] = tuple(dict.fromkeys(t for spec in SPEC.values() for t in spec))

#: What people call each protected table in messages.
TABLE_NAMES = {
    "donations": "捐赠", "goods_lines": "物品明细", "receipts": "收据", "disbursements": "发放明细",
    "distributions": "发放批次", "distribution_adjustments": "发放名单调整", "fund_outflows": "基金支出",
    "funds": "基金", "recipients": "受助对象", "households": "家庭户", "donors": "捐赠人",
    "programmes": "救助项目", "operators": "操作员", "fund_journal": "基金流水", "fund_payments": "定向拨付",
    "fund_spending": "支出", "fund_transfers": "基金调拨", "goods_movements": "物资出入库",
    "wishes": "微心愿", "wish_claims": "心愿认领", "pledges": "认捐",
    "meal_canteens": "助餐点", "meal_schemes": "助餐补贴方案", "meal_enrolments": "助餐登记",
    "meal_statements": "助餐结算单", "meal_statement_lines": "助餐结算明细",
}

_TOUCHED = "CREATE TEMP TABLE IF NOT EXISTS seal_touched (" \
           " table_name TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (table_name, record_id)" \
           ") WITHOUT ROWID"


def row_hash(table: str, record_id: str, values: Iterable[Any]) -> str:
    """128 bits of sha256 over the table, id and the spec's column values, as hex."""
    payload = json.dumps([table, record_id, list(values)], ensure_ascii=False, separators=(",", ":"),
                         default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def seals_digest(seals: Iterable[tuple[str, str, int, str]]) -> str:
    """One hash over the (table, id, spec, row hash) sealed by one audit entry, in sorted order."""
    h = hashlib.sha256()
    for table, rid, spec, rh in sorted(seals):
        h.update(f"{table}\t{rid}\t{spec}\t{rh}\n".encode())
    return h.hexdigest()


def is_sealed_schema(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'row_seals'"
                        ).fetchone() is not None


def install(conn: sqlite3.Connection) -> None:
    """On this connection: the note of touched rows and, once `row_seals` exists, the triggers
    that fill it. Temporary: they live on this connection only and are not part of the schema."""
    conn.execute(_TOUCHED)
    if not is_sealed_schema(conn):
        return
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    have = {r[0] for r in conn.execute("SELECT name FROM sqlite_temp_master WHERE type = 'trigger'")}
    for table in TABLES:
        if table not in present:
            continue
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            name = f"seal_{table}_{event.lower()}"
            if name in have:
                continue
            conn.execute(
                f"CREATE TEMP TRIGGER {name} AFTER {event} ON main.{table} BEGIN"
                f" INSERT OR IGNORE INTO seal_touched(table_name, record_id)"
                f" VALUES ('{table}', {row}.id); END")


def spec_for(version: int) -> int:
    """The newest spec a database of this schema version has the columns for."""
    return max((v for v in SPEC if v <= version), default=min(SPEC))


def pending(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute("SELECT 1 FROM temp.seal_touched LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:
        return False


def _chunks(items: list[str], n: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def current_hashes(conn: sqlite3.Connection, table: str, ids: list[str],
                   spec: int = CURRENT_SPEC) -> dict[str, str]:
    """The row hash of each id that exists now (a deleted row is simply absent)."""
    cols = SPEC[spec][table]
    out: dict[str, str] = {}
    for part in _chunks(ids):
        marks = ",".join("?" * len(part))
        for row in conn.execute(f"SELECT {', '.join(cols)} FROM main.{table} WHERE id IN ({marks})", part):
            out[row[0]] = row_hash(table, row[0], tuple(row))
    return out


def flush(conn: sqlite3.Connection, audit_seq: int) -> str | None:
    """Seal every row noted since the last flush under `audit_seq`; the digest of those seals,
    or None when nothing was noted. Must run inside the write transaction."""
    if not pending(conn):  # noted rows imply `row_seals` exists: triggers or step 6 put them there
        return None
    touched: dict[str, list[str]] = {}
    for table, rid in conn.execute("SELECT table_name, record_id FROM temp.seal_touched"):
        touched.setdefault(table, []).append(rid)
    conn.execute("DELETE FROM temp.seal_touched")
    seals: list[tuple[str, str, int, str]] = []
    spec = spec_for(int(conn.execute("PRAGMA user_version").fetchone()[0]))  # a step's own version too
    for table, ids in touched.items():
        if table not in SPEC[spec]:
            continue
        hashes = current_hashes(conn, table, ids, spec)
        # A row deleted by the program (only drafts' pieces can be) is sealed as gone.
        seals.extend((table, rid, spec, hashes.get(rid, "deleted")) for rid in ids)
    if not seals:
        return None
    conn.executemany("INSERT INTO row_seals(table_name, record_id, audit_seq, spec, row_hash)"
                     " VALUES (?,?,?,?,?)", [(t, r, audit_seq, s, h) for t, r, s, h in seals])
    return seals_digest(seals)
