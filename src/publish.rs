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
        let s = structure(tx)?;
        let cause = SnapshotCause {
            reason: PUBLISHED_REASON,
            batch_id: None,
        };
        freeze_period(tx, &s, key, &cause).map(|_| ())
    })
}

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

fn refreeze(tx: &Transaction<'_>, c: &Correction<'_>) -> store::Result<()> {
    let Some(&first) = c.periods.first() else {
        return Ok(());
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
    let mut changed = 0;
    for key in later {
        changed += freeze_period(tx, &s, key, &cause)?;
    }
    tracing::info!(
        batch = c.batch_id,
        boards = changed,
        "published boards corrected"
    );
    Ok(())
}

/// Freezes the current boards of one published period, every group and both views; a board
/// equal to its current snapshot is left as it is. Returns how many snapshots were written.
pub fn freeze_period(
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
            let Some(b) = boards::compute_group_board(conn, s, key, g.id, view)? else {
                continue;
            };
            let ids: Vec<i64> = b.indicators.iter().map(|i| i.id).collect();
            let new = NewSnapshot {
                period_id: period.id,
                group_id: g.id,
                view,
                compared_with: b.previous,
                indicator_ids: &ids,
                rules_text: &b.rules_text,
                board: &b.board,
            };
            if store::save_snapshot(conn, &new, cause)? {
                written += 1;
            }
        }
    }
    Ok(written)
}

/// Freezes the boards of published periods that have none: a database from before snapshots
/// existed. Their boards were shown ranked from the scores until now, so freezing what the
/// scores give today keeps what was shown. Returns how many periods were frozen.
pub fn freeze_missing(conn: &mut Connection) -> store::Result<usize> {
    let missing = store::periods_missing_snapshots(conn)?;
    if missing.is_empty() {
        return Ok(0);
    }
    store::write_tx(conn, |tx| {
        let s = structure(tx)?;
        let cause = SnapshotCause {
            reason: PUBLISHED_REASON,
            batch_id: None,
        };
        for (_, key) in &missing {
            freeze_period(tx, &s, *key, &cause)?;
        }
        store::bump_version(tx)?;
        Ok(missing.len())
    })
}

fn structure(conn: &Connection) -> store::Result<Structure> {
    store::load_structure(conn)?
        .ok_or_else(|| StoreError::Invalid("数据库中还没有竞赛：请先初始化竞赛结构".into()))
}
