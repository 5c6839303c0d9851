//! A period's stored values: scores, adjustments and remarks, as boards and the import
//! writer read them.

use super::Result;
use crate::domain::Points;
use crate::domain::{IndicatorId, PeriodId, UnitId};
use rusqlite::Connection;
use std::collections::HashMap;

/// A unit's bonus and penalty in one period, each with its reason.
#[derive(Debug, Clone, Default)]
pub struct Adjustments {
    pub bonus: Option<(Points, Option<String>)>,
    pub penalty: Option<(Points, Option<String>)>,
}

/// Every stored value of one period.
#[derive(Debug, Clone, Default)]
pub struct PeriodData {
    /// (unit id, indicator id) → points and note.
    pub scores: HashMap<(UnitId, IndicatorId), (Points, Option<String>)>,
    pub adjustments: HashMap<UnitId, Adjustments>,
    pub remarks: HashMap<UnitId, String>,
}

pub fn load_period_data(conn: &Connection, period_id: PeriodId) -> Result<PeriodData> {
    let mut data = PeriodData::default();
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, indicator_id, points, note FROM score WHERE period_id = ?1",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        data.scores
            .insert((r.get(0)?, r.get(1)?), (Points(r.get(2)?), r.get(3)?));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, kind, points, reason FROM adjustment WHERE period_id = ?1",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        let entry = data.adjustments.entry(r.get(0)?).or_default();
        let v = Some((Points(r.get(2)?), r.get(3)?));
        if r.get::<_, String>(1)? == "bonus" {
            entry.bonus = v;
        } else {
            entry.penalty = v;
        }
    }
    let mut stmt = conn.prepare_cached("SELECT unit_id, text FROM remark WHERE period_id = ?1")?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        data.remarks.insert(r.get(0)?, r.get(1)?);
    }
    Ok(data)
}

/// One unit's bonus and penalty (with reasons) in one period.
pub fn unit_adjustments(
    conn: &Connection,
    period_id: PeriodId,
    unit_id: UnitId,
) -> Result<Adjustments> {
    let mut out = Adjustments::default();
    let mut stmt = conn.prepare_cached(
        "SELECT kind, points, reason FROM adjustment WHERE period_id = ?1 AND unit_id = ?2",
    )?;
    let mut rows = stmt.query((period_id, unit_id))?;
    while let Some(r) = rows.next()? {
        let v = Some((Points(r.get(1)?), r.get(2)?));
        if r.get::<_, String>(0)? == "bonus" {
            out.bonus = v;
        } else {
            out.penalty = v;
        }
    }
    Ok(out)
}

/// The values a board needs, without notes: (unit, indicator, points) in key order, and each
/// unit's (bonus, penalty).
#[derive(Debug, Clone, Default)]
pub struct PeriodValues {
    pub scores: Vec<(UnitId, IndicatorId, Points)>,
    pub adjustments: HashMap<UnitId, (Points, Points)>,
    /// The targets of the period's year: (quarter, unit, indicator, value), quarter 0 the
    /// annual target, else this quarter's.
    pub targets: Vec<(u8, UnitId, IndicatorId, Points)>,
    /// 一票否决 in force, with its reason.
    pub vetoes: HashMap<UnitId, String>,
    /// Values that arrived after their 报送截止 (逾期报送).
    pub late: Vec<(UnitId, IndicatorId)>,
    /// The 明细清单 of indicators scored from a list.
    pub details: Vec<super::DetailRow>,
}

pub fn load_period_values(conn: &Connection, period_id: PeriodId) -> Result<PeriodValues> {
    let mut v = PeriodValues::default();
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, indicator_id, points FROM score WHERE period_id = ?1 ORDER BY unit_id, indicator_id",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        v.scores.push((r.get(0)?, r.get(1)?, Points(r.get(2)?)));
    }
    let mut stmt =
        conn.prepare_cached("SELECT unit_id, kind, points FROM adjustment WHERE period_id = ?1")?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        let e = v
            .adjustments
            .entry(r.get(0)?)
            .or_insert((Points::ZERO, Points::ZERO));
        let p = Points(r.get(2)?);
        if r.get::<_, String>(1)? == "bonus" {
            e.0 = p;
        } else {
            e.1 = p;
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT t.quarter, t.unit_id, t.indicator_id, t.value FROM target t
         JOIN period p ON p.id = ?1 AND t.year = p.year AND t.quarter IN (0, p.quarter)",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        v.targets
            .push((r.get(0)?, r.get(1)?, r.get(2)?, Points(r.get(3)?)));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, reason FROM veto WHERE period_id = ?1 AND lifted_at IS NULL",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        v.vetoes.insert(r.get(0)?, r.get(1)?);
    }
    v.details = super::load_details(conn, period_id)?;
    // Lateness is looked up only for a period with a deadline (it reads the values' history).
    let has_deadline: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM report_deadline WHERE period_id = ?1)")?
        .query_row([period_id], |r| r.get(0))?;
    if has_deadline {
        v.late = super::late_values(conn, period_id)?
            .into_iter()
            .map(|(u, i, _)| (u, i))
            .collect();
    }
    Ok(v)
}

/// Replaces targets (quarter 0: annual) for the cells given, as one import batch (layout
/// `targets`) named for the file; returns the batch.
pub fn save_targets(
    tx: &Connection,
    year: i32,
    quarter: u8,
    cells: &[(UnitId, IndicatorId, Points)],
    file: (&str, &str),
    actor: &str,
) -> Result<i64> {
    tx.execute(
        "INSERT INTO import_batch (file_name, sha256, encoding, layout, row_count, value_count, actor, created_at)
         VALUES (?1, ?2, '', 'targets', ?3, ?3, ?4, ?5)",
        (file.0, file.1, cells.len() as i64, actor, super::now()),
    )?;
    let batch_id = tx.last_insert_rowid();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO target (year, quarter, unit_id, indicator_id, value, batch_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(year, quarter, unit_id, indicator_id)
         DO UPDATE SET value = excluded.value, batch_id = excluded.batch_id",
    )?;
    for &(u, i, v) in cells {
        stmt.execute(rusqlite::params![year, quarter, u, i, v.0, batch_id])?;
    }
    Ok(batch_id)
}
