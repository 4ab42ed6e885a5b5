"""The meal page's slow work, run by the job helper on its own connection to the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.db import Database
from app.meals import printout, scheme, statement


def export_statement(db: Database, canteen_id: str, month: str, path: str | Path) -> dict[str, Any]:
    """The month's statement of one canteen written to `path` (.pdf or .xlsx)."""
    canteen = scheme.get_canteen(db, canteen_id)
    return printout.write(db, statement.statement(db, canteen, month), path)
