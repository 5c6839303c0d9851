-- shaibang schema, version 1. Points are stored as integers in 1/10000 of a point.
CREATE TABLE competition (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    year          INTEGER NOT NULL,
    is_demo       INTEGER NOT NULL DEFAULT 0,
    missing_policy TEXT NOT NULL DEFAULT 'zero' CHECK (missing_policy IN ('zero', 'exclude')),
    created_at    TEXT NOT NULL
);

CREATE TABLE ranking_group (
    id             INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competition(id),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('区', '街道', '部门')),
    red_count      INTEGER NOT NULL DEFAULT 0 CHECK (red_count >= 0),
    black_count    INTEGER NOT NULL DEFAULT 0 CHECK (black_count >= 0),
    display_order  INTEGER NOT NULL,
    UNIQUE (competition_id, name)
);

CREATE TABLE unit (
    id            INTEGER PRIMARY KEY,
    group_id      INTEGER NOT NULL REFERENCES ranking_group(id),
    name          TEXT NOT NULL UNIQUE,
    short_name    TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('区', '街道', '部门')),
    display_order INTEGER NOT NULL
);
CREATE INDEX unit_group ON unit(group_id);

CREATE TABLE unit_alias (
    unit_id INTEGER NOT NULL REFERENCES unit(id),
    alias   TEXT NOT NULL,
    PRIMARY KEY (unit_id, alias)
);

CREATE TABLE indicator (
    id             INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competition(id),
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    max_points     INTEGER NOT NULL CHECK (max_points > 0),
    weight         INTEGER,            -- NULL means 1
    direction      TEXT NOT NULL DEFAULT 'higher' CHECK (direction IN ('higher', 'lower')),
    display_order  INTEGER NOT NULL,
    -- Names may repeat across groups (营商环境 for streets and for departments); codes may not.
    UNIQUE (competition_id, code)
);

CREATE TABLE indicator_group (
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    group_id     INTEGER NOT NULL REFERENCES ranking_group(id),
    PRIMARY KEY (indicator_id, group_id)
) WITHOUT ROWID;

-- Tie-break chain per group: indicators compared in `position` order when totals are equal.
CREATE TABLE group_tie_break (
    group_id     INTEGER NOT NULL REFERENCES ranking_group(id),
    position     INTEGER NOT NULL,
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    PRIMARY KEY (group_id, position)
) WITHOUT ROWID;

CREATE TABLE period (
    id             INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competition(id),
    year           INTEGER NOT NULL,
    quarter        INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at   TEXT,
    UNIQUE (competition_id, year, quarter)
);

CREATE TABLE import_batch (
    id          INTEGER PRIMARY KEY,
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    layout      TEXT NOT NULL,
    row_count   INTEGER NOT NULL,
    value_count INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX import_batch_sha ON import_batch(sha256);

CREATE TABLE score (
    period_id    INTEGER NOT NULL REFERENCES period(id),
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    points       INTEGER NOT NULL,
    note         TEXT,
    batch_id     INTEGER NOT NULL REFERENCES import_batch(id),
    PRIMARY KEY (period_id, unit_id, indicator_id)
) WITHOUT ROWID;

CREATE TABLE adjustment (
    period_id  INTEGER NOT NULL REFERENCES period(id),
    unit_id    INTEGER NOT NULL REFERENCES unit(id),
    kind       TEXT NOT NULL CHECK (kind IN ('bonus', 'penalty')),
    points     INTEGER NOT NULL CHECK (points >= 0),
    reason     TEXT,
    batch_id   INTEGER NOT NULL REFERENCES import_batch(id),
    PRIMARY KEY (period_id, unit_id, kind)
) WITHOUT ROWID;

-- The 备注 column of a wide file: one remark per unit and period.
CREATE TABLE remark (
    period_id INTEGER NOT NULL REFERENCES period(id),
    unit_id   INTEGER NOT NULL REFERENCES unit(id),
    text      TEXT NOT NULL,
    batch_id  INTEGER NOT NULL REFERENCES import_batch(id),
    PRIMARY KEY (period_id, unit_id)
) WITHOUT ROWID;

-- Every value an import replaced or cleared, kept with the batch that replaced it:
-- nothing is ever lost, and each earlier version can be shown or restored.
CREATE TABLE score_history (
    period_id        INTEGER NOT NULL,
    unit_id          INTEGER NOT NULL,
    indicator_id     INTEGER NOT NULL,
    points           INTEGER NOT NULL,
    note             TEXT,
    batch_id         INTEGER NOT NULL,
    replaced_by      INTEGER NOT NULL REFERENCES import_batch(id)
);
CREATE INDEX score_history_key ON score_history(period_id, unit_id);

CREATE TABLE adjustment_history (
    period_id   INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    points      INTEGER NOT NULL,
    reason      TEXT,
    batch_id    INTEGER NOT NULL,
    replaced_by INTEGER NOT NULL REFERENCES import_batch(id)
);

CREATE TABLE remark_history (
    period_id   INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL,
    text        TEXT NOT NULL,
    batch_id    INTEGER NOT NULL,
    replaced_by INTEGER NOT NULL REFERENCES import_batch(id)
);

-- Bumped on every change to scores or period status; caches key on it.
CREATE TABLE data_version (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    changed_at INTEGER NOT NULL         -- unix seconds of the last change
);
INSERT INTO data_version (id, version, changed_at) VALUES (1, 1, CAST(strftime('%s', 'now') AS INTEGER));
