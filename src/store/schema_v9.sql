-- Version 9: 等次, 一票否决, streaks. Everything here is off for an older database (no
-- bands, no vetoes, no streaks, no 流动红旗), so its boards read exactly as before.

-- What a veto does to a unit's place: 'last' (after every unit without one) or 'no_top'.
ALTER TABLE competition ADD COLUMN veto_rule TEXT NOT NULL DEFAULT 'last'
    CHECK (veto_rule IN ('last', 'no_top'));
-- Streaks are stated from this many published periods on (0: never).
ALTER TABLE competition ADD COLUMN streak_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE competition ADD COLUMN red_flag INTEGER NOT NULL DEFAULT 0;

-- 逾期报送扣分: points deducted per indicator a unit's value arrived for after the deadline
-- (1/10000; 0: lateness is only marked).
ALTER TABLE competition ADD COLUMN late_penalty INTEGER NOT NULL DEFAULT 0;

-- 报送截止: a period's deadline (indicator_id 0) and an indicator's own where the rules differ.
-- A value arrived late when the first batch that wrote it came after its deadline.
CREATE TABLE report_deadline (
    period_id    INTEGER NOT NULL REFERENCES period(id),
    indicator_id INTEGER NOT NULL DEFAULT 0,
    due_at       TEXT NOT NULL,
    set_by       TEXT NOT NULL,
    set_at       TEXT NOT NULL,
    PRIMARY KEY (period_id, indicator_id)
);

-- 明细清单: the items an indicator scores from a list rather than one value per cell — 加分
-- items (category, achievement, level) and 扣分制 events by kind (category = kind, count).
-- A new list for a period and indicator replaces the old one, whose rows are kept with the
-- batch that replaced them.
CREATE TABLE score_detail (
    id           INTEGER PRIMARY KEY,
    period_id    INTEGER NOT NULL REFERENCES period(id),
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    category     TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    level        TEXT NOT NULL DEFAULT '',
    count        INTEGER NOT NULL DEFAULT 10000,   -- 1/10000, like scores
    batch_id     INTEGER NOT NULL REFERENCES import_batch(id),
    replaced_by  INTEGER REFERENCES import_batch(id)
);
CREATE INDEX score_detail_current ON score_detail(period_id, indicator_id) WHERE replaced_by IS NULL;

-- 等次 bands, top first; the last has no lower bound. A scheme per year (issue 19) gives
-- each year its own rows.
CREATE TABLE grade (
    position      INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    min_points    INTEGER,                     -- 1/10000; NULL on the last band only
    quota_percent INTEGER CHECK (quota_percent BETWEEN 1 AND 100)
);

-- 一票否决 per unit and period, with its reason. A veto is never deleted: lifting it stamps
-- `lifted_at` (and who and why), so the record of every veto stays.
CREATE TABLE veto (
    id          INTEGER PRIMARY KEY,
    period_id   INTEGER NOT NULL REFERENCES period(id),
    unit_id     INTEGER NOT NULL REFERENCES unit(id),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    lifted_at   TEXT,
    lifted_by   TEXT,
    lift_reason TEXT
);
CREATE UNIQUE INDEX veto_current ON veto(period_id, unit_id) WHERE lifted_at IS NULL;

-- A posted board keeps each unit's 等次 (JSON: level, name, the quota that decided it), veto
-- reason and streaks with the 流动红旗 (JSON) as published.
ALTER TABLE board_snapshot_row ADD COLUMN grade TEXT;
ALTER TABLE board_snapshot_row ADD COLUMN veto TEXT;
ALTER TABLE board_snapshot_row ADD COLUMN streaks TEXT;
-- And the rule of each computed indicator (method, numbers, decimals) it was computed with
-- (JSON; NULL on a board posted before this version).
ALTER TABLE board_snapshot ADD COLUMN scoring TEXT;
