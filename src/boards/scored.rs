//! Computed indicators on a board: each one's raw values (and targets) in the group turned
//! into points by its scoring rule, before the engine ranks them. A `direct` indicator is
//! left as it was.

use crate::domain::{IndicatorId, Points, UnitId};
use crate::ranking::UnitScores;
use crate::scoring::{self, Input, Ratio};
use crate::store::{GroupRow, IndicatorRow, PeriodValues};
use std::collections::HashMap;

/// The target a quarter's value is held to: the quarter's own where set; else the annual
/// one, for a year-to-date indicator as far as the year has gone (序时进度: N/4 at the end of
/// quarter N).
fn target(
    targets: &HashMap<(u8, UnitId, IndicatorId), Points>,
    unit: UnitId,
    i: &IndicatorRow,
    quarter: u8,
    cumulative: bool,
) -> Option<Ratio> {
    if let Some(&t) = targets.get(&(quarter, unit, i.id)) {
        return Some(Ratio::from_points(t));
    }
    let annual = Ratio::from_points(*targets.get(&(0, unit, i.id))?);
    if cumulative {
        annual.checked_mul(Ratio::new(i128::from(quarter), 4)?).ok()
    } else {
        Some(annual)
    }
}

/// Replaces the raw values of every computed indicator in `units` by its points. A unit
/// without a raw value (or, for a method against a target, without a target) scores nothing
/// and is marked 数据缺失 like any missing score.
pub(super) fn apply(
    group: &GroupRow,
    indicators: &[IndicatorRow],
    units: &mut [UnitScores],
    data: &PeriodValues,
    quarter: u8,
) {
    if indicators.iter().all(|i| i.scoring.is_none()) {
        return;
    }
    let targets: HashMap<(u8, UnitId, IndicatorId), Points> = data
        .targets
        .iter()
        .map(|&(q, u, i, v)| ((q, u, i), v))
        .collect();
    for (c, i) in indicators.iter().enumerate() {
        let Some(sc) = &i.scoring else {
            continue;
        };
        let Some(rule) = sc.rule(group.id) else {
            continue;
        };
        let inputs: Vec<Input> = units
            .iter()
            .map(|u| match u.points[c] {
                None => Input::Missing,
                Some(raw) => {
                    let t = target(&targets, u.unit_id, i, quarter, sc.cumulative);
                    if sc.needs_target() && t.is_none() {
                        Input::Missing
                    } else {
                        Input::Value {
                            actual: Ratio::from_points(raw),
                            target: t,
                        }
                    }
                }
            })
            .collect();
        match scoring::score(rule, &inputs) {
            Ok(scored) => {
                for (u, s) in units.iter_mut().zip(scored) {
                    u.points[c] = s.points;
                }
            }
            Err(e) => {
                // A target the import let through (0, negative): no points rather than
                // wrong ones, and the server log says why.
                tracing::warn!(indicator = %i.name, group = %group.name, "scoring: {e}");
                for u in units.iter_mut() {
                    u.points[c] = None;
                }
            }
        }
    }
}
