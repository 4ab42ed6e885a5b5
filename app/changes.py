"""What an operation changed (the shape of Anki's OpChanges), so screens refresh only that.

A service's write says which kinds of records it touched; the window hands the flags to the pages
that show those kinds. The named constants below are the operations' own declarations, kept here
in one place so that a new screen can see at a glance what each write may change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    donations: bool = False      # donations and their receipts (incl. prints, voids)
    funds: bool = False          # fund balances: money in or out, funds added or closed
    recipients: bool = False     # the register of people, households, flags
    programmes: bool = False     # aid programmes and their rules
    distributions: bool = False  # drafts, confirmed distributions, reversals
    operators: bool = False      # operator accounts and the station's settings

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def __and__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) and getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def names(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name)]


NOTHING = Changes()
EVERYTHING = Changes(**{f.name: True for f in fields(Changes)})

DONATION_RECORDED = Changes(donations=True, funds=True)
DONATION_VOIDED = Changes(donations=True, funds=True)
DONOR_SAVED = Changes(donations=True)
RECEIPT_PRINTED = Changes(donations=True)
RECIPIENT_SAVED = Changes(recipients=True)
RECIPIENT_FLAGS_IMPORTED = Changes(recipients=True)
PROGRAMME_SAVED = Changes(programmes=True)
DISTRIBUTION_DRAFTED = Changes(distributions=True)
DISTRIBUTION_MARKED = Changes(distributions=True)
DISTRIBUTION_CONFIRMED = Changes(distributions=True, funds=True, recipients=True)
DISTRIBUTION_REVERSED = Changes(distributions=True, funds=True, recipients=True)
FUND_CHANGED = Changes(funds=True)  # a fund added, closed, spent from or moved between (issue 17)
OPERATORS_CHANGED = Changes(operators=True)
