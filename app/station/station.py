"""The station profile and the settings that travel with the data."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.errors import InputError, NotFound
from app.station.accounts import Operator, require_admin

#: Settings kept in the database (they must travel with the data), with defaults.
SETTINGS: dict[str, str] = {
    "receipt_title": "捐赠收据",
    "receipt_layout": "a5",
    #: "station" (工作站), or "township" (乡镇汇总: an office that adds up the stations' files).
    "role": "station",
    #: Micro-wishes: the most a wish may be worth (fen), and the days a claimant has to get in touch.
    "wish_cap_fen": "30000",
    "wish_claim_days": "7",
    #: The home page warns when a fund's balance falls below this (fen).
    "fund_low_fen": "100000",
}


@dataclass(frozen=True)
class Station:
    station_code: str
    name: str
    township: str
    organisation: str
    #: The generated identity (a UUID) that never changes, even when the code does.
    uid: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_code(code: str) -> str:
    """The code the township assigned (e.g. the village's 12-digit 统计用区划代码)."""
    c = (code or "").strip().upper()
    if not c:
        raise InputError("empty_station_code", "请填写乡镇分配给本站的站点编号（如村的12位统计用区划代码）")
    if not re.fullmatch(r"[A-Z0-9]{2,12}", c):
        raise InputError("bad_station_code",
                         f"站点编号应为乡镇分配的2–12位字母或数字（如村的12位统计用区划代码）：{code}")
    return c


def is_initialised(db: Database) -> bool:
    return db.scalar("SELECT count(*) FROM station") == 1


def get_station(db: Database) -> Station:
    row = db.one("SELECT * FROM station WHERE singleton = 1")
    if row is None:
        raise NotFound("not_initialised", "这个数据库还没有建立工作站，请先运行 init")
    return Station(row["station_code"], row["name"], row["township"], row["organisation"],
                   row["station_uid"] if "station_uid" in row.keys() else "")


def own_village(db: Database) -> str:
    """The station's own village (社区), from its name (东风村慈善工作站 → 东风村); '' when the name
    does not say. The default village for people whose roster names only a group."""
    if not is_initialised(db):
        return ""
    m = re.match(r"^(.+?(?:村|社区|居委会))", get_station(db).name)
    return m.group(1) if m else ""


def identity(db: Database) -> dict[str, str]:
    """What identifies this station in every file it sends (exchange files, backups)."""
    s = get_station(db)
    return {"station_code": s.station_code, "station_uid": s.uid, "name": s.name, "township": s.township}


def update_station(db: Database, actor: Operator, *, name: str | None = None,
                   township: str | None = None, organisation: str | None = None) -> Station:
    require_admin(actor, "修改工作站资料")
    with db.transaction() as c:
        before = get_station(db)
        after = Station(
            before.station_code,
            (name if name is not None else before.name).strip() or before.name,
            (township if township is not None else before.township).strip(),
            (organisation if organisation is not None else before.organisation).strip(),
            before.uid,
        )
        c.execute("UPDATE station SET name=?, township=?, organisation=?, updated_at=? WHERE singleton=1",
                  (after.name, after.township, after.organisation, now_iso()))
        audit.record(c, actor, "update", "station", before.station_code, before.to_dict(), after.to_dict())
    return after


def get_setting(db: Database, key: str) -> str:
    if key not in SETTINGS:
        raise KeyError(key)
    value = db.scalar("SELECT value FROM settings WHERE key = ?", (key,))
    return SETTINGS[key] if value is None else str(value)


def set_setting(db: Database, actor: Operator, key: str, value: str) -> None:
    if key not in SETTINGS:
        raise InputError("unknown_setting", f"没有这个设置项：{key}")
    require_admin(actor, "修改设置")
    with db.transaction() as c:
        before = get_setting(db, key)
        c.execute("INSERT INTO settings(key, value) VALUES (?, ?)"
                  " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))
        audit.record(c, actor, "set", "settings", key, {"value": before}, {"value": value})
