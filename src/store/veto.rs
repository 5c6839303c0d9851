//! 一票否决: per unit and period, with its reason. A veto is never deleted; lifting it stamps
//! when, by whom and why, so the record of every veto stays.

use super::Result;
use crate::domain::{PeriodId, PeriodKey, Stamp, UnitId};
use rusqlite::{Connection, OptionalExtension, params};

/// A veto as the staff page lists it.
#[derive(Debug, Clone)]
pub struct VetoRow {
    pub id: i64,
    pub period: PeriodKey,
    pub unit_id: UnitId,
    pub unit: String,
    pub reason: String,
    pub set_by: String,
    pub set_at: Stamp,
    /// When, by whom and why it was lifted.
    pub lifted: Option<(Stamp, String, String)>,
}

/// The veto in force for a unit in a period, if any: its reason.
pub fn current_veto(conn: &Connection, period: PeriodId, unit: UnitId) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT reason FROM veto WHERE period_id = ?1 AND unit_id = ?2 AND lifted_at IS NULL",
            params![period, unit],
            |r| r.get(0),
        )
        .optional()?)
}

/// Sets a veto; one already in force is lifted first (its reason replaced), so both stay on
/// record. Bumps the data version.
pub fn set_veto(
    tx: &Connection,
    period: PeriodId,
    unit: UnitId,
    reason: &str,
    by: &str,
) -> Result<()> {
    let now = Stamp::now();
    tx.execute(
        "UPDATE veto SET lifted_at = ?3, lifted_by = ?4, lift_reason = '原因已改写'
         WHERE period_id = ?1 AND unit_id = ?2 AND lifted_at IS NULL",
        params![period, unit, now, by],
    )?;
    tx.execute(
        "INSERT INTO veto (period_id, unit_id, reason, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![period, unit, reason, by, now],
    )?;
    super::bump_version(tx)
}

/// Lifts the veto in force; `false` when there was none.
pub fn lift_veto(
    tx: &Connection,
    period: PeriodId,
    unit: UnitId,
    by: &str,
    why: &str,
) -> Result<bool> {
    let n = tx.execute(
        "UPDATE veto SET lifted_at = ?3, lifted_by = ?4, lift_reason = ?5
         WHERE period_id = ?1 AND unit_id = ?2 AND lifted_at IS NULL",
        params![period, unit, Stamp::now(), by, why],
    )?;
    if n > 0 {
        super::bump_version(tx)?;
    }
    Ok(n > 0)
}

/// Every veto ever set, newest first.
pub fn vetoes(conn: &Connection) -> Result<Vec<VetoRow>> {
    let mut stmt = conn.prepare(
        "SELECT v.id, p.year, p.quarter, v.unit_id, u.name, v.reason, v.set_by, v.set_at,
                v.lifted_at, v.lifted_by, v.lift_reason
         FROM veto v JOIN period p ON p.id = v.period_id JOIN unit u ON u.id = v.unit_id
         ORDER BY v.id DESC",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let lifted_at: Option<Stamp> = r.get(8)?;
            Ok(VetoRow {
                id: r.get(0)?,
                period: PeriodKey {
                    year: r.get(1)?,
                    quarter: r.get(2)?,
                },
                unit_id: r.get(3)?,
                unit: r.get(4)?,
                reason: r.get(5)?,
                set_by: r.get(6)?,
                set_at: r.get(7)?,
                lifted: match lifted_at {
                    Some(t) => Some((
                        t,
                        r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                        r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                    )),
                    None => None,
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
