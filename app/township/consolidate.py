"""Consolidation (乡镇汇总): check every station file, load the good ones into the township's cache
database, find duplicate aid and double registrations, write the township workbook.

The received files stay the record; the cache (a plain SQLite file loaded with sqlite-utils) is
rebuilt from exactly the files named on each run. A newer export of a station replaces what its
older exports said about the period the newer covers: that station-period is deleted and
reloaded, never merged row by row, so a gift voided between two exports leaves the totals.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db import Database
from app.excel import Cancelled
from app.township.format import AID, DONATIONS, FUNDS, REGISTER, SheetSpec
from app.township.reader import ExchangeFile, Rejected, read_exchange

#: Names the office's own tools leave in a folder: never station files, never worth a line.
_IGNORED_PREFIXES = (".", "~$", ".~lock")


@dataclass
class FileEntry:
    path: Path
    accepted: bool = False
    reason: str = ""
    code: str = ""  # reason code: junk, copy, superseded, code_clash, checksum…
    file: ExchangeFile | None = None

    @property
    def meta(self) -> dict[str, str]:
        return self.file.meta if self.file else {}

    def rows(self) -> int:
        return sum(len(v) for v in self.file.sheets.values()) if self.file else 0


@dataclass
class Outcome:
    """What one consolidation found; `to_dict()` is the `--json` object."""

    files: list[FileEntry]
    stations: list[dict[str, str]]
    totals: dict[str, int]
    duplicate_aid: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    possible_duplicates: list[dict[str, Any]]
    period: tuple[str, str]
    township: str
    output: Path | None = None
    returns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rejected(self) -> list[FileEntry]:
        return [f for f in self.files if not f.accepted]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stations": len(self.stations),
            "station_list": self.stations,
            "files": len(self.files),
            "accepted": [{"file": str(f.path), "station_code": f.meta.get("station_code", ""),
                          "rows": f.rows()} for f in self.files if f.accepted],
            "rejected": [{"file": str(f.path), "reason": f.reason, "code": f.code,
                          "station_code": f.meta.get("station_code", "")} for f in self.rejected],
            "duplicate_aid": strip_private(self.duplicate_aid),
            "duplicates": strip_private(self.duplicates),
            "possible_duplicates": strip_private(self.possible_duplicates),
            "totals": self.totals,
            "period": {"from": self.period[0], "to": self.period[1]},
            "township": self.township,
            "path": str(self.output) if self.output else None,
            "returns": self.returns,
            "seconds": round(self.seconds, 2),
        }


def gather(paths: Iterable[str | Path]) -> list[Path]:
    """Every file named, and every file inside every folder named (sub-folders too), in a stable
    order; the same file named twice counts once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file()
                           and not any(part.startswith(_IGNORED_PREFIXES) for part in q.relative_to(p).parts))
        else:  # a file, or a name that is not there (set aside with that reason, the rest go on)
            found = [p]
        for q in found:
            key = q.resolve()
            if key not in seen:
                seen.add(key)
                out.append(q)
    return out


# ---------- the cache ----------
_COLUMNS: dict[str, SheetSpec] = {"register": REGISTER, "aid": AID, "donations": DONATIONS, "funds": FUNDS}
#: The tables with a town's worth of rows (100,000 people, 250,000 aid lines).
_BULK = ("register", "aid")


def _create_cache(db: Database) -> Any:
    su = db.sqlite_utils()
    su["files"].create({"file_id": int, "path": str, "station_uid": str, "station_code": str,
                        "station_name": str, "township": str, "date_from": str, "date_to": str,
                        "generated_at": str}, pk="file_id")
    for table, spec in _COLUMNS.items():
        cols: dict[str, Any] = {"file_id": int, "station_uid": str}
        for c in spec.cols:
            cols[c.key] = int if c.kind in ("int", "money") else str
        su[table].create(cols)
    return su


def _index_cache(su: Any) -> None:
    su["aid"].create_index(["id_number", "station_uid", "counted"])
    su["register"].create_index(["id_number"])
    su["register"].create_index(["station_uid", "record_id"])
    su["register"].create_index(["name", "birth_date"])


def _load(db: Database, su: Any, file_id: int, f: ExchangeFile, *, replaces: bool) -> None:
    """Load one file; when an older export of its station is loaded (`replaces`), first delete what
    that export said about this file's station-period."""
    uid, start, stop = f.station_uid, f.meta.get("date_from") or "0001-01-01", f.meta.get("date_to") or "9999-12-31"
    with db.transaction() as c:
        if replaces:
            db.execute("DELETE FROM register WHERE station_uid = ?", (uid,))  # the newest register counts
            db.execute("DELETE FROM funds WHERE station_uid = ?", (uid,))  # balances as of the newest export
            db.execute("DELETE FROM aid WHERE station_uid = ? AND date >= ? AND date <= ?", (uid, start, stop))
            db.execute("DELETE FROM donations WHERE station_uid = ? AND month >= ? AND month <= ?",
                       (uid, start[:7], stop[:7]))
        su["files"].insert({"file_id": file_id, "path": str(f.path), "station_uid": uid,
                            "station_code": f.station_code, "station_name": f.meta.get("station_name", ""),
                            "township": f.meta.get("township", ""), "date_from": f.meta.get("date_from", ""),
                            "date_to": f.meta.get("date_to", ""), "generated_at": f.meta.get("generated_at", "")})
        for table, spec in _COLUMNS.items():
            rows = f.sheets[spec.name]
            if not rows:
                continue
            head = ("file_id", "station_uid", *(col.key for col in spec.cols))
            if table in _BULK:  # plain executemany: sqlite-utils converts every value, 3x slower here
                marks = ",".join("?" * len(head))
                c.executemany(f"INSERT INTO {table} VALUES ({marks})", ((file_id, uid, *r) for r in rows))
            else:  # sqlite-utils' list mode: the column names, then one tuple per row
                su[table].insert_all(itertools.chain((head,), ((file_id, uid, *r) for r in rows)))


# ---------- checking the files ----------
def _check(paths: Sequence[Path], password: str, progress: Callable[[int, int], None] | None,
           cancelled: Callable[[], bool] | None) -> list[FileEntry]:
    # Oldest first, so of two identical files the one saved later (the copy) is set aside.
    paths = sorted(paths, key=_mtime)
    entries: list[FileEntry] = []
    by_hash: dict[str, FileEntry] = {}
    by_sum: dict[str, FileEntry] = {}
    for i, p in enumerate(paths):
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled", "汇总已取消，没有生成文件")
        if progress is not None:  # reading is most of the work; loading and the workbook are 2 steps more
            progress(i, len(paths) + 2)
        entry = FileEntry(p)
        entries.append(entry)
        try:
            f = read_exchange(p, password)
        except Rejected as exc:
            entry.code, entry.reason = exc.reason, exc.message
            continue
        twin = by_hash.get(f.file_hash) or by_sum.get(f.checksum)
        if twin is not None:
            entry.file = f
            other = twin.path.name if twin.path.name != p.name else str(twin.path)
            entry.code, entry.reason = "copy", f"{p.name}：与 {other} 内容相同的副本，只算一次"
            continue
        by_hash[f.file_hash] = by_sum[f.checksum] = entry
        entry.file, entry.accepted = f, True
    if progress is not None:
        progress(len(paths), len(paths) + 2)
    _code_clashes([e for e in entries if e.accepted])
    _superseded([e for e in entries if e.accepted])
    return entries


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def _code_clashes(entries: list[FileEntry]) -> None:
    """The first identity (by earliest export) to send a code keeps it; another one is set aside."""
    owner: dict[str, tuple[str, str]] = {}
    for e in sorted(entries, key=lambda e: e.meta.get("generated_at", "")):
        code, uid = e.meta["station_code"], e.meta["station_uid"]
        first = owner.setdefault(code, (uid, e.meta.get("station_name", "")))
        if first[0] != uid:
            e.accepted = False
            e.code = "code_clash"
            e.reason = (f"{e.path.name}：站点编号 {code} 已由另一个工作站（{first[1]}）使用，这两个站是不同的站，"
                        "请核对后给其中一个站重新分配编号")


def _span(e: FileEntry) -> tuple[str, str]:
    return e.meta.get("date_from") or "0001-01-01", e.meta.get("date_to") or "9999-12-31"


def _superseded(entries: list[FileEntry]) -> None:
    """An export whose whole period a newer export of the same station covers adds nothing."""
    for e in entries:
        if not e.accepted:
            continue
        start, stop = _span(e)
        for newer in entries:
            if (newer is e or not newer.accepted or newer.meta["station_uid"] != e.meta["station_uid"]
                    or newer.meta.get("generated_at", "") <= e.meta.get("generated_at", "")):
                continue
            n_start, n_stop = _span(newer)
            if n_start <= start and stop <= n_stop:
                e.accepted = False
                e.code = "superseded"
                e.reason = (f"{e.path.name}：已被同一工作站较新的导出 {newer.path.name}"
                            f"（{newer.meta.get('generated_at', '')[:16]}）代替")
                break


# ---------- what the cache shows ----------
def _stations(db: Database) -> list[dict[str, str]]:
    sql = """SELECT station_uid, station_code, station_name, min(date_from), max(date_to) FROM files
              GROUP BY station_uid ORDER BY station_code"""
    return [{"station_uid": uid, "station_code": code, "name": name, "from": a, "to": b}
            for uid, code, name, a, b in db.tuples(sql)]


def _totals(db: Database) -> dict[str, int]:
    don = db.one("SELECT COALESCE(sum(amount_fen), 0), COALESCE(sum(gifts), 0) FROM donations")
    aid = db.one("""SELECT COALESCE(sum(amount_fen), 0), count(*),
                           count(DISTINCT station_uid || ':' || person_id) FROM aid WHERE counted = '是'""")
    people = db.scalar("SELECT count(*) FROM register")
    assert don is not None and aid is not None
    return {"donations_fen": int(don[0]), "gifts": int(don[1]), "aid_fen": int(aid[0]),
            "aid_lines": int(aid[1]), "people_aided": int(aid[2]), "registered": int(people)}


def _codes(db: Database) -> dict[str, tuple[str, str]]:
    return {uid: (code, name) for uid, code, name in
            db.tuples("SELECT station_uid, station_code, station_name FROM files GROUP BY station_uid")}


def duplicate_aid(db: Database, *, mask: Callable[[str, str], tuple[str, str]]) -> list[dict[str, Any]]:
    """Every person (by ID number) aided by two or more stations, or by one programme of one station
    more than once in one month (a quarterly or yearly programme paid again is normal; twice in a
    month is not), with every counted aid line. Aid from several stations comes first."""
    codes = _codes(db)
    with db.transaction():
        db.execute("DROP TABLE IF EXISTS many_aid")
        db.execute("""CREATE TABLE many_aid AS
            SELECT id_number FROM aid WHERE counted = '是' AND id_number != ''
             GROUP BY id_number HAVING count(DISTINCT station_uid) > 1
            UNION
            SELECT id_number FROM aid WHERE counted = '是' AND id_number != ''
             GROUP BY id_number, station_uid, programme, substr(date, 1, 7) HAVING count(*) > 1""")
    sql = """
        SELECT l.id_number, l.name, l.station_uid, l.date, l.programme, l.kind, l.amount_fen, l.goods, l.village
          FROM many_aid m JOIN aid l ON l.id_number = m.id_number
         WHERE l.counted = '是'
         ORDER BY l.id_number, l.date, l.station_uid"""
    out: dict[str, dict[str, Any]] = {}
    for idn, name, uid, on, prog, kind, fen, goods, village in db.tuples(sql):
        entry = out.get(idn)
        if entry is None:
            masked_id, masked_name = mask(idn, name)
            entry = out[idn] = {"id_masked": masked_id, "name_masked": masked_name, "stations": [],
                                "lines": [], "amount_fen": 0, "_id": idn, "_name": name}
        code = codes[uid][0]
        if code not in entry["stations"]:
            entry["stations"].append(code)
        entry["lines"].append({"station": code, "date": on, "programme": prog, "kind": kind,
                               "amount_fen": fen, "goods": goods, "village": village})
        entry["amount_fen"] += fen
    for entry in out.values():
        entry["stations"].sort()
        entry["why"] = "多个工作站发放" if len(entry["stations"]) > 1 else "同一项目同一个月多次发放"
    return sorted(out.values(), key=lambda e: -len(e["stations"]))


def double_registrations(db: Database, *, mask: Callable[[str, str], tuple[str, str]]) -> list[dict[str, Any]]:
    """People (by ID number) on the registers of two or more stations."""
    codes = _codes(db)
    sql = """
        WITH many AS (SELECT id_number FROM register WHERE id_number != '' GROUP BY id_number
                      HAVING count(DISTINCT station_uid) > 1)
        SELECT r.id_number, r.name, r.station_uid, r.village, r.village_group, r.status, r.closed_on, r.record_id
          FROM register r JOIN many m ON m.id_number = r.id_number ORDER BY r.id_number, r.station_uid"""
    out: dict[str, dict[str, Any]] = {}
    for idn, name, uid, village, group, status, closed, rid in db.tuples(sql):
        entry = out.get(idn)
        if entry is None:
            masked_id, masked_name = mask(idn, name)
            entry = out[idn] = {"id_masked": masked_id, "name_masked": masked_name, "stations": [],
                                "entries": [], "_id": idn, "_name": name}
        code = codes[uid][0]
        if code not in entry["stations"]:
            entry["stations"].append(code)
        entry["entries"].append({"station": code, "station_uid": uid, "village": village, "group": group,
                                 "status": status, "closed_on": closed, "record_id": rid})
    for entry in out.values():
        entry["stations"].sort()
    return list(out.values())


def possible_duplicates(db: Database, *, mask: Callable[[str, str], tuple[str, str]]) -> list[dict[str, Any]]:
    """Same name and birth date at two or more stations without one ID number that matches them all."""
    codes = _codes(db)
    sql = """
        WITH many AS (SELECT name, birth_date FROM register WHERE birth_date != '' AND name != ''
                      GROUP BY name, birth_date
                      HAVING count(DISTINCT station_uid) > 1
                         AND (count(DISTINCT id_number) > 1 OR min(id_number) = ''))
        SELECT r.name, r.birth_date, r.station_uid, r.village, r.id_number
          FROM register r JOIN many m ON m.name = r.name AND m.birth_date = r.birth_date
         ORDER BY r.name, r.birth_date, r.station_uid"""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for name, birth, uid, village, idn in db.tuples(sql):
        entry = out.get((name, birth))
        if entry is None:
            entry = out[(name, birth)] = {"name_masked": mask("", name)[1], "birth_date": birth,
                                          "stations": [], "entries": []}
        code = codes[uid][0]
        if code not in entry["stations"]:
            entry["stations"].append(code)
        entry["entries"].append({"station": code, "village": village, "id_masked": mask(idn, name)[0]})
    for entry in out.values():
        entry["stations"].sort()
    return list(out.values())


def _mask(idn: str, name: str) -> tuple[str, str]:
    from app.rules.idcard import mask_id
    from app.rules.masking import mask_name

    return (mask_id(idn) if idn else ""), mask_name(name)


def consolidate(paths: Iterable[str | Path], output: str | Path, *, cache: str | Path,
                return_dir: str | Path | None = None, password: str = "", township: str = "",
                preparer: str = "", progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Outcome:
    """Check, load and add up the station files named; write the township workbook at `output` and,
    with `return_dir`, one return file per station. Nothing is written when no file counts."""
    from app.township import returns, summary

    start = time.perf_counter()
    files = gather(paths)
    entries = _check(files, password, progress, cancelled)
    good = sorted((e for e in entries if e.accepted), key=lambda e: (e.meta["station_uid"],
                                                                      e.meta.get("generated_at", "")))
    db = Database.open_cache(cache, fresh=True)
    try:
        su = _create_cache(db)
        loaded: set[str] = set()
        for i, e in enumerate(good, start=1):
            assert e.file is not None
            _load(db, su, i, e.file, replaces=e.file.station_uid in loaded)
            loaded.add(e.file.station_uid)
        with db.transaction():
            _index_cache(su)
        if progress is not None:
            progress(len(files) + 1, len(files) + 2)
        stations = _stations(db)
        froms = [s["from"] for s in stations if s["from"]]
        tos = [s["to"] for s in stations if s["to"]]
        towns = [e.meta.get("township", "") for e in good if e.meta.get("township")]
        outcome = Outcome(
            files=entries, stations=stations, totals=_totals(db),
            duplicate_aid=duplicate_aid(db, mask=_mask), duplicates=double_registrations(db, mask=_mask),
            possible_duplicates=possible_duplicates(db, mask=_mask),
            period=(min(froms) if len(froms) == len(stations) and froms else "", max(tos) if tos else ""),
            township=township or (max(set(towns), key=towns.count) if towns else ""),
        )
        if not stations:
            outcome.seconds = time.perf_counter() - start
            return outcome
        if cancelled is not None and cancelled():
            raise Cancelled("cancelled", "汇总已取消，没有生成文件")
        outcome.output = summary.write_summary(db, output, outcome, preparer=preparer, cancelled=cancelled)
        if return_dir is not None:
            outcome.returns = [str(p) for p in returns.write_returns(db, Path(return_dir), outcome)]
    finally:
        db.close()
    if progress is not None:
        progress(len(files) + 2, len(files) + 2)
    outcome.seconds = time.perf_counter() - start
    return outcome


def strip_private(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The list without the unmasked ID and name kept for return files (for `--json`)."""
    return [{k: v for k, v in item.items() if not k.startswith("_")} for item in items]


def today_text() -> str:
    return dt.date.today().isoformat()
