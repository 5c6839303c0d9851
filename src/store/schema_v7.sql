-- Version 7: every stored time in UTC (`2023-10-15T01:00:00Z`), shown in the competition's
-- time zone. The times written before were the server's wall-clock strings
-- (`2023-10-15 09:00:00`); they are read as the office's wall-clock time, the one the pages
-- showed, and rewritten in UTC by the migration's hook (`store::utc`), so that every page
-- reads as before. The audit log's triggers refuse any change, so they are lifted for the
-- rewrite and set again by the hook, in the same transaction.
DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
