//! 实干先锋 lists from the browser: checked (every error with its row and column; a published
//! period's list only as a correction) and confirmed exactly as previewed.

use super::super::Actor;
use super::super::error::Result;
use crate::domain::PeriodKey;
use crate::import::honors::{HonorEntry, HonorPlan, plan_honors};
use crate::store::{self, AuditAction, AuditEntry, PeriodStatus, Refusal, Structure, Upload};
use rusqlite::Connection;

/// What a 实干先锋 list would do.
#[derive(Default)]
pub struct HonorsPreview {
    pub entries: Vec<HonorEntry>,
    /// Published periods whose list the file would correct.
    pub corrects: Vec<PeriodKey>,
    /// The data version the check was made against.
    pub data_version: i64,
}

/// The published periods of a list.
fn published(s: &Structure, plan: &HonorPlan) -> Vec<PeriodKey> {
    plan.periods()
        .into_iter()
        .filter(|k| {
            s.periods
                .iter()
                .any(|p| p.key == *k && p.status == PeriodStatus::Published)
        })
        .collect()
}

/// Checks a list: refused when it names a published period and is not a correction.
pub(super) fn check(
    conn: &Connection,
    bytes: &[u8],
    period: Option<PeriodKey>,
    correction: bool,
) -> Result<HonorsPreview> {
    let s = super::super::scheme_of(conn, period)?;
    let data_version = store::data_version(conn)?.0;
    let plan = plan_honors(bytes, &s.catalog(), period)?;
    let corrects = published(&s, &plan);
    if let Some(&period) = corrects.first()
        && !correction
    {
        return Err(Refusal::HonorsPublished { period }.into());
    }
    Ok(HonorsPreview {
        entries: plan.entries,
        corrects,
        data_version,
    })
}

/// Applies an uploaded honors list (实干先锋) as previewed: refused if the data changed since;
/// audited in the same transaction. Returns how many people were listed.
/// A published period's list is changed only by a 管理员 (`allow_published`) with the reason
/// kept on the upload; that is a correction, audited as one (and shown in the lobby).
pub(super) fn confirm(
    conn: &mut Connection,
    upload: &Upload,
    actor: Actor<'_>,
    allow_published: bool,
) -> Result<usize> {
    if let Some(batch) = upload.batch_id {
        return Err(Refusal::AlreadyConfirmed { batch }.into());
    }
    let period = upload.period.as_deref().and_then(PeriodKey::parse);
    let s = super::super::scheme_of(conn, period)?;
    let catalog = s.catalog();
    let plan = plan_honors(&upload.bytes, &catalog, period)?;
    let reason = upload
        .correction
        .as_deref()
        .and_then(|r| crate::text::visible_text(r, true));
    let published = published(&s, &plan);
    if let Some(&period) = published.first()
        && !(allow_published && reason.is_some())
    {
        return Err(Refusal::HonorsPublished { period }.into());
    }
    let tx = store::begin_write(conn)?;
    if store::data_version(&tx)?.0 != upload.data_version {
        return Err(Refusal::StalePreview.into());
    }
    let n = store::replace_honors(&tx, &catalog, &plan, &upload.file_name, actor.name)?;
    let batch: i64 = tx.query_row("SELECT MAX(id) FROM import_batch", [], |r| r.get(0))?;
    store::mark_upload_confirmed(&tx, upload.id, batch)?;
    for &p in &plan.periods() {
        let (action, detail) = if published.contains(&p) {
            (
                AuditAction::Correction,
                format!(
                    "{}「{}」（sha256 {}，批次 #{batch}），{n}人；原因：{}",
                    store::HONORS_CORRECTION,
                    upload.file_name,
                    upload.sha256,
                    reason.as_deref().unwrap_or("")
                ),
            )
        } else {
            (
                AuditAction::Confirm,
                format!(
                    "确认导入实干先锋名单「{}」（sha256 {}），{n}人",
                    upload.file_name, upload.sha256
                ),
            )
        };
        store::audit(
            &tx,
            &AuditEntry {
                actor: actor.name,
                action,
                period: Some(p),
                detail: &detail,
                address: actor.address,
            },
        )?;
    }
    store::bump_version(&tx)?;
    tx.commit()?;
    Ok(n)
}
