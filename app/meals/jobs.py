"""The meal page's slow work, run on the worker with its own connection to the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.db import Database
from app.meals import printout, scheme, statement


def export_statement(db: Database, canteen_id: str, month: str, path: str | Path) -> dict[str, Any]:
    own = db.reopen()
    try:
        canteen = scheme.get_canteen(own, canteen_id)
        return printout.write(own, statement.statement(own, canteen, month), path)
    finally:
        own.close()

