"""Per-PC preferences, each declared once (key, type, default), kept in QSettings.

Settings that must travel with the data (station name, receipt title) live in
the database instead (`app.station.station`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any


LARGE_TEXT = Setting("ui/large_text", bool, False)
LAST_USER = Setting("login/last_user", str, "")
IDLE_LOCK_MINUTES = Setting("ui/idle_lock_minutes", int, 15)
PRINTER_NAME = Setting("print/printer_name", str, "")
PAPER = Setting("print/paper", str, "")
RECIPIENT_COLUMNS = Setting("register/columns", str, "")
EXPORT_FOLDER = Setting("reports/folder", str, "")
#: The station's name as last opened, for the splash shown before the database is read.
STATION_NAME = Setting("start/station_name", str, "")


def _store() -> QSettings:
    return QSettings("CharityDesk", "CharityDesk")


def get(s: Setting) -> Any:
    value = _store().value(s.key, s.default)
    if s.type is bool:
        return value in (True, "true", "1", 1)
    try:
        return s.type(value)
    except (TypeError, ValueError):
        return s.default


def put(s: Setting, value: Any) -> None:
    _store().setValue(s.key, value)
