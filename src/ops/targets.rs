//! Targets (目标值) per unit and computed indicator, for a year (annual) or one quarter: read
//! through the score importer (both layouts, CSV and .xlsx, every encoding, every error with
//! its row and column), checked against each indicator's method, written all or nothing and
//! audited — from the command line at once, from the browser after a preview.

use super::Actor;
use super::error::Result;
use crate::domain::{IndicatorId, PeriodKey, Points, UnitId};
use crate::import::{ImportError, ImportErrors, PlanEvent, Target, plan_import_streaming};
use crate::store::{self, AuditAction, Structure};
use crate::tabular::Source;
use rusqlite::Connection;

/// Which targets a file sets: a year's annual ones (`quarter` 0) or one quarter's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetYear {
    pub year: i32,
    pub quarter: u8,
}

impl TargetYear {
    /// `2024` (annual) or `2024Q2`.
    #[must_use]
    pub fn parse(text: &str) -> Option<TargetYear> {
        let t = text.trim();
        if let Some(k) = PeriodKey::parse(t) {
            return Some(TargetYear {
                year: k.year,
                quarter: k.quarter,
            });
        }
        let year: i32 = t.trim_end_matches('年').parse().ok()?;
        (2000..=2100)
            .contains(&year)
            .then_some(TargetYear { year, quarter: 0 })
    }

    /// `2024年年度目标`, `2024年第2季度目标`.
    #[must_use]
    pub fn label(self) -> String {
        if self.quarter == 0 {
            format!("{}年年度目标", self.year)
        } else {
            format!("{}年第{}季度目标", self.year, self.quarter)
        }
    }

    /// As kept with an upload: `2024` or `2024Q2`.
    #[must_use]
    pub fn code(self) -> String {
        if self.quarter == 0 {
            self.year.to_string()
        } else {
            format!("{}Q{}", self.year, self.quarter)
        }
    }
}

/// One target a file sets, with the one it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetChange {
    pub unit: String,
    pub indicator: String,
    pub measure: Option<String>,
    pub before: Option<Points>,
    pub after: Points,
}

/// What a targets file would write.
#[derive(Debug, Clone)]
pub struct TargetsPlan {
    pub which: TargetYear,
    pub cells: Vec<(UnitId, IndicatorId, Points)>,
    pub changes: Vec<TargetChange>,
    pub data_version: i64,
}

/// Reads and checks a targets file; writes nothing. Blank cells change nothing; a target for
/// an indicator scored without one, or a zero or negative target for a method that divides
/// by it, is an error naming its row.
pub fn plan_targets(
    conn: &Connection,
    bytes: &[u8],
    file_name: &str,
    which: TargetYear,
) -> Result<TargetsPlan> {
    let s = super::scheme(conn, which.year)?;
    let catalog = s.catalog();
    let mut cells: Vec<(usize, u32, Points, usize)> = Vec::new();
    let mut sink = |e: PlanEvent| {
        if let PlanEvent::Cell {
            unit,
            cell:
                crate::import::PlanCell {
                    target: Target::Indicator(ind),
                    value: Some(v),
                    row,
                    ..
                },
            ..
        } = e
        {
            cells.push((unit, ind, v, row as usize));
        }
    };
    plan_import_streaming(
        Source::Bytes(bytes),
        file_name,
        &catalog,
        Some(PeriodKey {
            year: which.year,
            quarter: which.quarter.max(1),
        }),
        Some(&mut sink),
    )?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (unit, ind, v, row) in cells {
        let ci = &catalog.indicators[ind as usize];
        let scoring = s
            .indicators
            .iter()
            .find(|i| i.id == ci.id)
            .and_then(|i| i.scoring.as_ref());
        let bad = |why| ImportError::BadTarget {
            row,
            unit: catalog.units[unit].name.clone(),
            indicator: ci.name.clone(),
            why,
        };
        match scoring {
            Some(sc) if sc.needs_target() && v.0 <= 0 => {
                errors.push(bad("目标值应大于0：完成率以目标值为分母"));
            }
            Some(sc) if sc.needs_target() => rows.push((catalog.units[unit].id, ci.id, v)),
            _ => errors.push(bad("不按目标值计分，不需要目标值")),
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors(errors).into());
    }
    let changes = changes(conn, &s, which, &rows)?;
    Ok(TargetsPlan {
        which,
        cells: rows,
        changes,
        data_version: store::data_version(conn)?.0,
    })
}

fn changes(
    conn: &Connection,
    s: &Structure,
    which: TargetYear,
    rows: &[(UnitId, IndicatorId, Points)],
) -> store::Result<Vec<TargetChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT value FROM target WHERE year = ?1 AND quarter = ?2 AND unit_id = ?3 AND indicator_id = ?4",
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for &(u, i, v) in rows {
        let before: Option<i64> = rusqlite::OptionalExtension::optional(
            stmt.query_row((which.year, which.quarter, u, i), |r| r.get(0)),
        )?;
        let ind = s.indicators.iter().find(|x| x.id == i);
        out.push(TargetChange {
            unit: s.unit(u).map(|x| x.name.clone()).unwrap_or_default(),
            indicator: ind.map(|x| x.name.clone()).unwrap_or_default(),
            measure: ind
                .and_then(|x| x.scoring.as_ref())
                .and_then(|sc| sc.measure.clone()),
            before: before.map(Points),
            after: v,
        });
    }
    Ok(out)
}

/// Writes a checked plan as one batch, audited, in `tx`; returns the batch.
pub(super) fn write_targets(
    tx: &rusqlite::Transaction<'_>,
    plan: &TargetsPlan,
    file: (&str, &str),
    actor: Actor<'_>,
) -> store::Result<i64> {
    let batch = store::save_targets(
        tx,
        plan.which.year,
        plan.which.quarter,
        &plan.cells,
        file,
        actor.name,
    )?;
    actor.audit_each(
        tx,
        AuditAction::Import,
        &[],
        &format!(
            "导入{}「{}」（sha256 {}）为批次 #{batch}：{}项",
            plan.which.label(),
            file.0,
            file.1,
            plan.cells.len()
        ),
    )?;
    store::bump_version(tx)?;
    Ok(batch)
}

/// Imports a targets file at once (the command line); returns how many targets were written.
pub fn import_targets(
    conn: &mut Connection,
    bytes: &[u8],
    file_name: &str,
    year: i32,
    quarter: u8,
    actor: Actor<'_>,
) -> Result<usize> {
    let plan = plan_targets(conn, bytes, file_name, TargetYear { year, quarter })?;
    let sha = crate::import::sha256_hex(bytes);
    store::write_tx(conn, |tx| {
        write_targets(tx, &plan, (file_name, &sha), actor)
    })?;
    Ok(plan.cells.len())
}
