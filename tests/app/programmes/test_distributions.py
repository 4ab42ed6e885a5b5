"""Distribution days: the published scenario figures, fund checks, the household and not-again
rules, back-dated distributions, marking lines, reversals, the audit trail, and the command line."""

import datetime as dt
import json

import pytest
from aid_population import Person, add_people, born, names

from app import audit
from app.cli import main
from app.donations import donations, donors
from app.donations.donations import DonationInput
from app.errors import Conflict, InputError, PermissionDenied
from app.funds import funds
from app.programmes import distributions, eligibility, programmes, transfer_list
from app.programmes.distributions import (
    add_person,
    confirm,
    create_draft,
    mark_line,
    preview,
    remove_person,
    reverse_line,
)
from app.programmes.eligibility import DirectedMoney, FundShortfall, OverBudget, explain_excluded
from app.programmes.programmes import ProgrammeInput, Rules
from app.rules.money import format_fen

TODAY = dt.date(2026, 11, 22)
CHILD_CATS = ("孤儿", "事实无人抚养儿童", "留守儿童", "低保家庭儿童", "残疾儿童", "困境儿童")
VILLAGES = ("东风村", "前进村", "红星村", "西河村")


def counts(db):
    return {t: db.scalar(f"SELECT count(*) FROM {t}") for t in
            ("distributions", "disbursements", "fund_outflows", "audit_log", "distribution_adjustments")}


def programme(db, actor, fund, name, amount_yuan, **rules):
    return programmes.create_programme(db, actor, ProgrammeInput(name, fund.id, amount_fen=amount_yuan * 100,
                                                                 rules=Rules(**rules)))


def balance(db, fund):
    return funds.get_fund(db, fund.id).balance_fen


# ---------- the published figures ----------
def test_spring_festival_647_children_at_500(db, admin):
    on = dt.date(2026, 2, 10)
    kids = [Person(n, born(i % 15, on, days_after_birthday=1 + i % 300), [CHILD_CATS[i % len(CHILD_CATS)]],
                   village=VILLAGES[i % 4], household=f"h{i // 2}")  # siblings: both count
            for i, n in enumerate(names("童", 645))]
    kids.append(Person("明天满十五", born(15, on, days_after_birthday=-1), ["留守儿童"]))
    kids.append(Person("去世在后", born(9, on), ["孤儿"], status="deceased", closed_on=on + dt.timedelta(days=5)))
    distractors = (
        [Person(n, born(15 + i % 3, on), ["留守儿童"]) for i, n in enumerate(names("少", 40))]
        + [Person(n, born(40, on), ["低保户"]) for n in names("成", 30)]
        + [Person(n, born(10, on), ["困难学生"]) for n in names("学", 12)]
        + [Person("今天满十五", born(15, on, days_after_birthday=0), ["孤儿"]),
           Person("已迁出", born(8, on), ["困境儿童"], status="moved", closed_on=dt.date(2025, 9, 1)),
           Person("没生日", None, ["留守儿童"]),
           Person("未出生", on + dt.timedelta(days=20), ["困境儿童"])]
        + [Person(n, born(85, on), ["高龄老人"]) for n in names("老", 25)]
    )
    add_people(db, admin, kids + distractors)
    fund = funds.create_fund(db, admin, "春节困境儿童基金", "named", 400_000_00)
    p = programme(db, admin, fund, "春节困境儿童红包", 500, categories=CHILD_CATS, max_age=14)
    d, plan = distributions.distribute(db, admin, p.id, on, today=TODAY)
    assert (plan.people, d.people) == (647, 647)
    assert d.total_fen == 323_500_00 and format_fen(d.total_fen) == "323,500.00"
    assert plan.excluded_count == len(distractors)
    assert balance(db, fund) == 400_000_00 - 323_500_00
    assert {c.name for c in plan.included} >= {"明天满十五", "去世在后"}


def test_winter_warmth_810_one_per_household_none_aided_before(db, admin):
    on = dt.date(2026, 1, 15)
    cats = ["特困供养"]
    eligible = [Person(n, born(60 + i % 35, on), cats, village=VILLAGES[i % 4], household=f"w{i}")
                for i, n in enumerate(names("冬", 810))]
    # 90 households have a second member: a younger one (left out), or a disabled one (chosen instead)
    second = [Person(n, born(50, on), cats + (["残疾人"] if i % 3 == 0 else []), village=VILLAGES[i % 4],
                     household=f"w{i}") for i, n in enumerate(names("同", 90))]
    aided_before = [Person(n, born(70, on), cats, village="前进村", household=f"a{i}")
                    for i, n in enumerate(names("去年", 150))]
    others = ([Person(n, born(70, on), ["低保户"]) for n in names("低", 40)]
              + [Person("已去世", born(80, on), cats, status="deceased", closed_on=dt.date(2025, 11, 30))])
    ids = add_people(db, admin, eligible + second + aided_before + others)
    fund = funds.create_fund(db, admin, "福彩暖冬基金", "named", 2_000_000_00)
    # Last winter the programme covered one village only: these 150 were aided then.
    last_year = ProgrammeInput("福彩暖冬", fund.id, amount_fen=100000,
                               rules=Rules(categories=("特困供养",), villages=("前进村",)))
    p = programmes.create_programme(db, admin, last_year)
    d0 = create_draft(db, admin, p.id, dt.date(2025, 1, 10), today=TODAY)
    for c in preview(db, d0.id).included:
        if not c.name.startswith("去年"):
            remove_person(db, admin, d0.id, c.recipient_id, "去年只发放给前进村的分散供养人员")
    assert confirm(db, admin, d0.id).people == 150
    # Aid from another programme does not count against this one.
    other = programme(db, admin, fund, "春节慰问", 200, categories=("特困供养",))
    distributions.distribute(db, admin, other.id, dt.date(2025, 12, 20), today=TODAY)

    programmes.update_programme(db, admin, p.id, ProgrammeInput(
        "福彩暖冬", fund.id, amount_fen=100000,
        rules=Rules(categories=("特困供养",), one_per_household=True, not_aided_since=2000,
                    priority=("disabled", "oldest"))))
    plan = eligibility.plan(db, p.id, on)
    assert plan.people == 810 and plan.total_fen == 810_000_00
    assert format_fen(plan.total_fen) == "810,000.00"
    chosen = {c.name for c in plan.included}
    assert not any(n.startswith("去年") for n in chosen)
    disabled_seconds = {s.name for i, s in enumerate(second) if i % 3 == 0}
    assert disabled_seconds <= chosen
    assert len(chosen & {s.name for s in second}) == 30
    by_code = plan.excluded_by()
    assert by_code["aided"] == 150 and by_code["household"] == 90
    why = {c.name: c.reasons for c in explain_excluded(db, plan)}
    assert why["去年一"] == ("2025 年已受助（2025-01-10）",)
    assert why["同二"] == ("同户已有 冬二",)  # the younger member
    d = confirm(db, admin, create_draft(db, admin, p.id, on, today=TODAY).id)
    assert (d.people, d.total_fen) == (810, 810_000_00)
    assert len(ids) == 810 + 90 + 150 + 41


def test_student_aid_254_at_5000_from_directed_money(db, admin):
    on = dt.date(2026, 8, 20)
    students = [Person(n, born(17 + i % 3, on), ["困难学生"] + (["低保户"] if i % 4 == 0 else []),
                       village=VILLAGES[i % 4]) for i, n in enumerate(names("学", 254))]
    others = ([Person("已迁走", born(18, on), ["困难学生"], status="moved", closed_on=dt.date(2026, 7, 1))]
              + [Person(n, born(30, on), ["低保户"]) for n in names("民", 20)])
    add_people(db, admin, students + others)
    fund = funds.create_fund(db, admin, "助学定向基金", "directed", 0)
    p = programme(db, admin, fund, "金秋助学", 5000, categories=("困难学生",))
    donor = donors.create_donor(db, admin, "enterprise", "恒泰商贸有限公司")
    donations.record_donation(db, admin, DonationInput(donor.id, on, amount_fen=1_270_000_00, method="bank",
                                                       programme_id=p.id), today=TODAY)
    # the directed money is for 金秋助学 only
    bags = programme(db, admin, fund, "书包", 500, categories=("困难学生",))
    with pytest.raises(DirectedMoney) as e:
        distributions.distribute(db, admin, bags.id, on, today=TODAY)
    assert "金秋助学" in e.value.message
    d, plan = distributions.distribute(db, admin, p.id, on, today=TODAY)
    assert (d.people, d.total_fen) == (254, 1_270_000_00)
    assert format_fen(d.total_fen) == "1,270,000.00"
    assert balance(db, fund) == 0


# ---------- the fund ----------
def test_overdraw_is_refused_and_nothing_is_written(db, admin):
    on = dt.date(2026, 1, 20)
    add_people(db, admin, [Person(n, born(8, on), ["留守儿童"]) for n in names("童", 20)])
    fund = funds.create_fund(db, admin, "小基金", "named", 9_999_00)  # 20 × 500 = 10,000 needed
    p = programme(db, admin, fund, "红包", 500, categories=("留守儿童",))
    before = counts(db)
    with pytest.raises(FundShortfall) as e:
        distributions.distribute(db, admin, p.id, on, today=TODAY)
    assert e.value.reason == "overdraw"
    assert "还差 ¥1.00" in e.value.message
    assert e.value.facts["short_fen"] == 100
    assert counts(db) == before  # not even the draft
    # a draft confirmed later is refused the same way, and stays a draft with no lines
    draft = create_draft(db, admin, p.id, on, today=TODAY)
    before = counts(db)
    with pytest.raises(FundShortfall):
        confirm(db, admin, draft.id)
    assert counts(db) == before
    assert distributions.get_distribution(db, draft.id).status == "draft"
    assert balance(db, fund) == 9_999_00
    # never trimmed silently: only when asked
    plan = preview(db, draft.id)
    assert plan.people == 20 and plan.problems[0].code == "overdraw"
    distributions.update_draft(db, admin, draft.id, fit_budget=True)
    plan = preview(db, draft.id)
    assert (plan.people, plan.trimmed, plan.total_fen) == (19, 1, 9_500_00)
    assert confirm(db, admin, draft.id).total_fen == 9_500_00


def test_money_directed_to_another_programme_is_not_spent(db, admin):
    on = dt.date(2026, 3, 1)
    add_people(db, admin, [Person(n, born(85, on), ["高龄老人"]) for n in names("老", 10)])
    general = funds.default_fund(db)
    elderly = programme(db, admin, general, "敬老", 100, categories=("高龄老人",))
    students = programme(db, admin, general, "助学", 1000, categories=("困难学生",))
    donor = donors.create_donor(db, admin, "person", "张捐")
    donations.record_donation(db, admin, DonationInput(donor.id, on, amount_fen=1_500_00), today=TODAY)
    donations.record_donation(db, admin, DonationInput(donor.id, on, amount_fen=1_000_00, programme_id=students.id),
                              today=TODAY)
    check = eligibility.fund_check(db, general.id, elderly.id)
    assert (check.balance_fen, check.reserved_fen, check.available_fen) == (2_500_00, 1_000_00, 1_500_00)
    assert check.reserved_for == (("助学", 1_000_00),)
    programmes.update_programme(db, admin, elderly.id, ProgrammeInput("敬老", general.id, amount_fen=200_00,
                                                                    rules=Rules(categories=("高龄老人",))))
    before = counts(db)
    with pytest.raises(DirectedMoney) as e:  # 2,000 needed: the fund has 2,500 but 1,000 is for 助学
        distributions.distribute(db, admin, elderly.id, on, today=TODAY)
    assert e.value.reason == "directed" and "助学" in e.value.message
    assert counts(db) == before
    programmes.update_programme(db, admin, elderly.id, ProgrammeInput("敬老", general.id, amount_fen=150_00,
                                                                    rules=Rules(categories=("高龄老人",))))
    assert distributions.distribute(db, admin, elderly.id, on, today=TODAY)[0].total_fen == 1_500_00
    # once 助学 has spent its money, nothing is held back any more
    assert eligibility.fund_check(db, general.id, elderly.id).reserved_fen == 1_000_00


def test_budget_is_checked_and_fit_by_priority(db, admin):
    on = dt.date(2026, 4, 1)
    ids = add_people(db, admin, [Person(f"老{i}", born(80 + i, on), ["高龄老人"]) for i in range(6)])
    fund = funds.create_fund(db, admin, "敬老基金", "named", 100_000_00)
    p = programmes.create_programme(db, admin, ProgrammeInput(
        "高龄补贴", fund.id, amount_fen=100_00, budget_fen=450_00,
        rules=Rules(categories=("高龄老人",), priority=("oldest",))))
    with pytest.raises(OverBudget):
        distributions.distribute(db, admin, p.id, on, today=TODAY)
    d, plan = distributions.distribute(db, admin, p.id, on, fit_budget=True, today=TODAY)
    assert d.people == 4 and plan.fit_limit_fen == 450_00
    assert {c.name for c in plan.included} == {"老5", "老4", "老3", "老2"}  # oldest first
    out = explain_excluded(db, plan, [ids[0]])[0]
    assert out.codes == ("budget",) and "按优先顺序未列入" in out.reasons[0]
    assert programmes.spent_fen(db, p.id) == 400_00


# ---------- hand-made changes ----------
def test_manual_add_and_remove_with_reasons(db, admin, volunteer):
    on = dt.date(2026, 5, 1)
    a, b, c = add_people(db, admin, [Person("甲", born(85, on), ["高龄老人"], household="h"),
                                     Person("乙", born(83, on), ["高龄老人"], household="h"),
                                     Person("丙", born(40, on), ["急难型"])])
    fund = funds.create_fund(db, admin, "慰问基金", "named", 10_000_00)
    p = programme(db, admin, fund, "慰问", 500, categories=("高龄老人",), one_per_household=True,
                  priority=("oldest",))
    d = create_draft(db, volunteer, p.id, on, today=TODAY)
    with pytest.raises(InputError):
        add_person(db, volunteer, d.id, c, " ")
    add_person(db, volunteer, d.id, c, "突发火灾，村委会议定", amount_fen=1000_00)
    add_person(db, volunteer, d.id, b, "老两口分开居住，各发一份")
    plan = preview(db, d.id)
    assert {x.name for x in plan.included} == {"甲", "乙", "丙"}  # a hand-made addition is extra to the household
    extra = next(x for x in plan.included if x.name == "丙")
    assert extra.amount_fen == 1000_00 and extra.by_hand
    assert extra.reasons[0].startswith("人工添加：突发火灾，村委会议定（按规则本不符合：不属于高龄老人")
    assert plan.total_fen == 2000_00 and preview(db, d.id).people == 3
    remove_person(db, volunteer, d.id, a, "本人已由子女接走")
    plan = preview(db, d.id)
    assert {x.name for x in plan.included} == {"乙", "丙"}
    assert explain_excluded(db, plan, [a])[0].reasons == ("人工移除：本人已由子女接走",)
    distributions.reset_person(db, volunteer, d.id, a)
    assert {x.name for x in preview(db, d.id).included} == {"甲", "乙", "丙"}
    with pytest.raises(PermissionDenied):
        confirm(db, volunteer, d.id)
    done = confirm(db, admin, d.id, expected_people=3, expected_total_fen=2000_00)
    lines = {ln.name: ln for ln in distributions.lines(db, d.id)}
    assert lines["丙"].by_hand and lines["丙"].amount_fen == 1000_00 and lines["丙"].reason.startswith("人工添加")
    assert done.status == "confirmed"
    with pytest.raises(Conflict):
        add_person(db, admin, d.id, c, "再加一次")
    actions = [e["action"] for e in audit.history(db, d.id)]
    assert actions[:1] == ["create"] and actions.count("add") == 2 and "remove" in actions and "confirm" in actions


def test_confirm_refuses_when_the_list_changed_since_the_preview(db, admin):
    on = dt.date(2026, 5, 1)
    add_people(db, admin, [Person("甲", born(85, on), ["高龄老人"])])
    fund = funds.create_fund(db, admin, "慰问基金", "named", 10_000_00)
    p = programme(db, admin, fund, "慰问", 500, categories=("高龄老人",))
    d = create_draft(db, admin, p.id, on, today=TODAY)
    seen = preview(db, d.id)
    add_people(db, admin, [Person("乙", born(90, on), ["高龄老人"])])
    with pytest.raises(Conflict) as e:
        confirm(db, admin, d.id, expected_people=seen.people, expected_total_fen=seen.total_fen)
    assert e.value.reason == "plan_changed"


# ---------- the not-again rule and back-dated distributions ----------
def test_not_aided_again_judged_on_the_distribution_date(db, admin):
    p_ids = add_people(db, admin, [
        Person("老张", dt.date(1945, 6, 1), ["高龄老人"]),  # 80 on 2025-06-01
        Person("老李", dt.date(1945, 12, 1), ["高龄老人"]),  # 79 on 2025-06-30, 80 today
        Person("老王", dt.date(1940, 1, 1), ["高龄老人"], status="deceased", closed_on=dt.date(2025, 9, 1)),
    ])
    zhang, li, wang = p_ids
    fund = funds.create_fund(db, admin, "敬老基金", "named", 100_000_00)
    p = programme(db, admin, fund, "重阳慰问", 300, categories=("高龄老人",), min_age=80, not_aided_since=2020)
    # entered first: this year's distribution
    d26, plan26 = distributions.distribute(db, admin, p.id, dt.date(2026, 10, 29), today=TODAY)
    assert {c.name for c in plan26.included} == {"老张", "老李"}
    # then last year's, back-dated: judged on 2025-06-30
    plan25 = eligibility.plan(db, p.id, dt.date(2025, 6, 30))
    assert {c.name for c in plan25.included} == {"老张", "老王"}  # 老王 died later; 老李 was 79
    assert explain_excluded(db, plan25, [li])[0].reasons == ("年龄 79 周岁，不满 80",)
    assert next(c for c in plan25.included if c.name == "老张").note == "注意：2026-10-29 也受助过本项目（晚于本次日期）"
    distributions.distribute(db, admin, p.id, dt.date(2025, 6, 30), today=TODAY)
    # and next year's sees both
    plan27 = eligibility.plan(db, p.id, dt.date(2026, 11, 30))
    assert plan27.people == 0
    why = {c.name: c.reasons for c in explain_excluded(db, plan27)}
    assert why["老张"] == ("2026 年已受助（2026-10-29）",)
    assert why["老王"][0].startswith("已注销")
    # a reversed line no longer counts as aid
    line = next(ln for ln in distributions.lines(db, d26.id) if ln.name == "老李")
    reverse_line(db, admin, line.id, "重复发放，已退回")
    assert [c.name for c in eligibility.plan(db, p.id, dt.date(2026, 11, 30)).included] == ["老李"]


def test_not_aided_within_months(db, admin):
    add_people(db, admin, [Person("孤儿甲", dt.date(2015, 1, 1), ["孤儿"])])
    fund = funds.create_fund(db, admin, "基金", "named", 100_000_00)
    p = programme(db, admin, fund, "临时救助", 1000, categories=("孤儿",), not_aided_months=6)
    distributions.distribute(db, admin, p.id, dt.date(2026, 1, 15), today=TODAY)
    plan = eligibility.plan(db, p.id, dt.date(2026, 7, 14))
    assert plan.people == 0
    assert explain_excluded(db, plan)[0].reasons == ("6 个月内已受助（2026-01-15）",)
    assert eligibility.plan(db, p.id, dt.date(2026, 7, 15)).people == 1


def test_a_household_aided_before_has_had_its_share(db, admin):
    on = dt.date(2026, 1, 15)
    add_people(db, admin, [Person("户主甲", born(70, on), ["特困供养"], household="h"),
                           Person("家人乙", born(65, on), ["特困供养"], household="h"),
                           Person("单身丙", born(75, on), ["特困供养"])])
    fund = funds.create_fund(db, admin, "暖冬基金", "named", 100_000_00)
    p = programme(db, admin, fund, "暖冬", 1000, categories=("特困供养",), one_per_household=True,
                  not_aided_since=2020, priority=("oldest",))
    first, _ = distributions.distribute(db, admin, p.id, dt.date(2025, 1, 10), today=TODAY)
    assert first.people == 2
    plan = eligibility.plan(db, p.id, on)
    assert plan.people == 0
    why = {c.name: c.reasons for c in explain_excluded(db, plan)}
    assert why["家人乙"] == ("同户的 户主甲 已受助（2025-01-10）",)
    assert why["单身丙"] == ("2025 年已受助（2025-01-10）",)


# ---------- the day: marking and reversing lines ----------
@pytest.fixture
def confirmed(db, admin):
    on = dt.date(2026, 6, 1)
    add_people(db, admin, [Person(n, born(85, on), ["高龄老人"]) for n in names("老", 5)])
    fund = funds.create_fund(db, admin, "敬老基金", "named", 10_000_00)
    p = programme(db, admin, fund, "端午慰问", 500, categories=("高龄老人",))
    d, _ = distributions.distribute(db, admin, p.id, on, today=TODAY)
    return fund, d


def test_marking_lines(db, admin, volunteer, confirmed):
    fund, d = confirmed
    first, second, third, fourth, _ = distributions.lines(db, d.id)
    assert balance(db, fund) == 7_500_00
    assert mark_line(db, volunteer, first.id, "signed").status == "signed"
    with pytest.raises(InputError) as e:
        mark_line(db, volunteer, second.id, "proxy", proxy_name="张三")
    assert e.value.reason == "empty_proxy_note"
    got = mark_line(db, volunteer, second.id, "proxy", proxy_name=" 张三 ", proxy_note="委托书已留存")
    assert (got.status, got.proxy_name, got.proxy_note) == ("proxy", "张三", "委托书已留存")
    distributions.mark_lines(db, volunteer, [third.id], "paid")
    # not collected: the money goes back to the fund; collected later: out again
    mark_line(db, volunteer, fourth.id, "not_collected")
    assert balance(db, fund) == 8_000_00
    assert distributions.get_distribution(db, d.id).people == 4
    mark_line(db, volunteer, fourth.id, "signed")
    assert balance(db, fund) == 7_500_00
    assert distributions.get_distribution(db, d.id).counts == {"signed": 2, "proxy": 1, "paid": 1, "pending": 1}
    assert [e["action"] for e in audit.history(db, fourth.id)] == ["create", "mark", "mark"]
    with pytest.raises(InputError):
        mark_line(db, volunteer, first.id, "reversed")


def test_collecting_after_not_collected_is_refused_if_the_money_is_gone(db, admin, confirmed):
    fund, d = confirmed
    line = distributions.lines(db, d.id)[0]
    mark_line(db, admin, line.id, "not_collected")
    on = dt.date(2026, 6, 2)
    add_people(db, admin, [Person(n, born(30, on), ["急难型"]) for n in names("急", 16)])
    p = programme(db, admin, fund, "急难", 500, categories=("急难型",))
    distributions.distribute(db, admin, p.id, on, today=TODAY)
    assert balance(db, fund) == 0
    with pytest.raises(FundShortfall):
        mark_line(db, admin, line.id, "signed")
    assert distributions.get_line(db, line.id).status == "not_collected"


def test_reversal_restores_the_fund_and_keeps_the_line(db, admin, volunteer, confirmed):
    fund, d = confirmed
    line = distributions.lines(db, d.id)[0]
    with pytest.raises(PermissionDenied):
        reverse_line(db, volunteer, line.id, "错了")
    with pytest.raises(InputError):
        reverse_line(db, admin, line.id, "  ")
    before = balance(db, fund)
    got = reverse_line(db, admin, line.id, "身份证号登记错误，此人不符合条件")
    assert got.status == "reversed" and got.reversal_reason == "身份证号登记错误，此人不符合条件"
    assert balance(db, fund) == before + 500_00
    assert db.scalar("SELECT count(*) FROM disbursements WHERE id = ?", (line.id,)) == 1
    assert db.scalar("SELECT status FROM fund_outflows WHERE source_id = ?", (line.id,)) == "reversed"
    with pytest.raises(Conflict):
        reverse_line(db, admin, line.id, "再冲一次")
    with pytest.raises(Conflict):
        mark_line(db, admin, line.id, "signed")
    d2 = distributions.get_distribution(db, d.id)
    assert (d2.people, d2.total_fen, d2.confirmed_people, d2.confirmed_total_fen) == (4, 2_000_00, 5, 2_500_00)
    # re-issued correctly as an added line
    fixed = distributions.add_line(db, admin, d.id, line.recipient_id, "更正后重新发放", amount_fen=300_00)
    assert fixed.line_no == 6 and balance(db, fund) == before + 200_00
    with pytest.raises(Conflict):
        distributions.add_line(db, admin, d.id, line.recipient_id, "又一次")
    assert audit.verify(db).ok


def test_lines_and_money_are_never_deleted_or_changed(db, admin, confirmed):
    _, d = confirmed
    line = distributions.lines(db, d.id)[0]
    for sql in ("DELETE FROM disbursements WHERE id = ?", "UPDATE disbursements SET amount_fen = 1 WHERE id = ?",
                "DELETE FROM fund_outflows WHERE source_id = ?",
                "UPDATE fund_outflows SET amount_fen = 1 WHERE source_id = ?"):
        with pytest.raises(Exception, match="never deleted|keeps"):
            with db.transaction() as c:
                c.execute(sql, (line.id,))
    with pytest.raises(Exception, match="fixed"):
        with db.transaction() as c:
            c.execute("UPDATE distributions SET total_fen = 1 WHERE id = ?", (d.id,))
    with pytest.raises(Exception, match="never deleted"):
        with db.transaction() as c:
            c.execute("DELETE FROM distributions WHERE id = ?", (d.id,))


def test_cancelled_draft_is_kept(db, admin):
    fund = funds.create_fund(db, admin, "基金", "named", 0)
    p = programme(db, admin, fund, "项目", 100)
    d = create_draft(db, admin, p.id, dt.date(2026, 1, 1), today=TODAY)
    with pytest.raises(InputError):
        distributions.cancel_draft(db, admin, d.id, "")
    got = distributions.cancel_draft(db, admin, d.id, "日期定错了")
    assert (got.status, got.cancel_reason) == ("cancelled", "日期定错了")
    assert distributions.list_distributions(db) == []
    assert [x.id for x in distributions.list_distributions(db, include_cancelled=True)] == [d.id]
    with pytest.raises(Conflict):
        confirm(db, admin, d.id)


def test_dates_far_off_are_refused(db, admin):
    fund = funds.create_fund(db, admin, "基金", "named", 0)
    p = programme(db, admin, fund, "项目", 100)
    with pytest.raises(InputError) as e:
        create_draft(db, admin, p.id, TODAY + dt.timedelta(days=400), today=TODAY)
    assert e.value.reason == "future_date"
    with pytest.raises(InputError):
        create_draft(db, admin, p.id, dt.date(1980, 1, 1), today=TODAY)


def test_find_distribution_by_batch_number(db, admin, confirmed):
    _, d = confirmed
    assert distributions.find_distribution(db, d.id[-8:].upper()).id == d.id
    assert distributions.find_distribution(db, d.id).id == d.id
    with pytest.raises(InputError):
        distributions.find_distribution(db, "nothing")


def test_aid_history_of_a_person(db, admin, confirmed):
    _, d = confirmed
    line = distributions.lines(db, d.id)[0]
    hist = distributions.aid_history(db, line.recipient_id)
    assert [(h["programme"], h["amount_fen"], h["status"]) for h in hist] == [("端午慰问", 500_00, "pending")]


# ---------- the transfer list ----------
def test_transfer_list(db, admin, confirmed, tmp_path):
    import openpyxl

    fund, d = confirmed
    lines = distributions.lines(db, d.id)
    mark_line(db, admin, lines[0].id, "not_collected")
    reverse_line(db, admin, lines[1].id, "错误")
    db.execute("UPDATE recipients SET bank_account = '' WHERE id = ?", (lines[2].recipient_id,))
    out = transfer_list.write_transfer_list(db, d.id, tmp_path / "转账.xlsx")
    assert (out.rows, out.total_fen, out.missing_accounts) == (3, 1_500_00, (lines[2].name,))
    wb = openpyxl.load_workbook(out.path)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("姓名", "开户银行", "银行账号", "金额（元）")
    assert [r[0] for r in rows[1:-1]] == [ln.name for ln in lines[2:]]
    assert isinstance(rows[1][2], (str, type(None))) and isinstance(rows[2][2], str) and rows[2][2].startswith("6228")
    assert rows[-1][0] == "合计" and rows[-1][3] == 1500


# ---------- the command line ----------
def call(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_command_line_distribution_day(tmp_path, capsys):
    from app.db import Database
    from app.station import accounts

    path = tmp_path / "t.db"
    assert call(capsys, "--db", path, "init", "--station-code", "ST01", "--station-name", "东风村慈善工作站")[0] == 0
    db = Database.open(path)
    on = dt.date(2026, 1, 20)
    add_people(db, accounts.SYSTEM, [Person(n, born(i % 15, on), ["留守儿童"], household=f"h{i % 30}")
                                     for i, n in enumerate(names("童", 40))]
               + [Person(n, born(16, on), ["留守儿童"]) for n in names("少", 5)])
    db.close()
    assert call(capsys, "--db", path, "fund", "create", "--name", "春节基金", "--opening", "15000")[0] == 0
    code, out, _ = call(capsys, "--db", path, "programme", "create", "--name", "春节红包", "--fund", "春节基金",
                        "--amount", "500", "--max-age", "14", "--categories", "留守儿童,困境儿童",
                        "--one-per-household", "--not-aided-since", "2025", "--json")
    assert code == 0
    prog = json.loads(out)["programme"]
    assert prog["rules"]["categories"] == ["留守儿童", "困境儿童"] and prog["rules"]["one_per_household"]
    # dry run: 30 households, 15,000 in the fund
    code, out, _ = call(capsys, "--db", path, "distribute", "--programme", "春节红包", "--date", "2026-01-20", "--json")
    got = json.loads(out)
    assert code == 0 and (got["people"], got["total_fen"]) == (30, 15_000_00) and "distribution" not in got
    # a cheaper fund: confirm would overdraw — refused, nothing written, non-zero exit
    db = Database.open(path)
    before = counts(db)
    db.close()
    call(capsys, "--db", path, "fund", "create", "--name", "小基金", "--opening", "100")
    code, out, _ = call(capsys, "--db", path, "distribute", "--programme", "春节红包", "--date", "2026-01-20",
                        "--confirm", "--json")
    assert code == 0  # still the 15,000 fund
    dist = json.loads(out)["distribution"]
    code, out, err = call(capsys, "--db", path, "distribute", "--programme", "春节红包", "--date", "2026-01-21",
                          "--json")
    assert json.loads(out)["people"] == 0  # nobody again: all aided in 2026
    code, out, err = call(capsys, "--db", path, "sheet", "--distribution", dist, "-o", tmp_path / "签收表.pdf",
                          "--json")
    assert code == 0 and json.loads(out)["people"] == 30 and (tmp_path / "签收表.pdf").stat().st_size > 1000
    code, out, _ = call(capsys, "--db", path, "transfer-list", "--distribution", dist[-8:], "-o",
                        tmp_path / "转账.xlsx", "--json")
    assert code == 0 and json.loads(out)["total_fen"] == 15_000_00
    db = Database.open(path)
    assert counts(db)["disbursements"] == 30 and before["disbursements"] == 0
    db.close()


def test_command_line_overdraw_fails_and_writes_nothing(tmp_path, capsys):
    from app.db import Database
    from app.station import accounts

    path = tmp_path / "t.db"
    call(capsys, "--db", path, "init", "--station-code", "ST01", "--station-name", "站")
    db = Database.open(path)
    add_people(db, accounts.SYSTEM, [Person(n, born(85, dt.date(2026, 1, 1)), ["高龄老人"]) for n in names("老", 3)])
    db.close()
    call(capsys, "--db", path, "fund", "create", "--name", "敬老基金", "--opening", "2999.99")
    call(capsys, "--db", path, "programme", "create", "--name", "敬老", "--fund", "敬老基金", "--amount", "1000")
    db = Database.open(path)
    before = counts(db)
    db.close()
    code, out, err = call(capsys, "--db", path, "distribute", "--programme", "敬老", "--date", "2026-01-01",
                          "--confirm", "--json")
    assert code != 0
    got = json.loads(out)
    assert got["reason"] == "overdraw" and "还差 ¥0.01" in got["error"]
    assert "错误：基金“敬老基金”余额 ¥2,999.99" in err
    db = Database.open(path)
    assert counts(db) == before
    db.close()
    code, out, err = call(capsys, "--db", path, "distribute", "--programme", "敬老", "--date", "2026-01-01")
    assert code == 0 and "不能确认" in out and "没有保存" in out
    code, out, _ = call(capsys, "--db", path, "distribute", "--programme", "敬老", "--date", "2026-13-01", "--json")
    assert code == 1 and json.loads(out)["reason"] == "bad_date"


def test_same_programme_never_pays_twice_on_one_day(db, admin):
    """No not-again rule: still, a second confirmed run on the same day finds nobody new."""
    from app.donations import donations, donors
    from app.donations.donations import DonationInput
    from app.funds import funds
    from app.programmes import distributions as dist_mod
    from app.programmes import programmes
    from app.recipients import recipients
    from app.rules.idcard import check_char

    body = "370303" + "20150601" + "123"
    recipients.add_recipient(db, admin, recipients.RecipientInput("王小明", body + check_char(body)))
    fund = funds.default_fund(db)
    d = donors.create_donor(db, admin, "person", "张三")
    donations.record_donation(db, admin, DonationInput(d.id, dt.date(2026, 1, 2), 500000))
    prog = programmes.create_programme(db, admin, programmes.ProgrammeInput(
        name="春节红包", fund_id=fund.id, amount_fen=50000))
    on = dt.date(2026, 1, 20)
    _, first = dist_mod.distribute(db, admin, prog.id, on)
    assert first.people == 1
    from app.programmes.eligibility import plan

    again = plan(db, prog.id, on)
    assert again.people == 0
    assert funds.default_fund(db).balance_fen == 500000 - 50000


def _fund_with_child(db, admin, name):
    from app.funds import funds
    from app.recipients import recipients
    from app.rules.idcard import check_char

    body = "370303" + "20200601" + "123"
    child = recipients.add_recipient(db, admin, recipients.RecipientInput("王小明", body + check_char(body)))
    body2 = "370303" + "20200701" + "125"
    recipients.add_recipient(db, admin, recipients.RecipientInput("李小红", body2 + check_char(body2)))
    return funds.create_fund(db, admin, name, "named"), child


def test_goods_value_is_not_spendable_cash(db, admin):
    from app.donations import donations, donors
    from app.donations.donations import DonationInput, GoodsLine
    from app.errors import Conflict
    from app.programmes import distributions as dist_mod
    from app.programmes import programmes

    fund, _ = _fund_with_child(db, admin, "米面基金")
    d = donors.create_donor(db, admin, "person", "张三")
    donations.record_donation(db, admin, DonationInput(d.id, dt.date(2026, 1, 1), method=None,
                                                       goods=[GoodsLine("大米", 100, "袋", 5000)]))
    prog = programmes.create_programme(db, admin, programmes.ProgrammeInput(
        name="现金慰问", fund_id=fund.id, amount_fen=10000))
    with pytest.raises(Conflict):
        dist_mod.distribute(db, admin, prog.id, dt.date(2026, 1, 2))
    assert db.scalar("SELECT count(*) FROM distributions WHERE status = 'confirmed'") == 0


def test_money_for_a_named_person_is_not_spent_on_others(db, admin):
    from app.donations import donations, donors
    from app.donations.donations import DonationInput
    from app.errors import Conflict
    from app.programmes import distributions as dist_mod
    from app.programmes import programmes

    fund, child = _fund_with_child(db, admin, "敬老基金")
    d = donors.create_donor(db, admin, "person", "张三")
    donations.record_donation(db, admin, DonationInput(d.id, dt.date(2026, 1, 1), 100000, fund_id=fund.id,
                                                       recipient_id=child.id))
    prog = programmes.create_programme(db, admin, programmes.ProgrammeInput(
        name="慰问", fund_id=fund.id, amount_fen=10000))
    with pytest.raises(Conflict) as e:
        dist_mod.distribute(db, admin, prog.id, dt.date(2026, 1, 2))
    assert "王小明" in e.value.message


def test_demo_pays_out_through_the_real_service(db, admin):
    """The demo's aid days are confirmed distributions: lines, money out, marks, and a clean check."""
    from app import demo
    from app.safety import check

    result = demo.generate(db, admin, 400, 600, seed=2, today=dt.date(2026, 6, 30))
    assert result.aid_days > 0 and result.aid_lines > 0
    assert db.scalar("SELECT count(*) FROM distributions WHERE status = 'confirmed'") == result.aid_days
    statuses = dict(db.query("SELECT status, count(*) FROM disbursements GROUP BY status"))
    assert sum(statuses.values()) == result.aid_lines
    assert statuses["reversed"] == result.aid_days and statuses["signed"] > statuses.get("not_collected", 0)
    assert "pending" not in statuses  # the past days were signed off
    out = db.scalar("SELECT sum(amount_fen) FROM fund_outflows WHERE status = 'active'")
    assert out == db.scalar("SELECT sum(amount_fen) FROM disbursements"
                            " WHERE status IN ('signed', 'paid', 'proxy')")
    assert all(f.balance_fen >= 0 for f in funds.list_funds(db))
    # some gifts to the directed fund are for one named child, so 其中定向 is not always 0
    directed = db.query("SELECT d.purpose, r.birth_date FROM donations d JOIN recipients r ON r.id = d.recipient_id"
                        " JOIN funds f ON f.id = d.fund_id WHERE f.kind = 'directed'")
    assert directed and all(p.startswith("资助") and b > "2008-06-30" for p, b in directed)
    assert not db.scalar("SELECT count(*) FROM donations d JOIN funds f ON f.id = d.fund_id"
                         " WHERE d.recipient_id IS NOT NULL AND f.kind != 'directed'")
    report = check.run(db)
    assert report["ok"] and not report["warnings"], report
