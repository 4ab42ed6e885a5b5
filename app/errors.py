"""Typed errors that leave `app/`.

Two families, as STYLE.md asks: `InputError` for what a person typed or a file
held (shown to them in plain words), and `DataError` for problems of the world
(disk full, file locked, damaged or foreign database). Anything else is a bug.
Each error carries a short `reason` code for callers and tests, and a Chinese
message that the command line prints and the UI may reuse.
"""

from __future__ import annotations

from typing import Any


class CharityDeskError(Exception):
    """Base of every error this program reports to a person."""

    def __init__(self, reason: str, message: str, **facts: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.facts = facts

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.message, "reason": self.reason}
        if self.facts:
            out["facts"] = {k: v for k, v in self.facts.items() if _jsonable(v)}
        return out


def _jsonable(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool, type(None), list, dict))


class InputError(CharityDeskError):
    """Something a person typed, or a file they gave, is not acceptable."""


class NotFound(InputError):
    """A named thing (fund, operator, donor…) does not exist."""


class Conflict(InputError):
    """The change would break a rule of the data (duplicate, already voided…)."""


class PermissionDenied(InputError):
    """The operator's role does not allow this change."""


class DataError(CharityDeskError):
    """A problem of the world: the database file or the disk."""
