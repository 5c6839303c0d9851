-- Version 8: scoring rules. An indicator's raw values become points by its method (`direct`,
-- the default, keeps every earlier competition as it was: the value is the points). The
-- method's numbers are kept as the competition file wrote them (JSON), a group's own numbers
-- where they differ; targets per unit, indicator and year (quarter 0: the annual target).
-- A scheme per year (issue 19) keeps these on its own indicator rows.
ALTER TABLE indicator ADD COLUMN measure TEXT;
ALTER TABLE indicator ADD COLUMN method TEXT NOT NULL DEFAULT 'direct';
ALTER TABLE indicator ADD COLUMN method_params TEXT NOT NULL DEFAULT '{}';
ALTER TABLE indicator ADD COLUMN decimals INTEGER NOT NULL DEFAULT 2 CHECK (decimals BETWEEN 0 AND 4);
ALTER TABLE indicator ADD COLUMN cumulative INTEGER NOT NULL DEFAULT 0;

-- 序时进度: a unit behind the year's time progress by less than this many percentage points
-- (in 1/10000) is 黄 (warn), by more 红.
ALTER TABLE competition ADD COLUMN progress_yellow INTEGER NOT NULL DEFAULT 50000;

CREATE TABLE indicator_group_params (
    indicator_id  INTEGER NOT NULL REFERENCES indicator(id),
    group_id      INTEGER NOT NULL REFERENCES ranking_group(id),
    method_params TEXT NOT NULL,
    PRIMARY KEY (indicator_id, group_id)
);

CREATE TABLE target (
    year         INTEGER NOT NULL,
    quarter      INTEGER NOT NULL CHECK (quarter BETWEEN 0 AND 4),
    unit_id      INTEGER NOT NULL REFERENCES unit(id),
    indicator_id INTEGER NOT NULL REFERENCES indicator(id),
    value        INTEGER NOT NULL,              -- 1/10000 of the measure, like scores
    batch_id     INTEGER REFERENCES import_batch(id),
    PRIMARY KEY (year, quarter, unit_id, indicator_id)
);

-- Uploads in the browser may be targets files too: the table is rebuilt to widen its check.
CREATE TABLE upload_v8 (
    id           INTEGER PRIMARY KEY,
    token        TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL DEFAULT 'scores' CHECK (kind IN ('scores', 'honors', 'targets')),
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
INSERT INTO upload_v8 (id, token, kind, account_id, file_name, sha256, bytes, period, correction,
                       data_version, created_at, batch_id)
    SELECT id, token, kind, account_id, file_name, sha256, bytes, period, correction,
           data_version, created_at, batch_id FROM upload;
DROP TABLE upload;
ALTER TABLE upload_v8 RENAME TO upload;
