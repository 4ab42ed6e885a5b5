"""Every importer, fed files that are not what they claim to be, through real `python -m app`
processes: one clear message, a non-zero exit, no traceback, nothing written."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from bad_files import bad_files  # tests/app is on sys.path

ROOT = Path(__file__).resolve().parents[3]
IMPORTERS = ("import-recipients", "import-donations", "import-disbursements")
COUNTED = ("recipients", "donations", "receipts", "disbursements", "distributions", "donors", "audit_log")


def run(*args):
    p = subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    return p.returncode, p.stdout, p.stderr


def counts(path):
    c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}
    finally:
        c.close()


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    db = folder / "station.db"
    assert run("--db", db, "init", "--station-code", "ST01", "--station-name", "东风站")[0] == 0
    assert run("--db", db, "demo", "--recipients", 40, "--donations", 40)[0] == 0
    return db, bad_files(folder / "corpus")


def test_the_corpus_holds_every_kind_of_bad_file(tmp_path):
    names = [n for n, _ in bad_files(tmp_path)]
    assert names == ["empty", "random_bytes", "csv_renamed", "zip_no_sheet", "password_protected",
                     "million_empty_rows", "ten_thousand_char_cell", "directory", "missing"]
    big = dict(bad_files(tmp_path / "again"))["million_empty_rows"]
    assert big.stat().st_size < 50_000  # a million rows, yet small on disk


@pytest.mark.parametrize("command", IMPORTERS)
def test_each_importer_refuses_each_bad_file_plainly(station, command):
    db, corpus = station
    before = counts(db)
    for name, path in corpus:
        code, out, err = run("--db", db, command, path, "--json")
        assert code != 0, f"{command} {name}: accepted"
        assert "Traceback" not in err and "Traceback" not in out, f"{command} {name}: {err}"
        reply = json.loads(out)  # exactly one JSON object
        message = reply["error"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), f"{command} {name}: {message!r}"
        assert len(message) < 400, f"{command} {name}: not one clear message"
        assert counts(db) == before, f"{command} {name}: wrote something"


def test_a_real_list_renamed_xlsx_is_read_by_its_content(station, tmp_path):
    """Why the corpus's renamed CSV is not a donation list: the reader goes by content on purpose."""
    db, _ = station
    f = tmp_path / "名单.xlsx"
    f.write_text("捐赠人,捐款金额（元）\n王秀英,100\n", encoding="utf-8")
    code, out, _ = run("--db", db, "import-donations", f, "--dry-run", "--json")
    assert code == 0 and json.loads(out)["valid"] == 1
