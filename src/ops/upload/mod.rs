//! Uploads from the browser, one flow for every kind of file (scores, 实干先锋 lists):
//! `receive` checks the file, records it in the audit log and keeps its bytes; `check` runs
//! the same check again for the preview page; `confirm` applies exactly the bytes that were
//! previewed, refusing if anything changed since. Who may do what is decided here, from the
//! acting account: a 报送单位 writes only its indicators and only into open drafts, a
//! 实干先锋 list needs 考评办, and a correction of a published period needs a 管理员 and a
//! reason.

mod honors;
mod outliers;
mod scores;

pub use honors::HonorsPreview;
pub use scores::Preview;

use super::Actor;
use super::error::{OpsError, Result, require};
use super::targets::{TargetYear, TargetsPlan, plan_targets};
use crate::auth::Role;
use crate::domain::PeriodKey;
use crate::store::{self, AuditAction, Refusal, Upload};
use rusqlite::Connection;

/// What an uploaded file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    Scores,
    Honors,
    /// Targets (目标值) of the indicators scored against one.
    Targets,
}

impl UploadKind {
    /// As stored with the upload.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            UploadKind::Scores => "scores",
            UploadKind::Honors => "honors",
            UploadKind::Targets => "targets",
        }
    }

    #[must_use]
    pub fn of(code: &str) -> Option<UploadKind> {
        [UploadKind::Scores, UploadKind::Honors, UploadKind::Targets]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// The account uploading or confirming.
#[derive(Debug, Clone, Copy)]
pub struct Uploader<'a> {
    pub actor: Actor<'a>,
    pub account_id: i64,
    pub role: Role,
    /// A 报送单位's provider name (its indicators are the only ones it may write).
    pub provider: Option<&'a str>,
}

/// A file as the upload form sent it.
pub struct Incoming<'a> {
    pub kind: UploadKind,
    pub bytes: &'a [u8],
    /// Already cleaned of paths and control characters.
    pub file_name: &'a str,
    /// The period chosen on the page (`None`: the file's own 期间 column).
    pub period: Option<PeriodKey>,
    /// A targets file's year (and quarter, or the annual targets).
    pub which: Option<TargetYear>,
    /// A correction's reason, as typed (empty: not a correction).
    pub reason: &'a str,
}

/// What a file would do.
pub enum Checked {
    Scores(Box<Preview>),
    Honors(HonorsPreview),
    Targets(TargetsPlan),
}

impl Checked {
    fn data_version(&self) -> i64 {
        match self {
            Checked::Scores(p) => p.data_version,
            Checked::Honors(h) => h.data_version,
            Checked::Targets(t) => t.data_version,
        }
    }

    /// Nothing to confirm: the file equals what is stored.
    #[must_use]
    pub fn unchanged(&self) -> bool {
        match self {
            Checked::Scores(p) => p.unchanged,
            Checked::Honors(_) => false,
            Checked::Targets(t) => t.changes.iter().all(|c| c.before == Some(c.after)),
        }
    }

    fn periods(&self) -> Vec<PeriodKey> {
        match self {
            Checked::Scores(p) => p.plan.periods.clone(),
            Checked::Honors(h) => {
                let mut p: Vec<PeriodKey> = h.entries.iter().map(|e| e.period).collect();
                p.sort();
                p.dedup();
                p
            }
            Checked::Targets(_) => Vec::new(),
        }
    }
}

/// A received upload: the check's outcome (the file's errors or a refusal, as the preview
/// shows them), and whether its bytes were kept for a confirm.
pub struct Received {
    pub check: std::result::Result<Checked, OpsError>,
    /// Kept under the token given to `receive` (there is something to confirm).
    pub kept: bool,
    /// It replaced the account's earlier unconfirmed upload of the same kind.
    pub replaced: bool,
}

/// How much the server keeps of unconfirmed uploads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub now: i64,
    pub max_pending: u64,
}

/// Receives a file: checks the uploader may send it, checks the file (a preview staged and
/// rolled back), records the upload in the audit log whatever came of it, and keeps the
/// bytes under `token` when there is something to confirm. Errors are the uploader's role,
/// an invisible reason, the pending-uploads quota or the database; the file's own errors are
/// in `Received::check`.
pub fn receive(
    conn: &mut Connection,
    who: &Uploader<'_>,
    file: &Incoming<'_>,
    token: &str,
    limits: Limits,
) -> Result<Received> {
    let reason = correction_reason(who, file.reason)?;
    match file.kind {
        UploadKind::Honors => require(who.role, Role::Staff, "上传实干先锋名单")?,
        UploadKind::Targets => require(who.role, Role::Staff, "导入目标值")?,
        UploadKind::Scores => {}
    }
    let sha = crate::import::sha256_hex(file.bytes);
    let check = match check_bytes(
        conn,
        who,
        file.kind,
        file.bytes,
        file.file_name,
        (file.period, file.which),
        reason.is_some(),
    ) {
        Err(OpsError::Store(e)) => return Err(OpsError::Store(e)),
        other => other,
    };
    let detail = describe(file, &sha, &check);
    let period = match file.kind {
        UploadKind::Targets => file.which.map(TargetYear::code),
        _ => file.period.map(|p| p.to_string()),
    };
    let keep = match &check {
        Ok(c) if !c.unchanged() => Some(store::NewUpload {
            token,
            kind: file.kind.code(),
            account_id: who.account_id,
            file_name: file.file_name,
            sha256: &sha,
            bytes: file.bytes,
            period: period.as_deref(),
            correction: reason.as_deref(),
            data_version: c.data_version(),
            now: limits.now,
            max_pending: limits.max_pending,
        }),
        _ => None,
    };
    let periods = check.as_ref().map(Checked::periods).unwrap_or_default();
    let replaced = record_upload(conn, keep.as_ref(), who.actor, &periods, &detail)?;
    Ok(Received {
        kept: keep.is_some(),
        replaced: !replaced.is_empty(),
        check,
    })
}

/// A correction's reason: only a 管理员 may give one, and it must say something visible.
fn correction_reason(who: &Uploader<'_>, reason: &str) -> Result<Option<String>> {
    if reason.is_empty() {
        return Ok(None);
    }
    require(who.role, Role::Admin, "更正已揭榜的期间")?;
    crate::text::visible_text(reason, true)
        .map(|r| Some(r.to_string()))
        .ok_or(OpsError::Refused(Refusal::InvisibleText {
            what: "更正原因",
        }))
}

/// The audit line of an upload.
fn describe(
    file: &Incoming<'_>,
    sha: &str,
    check: &std::result::Result<Checked, OpsError>,
) -> String {
    let name = file.file_name;
    match (file.kind, check) {
        (_, Ok(Checked::Scores(p))) => format!(
            "上传「{name}」（sha256 {sha}，{}，{}行，{}）：{}，待确认",
            p.plan.encoding.as_str(),
            p.plan.rows,
            crate::present::file_items(&p.plan),
            crate::present::change_counts(&p.summary),
        ),
        (_, Ok(Checked::Honors(h))) => format!(
            "上传实干先锋名单「{name}」（sha256 {sha}），{}人，待确认",
            h.entries.len()
        ),
        (_, Ok(Checked::Targets(t))) => format!(
            "上传目标值「{name}」（sha256 {sha}，{}，{}项），待确认",
            t.which.label(),
            t.cells.len()
        ),
        (UploadKind::Targets, Err(OpsError::File(errors))) => format!(
            "上传目标值「{name}」（sha256 {sha}）：有{}处错误，未导入",
            errors.count()
        ),
        (UploadKind::Scores, Err(OpsError::File(errors))) => format!(
            "上传「{name}」（sha256 {sha}）：有{}处错误，未导入",
            errors.count()
        ),
        (UploadKind::Honors, Err(OpsError::File(errors))) => format!(
            "上传实干先锋名单「{name}」（sha256 {sha}）：有{}处错误，未导入",
            errors.count()
        ),
        (_, Err(e)) => format!("上传「{name}」（sha256 {sha}）：{e}"),
    }
}

/// Where a file goes: a period for scores and honors (`None`: the file's own 期间 column), a
/// year or quarter for targets.
type Destination = (Option<PeriodKey>, Option<TargetYear>);

fn check_bytes(
    conn: &mut Connection,
    who: &Uploader<'_>,
    kind: UploadKind,
    bytes: &[u8],
    file_name: &str,
    (period, which): Destination,
    correction: bool,
) -> Result<Checked> {
    match kind {
        UploadKind::Targets => {
            let which = which.ok_or(Refusal::NoSuchUpload)?;
            plan_targets(conn, bytes, file_name, which).map(Checked::Targets)
        }
        UploadKind::Scores => scores::preview(
            conn,
            bytes,
            file_name,
            period,
            correction,
            who.actor.name,
            who.provider,
        )
        .map(|p| Checked::Scores(Box::new(p))),
        UploadKind::Honors => honors::check(conn, bytes, period, correction).map(Checked::Honors),
    }
}

/// Checks a kept upload again (its preview page), as it would be confirmed now.
pub fn check(conn: &mut Connection, who: &Uploader<'_>, upload: &Upload) -> Result<Checked> {
    let kind = UploadKind::of(&upload.kind).ok_or(Refusal::NoSuchUpload)?;
    let period = upload.period.as_deref().and_then(PeriodKey::parse);
    let which = upload.period.as_deref().and_then(TargetYear::parse);
    check_bytes(
        conn,
        who,
        kind,
        &upload.bytes,
        &upload.file_name,
        (period, which),
        upload.correction.is_some(),
    )
}

/// The upload of `kind` named by `token`, if `who` may see it (its uploader, or 考评办 and
/// above) and it has not expired (an unconfirmed upload is kept a day; after that it cannot
/// be confirmed either).
pub fn find(
    conn: &Connection,
    who: &Uploader<'_>,
    kind: UploadKind,
    token: &str,
    now: i64,
) -> Result<Option<Upload>> {
    Ok(store::upload_by_token(conn, token)?
        .filter(|u| u.kind == kind.code())
        .filter(|u| u.batch_id.is_some() || now - u.created_at <= store::UPLOAD_TTL_SECS)
        .filter(|u| u.account_id == who.account_id || who.role >= Role::Staff))
}

/// What a confirm did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// The scores became this import batch (`None`: nothing to change).
    Scores { batch: Option<i64> },
    /// The 实干先锋 list, with so many people.
    Honors { people: usize },
    /// So many targets, as this import batch.
    Targets { count: usize, batch: i64 },
}

/// Applies an upload exactly as previewed, audited in the same transaction. Refused if the
/// data changed since the preview, if it was confirmed already, if it corrects a published
/// period and `who` is not a 管理员, or (a 报送单位) if it writes outside its indicators or
/// open drafts.
pub fn confirm(conn: &mut Connection, who: &Uploader<'_>, upload: &Upload) -> Result<Confirmed> {
    let kind = UploadKind::of(&upload.kind).ok_or(Refusal::NoSuchUpload)?;
    if upload.correction.is_some() {
        require(who.role, Role::Admin, "更正已揭榜的期间")?;
    }
    let allow_published = upload.correction.is_some();
    match kind {
        UploadKind::Scores => {
            let (_, outcome) =
                scores::confirm(conn, upload, who.actor, allow_published, who.provider)?;
            Ok(Confirmed::Scores {
                batch: match outcome {
                    store::ApplyOutcome::Applied { batch_id, .. } => Some(batch_id),
                    _ => None,
                },
            })
        }
        UploadKind::Honors => {
            require(who.role, Role::Staff, "上传实干先锋名单")?;
            let people = honors::confirm(conn, upload, who.actor, allow_published)?;
            Ok(Confirmed::Honors { people })
        }
        UploadKind::Targets => {
            require(who.role, Role::Staff, "导入目标值")?;
            if let Some(batch) = upload.batch_id {
                return Err(Refusal::AlreadyConfirmed { batch }.into());
            }
            let which = upload
                .period
                .as_deref()
                .and_then(TargetYear::parse)
                .ok_or(Refusal::NoSuchUpload)?;
            let plan = plan_targets(conn, &upload.bytes, &upload.file_name, which)?;
            let batch = store::write_tx(conn, |tx| {
                if store::data_version(tx)?.0 != upload.data_version {
                    return Err(Refusal::StalePreview.into());
                }
                let batch = super::targets::write_targets(
                    tx,
                    &plan,
                    (&upload.file_name, &upload.sha256),
                    who.actor,
                )?;
                store::mark_upload_confirmed(tx, upload.id, batch)?;
                Ok::<_, store::StoreError>(batch)
            })?;
            Ok(Confirmed::Targets {
                count: plan.cells.len(),
                batch,
            })
        }
    }
}

/// Records an upload in the audit log (whatever came of it) and, when it can be confirmed,
/// keeps its bytes for the confirm; one transaction.
fn record_upload(
    conn: &mut Connection,
    upload: Option<&store::NewUpload<'_>>,
    actor: Actor<'_>,
    periods: &[PeriodKey],
    detail: &str,
) -> Result<Vec<String>> {
    Ok(store::write_tx(conn, |tx| {
        let replaced = match upload {
            Some(u) => store::save_upload(tx, u)?,
            None => Vec::new(),
        };
        let detail = if replaced.is_empty() {
            detail.to_string()
        } else {
            format!(
                "{detail}；取代了此前未确认的上传「{}」",
                replaced.join("」「")
            )
        };
        actor.audit_each(tx, AuditAction::Upload, periods, &detail)?;
        Ok::<_, store::StoreError>(replaced)
    })?)
}

/// Removes unconfirmed uploads past their day (run by the server hourly).
pub fn purge_uploads(conn: &mut Connection, now: i64) -> Result<usize> {
    Ok(store::write_tx(conn, |tx| store::purge_uploads(tx, now))?)
}
