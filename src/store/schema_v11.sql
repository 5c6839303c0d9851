-- Schema v11: the year's result (年度综合考评) is a period of its own, quarter 5 (`2023Y`),
-- ranked from the year's posted quarters and the annual components (indicators marked
-- `annual`), published through 公示 with 申诉 recorded. Migrations run with foreign keys off
-- (checked after), so `period` can be rebuilt with its wider CHECK.

CREATE TABLE period_v11 (
    id             INTEGER PRIMARY KEY,
    competition_id INTEGER NOT NULL REFERENCES competition(id),
    year           INTEGER NOT NULL,
    quarter        INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 5),   -- 5: the year's result
    status         TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at   TEXT,
    UNIQUE (competition_id, year, quarter)
);
INSERT INTO period_v11 (id, competition_id, year, quarter, status, published_at)
    SELECT id, competition_id, year, quarter, status, published_at FROM period;
DROP TABLE period;
ALTER TABLE period_v11 RENAME TO period;

-- An indicator of the year's result only (a 评议 score), never of a quarter.
ALTER TABLE indicator ADD COLUMN annual INTEGER NOT NULL DEFAULT 0;
-- The scheme's rules for the year's result (JSON), or NULL: the scheme has none.
ALTER TABLE competition ADD COLUMN annual TEXT;

-- 公示 of a published result: until when objections are taken, and when it became final.
CREATE TABLE publicity (
    period_id  INTEGER PRIMARY KEY REFERENCES period(id),
    until      TEXT NOT NULL,
    final_at   TEXT,
    final_by   TEXT
);

-- 申诉 a unit lodged during 公示, recorded by staff, with the answer after 复核.
CREATE TABLE appeal (
    id           INTEGER PRIMARY KEY,
    period_id    INTEGER NOT NULL REFERENCES period(id),
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    text         TEXT NOT NULL CHECK (length(trim(text)) > 0),
    received_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    answer       TEXT,
    upheld       INTEGER,
    answered_at  TEXT,
    answered_by  TEXT
);
