//! Schema v7's rewrite of stored times into UTC (a migration hook: it runs inside the
//! migration's transaction, after `schema_v7.sql` lifted the audit log's triggers).

use crate::domain::{Stamp, Zone};
use rusqlite::{OptionalExtension, Transaction};
use rusqlite_migration::{HookError, HookResult};

/// Every column that holds a time as text: (table, column).
const TIME_COLUMNS: &[(&str, &str)] = &[
    ("competition", "created_at"),
    ("period", "published_at"),
    ("import_batch", "created_at"),
    ("batch_rollback", "created_at"),
    ("board_snapshot", "created_at"),
    ("board_snapshot", "superseded_at"),
    ("audit_log", "at"),
    ("playlist", "updated_at"),
    ("account", "created_at"),
    ("account", "password_changed_at"),
    ("scheduled_publish", "created_at"),
];

/// Rewrites every stored wall-clock time as UTC, read in the competition's time zone (Beijing
/// time when there is no competition yet), and sets the audit log's triggers again.
pub(super) fn to_utc(tx: &Transaction<'_>) -> HookResult {
    let zone: Zone = tx
        .query_row("SELECT time_zone FROM competition LIMIT 1", [], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
        .and_then(|z| z.parse().ok())
        .unwrap_or_default();
    for (table, column) in TIME_COLUMNS {
        let rows: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL"
            ))?;
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let mut update = tx.prepare(&format!(
            "UPDATE {table} SET {column} = ?2 WHERE rowid = ?1"
        ))?;
        for (rowid, text) in rows {
            let at = match (zone.wall_clock(&text), Stamp::parse_utc(&text)) {
                (Some(at), _) => at,
                (None, Some(_)) => continue,
                (None, None) => {
                    return Err(HookError::Hook(format!(
                        "{table}.{column} 第{rowid}行的时间「{text}」无法识别，数据库未升级"
                    )));
                }
            };
            update.execute(rusqlite::params![rowid, at])?;
        }
    }
    tx.execute_batch(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
         CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
    )?;
    Ok(())
}
