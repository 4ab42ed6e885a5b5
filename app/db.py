"""The one place that opens SQLite, sets its pragmas, migrates and owns transactions.

Every write in the program goes through `Database.transaction()`, which takes
SQLite's write lock at once (BEGIN IMMEDIATE) so two windows saving at the
same moment are serialised instead of failing half-way. Errors of the world
(disk full, locked, damaged, foreign or newer file) leave this module as
`DataError` with a plain message; everything else is a bug.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app import seals
from app.errors import DataError
from app.migrations import MIGRATIONS

#: Written into the file header (PRAGMA application_id) so our files are recognisable: "CDSK".
APPLICATION_ID = 0x4344534B
SCHEMA_VERSION = max(v for v, _, _ in MIGRATIONS)
_SQLITE_MAGIC = b"SQLite format 3\x00"


def now_iso() -> str:
    """Local time with its offset, to the second: every `*_at` column uses it."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


#: SQLite's primary result codes that come from the world, not from a bug, and what we call them.
#: https://sqlite.org/rescode.html — extended codes are reduced to their primary code (& 0xFF).
_WORLD_CODES: dict[int, str] = {
    3: "read_only",      # SQLITE_PERM
    5: "locked",         # SQLITE_BUSY
    6: "locked",         # SQLITE_LOCKED
    7: "io_error",       # SQLITE_NOMEM
    8: "read_only",      # SQLITE_READONLY
    10: "io_error",      # SQLITE_IOERR
    11: "damaged",       # SQLITE_CORRUPT
    13: "disk_full",     # SQLITE_FULL
    14: "cannot_open",   # SQLITE_CANTOPEN
    15: "locked",        # SQLITE_PROTOCOL
    26: "not_database",  # SQLITE_NOTADB
}

_MESSAGES = {
    "disk_full": "磁盘已满，无法保存{where}。请清理磁盘空间后重试，数据没有改动。",
    "locked": "数据库正被另一个窗口或程序使用{where}，请稍后再试。",
    "not_database": "这个文件不是 CharityDesk 数据库，或者已经损坏{where}。",
    "damaged": "数据库文件已损坏{where}。请用备份恢复。",
    "read_only": "数据库文件是只读的，无法保存{where}。",
    "cannot_open": "无法打开数据库文件{where}。",
    "io_error": "读写磁盘出错{where}。请检查磁盘或U盘。",
}


def world_reason(exc: sqlite3.Error) -> str | None:
    """The kind of world problem behind an SQLite error, or None when it is a bug.

    Classified by SQLite's result code, not by the message's words. The one exception has no
    code to read: text that is not UTF-8 in a TEXT column, which Python's sqlite3 raises itself
    when it reads the bytes — only a file damaged or edited behind the program's back holds it.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return _WORLD_CODES.get(code & 0xFF)
    if isinstance(exc, sqlite3.OperationalError) and str(exc).startswith("Could not decode to UTF-8"):
        return "damaged"
    return None


def is_world_error(exc: sqlite3.Error) -> bool:
    return world_reason(exc) is not None


def translate(exc: sqlite3.Error, path: str | Path = "") -> DataError:
    """A world error (see `world_reason`) as a `DataError` with a plain message; never a bug."""
    reason = world_reason(exc)
    if reason is None:
        raise ValueError(f"not a problem of the world, a bug: {exc!r}")
    where = f"（{path}）" if path else ""
    return DataError(reason, _MESSAGES[reason].format(where=where), sqlite=getattr(exc, "sqlite_errorname", ""))


class Database:
    """One connection to one CharityDesk file. Not shared across threads: call `reopen()`."""

    def __init__(self, path: str | Path, conn: sqlite3.Connection) -> None:
        self.path = Path(path)
        self.conn = conn
        self._depth = 0
        self._lock = threading.RLock()
        self._reading = False  # inside snapshot()
        self.wal = False

    # ---------- opening ----------
    @classmethod
    def open(cls, path: str | Path, *, create: bool = False, migrate: bool = True,
             before_migrate: Callable[[Database], object] | None = None) -> Database:
        """Open (and with `create`, make) a database file, migrating it to this program's schema.
        `before_migrate(db)` is called when a file that holds data is about to be migrated (the
        program takes a backup there); an error from it leaves the file unmigrated."""
        p = Path(path)
        if p.is_dir():
            raise DataError("cannot_open", f"{p} 是一个文件夹，不是数据库文件。")
        exists = p.exists() and p.stat().st_size > 0
        if not exists and not create:
            raise DataError("missing", f"数据库文件不存在：{p}。请先运行 init 建立工作站。", path=str(p))
        if exists:
            with open(p, "rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
            if head != _SQLITE_MAGIC:
                raise DataError("not_database", f"这个文件不是 CharityDesk 数据库，或者已经损坏：{p}", path=str(p))
        elif create:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a read-only profile, a file where the folder should be
                raise DataError("cannot_create", f"无法建立数据文件夹 {p.parent}（{exc.strerror or exc}）。"
                                "请换一个可以写入的位置（--db 或 CHARITYDESK_DB）。", path=str(p)) from exc
        try:
            conn = sqlite3.connect(str(p), isolation_level=None, timeout=15)
        except sqlite3.Error as exc:
            _raise_if_world(exc, p)
            raise
        conn.row_factory = sqlite3.Row
        db = cls(p, conn)
        try:
            db._check_identity()  # before any pragma that writes to the file
            db._configure()
            if migrate:
                if before_migrate is not None and db.needs_migration():
                    before_migrate(db)
                db.migrate()
        except sqlite3.Error as exc:
            conn.close()
            _raise_if_world(exc, p)
            raise
        except DataError:
            conn.close()
            raise
        return db

    @classmethod
    def open_readonly(cls, path: str | Path) -> Database:
        """Open a CharityDesk file only to read it (`check`, a backup to compare with): nothing is
        migrated or written. A file that is not one of ours, or damaged, is a `DataError`."""
        p = Path(path)
        if p.is_dir():
            raise DataError("cannot_open", f"{p} 是一个文件夹，不是数据库文件。")
        if not p.exists():
            raise DataError("missing", f"数据库文件不存在：{p}", path=str(p))
        with open(p, "rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                raise DataError("not_database", f"这个文件不是 CharityDesk 数据库，或者已经损坏：{p}", path=str(p))
        try:
            conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None, timeout=15)
        except sqlite3.Error as exc:
            _raise_if_world(exc, p)
            raise
        conn.row_factory = sqlite3.Row
        db = cls(p, conn)
        try:
            db._check_identity()
            conn.execute("PRAGMA busy_timeout = 15000")
            seals.install(conn)
        except sqlite3.Error as exc:
            conn.close()
            _raise_if_world(exc, p)
            raise
        except DataError:
            conn.close()
            raise
        return db

    @classmethod
    def open_cache(cls, path: str | Path, *, fresh: bool = False) -> Database:
        """A plain SQLite file that the program can rebuild at any time from other files (the
        township's cache of received station files): no CharityDesk schema, no migrations.
        `fresh` starts it empty. Nothing in it is a record, so it is written without fsync."""
        p = Path(path)
        if p.is_dir():
            raise DataError("cannot_open", f"{p} 是一个文件夹，不是数据库文件。")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            if fresh:
                for leftover in (p, p.with_name(p.name + "-wal"), p.with_name(p.name + "-shm"),
                                 p.with_name(p.name + "-journal")):
                    leftover.unlink(missing_ok=True)
        except OSError as exc:
            raise DataError("cannot_open", f"无法建立缓存数据库（{p}）：{exc.strerror or exc}") from exc
        try:
            conn = sqlite3.connect(str(p), isolation_level=None, timeout=15)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = OFF")
        except sqlite3.Error as exc:
            _raise_if_world(exc, p)
            raise
        db = cls(p, conn)
        db.wal = True
        return db

    def sqlite_utils(self) -> Any:
        """This connection as a `sqlite_utils.Database`, for bulk loading a cache."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def reopen(self) -> Database:
        """A second connection to the same file, for a worker thread."""
        return Database.open(self.path)

    def change_stamp(self) -> tuple[int, int]:
        """Moves whenever something was committed to the file: by another connection (another
        window, a background job, the command line: `data_version`) or by this one. The window
        compares it to learn of changes nobody announced."""
        version = self.conn.execute("PRAGMA data_version").fetchone()[0]
        return int(version), self.conn.total_changes

    @classmethod
    @contextmanager
    def for_job(cls, path: str | Path, *, read: bool) -> Iterator[Database]:
        """A background job's own connection, closed when the job ends. `read=True`: the job only
        reads, all of it from one snapshot (a list, a PDF, a preview agree with themselves);
        `read=False`: the job writes (or writes an audit line, as exports do) in its own
        transactions. The one place a job's connection and its snapshot are chosen."""
        db = cls.open(path)
        try:
            if read:
                with db.snapshot():
                    yield db
            else:
                yield db
        finally:
            db.close()

    def _configure(self) -> None:
        c = self.conn
        c.execute("PRAGMA foreign_keys = ON")
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        self.wal = str(mode).lower() == "wal"
        if not self.wal:
            c.execute("PRAGMA journal_mode = DELETE")
        c.execute("PRAGMA synchronous = FULL")
        c.execute("PRAGMA busy_timeout = 15000")
        seals.install(c)

    def _check_identity(self) -> None:
        app_id = self.scalar("PRAGMA application_id")
        version = self.scalar("PRAGMA user_version")
        tables = self.scalar("SELECT count(*) FROM sqlite_master")
        if app_id != APPLICATION_ID and (app_id != 0 or tables):
            raise DataError(
                "foreign", f"这个文件是 SQLite 数据库，但不是 CharityDesk 的数据库：{self.path}",
                path=str(self.path),
            )
        if version > SCHEMA_VERSION:
            raise DataError(
                "too_new",
                f"这个数据库由更新版本的 CharityDesk 建立（数据库版本 {version}，"
                f"本程序最高支持 {SCHEMA_VERSION}）。请升级程序后再打开，文件没有改动。",
                version=version, supported=SCHEMA_VERSION,
            )

    def close(self) -> None:
        self.conn.close()

    # ---------- schema ----------
    @property
    def version(self) -> int:
        return int(self.scalar("PRAGMA user_version"))

    def needs_migration(self) -> bool:
        """True for a file holding data in an older shape than this program's (not a new file)."""
        return 0 < self.version < SCHEMA_VERSION

    # ---------- copies ----------
    def backup_to(self, target: str | Path, progress: Callable[[int, int], object] | None = None) -> None:
        """A consistent copy of the whole database into a new file `target`, through SQLite's online
        backup API (never a file copy of a live database). The copy is a single self-contained file
        (journal mode DELETE). A problem of the world (disk full, write-protected stick) leaves as
        `DataError`; the caller removes the half-written target."""
        try:
            dest = sqlite3.connect(str(target), isolation_level=None)
        except sqlite3.Error as exc:
            _raise_if_world(exc, target)
            raise
        try:
            def step(status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            with self._lock:
                self.conn.backup(dest, pages=1024, progress=step)
            dest.execute("PRAGMA journal_mode = DELETE")
        except sqlite3.Error as exc:
            _raise_if_world(exc, target)
            raise
        finally:
            dest.close()

    @classmethod
    def inspect(cls, path: str | Path) -> Database:
        """Open a file read-only, without pragmas that write or migrations: for looking at a
        backup or a file that may be damaged. Raises `DataError` when it is not ours or too new."""
        p = Path(path)
        if not p.is_file():
            raise DataError("missing", f"文件不存在：{p}", path=str(p))
        with open(p, "rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                raise DataError("not_database", f"这个文件不是 CharityDesk 数据库，或者已经损坏：{p}", path=str(p))
        try:
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            conn.row_factory = sqlite3.Row
        except sqlite3.Error as exc:
            _raise_if_world(exc, p)
            raise
        db = cls(p, conn)
        try:
            db._check_identity()
        except (sqlite3.Error, DataError) as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                _raise_if_world(exc, p)
            raise
        return db

    def migrate(self, target: int | None = None) -> list[int]:
        """Apply each missing numbered step in its own transaction; return the steps applied."""
        target = SCHEMA_VERSION if target is None else target
        applied = []
        for version, description, sql in MIGRATIONS:
            if version <= self.version or version > target:
                continue
            with self.transaction() as c:
                if self.scalar("PRAGMA user_version") >= version:
                    continue  # another process migrated meanwhile
                for statement in _split_sql(sql):
                    c.execute(statement)
                c.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                c.execute(f"PRAGMA user_version = {version}")
                c.execute(
                    "INSERT INTO schema_migrations(version, description, applied_at) VALUES (?,?,?)",
                    (version, description, now_iso()),
                )
            seals.install(self.conn)  # a step may have made the seals' table or a protected one
            applied.append(version)
        return applied

    # ---------- transactions ----------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; nested calls join the outer one. Rolls back on any error."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            if self._reading:
                raise RuntimeError("a snapshot is for reading: write outside it")
            refuse_if_marked_damaged(self.path)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                _raise_if_world(exc, self.path)
                raise
            self._depth = 1
            try:
                yield self.conn
                if seals.pending(self.conn):
                    from app import audit  # audit builds on this module

                    audit.seal_pending(self.conn)
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                _raise_if_world(exc, self.path)
                raise
            except BaseException:
                self._rollback()
                raise
            finally:
                self._depth = 0

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that must agree with each other (a report's table, its summary and its charts):
        one read transaction, so a donation saved meanwhile on another connection shows in
        none of them rather than in some. Inside a write transaction it simply joins it; no
        write may start inside it. Only with WAL: without it a long read would hold the lock
        that every save at the desk waits for."""
        with self._lock:
            if self._depth or self.conn.in_transaction or not self.wal:
                yield
                return
            self.execute("BEGIN")  # deferred: the first read fixes what the rest see
            self._reading = True
            try:
                yield
            finally:
                self._reading = False
                self._rollback()  # nothing was written; ending it frees the snapshot

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    # ---------- reading ----------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            _raise_if_world(exc, self.path)
            raise
        except UnicodeDecodeError as exc:
            raise _garbled(self.path) from exc

    def tuples(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Rows as plain tuples, streamed: far cheaper than `sqlite3.Row` over many rows.
        World errors met while the rows are read leave as `DataError` too."""
        cur = self.conn.cursor()
        cur.row_factory = None
        try:
            yield from cur.execute(sql, params)
        except sqlite3.Error as exc:
            _raise_if_world(exc, self.path)
            raise
        finally:
            cur.close()

    # Rows are read after `execute` returns: a damaged page met while reading is a world error too.
    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        try:
            return self.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            _raise_if_world(exc, self.path)
            raise

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        try:
            row: sqlite3.Row | None = self.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            _raise_if_world(exc, self.path)
            raise
        return row

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else row[0]


#: Beside a database that `check` found damaged; writing is refused until a clean `check`
#: (after a restore) removes it. A file, so a damaged database need not be written to.
DAMAGED_SUFFIX = ".damaged"


def damage_mark(path: str | Path) -> Path:
    p = Path(path)
    return p.with_name(p.name + DAMAGED_SUFFIX)


def mark_damaged(path: str | Path, text: str) -> None:
    try:
        damage_mark(path).write_text(text, encoding="utf-8")
    except OSError:
        pass  # a read-only folder: check still reports the damage with its exit code


def clear_damage_mark(path: str | Path) -> None:
    damage_mark(path).unlink(missing_ok=True)


def refuse_if_marked_damaged(path: str | Path) -> None:
    if damage_mark(path).exists():
        raise DataError(
            "marked_damaged",
            f"上次检查发现这个数据库已损坏或被改动过（{path}），为免错上加错，现在不能保存。"
            "请用备份恢复；恢复后再运行 check。",
            path=str(path))


def _garbled(path: str | Path) -> DataError:
    """SQLite's own message about a damaged schema can hold bytes that are not text: Python then
    fails to decode the message itself. Only a damaged file does that."""
    return DataError("damaged", _MESSAGES["damaged"].format(where=f"（{path}）"))


def _raise_if_world(exc: sqlite3.Error, path: str | Path) -> None:
    """Raise a world error as `DataError`; return for a bug, which the caller re-raises as it is."""
    if is_world_error(exc):
        raise translate(exc, path) from exc


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers keep their inner semicolons)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements
