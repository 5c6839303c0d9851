-- Version 5: staff in the browser — accounts, sessions, the audit log, uploads awaiting
-- confirmation, scheduled publishing.

-- Who may log in. `role`: admin (管理员), staff (考评办), provider (报送单位, with the name of
-- the provider whose indicators it may upload). Passwords are argon2 PHC strings.
CREATE TABLE account (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'staff', 'provider')),
    provider            TEXT,
    password_hash       TEXT NOT NULL,
    disabled            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    CHECK ((role = 'provider') = (provider IS NOT NULL))
);

-- A logged-in browser. Only the SHA-256 of the cookie's token is stored, so a copy of the
-- database does not log anybody in. Times are Unix seconds.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account(id),
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);

-- Append-only: the application inserts and never changes or removes an entry, and the
-- triggers refuse it to anybody who tries.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    period  TEXT,
    detail  TEXT NOT NULL,
    address TEXT
);
CREATE INDEX audit_log_actor ON audit_log(actor);
CREATE INDEX audit_log_action ON audit_log(action);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- A file uploaded in the browser and previewed, awaiting confirmation. The bytes are kept so
-- that confirm applies exactly the file that was previewed; `data_version` is the version the
-- preview was computed against (confirm refuses if anything changed since).
CREATE TABLE upload (
    id           INTEGER PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL DEFAULT 'scores' CHECK (kind IN ('scores', 'honors')),
    account_id   INTEGER NOT NULL REFERENCES account(id),
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    period       TEXT,
    correction   TEXT,
    data_version INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    batch_id     INTEGER REFERENCES import_batch(id)
);

-- 揭榜 at a set time, done by the server even if nobody is logged in.
CREATE TABLE scheduled_publish (
    id         INTEGER PRIMARY KEY,
    period_id  INTEGER NOT NULL REFERENCES period(id),
    at         INTEGER NOT NULL,
    by_account TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'done', 'cancelled', 'failed')),
    outcome    TEXT
);
CREATE UNIQUE INDEX scheduled_publish_pending ON scheduled_publish(period_id) WHERE state = 'pending';

-- Which provider (报送单位) reports an indicator, e.g. 区统计局.
ALTER TABLE indicator ADD COLUMN provider TEXT;

-- A rolled-back import batch: the batch that undid it (its replaced values are kept in the
-- history tables under that batch), who, when and why. A batch is rolled back at most once.
CREATE TABLE batch_rollback (
    batch_id    INTEGER PRIMARY KEY REFERENCES import_batch(id),
    rollback_id INTEGER NOT NULL REFERENCES import_batch(id),
    reason      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- A screen's own token: when set, /lobby/{name} shows only with it (`?token=…` once, then a
-- cookie), so one screen's address does not open another's.
ALTER TABLE playlist ADD COLUMN token TEXT;
