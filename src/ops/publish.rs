//! 揭榜: publishing a period freezes every group's quarter and year-to-date boards in the same
//! transaction; `freeze_missing` freezes, as an explicit step, the boards of periods published
//! before boards were frozen. A board that has a snapshot is never replaced here (only a
//! correction does that, in `import`).

use super::error::Result;
use crate::boards::{self, PUBLISHED_REASON, View};
use crate::domain::PeriodKey;
use crate::domain::{GroupId, IndicatorId, PeriodId};
use crate::store::{self, NewSnapshot, SnapshotCause};
use rusqlite::Connection;

/// Publishes a period and freezes its boards (see `store::mark_published` for when it is
/// refused).
pub fn publish(conn: &mut Connection, key: PeriodKey) -> Result<()> {
    publish_by(
        conn,
        key,
        super::Actor {
            name: "命令行",
            address: None,
        },
        "揭榜",
    )
}

/// Publishes a period as `publish` does, with its audit entry in the same transaction.
pub fn publish_by(
    conn: &mut Connection,
    key: PeriodKey,
    actor: super::Actor<'_>,
    detail: &str,
) -> Result<()> {
    let tx = store::begin_write(conn)?;
    publish_in_tx(&tx, key, actor, detail)?;
    tx.commit()?;
    Ok(())
}

/// Marks a period published, audits it, freezes its boards and bumps the data version, in
/// the caller's transaction.
pub(super) fn publish_in_tx(
    tx: &rusqlite::Transaction<'_>,
    key: PeriodKey,
    actor: super::Actor<'_>,
    detail: &str,
) -> store::Result<()> {
    store::mark_published(tx, key)?;
    // The year's result goes through 公示 where the rules ask for it.
    if key.is_annual() {
        let s = super::scheme(tx, key.year)?;
        if let (Some(rule), Some(p)) = (&s.annual, s.period(key))
            && rule.publicity_days > 0
        {
            let until = crate::domain::Stamp::from_unix(
                store::now().unix() + i64::from(rule.publicity_days) * 86_400,
            );
            store::start_publicity(tx, p.id, until)?;
        }
    }
    store::audit(
        tx,
        &store::AuditEntry {
            actor: actor.name,
            action: store::AuditAction::Publish,
            period: Some(key),
            detail,
            address: actor.address,
        },
    )?;
    // A period is published once, so none of its boards has a snapshot yet.
    freeze_unfrozen(tx, key, &PUBLISHED)?;
    store::bump_version(tx)
}

/// The cause recorded with the snapshots written at 揭榜.
const PUBLISHED: SnapshotCause<'static> = SnapshotCause {
    reason: PUBLISHED_REASON,
    batch_id: None,
};

pub(super) fn save(
    conn: &Connection,
    period_id: PeriodId,
    group_id: GroupId,
    view: View,
    b: &boards::GroupBoard,
    cause: &SnapshotCause<'_>,
) -> store::Result<bool> {
    let ids: Vec<IndicatorId> = b.indicators.iter().map(|i| i.id).collect();
    let scoring: Vec<store::PostedRule> = b
        .indicators
        .iter()
        .filter_map(|i| i.posted_rule(group_id))
        .collect();
    let new = NewSnapshot {
        scoring: &scoring,
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
    key: PeriodKey,
    cause: &SnapshotCause<'_>,
) -> store::Result<usize> {
    // The boards of the period's own year's scheme.
    let s = &super::scheme(conn, key.year)?;
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
pub fn freeze_missing(conn: &mut Connection) -> Result<Vec<(PeriodKey, usize)>> {
    let missing = store::periods_missing_snapshots(conn)?;
    if missing.is_empty() {
        return Ok(Vec::new());
    }
    store::write_tx(conn, |tx| {
        let mut out = Vec::new();
        for &(_, key) in &missing {
            let written = freeze_unfrozen(tx, key, &FROZEN_LATER)?;
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
