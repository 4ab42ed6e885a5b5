"""Opening a database for work, the same way from the window and the command line.

In order: take the write lock (one program per file), look at the file read-only
(`health.quick_check`) and refuse a damaged one, naming the newest sound backup;
then open it, backing it up first when it is about to be migrated to a newer schema.
"""

from __future__ import annotations

from pathlib import Path

from app.db import Database
from app.errors import DataError
from app.safety import backup, health
from app.safety.lock import WriteLock


def damaged_message(path: str | Path, found: health.Health) -> str:
    """What is wrong, and which backup can replace it."""
    newest = backup.newest_sound(backup.folder_for(path))
    text = f"数据库文件 {path} 有问题，为了不弄坏数据，程序不会打开它写入：" + "；".join(found.problems[:3])
    if newest is not None:
        text += (f"。最新的完好备份是 {newest.path}（{newest.taken_at:%Y年%m月%d日 %H:%M}），"
                 f"可以用 python -m app restore \"{newest.path}\" 恢复")
    else:
        text += "。在备份文件夹里没有找到完好的备份"
    return text + "。"


def before_migration(db: Database) -> None:
    """Database.open's hook: back up a file holding data before it is migrated."""
    backup.take(db, backup.folder_for(db.path), "migrate")


def open_for_work(path: str | Path, *, who: str, program: str = "命令行", create: bool = False,
                  read_only: bool = False) -> tuple[Database, WriteLock | None]:
    """The database and the lock held for it (None for `read_only`). Raises `DataError`:
    `in_use` (another program has it), `damaged` (with the newest sound backup named), or
    whatever `Database.open` refuses (too new, not ours)."""
    if read_only or not (create or Path(path).is_file()):  # a missing file: Database.open says so
        return Database.open(path, create=create, before_migrate=before_migration), None
    lock = WriteLock.acquire(path, who, program)
    try:
        # Reading every page costs time in proportion to the file (0.5 s at 100,000 gifts): skipped
        # when the file is exactly as the last command of ours left it (`health.known_sound`).
        found = health.Health(True) if health.known_sound(path) else health.quick_check(path)
        if not found.ok:
            if found.reason != "damaged":
                raise DataError(found.reason, found.problems[0], path=str(path))
            raise DataError("damaged", damaged_message(path, found), path=str(path), problems=found.problems)
        return Database.open(path, create=create, before_migrate=before_migration), lock
    except BaseException:
        lock.release()
        raise
