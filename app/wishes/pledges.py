"""Pledges and pairings (认捐 / 结对): a donor promises an amount, maybe for one person and by a date.

Nothing is copied onto the pledge as gifts arrive: a gift from the pledging donor for the same person
or anyone in the same household (or, for a pledge without a person, any gift of that donor) counts
toward it, and what was paid out of those gifts counts as paid. A pledge not fully received by its
date is overdue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import InputError, NotFound
from app.ids import new_id
from app.station.accounts import Operator, require_write
from app.wishes import donor_names


@dataclass(frozen=True)
class Pledge:
    id: str
    donor_id: str
    donor: str
    promised_fen: int
    recipient_id: str | None
    person: str
    household_id: str | None
    due_on: str | None
    note: str
    status: str
    created_at: str
    received_fen: int
    paid_fen: int

    @property
    def outstanding_fen(self) -> int:
        return max(0, self.promised_fen - self.received_fen)

    def overdue(self, today: dt.date) -> bool:
        return (self.status == "active" and self.due_on is not None and self.due_on < today.isoformat()
                and self.outstanding_fen > 0)

    def to_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        out = asdict(self)
        out["outstanding_fen"] = self.outstanding_fen
        out["overdue"] = self.overdue(today or dt.date.today())
        return out


#: The gifts that count toward pledge `p` (a row of pledges): same donor, same person or household.
_GIFTS = ("FROM donations d WHERE d.donor_id = p.donor_id AND d.status = 'active' AND d.kind = 'cash'"
          " AND (p.recipient_id IS NULL OR d.recipient_id = p.recipient_id OR (p.household_id IS NOT NULL"
          " AND d.recipient_id IN (SELECT id FROM recipients WHERE household_id = p.household_id)))")
_SELECT = ("SELECT p.id, p.donor_id, o.name, p.amount_fen, p.recipient_id, COALESCE(r.name, ''), p.household_id,"
           " p.due_on, p.note, p.status, p.created_at,"
           f" (SELECT COALESCE(sum(d.amount_fen), 0) {_GIFTS}),"
           " (SELECT COALESCE(sum(f.amount_fen), 0) FROM fund_payments f WHERE f.status = 'active'"
           f"  AND f.donation_id IN (SELECT d.id {_GIFTS}))"
           " FROM pledges p JOIN donors o ON o.id = p.donor_id LEFT JOIN recipients r ON r.id = p.recipient_id")


def get_pledge(db: Database, pledge_id: str) -> Pledge:
    rows = list(db.tuples(_SELECT + " WHERE p.id = ?", (pledge_id,)))
    if not rows:
        raise NotFound("no_pledge", "没有这项认捐")
    return Pledge(*rows[0])


def list_pledges(db: Database, *, include_cancelled: bool = False) -> list[Pledge]:
    where = "" if include_cancelled else " WHERE p.status = 'active'"
    return [Pledge(*r) for r in db.tuples(_SELECT + where + " ORDER BY p.due_on IS NULL, p.due_on, p.created_at")]


def add_pledge(db: Database, actor: Operator, donor_name: str, amount_fen: int, *, donor_kind: str | None = None,
               recipient_id: str | None = None, due_on: dt.date | None = None, note: str = "") -> Pledge:
    """Record a promise: the donor found by name (or created, as at the desk)."""
    require_write(actor)
    if amount_fen <= 0:
        raise InputError("zero", "认捐金额应大于零")
    household = None
    if recipient_id is not None:
        row = list(db.tuples("SELECT household_id FROM recipients WHERE id = ?", (recipient_id,)))
        if not row:
            raise NotFound("no_recipient", "没有这个受助对象")
        household = row[0][0]
    with db.transaction() as c:
        donor = donor_names.find_or_create(db, actor, donor_name, donor_kind)
        pid = new_id()
        c.execute("INSERT INTO pledges(id, donor_id, amount_fen, recipient_id, household_id, due_on, note, created_at,"
                  " created_by) VALUES (?,?,?,?,?,?,?,?,?)",
                  (pid, donor.id, amount_fen, recipient_id, household, due_on.isoformat() if due_on else None,
                   note.strip(), now_iso(), actor.id))
        p = get_pledge(db, pid)
        audit.record(c, actor, "create", "pledges", pid, None, asdict(p))
    return p


def summary(pledges: list[Pledge], today: dt.date) -> dict[str, int]:
    """Promised, received, paid out and overdue over a list (Cangshan: 26 households, 19 paid in)."""
    return {"pledges": len(pledges), "promised_fen": sum(p.promised_fen for p in pledges),
            "received_fen": sum(p.received_fen for p in pledges), "paid_fen": sum(p.paid_fen for p in pledges),
            "fully_received": sum(1 for p in pledges if p.outstanding_fen == 0),
            "overdue": sum(1 for p in pledges if p.overdue(today))}
