//! Installing next year's scheme (考核方案): the new year's competition file and units list,
//! read against the scheme in force before it. `plan_scheme` says what changes — indicators
//! added, removed or changed, groups, units moved, renamed, merged, split, added or retired —
//! and writes nothing; `install_scheme` writes the scheme and its audit line in one
//! transaction. Earlier years' schemes, and every board ranked under them, are not touched.

use super::error::{Result, require};
use super::{Actor, structure};
use crate::auth::Role;
use crate::competition::{CompetitionSpec, SchemeDiff, UnitSpec};
use crate::domain::{GroupId, UnitId};
use crate::store::{self, AuditAction, AuditEntry, Origin, Structure, UnitPlacement};
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};

/// A scheme read and checked, ready to install.
#[derive(Debug, Clone)]
pub struct SchemePlan {
    pub year: i32,
    pub spec: CompetitionSpec,
    /// `placements[i]` places `spec.units[i]` among the units so far.
    pub placements: Vec<UnitPlacement>,
    pub diff: SchemeDiff,
}

/// Reads the year's competition file and units list against the scheme in force before
/// `year`: every error at once, or the plan. Writes nothing.
pub fn plan_scheme(
    conn: &Connection,
    year: i32,
    toml: &str,
    units_csv: &[u8],
) -> Result<SchemePlan> {
    let before = structure(conn)?;
    let mut errs = Vec::new();
    let latest = before.competition.year;
    if year <= latest {
        errs.push(format!(
            "已有{latest}年的考核方案：只能为更晚的年度安装新方案（已揭榜的榜单按其当年方案保存，不会改变）"
        ));
    }
    if let Some(p) = before.periods.iter().find(|p| p.key.year >= year) {
        errs.push(format!(
            "数据库中已有{}的期间：不能再为{year}年安装考核方案（该期间已按{}年的方案建立）",
            p.key.label(),
            before.scheme_year(p.key.year)
        ));
    }
    let spec = match CompetitionSpec::parse(toml, units_csv) {
        Ok(s) => Some(s),
        Err(e) => {
            errs.extend(e);
            None
        }
    };
    if let Some(s) = &spec
        && s.competition.year != year
    {
        errs.push(format!(
            "竞赛配置文件中 [competition] year = {}，与要安装的{year}年不一致",
            s.competition.year
        ));
    }
    let Some(spec) = spec.filter(|_| errs.is_empty()) else {
        return Err(super::OpsError::Input(errs));
    };
    let all_units = store::unit_names(conn)?;
    let placements = place_units(&before, &all_units, &spec.units)?;
    let diff = diff(&before, &spec, &placements);
    Ok(SchemePlan {
        year,
        spec,
        placements,
        diff,
    })
}

/// Installs a planned scheme, audited; planned again inside the transaction, so what is
/// written is what the plan said against the database as it is now.
pub fn install_scheme(
    conn: &mut Connection,
    actor: Actor<'_>,
    role: Role,
    year: i32,
    toml: &str,
    units_csv: &[u8],
    expected_version: Option<i64>,
) -> Result<SchemePlan> {
    require(role, Role::Admin, "安装考核方案")?;
    store::write_tx(conn, |tx| {
        // Nothing may have changed since the preview the 管理员 confirmed.
        if let Some(v) = expected_version
            && store::data_version(tx)?.0 != v
        {
            return Err(store::Refusal::StalePreview.into());
        }
        let plan = match plan_scheme(tx, year, toml, units_csv) {
            Ok(p) => p,
            Err(e) => return Ok::<_, store::StoreError>(Err(e)),
        };
        store::install_scheme(tx, &plan.spec, plan.year, &plan.placements)?;
        store::audit(
            tx,
            &AuditEntry {
                actor: actor.name,
                action: AuditAction::Scheme,
                period: None,
                detail: &format!(
                    "安装{}年考核方案「{}」：{}个组别，{}个指标，{}个单位；与{}年相比：{}",
                    plan.year,
                    plan.spec.competition.name,
                    plan.spec.groups.len(),
                    plan.spec.indicators.len(),
                    plan.spec.units.len(),
                    plan.diff.previous_year,
                    crate::present::scheme_changes(&plan.diff).join("；")
                ),
                address: actor.address,
            },
        )?;
        Ok(Ok(plan))
    })?
}

/// A scheme's inputs as the confirm form carries them back: the units list as hex (it may
/// be GBK), so the bytes installed are the bytes previewed.
#[must_use]
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `to_hex` read back; `None` for anything that is not hex.
#[must_use]
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let t = text.trim().as_bytes();
    if !t.len().is_multiple_of(2) {
        return None;
    }
    t.chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
        .collect()
}

/// Which earlier unit each unit of the new list continues, and where new ones came from.
fn place_units(
    before: &Structure,
    all_units: &[(UnitId, String)],
    units: &[UnitSpec],
) -> Result<Vec<UnitPlacement>> {
    let mut errs = Vec::new();
    let prev = |name: &str, row: usize, what: &str, errs: &mut Vec<String>| {
        let found = before.unit_by_name(name).map(|u| u.id);
        if found.is_none() {
            errs.push(format!(
                "单位名单第{row}行：{what}「{name}」不是{}年考核的单位",
                before.competition.year
            ));
        }
        found
    };
    // An earlier unit by its name in any year (a unit that returns keeps its id).
    let any = |name: &str| {
        let n = crate::text::normalize_name(name);
        before.unit_by_name(name).map(|u| u.id).or_else(|| {
            all_units
                .iter()
                .find(|(_, x)| crate::text::normalize_name(x) == n)
                .map(|(id, _)| *id)
        })
    };
    let mut out = Vec::with_capacity(units.len());
    for (i, u) in units.iter().enumerate() {
        // Row 1 is the header.
        let row = i + 2;
        let mut place = UnitPlacement::default();
        if let Some(former) = &u.former {
            place.continues = prev(former, row, "原名称", &mut errs);
            if let (Some(id), Some(other)) = (place.continues, any(&u.name))
                && other != id
            {
                errs.push(format!(
                    "单位名单第{row}行：新名称「{}」已是另一个单位的名称，不能把「{former}」改为此名",
                    u.name
                ));
            }
        } else if !u.merged_from.is_empty() {
            for name in &u.merged_from {
                if let Some(id) = prev(name, row, "合并自", &mut errs) {
                    if crate::text::normalize_name(name) == crate::text::normalize_name(&u.name) {
                        place.continues = Some(id);
                    } else {
                        place.origin.push((id, Origin::Merge));
                    }
                }
            }
        } else if let Some(from) = &u.split_from {
            if let Some(id) = prev(from, row, "拆分自", &mut errs) {
                if crate::text::normalize_name(from) == crate::text::normalize_name(&u.name) {
                    place.continues = Some(id);
                } else {
                    place.origin.push((id, Origin::Split));
                }
            }
        } else {
            place.continues = any(&u.name);
        }
        out.push(place);
    }
    let mut seen: HashMap<UnitId, usize> = HashMap::new();
    for (i, p) in out.iter().enumerate() {
        if let Some(id) = p.continues
            && let Some(j) = seen.insert(id, i)
        {
            errs.push(format!(
                "单位名单第{}行「{}」与第{}行「{}」都接续同一个单位，请核对「原名称」",
                i + 2,
                units[i].name,
                j + 2,
                units[j].name
            ));
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(super::OpsError::Input(errs))
    }
}

fn diff(before: &Structure, spec: &CompetitionSpec, placements: &[UnitPlacement]) -> SchemeDiff {
    let mut d = SchemeDiff {
        previous_year: before.competition.year,
        ..SchemeDiff::default()
    };
    let group_name = |id: GroupId| before.group(id).map_or("", |g| g.name.as_str());
    for g in &spec.groups {
        match before.groups.iter().find(|o| o.name == g.name) {
            None => d.groups_added.push(g.name.clone()),
            Some(o) => {
                let mut what = Vec::new();
                if o.red != g.red || o.black != g.black {
                    what.push(format!(
                        "红榜/黑榜由{}/{}个改为{}/{}个",
                        o.red, o.black, g.red, g.black
                    ));
                }
                let old_ties: Vec<String> = o
                    .tie_breaks
                    .iter()
                    .filter_map(|t| before.indicators.iter().find(|i| i.id == *t))
                    .map(|i| i.name.clone())
                    .collect();
                let new_ties: Vec<String> = g
                    .tie_break
                    .iter()
                    .map(|t| {
                        spec.indicators
                            .iter()
                            .find(|i| &i.code == t || &i.name == t)
                            .map_or_else(|| t.clone(), |i| i.name.clone())
                    })
                    .collect();
                if old_ties != new_ties {
                    what.push(format!(
                        "同分比较顺序由「{}」改为「{}」",
                        old_ties.join("、"),
                        new_ties.join("、")
                    ));
                }
                if !what.is_empty() {
                    d.groups_changed.push((g.name.clone(), what.join("，")));
                }
            }
        }
    }
    for o in &before.groups {
        if !spec.groups.iter().any(|g| g.name == o.name) {
            d.groups_removed.push(o.name.clone());
        }
    }
    for i in &spec.indicators {
        let label = format!("{}（{}）", i.name, i.code);
        let Some(o) = before.indicators.iter().find(|o| o.code == i.code) else {
            d.indicators_added.push(label);
            continue;
        };
        let mut what = Vec::new();
        if o.name != i.name {
            what.push(format!("名称由「{}」改为「{}」", o.name, i.name));
        }
        let max = CompetitionSpec::points(i.max);
        if o.max != max {
            what.push(format!("满分由{}分改为{}分", o.max, max));
        }
        let weight = i.weight.map(CompetitionSpec::points);
        if o.weight != weight {
            let w =
                |x: Option<crate::domain::Points>| x.map_or_else(|| "1".into(), |p| p.to_string());
            what.push(format!("权重由{}改为{}", w(o.weight), w(weight)));
        }
        if o.direction.as_str() != i.direction.trim() {
            what.push("计分方向改变".into());
        }
        let old_groups: Vec<&str> = o.groups.iter().map(|&g| group_name(g)).collect();
        if old_groups.len() != i.groups.len()
            || i.groups.iter().any(|g| !old_groups.contains(&g.as_str()))
        {
            what.push(format!(
                "适用组别由「{}」改为「{}」",
                old_groups.join("、"),
                i.groups.join("、")
            ));
        }
        let old_method = o.scoring.as_ref().map_or("direct", |s| s.method.as_str());
        if old_method != i.method.trim() {
            what.push(format!(
                "计分方法由「{}」改为「{}」",
                old_method,
                i.method.trim()
            ));
        } else if let Some(sc) = &o.scoring {
            let changed = i.groups.iter().any(|gname| {
                let new = i
                    .group_params
                    .iter()
                    .find(|p| &p.group == gname)
                    .map_or(&i.params, |p| &p.params);
                let old = before
                    .groups
                    .iter()
                    .find(|g| &g.name == gname)
                    .and_then(|g| sc.params.iter().find(|(x, _)| *x == g.id));
                old.is_none_or(|(_, o)| {
                    serde_json::to_string(new).ok().as_deref() != Some(o.as_str())
                })
            });
            if changed {
                what.push("计分参数改变".into());
            }
        }
        if !what.is_empty() {
            d.indicators_changed.push((label, what.join("，")));
        }
    }
    for o in &before.indicators {
        if !spec.indicators.iter().any(|i| i.code == o.code) {
            d.indicators_removed
                .push(format!("{}（{}）", o.name, o.code));
        }
    }
    d.grades_changed = before.competition.grades != spec.grade_rules();
    let mut kept: HashSet<UnitId> = HashSet::new();
    for (u, p) in spec.units.iter().zip(placements) {
        if let Some(id) = p.continues {
            kept.insert(id);
            if let Some(o) = before.unit(id) {
                if o.name != u.name {
                    d.units_renamed.push((o.name.clone(), u.name.clone()));
                }
                let from = group_name(o.group_id);
                if from != u.group {
                    d.units_moved
                        .push((u.name.clone(), from.to_string(), u.group.clone()));
                }
            }
        }
        let name = |id: &UnitId| {
            before
                .unit(*id)
                .map_or_else(String::new, |x| x.name.clone())
        };
        let merged: Vec<UnitId> = p
            .origin
            .iter()
            .filter(|(_, k)| *k == Origin::Merge)
            .map(|(id, _)| *id)
            .chain(p.continues.filter(|_| !u.merged_from.is_empty()))
            .collect();
        if !merged.is_empty() {
            kept.extend(merged.iter().copied());
            d.units_merged.push((u.name.clone(), u.merged_from.clone()));
        }
        if let Some((from, _)) = p.origin.iter().find(|(_, k)| *k == Origin::Split) {
            kept.insert(*from);
            d.units_split.push((u.name.clone(), name(from)));
        }
        if p.continues.is_none() && p.origin.is_empty() {
            d.units_added.push(u.name.clone());
        }
    }
    for o in &before.units {
        if !kept.contains(&o.id) {
            d.units_retired.push(o.name.clone());
        }
    }
    d
}
