"""Aid programmes: set-up, rules, and the candidate list judged on the distribution date."""

import datetime as dt

import pytest
from aid_population import Person, add_people, born, names
from hypothesis import given
from hypothesis import strategies as st

from app import audit
from app.donations import donations, donors
from app.donations.donations import DonationInput
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.funds import funds
from app.programmes import distributions, eligibility, programmes
from app.programmes.eligibility import explain_excluded, latest_birth, months_before
from app.programmes.programmes import ProgrammeInput, Rules
from app.rules.idcard import age_on
from app.station import accounts

ON = dt.date(2026, 2, 10)


@pytest.fixture
def fund(db, admin):
    return funds.create_fund(db, admin, "春节基金", "named", 1_000_000_00)


def make(db, actor, fund, name="春节红包", amount_fen=50000, **rules):
    return programmes.create_programme(db, actor, ProgrammeInput(name, fund.id, amount_fen=amount_fen,
                                                                 rules=Rules(**rules)))


# ---------- set-up ----------
def test_create_and_read_back(db, admin, fund):
    p = make(db, admin, fund, categories=("孤儿", "留守儿童", "孤儿"), max_age=14, villages=(" 东风村 ",),
             one_per_household=True, not_aided_since=2024, priority=("disabled", "oldest"))
    got = programmes.find_programme(db, "春节红包")
    assert got == p
    assert got.rules.categories == ("孤儿", "留守儿童")
    assert got.rules.villages == ("东风村",)
    assert got.per_person == "¥500.00"
    assert programmes.describe_rules(got.rules) == [
        "人员类别：孤儿、留守儿童（任一）", "年龄：14 周岁及以下（按发放日期）", "村/社区：东风村", "发放日期仍在册",
        "每户限一人", "2024 年以来受助过本项目的不再发放", "优先顺序：残疾人优先，年长者优先"]
    entry = audit.history(db, p.id)[0]
    assert entry["action"] == "create" and entry["after"]["rules"]["max_age"] == 14


def test_goods_programme(db, admin, fund):
    p = programmes.create_programme(db, admin, ProgrammeInput("米面油", fund.id, kind="goods",
                                                              goods="大米 10 公斤、食用油 1 桶", amount_fen=12000))
    assert p.per_person == "大米 10 公斤、食用油 1 桶（价值 ¥120.00）"
    with pytest.raises(InputError) as e:
        programmes.create_programme(db, admin, ProgrammeInput("米面油2", fund.id, kind="goods"))
    assert e.value.reason == "empty_goods"


@pytest.mark.parametrize("data, reason", [
    (dict(name=" "), "empty_programme_name"),
    (dict(amount_fen=0), "zero_amount"),
    (dict(kind="voucher"), "bad_kind"),
    (dict(rules=Rules(min_age=80, max_age=60)), "bad_age_range"),
    (dict(rules=Rules(max_age=200)), "bad_age"),
    (dict(rules=Rules(not_aided_since=1900)), "bad_year"),
    (dict(rules=Rules(not_aided_months=0)), "bad_months"),
    (dict(rules=Rules(priority=("richest",))), "bad_priority"),
    (dict(starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2026, 1, 1)), "bad_period"),
    (dict(budget_fen=-1), "negative"),
])
def test_bad_programmes_are_refused(db, admin, fund, data, reason):
    base = dict(name="项目", fund_id=fund.id, amount_fen=100)
    with pytest.raises(InputError) as e:
        programmes.create_programme(db, admin, ProgrammeInput(**{**base, **data}))
    assert e.value.reason == reason


def test_only_admins_set_up_programmes_and_names_are_unique(db, admin, volunteer, fund):
    with pytest.raises(PermissionDenied):
        make(db, volunteer, fund)
    make(db, admin, fund)
    with pytest.raises(Conflict):
        make(db, admin, fund)
    with pytest.raises(NotFound) as e:
        programmes.find_programme(db, "没有的项目")
    assert "春节红包" in e.value.message


def test_update_close_and_reopen(db, admin, fund):
    p = make(db, admin, fund)
    q = programmes.update_programme(db, admin, p.id, ProgrammeInput("春节红包", fund.id, amount_fen=60000,
                                                                    budget_fen=1_000_00))
    assert (q.amount_fen, q.budget_fen) == (60000, 100000)
    closed = programmes.set_status(db, admin, p.id, "closed")
    assert closed.status == "closed" and programmes.list_programmes(db) == []
    with pytest.raises(Conflict):
        distributions.create_draft(db, admin, p.id, ON, today=ON)
    programmes.set_status(db, admin, p.id, "active")
    assert [x.name for x in programmes.list_programmes(db)] == ["春节红包"]
    assert [e["action"] for e in audit.history(db, p.id)] == ["create", "update", "close", "reopen"]


def test_fund_cannot_change_once_donors_directed_money_to_the_programme(db, admin, fund):
    p = make(db, admin, fund)
    donor = donors.create_donor(db, admin, "person", "张捐")
    donations.record_donation(db, admin, DonationInput(donor.id, ON, amount_fen=10000, programme_id=p.id),
                              today=ON)
    other = funds.create_fund(db, admin, "另一个基金", "named", 0)
    with pytest.raises(Conflict) as e:
        programmes.update_programme(db, admin, p.id, ProgrammeInput("春节红包", other.id, amount_fen=50000))
    assert e.value.reason == "fund_has_directed_money"


def test_programmes_are_never_deleted(db, admin, fund):
    p = make(db, admin, fund)
    with pytest.raises(Exception, match="never deleted"):
        with db.transaction() as c:
            c.execute("DELETE FROM programmes WHERE id = ?", (p.id,))


# ---------- the one age rule, in the form SQLite compares ----------
@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
       st.integers(0, 120))
def test_latest_birth_agrees_with_age_on(birth, on, age):
    if birth > on or on.year - age < 1:
        return
    assert (age_on(birth, on) >= age) == (birth <= latest_birth(on, age))


def test_leap_day_birthdays():
    b = dt.date(2008, 2, 29)
    for on in (dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2028, 2, 28), dt.date(2028, 2, 29)):
        assert (age_on(b, on) >= 18) == (b <= latest_birth(on, 18)), on


def test_months_before():
    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)
    assert months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


# ---------- the candidate list ----------
def test_reasons_in_and_out(db, admin, fund):
    people = [
        Person("王秀英", born(85, ON), ["高龄老人"], household="h1"),
        Person("王大力", born(82, ON), ["高龄老人", "残疾人"], household="h1"),
        Person("李七九", born(79, ON), ["高龄老人"]),
        Person("赵无生", None, ["高龄老人"]),
        Person("孙外村", born(90, ON), ["高龄老人"], village="前进村"),
        Person("周低保", born(81, ON), ["低保户"]),
        Person("吴去世", born(88, ON), ["高龄老人"], status="deceased", closed_on=dt.date(2025, 12, 1)),
    ]
    ids = dict(zip([p.name for p in people], add_people(db, admin, people), strict=True))
    p = make(db, admin, fund, "高龄慰问", categories=("高龄老人",), min_age=80, villages=("东风村",),
             one_per_household=True, priority=("oldest",))
    plan = eligibility.plan(db, p.id, ON)
    assert [c.name for c in plan.included] == ["王秀英"]
    assert plan.included[0].reasons == ("符合条件：高龄老人，85 周岁，东风村",)
    why = {c.name: c.reasons for c in explain_excluded(db, plan)}
    assert why["王大力"] == ("同户已有 王秀英",)
    assert why["李七九"] == ("年龄 79 周岁，不满 80",)
    assert why["赵无生"] == ("没有出生日期，无法判断年龄",)
    assert why["孙外村"] == ("不在东风村（前进村）",)
    assert why["周低保"] == ("不属于高龄老人",)
    assert why["吴去世"] == ("已注销（去世，2025-12-01）",)
    assert plan.excluded_by() == {"household": 1, "too_young": 1, "no_birth_date": 1, "village": 1,
                                  "category": 1, "status": 1}
    # disabled first: the household's one place goes to 王大力 instead
    programmes.update_programme(db, admin, p.id, ProgrammeInput(
        "高龄慰问", fund.id, amount_fen=50000, rules=Rules(categories=("高龄老人",), min_age=80, villages=("东风村",),
                                                         one_per_household=True, priority=("disabled", "oldest"))))
    plan = eligibility.plan(db, p.id, ON)
    assert [c.name for c in plan.included] == ["王大力"]
    assert eligibility.explain_excluded(db, plan, [ids["王秀英"]])[0].reasons == ("同户已有 王大力",)


def test_age_is_judged_on_the_distribution_date(db, admin, fund):
    add_people(db, admin, [
        Person("明天十五", born(15, ON, days_after_birthday=-1), ["留守儿童"]),  # 14 on ON, 15 tomorrow
        Person("今天十五", born(15, ON, days_after_birthday=0), ["留守儿童"]),  # turns 15 on ON
        Person("尚未出生", ON + dt.timedelta(days=3), ["留守儿童"]),
    ])
    p = make(db, admin, fund, categories=("留守儿童",), max_age=14)
    plan = eligibility.plan(db, p.id, ON)
    assert [c.name for c in plan.included] == ["明天十五"]
    assert plan.included[0].age == 14
    why = {c.name: c.reasons for c in explain_excluded(db, plan)}
    assert why["今天十五"] == ("年龄 15 周岁，超过 14",)
    assert why["尚未出生"][0].startswith("发放日期时尚未出生")
    # a day earlier, 今天十五 was still 14
    assert {c.name for c in eligibility.plan(db, p.id, ON - dt.timedelta(days=1)).included} == {"明天十五", "今天十五"}


def test_period_is_enforced(db, admin, fund):
    p = programmes.create_programme(db, admin, ProgrammeInput(
        "冬季", fund.id, amount_fen=100, starts_on=dt.date(2025, 12, 1), ends_on=dt.date(2026, 2, 28)))
    eligibility.plan(db, p.id, dt.date(2026, 1, 1))
    with pytest.raises(InputError) as e:
        eligibility.plan(db, p.id, dt.date(2026, 3, 1))
    assert e.value.reason == "outside_period"


def test_population_sizes_and_names(db, admin, fund):
    """Names from the helper are distinct and readable; 1,000 people go in quickly."""
    ns = names("张", 1000)
    assert len(set(ns)) == 1000 and ns[0] == "张一"
    add_people(db, admin, [Person(n, born(30, ON), ["低保户"]) for n in ns])
    p = make(db, admin, fund, categories=("低保户",))
    assert eligibility.plan(db, p.id, ON).people == 1000


def test_readonly_cannot_start_a_distribution(db, admin, fund):
    p = make(db, admin, fund)
    ro = accounts.create_operator(db, admin, "look", "查看", "readonly", "secret123")
    with pytest.raises(PermissionDenied):
        distributions.create_draft(db, ro, p.id, ON, today=ON)
