//! 揭榜 at a set time: scheduling and cancelling (管理员, audited), and `publish_due`, which the
//! server runs every few seconds with its clock: each due period is published in one
//! transaction with its schedule marked done (or failed, with why) and its audit entry.

use super::Actor;
use super::error::Result;
use super::publish::publish_in_tx;
use super::structure;
use crate::domain::PeriodKey;
use crate::store::{self, AuditAction, AuditEntry, Refusal, StoreError};
use rusqlite::Connection;

/// A scheduled time as the audit log says it: the office's time, named (「2026-12-01 09:00
/// 北京时间」), whatever the server's zone.
fn when(conn: &Connection, at: i64) -> store::Result<String> {
    let zone = store::office_zone(conn)?;
    let name = if zone == crate::domain::Zone::default() {
        "北京时间".to_string()
    } else {
        zone.to_string()
    };
    Ok(format!("{} {name}", zone.minute(at)))
}

/// Schedules a draft period's 揭榜 for `at` (Unix seconds, later than `now`).
pub fn schedule(
    conn: &mut Connection,
    key: PeriodKey,
    at: i64,
    now: i64,
    actor: Actor<'_>,
) -> Result<()> {
    if at <= now {
        return Err(Refusal::ScheduleInPast.into());
    }
    Ok(store::write_tx(conn, |tx| {
        let s = structure(tx)?;
        let p = s.period(key).ok_or(Refusal::NoSuchPeriod { period: key })?;
        if p.status == store::PeriodStatus::Published {
            return Err(Refusal::AlreadyPublished { period: key }.into());
        }
        store::schedule_publish(tx, p.id, key, at, actor.name)?;
        store::audit(
            tx,
            &AuditEntry {
                actor: actor.name,
                action: AuditAction::Schedule,
                period: Some(key),
                detail: &format!("定于{}揭榜", when(tx, at)?),
                address: actor.address,
            },
        )
    })?)
}

pub fn cancel_schedule(conn: &mut Connection, key: PeriodKey, actor: Actor<'_>) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        let s = structure(tx)?;
        let p = s.period(key).ok_or(Refusal::NoSuchPeriod { period: key })?;
        let at = store::cancel_schedule(tx, p.id, key)?;
        store::audit(
            tx,
            &AuditEntry {
                actor: actor.name,
                action: AuditAction::CancelSchedule,
                period: Some(key),
                detail: &format!("取消了定于{}的揭榜", when(tx, at)?),
                address: actor.address,
            },
        )
    })?)
}

/// Publishes every period whose scheduled time has come; returns what happened to each.
pub fn publish_due(conn: &mut Connection, now: i64) -> Result<Vec<(PeriodKey, String)>> {
    let due = store::due_schedules(conn, now)?;
    let mut out = Vec::new();
    for d in due {
        let detail = format!("按{}设定的时间（{}）自动揭榜", d.by, when(conn, d.at)?);
        let actor = Actor {
            name: "定时揭榜",
            address: None,
        };
        let tx = store::begin_write(conn)?;
        // Claimed inside the transaction: a cancel that came first wins.
        if !store::finish_schedule(&tx, d.id, true, "已揭榜")? {
            continue;
        }
        let outcome = match publish_in_tx(&tx, d.key, actor, &detail) {
            Ok(()) => {
                tx.commit()?;
                "已揭榜".to_string()
            }
            Err(StoreError::Refused(r)) => {
                // Nothing of the publish is kept; the failure is recorded, with its audit.
                drop(tx);
                let why = r.to_string();
                store::write_tx(conn, |tx| {
                    if !store::finish_schedule(tx, d.id, false, &why)? {
                        return Ok(());
                    }
                    store::audit(
                        tx,
                        &AuditEntry {
                            actor: actor.name,
                            action: AuditAction::Publish,
                            period: Some(d.key),
                            detail: &format!("{detail}未成功：{why}"),
                            address: None,
                        },
                    )
                })?;
                format!("未能揭榜：{why}")
            }
            Err(e) => return Err(e.into()),
        };
        tracing::info!(period = %d.key, outcome = %outcome, "scheduled publish");
        out.push((d.key, outcome));
    }
    close_publicity(conn, now)?;
    Ok(out)
}

/// Makes final every result whose 公示期 is over (the scheduler's tick), so that no page
/// says 公示中 after it ends.
pub fn close_publicity(conn: &mut Connection, now: i64) -> Result<usize> {
    Ok(store::write_tx(conn, |tx| {
        let n = store::close_expired_publicity(tx, crate::domain::Stamp::from_unix(now))?;
        if n > 0 {
            store::bump_version(tx)?;
        }
        Ok::<_, store::StoreError>(n)
    })?)
}

/// Sets (`at`, Unix seconds) or removes (`None`) a draft period's 报送截止, the period's own
/// (`indicator: None`) or one indicator's, audited. A published period's deadlines are fixed:
/// changing them would change posted 逾期报送扣分.
pub fn set_deadline(
    conn: &mut Connection,
    key: PeriodKey,
    indicator: Option<crate::domain::IndicatorId>,
    at: Option<i64>,
    actor: Actor<'_>,
) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        let s = super::scheme(tx, key.year)?;
        let p = s.period(key).ok_or(Refusal::NoSuchPeriod { period: key })?;
        if p.status == store::PeriodStatus::Published {
            return Err(Refusal::DeadlinePublished { period: key }.into());
        }
        let what = match indicator {
            None => "报送截止时间".to_string(),
            Some(id) => {
                let i = s
                    .indicators
                    .iter()
                    .find(|i| i.id == id)
                    .ok_or_else(|| StoreError::from(Refusal::NoSuchIndicator { id: id.0 }))?;
                format!("「{}」的报送截止时间", i.name)
            }
        };
        store::set_deadline(
            tx,
            p.id,
            indicator,
            at.map(crate::domain::Stamp::from_unix),
            actor.name,
        )?;
        let detail = match at {
            Some(at) => format!("{}{what}设为{}", key.label(), when(tx, at)?),
            None => format!("{}取消{what}", key.label()),
        };
        store::audit(
            tx,
            &AuditEntry {
                actor: actor.name,
                action: AuditAction::Deadline,
                period: Some(key),
                detail: &detail,
                address: actor.address,
            },
        )
    })?)
}
