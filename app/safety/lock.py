"""One program writes a database at a time: an operating-system lock on a file beside it.

The window (and each command that writes) holds an exclusive lock on
`charitydesk.db.lock` while it runs; a second one is refused with who holds it
and since when (written into the file). The lock belongs to the process: when
it ends — even killed or by a power cut — the system drops the lock, so a lock
file left behind locks nothing and is simply taken over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from pathlib import Path
from typing import IO, Any

from app.errors import DataError

#: On Windows a locked range cannot be read by others: lock one byte far past the text instead.
_LOCK_OFFSET = 1 << 20


def lock_path(db_path: str | Path) -> Path:
    p = Path(db_path)
    return p.with_name(p.name + ".lock")


class WriteLock:
    """An exclusive lock on a database file for this process; `release()` or process exit frees it."""

    def __init__(self, db_path: str | Path, fh: IO[bytes]) -> None:
        self.db_path = Path(db_path)
        self._fh: IO[bytes] | None = fh

    @classmethod
    def acquire(cls, db_path: str | Path, who: str, program: str = "命令行") -> WriteLock:
        """Take the lock or raise `DataError("in_use")` saying who has the database, since when."""
        path = lock_path(db_path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(path, "a+b")
        except OSError as exc:
            raise DataError("cannot_open", f"无法在 {path.parent} 建立锁文件（{exc.strerror}）。",
                            path=str(path)) from exc
        if not _try_lock(fh):
            fh.close()
            holder = read_holder(db_path)
            raise DataError("in_use", _in_use_message(db_path, holder), path=str(db_path), holder=holder)
        info = {"who": who, "program": program, "host": socket.gethostname(), "pid": os.getpid(),
                "since": dt.datetime.now().isoformat(timespec="seconds")}
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps(info, ensure_ascii=False).encode("utf-8"))
        fh.flush()
        return cls(db_path, fh)

    def update(self, who: str) -> None:
        """Say who now works in the window (after a change of operator)."""
        if self._fh is None:
            return
        info = read_holder(self.db_path) or {}
        info["who"] = who
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(json.dumps(info, ensure_ascii=False).encode("utf-8"))
        self._fh.flush()

    def release(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.seek(0)
            self._fh.truncate()
        except OSError:
            pass
        _unlock(self._fh)
        self._fh.close()
        self._fh = None

    @property
    def held(self) -> bool:
        return self._fh is not None


def read_holder(db_path: str | Path) -> dict[str, Any] | None:
    """Who wrote the lock file last (only meaningful while the lock is held)."""
    try:
        data = lock_path(db_path).read_bytes()[:4096]
        got = json.loads(data.decode("utf-8"))
        return got if isinstance(got, dict) else None
    except (OSError, ValueError):
        return None


def is_locked(db_path: str | Path) -> bool:
    """True while some process holds the lock (tried and given back at once)."""
    try:
        fh = open(lock_path(db_path), "a+b")
    except OSError:
        return False
    try:
        if _try_lock(fh):
            _unlock(fh)
            return False
        return True
    finally:
        fh.close()


def _in_use_message(db_path: str | Path, holder: dict[str, Any] | None) -> str:
    if not holder:
        return f"数据库 {db_path} 正被另一个 CharityDesk 窗口或命令使用，请先关闭它再试。"
    since = str(holder.get("since", ""))
    try:
        since = dt.datetime.fromisoformat(since).strftime("%Y年%m月%d日 %H:%M")
    except ValueError:
        pass
    return (f"数据库正被{holder.get('program', '另一个程序')}使用：操作员 {holder.get('who', '?')}，"
            f"电脑 {holder.get('host', '?')}，从 {since} 起（进程 {holder.get('pid', '?')}）。"
            "为了不让两个程序同时改动数据，请先关闭那个窗口再试；只查看、导出和检查不受影响。")


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fh: IO[bytes]) -> bool:
        try:
            fh.seek(_LOCK_OFFSET)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fh: IO[bytes]) -> None:
        try:
            fh.seek(_LOCK_OFFSET)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try_lock(fh: IO[bytes]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fh: IO[bytes]) -> None:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        except OSError:
            pass
