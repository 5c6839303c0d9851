//! Publishing (揭榜) and corrections. Publishing a period freezes every group's ranked boards
//! (the quarter and the year so far) as snapshots in the same transaction; an import that
//! corrects a published period re-freezes the boards it changes, keeping the boards it
//! replaces. Pages read the snapshots, so a posted result changes only through a correction,
//! and a corrected board says so.

use crate::boards::{self, PUBLISHED_REASON, View};
use crate::domain::PeriodKey;
use crate::import::ImportPlan;
use crate::store::{
    self, ApplyOptions, ApplyOutcome, Correction, NewSnapshot, PeriodStatus, SnapshotCause,
    StoreError, Structure,
};
use rusqlite::{Connection, Transaction};

/// Publishes a period and freezes its boards (see `store::publish_period` for when it is
/// refused).
pub fn publish(conn: &mut Connection, key: PeriodKey) -> store::Result<()> {
    store::publish_period(conn, key, &|tx| {
        // A period is published once, so none of its boards has a snapshot yet.
        freeze_unfrozen(tx, &structure(tx)?, key, &PUBLISHED).map(|_| ())
    })
}

/// The cause recorded with the snapshots written at 揭榜.
const PUBLISHED: SnapshotCause<'static> = SnapshotCause {
    reason: PUBLISHED_REASON,
    batch_id: None,
};

/// Imports a file (see `store::import_file`); when it corrects a published period, the boards
/// of that period and of every later published period (whose movement and year-to-date sums
/// depend on it) are re-frozen in the same transaction.
pub fn import_file(
    conn: &mut Connection,
    bytes: &[u8],
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
) -> store::Result<(ImportPlan, ApplyOutcome)> {
    store::import_file(conn, bytes, file_name, default_period, opts, &refreeze)
}

fn refreeze(tx: &Transaction<'_>, c: &Correction<'_>) -> store::Result<Vec<String>> {
    let Some(&first) = c.periods.first() else {
        return Ok(Vec::new());
    };
    let s = structure(tx)?;
    let periods = c
        .periods
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("、");
    let reason = format!(
        "导入批次#{}（{}）更正了{}的已揭榜得分",
        c.batch_id, c.file_name, periods
    );
    let cause = SnapshotCause {
        reason: &reason,
        batch_id: Some(c.batch_id),
    };
    let later: Vec<PeriodKey> = s
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published && p.key >= first)
        .map(|p| p.key)
        .collect();
    let mut lines = Vec::new();
    let mut boards_changed = 0;
    for key in later {
        for (group, view, changes) in refreeze_period(tx, &s, key, &cause)? {
            boards_changed += 1;
            let view = match view {
                View::Quarter => "单季度",
                View::Cumulative => "累计",
            };
            lines.push(format!("{} {}（{}）：", key.label(), group, view));
            match changes {
                Some(changes) => lines.extend(
                    changes
                        .iter()
                        .map(|ch| format!("  {}", crate::present::describe_correction(ch))),
                ),
                None => lines.push("  此前没有冻结的榜单，无法逐个列出单位的变化".to_string()),
            }
        }
    }
    tracing::info!(
        batch = c.batch_id,
        boards = boards_changed,
        "published boards corrected"
    );
    Ok(lines)
}

/// A re-frozen board: its group's name, the view, and the units whose posted result changed
/// (`None` when there was no snapshot to compare with).
type Refrozen = (String, View, Option<Vec<boards::RankCorrection>>);

/// Re-freezes the boards of one published period for a correction, replacing a snapshot that
/// differs. Returns each re-frozen board with the units whose posted rank, total or movement
/// changed (`None` when the board had no snapshot to compare with: a database from before
/// snapshots that no writing command has opened yet).
fn refreeze_period(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    cause: &SnapshotCause<'_>,
) -> store::Result<Vec<Refrozen>> {
    let Some(period) = s.period(key) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for g in &s.groups {
        for view in [View::Quarter, View::Cumulative] {
            let before = store::load_snapshot(conn, period.id, g.id, view)?;
            let Some(b) = boards::compute_group_board(conn, s, key, g.id, view)? else {
                continue;
            };
            if save(conn, period.id, g.id, view, &b, cause)? {
                let changes = before.map(|old| boards::rank_corrections(&old.board, &b.board));
                out.push((g.name.clone(), view, changes));
            }
        }
    }
    Ok(out)
}

fn save(
    conn: &Connection,
    period_id: i64,
    group_id: i64,
    view: View,
    b: &boards::GroupBoard,
    cause: &SnapshotCause<'_>,
) -> store::Result<bool> {
    let ids: Vec<i64> = b.indicators.iter().map(|i| i.id).collect();
    let new = NewSnapshot {
        period_id,
        group_id,
        view,
        compared_with: b.previous,
        indicator_ids: &ids,
        rules_text: &b.rules_text,
        board: &b.board,
    };
    store::save_snapshot(conn, &new, cause)
}

/// Freezes the boards of one published period, every group and both views, that have no
/// current snapshot; a board that has one is never replaced here (only a correction does
/// that). Returns how many snapshots were written.
fn freeze_unfrozen(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    cause: &SnapshotCause<'_>,
) -> store::Result<usize> {
    let Some(period) = s.period(key) else {
        return Ok(0);
    };
    let mut written = 0;
    for g in &s.groups {
        for view in [View::Quarter, View::Cumulative] {
            if store::has_snapshot(conn, period.id, g.id, view)? {
                continue;
            }
            let Some(b) = boards::compute_group_board(conn, s, key, g.id, view)? else {
                continue;
            };
            if save(conn, period.id, g.id, view, &b, cause)? {
                written += 1;
            }
        }
    }
    Ok(written)
}

/// Freezes the boards of published periods that have none: a database from before snapshots
/// existed. Only the `freeze` command calls it — an explicit step, never a side effect of
/// reading — since it turns whatever the scores give today into the posted board. A board that
/// has a snapshot keeps it. Returns each period frozen with how many boards were written.
pub fn freeze_missing(conn: &mut Connection) -> store::Result<Vec<(PeriodKey, usize)>> {
    let missing = store::periods_missing_snapshots(conn)?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    store::write_tx(conn, |tx| {
        let s = structure(tx)?;
        let mut out = Vec::new();
        for &(_, key) in &missing {
            let written = freeze_unfrozen(tx, &s, key, &FROZEN_LATER)?;
            if written > 0 {
                out.push((key, written));
            }
        }
        if !out.is_empty() {
            store::bump_version(tx)?;
        }
        Ok(out)
    })
}

/// The cause recorded with boards frozen by `freeze`, after 揭榜.
const FROZEN_LATER: SnapshotCause<'static> = SnapshotCause {
    reason: "揭榜后补冻结（freeze）",
    batch_id: None,
};

fn structure(conn: &Connection) -> store::Result<Structure> {
    store::load_structure(conn)?
        .ok_or_else(|| StoreError::Invalid("数据库中还没有竞赛：请先初始化竞赛结构".into()))
}

/// A published board whose snapshot differs from ranking its stored scores today.
#[derive(Debug)]
pub struct Discrepancy {
    pub period: PeriodKey,
    pub group: String,
    pub view: View,
    /// What differs, in words.
    pub details: Vec<String>,
}

/// Ranks every published board again from the stored scores and compares it with the board as
/// posted. No difference is expected: scores of a published period change only through a
/// correction, which re-freezes. A difference means the scores were changed behind the
/// application's back, or the ranking rules changed since 揭榜.
pub fn verify(conn: &Connection) -> store::Result<Vec<Discrepancy>> {
    let s = structure(conn)?;
    let mut out = Vec::new();
    for p in s
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published)
    {
        for g in &s.groups {
            for view in [View::Quarter, View::Cumulative] {
                let posted = store::load_snapshot(conn, p.id, g.id, view)?;
                let now = boards::compute_group_board(conn, &s, p.key, g.id, view)?;
                let details = match (&posted, &now) {
                    (None, None) => continue,
                    (Some(_), None) => vec!["已揭榜的榜单无法根据现有得分重新计算".to_string()],
                    (None, Some(_)) => vec![
                        "已揭榜期间缺少冻结的榜单（旧版本的数据库？核对无误后可运行 shaibang freeze 补冻结）"
                            .to_string(),
                    ],
                    (Some(a), Some(b)) => snapshot_differences(a, b),
                };
                if !details.is_empty() {
                    out.push(Discrepancy {
                        period: p.key,
                        group: g.name.clone(),
                        view,
                        details,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// What differs between a posted board and ranking it again: the rows, the period movement is
/// measured against, and the rule line.
fn snapshot_differences(posted: &store::Snapshot, now: &boards::GroupBoard) -> Vec<String> {
    let mut d = board_differences(&posted.board, &now.board);
    if posted.compared_with != now.previous {
        let label = |k: Option<PeriodKey>| k.map_or_else(|| "无".to_string(), |k| k.label());
        d.push(format!(
            "名次变化的比较期间已揭榜为{}，按现有数据为{}",
            label(posted.compared_with),
            label(now.previous)
        ));
    }
    if posted.rules_text != now.rules_text {
        d.push(format!(
            "计分和并列规则说明已揭榜为「{}」，按现有规则为「{}」",
            posted.rules_text, now.rules_text
        ));
    }
    d
}

fn board_differences(posted: &crate::scoring::Board, now: &crate::scoring::Board) -> Vec<String> {
    use std::collections::HashMap;
    let now_by_unit: HashMap<i64, &crate::scoring::BoardRow> =
        now.rows.iter().map(|r| (r.unit_id, r)).collect();
    let mut out = Vec::new();
    for a in &posted.rows {
        let Some(b) = now_by_unit.get(&a.unit_id) else {
            out.push(format!("「{}」在重新计算的榜单中不存在", a.name));
            continue;
        };
        let rank = |r: Option<u32>| r.map_or_else(|| "不排名".to_string(), |r| format!("第{r}名"));
        if a.rank != b.rank || a.total != b.total {
            out.push(format!(
                "「{}」已揭榜为{}（{}分），按现有得分为{}（{}分）",
                a.name,
                rank(a.rank),
                a.total,
                rank(b.rank),
                b.total
            ));
        } else if a != *b {
            out.push(format!(
                "「{}」名次与总分相同，但明细（指标得分、并列或变化）不同",
                a.name
            ));
        }
    }
    let posted_units: std::collections::HashSet<i64> =
        posted.rows.iter().map(|r| r.unit_id).collect();
    for b in now
        .rows
        .iter()
        .filter(|r| !posted_units.contains(&r.unit_id))
    {
        out.push(format!("「{}」不在已揭榜的榜单中", b.name));
    }
    if now.rows.len() != posted.rows.len() {
        out.push(format!(
            "已揭榜{}个单位，按现有得分为{}个",
            posted.rows.len(),
            now.rows.len()
        ));
    }
    out
}
