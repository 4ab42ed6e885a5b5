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

#: (version, description, SQL). Append only.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "foundation: station, operators, audit log, funds, donors, donations, recipients", V1),
]
