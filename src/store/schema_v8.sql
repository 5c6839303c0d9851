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
