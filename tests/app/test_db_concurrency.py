"""Two connections writing at once: neither save is lost."""

import threading

from app.db import Database
from app.funds import funds


def test_two_connections_writing_at_once_both_land(db, admin):
    """BEGIN IMMEDIATE serialises writers: neither save is lost."""
    errors = []

    def work(i):
        try:
            other = Database.open(db.path)
            for k in range(10):
                funds.create_fund(other, admin, f"线程{i}基金{k}", "named")
            other.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert db.scalar("SELECT count(*) FROM funds WHERE name LIKE '线程%'") == 30
    from app import audit

    assert audit.verify(db).ok
