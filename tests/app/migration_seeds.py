"""What a station had in its database at each schema version, as the SQL of that version.

`test_migrations` builds a database step by step — migrate to 1, add SEEDS[1], migrate to 2,
add SEEDS[2], … — so every migration runs over data written in the shape before it, and the
newest program must read it all. Written as plain SQL of each version on purpose: the services
change with the schema, these rows must not. A new migration adds its seed here.
"""

AT = "2025-03-01T09:00:00+08:00"

SEEDS: dict[int, str] = {
    1: f"""
INSERT INTO station VALUES (1, 'ST01', '东风村慈善工作站', '东风镇', '东风村慈善工作站', '{AT}', '{AT}');
INSERT INTO settings VALUES ('receipt_title', '捐赠收据');
INSERT INTO operators VALUES ('op-admin', 'admin', '管理员', 'admin', 'x', 1, '{AT}', 'system', '{AT}', 'system');
INSERT INTO funds(id, name, kind, opening_fen, is_default, created_at, created_by, updated_at, updated_by)
VALUES ('f-general', '慈善基金（非定向）', 'general', 50000, 1, '{AT}', 'system', '{AT}', 'system'),
       ('f-school', '助学定向基金', 'directed', 0, 0, '{AT}', 'op-admin', '{AT}', 'op-admin');
INSERT INTO programmes(id, name, fund_id, created_at, created_by, updated_at, updated_by)
VALUES ('p-winter', '冬季送温暖', 'f-general', '{AT}', 'op-admin', '{AT}', 'op-admin');
INSERT INTO donors(id, kind, name, phone, created_at, created_by, updated_at, updated_by)
VALUES ('d-zhang', 'person', '张三明', '13800000000', '{AT}', 'op-admin', '{AT}', 'op-admin'),
       ('d-mill', 'enterprise', '东风米业有限公司', '', '{AT}', 'op-admin', '{AT}', 'op-admin'),
       ('d-anon', 'anonymous', '匿名爱心人士', '', '{AT}', 'system', '{AT}', 'system');
INSERT INTO households(id, village, address, created_at, created_by)
VALUES ('h-1', '东风村', '东风村3组12号', '{AT}', 'op-admin');
INSERT INTO categories(id, name, sort_order, builtin) VALUES ('c-old', '高龄老人', 1, 1),
       ('c-child', '困境儿童', 2, 1);
INSERT INTO recipients(id, name, sex, village, village_group, household_id, is_household_head, phone,
                       status, created_at, created_by, updated_at, updated_by)
VALUES ('r-grandpa', '王秀英', '女', '东风村', '3组', 'h-1', 1, '13900000000', 'active',
        '{AT}', 'op-admin', '{AT}', 'op-admin'),
       ('r-child', '王小明', '男', '东风村', '3组', 'h-1', 0, '', 'active',
        '{AT}', 'op-admin', '{AT}', 'op-admin'),
       ('r-moved', '李四', '男', '西岭村', '1组', NULL, 0, '', 'moved',
        '{AT}', 'op-admin', '{AT}', 'op-admin');
INSERT INTO recipient_categories VALUES ('r-grandpa', 'c-old'), ('r-child', 'c-child');
INSERT INTO donations(id, donor_id, donated_on, kind, method, amount_fen, fund_id, programme_id,
                      recipient_id, purpose, status, void_reason, voided_by, station_code,
                      created_at, created_by, updated_at, updated_by)
VALUES ('g-cash', 'd-zhang', '2025-02-03', 'cash', 'cash', 30000, 'f-general', NULL, NULL, '',
        'active', '', NULL, 'ST01', '{AT}', 'op-admin', '{AT}', 'op-admin'),
       ('g-child', 'd-anon', '2025-02-04', 'cash', 'wechat', 20000, 'f-school', NULL, 'r-child', '助学',
        'active', '', NULL, 'ST01', '{AT}', 'op-admin', '{AT}', 'op-admin'),
       ('g-rice', 'd-mill', '2025-02-05', 'goods', NULL, 60000, 'f-general', 'p-winter', NULL, '',
        'active', '', NULL, 'ST01', '{AT}', 'op-admin', '{AT}', 'op-admin'),
       ('g-void', 'd-zhang', '2025-02-06', 'cash', 'bank', 999, 'f-general', NULL, NULL, '',
        'voided', '金额写错', 'op-admin', 'ST01', '{AT}', 'op-admin', '{AT}', 'op-admin');
INSERT INTO goods_lines(id, donation_id, line_no, item, quantity, unit, unit_value_fen, value_fen)
VALUES ('gl-rice', 'g-rice', 1, '大米', '10', '袋', 6000, 60000),
       ('gl-coat', 'g-rice', 2, '棉衣', '3', '件', NULL, NULL);
INSERT INTO fund_outflows(id, fund_id, amount_fen, paid_on, source, source_id, created_at, created_by)
VALUES ('o-1', 'f-general', 10000, '2025-02-20', 'disbursement', 'legacy-1', '{AT}', 'op-admin');
""",
    2: f"""
INSERT INTO donations(id, donor_id, donated_on, kind, method, amount_fen, fund_id, station_code,
                      created_at, created_by, updated_at, updated_by)
VALUES ('g-v2', 'd-zhang', '2025-03-02', 'cash', 'alipay', 12345, 'f-general', 'ST01',
        '{AT}', 'op-admin', '{AT}', 'op-admin');
UPDATE receipt_counters SET last_seq = last_seq + 1 WHERE station_code = 'ST01' AND year = 2025;
INSERT INTO receipts(id, donation_id, station_code, year, seq, number, origin, issued_at, issued_by,
                     print_count, first_printed_at, last_printed_at, official_number)
SELECT 'rc-v2', 'g-v2', 'ST01', 2025, last_seq, 'ST01-2025-' || printf('%06d', last_seq), 'desk',
       '{AT}', 'op-admin', 2, '{AT}', '{AT}', '鲁财0012345'
FROM receipt_counters WHERE station_code = 'ST01' AND year = 2025;
""",
    3: f"""
UPDATE programmes SET kind = 'cash', amount_fen = 100000, rule_categories = '["高龄老人"]',
       rule_min_age = 80, rule_one_per_household = 1 WHERE id = 'p-winter';
INSERT INTO distributions(id, programme_id, distributed_on, status, origin, fund_id, people, total_fen,
                          station_code, created_at, created_by, updated_at, updated_by, confirmed_at,
                          confirmed_by)
VALUES ('dist-1', 'p-winter', '2025-03-10', 'confirmed', 'desk', 'f-general', 1, 20000, 'ST01',
        '{AT}', 'op-admin', '{AT}', 'op-admin', '{AT}', 'op-admin');
INSERT INTO disbursements(id, distribution_id, line_no, recipient_id, name, id_number, village,
                          categories, amount_fen, status, status_at, status_by, reversal_reason,
                          reversed_at, reversed_by, created_at, created_by)
VALUES ('ln-1', 'dist-1', 1, 'r-grandpa', '王秀英', '', '东风村', '高龄老人', 20000, 'signed',
        '{AT}', 'op-admin', '', NULL, NULL, '{AT}', 'op-admin'),
       ('ln-2', 'dist-1', 2, 'r-moved', '李四', '', '西岭村', '', 5000, 'reversed',
        '{AT}', 'op-admin', '已迁出', '{AT}', 'op-admin', '{AT}', 'op-admin');
INSERT INTO fund_outflows(id, fund_id, amount_fen, paid_on, source, source_id, status, created_at,
                          created_by)
VALUES ('o-ln-1', 'f-general', 20000, '2025-03-10', 'disbursement', 'ln-1', 'active', '{AT}', 'op-admin'),
       ('o-ln-2', 'f-general', 5000, '2025-03-10', 'disbursement', 'ln-2', 'reversed', '{AT}', 'op-admin');
""",
    4: f"""
INSERT INTO recipients(id, name, sex, village, phone, search_text, created_at, created_by, updated_at,
                       updated_by)
VALUES ('r-v4', '赵六', '男', '东风村', '13700000000', '赵六 zl zhaoliu', '{AT}', 'op-admin', '{AT}',
        'op-admin');
""",
    5: "",
    6: f"""
INSERT INTO recipients(id, name, sex, village, phone, search_text, created_at, created_by, updated_at,
                       updated_by)
VALUES ('r-v6', '孙七', '女', '西河村', '13600000000', '孙七 sq sunqi', '{AT}', 'op-admin', '{AT}',
        'op-admin');
""",
    7: f"""
INSERT INTO fund_spending(id, fund_id, amount_fen, spent_on, payee, purpose, voucher, approver, created_at,
                          created_by)
VALUES ('sp-1', 'f-general', 2000, '2025-04-01', '东风粮油店', '购买大米', '记-2025-001', '村主任王刚',
        '{AT}', 'op-admin');
INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, reserve, source, source_id, operator_id,
                         created_at)
VALUES ('j-sp-1', 'f-general', '2025-04-01', 'spending', -2000, '', 'spending', 'sp-1', 'op-admin', '{AT}');
INSERT INTO fund_payments(id, fund_id, recipient_id, donation_id, amount_fen, paid_on, created_at, created_by)
VALUES ('pay-1', 'f-school', 'r-child', 'g-child', 5000, '2025-04-02', '{AT}', 'op-admin');
INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, reserve, source, source_id, operator_id,
                         created_at)
VALUES ('j-pay-1', 'f-school', '2025-04-02', 'payment', -5000, 'person:r-child', 'payment', 'pay-1', 'op-admin',
        '{AT}');
""",
    8: f"""
INSERT INTO recipient_flags(id, recipient_id, kind, other_station, detail, return_id, created_at, created_by)
VALUES ('fl-1', 'r-grandpa', 'aided_elsewhere', '370102001001', '冬季送温暖 2025-03-01 200.00元', 'ret-1',
        '{AT}', 'op-admin');
""",
    9: f"""
INSERT INTO meal_canteens(id, name, village, created_at, created_by)
VALUES ('mc-1', '东风长者食堂', '东风村', '{AT}', 'op-admin');
INSERT INTO meal_schemes(id, fund_id, effective_from, cap_week, cap_month, created_at, created_by)
VALUES ('ms-1', 'f-general', '2025-01-01', 5, NULL, '{AT}', 'op-admin');
INSERT INTO meal_scheme_tiers(id, scheme_id, age_from, age_to, category, rate_fen)
VALUES ('mt-1', 'ms-1', 60, NULL, '', 100);
INSERT INTO meal_enrolments(id, recipient_id, canteen_id, enrolled_from, created_at, created_by)
VALUES ('me-1', 'r-grandpa', 'mc-1', '2025-01-01', '{AT}', 'op-admin');
INSERT INTO meal_months(id, canteen_id, recipient_id, month, days, meals, created_at, created_by)
VALUES ('mm-1', 'mc-1', 'r-grandpa', '2025-03', '1,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0', 2,
        '{AT}', 'op-admin');
""",
    10: f"""
INSERT INTO wishes(id, recipient_id, wish, value_fen, school, story, checked_by, checked_on, state, published_on,
                   created_at, created_by, updated_at, updated_by)
VALUES ('w-1', 'r-child', '一个新书包', 12000, '东风小学', '书包破了', '王刚', '2025-04-01', 'published',
        '2025-04-02', '{AT}', 'op-admin', '{AT}', 'op-admin');
INSERT INTO pledges(id, donor_id, amount_fen, recipient_id, due_on, created_at, created_by)
VALUES ('pl-1', 'd-mill', 1000000, 'r-child', '2025-12-31', '{AT}', 'op-admin');
""",
    11: f"""
INSERT INTO goods_movements(id, item, unit, on_date, kind, quantity_milli, value_fen, source, source_id, voucher,
                            operator_id, created_at)
VALUES ('gm-oil', '食用油', '桶', '2025-04-01', 'purchase', 20000, 2000, 'spending', 'sp-1', '记-2025-001',
        'op-admin', '{AT}');
INSERT INTO goods_movements(id, item, unit, on_date, kind, quantity_milli, recipient_name, operator_id, created_at)
VALUES ('gm-oil-out', '食用油', '桶', '2025-04-02', 'handout', -2000, '东风小学', 'op-admin', '{AT}');
""",
}
