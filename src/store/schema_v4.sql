-- Version 4: exact totals and explicit ranking rules.
-- Totals (and subtotals) on frozen boards are now stored in 1/10^8 of a point, so a weighted
-- total keeps every digit of points × weight; the boards posted before keep their values.
UPDATE board_snapshot_row SET total = total * 10000, subtotal = subtotal * 10000;
-- Year to date: the quarters in which a unit was not ranked, comma-separated.
ALTER TABLE board_snapshot_row ADD COLUMN missing_quarters TEXT NOT NULL DEFAULT '';
-- A competition may round totals to N decimals before ranking (保留两位小数); NULL: exact.
ALTER TABLE competition ADD COLUMN total_decimals INTEGER
    CHECK (total_decimals IS NULL OR total_decimals BETWEEN 0 AND 4);
-- Ties at a 红榜/黑榜 cut, and whether a unit in the top half is spared the 黑榜. Groups of
-- databases from before keep the rule they were published under (all in, no top-half rule);
-- `init` writes the configured values, whose defaults are all in and spared.
ALTER TABLE ranking_group ADD COLUMN cut_ties TEXT NOT NULL DEFAULT 'all-in'
    CHECK (cut_ties IN ('all-in', 'all-out'));
ALTER TABLE ranking_group ADD COLUMN black_spares_top_half INTEGER NOT NULL DEFAULT 0;
