"""The register's search: every way people look someone up, every filter, age bands in 周岁."""

import datetime as dt

import pytest

from app.db import Database
from app.recipients import households, recipients
from app.recipients import search as recipient_search
from app.recipients.recipients import RecipientInput
from app.recipients.search import Filters, Sort, search_ids
from app.rules.idcard import age_on, check_char
from app.station import accounts

ON = dt.date(2024, 5, 10)


def idn(birth, seq="122", region="370303"):
    body = region + birth + seq
    return body + check_char(body)


def id_ending_x(birth, region="370303"):
    for n in range(1000):
        body = f"{region}{birth}{n:03d}"
        if check_char(body) == "X":
            return body + "X"
    raise AssertionError("no X")


@pytest.fixture
def people(db, volunteer):
    """A small register with one person per search form and the age-band edges."""
    add = lambda **kw: recipients.add_recipient(db, volunteer, RecipientInput(**kw))  # noqa: E731
    p = {
        "wxy": add(name="王秀英", id_number=idn("19440510", "124"), phone="13812345678", village="东风村",
                   village_group="3组", categories=["高龄老人", "低保户"]),
        "wxm": add(name="王小明", id_number=idn("20150301", "131"), village="前进村", village_group="1组",
                   guardian_name="王大山", guardian_phone="13900001111", categories=["留守儿童"]),
        "ljg": add(name="李建国", id_number=id_ending_x("19600101"), phone="0531-88776655",
                   village="东风村", village_group="5组", categories=["残疾人"]),
        "zs": add(name="张三", village="红星村", categories=[]),
        "young79": add(name="赵七九", id_number=idn("19440511", "136"), village="红星村",
                       categories=["高龄老人"]),
        "leap": add(name="钱闰年", id_number=idn("20040229", "144"), village="前进村"),
    }
    recipients.close_recipient(db, volunteer, p["ljg"].id, "去世", dt.date(2024, 1, 2))
    return p


def names(db, handles):
    rows = recipient_search.fetch_rows(db, handles)
    return [rows[h]["name"] for h in handles]


def find(db, text="", **filters):
    filters.setdefault("status", None)
    filters.setdefault("age_on", ON)
    return set(names(db, search_ids(db, text, Filters(**filters))))


# ---------- search forms ----------
@pytest.mark.parametrize("text, expected", [
    ("王秀英", {"王秀英"}),
    ("王秀", {"王秀英"}),                        # two characters
    ("秀", {"王秀英"}),                          # one character
    ("王", {"王秀英", "王小明"}),
    ("wxy", {"王秀英"}),                         # pinyin initials
    ("WXY", {"王秀英"}),
    ("wangxiuying", {"王秀英"}),                 # full pinyin
    ("xiuying", {"王秀英"}),
    ("wx", {"王秀英", "王小明"}),                # two letters
    ("q", {"钱闰年", "赵七九"}),                  # one letter: qianrunnian, zhaoqijiu
    ("19440510", {"王秀英"}),                    # any part of the ID number
    ("0510124", {"王秀英"}),
    ("x", {"李建国", "王小明", "王秀英"}),        # an ID ending in X matches x; and xiao, xiu
    ("1381234", {"王秀英"}),                     # phone
    ("138-1234-5678", {"王秀英"}),
    ("１３８１２３４５６７８", {"王秀英"}),        # full-width digits
    ("88776655", {"李建国"}),                    # landline
    ("13900001111", {"王小明"}),                 # guardian phone
    ("东风", {"王秀英", "李建国"}),               # village
    ("3组", {"王秀英"}),
    ("东风 wxy", {"王秀英"}),                    # every word must match
    ("东风 wxm", set()),
    ("%", set()),                                # LIKE wildcards are plain characters
    ("_", set()),
    ("", {"王秀英", "王小明", "李建国", "张三", "赵七九", "钱闰年"}),
])
def test_search_forms(db, people, text, expected):
    assert find(db, text) == expected


def test_terms_normalise():
    assert recipient_search.terms("  王秀  WXY  ") == ["王秀", "wxy"]
    assert recipient_search.terms("138-1234") == ["1381234"]
    assert recipient_search.terms("３７０３０３") == ["370303"]
    assert recipient_search.terms("") == []


# ---------- filters ----------
def test_status_filter(db, people):
    active = set(names(db, search_ids(db, "")))  # the default: people on the register
    assert "李建国" not in active and "王秀英" in active
    assert find(db, status="inactive") == {"李建国"}
    assert find(db, status="deceased") == {"李建国"}
    assert find(db, status="moved") == set()
    assert len(find(db)) == 6


def test_category_filter(db, people):
    assert find(db, category="高龄老人") == {"王秀英", "赵七九"}
    assert find(db, "wxy", category="高龄老人") == {"王秀英"}
    assert find(db, category="孤儿") == set()
    assert find(db, category="没有这个类别") == set()


def test_village_filter(db, people):
    assert find(db, village="东风村") == {"王秀英", "李建国"}
    assert find(db, "李", village="东风村") == {"李建国"}
    assert find(db, village="东风") == set()  # exact village, not a part of it


def test_age_band_edges_in_completed_years(db, people):
    # 王秀英 born 1944-05-10 is 80 on 2024-05-10; 赵七九 born a day later is still 79.
    assert find(db, min_age=80) == {"王秀英"}
    assert find(db, min_age=80, age_on=dt.date(2024, 5, 11)) == {"王秀英", "赵七九"}
    assert find(db, min_age=79, max_age=79) == {"赵七九"}
    assert find(db, max_age=79, min_age=60) == {"赵七九", "李建国"}
    assert find(db, min_age=80, max_age=80, age_on=dt.date(2024, 5, 9)) == set()
    # Nobody without a birth date is in an age band.
    assert "张三" not in find(db, max_age=200)


def test_age_band_29_february(db, people):
    born = dt.date(2004, 2, 29)
    for on in (dt.date(2022, 2, 28), dt.date(2022, 3, 1), dt.date(2024, 2, 28), dt.date(2024, 2, 29)):
        age = age_on(born, on)
        assert "钱闰年" in find(db, min_age=age, max_age=age, age_on=on), on
        assert "钱闰年" not in find(db, min_age=age + 1, age_on=on), on
        assert "钱闰年" not in find(db, max_age=age - 1, age_on=on), on


def test_age_band_agrees_with_age_on_for_every_day_of_a_year(db, people):
    births = {"王秀英": dt.date(1944, 5, 10), "赵七九": dt.date(1944, 5, 11), "王小明": dt.date(2015, 3, 1)}
    on = dt.date(2024, 1, 1)
    while on.year == 2024:
        eighty = find(db, min_age=80, age_on=on)
        assert eighty == {n for n, b in births.items() if age_on(b, on) >= 80}, on
        on += dt.timedelta(days=7)


def test_children_14_and_under(db, people):
    assert find(db, max_age=14) == {"王小明"}


def _disburse(db, person, programme_id, status, admin_id):
    with db.transaction() as c:
        dist = f"dist-{person.id[-6:]}-{status}"
        c.execute("INSERT INTO distributions(id, programme_id, distributed_on, status, station_code,"
                  " created_at, created_by, updated_at, updated_by, confirmed_at, confirmed_by)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                  (dist, programme_id, "2024-02-01", "confirmed", "ST01", "t", admin_id, "t", admin_id,
                   "t", admin_id))
        c.execute("INSERT INTO disbursements(id, distribution_id, line_no, recipient_id, name, amount_fen,"
                  " status, reversed_at, created_at, created_by) VALUES (?,?,?,?,?,?,?,?,?,?)",
                  (dist + "-1", dist, 1, person.id, person.name, 50000, status,
                   "t" if status == "reversed" else None, "t", admin_id))


def test_programme_received_filter(db, people, admin):
    from app.funds import funds

    with db.transaction() as c:
        c.execute("INSERT INTO programmes(id, name, fund_id, created_at, created_by, updated_at, updated_by)"
                  " VALUES ('p1', '春节红包', ?, 't', ?, 't', ?)", (funds.default_fund(db).id, admin.id, admin.id))
    _disburse(db, people["wxy"], "p1", "paid", admin.id)
    _disburse(db, people["wxm"], "p1", "reversed", admin.id)
    assert recipient_search.supports_programme_filter(db)
    assert recipient_search.programmes(db) == [("p1", "春节红包")]
    assert find(db, programme_id="p1") == {"王秀英"}
    assert find(db, programme_id="another") == set()


def test_programme_filter_ignored_without_disbursements(tmp_path):
    d = Database.open(tmp_path / "old.db", create=True, migrate=False)
    d.migrate(target=2)  # the shape before the programmes work: no disbursements table
    with d.transaction() as c:  # as that version wrote it (today's funds need the fund journal, step 7)
        c.execute("INSERT INTO station VALUES (1, 'ST01', '东风村慈善工作站', '', '', '2025-01-01', '2025-01-01')")
    recipients.add_recipient(d, accounts.SYSTEM, RecipientInput(name="王秀英"))
    assert not recipient_search.supports_programme_filter(d)
    assert len(search_ids(d, "", Filters(programme_id="p1"))) == 1
    d.close()


# ---------- sorting ----------
def test_sort_orders(db, people):
    all_ = Filters(status=None)
    by_name = names(db, search_ids(db, "", all_, Sort("name")))
    assert by_name == sorted(by_name)
    assert names(db, search_ids(db, "", all_, Sort("name", descending=True))) == by_name[::-1]
    by_age = names(db, search_ids(db, "", all_, Sort("age")))
    assert by_age[:2] == ["王小明", "钱闰年"] and by_age[-1] == "张三"  # no birth date: last
    by_age_desc = names(db, search_ids(db, "", all_, Sort("age", descending=True)))
    assert by_age_desc[0] == "王秀英" and by_age_desc[-1] == "张三"  # blanks stay last
    by_village = names(db, search_ids(db, "", all_, Sort("village")))
    assert by_village[:2] == ["王秀英", "李建国"]  # 东风村 3组, 5组
    for key in recipient_search.COLUMNS:
        assert len(search_ids(db, "", all_, Sort(key))) == 6
        assert len(search_ids(db, "", all_, Sort(key, True))) == 6
    with pytest.raises(ValueError):
        search_ids(db, "", all_, Sort("no_such_column"))


def test_search_reads_the_index_not_the_table(db, people):
    where, params = recipient_search._where(db, "wxy", Filters(category="高龄老人", min_age=80,
                                                               village="东风村"))
    plan = " ".join(r[3] for r in db.query(
        "EXPLAIN QUERY PLAN SELECT r.rowid FROM recipients r WHERE " + " AND ".join(where)
        + " ORDER BY " + recipient_search._order_by(Sort()), params))
    assert "COVERING INDEX recipients_search" in plan
    assert "TEMP B-TREE" not in plan


# ---------- rows ----------
def test_fetch_rows(db, people):
    handles = search_ids(db, "wxy")
    row = recipient_search.fetch_rows(db, handles, today=ON)[handles[0]]
    assert row["id"] == people["wxy"].id
    assert (row["name"], row["sex"], row["birth_date"], row["age"]) == ("王秀英", "女", "1944-05-10", 80)
    assert row["categories"] == ("高龄老人", "低保户")  # in list order
    assert row["status"] == "active" and row["household_head"] is False
    no_id = recipient_search.fetch_rows(db, search_ids(db, "张三"))
    assert next(iter(no_id.values()))["id_number"] == "" and next(iter(no_id.values()))["age"] is None
    assert recipient_search.fetch_rows(db, [999999]) == {}
    assert recipient_search.handle_of(db, people["wxy"].id) == handles[0]
    assert recipient_search.count(db, "王", Filters(status=None)) == 2


def test_fetch_rows_many_keeps_order(db, people):
    handles = search_ids(db, "", Filters(status=None), Sort("age"))
    rows = list(recipient_search.iter_rows(db, handles, chunk=2))
    assert [r["name"] for r in rows] == names(db, handles)


def test_villages(db, people):
    assert recipient_search.villages(db) == [("东风村", 2), ("前进村", 2), ("红星村", 2)]


# ---------- duplicates and households (the person card's services) ----------
def test_possible_duplicates(db, people):
    dup = recipients.possible_duplicates(db, "王 秀英", dt.date(1944, 5, 10), "")
    assert [(d.name, d.reasons) for d in dup] == [("王秀英", ("name_birth",))]
    dup = recipients.possible_duplicates(db, "王秀英", "1944-05-10", "138 1234 5678")
    assert dup[0].reasons == ("name_birth", "phone")
    assert recipients.possible_duplicates(db, "别人", None, "+86 13812345678")[0].name == "王秀英"
    assert recipients.possible_duplicates(db, "王秀英", "1944-05-10", "13812345678",
                                          exclude_id=people["wxy"].id) == []
    assert recipients.possible_duplicates(db, "王秀英", None, "") == []  # a name alone is not enough
    assert recipients.possible_duplicates(db, "王秀英", None, "138") == []  # an unfinished phone


def test_save_member_joins_household_and_keeps_one_head(db, volunteer, people):
    wxy = people["wxy"]
    assert wxy.household_id is None
    new = households.save_member(db, volunteer, RecipientInput(name="王大山", is_household_head=True),
                                 join_household_of=wxy.id)
    wxy = recipients.get_recipient(db, wxy.id)
    assert wxy.household_id == new.household_id is not None
    members = households.members(db, new.household_id)
    assert [(m.name, m.is_head) for m in members] == [("王大山", True), ("王秀英", False)]
    # Making 王秀英 head takes the flag from 王大山, and the change is audited.
    data = RecipientInput(name="王秀英", id_number=wxy.id_number, phone=wxy.phone, village=wxy.village,
                          village_group=wxy.village_group, categories=list(wxy.categories),
                          household_id=wxy.household_id, is_household_head=True)
    households.save_member(db, volunteer, data, recipient_id=wxy.id)
    assert [(m.name, m.is_head) for m in households.members(db, new.household_id)] == \
        [("王秀英", True), ("王大山", False)]
    from app import audit

    assert audit.history(db, new.id)[-1]["after"]["is_household_head"] is False
    assert audit.verify(db).ok


def test_head_without_household_gets_one(db, volunteer):
    p = households.save_member(db, volunteer, RecipientInput(name="孙户主", village="东风村",
                                                             is_household_head=True))
    assert p.household_id and households.members(db, p.household_id)[0].is_head


def test_handles_keep_the_sort_order_of_a_plain_query(db, admin):
    """search_ids packs handles in one JSON array: it must keep exactly the query's order."""
    from app import demo

    demo.generate(db, admin, 400, 0, seed=5)
    for key in recipient_search.COLUMNS:
        for desc in (False, True):
            sort = Sort(key, desc)
            for text in ("", "w", "3703"):
                where, params = recipient_search._where(db, text, Filters(status=None))
                sql = "SELECT r.rowid FROM recipients r" + (" WHERE " + " AND ".join(where) if where else "")
                plain = [r[0] for r in db.query(sql + " ORDER BY " + recipient_search._order_by(sort), params)]
                assert search_ids(db, text, Filters(status=None), sort) == plain, (key, desc, text)


def test_migration_v4_indexes_an_existing_register(tmp_path):
    d = Database.open(tmp_path / "v3.db", create=True, migrate=False)
    d.migrate(target=3)
    with d.transaction() as c:  # as that version wrote it (today's funds need the fund journal, step 7)
        c.execute("INSERT INTO station VALUES (1, 'ST01', '东风村慈善工作站', '', '', '2025-01-01', '2025-01-01')")
    for i, name in enumerate(["王秀英", "吴明", "魏小红", "张伟", "李四", "汪洋", "王五", "赵六"] * 25):
        recipients.add_recipient(d, accounts.SYSTEM, RecipientInput(name=name, village=f"{i % 4}组"))
    before = search_ids(d, "w", Filters(status=None))
    d.close()
    d = Database.open(tmp_path / "v3.db")  # migrates to the newest shape
    indexes = {r[0] for r in d.query("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"recipients_search", "recipients_phone"} <= indexes
    assert search_ids(d, "w", Filters(status=None)) == before and before
    assert d.scalar("PRAGMA integrity_check") == "ok"
    d.close()
