"""Putting a backup back in place of the database, losing nothing on the way.

The backup is checked first (a sound CharityDesk database of this station, unless
another station's is asked for). The current database is backed up (kind 恢复前)
when it can be read, and then kept aside under a name with the time
(`charitydesk.db.恢复前-2026-12-06_14-30-05`), never overwritten or deleted. The
backup is copied beside the database and moved into place in one step, so a
power cut at any moment leaves either the old database or the restored one.
Every connection to the database must be closed first (Windows cannot rename an
open file); the caller holds the write lock.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import audit
from app.db import Database, clear_damage_mark
from app.errors import DataError, InputError
from app.safety import backup, health
from app.station import accounts
from app.station.accounts import Operator

#: Words for the counts a restore would lose.
_WHAT = {"donations": "笔捐赠", "receipts": "张收据", "recipients": "位受助对象", "disbursements": "条发放记录",
         "donors": "位捐赠人", "programmes": "个救助项目", "operators": "个操作员", "audit_log": "条审计日志"}


@dataclass
class Plan:
    """What a restore of `source` over `target` would do, for the confirmation."""

    target: Path
    source: backup.Backup
    current: backup.Summary | None     # None when the current file cannot be read

    @property
    def losses(self) -> list[str]:
        """Each kind of record the current database has more of than the backup."""
        if self.current is None or self.source.summary is None:
            return []
        have, get = self.current.counts, self.source.summary.counts
        return [f"{have[k] - get.get(k, 0)} {_WHAT[k]}" for k in _WHAT
                if k in have and have[k] > get.get(k, 0)]

    def to_dict(self) -> dict[str, Any]:
        return {"target": str(self.target), "backup": self.source.to_dict(),
                "current": self.current.to_dict() if self.current else None, "losses": self.losses}


def plan(db_path: str | Path, source: str | Path, *, other_station: bool = False) -> Plan:
    """Check the backup and compare it with the current database; raises `InputError` when refused."""
    src = Path(source)
    if src.is_dir():
        raise InputError("is_folder", f"{src} 是一个文件夹，请给出备份文件（.db）", path=str(src))
    if not src.exists():
        raise InputError("missing", f"备份文件不存在：{src}", path=str(src))
    checked = backup.verify(src)
    if not checked.sound or checked.summary is None:
        raise InputError("bad_backup", f"{src} 不是完好的 CharityDesk 数据库，不能用来恢复："
                         + "；".join(checked.problems[:3]), path=str(src))
    target = Path(db_path)
    if target.exists() and target.resolve() == src.resolve():
        raise InputError("same_file", "要恢复的文件就是当前的数据库本身", path=str(src))
    current = _current_summary(target)
    if current is not None and current.station_code and not other_station \
            and checked.summary.station_code != current.station_code:
        raise InputError(
            "other_station",
            f"这个备份属于站点 {checked.summary.station_code}（{checked.summary.station_name}），"
            f"不是本站 {current.station_code}（{current.station_name}）的。确实要用它，请加 --other-station。",
            backup_station=checked.summary.station_code, station=current.station_code)
    return Plan(target, checked, current)


@dataclass
class Restored:
    plan: Plan
    kept_aside: Path | None            # the database as it was before, renamed
    safety_backup: Path | None         # the 恢复前 backup, when the old database could be read

    def to_dict(self) -> dict[str, Any]:
        return {**self.plan.to_dict(), "kept_aside": str(self.kept_aside) if self.kept_aside else None,
                "safety_backup": str(self.safety_backup) if self.safety_backup else None}


def restore(p: Plan, actor: Operator = accounts.SYSTEM) -> Restored:
    """Carry out a plan as `actor` (an administrator); the restore is written into the restored
    database's audit log. Every connection to `p.target` must be closed."""
    accounts.require_admin(actor, "恢复备份")
    target = p.target
    safety = None
    if target.exists() and health.quick_check(target).ok:
        db = Database.open(target, migrate=False)
        try:
            safety = backup.take(db, backup.folder_for(target), "restore").path
        finally:
            db.close()
    stamp = dt.datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    tmp = target.with_name(f".~restore-{secrets.token_hex(4)}.part")
    aside = None
    try:
        shutil.copyfile(p.source.path, tmp)
        _fsync(tmp)
        if target.exists():
            aside = target.with_name(f"{target.name}.恢复前-{stamp}")
            _keep_aside(target, aside)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
        clear_damage_mark(target)  # the file there now is the sound backup, not the damaged one
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DataError("cannot_write", f"无法把备份放回 {target}（{exc.strerror}）；数据库没有改动。",
                        path=str(target)) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    done = Restored(p, aside, safety)
    _record(done, actor)
    return done


def _record(done: Restored, actor: Operator) -> None:
    """The restore in the restored database's audit log (a backup of an older schema is migrated
    first, with its own backup)."""
    from app.safety.opening import before_migration

    db = Database.open(done.plan.target, before_migrate=before_migration)
    try:
        with db.transaction() as c:
            audit.record(c, actor, "restore", "database", done.plan.source.path.name,
                         done.plan.current.to_dict() if done.plan.current else None,
                         {"file": str(done.plan.source.path), "kept_aside": str(done.kept_aside or ""),
                          "safety_backup": str(done.safety_backup or ""), "losses": done.plan.losses})
    finally:
        db.close()


def _current_summary(target: Path) -> backup.Summary | None:
    if not target.exists() or not health.quick_check(target).ok:
        return None
    try:
        db = Database.inspect(target)
    except DataError:
        return None
    try:
        return backup.summarise(db)
    except DataError:
        return None
    finally:
        db.close()


def _keep_aside(target: Path, aside: Path) -> None:
    """A second name for the current file (a hard link: the database never goes missing, even for a
    moment), or a copy where links are not possible; its journal files go with it."""
    try:
        os.link(target, aside)
    except OSError:
        shutil.copy2(target, aside)
        _fsync(aside)
    for suffix in ("-wal", "-journal"):
        side = target.with_name(target.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    target.with_name(target.name + "-shm").unlink(missing_ok=True)


def _fsync(p: Path) -> None:
    fd = os.open(p, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
