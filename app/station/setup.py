"""Setting up a new station: its profile, the default general fund and the built-in categories.

Above the funds and the register (it creates the first of each), so it lives apart from the
profile in `app.station.station`, which every domain reads.
"""

from __future__ import annotations

import uuid

from app import audit
from app.db import Database, now_iso
from app.errors import Conflict, InputError
from app.funds import funds
from app.recipients import recipients
from app.station.accounts import Operator
from app.station.station import Station, get_station, is_initialised, normalise_code


def set_up(db: Database, actor: Operator, code: str, name: str, township: str = "",
           organisation: str = "") -> Station:
    """Create the station profile, the default general fund and the built-in categories."""
    code = normalise_code(code)
    name = (name or "").strip()
    if not name:
        raise InputError("empty_station_name", "请填写工作站名称")
    station = Station(code, name, (township or "").strip(), (organisation or "").strip() or name,
                      str(uuid.uuid4()))
    with db.transaction() as c:
        if is_initialised(db):
            raise Conflict("already_initialised", f"这个数据库已经建立了工作站：{get_station(db).name}")
        at = now_iso()
        # A database still in a shape before the identity (schema 8; tests build such) gets it at migration.
        has_uid = any(r[1] == "station_uid" for r in c.execute("PRAGMA table_info(station)"))
        c.execute(
            "INSERT INTO station(singleton, station_code, name, township, organisation, created_at,"
            f" updated_at{', station_uid' if has_uid else ''}) VALUES (1,?,?,?,?,?,?{',?' if has_uid else ''})",
            (station.station_code, station.name, station.township, station.organisation, at, at,
             *((station.uid,) if has_uid else ())),
        )
        audit.record(c, actor, "create", "station", station.station_code, None, station.to_dict())
        funds.create_default(db, actor)
        recipients.create_builtin_categories(db, actor)
    return station
