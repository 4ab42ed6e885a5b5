"""Shared by the safety tests: a station with some data, and `python -m app` run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import demo
from app.db import Database
from app.safety import backup
from app.station import accounts, setup

ROOT = Path(__file__).resolve().parents[2]


def make_station(path: Path, recipients: int = 120, donations: int = 150, code: str = "ST01") -> Path:
    db = Database.open(path, create=True)
    setup.set_up(db, accounts.SYSTEM, code, "东风村慈善工作站", "东风镇")
    if recipients or donations:
        demo.generate(db, accounts.SYSTEM, recipients, donations, 3)
    db.close()
    return path


def summary_of(path: Path) -> backup.Summary:
    db = Database.inspect(path)
    try:
        return backup.summarise(db)
    finally:
        db.close()


def cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=180)


def start_cli(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "app", *map(str, args)], cwd=ROOT, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def damage(data: bytes) -> bytes:
    """The file's bytes with the pages in its middle third overwritten, as a failing disk does."""
    page = 4096
    out = bytearray(data)
    pages = len(data) // page
    for n in range(pages // 3, 2 * pages // 3):
        out[n * page:n * page + 64] = b"\x55" * 64
    return bytes(out)
