//! Computed indicators on a board: each one's raw values (and targets) in the group turned
//! into points by its scoring rule, before the engine ranks them. A `direct` indicator is
//! left as it was. The same computation explains a unit's points on the why page.

use crate::domain::{GroupId, IndicatorId, PeriodKey, Points, UnitId};
use crate::ranking::UnitScores;
use crate::scoring::{self, Input, Ratio, Rule, Scored};
use crate::store::{self, GroupRow, IndicatorRow, PeriodValues, Structure};
use rusqlite::Connection;
use std::collections::HashMap;

/// The target a unit's value was held to, and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetUsed {
    /// The quarter's own target.
    Quarter(Ratio),
    /// The annual target.
    Annual(Ratio),
    /// The annual target as far as the year has gone: annual × quarter / 4 (序时进度).
    Progress {
        annual: Ratio,
        quarter: u8,
        value: Ratio,
    },
}

impl TargetUsed {
    #[must_use]
    pub fn value(self) -> Ratio {
        match self {
            TargetUsed::Quarter(v) | TargetUsed::Annual(v) => v,
            TargetUsed::Progress { value, .. } => value,
        }
    }
}

type Targets = HashMap<(u8, UnitId, IndicatorId), Points>;

/// The target a quarter's value is held to: the quarter's own where set; else the annual
/// one, for a year-to-date indicator as far as the year has gone (序时进度: N/4 at the end of
/// quarter N).
fn target(
    targets: &Targets,
    unit: UnitId,
    i: &IndicatorRow,
    quarter: u8,
    cumulative: bool,
) -> Option<TargetUsed> {
    if let Some(&t) = targets.get(&(quarter, unit, i.id)) {
        return Some(TargetUsed::Quarter(Ratio::from_points(t)));
    }
    let annual = Ratio::from_points(*targets.get(&(0, unit, i.id))?);
    if cumulative {
        let value = annual
            .checked_mul(Ratio::new(i128::from(quarter), 4)?)
            .ok()?;
        Some(TargetUsed::Progress {
            annual,
            quarter,
            value,
        })
    } else {
        Some(TargetUsed::Annual(annual))
    }
}

/// One computed indicator of one unit, as scored.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The indicator's column on the board.
    pub column: usize,
    pub raw: Option<Points>,
    pub target: Option<TargetUsed>,
    pub rule: Rule,
    pub scored: Scored,
}

/// A computed column: its rule, the target each unit was held to, and the points (or why
/// there are none).
type Column = (
    Rule,
    Vec<Option<TargetUsed>>,
    Result<Vec<Scored>, scoring::ScoringError>,
);

/// Scores indicator `i` over the group's raw values; `None` when it is `direct`.
fn score_column(
    group: GroupId,
    i: &IndicatorRow,
    raw: &[(UnitId, Option<Points>)],
    targets: &Targets,
    quarter: u8,
    details: &[store::DetailRow],
) -> Option<Column> {
    let sc = i.scoring.as_ref()?;
    let rule = sc.rule(group)?.clone();
    if sc.list {
        let inputs = list_inputs(&rule, i.id, raw, details);
        let scored = scoring::score(&rule, &inputs);
        return Some((rule, vec![None; raw.len()], scored));
    }
    let used: Vec<Option<TargetUsed>> = raw
        .iter()
        .map(|&(u, _)| target(targets, u, i, quarter, sc.cumulative))
        .collect();
    let inputs: Vec<Input> = raw
        .iter()
        .zip(&used)
        .map(|(&(_, v), t)| match v {
            // Without its target, a value a method holds to one scores nothing (数据缺失).
            Some(_) if sc.needs_target() && t.is_none() => Input::Missing,
            Some(v) => match &rule.method {
                // 扣分制: the cell is the number of events of the rule's one kind; a count
                // that is not a whole number ≥ 0 scores nothing (the importer refuses it).
                scoring::Method::Deduction { per_kind, .. } => {
                    let n = Ratio::from_points(v);
                    match per_kind.first() {
                        Some((kind, _)) if !n.is_negative() && n.denom() == 1 => {
                            Input::Counts(vec![(kind.clone(), n)])
                        }
                        _ => Input::Missing,
                    }
                }
                _ => Input::Value {
                    actual: Ratio::from_points(v),
                    target: t.map(TargetUsed::value),
                },
            },
            None => Input::Missing,
        })
        .collect();
    let scored = scoring::score(&rule, &inputs);
    Some((rule, used, scored))
}

/// The inputs of an indicator scored from a 明细清单: without a list for the period every
/// unit is missing (数据缺失); with one, a unit's items or events (none: nothing to add or
/// deduct).
fn list_inputs(
    rule: &Rule,
    indicator: IndicatorId,
    units: &[(UnitId, Option<Points>)],
    details: &[store::DetailRow],
) -> Vec<Input> {
    let mine: Vec<&store::DetailRow> = details
        .iter()
        .filter(|d| d.indicator == indicator)
        .collect();
    units
        .iter()
        .map(|&(u, _)| {
            if mine.is_empty() {
                return Input::Missing;
            }
            let rows = mine.iter().filter(|d| d.unit == u);
            match &rule.method {
                scoring::Method::Items { .. } => Input::Items(
                    rows.map(|d| scoring::Item {
                        category: d.category.clone(),
                        achievement: d.name.clone(),
                        level: d.level.clone(),
                    })
                    .collect(),
                ),
                _ => {
                    // Events of a kind listed on several lines count together.
                    let mut counts: Vec<(String, Ratio)> = Vec::new();
                    for d in rows {
                        let n = Ratio::from_points(d.count);
                        match counts.iter_mut().find(|(k, _)| *k == d.category) {
                            Some((_, c)) => *c = c.checked_add(n).unwrap_or(*c),
                            None => counts.push((d.category.clone(), n)),
                        }
                    }
                    Input::Counts(counts)
                }
            }
        })
        .collect()
}

fn targets_of(data: &PeriodValues) -> Targets {
    data.targets
        .iter()
        .map(|&(q, u, i, v)| ((q, u, i), v))
        .collect()
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
    let targets = targets_of(data);
    for (c, i) in indicators.iter().enumerate() {
        let raw: Vec<(UnitId, Option<Points>)> =
            units.iter().map(|u| (u.unit_id, u.points[c])).collect();
        let Some((_, _, scored)) =
            score_column(group.id, i, &raw, &targets, quarter, &data.details)
        else {
            continue;
        };
        match scored {
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

/// How `unit`'s computed indicators were scored in `key`'s quarter: its raw value, target,
/// rule and working, computed from the stored raw values and targets by the `indicators`'
/// rules — a posted board's as posted (`GroupBoard::indicators`), a draft's as they stand.
pub fn explain(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group: GroupId,
    indicators: &[IndicatorRow],
    unit: UnitId,
) -> store::Result<Vec<Explained>> {
    let indicators: Vec<&IndicatorRow> = indicators.iter().collect();
    Ok(explain_with(conn, s, key, group, &indicators)?
        .into_iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, e)| e)
        .unwrap_or_default())
}

/// `explain` for every unit of the group, in the group's order.
pub fn explain_group(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group: GroupId,
) -> store::Result<Vec<(UnitId, Vec<Explained>)>> {
    explain_with(conn, s, key, group, &s.group_indicators(group))
}

fn explain_with(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group: GroupId,
    indicators: &[&IndicatorRow],
) -> store::Result<Vec<(UnitId, Vec<Explained>)>> {
    let Some(period) = s.period(key) else {
        return Ok(Vec::new());
    };
    if indicators.iter().all(|i| i.scoring.is_none()) {
        return Ok(Vec::new());
    }
    let data = store::load_period_values(conn, period.id)?;
    let targets = targets_of(&data);
    let units = s.group_units(group);
    let values: HashMap<(UnitId, IndicatorId), Points> =
        data.scores.iter().map(|&(u, i, p)| ((u, i), p)).collect();
    let mut out: Vec<(UnitId, Vec<Explained>)> = units.iter().map(|u| (u.id, Vec::new())).collect();
    for (c, i) in indicators.iter().enumerate() {
        let raw: Vec<(UnitId, Option<Points>)> = units
            .iter()
            .map(|u| (u.id, values.get(&(u.id, i.id)).copied()))
            .collect();
        let Some((rule, used, Ok(scored))) =
            score_column(group, i, &raw, &targets, key.quarter, &data.details)
        else {
            continue;
        };
        for (k, s) in scored.into_iter().enumerate() {
            out[k].1.push(Explained {
                column: c,
                raw: raw[k].1,
                target: used[k],
                rule: rule.clone(),
                scored: s,
            });
        }
    }
    Ok(out)
}

/// How a year-to-date indicator stands against the year's time progress (序时进度).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressLevel {
    /// At or ahead of time progress (绿).
    OnTrack,
    /// Behind by less than the competition's `progress_yellow` points (黄).
    Behind,
    /// Behind by more (红).
    FarBehind,
}

/// A unit's completion of its annual target against time progress, for one indicator.
#[derive(Debug, Clone)]
pub struct Progress {
    pub indicator: String,
    pub measure: Option<String>,
    pub raw: Ratio,
    pub annual: Ratio,
    /// Per cent of the annual target done.
    pub completion: Ratio,
    /// Per cent of the year gone: quarter × 25.
    pub progress: Ratio,
    /// completion − progress, in percentage points.
    pub gap: Ratio,
    pub level: ProgressLevel,
}

/// The unit's year-to-date indicators with an annual target, against 序时进度 at the end of
/// `key`'s quarter.
pub fn progress(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group: GroupId,
    unit: UnitId,
) -> store::Result<Vec<Progress>> {
    Ok(progress_group(conn, s, key, group)?
        .into_iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, p)| p)
        .unwrap_or_default())
}

/// `progress` for every unit of the group that has any, in the group's order.
pub fn progress_group(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group: GroupId,
) -> store::Result<Vec<(UnitId, Vec<Progress>)>> {
    let Some(period) = s.period(key) else {
        return Ok(Vec::new());
    };
    let indicators: Vec<&IndicatorRow> = s
        .group_indicators(group)
        .into_iter()
        .filter(|i| i.scoring.as_ref().is_some_and(|sc| sc.cumulative))
        .collect();
    if indicators.is_empty() {
        return Ok(Vec::new());
    }
    let data = store::load_period_values(conn, period.id)?;
    let yellow = Ratio::from_points(s.competition.progress_yellow);
    let time = Ratio::new(i128::from(key.quarter) * 25, 1).unwrap_or(Ratio::ZERO);
    let mut all = Vec::new();
    for u in s.group_units(group) {
        let p = unit_progress(&data, &indicators, u.id, yellow, time);
        if !p.is_empty() {
            all.push((u.id, p));
        }
    }
    Ok(all)
}

fn unit_progress(
    data: &PeriodValues,
    indicators: &[&IndicatorRow],
    unit: UnitId,
    yellow: Ratio,
    time: Ratio,
) -> Vec<Progress> {
    let mut out = Vec::new();
    for &i in indicators {
        let raw = data
            .scores
            .iter()
            .find(|&&(u, ind, _)| u == unit && ind == i.id)
            .map(|&(_, _, p)| Ratio::from_points(p));
        let annual = data
            .targets
            .iter()
            .find(|&&(q, u, ind, _)| q == 0 && u == unit && ind == i.id)
            .map(|&(_, _, _, p)| Ratio::from_points(p));
        let (Some(raw), Some(annual)) = (raw, annual) else {
            continue;
        };
        let Ok(Some(completion)) = raw
            .checked_mul(Ratio::HUNDRED)
            .and_then(|x| x.checked_div(annual))
        else {
            continue;
        };
        let Ok(gap) = completion.checked_sub(time) else {
            continue;
        };
        let level = if !gap.is_negative() {
            ProgressLevel::OnTrack
        } else if gap.negated() < yellow {
            ProgressLevel::Behind
        } else {
            ProgressLevel::FarBehind
        };
        out.push(Progress {
            indicator: i.name.clone(),
            measure: i.scoring.as_ref().and_then(|sc| sc.measure.clone()),
            raw,
            annual,
            completion,
            progress: time,
            gap,
            level,
        });
    }
    out
}
