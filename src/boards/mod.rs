//! Assembles ranked boards: loads a period's values from the store, hands them to `scoring`,
//! and returns the result with the structure needed to show it. Computes no rank itself.
//! `compute` ranks from the scores, `rules` words the rule line; this module reads a
//! published board as posted.

use crate::domain::{GroupId, UnitId};
use crate::domain::{MissingPolicy, PeriodKey, Total};
use crate::ranking::{self as ranking, Board};
use crate::store::{self, GroupRow, IndicatorRow, PeriodRow, PeriodStatus, Structure};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;

pub use crate::domain::View;

mod annual;
mod compute;
mod method_words;
mod rules;
pub mod scored;
mod years;

/// Ranks one group from the stored scores, ignoring its own snapshot: what 揭榜 freezes, and
/// what a draft shows (a quarter, its year to date, or the year's result).
pub fn compute_group_board(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group_id: GroupId,
    view: View,
) -> store::Result<Option<GroupBoard>> {
    if key.is_annual() {
        // The year's result has one board: no year to date of it.
        let (Some(period), Some(group), View::Quarter) = (s.period(key), s.group(group_id), view)
        else {
            return Ok(None);
        };
        return annual::annual_board(conn, s, period, group);
    }
    compute::compute_quarter_board(conn, s, key, group_id, view)
}
pub use annual::quarter_totals;
pub use rules::rules_text;
pub use years::{NoYoy, UnitYoy, YearOnYear, year_on_year};

/// One group's ranked board in one period.
#[derive(Debug, Clone, Serialize)]
pub struct GroupBoard {
    pub period: PeriodRow,
    pub view: View,
    /// `2023年第三季度` or `2023年1–3季度累计`.
    pub title: String,
    /// The period that movement is measured against.
    pub previous: Option<PeriodKey>,
    pub group: GroupRow,
    pub indicators: Vec<IndicatorRow>,
    pub board: Board,
    pub missing_policy: MissingPolicy,
    /// The scoring and tie rules that produced the board, in words.
    pub rules_text: String,
    /// The snapshot this board was read from; `None` when it was ranked now (a draft).
    #[serde(skip)]
    pub frozen: Option<store::SnapshotMeta>,
    /// Set when the posted board was later corrected.
    pub corrected: Option<Correction>,
    /// 同比: the same period a year before, where it was published (set by the reader that
    /// has both years at hand; never part of a posted board).
    #[serde(skip)]
    pub year_on_year: Option<YearOnYear>,
    /// The 公示 of a published result, where the rules ask for one.
    #[serde(skip)]
    pub publicity: Option<store::Publicity>,
}

/// The nearest earlier published period: movement is always against what was posted.
#[must_use]
pub fn previous_published(structure: &Structure, key: PeriodKey) -> Option<&PeriodRow> {
    structure
        .own_periods()
        .rev()
        .find(|p| p.key < key && p.status == PeriodStatus::Published && !p.key.is_annual())
}

/// Every group's board in a period, in display order.
pub fn period_boards(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
) -> store::Result<Vec<GroupBoard>> {
    let mut out = Vec::with_capacity(s.groups.len());
    for g in &s.groups {
        if let Some(b) = group_board(conn, s, key, g.id, View::Quarter)? {
            out.push(b);
        }
    }
    Ok(out)
}

/// One group's board in a period; `None` when the period or the group does not exist (or,
/// for the cumulative view, when a quarter of the year is not published). A published board
/// is read from the snapshot frozen at 揭榜, exactly as posted; a draft is ranked now.
pub fn group_board(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group_id: GroupId,
    view: View,
) -> store::Result<Option<GroupBoard>> {
    let (Some(period), Some(group)) = (s.period(key), s.group(group_id)) else {
        return Ok(None);
    };
    // A group exists only in its year's scheme: another year's period has no board of it.
    if !s.covers(key.year) {
        return Ok(None);
    }
    if period.status == PeriodStatus::Published
        && let Some(snap) = store::load_snapshot(conn, period.id, group.id, view)?
    {
        let mut indicators: Vec<IndicatorRow> = if key.is_annual() {
            annual::annual_columns(s, group)
        } else {
            s.group_indicators(group.id).into_iter().cloned().collect()
        };
        // A posted board explains its points by the rules it was computed with.
        if let Some(posted) = &snap.scoring {
            for i in &mut indicators {
                match posted.iter().find(|p| p.indicator == i.id) {
                    Some(p) => i.with_posted_rule(group.id, p)?,
                    None => i.scoring = None,
                }
            }
        }
        if indicators
            .iter()
            .map(|i| i.id)
            .eq(snap.indicator_ids.iter().copied())
        {
            let corrected = if snap.supersedes {
                Some(correction_of(
                    conn,
                    &s.competition.zone,
                    period,
                    group.id,
                    view,
                    &snap,
                )?)
            } else {
                None
            };
            return Ok(Some(GroupBoard {
                period: period.clone(),
                view,
                title: title(period.key, view),
                previous: snap.compared_with,
                group: group.clone(),
                indicators,
                board: snap.board,
                missing_policy: s.competition.missing,
                rules_text: snap.rules_text,
                frozen: Some(snap.meta),
                corrected,
                year_on_year: None,
                publicity: if key.is_annual() {
                    store::publicity(conn, period.id)?
                } else {
                    None
                },
            }));
        }
        // The structure never changes after init, so this is a damaged database: rank anew
        // rather than show points under the wrong indicators.
        tracing::warn!(period = %key, group = group.id.0, "snapshot columns differ from the structure");
    }
    compute_group_board(conn, s, key, group_id, view)
}

/// What `snap`, a correction, changed against the board posted before it.
fn correction_of(
    conn: &Connection,
    zone: &crate::domain::Zone,
    period: &PeriodRow,
    group_id: GroupId,
    view: View,
    snap: &store::Snapshot,
) -> store::Result<Correction> {
    let history = store::snapshot_history(conn, period.id, group_id, view)?;
    // Against the board as announced at 揭榜: what an official remembers from the lobby.
    let before = history
        .first()
        .filter(|m| m.id < snap.meta.id)
        .map(|m| store::snapshot_results(conn, m.id))
        .transpose()?
        .unwrap_or_default();
    let changes = corrections(&before, &snap.board);
    Ok(Correction {
        first_published: period
            .published_at
            .or_else(|| history.first().map(|m| m.created_at))
            .map(|at| zone.show(at))
            .unwrap_or_default(),
        history: history
            .into_iter()
            .skip(1)
            .map(|m| Version {
                id: m.id,
                reason: m.reason,
                batch_id: m.batch_id,
                created_at: zone.show(m.created_at),
            })
            .collect(),
        changes,
    })
}

/// Units whose rank, total or movement differs between `before` and `now`, in `now`'s order.
fn corrections(before: &[store::EarlierResult], now: &Board) -> Vec<RankCorrection> {
    let before: HashMap<UnitId, &store::EarlierResult> =
        before.iter().map(|r| (r.unit_id, r)).collect();
    now.rows
        .iter()
        .filter_map(|r| {
            let b = before.get(&r.unit_id)?;
            (b.rank != r.rank || b.total != r.total || b.change != r.change).then(|| {
                RankCorrection {
                    unit_id: r.unit_id,
                    unit: r.name.clone(),
                    rank_before: b.rank,
                    rank_now: r.rank,
                    total_before: b.total,
                    total_now: r.total,
                    change_before: b.change,
                    change_now: r.change,
                }
            })
        })
        .collect()
}

/// What changed for each unit between a posted board and its correction.
#[must_use]
pub fn rank_corrections(before: &Board, now: &Board) -> Vec<RankCorrection> {
    let before: Vec<store::EarlierResult> = before
        .rows
        .iter()
        .map(|r| store::EarlierResult {
            unit_id: r.unit_id,
            rank: r.rank,
            total: r.total,
            change: r.change,
            tier: r.tier,
        })
        .collect();
    corrections(&before, now)
}

/// The reason recorded with the snapshot written at 揭榜.
pub const PUBLISHED_REASON: &str = "揭榜";

/// One correction of a posted board: when (in the office's time) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    pub id: i64,
    pub reason: String,
    pub batch_id: Option<i64>,
    pub created_at: String,
}

/// A published board that was corrected after 揭榜: shown on the board, never silent.
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    /// When the board was first posted, in the office's time.
    pub first_published: String,
    /// Every correction since, oldest first (the last produced the board shown).
    pub history: Vec<Version>,
    /// Units whose rank, total or movement differs from the board posted at 揭榜.
    pub changes: Vec<RankCorrection>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankCorrection {
    pub unit_id: UnitId,
    pub unit: String,
    pub rank_before: Option<u32>,
    pub rank_now: Option<u32>,
    pub total_before: Total,
    pub total_now: Total,
    pub change_before: ranking::Change,
    pub change_now: ranking::Change,
}

/// Quarterly boards of one group for every published period, oldest first.
pub fn group_history(
    conn: &Connection,
    s: &Structure,
    group_id: GroupId,
) -> store::Result<Vec<GroupBoard>> {
    let mut out = Vec::new();
    for p in s
        .own_periods()
        .filter(|p| p.status == PeriodStatus::Published && !p.key.is_annual())
    {
        if let Some(b) = group_board(conn, s, p.key, group_id, View::Quarter)? {
            out.push(b);
        }
    }
    Ok(out)
}

pub(crate) fn title(key: PeriodKey, view: View) -> String {
    match view {
        View::Quarter => key.label(),
        View::Cumulative => key.year_to_date_label(),
    }
}
