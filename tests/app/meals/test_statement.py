"""The canteen month by hand: every line of the statement checked against the rule — age on the
meal day, the highest tier, category rates, the week and month caps, a death mid-month, a
birthday mid-month — then the payment through the fund journal, paid once, reversed, reissued."""

import datetime as dt
import json

import pytest
from meal_month import MONTH, every_day, grid_file, set_up

from app.errors import Conflict, InputError
from app.funds import funds, journal
from app.imports.meals import import_meals
from app.meals import scheme, statement
from app.recipients import recipients

TODAY = dt.date(2026, 4, 2)


@pytest.fixture
def month(db, admin, tmp_path):
    ids = set_up(db, admin)
    marks = {"甲七十": every_day("√"), "乙八十": {2: 1, 3: "1", 4: "√"}, "丙九十": {10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 16: 1},
             "丁生日": {13: 1, 20: 1}, "戊五九": {2: 1, 3: 1}, "己九六": {5: 1}}
    path = grid_file(tmp_path / "三月.xlsx", marks)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    result = import_meals(db, admin, path, canteen, MONTH)
    assert result.errors == [] and result.imported == 6
    # 丙 dies on 15 March, recorded after the canteen's list came in: the meal on the 16th is not paid.
    recipients.close_recipient(db, admin, ids["丙九十"], "去世", on=dt.date(2026, 3, 15))
    return canteen, ids


def test_every_line_follows_the_rule(db, admin, month):
    canteen, ids = month
    st = statement.compute(db, canteen, MONTH).to_dict()
    lines = {ln["name"]: ln for ln in st["lines"]}
    # 甲, 70: 1 yuan; 1 March is a Sunday, then four full weeks capped at 5, then 30–31 March,
    # and the month cap of 22 stops the last meal: 1 + 5 + 5 + 5 + 5 + 1 = 22.
    a = lines["甲七十"]
    assert (a["meals"], a["rate_fen"], a["subsidy_fen"], a["unsubsidised"]) == (22, 100, 2200, 9)
    assert sorted({n["reason"] for n in a["not_subsidised"]}) == ["超过每周上限 5 餐", "超过每月上限 22 餐"]
    assert [n["date"] for n in a["not_subsidised"] if "每月" in n["reason"]] == ["2026-03-31"]
    # 乙, 80 and 低保户: the category's 8 beats the age tier's 5.
    b = lines["乙八十"]
    assert (b["meals"], b["rate_fen"], b["subsidy_fen"], b["tier"]) == (3, 800, 2400, "低保户")
    # 丙, 90, died 15 March: five meals at 8, the one on the 16th not paid.
    c = lines["丙九十"]
    assert (c["meals"], c["rate_fen"], c["subsidy_fen"]) == (5, 800, 4000)
    assert c["not_subsidised"] == [{"date": "2026-03-16", "meals": 1, "reason": "去世（2026-03-15）之后"}]
    # 丁 turns 75 on 16 March: 1 yuan on the 13th, 5 yuan on the 20th.
    d = lines["丁生日"]
    assert d["rate_fen"] is None and d["subsidy_fen"] == 600
    assert [(r["from"], r["rate_fen"], r["meals"]) for r in d["rates"]] == [("2026-03-13", 100, 1),
                                                                            ("2026-03-20", 500, 1)]
    # 戊, 59 and no category: not subsidised, said why.
    e = lines["戊五九"]
    assert (e["meals"], e["subsidy_fen"], e["unsubsidised"]) == (0, 0, 2)
    assert e["not_subsidised"][0]["reason"] == "年龄和类别不在补贴范围"
    # 己, 96 and 特困供养: 9.
    assert (lines["己九六"]["meals"], lines["己九六"]["subsidy_fen"]) == (1, 900)
    assert st["meals"] == 22 + 3 + 5 + 2 + 1
    assert st["total_fen"] == 2200 + 2400 + 4000 + 600 + 900
    assert all(ln["subsidy_fen"] == sum(r["meals"] * r["rate_fen"] for r in ln["rates"]) for ln in st["lines"])


def test_confirming_pays_from_the_fund_once_and_a_reversal_gives_it_back(db, admin, month):
    canteen, _ = month
    fund = funds.find_fund(db, "助餐基金")
    st = statement.confirm(db, admin, canteen, MONTH, on=TODAY)
    assert st.status == "confirmed" and st.total_fen == 10100
    after = funds.get_fund(db, fund.id)
    assert (after.paid_fen, after.balance_fen) == (10100, 1_000_000 - 10100)
    assert journal.verify(db) == []
    kinds = [(ln["kind"], ln["amount_fen"]) for ln in journal.ledger(db, fund.id)]
    assert kinds[-1] == ("aid", -10100)
    with pytest.raises(Conflict, match="一个月只付一次"):
        statement.confirm(db, admin, canteen, MONTH, on=TODAY)
    back = statement.reverse(db, admin, canteen, MONTH, "丙的餐次记错")
    assert back["returned_fen"] == 10100 and funds.get_fund(db, fund.id).paid_fen == 0
    again = statement.confirm(db, admin, canteen, MONTH, on=TODAY)
    assert again.replaces_id == st.id and funds.get_fund(db, fund.id).paid_fen == 10100
    stored = statement.statement(db, canteen, MONTH).to_dict()
    assert stored["total_fen"] == 10100 and len(stored["reversed"]) == 1
    assert json.dumps(stored, ensure_ascii=False)


def test_a_statement_the_fund_cannot_pay_is_refused_and_nothing_is_written(db, admin, tmp_path):
    set_up(db, admin, opening_fen=500)
    canteen = scheme.find_canteen(db, "东风长者食堂")
    path = grid_file(tmp_path / "g.xlsx", {"甲七十": {2: 1, 3: 1}, "乙八十": {2: 1}})
    assert import_meals(db, admin, path, canteen, MONTH).imported == 2
    with pytest.raises(Conflict, match="基金不能透支"):
        statement.confirm(db, admin, canteen, MONTH, on=TODAY)
    assert db.scalar("SELECT count(*) FROM meal_statements") == 0
    assert funds.find_fund(db, "助餐基金").paid_fen == 0


def test_scheme_refuses_bad_tiers_and_going_backwards(db, admin):
    set_up(db, admin)
    fund = funds.find_fund(db, "助餐基金")
    for tiers, cats, word in ((["60-74:0"], [], "大于零"), (["60-74:-1"], [], "不是金额|大于零"),
                              (["60-75:1", "75-84:5"], [], "重叠"), (["74-60:1"], [], "小于"),
                              (["60:1"], [], "起-止"), ([], ["低保户:0"], "大于零")):
        with pytest.raises(InputError, match=word):
            scheme.parse_tiers(tiers, cats)
    tiers = scheme.parse_tiers(["60-:1"], [])
    with pytest.raises(InputError, match="每周上限不能小于零"):
        scheme.set_scheme(db, admin, fund.id, tiers, cap_week=-1, effective_from=dt.date(2026, 6, 1))
    with pytest.raises(Conflict, match="不能往回改"):
        scheme.set_scheme(db, admin, fund.id, tiers, effective_from=dt.date(2025, 12, 1))
    assert len(scheme.schemes(db)) == 1


def test_the_fund_ledger_says_which_canteen_and_month_was_paid(db, admin, month):
    canteen, _ = month
    statement.confirm(db, admin, canteen, MONTH, on=TODAY)
    last = journal.ledger(db, funds.find_fund(db, "助餐基金").id)[-1]
    assert last["what"] == "助餐补贴：东风长者食堂 2026-03（6 人 33 餐）"
