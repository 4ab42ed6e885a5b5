"""Consolidation (issue 18, done when): three stations' files made by the program consolidate with
the totals recounted from the three databases — one of them after a round trip through
LibreOffice — people aided or registered at two stations are listed, and a junk file, a repeated
file and a code clash are set aside without stopping the rest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from libreoffice import convert
from township_stations import make_station, recount, shared_ids

from app.cli import main
from app.rules.idcard import mask_id
from app.township.consolidate import consolidate
from app.township.station_file import export_station


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    root = tmp_path_factory.mktemp("town")
    ids = shared_ids(12)
    a = make_station(root, "370102001001", "东风村慈善工作站", ids[0:5], gifts=[100000, 5000])
    b = make_station(root, "370102001002", "西岭村慈善工作站", ids[4:8], gifts=[100000], village="西岭村")
    c = make_station(root, "370102001003", "南山村慈善工作站", ids[8:12] + [ids[0]], gifts=[80000],
                     amount_fen=15000, village="南山村")
    # Another station that was given A's code by mistake: a different identity.
    clash = make_station(root, "370102001001", "北坡村慈善工作站", ids[10:11], gifts=[50000])
    inbox = root / "inbox"
    inbox.mkdir()
    export_station(a.db, inbox / "东风.xlsx")
    export_station(b.db, root / "西岭.xlsx")
    export_station(c.db, inbox / "南山.xlsx")
    export_station(clash.db, inbox / "北坡.xlsx")
    # B's file went through LibreOffice (opened and saved) before it reached the township.
    (lo,) = convert([root / "西岭.xlsx"], root / "lo", root)
    shutil.copy(lo, inbox / "西岭.xlsx")
    shutil.copy(inbox / "东风.xlsx", inbox / "东风 - 副本.xlsx")
    (inbox / "名单.xlsx").write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")  # a renamed CSV
    out = consolidate([inbox], root / "town.xlsx", cache=root / "cache.db", return_dir=root / "returns")
    yield {"a": a, "b": b, "c": c, "ids": ids, "out": out, "root": root}
    for s in (a, b, c, clash):
        s.db.close()


def test_totals_equal_the_three_databases_recounted(town):
    out = town["out"]
    expected = [recount(town[k].db) for k in "abc"]
    assert len(out.stations) == 3
    assert out.totals["donations_fen"] == sum(d for d, _ in expected) == 285000
    assert out.totals["aid_fen"] == sum(a for _, a in expected)
    assert out.totals["aid_lines"] == 5 + 4 + 5


def test_people_aided_at_two_stations_are_duplicate_aid(town):
    ids = town["ids"]
    dup = {d["id_masked"]: d for d in town["out"].to_dict()["duplicate_aid"]}
    assert set(dup) == {mask_id(ids[0]), mask_id(ids[4])}
    assert dup[mask_id(ids[4])]["stations"] == ["370102001001", "370102001002"]
    assert dup[mask_id(ids[0])]["stations"] == ["370102001001", "370102001003"]
    assert sorted(ln["amount_fen"] for ln in dup[mask_id(ids[0])]["lines"]) == [15000, 20000]


def test_people_registered_at_two_stations_are_double_registrations(town):
    ids = town["ids"]
    dups = town["out"].to_dict()["duplicates"]
    assert {d["id_masked"] for d in dups} == {mask_id(ids[0]), mask_id(ids[4])}
    assert all(len(d["stations"]) == 2 for d in dups)
    assert not any(ids[0] in json.dumps(d, ensure_ascii=False) for d in dups), "ID numbers are masked"


def test_junk_copy_and_code_clash_are_set_aside_with_reasons(town):
    rejected = {Path(r["file"]).name: r for r in town["out"].to_dict()["rejected"]}
    copies = {"东风.xlsx", "东风 - 副本.xlsx"} & set(rejected)
    assert len(copies) == 1, "one of the two identical files counts, the other is the copy"
    assert set(rejected) == {"名单.xlsx", "北坡.xlsx", *copies}
    assert rejected["名单.xlsx"]["code"] == "not_spreadsheet"
    assert rejected[copies.pop()]["code"] == "copy"
    assert rejected["北坡.xlsx"]["code"] == "code_clash"
    assert "370102001001" in rejected["北坡.xlsx"]["reason"]


def test_the_workbook_holds_the_summary_and_the_lists(town):
    wb = openpyxl.load_workbook(town["out"].output, read_only=True)
    assert wb.sheetnames[:6] == ["汇总", "重复救助", "重复登记", "疑似重复", "收支", "文件"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:-1]] == ["东风村慈善工作站", "西岭村慈善工作站", "南山村慈善工作站"]
    total = rows[-1]
    assert total[0] == "合计"
    assert round(total[rows[0].index("合计 金额（元）")] * 100) == town["out"].totals["aid_fen"]
    text = json.dumps([list(r) for r in wb["重复救助"].iter_rows(values_only=True)], ensure_ascii=False,
                      default=str)
    assert town["ids"][0] not in text and mask_id(town["ids"][0]) in text


def test_return_files_flag_a_stations_own_people_and_refuse_another_station(town, tmp_path):
    from app.recipients.flags import flags_for
    from app.station import accounts
    from app.township.reader import Rejected
    from app.township.returns import import_flags

    a, b, ids = town["a"], town["b"], town["ids"]
    files = {Path(p).name.split("_")[1]: Path(p) for p in town["out"].returns}
    assert set(files) == {"370102001001", "370102001002", "370102001003"}
    result = import_flags(a.db, accounts.SYSTEM, files["370102001001"])
    assert result["people"] == 2
    flagged = flags_for(a.db, list(a.people.values()))
    assert set(flagged) == {a.people[ids[0]], a.people[ids[4]]}
    texts = [f.text for f in flagged[a.people[ids[4]]]]
    assert any(t.startswith("已在 西岭村慈善工作站（370102001002） 领取 冬季送温暖") for t in texts), texts
    with pytest.raises(Rejected) as err:
        import_flags(b.db, accounts.SYSTEM, files["370102001001"])
    assert err.value.reason == "other_station"


def test_cli_prints_the_promised_keys_and_exits_0(town, tmp_path, capsys):
    inbox = town["root"] / "inbox"
    code = main(["consolidate", str(inbox), "-o", str(tmp_path / "t.xlsx"), "--cache", str(tmp_path / "c.db"),
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["stations"] == 3
    assert {"file", "reason"} <= set(out["rejected"][0])
    assert {"stations", "id_masked"} <= set(out["duplicate_aid"][0])
    assert {"stations", "id_masked"} <= set(out["duplicates"][0])
    assert isinstance(out["possible_duplicates"], list)
    assert out["totals"]["donations_fen"] == 285000


def test_nothing_to_consolidate_exits_non_zero_and_writes_nothing(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(["consolidate", str(empty), "-o", str(tmp_path / "t.xlsx"), "--cache", str(tmp_path / "c.db"),
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and "文件夹是空的" in out["error"]
    assert not (tmp_path / "t.xlsx").exists()


def test_the_summary_opens_in_libreoffice_with_its_totals(town, tmp_path):
    (back,) = convert([town["out"].output], tmp_path / "lo", tmp_path)
    wb = openpyxl.load_workbook(back, data_only=True, read_only=True)
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert rows[-1][0] == "合计"
    assert round(rows[-1][rows[0].index("合计 金额（元）")] * 100) == town["out"].totals["aid_fen"]
    months = list(wb["收支"].iter_rows(values_only=True))
    assert round(months[-1][months[0].index("捐赠收入（元）")] * 100) == 285000


def test_a_flag_shows_on_the_candidate_list_and_never_leaves_anyone_out(town):
    import datetime as dt

    from app.programmes import eligibility
    from app.station import accounts
    from app.township.returns import import_flags

    a, ids = town["a"], town["ids"]
    mine = next(p for p in town["out"].returns if "370102001001" in Path(p).name)
    import_flags(a.db, accounts.SYSTEM, mine)
    prog = a.db.scalar("SELECT id FROM programmes")
    plan = eligibility.plan(a.db, prog, dt.date(2025, 3, 20))
    assert {c.recipient_id for c in plan.included} == set(a.people.values())  # nobody left out
    notes = {c.recipient_id: c.note for c in plan.included}
    assert "已在 西岭村慈善工作站（370102001002） 领取" in notes[a.people[ids[4]]]
    assert "已在 南山村慈善工作站（370102001003）" in notes[a.people[ids[0]]]
    assert notes[a.people[ids[1]]] == ""
