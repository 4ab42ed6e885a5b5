"""Dates between Qt's date fields and the plain `datetime.date` that `app/` takes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate


def py_date(value: QDate) -> dt.date:
    """The date a `QDateEdit` shows, as `datetime.date` (PySide6 types `toPython()` as object)."""
    out = value.toPython()
    assert isinstance(out, dt.date)
    return out
