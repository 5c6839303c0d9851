-- Schema v10: a scheme (考核方案) per year. Each `competition` row is one year's scheme — its
-- groups, indicators, tie-breaks, tiers, 等次 and rules — in force from its `year` until the
-- next row's year (the earliest row also covers any earlier year). Periods, playlists and the
-- lobby belong to the first row, the competition itself. A unit keeps one id across years;
-- `unit_scheme` says, per scheme, which group it ranks in and by which name.

CREATE TABLE grade_v10 (
    competition_id INTEGER NOT NULL REFERENCES competition(id),
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    min_points     INTEGER,                     -- 1/10000; NULL on the last band only
    quota_percent  INTEGER CHECK (quota_percent BETWEEN 1 AND 100),
    PRIMARY KEY (competition_id, position),
    UNIQUE (competition_id, name)
);
INSERT INTO grade_v10 (competition_id, position, name, min_points, quota_percent)
    SELECT (SELECT MIN(id) FROM competition), position, name, min_points, quota_percent
    FROM grade WHERE EXISTS (SELECT 1 FROM competition);
DROP TABLE grade;
ALTER TABLE grade_v10 RENAME TO grade;

CREATE TABLE unit_scheme (
    competition_id INTEGER NOT NULL REFERENCES competition(id),
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    group_id       INTEGER NOT NULL REFERENCES ranking_group(id),
    name           TEXT NOT NULL,
    short_name     TEXT,
    display_order  INTEGER NOT NULL,
    PRIMARY KEY (competition_id, unit_id),
    UNIQUE (competition_id, name)
) WITHOUT ROWID;
INSERT INTO unit_scheme (competition_id, unit_id, group_id, name, short_name, display_order)
    SELECT g.competition_id, u.id, u.group_id, u.name, u.short_name, u.display_order
    FROM unit u JOIN ranking_group g ON g.id = u.group_id;
CREATE INDEX unit_scheme_group ON unit_scheme(group_id);

-- Where a unit came from when it did not simply continue: merged from several, or split off
-- one. A renamed unit keeps its id and needs no row here.
CREATE TABLE unit_origin (
    unit_id        INTEGER NOT NULL REFERENCES unit(id),
    from_unit      INTEGER NOT NULL REFERENCES unit(id),
    kind           TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    competition_id INTEGER NOT NULL REFERENCES competition(id),
    PRIMARY KEY (unit_id, from_unit)
) WITHOUT ROWID;
