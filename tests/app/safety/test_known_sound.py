"""A writing command reads every page of the file only when something may have touched it since
the last command of ours: the whole-file check grows with the station's history."""

from __future__ import annotations

import json

from safety_helpers import cli, damage, make_station

from app.cli import main
from app.safety import health


def _donate(path, amount="10"):
    return main(["--db", str(path), "--json", "donate", "--donor", "张三", "--amount", amount])


def test_a_second_command_on_an_untouched_file_skips_the_whole_file_check(tmp_path, monkeypatch, capsys):
    path = make_station(tmp_path / "s.db", 20, 20)
    calls = []
    real = health.quick_check
    monkeypatch.setattr(health, "quick_check", lambda p: calls.append(p) or real(p))
    assert _donate(path) == 0
    assert len(calls) == 1  # a file this program has not seen end a command: read it all
    assert health.known_sound(path)
    assert _donate(path, "20") == 0
    assert len(calls) == 1  # exactly as the last command left it: no second full read
    capsys.readouterr()


def test_a_file_touched_by_another_tool_is_read_again_and_refused_when_damaged(tmp_path, capsys):
    path = make_station(tmp_path / "s.db", 60, 200)
    assert _donate(path) == 0
    assert health.known_sound(path)
    path.write_bytes(damage(path.read_bytes()))  # a failing disk, or another program, wrote to it
    assert not health.known_sound(path)
    capsys.readouterr()
    p = cli("--db", path, "--json", "donate", "--donor", "李四", "--amount", "5")
    assert p.returncode == 3, p.stdout + p.stderr
    assert json.loads(p.stdout)["reason"] == "damaged"


def test_a_refused_command_leaves_no_note(tmp_path, capsys):
    path = make_station(tmp_path / "s.db", 5, 5)
    assert _donate(path, "-3") != 0
    assert not health.known_sound(path)
    capsys.readouterr()
