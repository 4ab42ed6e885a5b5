"""The command line, run as township staff run it: a real process, real files."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[3]


def run(*args, env=None):
    """Run `python -m app` in a real process; return (exit code, stdout, stderr)."""
    e = {**os.environ, **(env or {})}
    p = subprocess.run([sys.executable, "-m", "app", *map(str, args)], capture_output=True, text=True,
                       cwd=ROOT, env=e, timeout=120)
    return p.returncode, p.stdout, p.stderr


def call(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def dbfile(tmp_path, capsys):
    p = tmp_path / "t.db"
    code, _, _ = call(capsys, "--db", p, "init", "--station-code", "st01", "--station-name", "东风村慈善工作站",
                      "--township", "东风镇")
    assert code == 0
    return p


def test_init_demo_check_in_real_processes(tmp_path):
    p = tmp_path / "t.db"
    code, out, _ = run("--db", p, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站", "--json")
    assert code == 0
    assert json.loads(out)["default_fund"] == "慈善基金（非定向）"
    code, out, _ = run("--db", p, "demo", "--recipients", 300, "--donations", 400, "--seed", 7, "--json")
    assert code == 0
    got = json.loads(out)
    assert (got["recipients"], got["donations"]) == (300, 400)
    code, out, _ = run("--db", p, "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True
    assert report["counts"]["recipients"] == 300 and report["counts"]["donations"] == 400


def test_json_flag_before_or_after_command(capsys, dbfile):
    for args in (["--json", "--db", dbfile, "fund", "list"], ["--db", dbfile, "fund", "list", "--json"]):
        code, out, _ = call(capsys, *args)
        assert code == 0
        assert json.loads(out)["funds"][0]["name"] == "慈善基金（非定向）"


def test_fund_create_and_list(capsys, dbfile):
    code, out, _ = call(capsys, "--db", dbfile, "fund", "create", "--name", "东风村冠名基金", "--opening", "1,000.50",
                        "--json")
    assert code == 0 and json.loads(out)["fund"]["opening_fen"] == 100050
    code, out, _ = call(capsys, "--db", dbfile, "fund", "list")
    assert code == 0 and "东风村冠名基金" in out and "1,000.50" in out


@pytest.mark.parametrize("args, reason", [
    (["fund", "create", "--name", "X", "--opening", "-5"], "negative"),
    (["fund", "create", "--name", "X", "--opening", "abc"], "not_a_number"),
    (["fund", "create", "--name", "慈善基金（非定向）", "--kind", "general"], "duplicate_fund"),
    (["--operator", "nobody", "fund", "create", "--name", "X"], "no_operator"),
    (["fund", "create", "--kind", "bogus", "--name", "X"], "usage"),
    (["init", "--station-code", "ST02", "--station-name", "again"], "already_initialised"),
])
def test_refusals_print_one_json_object_and_write_nothing(capsys, dbfile, args, reason):
    before = sqlite3.connect(dbfile).execute("SELECT count(*) FROM audit_log").fetchone()[0]
    code, out, err = call(capsys, "--db", dbfile, *args, "--json")
    assert code != 0
    obj = json.loads(out)  # exactly one object
    assert obj["reason"] == reason and obj["error"]
    assert "Traceback" not in err
    after = sqlite3.connect(dbfile).execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert after == before


def test_without_json_a_failure_is_one_line(capsys, dbfile):
    code, out, err = call(capsys, "--db", dbfile, "fund", "create", "--name", "X", "--opening", "-5")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "负数" in err


def test_missing_database_is_refused_not_created(capsys, tmp_path):
    p = tmp_path / "none.db"
    code, out, _ = call(capsys, "--db", p, "fund", "list", "--json")
    assert code == 3 and json.loads(out)["reason"] == "missing"
    assert not p.exists()


def test_not_a_database(capsys, tmp_path):
    p = tmp_path / "junk.db"
    p.write_bytes(os.urandom(5000))
    code, out, err = call(capsys, "--db", p, "check", "--json")
    assert code == 3 and json.loads(out)["reason"] == "not_database"
    assert "Traceback" not in err


def test_check_fails_on_broken_chain(capsys, dbfile):
    c = sqlite3.connect(dbfile)
    c.execute("DROP TRIGGER audit_log_no_update")
    c.execute("UPDATE audit_log SET operator_name = '别人' WHERE seq = 1")
    c.commit()
    c.close()
    code, out, _ = call(capsys, "--db", dbfile, "check", "--json")
    assert code != 0 and json.loads(out)["ok"] is False


def test_operator_option_records_who(capsys, dbfile):
    from app.db import Database
    from app.station import accounts

    db = Database.open(dbfile)
    accounts.create_operator(db, accounts.SYSTEM, "zhang", "张站长", "admin", "secret123")
    db.close()
    code, out, _ = call(capsys, "--db", dbfile, "--operator", "zhang", "fund", "create", "--name", "Y", "--json")
    assert code == 0
    last = sqlite3.connect(dbfile).execute(
        "SELECT operator_name FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    assert last == "张站长"


def test_default_database_location_from_env(tmp_path):
    p = tmp_path / "sub" / "default.db"
    code, out, _ = run("init", "--station-code", "ST09", "--station-name", "测试站", "--json",
                       env={"CHARITYDESK_DB": str(p)})
    assert code == 0 and p.exists()


def test_no_command_is_usage(capsys):
    code, out, _ = call(capsys, "--json")
    assert code == 2 and json.loads(out)["reason"] == "usage"


def test_check_finds_a_missing_receipt_number(capsys, dbfile):
    code, _, _ = call(capsys, "--db", dbfile, "donate", "--donor", "张三", "--amount", "100", "--json")
    assert code == 0
    code, out, _ = call(capsys, "--db", dbfile, "check", "--json")
    assert code == 0 and json.loads(out)["counts"]["receipts"] == 1
    c = sqlite3.connect(dbfile)
    c.execute("UPDATE receipt_counters SET last_seq = last_seq + 1")  # a number taken and lost
    c.commit()
    c.close()
    code, out, _ = call(capsys, "--db", dbfile, "check", "--json")
    report = json.loads(out)
    assert code != 0 and any("收据号" in e for e in report["errors"])
