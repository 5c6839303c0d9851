//! Scheduled 揭榜 (times in Unix seconds), and the indicator's provider (报送单位).

use super::{Refusal, Result};
use crate::domain::{IndicatorId, PeriodId, PeriodKey};
use rusqlite::Connection;

/// A pending scheduled publish.
#[derive(Debug, Clone)]
pub struct ScheduleRow {
    pub id: i64,
    pub period_id: PeriodId,
    pub key: PeriodKey,
    pub at: i64,
    pub by: String,
}

pub fn schedule_publish(
    tx: &Connection,
    period_id: PeriodId,
    key: PeriodKey,
    at: i64,
    by: &str,
) -> Result<()> {
    let pending: i64 = tx.query_row(
        "SELECT COUNT(*) FROM scheduled_publish WHERE period_id = ?1 AND state = 'pending'",
        [period_id],
        |r| r.get(0),
    )?;
    if pending > 0 {
        return Err(Refusal::AlreadyScheduled { period: key }.into());
    }
    tx.execute(
        "INSERT INTO scheduled_publish (period_id, at, by_account, created_at) VALUES (?1, ?2, ?3, ?4)",
        (period_id, at, by, super::now()),
    )?;
    Ok(())
}

/// Cancels a period's pending schedule; returns its time.
pub fn cancel_schedule(tx: &Connection, period_id: PeriodId, key: PeriodKey) -> Result<i64> {
    let at: Option<i64> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT at FROM scheduled_publish WHERE period_id = ?1 AND state = 'pending'",
        [period_id],
        |r| r.get(0),
    ))?;
    let Some(at) = at else {
        return Err(Refusal::NoSchedule { period: key }.into());
    };
    tx.execute(
        "UPDATE scheduled_publish SET state = 'cancelled' WHERE period_id = ?1 AND state = 'pending'",
        [period_id],
    )?;
    Ok(at)
}

fn rows(conn: &Connection, due_by: Option<i64>) -> Result<Vec<ScheduleRow>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.period_id, p.year, p.quarter, s.at, s.by_account FROM scheduled_publish s
         JOIN period p ON p.id = s.period_id
         WHERE s.state = 'pending' AND (?1 IS NULL OR s.at <= ?1) ORDER BY s.at, s.id",
    )?;
    let rows = stmt.query_map([due_by], |r| {
        let (year, quarter): (i32, u8) = (r.get(2)?, r.get(3)?);
        Ok(ScheduleRow {
            id: r.get(0)?,
            period_id: r.get(1)?,
            key: PeriodKey { year, quarter },
            at: r.get(4)?,
            by: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn pending_schedules(conn: &Connection) -> Result<Vec<ScheduleRow>> {
    rows(conn, None)
}

pub fn due_schedules(conn: &Connection, now: i64) -> Result<Vec<ScheduleRow>> {
    rows(conn, Some(now))
}

/// Marks a still-pending schedule done or failed, with what happened; `false` when it is no
/// longer pending (cancelled meanwhile).
pub fn finish_schedule(tx: &Connection, id: i64, done: bool, outcome: &str) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE scheduled_publish SET state = ?2, outcome = ?3 WHERE id = ?1 AND state = 'pending'",
        (id, if done { "done" } else { "failed" }, outcome),
    )? == 1)
}

pub fn set_indicator_provider(
    tx: &Connection,
    id: IndicatorId,
    provider: Option<&str>,
) -> Result<bool> {
    Ok(tx.execute(
        "UPDATE indicator SET provider = ?2 WHERE id = ?1",
        (id, provider),
    )? == 1)
}

/// What is in for one indicator of one group in a period (the 报送进度 matrix).
#[derive(Debug, Clone)]
pub struct ProgressCell {
    pub group_id: crate::domain::GroupId,
    pub indicator_id: IndicatorId,
    /// Units of the group with a value.
    pub units: i64,
    /// Who imported them (distinct, joined with 、) and when last.
    pub actors: String,
    pub last_at: Option<crate::domain::Stamp>,
}

pub fn progress(conn: &Connection, period_id: PeriodId) -> Result<Vec<ProgressCell>> {
    // An indicator scored from a 明细清单 is in for every unit of a group once the period has
    // its list (a unit not on it has nothing to add or deduct).
    let mut stmt = conn.prepare(
        "SELECT m.group_id, s.indicator_id, COUNT(*), GROUP_CONCAT(DISTINCT b.actor), MAX(b.created_at)
         FROM score s JOIN indicator i ON i.id = s.indicator_id
         JOIN unit_scheme m ON m.unit_id = s.unit_id AND m.competition_id = i.competition_id
         JOIN import_batch b ON b.id = s.batch_id
         WHERE s.period_id = ?1 GROUP BY m.group_id, s.indicator_id
         UNION ALL
         SELECT g.id, d.indicator_id,
                (SELECT COUNT(*) FROM unit_scheme x WHERE x.group_id = g.id),
                GROUP_CONCAT(DISTINCT b.actor), MAX(b.created_at)
         FROM score_detail d JOIN indicator_group ig ON ig.indicator_id = d.indicator_id
         JOIN ranking_group g ON g.id = ig.group_id
         JOIN import_batch b ON b.id = d.batch_id
         WHERE d.period_id = ?1 AND d.replaced_by IS NULL GROUP BY g.id, d.indicator_id",
    )?;
    let rows = stmt.query_map([period_id], |r| {
        Ok(ProgressCell {
            group_id: r.get(0)?,
            indicator_id: r.get(1)?,
            units: r.get(2)?,
            actors: r
                .get::<_, Option<String>>(3)?
                .unwrap_or_default()
                .replace(',', "、"),
            last_at: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
