"""Migrations: shipped steps never change, and every step runs over data of the shape before it."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from migration_seeds import SEEDS  # tests/app is on sys.path

from app.db import SCHEMA_VERSION, Database
from app.funds import funds, journal
from app.migrations import MIGRATIONS
from app.reports import receipt_report
from app.safety import check

#: sha256 of the SQL of every shipped step. A changed old step fails here: add a new step instead.
#: A new step adds its line (the failure message prints it).
FROZEN = {
    1: "2ad9b837025940b7a3a9879653dfaf2c81bd62c5bcbe13721b5b7f60c0cd887c",
    2: "15d11444120203aaa9c95d0082d25c3d5ececf75dd7634025d856c793a98ec42",
    3: "04a843ca7923e1d6ae8260a9149e5fef30e65cd105d04504e02e10c5dbe35452",
    4: "9ec80e24bf8503d5db88421fc27e54d89c8fa5d325817df716685c180b8e8354",
    5: "376270750637f0820143dca759a9355ea389a02e4e89c621d9a1a74ff1ac8a17",
    6: "76479360ae5cf52d5c0da5f253b7ca6947b5341d1e05e6b247ad757f94de2348",
    7: "4cd252ff61923fec2256c52af37d05d4de92f0e7c84bb42d49c75a3d9aeb3751",
    8: "73ad715b875ce7c778d8092bea1d8a4e82b508ce64ad339384b8a601c4956179",
    9: "aa80e9d1574e0a9b7096fd6853e396c5f68054f13a5483341dfd9153e4b0ec55",
    10: "0041aa853d9929a5dce5841ccc2a28687410501a6d746a1fd682cef033cfed75",
    11: "16949b82be07321d393d4d702e63dc788bc652282213e1c18da81f52212ae5d1",
}


def _digest(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def test_shipped_migrations_are_frozen():
    now = {v: _digest(sql) for v, _, sql in MIGRATIONS}
    new = {v: h for v, h in now.items() if v not in FROZEN}
    assert not new, "add to FROZEN: " + ", ".join(f'{v}: "{h}"' for v, h in new.items())
    assert now == FROZEN, "a shipped migration was edited: add a new step instead"


def test_every_step_has_a_seed():
    assert sorted(SEEDS) == [v for v, _, _ in MIGRATIONS]


def _build(path, upto: int) -> Database:
    """A database that lived through versions 1..`upto`, with each version's data added in turn."""
    db = Database.open(path, create=True, migrate=False)
    for version in [v for v, _, _ in MIGRATIONS if v <= upto]:
        db.migrate(target=version)
        with db.transaction() as c:
            for statement in _statements(SEEDS[version]):
                c.execute(statement)
    return db


def _statements(script: str) -> list[str]:
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    assert not buf.strip(), buf
    return out


def _rows(db: Database) -> dict[str, dict[tuple, dict]]:
    """Every row of every table, by primary key (rowid where there is none), as column → value."""
    out: dict[str, dict[tuple, dict]] = {}
    tables = [r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'"
                                     " AND name NOT LIKE 'sqlite_%'")]
    for t in tables:
        info = db.query(f"PRAGMA table_info({t})")
        pk = [r["name"] for r in sorted(info, key=lambda r: r["pk"]) if r["pk"]] or ["rowid"]
        cols = ", ".join(pk + [r["name"] for r in info])
        out[t] = {tuple(r[:len(pk)]): dict(zip([c["name"] for c in info], r[len(pk):], strict=True))
                  for r in db.tuples(f"SELECT {cols} FROM {t}")}
    return out


@pytest.mark.parametrize("start", [v for v, _, _ in MIGRATIONS])
def test_data_of_every_version_survives_every_later_step(tmp_path, start):
    path = tmp_path / f"v{start}.db"
    db = _build(path, start)
    before = _rows(db)
    assert sum(len(r) for r in before.values()) > 20
    db.close()

    db = Database.open(path)  # the newest program opens and migrates it
    assert db.version == SCHEMA_VERSION
    assert db.scalar("PRAGMA integrity_check") == "ok"
    assert db.query("PRAGMA foreign_key_check") == []
    after = _rows(db)
    for table, rows in before.items():
        if table == "schema_migrations":
            continue
        for key, row in rows.items():
            assert key in after[table], f"{table} {key} lost"
            kept = {c: after[table][key][c] for c in row}
            assert kept == row, f"{table} {key} changed"
    report = check.run(db)
    assert report["ok"], report["errors"]

    # The newest services read the old data: the general fund holds its opening balance and the
    # money given to it, less the aid that was not reversed; the rice is goods, not money (step 7).
    general = next(f for f in funds.list_funds(db) if f.is_default)
    aid = 10000 + (20000 if start >= 3 else 0)
    spent = 2000 if start >= 7 else 0
    assert general.balance_fen == 50000 + 30000 + (12345 if start >= 2 else 0) - aid - spent
    assert general.goods_fen == 60000 and general.reserved_fen == 0
    assert journal.verify(db) == []
    year = receipt_report.build(db, 2025)
    assert year.summary()["complete"], year.summary()
    db.close()


def test_history_moves_into_the_fund_journal(tmp_path):
    """Step 7 on a station with history: openings, gifts, a void, aid and its reversal all become
    journal rows, and the kept totals are what the old balance view said, goods apart."""
    path = tmp_path / "v5.db"
    db = _build(path, 5)
    old = {r[0]: r[1] for r in db.tuples("SELECT fund_id, balance_fen FROM fund_balances")}
    db.close()
    db = Database.open(path)
    kinds = {(r[0], r[1]): r[2] for r in db.tuples(
        "SELECT source_id, kind, amount_fen FROM fund_journal WHERE fund_id = 'f-general'")}
    assert kinds[("f-general", "opening")] == 50000
    assert kinds[("g-void", "gift")] == 999 and kinds[("g-void", "gift_void")] == -999
    assert kinds[("ln-2", "aid")] == -5000 and kinds[("ln-2", "aid_reversal")] == 5000
    general = funds.get_fund(db, "f-general")
    assert general.balance_fen + general.goods_fen == old["f-general"]  # the old view counted goods as money
    school = funds.get_fund(db, "f-school")
    assert (school.balance_fen, school.reserved_fen) == (old["f-school"], 20000)
    assert journal.reserves(db, "f-school") == {"person:r-child": 20000}
    ledger = journal.ledger(db, "f-general")
    assert ledger[0]["kind"] == "opening" and ledger[-1]["balance_fen"] == general.balance_fen
    db.close()
