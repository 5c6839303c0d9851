//! Installing a competition's structure from a spec into an empty database.

use super::{Refusal, Result, StoreError};
use crate::competition::CompetitionSpec;
use crate::domain::{Direction, UnitId, UnitKind};
use rusqlite::Transaction;

/// Writes a competition's structure into an empty database: its first year's scheme.
pub fn install_structure(tx: &Transaction<'_>, spec: &CompetitionSpec) -> Result<i64> {
    let existing: i64 = tx.query_row("SELECT COUNT(*) FROM competition", [], |r| r.get(0))?;
    if existing > 0 {
        return Err(Refusal::AlreadyInstalled.into());
    }
    let new = vec![UnitPlacement::default(); spec.units.len()];
    install_scheme(tx, spec, spec.competition.year, &new)
}

/// How one unit of a scheme's list maps onto the units of earlier years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitPlacement {
    /// The unit it continues (same id: its history goes on), or `None` for a new unit.
    pub continues: Option<UnitId>,
    /// Where it came from when it did not simply continue: merged or split off.
    pub origin: Vec<(UnitId, Origin)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Merge,
    Split,
}

/// Writes one year's scheme (`spec`, in force from `year`) beside the earlier ones;
/// `units[i]` places `spec.units[i]`. Earlier schemes, and so every board ranked under them,
/// are not touched.
pub fn install_scheme(
    tx: &Transaction<'_>,
    spec: &CompetitionSpec,
    year: i32,
    units: &[UnitPlacement],
) -> Result<i64> {
    let c = &spec.competition;
    tx.execute(
        "INSERT INTO competition (name, year, is_demo, missing_policy, created_at, total_decimals, time_zone,
             progress_yellow, veto_rule, streak_from, red_flag, late_penalty, annual, issuer)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        rusqlite::params![
            &c.name,
            year,
            c.demo,
            spec.missing_policy().as_str(),
            super::now(),
            c.total_decimals,
            c.time_zone.as_deref().map_or("Asia/Shanghai", str::trim),
            CompetitionSpec::points(c.progress_yellow).0,
            spec.veto_rule(),
            c.streak_from,
            c.red_flag,
            if c.late_penalty == 0.0 {
                0
            } else {
                CompetitionSpec::points(c.late_penalty).0
            },
            spec.annual_rule().map(|r| super::annual::encode(&r)),
            c.issuer.as_deref().map(str::trim),
        ],
    )?;
    let comp = tx.last_insert_rowid();
    for (k, g) in spec.grade_rules().iter().enumerate() {
        tx.execute(
            "INSERT INTO grade (competition_id, position, name, min_points, quota_percent)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (comp, k as i64, &g.name, g.min.map(|m| m.0), g.quota_percent),
        )?;
    }
    let mut group_ids = std::collections::HashMap::new();
    for (i, g) in spec.groups.iter().enumerate() {
        // `parse` checked the kind.
        let kind: UnitKind = g.kind.trim().parse().unwrap_or(UnitKind::Street);
        tx.execute(
            "INSERT INTO ranking_group (competition_id, name, kind, red_count, black_count,
                 display_order, cut_ties, black_spares_top_half)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            (
                comp,
                &g.name,
                kind,
                g.red,
                g.black,
                i as i64,
                g.cut_ties.as_str(),
                g.black_spares_top_half,
            ),
        )?;
        group_ids.insert(g.name.clone(), tx.last_insert_rowid());
    }
    let mut ind_ids = Vec::with_capacity(spec.indicators.len());
    for (i, ind) in spec.indicators.iter().enumerate() {
        let max = CompetitionSpec::points(ind.max);
        let weight = ind.weight.map(|w| CompetitionSpec::points(w).0);
        // `parse` checked the direction.
        let dir: Direction = ind.direction.parse().unwrap_or(Direction::Higher);
        tx.execute(
            "INSERT INTO indicator (competition_id, code, name, max_points, weight, direction, display_order, provider,
                 measure, method, method_params, decimals, cumulative, annual)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            rusqlite::params![
                comp,
                &ind.code,
                &ind.name,
                max.0,
                weight,
                dir.as_str(),
                i as i64,
                ind.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()),
                ind.measure.as_deref().map(str::trim).filter(|m| !m.is_empty()),
                ind.method.trim(),
                params_json(&ind.params)?,
                ind.decimals,
                ind.cumulative,
                ind.annual,
            ],
        )?;
        let id = tx.last_insert_rowid();
        ind_ids.push(id);
        for g in &ind.groups {
            tx.execute(
                "INSERT INTO indicator_group (indicator_id, group_id) VALUES (?1, ?2)",
                (id, group_ids[g]),
            )?;
        }
        for gp in &ind.group_params {
            tx.execute(
                "INSERT INTO indicator_group_params (indicator_id, group_id, method_params) VALUES (?1, ?2, ?3)",
                (id, group_ids[&gp.group], params_json(&gp.params)?),
            )?;
        }
    }
    for g in &spec.groups {
        for (pos, t) in g.tie_break.iter().enumerate() {
            let Some(k) = spec
                .indicators
                .iter()
                .position(|i| (&i.name == t || &i.code == t) && i.groups.contains(&g.name))
            else {
                return Err(Refusal::TieBreakOutsideGroup {
                    group: g.name.clone(),
                    indicator: t.clone(),
                }
                .into());
            };
            tx.execute(
                "INSERT INTO group_tie_break (group_id, position, indicator_id) VALUES (?1, ?2, ?3)",
                (group_ids[&g.name], pos as i64, ind_ids[k]),
            )?;
        }
    }
    for (i, (u, place)) in spec.units.iter().zip(units).enumerate() {
        let group = group_ids[&u.group];
        let id = match place.continues {
            Some(id) => {
                // The unit's current name, group and kind follow its latest scheme.
                tx.execute(
                    "UPDATE unit SET group_id = ?2, name = ?3, short_name = ?4, kind = ?5,
                         display_order = ?6 WHERE id = ?1",
                    (id, group, &u.name, &u.short_name, u.kind.as_str(), i as i64),
                )?;
                id.0
            }
            None => {
                tx.execute(
                    "INSERT INTO unit (group_id, name, short_name, kind, display_order) VALUES (?1, ?2, ?3, ?4, ?5)",
                    (group, &u.name, &u.short_name, u.kind.as_str(), i as i64),
                )?;
                tx.last_insert_rowid()
            }
        };
        tx.execute(
            "INSERT INTO unit_scheme (competition_id, unit_id, group_id, name, short_name, display_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (comp, id, group, &u.name, &u.short_name, i as i64),
        )?;
        for (from, kind) in &place.origin {
            tx.execute(
                "INSERT OR IGNORE INTO unit_origin (unit_id, from_unit, kind, competition_id)
                 VALUES (?1, ?2, ?3, ?4)",
                (
                    id,
                    from,
                    match kind {
                        Origin::Merge => "merge",
                        Origin::Split => "split",
                    },
                    comp,
                ),
            )?;
        }
        for a in &u.aliases {
            tx.execute(
                "INSERT OR IGNORE INTO unit_alias (unit_id, alias) VALUES (?1, ?2)",
                (id, a),
            )?;
        }
    }
    super::bump_version(tx)?;
    Ok(comp)
}

fn params_json(p: &crate::competition::MethodParams) -> Result<String> {
    serde_json::to_string(p).map_err(|e| StoreError::Io(std::io::Error::other(e)))
}
