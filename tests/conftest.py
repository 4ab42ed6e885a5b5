"""Shared test setup. Qt must run offscreen: set before anything imports Qt."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-charitydesk-tests")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
# Keep QSettings and the default database of the tests away from the user's own.
_HOME = Path(tempfile.mkdtemp(prefix="charitydesk-tests-"))
os.environ["XDG_CONFIG_HOME"] = str(_HOME / "config")
os.environ["XDG_DATA_HOME"] = str(_HOME / "data")
os.environ.pop("CHARITYDESK_DB", None)

ROOT = Path(__file__).resolve().parent.parent
# The program, and the helper modules the tests share (tests/app: populations and report books;
# tests/ui: the print seam), importable by name from every test folder.
for _path in (ROOT, ROOT / "tests" / "app", ROOT / "tests" / "ui"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import pytest  # noqa: E402

from app.db import Database  # noqa: E402
from app.station import accounts, setup  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Database:
    """An initialised station database (ST01, 东风村慈善工作站) in a temporary folder."""
    d = Database.open(tmp_path / "station.db", create=True)
    setup.set_up(d, accounts.SYSTEM, "ST01", "东风村慈善工作站", "东风镇")
    yield d
    d.close()


@pytest.fixture
def admin(db: Database) -> accounts.Operator:
    return accounts.create_operator(db, accounts.SYSTEM, "admin", "管理员", "admin", "secret123")


@pytest.fixture
def volunteer(db: Database, admin: accounts.Operator) -> accounts.Operator:
    return accounts.create_operator(db, admin, "xiaoli", "小李", "volunteer", "secret123")
