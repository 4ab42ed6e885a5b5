"""`python -m app operator …` in real processes: the password comes from standard input only."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args, stdin=""):
    p = subprocess.run([sys.executable, "-m", "app", *map(str, args)], input=stdin, capture_output=True,
                       text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert "Traceback" not in p.stderr
    return p.returncode, p.stdout, p.stderr


@pytest.fixture
def dbfile(tmp_path):
    p = tmp_path / "t.db"
    assert run("--db", p, "init", "--station-code", "ST01", "--station-name", "东风站")[0] == 0
    return p


def test_add_disable_passwd_with_the_password_on_standard_input(dbfile):
    code, out, _ = run("--db", dbfile, "operator", "add", "admin", "--admin", "--json", stdin="secret123\n")
    assert code == 0 and json.loads(out)["operator"]["role"] == "admin"
    code, out, _ = run("--db", dbfile, "--operator", "admin", "operator", "add", "xiaoli", "--json",
                       stdin="volunteer1\n")
    assert code == 0 and json.loads(out)["operator"]["role"] == "volunteer"
    # A volunteer may not disable anyone.
    code, out, _ = run("--db", dbfile, "--operator", "xiaoli", "operator", "disable", "admin", "--json")
    assert code == 1 and json.loads(out)["reason"] == "admin_only"
    # Nor may the last administrator go.
    code, out, _ = run("--db", dbfile, "--operator", "admin", "operator", "disable", "admin", "--json")
    assert code == 1 and json.loads(out)["reason"] == "last_admin"
    code, out, _ = run("--db", dbfile, "--operator", "admin", "operator", "passwd", "xiaoli", "--json",
                       stdin="changed99\n")
    assert code == 0
    code, out, _ = run("--db", dbfile, "--operator", "admin", "operator", "disable", "xiaoli")
    assert code == 0 and "已停用" in out
    code, out, _ = run("--db", dbfile, "operator", "list", "--json")
    listed = {o["username"]: o["active"] for o in json.loads(out)["operators"]}
    assert listed == {"admin": True, "xiaoli": False}
    code, out, _ = run("--db", dbfile, "check", "--json")
    assert code == 0 and json.loads(out)["ok"]


def test_no_password_on_the_command_line_and_none_read_is_refused(dbfile):
    code, _, err = run("--db", dbfile, "operator", "add", "admin", "--admin", "--password", "secret123")
    assert code == 2 and "--password" in err
    code, out, _ = run("--db", dbfile, "operator", "add", "admin", "--admin", "--json", stdin="")
    assert code == 1 and json.loads(out)["reason"] == "no_password"
    code, out, _ = run("--db", dbfile, "operator", "add", "admin", "--admin", "--json", stdin="abc\n")
    assert code == 1 and json.loads(out)["reason"] == "short_password"
