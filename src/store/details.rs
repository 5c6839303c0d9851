//! 明细清单: the items of indicators scored from a list (加分 items, 扣分制 events by kind).
//! A list replaces the period's list of each indicator it covers; the replaced rows stay,
//! stamped with the batch that replaced them.

use super::Result;
use crate::domain::{IndicatorId, PeriodId, Points, UnitId};
use rusqlite::{Connection, params};

/// One line of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailRow {
    pub unit: UnitId,
    pub indicator: IndicatorId,
    /// 加分 items: the category (表彰奖励); 扣分制: the kind of event (较大事故).
    pub category: String,
    /// What was achieved or happened.
    pub name: String,
    /// 加分 items: 国家级, 省级…; empty for events.
    pub level: String,
    /// 扣分制: the number of events; 1 for an item.
    pub count: Points,
}

/// Writes a list as one import batch (layout `details`) named for the file, replacing the
/// current list of each (period, indicator) it covers; returns the batch.
pub fn save_details(
    tx: &Connection,
    period: PeriodId,
    rows: &[DetailRow],
    file: (&str, &str),
    actor: &str,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO import_batch (file_name, sha256, encoding, layout, row_count, value_count, actor, created_at)
         VALUES (?1, ?2, '', 'details', ?3, ?3, ?4, ?5)",
        params![file.0, file.1, rows.len() as i64, actor, super::now()],
    )?;
    let batch = tx.last_insert_rowid();
    let mut covered: Vec<IndicatorId> = rows.iter().map(|r| r.indicator).collect();
    covered.sort_by_key(|i| i.0);
    covered.dedup();
    for i in &covered {
        tx.execute(
            "UPDATE score_detail SET replaced_by = ?3
             WHERE period_id = ?1 AND indicator_id = ?2 AND replaced_by IS NULL",
            params![period, i, batch],
        )?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO score_detail (period_id, unit_id, indicator_id, category, name, level, count, batch_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for r in rows {
        stmt.execute(params![
            period,
            r.unit,
            r.indicator,
            r.category,
            r.name,
            r.level,
            r.count.0,
            batch
        ])?;
    }
    super::bump_version(tx)?;
    Ok(batch)
}

/// The period's current lists, and which indicators have one (an indicator without a list
/// for the period is 数据缺失 for every unit; with one, a unit not on it has nothing).
pub fn load_details(conn: &Connection, period: PeriodId) -> Result<Vec<DetailRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, indicator_id, category, name, level, count FROM score_detail
         WHERE period_id = ?1 AND replaced_by IS NULL ORDER BY id",
    )?;
    let rows = stmt
        .query_map([period], |r| {
            Ok(DetailRow {
                unit: r.get(0)?,
                indicator: r.get(1)?,
                category: r.get(2)?,
                name: r.get(3)?,
                level: r.get(4)?,
                count: Points(r.get(5)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
