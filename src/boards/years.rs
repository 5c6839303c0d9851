//! 同比: each unit of a board against the same quarter (or year to date) of the year before,
//! as that year's board was posted. Units are the same unit across years by id; a unit that
//! ranked in another group, or a board whose rules changed, is said so, since ranks under
//! different rules say less.

use super::GroupBoard;
use crate::domain::{GroupId, PeriodKey, UnitId};
use crate::store::{self, Structure};
use serde::Serialize;

/// A board's comparison with the same period a year before.
#[derive(Debug, Clone, Serialize)]
pub struct YearOnYear {
    pub previous: PeriodKey,
    /// What differs in this group's rules from the year before (indicators added or removed,
    /// maxima changed, units moved in or out); empty when the same.
    pub rules_changed: Vec<String>,
    pub rows: Vec<(UnitId, UnitYoy)>,
}

impl YearOnYear {
    #[must_use]
    pub fn of(&self, unit: UnitId) -> Option<&UnitYoy> {
        self.rows.iter().find(|(u, _)| *u == unit).map(|(_, y)| y)
    }
}

/// One unit a year before.
#[derive(Debug, Clone, Serialize)]
pub struct UnitYoy {
    /// Its rank then (`None`: not ranked, or not in the competition).
    pub rank: Option<u32>,
    pub tied: bool,
    /// The group it ranked in then, when another one (by name).
    pub other_group: Option<String>,
    pub why_none: Option<NoYoy>,
}

/// Why a unit has no rank a year before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoYoy {
    /// Formed by a merger this year.
    Merged,
    /// Split off another unit this year.
    Split,
    /// Not in the competition the year before.
    Absent,
    /// In the competition, but not ranked (or no score) on that board.
    Unranked,
}

/// 同比 of `now` (a board of `s`) against `last_s`'s board of the same period a year before,
/// which `last_board` returns for a group of `last_s`.
pub fn year_on_year(
    conn: &rusqlite::Connection,
    s: &Structure,
    now: &GroupBoard,
    last_s: &Structure,
    last_board: &mut dyn FnMut(GroupId) -> store::Result<Option<std::sync::Arc<GroupBoard>>>,
) -> store::Result<Option<YearOnYear>> {
    let previous = PeriodKey {
        year: now.period.key.year - 1,
        quarter: now.period.key.quarter,
    };
    let mut boards: Vec<(GroupId, Option<std::sync::Arc<GroupBoard>>)> = Vec::new();
    let mut rows = Vec::with_capacity(now.board.rows.len());
    for r in &now.board.rows {
        let Some(then) = last_s.unit(r.unit_id) else {
            let l = store::lineage(conn, r.unit_id)?;
            let year = now.period.key.year;
            let why = if l.merged_from.as_ref().is_some_and(|(y, _)| *y == year) {
                NoYoy::Merged
            } else if l.split_from.as_ref().is_some_and(|(y, ..)| *y == year) {
                NoYoy::Split
            } else {
                NoYoy::Absent
            };
            rows.push((r.unit_id, none(why)));
            continue;
        };
        let g = then.group_id;
        let b = match boards.iter().find(|(x, _)| *x == g) {
            Some((_, b)) => b.clone(),
            None => {
                let b = last_board(g)?;
                boards.push((g, b.clone()));
                b
            }
        };
        let Some(b) = b else {
            continue;
        };
        let other_group = last_s
            .group(g)
            .map(|x| x.name.clone())
            .filter(|n| *n != now.group.name);
        match b.board.rows.iter().find(|x| x.unit_id == r.unit_id) {
            Some(x) if x.rank.is_some() => rows.push((
                r.unit_id,
                UnitYoy {
                    rank: x.rank,
                    tied: x.tied,
                    other_group,
                    why_none: None,
                },
            )),
            _ => rows.push((r.unit_id, none(NoYoy::Unranked))),
        }
    }
    if boards.iter().all(|(_, b)| b.is_none()) && !boards.is_empty() {
        return Ok(None);
    }
    Ok(Some(YearOnYear {
        previous,
        rules_changed: rules_changed(s, now, last_s),
        rows,
    }))
}

fn none(why: NoYoy) -> UnitYoy {
    UnitYoy {
        rank: None,
        tied: false,
        other_group: None,
        why_none: Some(why),
    }
}

/// What differs in a group's rules between two years' schemes, in words (empty: the same,
/// or the same scheme).
fn rules_changed(s: &Structure, now: &GroupBoard, last_s: &Structure) -> Vec<String> {
    if s.competition.id == last_s.competition.id {
        return Vec::new();
    }
    let Some(then) = last_s.groups.iter().find(|g| g.name == now.group.name) else {
        return vec![format!(
            "{}年没有{}",
            last_s.competition.year, now.group.name
        )];
    };
    let mut out = Vec::new();
    let old = last_s.group_indicators(then.id);
    let added: Vec<&str> = now
        .indicators
        .iter()
        .filter(|i| !old.iter().any(|o| o.code == i.code))
        .map(|i| i.name.as_str())
        .collect();
    let removed: Vec<&str> = old
        .iter()
        .filter(|o| !now.indicators.iter().any(|i| i.code == o.code))
        .map(|o| o.name.as_str())
        .collect();
    let changed: Vec<&str> = now
        .indicators
        .iter()
        .filter(|i| {
            old.iter()
                .any(|o| o.code == i.code && (o.max != i.max || o.weight != i.weight))
        })
        .map(|i| i.name.as_str())
        .collect();
    if !added.is_empty() {
        out.push(format!("新增指标{}", added.join("、")));
    }
    if !removed.is_empty() {
        out.push(format!("取消指标{}", removed.join("、")));
    }
    if !changed.is_empty() {
        out.push(format!("{}的分值调整", changed.join("、")));
    }
    let units_then: Vec<UnitId> = last_s.group_units(then.id).iter().map(|u| u.id).collect();
    let units_now: Vec<UnitId> = s.group_units(now.group.id).iter().map(|u| u.id).collect();
    if units_then.len() != units_now.len() || units_now.iter().any(|u| !units_then.contains(u)) {
        out.push("组内单位有调整".into());
    }
    out
}
