"""Realistic demonstration data: villages, households, people, funds, donors, donations, aid days.

Used for trying the program and for benchmarks at real scale (100,000 of
each). Rows go in with `executemany` inside one transaction; the audit log
gets one entry per table saying how many rows the demo added. Demo donations
get receipt numbers in date order, as the desk would have issued them: most
printed once, a few reprinted, a few never printed, and a few voided and
re-issued under the next number. With both people and money, a few aid
programmes then pay out over the past year (`aid_days`), each day confirmed
through `app.programmes.distributions` like the desk would, a few lines marked 代领,
未领取 or reversed.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from app import audit
from app.db import Database, now_iso
from app.donations import donors, receipts
from app.errors import InputError
from app.funds import funds
from app.programmes.eligibility import latest_birth
from app.recipients import recipients
from app.rules.codes import credit_check_char
from app.rules.idcard import age_on, check_char
from app.station import station
from app.station.accounts import Operator, require_admin

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙")
GIVEN = ("秀英华明国建军丽芳玉兰桂珍淑敏静霞红梅凤云志强伟刚勇平德福春海金成俊文斌燕翠娟芬荣"
         "子涵浩宇欣怡梓萱一诺雨桐佳琪思远晨阳乐天嘉豪雅婷诗琪博文振东永庆广才瑞祥桂香")
VILLAGES = ("东风村", "前进村", "红星村", "西河村", "李家庄村", "北沟村", "南湖社区", "张家湾村",
            "杨柳村", "石桥村", "新华社区", "王庄村")
REGIONS = ("370303", "370305", "370321", "130182", "350128", "360121")
ENTERPRISES = ("鲁中建材有限公司", "红星食品厂", "东方农业合作社", "恒泰商贸有限公司", "惠民超市",
               "金穗米业有限公司", "福瑞医药连锁", "同心物流有限公司", "丰收面粉厂", "明德教育咨询中心")
GOODS = (("大米", "袋", 5000), ("面粉", "袋", 4500), ("食用油", "桶", 6900), ("羽绒服", "件", 19900),
         ("书包", "个", 8000), ("棉被", "床", 12000), ("豆制品", "箱", 3500), ("牛奶", "箱", 6000))
PURPOSES = ("", "", "", "慈心一日捐", "助学", "敬老", "冬季送温暖", "微心愿")


@dataclass
class DemoResult:
    recipients: int
    donors: int
    donations: int
    funds: int
    aid_days: int = 0
    aid_lines: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"recipients": self.recipients, "donors": self.donors, "donations": self.donations,
                "funds": self.funds, "aid_days": self.aid_days, "aid_lines": self.aid_lines}


def _name(rng: random.Random) -> str:
    n = 1 if rng.random() < 0.25 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(n))


def _id_number(rng: random.Random, birth: dt.date, sex: str, used: set[str]) -> str:
    while True:
        seq = rng.randrange(0, 100) * 10 + (rng.choice((1, 3, 5, 7, 9)) if sex == "男"
                                            else rng.choice((0, 2, 4, 6, 8)))
        body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{seq:03d}"
        number = body + check_char(body)
        if number not in used:
            used.add(number)
            return number


def _birth(rng: random.Random, today: dt.date) -> dt.date:
    r = rng.random()
    if r < 0.35:
        age = rng.randint(80, 99)
    elif r < 0.55:
        age = rng.randint(60, 79)
    elif r < 0.85:
        age = rng.randint(1, 17)
    else:
        age = rng.randint(18, 59)
    return today - dt.timedelta(days=age * 365 + rng.randint(0, 364))


def _categories(rng: random.Random, age: int) -> list[str]:
    if age >= 80:
        cats = ["高龄老人"]
    elif age < 18:
        cats = [rng.choice(("留守儿童", "困境儿童", "低保家庭儿童", "孤儿", "事实无人抚养儿童", "残疾儿童"))]
        if age >= 6 and rng.random() < 0.2:
            cats.append("困难学生")
    else:
        cats = [rng.choice(("低保户", "特困供养", "残疾人", "重特大疾病", "急难型", "环卫工人"))]
    if rng.random() < 0.15:
        extra = rng.choice(("低保户", "残疾人", "特困供养"))
        if extra not in cats and age >= 18:
            cats.append(extra)
    return cats


def _credit_code(rng: random.Random) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + "370303" + "".join(rng.choice(chars) for _ in range(9))
    return body + credit_check_char(body)


def _mobile(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "152", "186", "187", "135", "158")) + f"{rng.randrange(10**8):08d}"


def generate(db: Database, actor: Operator, n_recipients: int, n_donations: int, seed: int = 1,
             *, today: dt.date | None = None) -> DemoResult:
    """Add demo data to an initialised station database in one transaction."""
    require_admin(actor, "生成演示数据")
    if n_recipients < 0 or n_donations < 0:
        raise InputError("negative", "数量不能为负数")
    if n_recipients > 1_000_000 or n_donations > 1_000_000:
        raise InputError("too_large", "演示数据每类最多 1,000,000 条")
    today = today or dt.date.today()
    rng = random.Random(seed)
    code = station.get_station(db).station_code
    at = now_iso()
    # One transaction for all of it, aid days included: a demo killed half-way leaves nothing.
    with db.transaction() as c:
        fund_ids = [funds.default_fund(db).id]
        for name, kind in (("东风村冠名基金", "named"), ("爱心企业冠名基金", "named"), ("助学定向基金", "directed")):
            row = c.execute("SELECT id FROM funds WHERE name = ?", (name,)).fetchone()
            fund_ids.append(row[0] if row else funds.create_fund(db, actor, name, kind, 0).id)
        n = _add_recipients(db, c, actor, rng, n_recipients, today, at)
        donor_ids = _add_donors(db, c, actor, rng, max(1, n_donations // 4) if n_donations else 0, at)
        m = _add_donations(db, c, actor, rng, n_donations, donor_ids, fund_ids, today, code, at)
        days = lines = 0
        if n and m:
            days, lines = _add_aid(db, c, actor, rng, fund_ids, today)
    return DemoResult(n, len(donor_ids), m, len(fund_ids), days, lines)


#: (programme, fund index, yuan per person, categories, days before today).
AID = (
    ("高龄老人慰问金", 0, 200, ("高龄老人",), (25, 115, 205, 295)),
    ("困境儿童助学金", 3, 300, ("困境儿童", "孤儿", "事实无人抚养儿童", "困难学生"), (70, 250)),
    ("冬季送温暖", 1, 150, ("低保户", "特困供养", "残疾人"), (40, 330)),
    ("大病救助", 2, 1000, ("重特大疾病",), (160,)),
)


def _add_aid(db: Database, c: sqlite3.Connection, actor: Operator, rng: random.Random, fund_ids: list[str],
             today: dt.date) -> tuple[int, int]:
    """Past aid days through the real distribution service; a day the fund can't pay is skipped
    (its draft undone to a savepoint, since all of this runs inside the demo's one transaction)."""
    from app.errors import Conflict
    from app.programmes import distributions, programmes

    days = lines = 0
    for name, fund, yuan, cats, ago in AID:
        row = db.one("SELECT id FROM programmes WHERE name = ?", (name,))
        prog_id = row[0] if row else programmes.create_programme(db, actor, programmes.ProgrammeInput(
            name, fund_ids[fund], amount_fen=yuan * 100, note="演示数据",
            rules=programmes.Rules(categories=cats))).id
        for back in ago:
            on = today - dt.timedelta(days=back)
            c.execute("SAVEPOINT demo_day")
            try:
                d, _ = distributions.distribute(db, actor, prog_id, on, note="演示数据", today=today)
            except Conflict:  # not enough money in the fund that day
                c.execute("ROLLBACK TO demo_day")
                continue
            finally:
                c.execute("RELEASE demo_day")
            days += 1
            lines += d.people
            _mark_some(db, actor, rng, d.id)
    return days, lines


def _mark_some(db: Database, actor: Operator, rng: random.Random, distribution_id: str) -> None:
    from app.programmes import distributions

    ids = [ln.id for ln in distributions.lines(db, distribution_id)]
    rng.shuffle(ids)
    picks = ids[:8]
    for i, line_id in enumerate(picks):
        if i == 0:
            distributions.reverse_line(db, actor, line_id, "重复登记，冲销")
        elif i < 3:
            distributions.mark_line(db, actor, line_id, "not_collected")
        elif i < 5:
            distributions.mark_line(db, actor, line_id, "proxy", proxy_name=rng.choice(SURNAMES) + "某某",
                                    proxy_note="委托书已留存")
    # The rest signed on the day, in one statement (like the demo's other bulk rows) and one audit entry.
    with db.transaction() as c:
        # Stamped now, like the confirmation and the other marks (a confirmed day cannot be re-dated).
        at = now_iso()
        n = c.execute("UPDATE disbursements SET status = 'signed', status_at = ?, status_by = ?"
                      " WHERE distribution_id = ? AND status = 'pending'", (at, actor.id, distribution_id)).rowcount
        audit.record(c, actor, "bulk_mark", "disbursements", distribution_id, None,
                     {"status": "signed", "rows": n, "source": "demo"})


def _add_recipients(db: Database, c: sqlite3.Connection, actor: Operator, rng: random.Random, count: int,
                    today: dt.date, at: str) -> int:
    if not count:
        return 0
    used = {r[0] for r in c.execute("SELECT id_number FROM recipients WHERE id_number IS NOT NULL")}
    cat_ids = dict(c.execute("SELECT name, id FROM categories").fetchall())
    people, links, households = [], [], []
    made = 0
    while made < count:
        village = rng.choice(VILLAGES)
        hid = new_id_seeded(rng)
        households.append((hid, village, f"{village}{rng.randint(1, 8)}组{rng.randint(1, 60)}号", at, actor.id))
        size = min(count - made, rng.choice((1, 1, 2, 2, 3, 4)))
        surname = rng.choice(SURNAMES)
        for k in range(size):
            birth = _birth(rng, today)
            sex = rng.choice(("男", "女"))
            number = _id_number(rng, birth, sex, used)
            age = age_on(birth, today)
            name = surname + _name(rng)[1:]
            guardian = _name(rng) if age < 18 else ""
            d = recipients.RecipientInput(
                name=name, id_number=number, sex=sex, birth_date=birth, village=village,
                village_group=f"{rng.randint(1, 8)}组", address=households[-1][2],
                phone=_mobile(rng) if rng.random() < 0.7 else "", guardian_name=guardian,
                guardian_phone=_mobile(rng) if guardian else "",
                guardian_relation=rng.choice(("祖父", "祖母", "母亲", "父亲")) if guardian else "",
                bank_name=rng.choice(("农村信用社", "邮储银行", "农业银行")) if age >= 18 else "",
                bank_account=f"6228{rng.randrange(10**15):015d}" if age >= 18 else "",
                household_id=hid, is_household_head=(k == 0),
            )
            rid = new_id_seeded(rng)
            people.append(recipients.row_values(rid, d, actor.id, at))
            for cat in _categories(rng, age):
                links.append((rid, cat_ids[cat]))
            made += 1
    c.executemany("INSERT INTO households(id, village, address, created_at, created_by) VALUES (?,?,?,?,?)",
                  households)
    c.executemany(recipients.INSERT_SQL, people)
    c.executemany("INSERT INTO recipient_categories(recipient_id, category_id) VALUES (?,?)", links)
    audit.record(c, actor, "bulk_insert", "recipients", "demo", None,
                 {"rows": len(people), "households": len(households), "source": "demo"})
    return len(people)


def _add_donors(db: Database, c: sqlite3.Connection, actor: Operator, rng: random.Random, count: int, at: str) -> list[str]:
    anon = donors.anonymous_donor(db, actor).id
    ids: list[str] = [anon]
    rows: list[tuple[Any, ...]] = []
    codes: set[str] = set()
    for i in range(count):
        did = new_id_seeded(rng)
        if i < len(ENTERPRISES) and rng.random() < 0.9:
            name = ENTERPRISES[i]
            code = _credit_code(rng)
            while code in codes:
                code = _credit_code(rng)
            codes.add(code)
            phone = _mobile(rng)
            rows.append((did, "enterprise", name, code, phone, "", "", _name(rng),
                         donors.donor_search_text(name, phone, "", code), at, actor.id, at, actor.id))
        else:
            name = _name(rng)
            phone = _mobile(rng) if rng.random() < 0.8 else ""
            work = rng.choice(("", "", "镇中心小学", "镇卫生院", "镇政府", "供电所"))
            rows.append((did, "person", name, None, phone, "", work, "",
                         donors.donor_search_text(name, phone, work), at, actor.id, at, actor.id))
        ids.append(did)
    c.executemany(
        "INSERT INTO donors(id, kind, name, credit_code, phone, address, workplace, contact_person,"
        " search_text, created_at, created_by, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    if rows:
        audit.record(c, actor, "bulk_insert", "donors", "demo", None, {"rows": len(rows), "source": "demo"})
    return ids


def _add_donations(db: Database, c: sqlite3.Connection, actor: Operator, rng: random.Random, count: int, donor_ids: list[str],
                   fund_ids: list[str], today: dt.date, code: str, at: str) -> int:
    if not count:
        return 0
    # Some gifts to the directed fund are for one named child (助学结对): 定向 in every report.
    children = c.execute("SELECT id, name FROM recipients WHERE birth_date > ? ORDER BY id LIMIT 200",
                         (latest_birth(today, 18).isoformat(),)).fetchall()
    directed_fund = fund_ids[-1]
    rows: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    for _ in range(count):
        did = new_id_seeded(rng)
        on = today - dt.timedelta(days=rng.randint(0, 729))
        donor = donor_ids[0] if rng.random() < 0.08 else rng.choice(donor_ids)
        fund = fund_ids[0] if rng.random() < 0.6 else rng.choice(fund_ids)
        if rng.random() < 0.9:
            amount = rng.choice((1000, 2000, 5000, 10000, 20000, 50000, 100000)) \
                if rng.random() < 0.8 else rng.randint(100, 500_000)
            child, purpose = None, rng.choice(PURPOSES)
            if fund == directed_fund and children and rng.random() < 0.3:
                child, name = rng.choice(children)
                purpose = f"资助{name}上学"
            rows.append((did, donor, on.isoformat(), "cash", rng.choice(("cash", "cash", "wechat", "alipay", "bank")),
                         amount, fund, purpose, code, at, actor.id, at, actor.id, child))
        else:
            total = 0
            for n in range(1, rng.randint(1, 3) + 1):
                item, unit, price = rng.choice(GOODS)
                qty = rng.randint(1, 50)
                priced = rng.random() < 0.85
                value = qty * price if priced else None
                total += value or 0
                lines.append((new_id_seeded(rng), did, n, item, str(qty), unit, price if priced else None, value))
            rows.append((did, donor, on.isoformat(), "goods", None, total, fund, "", code, at, actor.id, at, actor.id,
                         None))
    c.executemany(
        "INSERT INTO donations(id, donor_id, donated_on, kind, method, amount_fen, fund_id, purpose,"
        " station_code, created_at, created_by, updated_at, updated_by, recipient_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    c.executemany(
        "INSERT INTO goods_lines(id, donation_id, line_no, item, quantity, unit, unit_value_fen, value_fen)"
        " VALUES (?,?,?,?,?,?,?,?)", lines,
    )
    audit.record(c, actor, "bulk_insert", "donations", "demo", None,
                 {"rows": len(rows), "goods_lines": len(lines), "source": "demo"})
    _add_receipts(c, actor, rng, [(r[0], r[2]) for r in rows], code, at)
    return len(rows)


def _add_receipts(c: sqlite3.Connection, actor: Operator, rng: random.Random,
                  donations: list[tuple[str, str]], code: str, at: str) -> None:
    """Number the demo donations per year in date order, continuing each year's series."""
    last = dict(c.execute("SELECT year, last_seq FROM receipt_counters WHERE station_code = ?",
                          (code,)).fetchall())
    rows: list[tuple[Any, ...]] = []
    clock = at[10:]  # the time of day and offset, for issue and print times on the gift's date
    for did, on in sorted(donations, key=lambda d: d[1]):
        year = int(on[:4])
        when = on + clock
        r = rng.random()
        if r < 0.003:  # voided at the desk and issued again under the next number
            seq = last[year] = last.get(year, 0) + 1
            old = new_id_seeded(rng)
            rows.append((old, did, code, year, seq, receipts.format_number(code, year, seq),
                         "voided", None, when, actor.id, "金额填错，已重开", when, actor.id,
                         1, when, when))
            replaces: str | None = old
        else:
            replaces = None
        seq = last[year] = last.get(year, 0) + 1
        prints = 0 if r > 0.97 else 2 if r > 0.95 else 1
        rows.append((new_id_seeded(rng), did, code, year, seq, receipts.format_number(code, year, seq),
                     "issued", replaces, when, actor.id, "", None, None, prints,
                     when if prints else None, when if prints else None))
    c.executemany(
        "INSERT INTO receipts(id, donation_id, station_code, year, seq, number, status, origin,"
        " replaces_id, issued_at, issued_by, void_reason, voided_at, voided_by, print_count,"
        " first_printed_at, last_printed_at) VALUES (?,?,?,?,?,?,?,'demo',?,?,?,?,?,?,?,?,?)", rows,
    )
    c.executemany(
        "INSERT INTO receipt_counters(station_code, year, last_seq) VALUES (?,?,?)"
        " ON CONFLICT(station_code, year) DO UPDATE SET last_seq = excluded.last_seq",
        [(code, year, seq) for year, seq in last.items()],
    )
    audit.record(c, actor, "bulk_insert", "receipts", "demo", None,
                 {"rows": len(rows), "source": "demo"})


def new_id_seeded(rng: random.Random) -> str:
    """Like `ids.new_id`, but the random part comes from the demo's seeded generator."""
    ms = time.time_ns() // 1_000_000
    return f"{ms:012x}{rng.getrandbits(80):020x}"
