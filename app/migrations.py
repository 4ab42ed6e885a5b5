"""The numbered, append-only schema steps that `app.db` applies.

Never edit a step that has shipped: add a new one. Rows that can travel
between stations have a text `id` that is unique across stations (see
`app.ids`); money columns end in `_fen` and hold integers.
"""

from __future__ import annotations

V1 = """
CREATE TABLE schema_migrations (
    version     INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);

CREATE TABLE station (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    station_code TEXT NOT NULL,
    name         TEXT NOT NULL,
    township     TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Settings that travel with the data (receipt title, layout …).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE operators (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'volunteer', 'readonly')),
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL
);
INSERT INTO operators VALUES ('system', 'system', '系统', 'admin', NULL, 1,
    '1970-01-01T00:00:00+00:00', 'system', '1970-01-01T00:00:00+00:00', 'system');

-- Append-only, hash-chained record of every change.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    operator_id   TEXT NOT NULL,
    operator_name TEXT NOT NULL,
    action        TEXT NOT NULL,
    table_name    TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    before_json   TEXT,
    after_json    TEXT,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log(record_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE funds (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('general', 'named', 'directed')),
    opening_fen INTEGER NOT NULL DEFAULT 0 CHECK (opening_fen >= 0),
    is_default  INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES operators(id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES operators(id)
);
CREATE UNIQUE INDEX funds_one_default ON funds(is_default) WHERE is_default = 1;

CREATE TABLE programmes (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    fund_id     TEXT NOT NULL REFERENCES funds(id),
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES operators(id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES operators(id)
);

CREATE TABLE donors (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('person', 'enterprise', 'anonymous')),
    name           TEXT NOT NULL,
    credit_code    TEXT UNIQUE,
    phone          TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    workplace      TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    search_text    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id),
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX donors_name ON donors(name);
CREATE INDEX donors_phone ON donors(phone);

CREATE TABLE households (
    id         TEXT PRIMARY KEY,
    village    TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES operators(id)
);

CREATE TABLE recipients (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    id_number         TEXT UNIQUE,
    sex               TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', '男', '女')),
    birth_date        TEXT,
    village           TEXT NOT NULL DEFAULT '',
    village_group     TEXT NOT NULL DEFAULT '',
    address           TEXT NOT NULL DEFAULT '',
    household_id      TEXT REFERENCES households(id),
    is_household_head INTEGER NOT NULL DEFAULT 0,
    phone             TEXT NOT NULL DEFAULT '',
    guardian_name     TEXT NOT NULL DEFAULT '',
    guardian_phone    TEXT NOT NULL DEFAULT '',
    guardian_relation TEXT NOT NULL DEFAULT '',
    bank_name         TEXT NOT NULL DEFAULT '',
    bank_account      TEXT NOT NULL DEFAULT '',
    note              TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'active'
                      CHECK (status IN ('active', 'moved', 'deceased', 'closed')),
    closed_reason     TEXT NOT NULL DEFAULT '',
    closed_on         TEXT,
    pinyin_initials   TEXT NOT NULL DEFAULT '',
    pinyin_full       TEXT NOT NULL DEFAULT '',
    search_text       TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES operators(id),
    updated_at        TEXT NOT NULL,
    updated_by        TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX recipients_name ON recipients(name);
CREATE INDEX recipients_village ON recipients(village);
CREATE INDEX recipients_household ON recipients(household_id);
CREATE INDEX recipients_birth ON recipients(birth_date);
CREATE INDEX recipients_status ON recipients(status);

CREATE TABLE categories (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    builtin    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE recipient_categories (
    recipient_id TEXT NOT NULL REFERENCES recipients(id),
    category_id  TEXT NOT NULL REFERENCES categories(id),
    PRIMARY KEY (recipient_id, category_id)
) WITHOUT ROWID;
CREATE INDEX recipient_categories_category ON recipient_categories(category_id, recipient_id);

CREATE TABLE donations (
    id               TEXT PRIMARY KEY,
    donor_id         TEXT NOT NULL REFERENCES donors(id),
    donated_on       TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('cash', 'goods')),
    method           TEXT CHECK (method IN ('cash', 'bank', 'wechat', 'alipay')),
    amount_fen       INTEGER NOT NULL CHECK (amount_fen >= 0),
    fund_id          TEXT NOT NULL REFERENCES funds(id),
    programme_id     TEXT REFERENCES programmes(id),
    recipient_id     TEXT REFERENCES recipients(id),
    purpose          TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'voided')),
    void_reason      TEXT NOT NULL DEFAULT '',
    voided_at        TEXT,
    voided_by        TEXT REFERENCES operators(id),
    station_code     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES operators(id),
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL REFERENCES operators(id),
    CHECK ((kind = 'cash') = (method IS NOT NULL))
);
CREATE INDEX donations_date ON donations(donated_on);
CREATE INDEX donations_donor ON donations(donor_id);
CREATE INDEX donations_fund ON donations(fund_id, status, amount_fen);

CREATE TABLE goods_lines (
    id             TEXT PRIMARY KEY,
    donation_id    TEXT NOT NULL REFERENCES donations(id),
    line_no        INTEGER NOT NULL,
    item           TEXT NOT NULL,
    quantity       TEXT NOT NULL,
    unit           TEXT NOT NULL DEFAULT '',
    unit_value_fen INTEGER CHECK (unit_value_fen >= 0),
    value_fen      INTEGER CHECK (value_fen >= 0),
    UNIQUE (donation_id, line_no)
);

-- Money that leaves a fund; filled by the programmes work (issue 7).
CREATE TABLE fund_outflows (
    id         TEXT PRIMARY KEY,
    fund_id    TEXT NOT NULL REFERENCES funds(id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    paid_on    TEXT NOT NULL,
    source     TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reversed')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX fund_outflows_fund ON fund_outflows(fund_id, status);

CREATE VIEW fund_balances AS
SELECT f.id AS fund_id,
       f.opening_fen,
       COALESCE((SELECT sum(d.amount_fen) FROM donations d
                  WHERE d.fund_id = f.id AND d.status = 'active'), 0) AS received_fen,
       COALESCE((SELECT sum(o.amount_fen) FROM fund_outflows o
                  WHERE o.fund_id = f.id AND o.status = 'active'), 0) AS paid_fen,
       f.opening_fen
       + COALESCE((SELECT sum(d.amount_fen) FROM donations d
                    WHERE d.fund_id = f.id AND d.status = 'active'), 0)
       - COALESCE((SELECT sum(o.amount_fen) FROM fund_outflows o
                    WHERE o.fund_id = f.id AND o.status = 'active'), 0) AS balance_fen
FROM funds f;
"""

V2 = """
-- Receipt numbers: one counter per station and year, taken inside the donation's
-- own write transaction, so numbers never repeat and never skip.
CREATE TABLE receipt_counters (
    station_code TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last_seq     INTEGER NOT NULL CHECK (last_seq >= 0),
    PRIMARY KEY (station_code, year)
) WITHOUT ROWID;
CREATE TRIGGER receipt_counters_no_decrease BEFORE UPDATE ON receipt_counters
WHEN NEW.last_seq < OLD.last_seq OR NEW.station_code IS NOT OLD.station_code OR NEW.year IS NOT OLD.year
BEGIN SELECT RAISE(ABORT, 'receipt counters only count up'); END;
CREATE TRIGGER receipt_counters_no_delete BEFORE DELETE ON receipt_counters
BEGIN SELECT RAISE(ABORT, 'receipt counters are never deleted'); END;

-- Numbered receipts (捐赠收据). Never deleted: a wrong one is voided (作废) and keeps its number.
CREATE TABLE receipts (
    id               TEXT PRIMARY KEY,
    donation_id      TEXT NOT NULL REFERENCES donations(id),
    station_code     TEXT NOT NULL,
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL CHECK (seq > 0),
    number           TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'voided')),
    origin           TEXT NOT NULL DEFAULT 'desk'
                     CHECK (origin IN ('desk', 'import', 'migration', 'demo')),
    replaces_id      TEXT REFERENCES receipts(id),
    issued_at        TEXT NOT NULL,
    issued_by        TEXT NOT NULL REFERENCES operators(id),
    void_reason      TEXT NOT NULL DEFAULT '',
    voided_at        TEXT,
    voided_by        TEXT REFERENCES operators(id),
    print_count      INTEGER NOT NULL DEFAULT 0 CHECK (print_count >= 0),
    first_printed_at TEXT,
    last_printed_at  TEXT,
    official_number  TEXT NOT NULL DEFAULT '',
    official_set_at  TEXT,
    official_set_by  TEXT REFERENCES operators(id),
    UNIQUE (station_code, year, seq),
    CHECK ((status = 'voided') = (voided_at IS NOT NULL))
);
CREATE INDEX receipts_donation ON receipts(donation_id);
CREATE UNIQUE INDEX receipts_one_live ON receipts(donation_id) WHERE status = 'issued';
CREATE INDEX receipts_official ON receipts(official_number) WHERE official_number != '';
CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
BEGIN SELECT RAISE(ABORT, 'receipts are never deleted'); END;
CREATE TRIGGER receipts_number_fixed BEFORE UPDATE ON receipts
WHEN NEW.id IS NOT OLD.id OR NEW.donation_id IS NOT OLD.donation_id
  OR NEW.station_code IS NOT OLD.station_code OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq
  OR NEW.number IS NOT OLD.number OR NEW.issued_at IS NOT OLD.issued_at
  OR NEW.issued_by IS NOT OLD.issued_by OR NEW.replaces_id IS NOT OLD.replaces_id
  OR NEW.origin IS NOT OLD.origin OR (OLD.status = 'voided' AND NEW.status != 'voided')
  OR NEW.print_count < OLD.print_count
BEGIN SELECT RAISE(ABORT, 'a receipt keeps its number, and a void is final'); END;

-- What a receipt says about the gift is fixed once it has one: void and re-enter instead.
CREATE TRIGGER donations_receipted_fixed BEFORE UPDATE ON donations
WHEN (NEW.donor_id IS NOT OLD.donor_id OR NEW.amount_fen IS NOT OLD.amount_fen
      OR NEW.donated_on IS NOT OLD.donated_on OR NEW.kind IS NOT OLD.kind
      OR NEW.method IS NOT OLD.method OR NEW.fund_id IS NOT OLD.fund_id
      OR NEW.programme_id IS NOT OLD.programme_id OR NEW.recipient_id IS NOT OLD.recipient_id
      OR NEW.purpose IS NOT OLD.purpose OR NEW.station_code IS NOT OLD.station_code)
 AND EXISTS (SELECT 1 FROM receipts r WHERE r.donation_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'donation has a receipt: amount, donor and designation are fixed'); END;
CREATE TRIGGER goods_lines_receipted_insert BEFORE INSERT ON goods_lines
WHEN EXISTS (SELECT 1 FROM receipts r WHERE r.donation_id = NEW.donation_id)
BEGIN SELECT RAISE(ABORT, 'donation has a receipt: goods lines are fixed'); END;
CREATE TRIGGER goods_lines_receipted_update BEFORE UPDATE ON goods_lines
WHEN EXISTS (SELECT 1 FROM receipts r WHERE r.donation_id IN (OLD.donation_id, NEW.donation_id))
BEGIN SELECT RAISE(ABORT, 'donation has a receipt: goods lines are fixed'); END;
CREATE TRIGGER goods_lines_receipted_delete BEFORE DELETE ON goods_lines
WHEN EXISTS (SELECT 1 FROM receipts r WHERE r.donation_id = OLD.donation_id)
BEGIN SELECT RAISE(ABORT, 'donation has a receipt: goods lines are fixed'); END;

-- Donations recorded before receipts existed get numbers now, per station and year of the
-- gift, in date order (then entry order). Voided donations get none. See app/receipts.py.
INSERT INTO receipts(id, donation_id, station_code, year, seq, number, origin, issued_at, issued_by)
SELECT printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
         || lower(hex(randomblob(10))),
       id, station_code, y, n, station_code || '-' || y || '-' || printf('%06d', n), 'migration',
       strftime('%Y-%m-%dT%H:%M:%S', 'now') || '+00:00', 'system'
FROM (SELECT d.id, d.station_code, CAST(substr(d.donated_on, 1, 4) AS INTEGER) AS y,
             row_number() OVER (PARTITION BY d.station_code, substr(d.donated_on, 1, 4)
                                ORDER BY d.donated_on, d.created_at, d.id) AS n
        FROM donations d WHERE d.status = 'active')
ORDER BY station_code, y, n;
INSERT INTO receipt_counters(station_code, year, last_seq)
SELECT station_code, year, max(seq) FROM receipts GROUP BY station_code, year;
"""

V3 = """
-- Aid programmes (救助项目) get their kind, standard amount, period, budget and eligibility
-- rules. `amount_fen` is what one person receives: the cash, or the value of the goods pack
-- (0 when the goods have no established value). List rules are JSON arrays of names.
ALTER TABLE programmes ADD COLUMN kind TEXT NOT NULL DEFAULT 'cash' CHECK (kind IN ('cash', 'goods'));
ALTER TABLE programmes ADD COLUMN amount_fen INTEGER NOT NULL DEFAULT 0 CHECK (amount_fen >= 0);
ALTER TABLE programmes ADD COLUMN goods TEXT NOT NULL DEFAULT '';
ALTER TABLE programmes ADD COLUMN starts_on TEXT;
ALTER TABLE programmes ADD COLUMN ends_on TEXT;
ALTER TABLE programmes ADD COLUMN budget_fen INTEGER CHECK (budget_fen IS NULL OR budget_fen >= 0);
ALTER TABLE programmes ADD COLUMN rule_categories TEXT NOT NULL DEFAULT '[]';
ALTER TABLE programmes ADD COLUMN rule_min_age INTEGER;
ALTER TABLE programmes ADD COLUMN rule_max_age INTEGER;
ALTER TABLE programmes ADD COLUMN rule_villages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE programmes ADD COLUMN rule_active_only INTEGER NOT NULL DEFAULT 1;
ALTER TABLE programmes ADD COLUMN rule_one_per_household INTEGER NOT NULL DEFAULT 0;
ALTER TABLE programmes ADD COLUMN rule_not_aided_since INTEGER;
ALTER TABLE programmes ADD COLUMN rule_not_aided_months INTEGER;
ALTER TABLE programmes ADD COLUMN priority TEXT NOT NULL DEFAULT '[]';
CREATE TRIGGER programmes_no_delete BEFORE DELETE ON programmes
BEGIN SELECT RAISE(ABORT, 'programmes are closed, never deleted'); END;

-- A distribution day (发放批次). A draft holds only the hand-made changes to the rule list;
-- confirming writes the lines and the money that leaves the fund in one transaction.
-- `people` and `total_fen` are the figures as confirmed; reversals show in the lines.
CREATE TABLE distributions (
    id             TEXT PRIMARY KEY,
    programme_id   TEXT NOT NULL REFERENCES programmes(id),
    distributed_on TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed', 'cancelled')),
    origin         TEXT NOT NULL DEFAULT 'desk' CHECK (origin IN ('desk', 'import')),
    fund_id        TEXT REFERENCES funds(id),
    fit_budget     INTEGER NOT NULL DEFAULT 0,
    people         INTEGER NOT NULL DEFAULT 0 CHECK (people >= 0),
    total_fen      INTEGER NOT NULL DEFAULT 0 CHECK (total_fen >= 0),
    note           TEXT NOT NULL DEFAULT '',
    cancel_reason  TEXT NOT NULL DEFAULT '',
    station_code   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id),
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL REFERENCES operators(id),
    confirmed_at   TEXT,
    confirmed_by   TEXT REFERENCES operators(id),
    CHECK ((status = 'confirmed') = (confirmed_at IS NOT NULL))
);
CREATE INDEX distributions_programme ON distributions(programme_id, status, distributed_on);
CREATE INDEX distributions_date ON distributions(distributed_on);
CREATE TRIGGER distributions_no_delete BEFORE DELETE ON distributions
BEGIN SELECT RAISE(ABORT, 'distributions are never deleted'); END;
CREATE TRIGGER distributions_confirmed_fixed BEFORE UPDATE ON distributions
WHEN OLD.status != 'draft' AND (NEW.status IS NOT OLD.status OR NEW.programme_id IS NOT OLD.programme_id
     OR NEW.distributed_on IS NOT OLD.distributed_on OR NEW.fund_id IS NOT OLD.fund_id
     OR NEW.people IS NOT OLD.people OR NEW.total_fen IS NOT OLD.total_fen)
BEGIN SELECT RAISE(ABORT, 'a confirmed or cancelled distribution is fixed'); END;

-- People added to or removed from a draft's rule list by hand, each with a reason.
-- The newest active adjustment per person counts; an undone one is kept as 'withdrawn'.
CREATE TABLE distribution_adjustments (
    id              TEXT PRIMARY KEY,
    distribution_id TEXT NOT NULL REFERENCES distributions(id),
    recipient_id    TEXT NOT NULL REFERENCES recipients(id),
    action          TEXT NOT NULL CHECK (action IN ('add', 'remove')),
    amount_fen      INTEGER CHECK (amount_fen IS NULL OR amount_fen >= 0),
    reason          TEXT NOT NULL CHECK (reason != ''),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES operators(id),
    withdrawn_at    TEXT,
    withdrawn_by    TEXT REFERENCES operators(id)
);
CREATE UNIQUE INDEX distribution_adjustments_one ON distribution_adjustments(distribution_id, recipient_id)
    WHERE status = 'active';
CREATE TRIGGER distribution_adjustments_no_delete BEFORE DELETE ON distribution_adjustments
BEGIN SELECT RAISE(ABORT, 'adjustments are withdrawn, never deleted'); END;

-- One line per person (发放明细). Name, ID number, village and categories are kept as
-- printed on the sign-off sheet. Money-holding statuses: pending, signed, paid, proxy.
CREATE TABLE disbursements (
    id              TEXT PRIMARY KEY,
    distribution_id TEXT NOT NULL REFERENCES distributions(id),
    line_no         INTEGER NOT NULL CHECK (line_no > 0),
    recipient_id    TEXT NOT NULL REFERENCES recipients(id),
    name            TEXT NOT NULL,
    id_number       TEXT NOT NULL DEFAULT '',
    village         TEXT NOT NULL DEFAULT '',
    categories      TEXT NOT NULL DEFAULT '',
    amount_fen      INTEGER NOT NULL CHECK (amount_fen >= 0),
    goods           TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'signed', 'paid', 'proxy', 'not_collected', 'reversed')),
    by_hand         INTEGER NOT NULL DEFAULT 0,
    reason          TEXT NOT NULL DEFAULT '',
    proxy_name      TEXT NOT NULL DEFAULT '',
    proxy_note      TEXT NOT NULL DEFAULT '',
    status_at       TEXT,
    status_by       TEXT REFERENCES operators(id),
    reversal_reason TEXT NOT NULL DEFAULT '',
    reversed_at     TEXT,
    reversed_by     TEXT REFERENCES operators(id),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES operators(id),
    UNIQUE (distribution_id, line_no),
    CHECK (status != 'proxy' OR (proxy_name != '' AND proxy_note != '')),
    CHECK ((status = 'reversed') = (reversed_at IS NOT NULL))
);
CREATE UNIQUE INDEX disbursements_one_live ON disbursements(distribution_id, recipient_id)
    WHERE status != 'reversed';
-- The "not aided since" rule reads every line of one programme's distributions.
CREATE INDEX disbursements_distribution ON disbursements(distribution_id, status, recipient_id, amount_fen);
CREATE INDEX disbursements_recipient ON disbursements(recipient_id, status);
CREATE TRIGGER disbursements_no_delete BEFORE DELETE ON disbursements
BEGIN SELECT RAISE(ABORT, 'disbursement lines are reversed, never deleted'); END;
CREATE TRIGGER disbursements_fixed BEFORE UPDATE ON disbursements
WHEN NEW.id IS NOT OLD.id OR NEW.distribution_id IS NOT OLD.distribution_id
  OR NEW.line_no IS NOT OLD.line_no OR NEW.recipient_id IS NOT OLD.recipient_id
  OR NEW.amount_fen IS NOT OLD.amount_fen OR NEW.goods IS NOT OLD.goods
  OR (OLD.status = 'reversed' AND NEW.status != 'reversed')
BEGIN SELECT RAISE(ABORT, 'a disbursement keeps its person and amount, and a reversal is final'); END;

-- Money out: one row per disbursement line (source 'disbursement'); reversing the line
-- reverses its row, so the fund balance comes back. Never deleted.
CREATE INDEX fund_outflows_source ON fund_outflows(source, source_id);
CREATE TRIGGER fund_outflows_no_delete BEFORE DELETE ON fund_outflows
BEGIN SELECT RAISE(ABORT, 'fund outflows are reversed, never deleted'); END;
CREATE TRIGGER fund_outflows_fixed BEFORE UPDATE ON fund_outflows
WHEN NEW.fund_id IS NOT OLD.fund_id OR NEW.amount_fen IS NOT OLD.amount_fen
  OR NEW.source IS NOT OLD.source OR NEW.source_id IS NOT OLD.source_id
  OR (OLD.status = 'reversed' AND NEW.status != 'reversed')
BEGIN SELECT RAISE(ABORT, 'a fund outflow keeps its amount, and a reversal is final'); END;

-- Money directed to a programme is reserved for it (app/distributions.py).
CREATE INDEX donations_programme ON donations(programme_id, fund_id) WHERE programme_id IS NOT NULL;
"""

V4 = """
-- The register's search (app/recipient_search.py): LIKE '%term%' has to read every row, so it
-- reads this narrow index instead of the table. It also carries the columns the common filters
-- and sorts need (status, village, group, birth date, id for categories and programmes), so a
-- search keystroke over 100,000 people never touches the table.
CREATE INDEX recipients_search ON recipients(search_text, status, village, village_group, birth_date, id);
-- Possible duplicates are flagged by phone before saving.
CREATE INDEX recipients_phone ON recipients(phone) WHERE phone != '';
"""

V5 = """
-- The donation list (app/donation_query.py): filters on date, status, kind, method and fund,
-- the totals of what is shown, and pages in date order all read this narrow index instead of
-- the table, so a filter change over 100,000 donations stays well under 50 ms.
CREATE INDEX donations_list ON donations(donated_on, status, kind, method, fund_id, amount_fen);
"""

V6 = """
-- Row seals (app/seals.py): the hash of each protected record's content at its last change,
-- written by the audit entry of that change, whose chain hash covers the digest in `seal`.
-- `check` recomputes them and names a record changed behind the program's back.
ALTER TABLE audit_log ADD COLUMN seal TEXT;
CREATE TABLE row_seals (
    table_name TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    audit_seq  INTEGER NOT NULL,
    spec       INTEGER NOT NULL,
    row_hash   TEXT NOT NULL,
    PRIMARY KEY (table_name, record_id, audit_seq)
) WITHOUT ROWID;
CREATE TRIGGER row_seals_no_update BEFORE UPDATE ON row_seals
BEGIN SELECT RAISE(ABORT, 'row seals are append-only'); END;
CREATE TRIGGER row_seals_no_delete BEFORE DELETE ON row_seals
BEGIN SELECT RAISE(ABORT, 'row seals are append-only'); END;
-- Every record that exists now is sealed as it is, by one audit entry at the end of this step.
INSERT OR IGNORE INTO temp.seal_touched(table_name, record_id)
SELECT 'donations', id FROM donations UNION ALL SELECT 'goods_lines', id FROM goods_lines
UNION ALL SELECT 'receipts', id FROM receipts UNION ALL SELECT 'disbursements', id FROM disbursements
UNION ALL SELECT 'distributions', id FROM distributions
UNION ALL SELECT 'distribution_adjustments', id FROM distribution_adjustments
UNION ALL SELECT 'fund_outflows', id FROM fund_outflows UNION ALL SELECT 'funds', id FROM funds
UNION ALL SELECT 'recipients', id FROM recipients UNION ALL SELECT 'households', id FROM households
UNION ALL SELECT 'donors', id FROM donors UNION ALL SELECT 'programmes', id FROM programmes
UNION ALL SELECT 'operators', id FROM operators;
"""

V7 = """
-- The fund journal (基金流水): every movement of money or goods value in or out of a fund is one
-- append-only row; a correction is a new reversing row. `amount_fen` is money (signed),
-- `goods_fen` the value of donated goods (signed), never mixed. `reserve` names what the money
-- is kept for: '' free, 'person:<recipient id>', 'programme:<id>', 'village:<name>', or 'fund'
-- (everything in a directed fund). See app/funds/journal.py.
CREATE TABLE fund_journal (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    fund_id     TEXT NOT NULL REFERENCES funds(id),
    on_date     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('opening', 'gift', 'gift_void', 'aid', 'aid_reversal',
                    'payment', 'payment_reversal', 'spending', 'spending_reversal',
                    'transfer_in', 'transfer_out')),
    amount_fen  INTEGER NOT NULL,
    goods_fen   INTEGER NOT NULL DEFAULT 0,
    reserve     TEXT NOT NULL DEFAULT '',
    source      TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    created_at  TEXT NOT NULL
);
CREATE INDEX fund_journal_fund ON fund_journal(fund_id, on_date, seq);
CREATE INDEX fund_journal_source ON fund_journal(source, source_id);
CREATE TRIGGER fund_journal_no_update BEFORE UPDATE ON fund_journal
BEGIN SELECT RAISE(ABORT, 'the fund journal is append-only: write a reversing row'); END;
CREATE TRIGGER fund_journal_no_delete BEFORE DELETE ON fund_journal
BEGIN SELECT RAISE(ABORT, 'the fund journal is append-only: write a reversing row'); END;

-- Each fund's totals, kept by the trigger below in the same transaction as the journal row.
CREATE TABLE fund_totals (
    fund_id      TEXT PRIMARY KEY REFERENCES funds(id),
    received_fen INTEGER NOT NULL DEFAULT 0,
    paid_fen     INTEGER NOT NULL DEFAULT 0,
    transfer_fen INTEGER NOT NULL DEFAULT 0,
    balance_fen  INTEGER NOT NULL DEFAULT 0,
    reserved_fen INTEGER NOT NULL DEFAULT 0,
    goods_fen    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE fund_reserves (
    fund_id     TEXT NOT NULL REFERENCES funds(id),
    reserve     TEXT NOT NULL CHECK (reserve != ''),
    balance_fen INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (fund_id, reserve)
) WITHOUT ROWID;
CREATE TRIGGER funds_have_totals AFTER INSERT ON funds
BEGIN INSERT INTO fund_totals(fund_id) VALUES (NEW.id); END;
CREATE TRIGGER fund_journal_totals AFTER INSERT ON fund_journal
BEGIN
    UPDATE fund_totals SET
        received_fen = received_fen + CASE WHEN NEW.kind IN ('gift', 'gift_void') THEN NEW.amount_fen ELSE 0 END,
        paid_fen = paid_fen - CASE WHEN NEW.kind IN ('aid', 'aid_reversal', 'payment', 'payment_reversal',
                                   'spending', 'spending_reversal') THEN NEW.amount_fen ELSE 0 END,
        transfer_fen = transfer_fen + CASE WHEN NEW.kind IN ('transfer_in', 'transfer_out')
                                      THEN NEW.amount_fen ELSE 0 END,
        balance_fen = balance_fen + NEW.amount_fen,
        reserved_fen = reserved_fen + CASE WHEN NEW.reserve != '' THEN NEW.amount_fen ELSE 0 END,
        goods_fen = goods_fen + NEW.goods_fen
    WHERE fund_id = NEW.fund_id;
    INSERT INTO fund_reserves(fund_id, reserve, balance_fen)
    SELECT NEW.fund_id, NEW.reserve, NEW.amount_fen WHERE NEW.reserve != ''
    ON CONFLICT(fund_id, reserve) DO UPDATE SET balance_fen = balance_fen + excluded.balance_fen;
END;

-- A gift may be given for one village (定向某村); a named fund (冠名基金) may carry its name giver
-- and the dates of its agreement.
ALTER TABLE donations ADD COLUMN village TEXT NOT NULL DEFAULT '';
ALTER TABLE funds ADD COLUMN donor_name TEXT NOT NULL DEFAULT '';
ALTER TABLE funds ADD COLUMN agreement_from TEXT;
ALTER TABLE funds ADD COLUMN agreement_to TEXT;

-- What a gift is kept for, as a journal reserve.
CREATE VIEW donation_reserve AS
SELECT d.id AS donation_id,
       CASE WHEN d.recipient_id IS NOT NULL THEN 'person:' || d.recipient_id
            WHEN d.programme_id IS NOT NULL THEN 'programme:' || d.programme_id
            WHEN d.village != '' THEN 'village:' || d.village
            WHEN f.kind = 'directed' THEN 'fund'
            ELSE '' END AS reserve
FROM donations d JOIN funds f ON f.id = d.fund_id;

-- Gifts in and their voids reach the journal here, so no path that saves a gift (the desk, an
-- import, the demo's bulk insert) can forget it.
CREATE TRIGGER donations_journal_in AFTER INSERT ON donations WHEN NEW.status = 'active'
BEGIN
    INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, goods_fen, reserve, source, source_id,
                             operator_id, created_at)
    SELECT 'gift-' || NEW.id, NEW.fund_id, NEW.donated_on, 'gift',
           CASE WHEN NEW.kind = 'cash' THEN NEW.amount_fen ELSE 0 END,
           CASE WHEN NEW.kind = 'goods' THEN NEW.amount_fen ELSE 0 END,
           CASE WHEN NEW.kind = 'goods' THEN '' ELSE r.reserve END,
           'donation', NEW.id, NEW.created_by, NEW.created_at
    FROM donation_reserve r WHERE r.donation_id = NEW.id;
END;
CREATE TRIGGER donations_journal_void AFTER UPDATE OF status ON donations
WHEN OLD.status = 'active' AND NEW.status = 'voided'
BEGIN
    INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, goods_fen, reserve, source, source_id,
                             operator_id, created_at)
    SELECT 'void-' || j.id, j.fund_id, j.on_date, 'gift_void', -j.amount_fen, -j.goods_fen, j.reserve,
           'donation', NEW.id, COALESCE(NEW.voided_by, NEW.updated_by), COALESCE(NEW.voided_at, NEW.updated_at)
    FROM fund_journal j WHERE j.source = 'donation' AND j.source_id = NEW.id AND j.kind = 'gift';
END;

-- Direct payments to a person (定向拨付), spending (支出) and transfers (调拨): the records behind
-- their journal rows. Reversed, never edited or deleted.
CREATE TABLE fund_payments (
    id           TEXT PRIMARY KEY,
    fund_id      TEXT NOT NULL REFERENCES funds(id),
    recipient_id TEXT NOT NULL REFERENCES recipients(id),
    donation_id  TEXT REFERENCES donations(id),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reversed')),
    reversal_reason TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX fund_payments_gift ON fund_payments(donation_id, status) WHERE donation_id IS NOT NULL;
CREATE INDEX fund_payments_recipient ON fund_payments(recipient_id);
CREATE TABLE fund_spending (
    id           TEXT PRIMARY KEY,
    fund_id      TEXT NOT NULL REFERENCES funds(id),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    spent_on     TEXT NOT NULL,
    payee        TEXT NOT NULL CHECK (payee != ''),
    purpose      TEXT NOT NULL CHECK (purpose != ''),
    voucher      TEXT NOT NULL UNIQUE CHECK (voucher != ''),
    approver     TEXT NOT NULL DEFAULT '',
    scan_path    TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reversed')),
    reversal_reason TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id)
);
CREATE TABLE fund_transfers (
    id           TEXT PRIMARY KEY,
    from_fund_id TEXT NOT NULL REFERENCES funds(id),
    to_fund_id   TEXT NOT NULL REFERENCES funds(id),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    moved_on     TEXT NOT NULL,
    decision_ref TEXT NOT NULL CHECK (decision_ref != ''),
    note         TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id),
    CHECK (from_fund_id != to_fund_id)
);
CREATE TRIGGER fund_payments_no_delete BEFORE DELETE ON fund_payments
BEGIN SELECT RAISE(ABORT, 'payments are reversed, never deleted'); END;
CREATE TRIGGER fund_spending_no_delete BEFORE DELETE ON fund_spending
BEGIN SELECT RAISE(ABORT, 'spending is reversed, never deleted'); END;
CREATE TRIGGER fund_transfers_no_delete BEFORE DELETE ON fund_transfers
BEGIN SELECT RAISE(ABORT, 'transfers are never deleted'); END;

-- Today's history into the journal: each fund's opening balance (before every movement), every
-- gift and void, every aid line and its reversal. Aid from a fund that holds gifts for its
-- programme draws on them, otherwise on free money.
INSERT INTO fund_totals(fund_id) SELECT id FROM funds;
INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, reserve, source, source_id, operator_id,
                         created_at)
SELECT 'open-' || id, id, substr(created_at, 1, 10), 'opening', opening_fen,
       CASE WHEN kind = 'directed' THEN 'fund' ELSE '' END, 'fund', id, created_by, created_at
FROM funds WHERE opening_fen != 0 ORDER BY created_at, id;
INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, goods_fen, reserve, source, source_id,
                         operator_id, created_at)
SELECT 'gift-' || d.id, d.fund_id, d.donated_on, 'gift',
       CASE WHEN d.kind = 'cash' THEN d.amount_fen ELSE 0 END,
       CASE WHEN d.kind = 'goods' THEN d.amount_fen ELSE 0 END,
       CASE WHEN d.kind = 'goods' THEN '' ELSE r.reserve END, 'donation', d.id, d.created_by, d.created_at
FROM donations d JOIN donation_reserve r ON r.donation_id = d.id ORDER BY d.donated_on, d.created_at, d.id;
INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, goods_fen, reserve, source, source_id,
                         operator_id, created_at)
SELECT 'void-' || j.id, j.fund_id, j.on_date, 'gift_void', -j.amount_fen, -j.goods_fen, j.reserve,
       'donation', d.id, COALESCE(d.voided_by, d.updated_by), COALESCE(d.voided_at, d.updated_at)
FROM donations d JOIN fund_journal j ON j.source = 'donation' AND j.source_id = d.id
WHERE d.status = 'voided' ORDER BY d.donated_on, d.id;
INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, goods_fen, reserve, source, source_id,
                         operator_id, created_at)
SELECT 'aid-' || o.id, o.fund_id, o.paid_on, 'aid',
       CASE WHEN p.kind = 'goods' THEN 0 ELSE -o.amount_fen END,
       CASE WHEN p.kind = 'goods' THEN -o.amount_fen ELSE 0 END,
       CASE WHEN p.kind = 'goods' THEN ''
            WHEN EXISTS (SELECT 1 FROM donations g WHERE g.programme_id = p.id AND g.fund_id = o.fund_id
                         AND g.recipient_id IS NULL AND g.kind = 'cash' AND g.status = 'active')
                 THEN 'programme:' || p.id
            WHEN f.kind = 'directed' THEN 'fund' ELSE '' END,
       'disbursement', o.source_id, o.created_by, o.created_at
FROM fund_outflows o JOIN funds f ON f.id = o.fund_id
LEFT JOIN disbursements b ON o.source = 'disbursement' AND b.id = o.source_id
LEFT JOIN distributions x ON x.id = b.distribution_id
LEFT JOIN programmes p ON p.id = x.programme_id
ORDER BY o.paid_on, o.created_at, o.id;
INSERT INTO fund_journal(id, fund_id, on_date, kind, amount_fen, goods_fen, reserve, source, source_id,
                         operator_id, created_at)
SELECT 'rev-' || j.id, j.fund_id, j.on_date, 'aid_reversal', -j.amount_fen, -j.goods_fen, j.reserve,
       j.source, j.source_id, o.created_by, o.created_at
FROM fund_outflows o JOIN fund_journal j ON j.id = 'aid-' || o.id
WHERE o.status = 'reversed' ORDER BY o.paid_on, o.id;

-- The journal's rows are sealed as they are (app/seals.py, spec 7), by one audit entry at the end
-- of this step.
INSERT OR IGNORE INTO temp.seal_touched(table_name, record_id) SELECT 'fund_journal', id FROM fund_journal;
"""

V8 = """
-- Station identity: a generated UUID that never changes, so the township tells stations apart
-- even when two were given the same code. Existing stations get theirs now.
ALTER TABLE station ADD COLUMN station_uid TEXT NOT NULL DEFAULT '';
UPDATE station SET station_uid = lower(substr(hex(randomblob(4)), 1, 8) || '-' || substr(hex(randomblob(2)), 1, 4)
    || '-4' || substr(hex(randomblob(2)), 2, 3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)
    || substr(hex(randomblob(2)), 2, 3) || '-' || hex(randomblob(6)))
 WHERE station_uid = '';
CREATE TRIGGER station_uid_fixed BEFORE UPDATE ON station
WHEN OLD.station_uid != '' AND NEW.station_uid IS NOT OLD.station_uid
BEGIN SELECT RAISE(ABORT, 'a station keeps its identity'); END;

-- Flags from the township's return files (回执): a person of this station found at another
-- station (aided or registered there, or dead or moved as another station knows). Shown on the
-- person card and the candidate list; never blocks aid. A newer return file clears older flags.
CREATE TABLE recipient_flags (
    id            TEXT PRIMARY KEY,
    recipient_id  TEXT NOT NULL REFERENCES recipients(id),
    kind          TEXT NOT NULL CHECK (kind IN ('aided_elsewhere', 'registered_elsewhere', 'deceased', 'moved')),
    other_station TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    return_id     TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'replaced')),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX recipient_flags_person ON recipient_flags(recipient_id, status);
CREATE TRIGGER recipient_flags_no_delete BEFORE DELETE ON recipient_flags
BEGIN SELECT RAISE(ABORT, 'flags are replaced, never deleted'); END;
"""

V9 = """
-- Meal subsidies for the elderly (助餐补贴, app/meals/): canteens, the scheme in dated versions
-- (a changed rate is a new version from its date, never backwards), who eats where, the month's
-- meal counts per person (one row per person and month, the days as 31 counts), and the
-- confirmed statements (结算单) paid from the scheme's fund through the fund journal.
CREATE TABLE meal_canteens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    village      TEXT NOT NULL DEFAULT '',
    contact      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    bank_name    TEXT NOT NULL DEFAULT '',
    bank_account TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id)
);

CREATE TABLE meal_schemes (
    id             TEXT PRIMARY KEY,
    fund_id        TEXT NOT NULL REFERENCES funds(id),
    effective_from TEXT NOT NULL UNIQUE,
    cap_week       INTEGER CHECK (cap_week IS NULL OR cap_week >= 0),
    cap_month      INTEGER CHECK (cap_month IS NULL OR cap_month >= 0),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id)
);

CREATE TABLE meal_scheme_tiers (
    id         TEXT PRIMARY KEY,
    scheme_id  TEXT NOT NULL REFERENCES meal_schemes(id),
    age_from   INTEGER,
    age_to     INTEGER,
    category   TEXT NOT NULL DEFAULT '',
    rate_fen   INTEGER NOT NULL CHECK (rate_fen > 0),
    CHECK ((category = '') = (age_from IS NOT NULL))
);
CREATE INDEX meal_scheme_tiers_scheme ON meal_scheme_tiers(scheme_id);

CREATE TABLE meal_enrolments (
    id            TEXT PRIMARY KEY,
    recipient_id  TEXT NOT NULL REFERENCES recipients(id),
    canteen_id    TEXT NOT NULL REFERENCES meal_canteens(id),
    enrolled_from TEXT NOT NULL,
    closed_on     TEXT,
    closed_reason TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX meal_enrolments_canteen ON meal_enrolments(canteen_id, recipient_id);
CREATE INDEX meal_enrolments_person ON meal_enrolments(recipient_id);

CREATE TABLE meal_months (
    id           TEXT PRIMARY KEY,
    canteen_id   TEXT NOT NULL REFERENCES meal_canteens(id),
    recipient_id TEXT NOT NULL REFERENCES recipients(id),
    month        TEXT NOT NULL,
    days         TEXT NOT NULL,
    meals        INTEGER NOT NULL CHECK (meals >= 0),
    source       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'replaced')),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX meal_months_canteen ON meal_months(canteen_id, month, status);
CREATE INDEX meal_months_person ON meal_months(recipient_id, month, status);

CREATE TABLE meal_statements (
    id              TEXT PRIMARY KEY,
    canteen_id      TEXT NOT NULL REFERENCES meal_canteens(id),
    month           TEXT NOT NULL,
    fund_id         TEXT NOT NULL REFERENCES funds(id),
    people          INTEGER NOT NULL,
    meals           INTEGER NOT NULL,
    total_fen       INTEGER NOT NULL CHECK (total_fen >= 0),
    paid_on         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'reversed')),
    reversal_reason TEXT NOT NULL DEFAULT '',
    replaces_id     TEXT REFERENCES meal_statements(id),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES operators(id)
);
CREATE UNIQUE INDEX meal_statements_paid_once ON meal_statements(canteen_id, month) WHERE status = 'confirmed';

CREATE TABLE meal_statement_lines (
    id            TEXT PRIMARY KEY,
    statement_id  TEXT NOT NULL REFERENCES meal_statements(id),
    line_no       INTEGER NOT NULL,
    recipient_id  TEXT NOT NULL REFERENCES recipients(id),
    tier          TEXT NOT NULL,
    meals         INTEGER NOT NULL,
    unsubsidised  INTEGER NOT NULL,
    rates         TEXT NOT NULL,
    subsidy_fen   INTEGER NOT NULL
);
CREATE INDEX meal_statement_lines_statement ON meal_statement_lines(statement_id, line_no);
CREATE INDEX meal_statement_lines_person ON meal_statement_lines(recipient_id);

CREATE TRIGGER meal_statements_no_delete BEFORE DELETE ON meal_statements
BEGIN SELECT RAISE(ABORT, 'statements are reversed, never deleted'); END;
CREATE TRIGGER meal_statement_lines_no_delete BEFORE DELETE ON meal_statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are kept'); END;
CREATE TRIGGER meal_statement_lines_no_update BEFORE UPDATE ON meal_statement_lines
BEGIN SELECT RAISE(ABORT, 'statement lines are kept as confirmed'); END;
CREATE TRIGGER meal_months_no_delete BEFORE DELETE ON meal_months
BEGIN SELECT RAISE(ABORT, 'meal counts are replaced, never deleted'); END;
CREATE TRIGGER meal_schemes_no_delete BEFORE DELETE ON meal_schemes
BEGIN SELECT RAISE(ABORT, 'a scheme version is kept'); END;
CREATE TRIGGER meal_enrolments_no_delete BEFORE DELETE ON meal_enrolments
BEGIN SELECT RAISE(ABORT, 'enrolments are closed, never deleted'); END;
"""

V10 = """
-- Micro-wishes (微心愿): a child's wish with its value, checked by a home visit, published, claimed
-- by a donor with a contact deadline, fulfilled by a gift directed to the child and paid to the child,
-- or cancelled with a reason. A withdrawn claim stays in wish_claims; the wish goes back to published.
CREATE TABLE wishes (
    id            TEXT PRIMARY KEY,
    recipient_id  TEXT NOT NULL REFERENCES recipients(id),
    wish          TEXT NOT NULL,
    value_fen     INTEGER NOT NULL CHECK (value_fen > 0),
    school        TEXT NOT NULL DEFAULT '',
    story         TEXT NOT NULL DEFAULT '',
    checked_by    TEXT NOT NULL DEFAULT '',
    checked_on    TEXT,
    state         TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'published', 'claimed', 'fulfilled', 'cancelled')),
    published_on  TEXT,
    claim_id      TEXT,
    donation_id   TEXT REFERENCES donations(id),
    payment_id    TEXT,
    fulfilled_on  TEXT,
    feedback      TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id),
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX wishes_state ON wishes(state, published_on);
CREATE INDEX wishes_person ON wishes(recipient_id);
CREATE TABLE wish_claims (
    id             TEXT PRIMARY KEY,
    wish_id        TEXT NOT NULL REFERENCES wishes(id),
    donor_id       TEXT NOT NULL REFERENCES donors(id),
    claimed_on     TEXT NOT NULL,
    contact_by     TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'fulfilled')),
    withdraw_reason TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id),
    closed_at      TEXT,
    closed_by      TEXT
);
CREATE INDEX wish_claims_wish ON wish_claims(wish_id, status);
CREATE TRIGGER wishes_no_delete BEFORE DELETE ON wishes
BEGIN SELECT RAISE(ABORT, 'wishes are cancelled, never deleted'); END;
CREATE TRIGGER wish_claims_no_delete BEFORE DELETE ON wish_claims
BEGIN SELECT RAISE(ABORT, 'claims are withdrawn, never deleted'); END;

-- Pledges and pairings (认捐 / 结对): a donor promises an amount, optionally for one person (and so
-- for that person's household) and by a date. Gifts from that donor for the person or the household
-- count toward it; nothing is copied, the list adds them up.
CREATE TABLE pledges (
    id            TEXT PRIMARY KEY,
    donor_id      TEXT NOT NULL REFERENCES donors(id),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    recipient_id  TEXT REFERENCES recipients(id),
    household_id  TEXT,
    due_on        TEXT,
    note          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id)
);
CREATE INDEX pledges_donor ON pledges(donor_id, status);
CREATE TRIGGER pledges_no_delete BEFORE DELETE ON pledges
BEGIN SELECT RAISE(ABORT, 'pledges are cancelled, never deleted'); END;
"""

V11 = """
-- The goods store (物资库): stock is the sum of movements, never a number overwritten. One row per
-- movement of one item in one unit; `quantity_milli` is signed (in +, out -) in thousandths of the
-- unit, so sums are exact integers. A count (盘点) is a row of its own: the quantity found
-- (`counted_milli`) and the difference it makes (`quantity_milli`), with a reason.
CREATE TABLE goods_movements (
    id             TEXT PRIMARY KEY,
    item           TEXT NOT NULL CHECK (item != ''),
    unit           TEXT NOT NULL DEFAULT '',
    on_date        TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('gift', 'gift_void', 'purchase', 'handout', 'distribution',
                                                 'distribution_return', 'writeoff', 'count')),
    quantity_milli INTEGER NOT NULL,
    counted_milli  INTEGER CHECK (counted_milli IS NULL OR counted_milli >= 0),
    value_fen      INTEGER CHECK (value_fen IS NULL OR value_fen >= 0),
    source         TEXT NOT NULL DEFAULT '',
    source_id      TEXT NOT NULL DEFAULT '',
    recipient_id   TEXT REFERENCES recipients(id),
    recipient_name TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    voucher        TEXT NOT NULL DEFAULT '',
    operator_id    TEXT NOT NULL REFERENCES operators(id),
    created_at     TEXT NOT NULL
);
CREATE INDEX goods_movements_item ON goods_movements(item, unit, on_date, quantity_milli);
CREATE INDEX goods_movements_date ON goods_movements(on_date);
CREATE INDEX goods_movements_source ON goods_movements(source, source_id);
CREATE TRIGGER goods_movements_no_update BEFORE UPDATE ON goods_movements
BEGIN SELECT RAISE(ABORT, 'goods movements are never changed: record a new one'); END;
CREATE TRIGGER goods_movements_no_delete BEFORE DELETE ON goods_movements
BEGIN SELECT RAISE(ABORT, 'goods movements are never deleted'); END;

-- Goods lines of gifts come into the store as they are saved, and go out again when the gift is
-- voided, here, so no path that saves a gift (the desk, an import, the demo) can forget them.
-- A line's quantity is decimal text: whole part and up to three decimals become thousandths.
CREATE TRIGGER goods_lines_store_in AFTER INSERT ON goods_lines
BEGIN
    INSERT INTO goods_movements(id, item, unit, on_date, kind, quantity_milli, value_fen, source, source_id,
                                operator_id, created_at)
    SELECT 'gl-' || NEW.id, trim(NEW.item), trim(NEW.unit), d.donated_on, 'gift',
           CASE WHEN instr(NEW.quantity, '.') = 0 THEN CAST(NEW.quantity AS INTEGER) * 1000
                ELSE CAST(substr(NEW.quantity, 1, instr(NEW.quantity, '.') - 1) AS INTEGER) * 1000
                     + CAST(substr(substr(NEW.quantity, instr(NEW.quantity, '.') + 1) || '000', 1, 3) AS INTEGER)
           END,
           NEW.value_fen, 'goods_line', NEW.id, d.created_by, d.created_at
    FROM donations d WHERE d.id = NEW.donation_id AND d.status = 'active';
END;
CREATE TRIGGER donations_store_void AFTER UPDATE OF status ON donations
WHEN OLD.status = 'active' AND NEW.status = 'voided'
BEGIN
    INSERT INTO goods_movements(id, item, unit, on_date, kind, quantity_milli, value_fen, source, source_id,
                                reason, operator_id, created_at)
    SELECT 'void-' || m.id, m.item, m.unit, substr(COALESCE(NEW.voided_at, NEW.updated_at), 1, 10), 'gift_void',
           -m.quantity_milli, m.value_fen, 'goods_line', m.source_id, NEW.void_reason,
           COALESCE(NEW.voided_by, NEW.updated_by), COALESCE(NEW.voided_at, NEW.updated_at)
    FROM goods_lines g JOIN goods_movements m ON m.source = 'goods_line' AND m.source_id = g.id AND m.kind = 'gift'
    WHERE g.donation_id = NEW.id;
END;

-- The goods lines of past gifts become goods-in movements now (and out again for voided gifts).
INSERT INTO goods_movements(id, item, unit, on_date, kind, quantity_milli, value_fen, source, source_id,
                            operator_id, created_at)
SELECT 'gl-' || g.id, trim(g.item), trim(g.unit), d.donated_on, 'gift',
       CASE WHEN instr(g.quantity, '.') = 0 THEN CAST(g.quantity AS INTEGER) * 1000
            ELSE CAST(substr(g.quantity, 1, instr(g.quantity, '.') - 1) AS INTEGER) * 1000
                 + CAST(substr(substr(g.quantity, instr(g.quantity, '.') + 1) || '000', 1, 3) AS INTEGER)
       END,
       g.value_fen, 'goods_line', g.id, d.created_by, d.created_at
FROM goods_lines g JOIN donations d ON d.id = g.donation_id WHERE trim(g.item) != ''
ORDER BY d.donated_on, g.id;
INSERT INTO goods_movements(id, item, unit, on_date, kind, quantity_milli, value_fen, source, source_id,
                            reason, operator_id, created_at)
SELECT 'void-' || m.id, m.item, m.unit, substr(COALESCE(d.voided_at, d.updated_at), 1, 10), 'gift_void',
       -m.quantity_milli, m.value_fen, 'goods_line', m.source_id, d.void_reason,
       COALESCE(d.voided_by, d.updated_by), COALESCE(d.voided_at, d.updated_at)
FROM goods_movements m JOIN goods_lines g ON g.id = m.source_id JOIN donations d ON d.id = g.donation_id
WHERE m.kind = 'gift' AND d.status = 'voided';

-- The movements are sealed as they are (app/seals.py, spec 11) by one audit entry at the end of this step.
INSERT OR IGNORE INTO temp.seal_touched(table_name, record_id) SELECT 'goods_movements', id FROM goods_movements;
"""

#: (version, description, SQL). Append only.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "foundation: station, operators, audit log, funds, donors, donations, recipients", V1),
    (2, "receipts: numbered per station and year, voids, reprints, official numbers", V2),
    (3, "programmes: eligibility rules, distributions, disbursement lines, money out", V3),
    (4, "register search: a covering index for search as you type, phone index for duplicates", V4),
    (5, "donation list: a covering index for filters, totals and date order", V5),
    (6, "row seals: each protected record tied to the audit chain by the hash of its content", V6),
    (7, "fund journal: every movement of money, kept totals, reserves, payments, spending, transfers", V7),
    (8, "township: a station identity that never changes, flags from the township's return files", V8),
    (9, "meal subsidies: canteens, the scheme by date, enrolments, monthly meal counts, statements", V9),
    (10, "micro-wishes and their claims, pledges and pairings", V10),
    (11, "goods store: stock as movements in and out, counts; past goods lines come in", V11),
]
