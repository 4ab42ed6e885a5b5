"""Return files (回执): back from the township to each station, and imported there as flags.

Masked IDs cannot be matched at the station, so each station gets its own small file: only its
own people found elsewhere (by the ID number it sent), where else and what they received, and any
death or move another station recorded. A return file meant for another station is refused.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.db import Database
from app.excel import Report, write_table
from app.recipients import flags
from app.station import station
from app.station.accounts import Operator
from app.township.format import (
    CHECKSUM_LABEL,
    FLAG_WORDS,
    FLAGS,
    FORMAT_VERSION,
    META,
    RETURN_FILE,
    ROWS_LABEL,
)
from app.township.reader import Rejected, read_exchange
from app.township.station_file import checksum, columns

if TYPE_CHECKING:
    from app.township.consolidate import Outcome

_WORD_TO_KIND = {v: k for k, v in FLAG_WORDS.items()}


def _all_rows(db: Database, names: dict[str, str]) -> dict[str, list[list[str]]]:
    """Every station's return rows in two passes over the cache (not two queries per station): only
    ID numbers that more than one station holds can be found elsewhere."""
    out: dict[str, list[list[str]]] = {}
    with db.transaction():
        db.execute("DROP TABLE IF EXISTS shared_ids")
        db.execute("""CREATE TABLE shared_ids AS
            SELECT id_number FROM (SELECT id_number, station_uid FROM register WHERE id_number != ''
                                   UNION SELECT id_number, station_uid FROM aid WHERE id_number != '')
             GROUP BY id_number HAVING count(*) > 1""")
    aided = """
        SELECT r.station_uid, r.id_number, r.name, a.station_uid, a.programme, a.date, a.amount_fen, a.goods
          FROM shared_ids s JOIN register r ON r.id_number = s.id_number
          JOIN aid a ON a.id_number = s.id_number AND a.station_uid != r.station_uid AND a.counted = '是'
         ORDER BY r.station_uid, r.id_number, a.date"""
    for uid, idn, name, other, prog, on, fen, goods in db.tuples(aided):
        what = f"{fen / 100:.2f}元" if fen else (goods or "")
        out.setdefault(uid, []).append([idn, name, FLAG_WORDS["aided_elsewhere"], names[other],
                                        f"{prog} {on} {what}".strip()])
    registered = """
        SELECT r.station_uid, r.id_number, r.name, o.station_uid, o.village, o.village_group, o.status,
               o.closed_on, r.status
          FROM shared_ids s JOIN register r ON r.id_number = s.id_number
          JOIN register o ON o.id_number = s.id_number AND o.station_uid != r.station_uid
         ORDER BY r.station_uid, r.id_number, o.station_uid"""
    for uid, idn, name, other, village, group, status, closed, own_status in db.tuples(registered):
        if status in ("死亡", "迁出") and own_status == "在册":
            kind = "deceased" if status == "死亡" else "moved"
            detail = f"{closed or ''}（{village}{group}）".strip()
        else:
            kind = "registered_elsewhere"
            detail = f"{village}{group}，{status}"
        out.setdefault(uid, []).append([idn, name, FLAG_WORDS[kind], names[other], detail])
    return out


def write_returns(db: Database, folder: Path, outcome: Outcome) -> list[Path]:
    """One return file per station counted, even when it holds no one (the station then knows)."""
    names = {s["station_uid"]: f"{s['name']}（{s['station_code']}）" for s in outcome.stations}
    generated = dt.datetime.now().astimezone().replace(microsecond=0)
    out: list[Path] = []
    found = _all_rows(db, names)
    for s in outcome.stations:
        rows = found.get(s["station_uid"], [])
        values = {"file_kind": RETURN_FILE, "format_version": str(FORMAT_VERSION),
                  "station_code": s["station_code"], "station_uid": s["station_uid"], "station_name": s["name"],
                  "township": outcome.township, "date_from": outcome.period[0], "date_to": outcome.period[1],
                  "generated_at": generated.isoformat(), "return_id": str(uuid.uuid4())}
        meta = [(META[k], v) for k, v in values.items()] + [(ROWS_LABEL.format(sheet=FLAGS.name), str(len(rows)))]
        digest = checksum(meta, {FLAGS.name: rows}, (FLAGS,))
        about = ("这是什么", f"{outcome.township or '乡镇'}汇总后发回给 {s['name']}（{s['station_code']}）的回执："
                 f"本站登记的人中，在其他工作站领取过救助、也在其他站登记、或被其他站记为死亡或迁出的，共 "
                 f"{len({r[0] for r in rows})} 人。请在本站程序中“导入乡镇回执”，这些人会带上提示，但不会因此被拒绝发放。")
        report = Report(title="乡镇回执", station=f"{s['name']}（{s['station_code']}）",
                        period=f"{outcome.period[0] or '最早'} 至 {outcome.period[1]}", sheet=FLAGS.name,
                        notes=(about, *meta, (CHECKSUM_LABEL, digest)), about_first=True,
                        generated_at=generated.replace(tzinfo=None))
        path = folder / f"回执_{s['station_code']}_{generated:%Y%m%d}.xlsx"
        out.append(write_table(path, report, columns(FLAGS), rows).path)
    return out


def import_flags(db: Database, actor: Operator, path: str | Path) -> dict[str, Any]:
    """Read a return file meant for this station and flag its people (replacing older flags)."""
    f = read_exchange(path, kind=RETURN_FILE, specs=(FLAGS,))
    me = station.identity(db)
    if f.station_uid != me["station_uid"]:
        raise Rejected("other_station", f"{Path(path).name}：这个回执是发给 {f.meta.get('station_name', '')}"
                                        f"（{f.station_code}）的，不是本站（{me['name']}，{me['station_code']}）的，没有导入")
    rows = f.sheets[FLAGS.name]
    numbers = sorted({r[0] for r in rows if r[0]})
    ids: dict[str, str] = {}
    for i in range(0, len(numbers), 500):
        chunk = numbers[i:i + 500]
        for rid, idn in db.tuples(f"SELECT id, id_number FROM recipients WHERE id_number IN "
                                  f"({','.join('?' * len(chunk))})", chunk):
            ids[idn] = rid
    found = [flags.Flag(ids[idn], _WORD_TO_KIND.get(kind, "registered_elsewhere"), other, detail)
             for idn, _name, kind, other, detail in rows if idn in ids]
    n = flags.replace_flags(db, actor, f.meta.get("return_id", f.checksum), found)
    return {"path": str(path), "station_code": me["station_code"], "flags": n,
            "people": len({fl.recipient_id for fl in found}),
            "unmatched": len({idn for idn, *_ in rows if idn not in ids})}
