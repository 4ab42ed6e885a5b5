"""Backups: a verified copy of the database in the 备份 folder beside it and on the backup stick.

Every copy is made with SQLite's online backup API (`Database.backup_to`), written to
a hidden temporary file, checked (it opens, `integrity_check`, the audit chain is
whole, its counts match the database's) and only then given its name, so a full
disk or a pulled stick leaves no half-written backup. A person tells backups apart
by their names: `ST01_2026-12-06_14-30-05_手动.db` (station, date, time, why).
Beside each one a small JSON file (same name, `.json`) records what it holds and
the audit chain's head (last entry and hash), so the head is kept outside the
database too. Rotation keeps every backup of the last two days, then the newest
of each of the last 7 days, 4 weeks and 12 months.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app import audit
from app.db import Database
from app.errors import DataError
from app.safe_write import write_bytes

FOLDER_NAME = "备份"
#: Why a backup was taken, as it shows in its name.
KINDS = {"manual": "手动", "auto": "自动", "close": "关闭时", "import": "导入前", "restore": "恢复前",
         "migrate": "升级前"}
_LABEL_KIND = {v: k for k, v in KINDS.items()}
_NAME = re.compile(r"^(?P<code>[A-Z0-9]{1,12})_(?P<date>\d{4}-\d\d-\d\d)_(?P<time>\d\d-\d\d-\d\d)"
                   r"_(?P<label>[^_.]+)(?:_\d+)?\.db$")
KEEP_ALL_DAYS, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 2, 7, 4, 12
#: Tables whose row counts a backup records and a restore compares.
COUNTED = ("donations", "receipts", "donors", "recipients", "households", "programmes", "distributions",
           "disbursements", "funds", "operators", "audit_log")
Progress = Callable[[int, int], object]


@dataclass
class Summary:
    """What a database (or a backup of it) holds, enough to tell two copies apart."""

    station_code: str
    station_name: str
    schema_version: int
    counts: dict[str, int]
    donations_fen: int          # active (not voided) donations
    disbursed_fen: int          # disbursement lines not reversed
    last_receipt: str           # the receipt number issued last, "" when none
    audit_seq: int              # the audit chain's head: last entry ...
    audit_hash: str             # ... and its hash

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def summarise(db: Database) -> Summary:
    tables = {r[0] for r in db.tuples("SELECT name FROM sqlite_master WHERE type = 'table'")}
    counts = {t: int(db.scalar(f"SELECT count(*) FROM {t}")) for t in COUNTED if t in tables}
    station = db.one("SELECT station_code, name FROM station") if "station" in tables else None
    head = db.one("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1") if "audit_log" in tables else None

    def money(sql: str, table: str) -> int:
        return int(db.scalar(sql) or 0) if table in tables else 0

    last = (db.scalar("SELECT number FROM receipts ORDER BY year DESC, seq DESC LIMIT 1")
            if "receipts" in tables else None)
    return Summary(
        station_code=station[0] if station else "", station_name=station[1] if station else "",
        schema_version=db.version, counts=counts,
        donations_fen=money("SELECT sum(amount_fen) FROM donations WHERE status = 'active'", "donations"),
        disbursed_fen=money("SELECT sum(amount_fen) FROM disbursements WHERE status != 'reversed'",
                            "disbursements"),
        last_receipt=last or "", audit_seq=int(head[0]) if head else 0, audit_hash=head[1] if head else "",
    )


@dataclass
class Backup:
    """One backup file and what its JSON beside it (or the file itself) says."""

    path: Path
    kind: str
    taken_at: dt.datetime
    summary: Summary | None = None
    sound: bool | None = None      # None: not checked (listing), True/False after `verify`
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "kind": self.kind, "label": self.label,
                "taken_at": self.taken_at.isoformat(timespec="seconds"),
                "size": self.path.stat().st_size if self.path.exists() else 0,
                "summary": self.summary.to_dict() if self.summary else None,
                "sound": self.sound, "problems": self.problems}


def folder_for(db_path: str | Path) -> Path:
    """The 备份 folder beside the database file."""
    return Path(db_path).resolve().parent / FOLDER_NAME


def file_name(station_code: str, when: dt.datetime, kind: str) -> str:
    return f"{station_code or 'CD'}_{when:%Y-%m-%d_%H-%M-%S}_{KINDS[kind]}.db"


def sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


# ---------- taking a backup ----------

def take(db: Database, folder: str | Path, kind: str = "manual", *, target: str | Path | None = None,
         progress: Progress | None = None, rotate_after: bool = True) -> Backup:
    """Copy `db` into `folder` (or exactly to `target`), verify the copy, write its JSON; rotate.

    Nothing half-written is ever left: the copy is made under a hidden name and renamed
    only once verified. A full disk or a write-protected stick raises `DataError`.
    """
    when = dt.datetime.now().replace(microsecond=0)
    station = db.one("SELECT station_code FROM station")
    code = station[0] if station else ""
    if target is not None:
        final = Path(target)
        if final.is_dir():
            final = final / file_name(code, when, kind)
    else:
        final = Path(folder) / file_name(code, when, kind)
        n = 2
        while final.exists():  # two backups in the same second
            final = final.with_name(f"{final.stem.split('_' + KINDS[kind])[0]}_{KINDS[kind]}_{n}.db")
            n += 1
    tmp = final.with_name(f".~{secrets.token_hex(4)}.part")
    placed = False
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        open(tmp, "wb").close()  # a write-protected stick says so here, in the system's words
        with db.snapshot():  # the summary and the copy see the same moment
            summary = summarise(db)
            db.backup_to(tmp, progress)
        got = verify(tmp, expect=summary)
        if not got.sound:
            raise DataError("backup_unsound", "备份写好后检查没有通过：" + "；".join(got.problems), path=str(final))
        _fsync(tmp)
        os.replace(tmp, final)
        placed = True
        meta = {"program": "CharityDesk", "kind": kind, "taken_at": when.isoformat(), "file": final.name,
                **summary.to_dict()}
        write_bytes(sidecar(final), json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError as exc:
        _discard_all(tmp, final, placed)
        raise DataError("disk_full" if exc.errno == errno.ENOSPC else "cannot_write",
                        _why(exc, final), path=str(final)) from exc
    except DataError as exc:
        _discard_all(tmp, final, placed)
        if exc.reason in ("disk_full", "read_only", "io_error", "cannot_open", "cannot_write"):
            raise DataError(exc.reason, _why_reason(exc.reason, final), path=str(final)) from exc
        raise
    except BaseException:
        _discard_all(tmp, final, placed)
        raise
    if rotate_after and target is None:
        rotate(Path(folder), code)
    return Backup(final, kind, when, summary, sound=True)


def take_everywhere(db: Database, kind: str, progress: Progress | None = None) -> dict[str, Any]:
    """The automatic backup: into the 备份 folder beside the database and onto the backup stick
    when one is plugged in. A stick that cannot be written is reported, not fatal."""
    from app.safety import stick

    local = take(db, folder_for(db.path), kind, progress=progress)
    out: dict[str, Any] = {"backup": local.to_dict(), "stick": None, "stick_error": ""}
    found = stick.find(local.summary.station_code if local.summary else "")
    if found is not None:
        try:
            out["stick"] = take(db, found, kind).to_dict()
        except DataError as exc:
            out["stick_error"] = exc.message
    return out


def due(db_path: str | Path, now: dt.datetime | None = None) -> bool:
    """True when no backup was taken today (the daily automatic backup is due)."""
    now = now or dt.datetime.now()
    newest = next(iter(list_backups(folder_for(db_path))), None)
    return newest is None or newest.taken_at.date() != now.date()


# ---------- checking ----------

def verify(path: str | Path, expect: Summary | None = None) -> Backup:
    """Open a backup read-only and check it: integrity, the audit chain, and (given `expect`) that
    it holds the same rows as the database it was taken from. Never raises for a bad file."""
    p = Path(path)
    kind, when = _from_name(p)
    problems: list[str] = []
    summary = None
    try:
        db = Database.inspect(p)
    except DataError as exc:
        return Backup(p, kind, when, None, sound=False, problems=[exc.message])
    try:
        integrity = [r[0] for r in db.tuples("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append("文件损坏：" + "；".join(integrity[:3]))
        else:
            summary = summarise(db)
            if not summary.station_code:
                problems.append("这个文件里没有建立工作站")
            chain = audit.verify(db)
            problems.extend(chain.problems[:3])
            if expect is not None and (summary.counts, summary.audit_hash) != (expect.counts, expect.audit_hash):
                problems.append("备份中的记录数与数据库不一致")
    except DataError as exc:
        problems.append(exc.message)
    finally:
        db.close()
    return Backup(p, kind, when, summary, sound=not problems, problems=problems)


# ---------- listing and rotation ----------

def list_backups(folder: str | Path, station_code: str | None = None) -> list[Backup]:
    """The backups in `folder`, newest first, with what their JSON says (the files are not opened)."""
    f = Path(folder)
    if not f.is_dir():
        return []
    out = []
    for p in f.glob("*.db"):
        m = _NAME.match(p.name)
        if not m or (station_code and m["code"] != station_code):
            continue
        kind, when = _from_name(p)
        out.append(Backup(p, kind, when, _read_sidecar(p)))
    out.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return out


def newest_sound(folder: str | Path, station_code: str | None = None) -> Backup | None:
    """The newest backup that passes `verify` (for a damaged database at start)."""
    for b in list_backups(folder, station_code):
        checked = verify(b.path)
        if checked.sound:
            return checked
    return None


def to_keep(backups: list[Backup], now: dt.datetime) -> set[Path]:
    """Which backups rotation keeps: all of the last two days; the newest of each of the last 7 days,
    4 weeks and 12 months that have backups."""
    keep = {b.path for b in backups if (now - b.taken_at).days < KEEP_ALL_DAYS}
    newest = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    for key, count in ((lambda b: b.taken_at.date(), KEEP_DAILY),
                       (lambda b: b.taken_at.isocalendar()[:2], KEEP_WEEKLY),
                       (lambda b: (b.taken_at.year, b.taken_at.month), KEEP_MONTHLY)):
        seen: set[Any] = set()
        for b in newest:
            k = key(b)
            if k not in seen and len(seen) < count:
                seen.add(k)
                keep.add(b.path)
    return keep


def rotate(folder: Path, station_code: str, now: dt.datetime | None = None) -> list[Path]:
    """Delete the backups rotation does not keep (and their JSON); return what was deleted."""
    backups = list_backups(folder, station_code)
    keep = to_keep(backups, now or dt.datetime.now())
    gone = []
    for b in backups:
        if b.path not in keep:
            for p in (b.path, sidecar(b.path)):
                _discard(p)
            gone.append(b.path)
    for stale in folder.glob(".~*.part"):  # left by a backup cut off by a power cut
        if (dt.datetime.now().timestamp() - stale.stat().st_mtime) > 3600:
            _discard(stale)
    return gone


# ---------- helpers ----------

def _from_name(p: Path) -> tuple[str, dt.datetime]:
    m = _NAME.match(p.name)
    if not m:
        return "manual", dt.datetime.fromtimestamp(p.stat().st_mtime).replace(microsecond=0) \
            if p.exists() else dt.datetime.now().replace(microsecond=0)
    when = dt.datetime.strptime(f"{m['date']} {m['time']}", "%Y-%m-%d %H-%M-%S")
    return _LABEL_KIND.get(m["label"], m["label"]), when


def _read_sidecar(p: Path) -> Summary | None:
    try:
        meta = json.loads(sidecar(p).read_text("utf-8"))
        return Summary(**{k: meta[k] for k in Summary.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _fsync(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard_all(tmp: Path, final: Path, placed: bool) -> None:
    for p in (tmp, tmp.with_name(tmp.name + "-journal")):
        _discard(p)
    if placed:  # the copy is whole but its JSON could not be written: no backup without its record
        _discard(final)
        _discard(sidecar(final))


def _discard(p: Path) -> None:
    try:
        p.unlink(missing_ok=True)
    except OSError:
        pass


def _why_reason(reason: str, target: Path) -> str:
    if reason == "disk_full":
        return f"磁盘或U盘已满，备份没有写成（{target.parent}）。请删掉一些文件或换一个位置；数据库没有改动。"
    if reason == "read_only":
        return f"{target.parent} 只能读、不能写（U盘的写保护开关打开了？），备份没有写成；数据库没有改动。"
    return f"无法把备份写到 {target.parent}（磁盘或U盘出错？），备份没有写成；数据库没有改动。"


def _why(exc: OSError, target: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return _why_reason("disk_full", target)
    if exc.errno == errno.EROFS or isinstance(exc, PermissionError):
        return _why_reason("read_only", target)
    return _why_reason("io_error", target)
