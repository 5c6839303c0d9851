//! Targets (目标值) per unit and computed indicator, for a year (annual) or one quarter: read
//! through the score importer (both layouts, CSV and .xlsx, every encoding, every error with
//! its row and column), checked against each indicator's method, written all or nothing and
//! audited.

use super::Actor;
use super::error::Result;
use super::structure;
use crate::domain::{IndicatorId, PeriodKey, Points, UnitId};
use crate::import::{ImportError, ImportErrors, PlanEvent, Target, plan_import_streaming};
use crate::store::{self, AuditAction};
use crate::tabular::Source;
use rusqlite::Connection;

/// Imports a targets file for `year` (`quarter` 0: annual targets); returns how many targets
/// were written. Blank cells change nothing; a target for an indicator scored without one,
/// or a zero or negative target for a method that divides by it, is refused with its row.
pub fn import_targets(
    conn: &mut Connection,
    bytes: &[u8],
    file_name: &str,
    year: i32,
    quarter: u8,
    actor: Actor<'_>,
) -> Result<usize> {
    let s = structure(conn)?;
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
            year,
            quarter: quarter.max(1),
        }),
        Some(&mut sink),
    )?;
    let mut errors = Vec::new();
    let mut rows: Vec<(UnitId, IndicatorId, Points)> = Vec::new();
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
    let when = if quarter == 0 {
        format!("{year}年年度目标")
    } else {
        format!("{year}年第{quarter}季度目标")
    };
    Ok(store::write_tx(conn, |tx| {
        let n = store::save_targets(tx, year, quarter, &rows, None)?;
        actor.audit_each(
            tx,
            AuditAction::Import,
            &[],
            &format!("导入{when}「{file_name}」：{n}项"),
        )?;
        store::bump_version(tx)?;
        Ok::<_, store::StoreError>(n)
    })?)
}
