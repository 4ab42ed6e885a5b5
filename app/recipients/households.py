"""Households (户): who lives together, and who heads the household (户主).

Programmes such as winter warmth aid one person per household, so people are
linked into households. `save_member` saves a person together with their
household link in one transaction: joining the household of someone already
registered (who gets a household first if they had none), and keeping one head
per household — making someone head takes the flag from the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import NotFound
from app.ids import new_id
from app.recipients import recipients
from app.station.accounts import Operator, require_write


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    id_number: str | None
    birth_date: str | None
    is_head: bool
    status: str


def members(db: Database, household_id: str | None) -> list[Member]:
    """The people of a household, head first, then by birth date."""
    if not household_id:
        return []
    return [Member(r["id"], r["name"], r["id_number"], r["birth_date"], bool(r["is_household_head"]),
                   r["status"])
            for r in db.query("SELECT id, name, id_number, birth_date, is_household_head, status"
                              " FROM recipients WHERE household_id = ?"
                              " ORDER BY is_household_head DESC, birth_date IS NULL, birth_date, name",
                              (household_id,))]


def _set(c: Any, db: Database, actor: Operator, recipient_id: str, **values: Any) -> None:
    """Change a few household columns of one person, audited before/after."""
    before = recipients.get_recipient(db, recipient_id)
    sets = ", ".join(f"{k} = ?" for k in values)
    c.execute(f"UPDATE recipients SET {sets}, updated_at = ?, updated_by = ? WHERE id = ?",
              [*values.values(), now_iso(), actor.id, recipient_id])
    after = recipients.get_recipient(db, recipient_id)
    audit.record(c, actor, "update", "recipients", recipient_id, before.to_dict(), after.to_dict())


def _household_of(db: Database, actor: Operator, c: Any, other_id: str) -> str:
    other = recipients.get_recipient(db, other_id)
    if other.household_id:
        return other.household_id
    hid = new_id()
    c.execute("INSERT INTO households(id, village, address, created_at, created_by) VALUES (?,?,?,?,?)",
              (hid, other.village, other.address, now_iso(), actor.id))
    audit.record(c, actor, "create", "households", hid, None,
                 {"village": other.village, "address": other.address})
    _set(c, db, actor, other_id, household_id=hid)
    return hid


def save_member(db: Database, actor: Operator, data: recipients.RecipientInput, *,
                recipient_id: str | None = None, join_household_of: str | None = None,
                today: dt.date | None = None) -> recipients.Recipient:
    """Add (no `recipient_id`) or update a person, with their household, in one transaction.

    `join_household_of`: the id of someone already registered whose household
    this person joins. A household head without a household gets a new one.
    """
    require_write(actor)
    with db.transaction() as c:
        if join_household_of:
            if join_household_of == recipient_id:
                raise NotFound("no_household", "不能把一个人关联到他自己的家庭户")
            data = replace(data, household_id=_household_of(db, actor, c, join_household_of))
        elif data.is_household_head and not data.household_id:
            data = replace(data, household_id=recipients.create_household(db, actor, data.village,
                                                                          data.address))
        if recipient_id is None:
            person = recipients.add_recipient(db, actor, data, today=today)
        else:
            person = recipients.update_recipient(db, actor, recipient_id, data, today=today)
        if person.is_household_head and person.household_id:
            for m in members(db, person.household_id):
                if m.is_head and m.id != person.id:
                    _set(c, db, actor, m.id, is_household_head=0)
    return person
