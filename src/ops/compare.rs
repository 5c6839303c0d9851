//! Each group's board before and after a change staged in a transaction that is rolled back:
//! what an upload's preview and a rollback's preview show.

use crate::boards::{self, View};
use crate::domain::PeriodKey;
use crate::ranking::BoardRow;
use crate::store::{self, PeriodStatus};
use rusqlite::Connection;

/// One group's board before and after the file.
pub struct GroupPreview {
    pub period: PeriodKey,
    pub group: String,
    pub published: bool,
    pub rows: Vec<PreviewRow>,
    /// Computed indicators whose points change: what each unit reported and scores.
    pub computed: Vec<ComputedCell>,
}

/// A computed indicator's cell in the preview: the raw value and target the points come
/// from, and the points before and after.
pub struct ComputedCell {
    pub unit: String,
    pub indicator: String,
    pub measure: Option<String>,
    pub raw: Option<crate::domain::Points>,
    pub target: Option<crate::scoring::Ratio>,
    pub before: Option<crate::domain::Points>,
    pub after: Option<crate::domain::Points>,
    /// The method is relative: this unit's points moved with the others' values.
    pub relative: bool,
}

pub struct PreviewRow {
    pub before: Option<BoardRow>,
    pub after: BoardRow,
}

impl PreviewRow {
    /// The unit's rank, 红榜/黑榜 place, 等次, veto or total changes.
    #[must_use]
    pub fn changed(&self) -> bool {
        self.before.as_ref().is_none_or(|b| {
            b.rank != self.after.rank
                || b.tier != self.after.tier
                || b.total != self.after.total
                || b.grade.as_ref().map(|g| &g.name) != self.after.grade.as_ref().map(|g| &g.name)
                || b.veto != self.after.veto
        })
    }
}

/// Each group's board of `periods` as it stands (posted, or ranked for a draft).
pub(crate) type Before = Vec<(
    PeriodKey,
    crate::domain::GroupId,
    Option<boards::GroupBoard>,
)>;

pub(crate) fn boards_before(tx: &Connection, periods: &[PeriodKey]) -> store::Result<Before> {
    let mut schemes = super::Schemes::default();
    let mut before = Vec::new();
    for &key in periods {
        let s = schemes.of(tx, key.year)?;
        for g in &s.groups {
            let b = boards::group_board(tx, s, key, g.id, View::Quarter)?;
            before.push((key, g.id, b));
        }
    }
    Ok(before)
}

/// Each group of `before` ranked again from what the transaction now holds, row by row
/// against before; groups without a score or without a change are left out.
pub(crate) fn compare_boards(tx: &Connection, before: Before) -> store::Result<Vec<GroupPreview>> {
    let mut schemes = super::Schemes::default();
    let mut groups = Vec::new();
    for (key, gid, b) in before {
        let after_s = schemes.of(tx, key.year)?;
        let Some(after) = boards::compute_group_board(tx, after_s, key, gid, View::Quarter)? else {
            continue;
        };
        let published = after.period.status == PeriodStatus::Published;
        let had_scores = b.as_ref().is_some_and(|b| {
            b.board
                .rows
                .iter()
                .any(|r| r.points.iter().any(Option::is_some))
        });
        let mut old: std::collections::HashMap<_, _> = b
            .map(|b| b.board.rows.into_iter().map(|r| (r.unit_id, r)).collect())
            .unwrap_or_default();
        let rows: Vec<PreviewRow> = after
            .board
            .rows
            .into_iter()
            .map(|r| PreviewRow {
                before: old.remove(&r.unit_id),
                after: r,
            })
            .collect();
        let scored = rows
            .iter()
            .any(|r| r.after.points.iter().any(Option::is_some));
        // A group without a score before and after (or unchanged) is not shown; one the
        // change empties is (a rollback of its only file).
        if !(scored || had_scores) || !rows.iter().any(PreviewRow::changed) {
            continue;
        }
        let computed = computed_cells(tx, after_s, key, gid, &after.indicators, &rows)?;
        groups.push(GroupPreview {
            period: key,
            group: after.group.name,
            published,
            rows,
            computed,
        });
    }
    Ok(groups)
}

/// Every computed cell of a group whose points change, with the raw value and target behind
/// the new points.
fn computed_cells(
    tx: &Connection,
    s: &store::Structure,
    key: PeriodKey,
    group: crate::domain::GroupId,
    indicators: &[store::IndicatorRow],
    rows: &[PreviewRow],
) -> store::Result<Vec<ComputedCell>> {
    let explained = boards::scored::explain_group(tx, s, key, group)?;
    let mut out = Vec::new();
    for (unit, cells) in explained {
        let Some(row) = rows.iter().find(|r| r.after.unit_id == unit) else {
            continue;
        };
        for e in cells {
            let before = row.before.as_ref().and_then(|b| b.points[e.column]);
            let after = row.after.points[e.column];
            if before == after {
                continue;
            }
            let i = &indicators[e.column];
            out.push(ComputedCell {
                unit: row.after.name.clone(),
                indicator: i.name.clone(),
                measure: i.scoring.as_ref().and_then(|sc| sc.measure.clone()),
                raw: e.raw,
                target: e.target.map(boards::scored::TargetUsed::value),
                before,
                after,
                relative: e.rule.method.is_relative(),
            });
        }
    }
    Ok(out)
}
