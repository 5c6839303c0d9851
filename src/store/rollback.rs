//! Rolling back an import batch: every value it wrote is moved to history (under a new batch
//! that records the rollback) and every value it replaced or cleared is put back, exactly.
//! Refused when a later batch has since replaced one of its values (undoing it would silently
//! undo that one too).

use super::{Refusal, Result};
use crate::domain::PeriodId;
use rusqlite::{Connection, OptionalExtension};

/// An import batch, for the list a rollback is chosen from.
#[derive(Debug, Clone)]
pub struct BatchRow {
    pub id: i64,
    pub file_name: String,
    pub actor: String,
    pub created_at: crate::domain::Stamp,
    pub value_count: i64,
    pub layout: String,
    /// Set when it was rolled back: by which batch, and why.
    pub rolled_back: Option<(i64, String)>,
    /// The periods it wrote or replaced, as `2023Q3、2023Q4`.
    pub periods: String,
}

/// One batch, if it exists.
pub fn batch(conn: &Connection, id: i64) -> Result<Option<BatchRow>> {
    Ok(batches_where(conn, "WHERE b.id = ?1", id, 1)?
        .into_iter()
        .next())
}

/// The latest import batches, newest first.
pub fn batches(conn: &Connection, limit: usize) -> Result<Vec<BatchRow>> {
    batches_where(conn, "WHERE ?1 = ?1", 0, limit)
}

fn batches_where(conn: &Connection, filter: &str, arg: i64, limit: usize) -> Result<Vec<BatchRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT b.id, b.file_name, b.actor, b.created_at, b.value_count, b.layout, r.rollback_id, r.reason,
                (SELECT group_concat(key, '、') FROM (
                    SELECT DISTINCT p.year || 'Q' || p.quarter AS key FROM period p
                    WHERE p.id IN (SELECT period_id FROM score WHERE batch_id = b.id
                                   UNION SELECT period_id FROM score_history WHERE replaced_by = b.id
                                   UNION SELECT period_id FROM adjustment WHERE batch_id = b.id
                                   UNION SELECT period_id FROM adjustment_history WHERE replaced_by = b.id
                                   UNION SELECT period_id FROM honor WHERE batch_id = b.id
                                   UNION SELECT period_id FROM honor_history WHERE replaced_by = b.id)
                    ORDER BY p.year, p.quarter))
         FROM import_batch b LEFT JOIN batch_rollback r ON r.batch_id = b.id
         {filter}
         ORDER BY b.id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map((arg, limit as i64), |r| {
        let by: Option<i64> = r.get(6)?;
        let reason: Option<String> = r.get(7)?;
        Ok(BatchRow {
            id: r.get(0)?,
            file_name: r.get(1)?,
            actor: r.get(2)?,
            created_at: r.get(3)?,
            value_count: r.get(4)?,
            layout: r.get(5)?,
            rolled_back: by.zip(reason),
            periods: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What kind of file a batch was (`wide`, `long`, `honors`, `rollback`), if it exists.
pub fn batch_layout(conn: &Connection, batch: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT layout FROM import_batch WHERE id = ?1",
            [batch],
            |r| r.get(0),
        )
        .optional()?)
}

/// The periods whose values a batch wrote or replaced.
pub fn batch_periods(conn: &Connection, batch: i64) -> Result<Vec<PeriodId>> {
    let mut stmt = conn.prepare(
        "SELECT period_id FROM score WHERE batch_id = ?1
         UNION SELECT period_id FROM adjustment WHERE batch_id = ?1
         UNION SELECT period_id FROM remark WHERE batch_id = ?1
         UNION SELECT period_id FROM score_history WHERE replaced_by = ?1
         UNION SELECT period_id FROM adjustment_history WHERE replaced_by = ?1
         UNION SELECT period_id FROM remark_history WHERE replaced_by = ?1
         UNION SELECT period_id FROM honor WHERE batch_id = ?1
         UNION SELECT period_id FROM honor_history WHERE replaced_by = ?1
         ORDER BY 1",
    )?;
    let rows = stmt.query_map([batch], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Undoes batch `batch` in the caller's transaction; returns the id of the batch that records
/// the rollback. The caller re-freezes published boards and bumps the data version.
pub fn rollback_batch(tx: &Connection, batch: i64, reason: &str, actor: &str) -> Result<i64> {
    let file: Option<String> = tx
        .query_row(
            "SELECT file_name FROM import_batch WHERE id = ?1",
            [batch],
            |r| r.get(0),
        )
        .optional()?;
    let Some(file) = file else {
        return Err(Refusal::NoSuchBatch { batch }.into());
    };
    let layout: String = tx.query_row(
        "SELECT layout FROM import_batch WHERE id = ?1",
        [batch],
        |r| r.get(0),
    )?;
    if layout == "rollback" || layout == "targets" || layout == "details" {
        // Undoing a rollback would be a rollback of a rollback: import the file again instead.
        // Targets and 明细清单 are set again by a new file.
        return Err(Refusal::NothingToRollBack { batch }.into());
    }
    if let Some(by) = tx
        .query_row(
            "SELECT rollback_id FROM batch_rollback WHERE batch_id = ?1",
            [batch],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
    {
        return Err(Refusal::AlreadyRolledBack { batch, by }.into());
    }
    // A value this batch wrote that a later batch replaced (a later batch that was itself
    // rolled back does not count), or a cell it cleared that a later batch filled: undoing
    // this one would undo that one too.
    let later: Option<i64> = tx.query_row(
        "SELECT MIN(b) FROM (
            SELECT replaced_by AS b FROM score_history WHERE batch_id = ?1
            UNION ALL SELECT replaced_by FROM adjustment_history WHERE batch_id = ?1
            UNION ALL SELECT replaced_by FROM remark_history WHERE batch_id = ?1
            UNION ALL SELECT s.batch_id FROM score s JOIN score_history h
                ON h.period_id = s.period_id AND h.unit_id = s.unit_id AND h.indicator_id = s.indicator_id
                WHERE h.replaced_by = ?1 AND s.batch_id <> ?1
            UNION ALL SELECT a.batch_id FROM adjustment a JOIN adjustment_history h
                ON h.period_id = a.period_id AND h.unit_id = a.unit_id AND h.kind = a.kind
                WHERE h.replaced_by = ?1 AND a.batch_id <> ?1
            UNION ALL SELECT m.batch_id FROM remark m JOIN remark_history h
                ON h.period_id = m.period_id AND h.unit_id = m.unit_id
                WHERE h.replaced_by = ?1 AND m.batch_id <> ?1
            UNION ALL SELECT replaced_by FROM honor_history WHERE batch_id = ?1
            UNION ALL SELECT o.batch_id FROM honor o JOIN honor_history h
                ON h.period_id = o.period_id
                WHERE h.replaced_by = ?1 AND o.batch_id <> ?1)
         WHERE b NOT IN (SELECT batch_id FROM batch_rollback)
           AND b NOT IN (SELECT rollback_id FROM batch_rollback)",
        [batch],
        |r| r.get(0),
    )?;
    if let Some(later) = later {
        return Err(Refusal::RollbackSuperseded { batch, later }.into());
    }
    if batch_periods(tx, batch)?.is_empty() {
        return Err(Refusal::NothingToRollBack { batch }.into());
    }
    tx.execute(
        "INSERT INTO import_batch (file_name, sha256, encoding, layout, row_count, value_count, actor, created_at)
         VALUES (?1, '', '', 'rollback', 0, 0, ?2, ?3)",
        (format!("撤销导入批次#{batch}（{file}）"), actor, super::now()),
    )?;
    let rb = tx.last_insert_rowid();
    tx.execute_batch(&format!(
        "INSERT INTO score_history (period_id, unit_id, indicator_id, points, note, batch_id, replaced_by)
           SELECT period_id, unit_id, indicator_id, points, note, batch_id, {rb} FROM score WHERE batch_id = {batch};
         DELETE FROM score WHERE batch_id = {batch};
         INSERT INTO score (period_id, unit_id, indicator_id, points, note, batch_id)
           SELECT period_id, unit_id, indicator_id, points, note, batch_id FROM score_history WHERE replaced_by = {batch};
         INSERT INTO adjustment_history (period_id, unit_id, kind, points, reason, batch_id, replaced_by)
           SELECT period_id, unit_id, kind, points, reason, batch_id, {rb} FROM adjustment WHERE batch_id = {batch};
         DELETE FROM adjustment WHERE batch_id = {batch};
         INSERT INTO adjustment (period_id, unit_id, kind, points, reason, batch_id)
           SELECT period_id, unit_id, kind, points, reason, batch_id FROM adjustment_history WHERE replaced_by = {batch};
         INSERT INTO remark_history (period_id, unit_id, text, batch_id, replaced_by)
           SELECT period_id, unit_id, text, batch_id, {rb} FROM remark WHERE batch_id = {batch};
         DELETE FROM remark WHERE batch_id = {batch};
         INSERT INTO remark (period_id, unit_id, text, batch_id)
           SELECT period_id, unit_id, text, batch_id FROM remark_history WHERE replaced_by = {batch};
         INSERT INTO honor_history (period_id, name, unit_id, unit_text, title, citation, position, batch_id, replaced_by)
           SELECT period_id, name, unit_id, unit_text, title, citation, position, batch_id, {rb} FROM honor WHERE batch_id = {batch};
         DELETE FROM honor WHERE batch_id = {batch};
         INSERT INTO honor (period_id, name, unit_id, unit_text, title, citation, position, batch_id)
           SELECT period_id, name, unit_id, unit_text, title, citation, position, batch_id FROM honor_history WHERE replaced_by = {batch};"
    ))?;
    tx.execute(
        "INSERT INTO batch_rollback (batch_id, rollback_id, reason, actor, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        (batch, rb, reason, actor, super::now()),
    )?;
    Ok(rb)
}
