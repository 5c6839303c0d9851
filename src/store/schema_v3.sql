-- Version 3: published boards, frozen at 揭榜.
-- A published board is read from here, never re-ranked on view: the ranks that were posted
-- stay the ranks shown. A correction of a published period (import --correct-published) writes
-- a new snapshot and marks the old one superseded; the old one is kept, so every change to a
-- posted result is on record and shown on the board.
CREATE TABLE board_snapshot (
    id            INTEGER PRIMARY KEY,
    period_id     INTEGER NOT NULL REFERENCES period(id),
    group_id      INTEGER NOT NULL REFERENCES ranking_group(id),
    view          TEXT NOT NULL CHECK (view IN ('quarter', 'cumulative')),
    compared_with TEXT,                        -- the period movement is measured against
    indicator_ids TEXT NOT NULL,               -- column order of the packed points, comma-separated
    rules_text    TEXT NOT NULL,               -- the rule line as posted
    reason        TEXT NOT NULL,               -- 揭榜, or the correction that replaced a snapshot
    batch_id      INTEGER REFERENCES import_batch(id),  -- the correcting import, if any
    created_at    TEXT NOT NULL,
    superseded_at TEXT                          -- set when a correction replaced it
);
-- At most one current snapshot per board.
CREATE UNIQUE INDEX board_snapshot_current
    ON board_snapshot(period_id, group_id, view) WHERE superseded_at IS NULL;

-- One row per unit, in board order. `points` packs the indicator points as little-endian i64
-- in 1/10000 (i64::MIN = missing); `indicator_ranks` packs u32 ranks (0 = missing).
CREATE TABLE board_snapshot_row (
    snapshot_id     INTEGER NOT NULL REFERENCES board_snapshot(id),
    position        INTEGER NOT NULL,
    unit_id         INTEGER NOT NULL REFERENCES unit(id),
    unit_name       TEXT NOT NULL,
    rank            INTEGER,
    tied            INTEGER NOT NULL,
    equal_total     INTEGER NOT NULL,
    decided_by      TEXT NOT NULL,              -- tie-break indicator positions, comma-separated
    total           INTEGER NOT NULL,
    subtotal        INTEGER NOT NULL,
    bonus           INTEGER NOT NULL,
    penalty         INTEGER NOT NULL,
    change_kind     TEXT NOT NULL,
    change_places   INTEGER NOT NULL,
    previous_rank   INTEGER,
    tier            TEXT NOT NULL,
    missing         TEXT NOT NULL,              -- missing indicator positions, comma-separated
    points          BLOB NOT NULL,
    indicator_ranks BLOB NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) WITHOUT ROWID;
