"""Flags from the township's return files: a person of this station found at another station.

A flag is shown (person card, a programme's candidate list: 已在 XX 站领取 …) and never blocks aid
by itself. A newer return file replaces the flags of the older ones; nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app import audit
from app.db import Database, now_iso
from app.ids import new_id
from app.station.accounts import Operator, require_write

KINDS = ("aided_elsewhere", "registered_elsewhere", "deceased", "moved")
_VERBS = {"aided_elsewhere": "领取", "registered_elsewhere": "登记", "deceased": "记为死亡",
          "moved": "记为迁出"}


@dataclass(frozen=True)
class Flag:
    recipient_id: str
    kind: str
    other_station: str
    detail: str

    @property
    def text(self) -> str:
        """已在 东风村工作站 领取 冬季送温暖 2025-01-10 200.00元"""
        return f"已在 {self.other_station} {_VERBS.get(self.kind, '')} {self.detail}".rstrip()


def flags_for(db: Database, recipient_ids: Sequence[str]) -> dict[str, list[Flag]]:
    """The active flags of these people, by person."""
    out: dict[str, list[Flag]] = {}
    ids = list(recipient_ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for rid, kind, other, detail in db.tuples(
                f"SELECT recipient_id, kind, other_station, detail FROM recipient_flags"
                f" WHERE status = 'active' AND recipient_id IN ({marks}) ORDER BY created_at, id", chunk):
            out.setdefault(rid, []).append(Flag(rid, kind, other, detail))
    return out


def active_flags(db: Database) -> dict[str, list[Flag]]:
    """Every active flag, by person (a return file names a few people, not thousands)."""
    out: dict[str, list[Flag]] = {}
    for rid, kind, other, detail in db.tuples("SELECT recipient_id, kind, other_station, detail FROM recipient_flags"
                                              " WHERE status = 'active' ORDER BY created_at, id"):
        out.setdefault(rid, []).append(Flag(rid, kind, other, detail))
    return out


def replace_flags(db: Database, actor: Operator, return_id: str, flags: Iterable[Flag]) -> int:
    """Put the flags of one return file in place of those of earlier ones; returns how many."""
    require_write(actor)
    at = now_iso()
    rows = [(new_id(), f.recipient_id, f.kind, f.other_station, f.detail, return_id, at, actor.id)
            for f in flags]
    with db.transaction() as c:
        replaced = c.execute("UPDATE recipient_flags SET status = 'replaced' WHERE status = 'active'").rowcount
        c.executemany("INSERT INTO recipient_flags(id, recipient_id, kind, other_station, detail, return_id,"
                      " created_at, created_by) VALUES (?,?,?,?,?,?,?,?)", rows)
        audit.record(c, actor, "import_flags", "recipient_flags", return_id, {"active": replaced},
                     {"active": len(rows), "people": len({r[1] for r in rows})})
    return len(rows)
