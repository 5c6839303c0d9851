//! Rolling back an import batch (管理员, with a reason). A rollback that touches a published
//! period is a correction: its boards are re-frozen in the same transaction with the reason,
//! and the 本榜已更正 record shows it.

use super::Actor;
use super::error::Result;
use super::import::refreeze;
use crate::store::{self, AuditAction, AuditEntry, PeriodStatus, Refusal};
use rusqlite::Connection;

/// Undoes batch `batch`; returns the batch that records the rollback.
pub fn rollback(conn: &mut Connection, batch: i64, reason: &str, actor: Actor<'_>) -> Result<i64> {
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
        let honors = store::batch_layout(tx, batch)?.as_deref() == Some("honors");
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
                    detail: &if honors && p.status == PeriodStatus::Published {
                        format!(
                            "{}：撤销导入批次 #{batch}（记录为批次 #{rb}）；原因：{reason}",
                            store::HONORS_CORRECTION
                        )
                    } else {
                        format!("撤销导入批次 #{batch}（记录为批次 #{rb}）；原因：{reason}")
                    },
                    address: actor.address,
                },
            )?;
        }
        store::bump_version(tx)?;
        Ok(rb)
    })
}

/// What rolling a batch back would do, computed in a transaction that is then dropped.
pub struct RollbackPreview {
    pub batch: store::BatchRow,
    /// The periods whose values it wrote or replaced, and whether each is published.
    pub periods: Vec<(crate::domain::PeriodKey, bool)>,
    /// Each changed group's board before and after.
    pub groups: Vec<super::GroupPreview>,
    /// Why it cannot be rolled back, if it cannot (the preview still shows the batch).
    pub refused: Option<String>,
}

/// Previews the rollback of `batch`: the boards before and after, nothing written.
pub fn preview_rollback(conn: &mut Connection, batch: i64) -> Result<RollbackPreview> {
    let tx = store::begin_write(conn)?;
    let row = store::batch(&tx, batch)?.ok_or(Refusal::NoSuchBatch { batch })?;
    let s = super::structure(&tx)?;
    let ids = store::batch_periods(&tx, batch)?;
    let periods: Vec<(crate::domain::PeriodKey, bool)> = s
        .periods
        .iter()
        .filter(|p| ids.contains(&p.id))
        .map(|p| (p.key, p.status == PeriodStatus::Published))
        .collect();
    let keys: Vec<_> = periods.iter().map(|(k, _)| *k).collect();
    let before = super::compare::boards_before(&tx, &keys)?;
    let (groups, refused) = match store::rollback_batch(&tx, batch, "预览", "预览") {
        Ok(_) => (super::compare::compare_boards(&tx, before)?, None),
        Err(store::StoreError::Refused(r)) => (Vec::new(), Some(r.to_string())),
        Err(e) => return Err(e.into()),
    };
    drop(tx);
    Ok(RollbackPreview {
        batch: row,
        periods,
        groups,
        refused,
    })
}

/// Sets which provider (报送单位) reports each indicator, audited.
pub fn set_providers(
    conn: &mut Connection,
    providers: &[(crate::domain::IndicatorId, Option<String>)],
    actor: Actor<'_>,
) -> Result<usize> {
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
