"""The station exchange file: what it holds, what it refuses, and that a newer export replaces an
older one for the period it covers (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from township_stations import make_station, recount, shared_ids

from app.cli import main
from app.donations import donations
from app.station import accounts
from app.township.consolidate import consolidate
from app.township.reader import Rejected, read_exchange
from app.township.station_file import export_station

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def station(tmp_path):
    s = make_station(tmp_path, "370102001001", "东风村慈善工作站", shared_ids(4), gifts=[100000, 5000])
    yield s
    s.db.close()


def test_file_holds_identity_period_and_no_phones_or_accounts(station, tmp_path):
    r = export_station(station.db, tmp_path / "s.xlsx", dt.date(2025, 1, 1))
    f = read_exchange(r["path"])
    assert f.station_code == "370102001001"
    assert len(f.station_uid) == 36 and f.meta["date_from"] == "2025-01-01"
    assert f.meta["date_to"] == dt.date.today().isoformat()
    wb = openpyxl.load_workbook(r["path"], read_only=True)
    assert wb.sheetnames[0] == "说明"
    everything = json.dumps([[list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets],
                            ensure_ascii=False, default=str)
    assert "13800000000" not in everything and "6222000011112222" not in everything
    assert len(f.sheets["登记名册"]) == 4 and len(f.sheets["发放明细"]) == 4


def test_an_edited_value_fails_the_checksum(station, tmp_path):
    path = Path(export_station(station.db, tmp_path / "s.xlsx")["path"])
    wb = openpyxl.load_workbook(path)
    ws = wb["登记名册"]
    ws.cell(row=2, column=3).value = "李四"  # a name changed by hand
    wb.save(tmp_path / "edited.xlsx")
    with pytest.raises(Rejected) as err:
        read_exchange(tmp_path / "edited.xlsx")
    assert err.value.reason == "checksum"
    assert "edited.xlsx" in err.value.message


def test_a_file_from_a_newer_program_is_refused_by_name(station, tmp_path):
    path = Path(export_station(station.db, tmp_path / "s.xlsx")["path"])
    wb = openpyxl.load_workbook(path)
    ws = wb["说明"]
    for row in ws.iter_rows():
        if row[0].value == "格式版本":
            row[1].value = "2"
    wb.save(tmp_path / "newer.xlsx")
    with pytest.raises(Rejected) as err:
        read_exchange(tmp_path / "newer.xlsx")
    assert err.value.reason == "too_new" and "升级" in err.value.message


def test_password_protects_the_whole_file(station, tmp_path):
    r = export_station(station.db, tmp_path / "s.xlsx", password="乡镇2025")
    raw = Path(r["path"]).read_bytes()
    assert not raw.startswith(b"PK"), "encrypted, not a plain zip"
    assert read_exchange(r["path"], "乡镇2025").station_code == "370102001001"
    with pytest.raises(Rejected) as err:
        read_exchange(r["path"], "wrong")
    assert err.value.reason == "wrong_password"
    with pytest.raises(Rejected) as err:
        read_exchange(r["path"])
    assert err.value.reason == "password_needed"


def test_a_void_between_two_exports_leaves_the_totals_right(station, tmp_path):
    inbox = tmp_path / "inbox"
    older = export_station(station.db, inbox / "1月.xlsx")
    gift = station.db.scalar("SELECT id FROM donations WHERE amount_fen = 5000")
    donations.void_donation(station.db, accounts.SYSTEM, gift, "金额写错")
    newer = export_station(station.db, inbox / "2月.xlsx")
    out = consolidate([inbox], tmp_path / "t.xlsx", cache=tmp_path / "c.db")
    assert out.totals["donations_fen"] == recount(station.db)[0] == 100000
    rejected = out.to_dict()["rejected"]
    assert [(Path(r["file"]).name, r["code"]) for r in rejected] == [("1月.xlsx", "superseded")]
    assert Path(newer["path"]).name in rejected[0]["reason"] and older["path"]


def test_a_newer_export_of_part_of_the_period_replaces_only_that_part(station, tmp_path):
    inbox = tmp_path / "inbox"
    export_station(station.db, inbox / "全部.xlsx")  # everything, gifts of 2025-02-03 included
    gift = station.db.scalar("SELECT id FROM donations WHERE amount_fen = 5000")
    donations.void_donation(station.db, accounts.SYSTEM, gift, "金额写错")
    export_station(station.db, inbox / "二月起.xlsx", dt.date(2025, 2, 1))
    out = consolidate([inbox], tmp_path / "t.xlsx", cache=tmp_path / "c.db")
    assert out.to_dict()["rejected"] == []  # the older still says something about January and before
    assert out.totals["donations_fen"] == 100000
    assert out.totals["aid_fen"] == recount(station.db)[1]


def test_the_frozen_format_1_example_is_read_by_this_program():
    f = read_exchange(FIXTURES / "exchange_v1.xlsx")
    assert f.meta["format_version"] == "1"
    assert f.station_code == "370102001009"
    assert (f.meta["date_from"], f.meta["date_to"]) == ("2025-01-01", "2025-12-31")
    assert [r[3] for r in f.sheets["登记名册"]] == ["370303195001010035", "370303195102020056",
                                                  "110101198003070017"]
    assert sum(r[9] for r in f.sheets["发放明细"]) == 60000
    assert sum(r[5] for r in f.sheets["捐赠汇总"]) == 102550


def test_cli_export_station_and_wrong_password_at_the_township(station, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CHARITYDESK_PASSWORD", "abc123")
    code = main(["--db", str(station.db.path), "export", "station", "-o", str(tmp_path / "s.xlsx"), "--password",
                 "--from", "2025-01-01", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["encrypted"] and out["station_code"] == "370102001001"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(tmp_path / "s.xlsx", inbox / "s.xlsx")
    monkeypatch.setenv("CHARITYDESK_PASSWORD", "not-it")
    code = main(["consolidate", str(inbox), "-o", str(tmp_path / "t.xlsx"), "--cache", str(tmp_path / "c.db"),
                 "--password", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["rejected"][0]["code"] == "wrong_password" and "s.xlsx" in out["error"]


def test_an_encrypted_file_opens_in_libreoffice_with_the_password_only(station, tmp_path):
    import os
    import subprocess

    has_uno = Path("/usr/bin/python3").exists() and subprocess.run(
        ["/usr/bin/python3", "-c", "import uno"], capture_output=True).returncode == 0
    if not has_uno or not shutil.which("soffice"):
        if os.environ.get("CHARITYDESK_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice with python3-uno is needed (CHARITYDESK_REQUIRE_SOFFICE=1)")
        pytest.skip("LibreOffice's python3-uno is not installed")
    r = export_station(station.db, tmp_path / "s.xlsx", password="乡镇2025")
    script = Path(__file__).with_name("lo_open_with_password.py")
    port = str(20000 + os.getpid() % 20000)
    done = subprocess.run(["/usr/bin/python3", str(script), r["path"], "乡镇2025", str(tmp_path), port],
                          capture_output=True, text=True, timeout=180)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["right"]["sheets"][:2] == ["说明", "登记名册"]
    assert result["right"]["code"] == "370102001001"
    assert result["wrong"] is None


def test_a_truncated_file_is_set_aside_and_the_rest_count(station, tmp_path):
    inbox = tmp_path / "inbox"
    good = Path(export_station(station.db, inbox / "好.xlsx")["path"])
    data = good.read_bytes()
    (inbox / "半截.xlsx").write_bytes(data[: len(data) // 2])  # the copy to the stick was cut short
    out = consolidate([inbox], tmp_path / "t.xlsx", cache=tmp_path / "c.db")
    rejected = out.to_dict()["rejected"]
    assert [(Path(r["file"]).name, r["code"]) for r in rejected] == [("半截.xlsx", "truncated")]
    assert "不完整" in rejected[0]["reason"] and len(out.stations) == 1


def test_a_name_that_is_not_there_is_set_aside_and_the_rest_count(station, tmp_path):
    good = export_station(station.db, tmp_path / "好.xlsx")["path"]
    out = consolidate([good, tmp_path / "没有这个.xlsx"], tmp_path / "t.xlsx", cache=tmp_path / "c.db")
    assert [r["code"] for r in out.to_dict()["rejected"]] == ["missing"]
    assert len(out.stations) == 1


def test_cancelling_writes_nothing(station, tmp_path):
    from app.excel import Cancelled

    good = export_station(station.db, tmp_path / "好.xlsx")["path"]
    with pytest.raises(Cancelled):
        consolidate([good], tmp_path / "t.xlsx", cache=tmp_path / "c.db", cancelled=lambda: True)
    assert not (tmp_path / "t.xlsx").exists()


def test_a_death_another_station_recorded_reaches_the_return_file(tmp_path):
    from app.recipients import recipients
    from app.township.format import RETURN_FILE
    from app.township.returns import FLAGS

    ids = shared_ids(3)
    a = make_station(tmp_path, "370102001001", "东风村慈善工作站", ids[0:2], gifts=[100000])
    b = make_station(tmp_path, "370102001002", "西岭村慈善工作站", ids[1:3], gifts=[100000])
    recipients.close_recipient(b.db, accounts.SYSTEM, b.people[ids[1]], "去世", dt.date(2025, 4, 2))
    inbox = tmp_path / "inbox"
    export_station(a.db, inbox / "a.xlsx")
    export_station(b.db, inbox / "b.xlsx")
    out = consolidate([inbox], tmp_path / "t.xlsx", cache=tmp_path / "c.db", return_dir=tmp_path / "r")
    mine = next(p for p in out.returns if "370102001001" in p)
    rows = read_exchange(mine, kind=RETURN_FILE, specs=(FLAGS,)).sheets[FLAGS.name]
    assert ("他站记为死亡", "2025-04-02") in {(r[2], r[4][:10]) for r in rows if r[0] == ids[1]}
    assert {r[0] for r in rows} == {ids[1]}  # only A's own people found elsewhere
    a.db.close()
    b.db.close()


def test_one_programme_twice_in_a_month_is_duplicate_aid(station, tmp_path):
    from app.programmes import distributions

    prog = station.db.scalar("SELECT id FROM programmes")
    donor = station.db.scalar("SELECT id FROM donors")
    donations.record_donation(station.db, accounts.SYSTEM, donations.DonationInput(donor, dt.date(2025, 3, 20), 100000),
                              today=dt.date(2025, 3, 20))
    distributions.distribute(station.db, accounts.SYSTEM, prog, dt.date(2025, 3, 25), today=dt.date(2025, 3, 25))
    out = consolidate([export_station(station.db, tmp_path / "s.xlsx")["path"]], tmp_path / "t.xlsx",
                      cache=tmp_path / "c.db")
    dup = out.to_dict()["duplicate_aid"]
    assert len(dup) == 4 and all(d["why"] == "同一项目同一个月多次发放" and len(d["lines"]) == 2 for d in dup)
