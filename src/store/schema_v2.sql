-- Version 2: honors (实干先锋) and lobby playlists.
CREATE TABLE honor (
    id        INTEGER PRIMARY KEY,
    period_id INTEGER NOT NULL REFERENCES period(id),
    name      TEXT NOT NULL,
    unit_id   INTEGER REFERENCES unit(id),   -- set when the unit is a competing unit
    unit_text TEXT NOT NULL,                 -- the unit as written (may be a school, a 社区 …)
    title     TEXT NOT NULL,
    citation  TEXT NOT NULL,
    position  INTEGER NOT NULL,
    batch_id  INTEGER NOT NULL REFERENCES import_batch(id)
);
CREATE INDEX honor_period ON honor(period_id, position);
CREATE INDEX honor_unit ON honor(unit_id);

-- Honors replaced by a later import of the same period: nothing is lost.
CREATE TABLE honor_history (
    period_id   INTEGER NOT NULL,
    name        TEXT NOT NULL,
    unit_id     INTEGER,
    unit_text   TEXT NOT NULL,
    title       TEXT NOT NULL,
    citation    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    batch_id    INTEGER NOT NULL,
    replaced_by INTEGER NOT NULL REFERENCES import_batch(id)
);

-- A named playlist: a screen's URL (/lobby/{name}) never changes when its content does.
CREATE TABLE playlist (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    title   TEXT,
    theme   TEXT NOT NULL DEFAULT 'red' CHECK (theme IN ('red', 'dark')),
    seconds INTEGER NOT NULL DEFAULT 15 CHECK (seconds BETWEEN 1 AND 3600),
    slides  TEXT NOT NULL,                -- e.g. "board:1,tiers,movers@10,chart,honors"
    updated_at TEXT NOT NULL
);
