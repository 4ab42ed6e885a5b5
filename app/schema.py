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

#: (version, description, SQL). Append only.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "foundation: station, operators, audit log, funds, donors, donations, recipients", V1),
    (2, "receipts: numbered per station and year, voids, reprints, official numbers", V2),
]
