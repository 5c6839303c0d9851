//! Rolling back an import batch (管理员, with a reason). A rollback that touches a published
//! period is a correction: its boards are re-frozen in the same transaction with the reason,
//! and the 本榜已更正 record shows it.

use super::import::refreeze;
use super::uploads::Actor;
use crate::store::{self, AuditAction, AuditEntry, PeriodStatus, Refusal};
use rusqlite::Connection;

/// Undoes batch `batch`; returns the batch that records the rollback.
pub fn rollback(
    conn: &mut Connection,
    batch: i64,
    reason: &str,
    actor: Actor<'_>,
) -> store::Result<i64> {
    let Some(reason) = crate::text::visible_text(reason, true) else {
        return Err(Refusal::RollbackNeedsReason.into());
    };
    let reason = reason.as_str();
    store::write_tx(conn, |tx| {
        let s = super::structure(tx)?;
        let periods = store::batch_periods(tx, batch)?;
        let rb = store::rollback_batch(tx, batch, reason, actor.name)?;
        let mut published: Vec<_> = s
            .periods
            .iter()
            .filter(|p| periods.contains(&p.id) && p.status == PeriodStatus::Published)
            .map(|p| p.key)
            .collect();
        published.sort();
        let label = format!("撤销导入批次#{batch}");
        refreeze(tx, &published, rb, &label, actor.name, Some(reason))?;
        for p in s.periods.iter().filter(|p| periods.contains(&p.id)) {
            let action = if p.status == PeriodStatus::Published {
                AuditAction::Correction
            } else {
                AuditAction::Rollback
            };
            store::audit(
                tx,
                &AuditEntry {
                    actor: actor.name,
                    action,
                    period: Some(p.key),
                    detail: &format!("撤销导入批次 #{batch}（记录为批次 #{rb}）；原因：{reason}"),
                    address: actor.address,
                },
            )?;
        }
        store::bump_version(tx)?;
        Ok(rb)
    })
}

/// Sets which provider (报送单位) reports each indicator, audited.
pub fn set_providers(
    conn: &mut Connection,
    providers: &[(crate::domain::IndicatorId, Option<String>)],
    actor: Actor<'_>,
) -> store::Result<usize> {
    store::write_tx(conn, |tx| {
        let s = super::structure(tx)?;
        let mut changed = Vec::new();
        for (id, provider) in providers {
            let provider = provider.as_deref().map(str::trim).filter(|p| !p.is_empty());
            if provider.is_some_and(|p| crate::text::visible_text(p, false).is_none()) {
                return Err(Refusal::InvisibleText {
                    what: "报送单位名称",
                }
                .into());
            }
            let Some(ind) = s.indicators.iter().find(|i| i.id == *id) else {
                continue;
            };
            if ind.provider.as_deref() != provider {
                store::set_indicator_provider(tx, *id, provider)?;
                changed.push(format!(
                    "「{}」→{}",
                    ind.name,
                    provider.unwrap_or("（未指定）")
                ));
            }
        }
        if !changed.is_empty() {
            store::audit(
                tx,
                &AuditEntry {
                    actor: actor.name,
                    action: AuditAction::Providers,
                    period: None,
                    detail: &format!("修改指标报送单位：{}", changed.join("；")),
                    address: actor.address,
                },
            )?;
        }
        Ok(changed.len())
    })
}
