import sqlite3

import pytest

from app.db import APPLICATION_ID, SCHEMA_VERSION, Database
from app.errors import DataError
from app.migrations import MIGRATIONS
from app.station import accounts, setup


def test_pragmas(db):
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA synchronous") == 2  # FULL
    assert db.scalar("PRAGMA application_id") == APPLICATION_ID
    assert db.version == SCHEMA_VERSION


def test_missing_file_is_not_created_without_create(tmp_path):
    with pytest.raises(DataError) as e:
        Database.open(tmp_path / "nope.db")
    assert e.value.reason == "missing"
    assert not (tmp_path / "nope.db").exists()


def test_random_bytes_are_not_a_database(tmp_path):
    p = tmp_path / "x.db"
    p.write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(DataError) as e:
        Database.open(p)
    assert e.value.reason == "not_database"


def test_foreign_sqlite_file_is_refused_untouched(tmp_path):
    p = tmp_path / "other.db"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE t(x)")
    c.commit()
    c.close()
    before = p.read_bytes()
    with pytest.raises(DataError) as e:
        Database.open(p, create=True)
    assert e.value.reason == "foreign"
    assert p.read_bytes() == before


def test_newer_database_is_refused_untouched(tmp_path):
    p = tmp_path / "new.db"
    d = Database.open(p, create=True)
    d.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    d.close()
    before = p.read_bytes()
    with pytest.raises(DataError) as e:
        Database.open(p)
    assert e.value.reason == "too_new"
    assert str(SCHEMA_VERSION + 1) in e.value.message
    assert p.read_bytes() == before


def test_damaged_file_is_detected(tmp_path):
    p = tmp_path / "d.db"
    d = Database.open(p, create=True)
    setup.set_up(d, accounts.SYSTEM, "ST01", "站")
    d.close()
    data = bytearray(p.read_bytes())
    for i in range(100, 4096):  # overwrite the schema page after the header
        data[i] = 0xA5
    p.write_bytes(bytes(data))
    with pytest.raises(DataError) as e:
        Database.open(p)
    assert e.value.reason in ("damaged", "not_database")


def test_transaction_rolls_back_on_error(db):
    with pytest.raises(RuntimeError):
        with db.transaction() as c:
            c.execute("UPDATE station SET name = 'changed'")
            raise RuntimeError("boom")
    assert db.scalar("SELECT name FROM station") == "东风村慈善工作站"


def test_snapshot_reads_agree_while_another_connection_writes(db):
    """A report's sheets are read in one snapshot: a write committed meanwhile shows in none of them."""
    assert db.wal  # the snapshot needs WAL (a file on a local disk has it)
    other = db.reopen()
    try:
        with db.snapshot():
            before = db.scalar("SELECT name FROM station")
            with other.transaction() as c:  # the station PC saves while the export runs
                c.execute("UPDATE station SET name = 'changed'")
            assert db.scalar("SELECT name FROM station") == before
        assert db.scalar("SELECT name FROM station") == "changed"
        with db.snapshot(), pytest.raises(RuntimeError, match="reading"):
            with db.transaction():  # a write inside a snapshot is a programming error, said plainly
                pass
        assert not db.conn.in_transaction
        with db.transaction() as c:  # after the snapshot, writing works as ever
            c.execute("UPDATE station SET name = 'again'")
            with db.snapshot():  # inside a write transaction a snapshot joins it
                assert db.scalar("SELECT name FROM station") == "again"
        assert other.scalar("SELECT name FROM station") == "again"
    finally:
        other.close()


def test_a_job_connection_reads_one_snapshot_or_writes_and_is_closed(db):
    """`Database.for_job`: a reading job sees one moment and may not write; a writing job writes;
    both connections are closed when the job ends, also when it fails."""
    with Database.for_job(db.path, read=True) as job:
        before = job.scalar("SELECT name FROM station")
        with db.transaction() as c:
            c.execute("UPDATE station SET name = 'meanwhile'")
        assert job.scalar("SELECT name FROM station") == before
        with pytest.raises(RuntimeError, match="reading"), job.transaction():
            pass
    with pytest.raises(sqlite3.ProgrammingError):
        job.scalar("SELECT 1")  # closed
    with pytest.raises(ValueError), Database.for_job(db.path, read=False) as job:
        with job.transaction() as c:
            c.execute("UPDATE station SET name = 'by the job'")
        raise ValueError("the job fails after writing")
    with pytest.raises(sqlite3.ProgrammingError):
        job.scalar("SELECT 1")
    assert db.scalar("SELECT name FROM station") == "by the job"


def test_nested_transaction_joins_outer(db):
    with pytest.raises(RuntimeError):
        with db.transaction() as c:
            c.execute("UPDATE station SET name = 'outer'")
            with db.transaction() as c2:
                c2.execute("UPDATE station SET township = 'inner'")
            raise RuntimeError("boom")
    row = db.one("SELECT name, township FROM station")
    assert (row[0], row[1]) == ("东风村慈善工作站", "东风镇")


@pytest.mark.parametrize("start", [v for v, _, _ in MIGRATIONS])
def test_each_migration_step_from_older_shape(tmp_path, start):
    """Build the database as it was at `start`, then migrate to the newest shape."""
    p = tmp_path / "m.db"
    d = Database.open(p, create=True, migrate=False)
    d.migrate(target=start)
    assert d.version == start
    d.close()
    d = Database.open(p)
    assert d.version == SCHEMA_VERSION
    assert [r[0] for r in d.query("SELECT version FROM schema_migrations ORDER BY version")] == \
        [v for v, _, _ in MIGRATIONS]
    assert d.scalar("PRAGMA integrity_check") == "ok"
    assert d.query("PRAGMA foreign_key_check") == []
    d.close()


def test_migrations_are_numbered_in_order():
    versions = [v for v, _, _ in MIGRATIONS]
    assert versions[0] == 1 and versions == sorted(set(versions))


def test_every_travelling_table_has_text_id(db):
    for table in ("funds", "donors", "donations", "recipients", "households", "operators", "goods_lines",
                  "programmes", "fund_outflows"):
        cols = {r["name"]: r for r in db.query(f"PRAGMA table_info({table})")}
        assert cols["id"]["type"] == "TEXT" and cols["id"]["pk"] == 1, table


def test_disk_full_leaves_data_as_it_was(db):
    from app.funds import funds

    before = db.scalar("SELECT count(*) FROM funds")
    db.conn.execute("PRAGMA max_page_count = %d" % db.scalar("PRAGMA page_count"))
    with pytest.raises(DataError) as e:
        for i in range(200):
            funds.create_fund(db, accounts.SYSTEM, f"基金{i}" + "很长的名字" * 200, "named")
    assert e.value.reason == "disk_full"
    db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert db.scalar("SELECT count(*) FROM funds") >= before
    assert db.scalar("PRAGMA integrity_check") == "ok"


def test_a_bug_is_not_shown_as_a_problem_of_the_world(db):
    """A mistake in the program's SQL or a broken rule stays a bug: never "数据库出错" to a person."""
    with pytest.raises(sqlite3.OperationalError):
        db.query("SELECT no_such_column FROM funds")
    with pytest.raises(sqlite3.IntegrityError):
        with db.transaction() as c:
            c.execute("INSERT INTO funds(id, name, kind, created_at, created_by, updated_at, updated_by)"
                      " VALUES ('x', 'y', 'no-such-kind', '', 'system', '', 'system')")
    with pytest.raises(sqlite3.OperationalError):
        list(db.tuples("SELECT * FROM no_such_table"))


def _error_with_code(code: int) -> sqlite3.Error:
    exc = sqlite3.OperationalError("whatever the words")
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]
    return exc


@pytest.mark.parametrize(("code", "reason"), [
    (13, "disk_full"), (5, "locked"), (6, "locked"), (11, "damaged"), (26, "not_database"),
    (8, "read_only"), (14, "cannot_open"), (10, "io_error"), (10 | (3 << 8), "io_error"),
    (8 | (1 << 8), "read_only"),
])
def test_world_errors_are_told_apart_by_sqlite_code_not_words(code, reason):
    from app.db import translate, world_reason

    assert world_reason(_error_with_code(code)) == reason
    assert translate(_error_with_code(code), "x.db").reason == reason


@pytest.mark.parametrize("code", [1, 19, 20, 21, 25])  # ERROR, CONSTRAINT, MISMATCH, MISUSE, RANGE
def test_errors_of_the_program_are_bugs_whatever_they_say(code):
    from app.db import world_reason

    exc = _error_with_code(code)
    exc.args = ("database or disk is full (but the code says otherwise)",)
    assert world_reason(exc) is None


def test_real_disk_full_carries_its_code(db):
    db.conn.execute("PRAGMA max_page_count = %d" % db.scalar("PRAGMA page_count"))
    try:
        with pytest.raises(DataError) as e:
            with db.transaction() as c:
                c.execute("CREATE TABLE filler(x)")
                c.execute("INSERT INTO filler VALUES (zeroblob(1000000))")
        assert e.value.reason == "disk_full" and e.value.facts["sqlite"] == "SQLITE_FULL"
    finally:
        db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'filler'") == 0


def test_a_data_folder_that_cannot_be_made_is_a_plain_message(tmp_path):
    from app.errors import DataError

    blocker = tmp_path / "只读 配置"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DataError) as err:
        Database.open(blocker / "CharityDesk" / "charitydesk.db", create=True)
    assert err.value.reason == "cannot_create" and "可以写入" in err.value.message
