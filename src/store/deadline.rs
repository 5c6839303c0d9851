//! 报送截止: a period's deadline and an indicator's own, and which values arrived after them
//! (a value arrives with the first import batch that wrote it; a later correction of it is
//! not a late report).

use super::Result;
use crate::domain::{IndicatorId, PeriodId, Stamp, UnitId};
use rusqlite::{Connection, params};

/// A deadline: the period's (`indicator: None`) or one indicator's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub indicator: Option<IndicatorId>,
    pub due_at: Stamp,
}

/// Sets (or with `due: None` removes) a deadline; bumps the data version.
pub fn set_deadline(
    tx: &Connection,
    period: PeriodId,
    indicator: Option<IndicatorId>,
    due: Option<Stamp>,
    by: &str,
) -> Result<()> {
    let ind = indicator.map_or(0, |i| i.0);
    match due {
        Some(at) => tx.execute(
            "INSERT INTO report_deadline (period_id, indicator_id, due_at, set_by, set_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (period_id, indicator_id) DO UPDATE SET due_at = ?3, set_by = ?4, set_at = ?5",
            params![period, ind, at, by, Stamp::now()],
        )?,
        None => tx.execute(
            "DELETE FROM report_deadline WHERE period_id = ?1 AND indicator_id = ?2",
            params![period, ind],
        )?,
    };
    super::bump_version(tx)
}

/// A period's deadlines, the period's own first.
pub fn deadlines(conn: &Connection, period: PeriodId) -> Result<Vec<Deadline>> {
    let mut stmt = conn.prepare_cached(
        "SELECT indicator_id, due_at FROM report_deadline WHERE period_id = ?1 ORDER BY indicator_id",
    )?;
    let rows = stmt
        .query_map([period], |r| {
            let i: i64 = r.get(0)?;
            Ok(Deadline {
                indicator: (i != 0).then_some(IndicatorId(i)),
                due_at: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The values of a period that arrived after their deadline (the indicator's own, else the
/// period's): (unit, indicator, when it arrived).
pub fn late_values(
    conn: &Connection,
    period: PeriodId,
) -> Result<Vec<(UnitId, IndicatorId, Stamp)>> {
    let mut stmt = conn.prepare_cached(
        "WITH arrived AS (
             SELECT s.unit_id, s.indicator_id, b.created_at AS at
             FROM score s JOIN import_batch b ON b.id = s.batch_id WHERE s.period_id = ?1
             UNION ALL
             SELECT h.unit_id, h.indicator_id, b.created_at
             FROM score_history h JOIN import_batch b ON b.id = h.batch_id WHERE h.period_id = ?1
         ),
         first AS (SELECT unit_id, indicator_id, MIN(at) AS at FROM arrived GROUP BY unit_id, indicator_id)
         SELECT f.unit_id, f.indicator_id, f.at FROM first f
         JOIN score s ON s.period_id = ?1 AND s.unit_id = f.unit_id AND s.indicator_id = f.indicator_id
         LEFT JOIN report_deadline own ON own.period_id = ?1 AND own.indicator_id = f.indicator_id
         LEFT JOIN report_deadline whole ON whole.period_id = ?1 AND whole.indicator_id = 0
         WHERE f.at > COALESCE(own.due_at, whole.due_at)
         ORDER BY f.unit_id, f.indicator_id",
    )?;
    let rows = stmt
        .query_map([period], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
