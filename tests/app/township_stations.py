"""Three small stations made with the program's own services, for the township tests.

Each station registers its own people (some ID numbers shared with another station), takes gifts
and runs one aid programme, so the totals a consolidation must reach can be recounted from the
three databases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from aid_population import id_number

from app.db import Database
from app.donations import donations, donors
from app.funds import funds
from app.programmes import distributions, programmes
from app.recipients import recipients
from app.station import accounts, setup

DAY = dt.date(2025, 3, 10)


@dataclass
class Station:
    db: Database
    code: str
    people: dict[str, str]  # ID number → recipient id


def make_station(folder: Path, code: str, name: str, ids: list[str], *, gifts: list[int],
                 amount_fen: int = 20000, village: str = "东风村") -> Station:
    db = Database.open(folder / f"{code}-{name}.db", create=True)
    setup.set_up(db, accounts.SYSTEM, code, name, "东风镇")
    actor = accounts.SYSTEM
    people = {}
    for i, idn in enumerate(ids):
        r = recipients.add_recipient(db, actor, recipients.RecipientInput(
            name=f"王{'一二三四五六七八九十'[i % 10]}{code[-1]}", id_number=idn, village=village,
            village_group=f"{i % 3 + 1}组", phone="13800000000", bank_account="6222000011112222"))
        people[idn] = r.id
    donor = donors.create_donor(db, actor, "person", "张三明")
    fund = funds.default_fund(db)
    for fen in gifts:
        donations.record_donation(db, actor, donations.DonationInput(donor.id, dt.date(2025, 2, 3), fen),
                                  today=DAY)
    prog = programmes.create_programme(db, actor, programmes.ProgrammeInput(
        name="冬季送温暖", fund_id=fund.id, amount_fen=amount_fen))
    distributions.distribute(db, actor, prog.id, DAY, today=DAY)
    return Station(db, code, people)


def recount(db: Database) -> tuple[int, int]:
    """(donations, aid) in fen, counted straight from a station database."""
    don = db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM donations WHERE status = 'active'")
    aid = db.scalar("SELECT COALESCE(sum(amount_fen), 0) FROM disbursements"
                    " WHERE status IN ('pending', 'signed', 'paid', 'proxy')")
    return int(don), int(aid)


def shared_ids(n: int) -> list[str]:
    return [id_number(dt.date(1950 + i % 30, 1 + i % 12, 1 + i % 28)) for i in range(n)]
