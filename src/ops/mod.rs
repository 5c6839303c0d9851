//! The operations: every write the application makes — installing a competition, importing
//! scores (and correcting published ones), publishing (揭榜), freezing, honors, playlists —
//! opens its one `BEGIN IMMEDIATE` transaction here, calls store functions that take that
//! transaction, freezes the boards it changed, and commits; or drops the transaction and
//! leaves no trace. The store takes no callbacks and never ranks; `verify` only reads.

mod accounts;
mod appeals;
mod compare;
mod details;
mod error;
mod import;
mod publish;
mod rollback;
mod schedule;
mod scheme;
pub(crate) mod targets;
pub mod upload;
mod verify;
mod veto;

pub use accounts::{
    NewSession, add_user, log_in, log_out, purge_sessions, record_failed_login, record_refusals,
    set_disabled, set_password, set_role, unlock_account,
};
pub use appeals::{add_appeal, answer_appeal, end_publicity};
pub use compare::{ComputedCell, GroupPreview, PreviewRow};
pub use details::{import_details, plan_details};
pub use error::{OpsError, Result};
pub use import::{import_file, import_source, import_source_by, missing_scores};
pub use publish::{freeze_missing, publish, publish_by};
pub use rollback::{RollbackPreview, preview_rollback, rollback, set_providers};
pub use schedule::{cancel_schedule, publish_due, schedule, set_deadline};
pub use scheme::{SchemePlan, from_hex, install_scheme, plan_scheme, to_hex};
pub use targets::{TargetChange, TargetYear, TargetsPlan, import_targets, plan_targets};
pub use upload::{
    Checked, Confirmed, HonorsPreview, Incoming, Limits, Preview, Received, UploadKind, Uploader,
    purge_uploads,
};
pub use verify::{Discrepancy, verify};
pub use veto::{VetoBy, VetoChange, VetoOutcome, import_vetoes, lift_veto, plan_vetoes, set_veto};

use crate::competition::{Catalog, CompetitionSpec};
use crate::import::honors::HonorPlan;
use crate::store::{self, PlaylistRow, Refusal, Structure};
use rusqlite::Connection;

/// Who is doing it, for the audit log and the import batch.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub name: &'a str,
    pub address: Option<&'a str>,
}

impl Actor<'_> {
    /// One audit line by this actor for each of `periods` (one without a period when there
    /// is none), in the change's transaction.
    fn audit_each(
        self,
        tx: &rusqlite::Transaction<'_>,
        action: store::AuditAction,
        periods: &[crate::domain::PeriodKey],
        detail: &str,
    ) -> store::Result<()> {
        let each: Vec<Option<crate::domain::PeriodKey>> = if periods.is_empty() {
            vec![None]
        } else {
            periods.iter().copied().map(Some).collect()
        };
        for period in each {
            store::audit(
                tx,
                &store::AuditEntry {
                    actor: self.name,
                    action,
                    period,
                    detail,
                    address: self.address,
                },
            )?;
        }
        Ok(())
    }
}

/// Installs a competition's structure into an empty database.
pub fn install(conn: &mut Connection, spec: &CompetitionSpec) -> Result<i64> {
    Ok(store::write_tx(conn, |tx| {
        store::install_structure(tx, spec)
    })?)
}

/// Replaces the honors lists of the periods in `plan`; returns how many people were listed.
pub fn import_honors(
    conn: &mut Connection,
    catalog: &Catalog,
    plan: &HonorPlan,
    file_name: &str,
    actor: &str,
) -> Result<usize> {
    Ok(store::write_tx(conn, |tx| {
        store::replace_honors(tx, catalog, plan, file_name, actor)
    })?)
}

/// `import_honors` by someone, audited in the same transaction (the command line).
pub fn import_honors_by(
    conn: &mut Connection,
    catalog: &Catalog,
    plan: &HonorPlan,
    file_name: &str,
    actor: Actor<'_>,
) -> Result<usize> {
    store::write_tx(conn, |tx| {
        let n = store::replace_honors(tx, catalog, plan, file_name, actor.name)?;
        let detail = format!("导入实干先锋名单「{file_name}」，{n}人");
        actor.audit_each(tx, store::AuditAction::Honors, &plan.periods(), &detail)?;
        Ok(n)
    })
}

/// Creates or replaces a lobby playlist.
pub fn save_playlist(conn: &mut Connection, row: &PlaylistRow) -> Result<()> {
    Ok(store::write_tx(conn, |tx| store::save_playlist(tx, row))?)
}

/// `save_playlist` by someone, audited in the same transaction (the command line).
pub fn save_playlist_by(conn: &mut Connection, row: &PlaylistRow, actor: Actor<'_>) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        store::save_playlist(tx, row)?;
        store::audit(
            tx,
            &store::AuditEntry {
                actor: actor.name,
                action: store::AuditAction::Playlist,
                period: None,
                detail: &format!(
                    "设置大厅屏幕「{}」{}",
                    row.name,
                    if row.token.is_some() {
                        "（带授权码）"
                    } else {
                        ""
                    }
                ),
                address: actor.address,
            },
        )
    })?)
}

/// Opens a draft period for uploads, audited.
pub fn open_period(
    conn: &mut Connection,
    key: crate::domain::PeriodKey,
    actor: Actor<'_>,
) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        store::open_period(tx, key)?;
        store::audit(
            tx,
            &store::AuditEntry {
                actor: actor.name,
                action: store::AuditAction::OpenPeriod,
                period: Some(key),
                detail: &format!("新建草稿期间{}，开放报送", key.label()),
                address: actor.address,
            },
        )
    })?)
}

/// Removes a draft period that holds nothing (no value, honor, board or schedule): a typo'd
/// period created by an import and rolled back leaves no trace on the upload pages.
pub fn remove_empty_period(
    conn: &mut Connection,
    key: crate::domain::PeriodKey,
    actor: Actor<'_>,
) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        store::remove_empty_period(tx, key)?;
        store::audit(
            tx,
            &store::AuditEntry {
                actor: actor.name,
                action: store::AuditAction::RemovePeriod,
                period: None,
                detail: &format!("删除空的草稿期间{}", key.label()),
                address: actor.address,
            },
        )
    })?)
}

fn structure(conn: &Connection) -> store::Result<Structure> {
    store::load_structure(conn)?.ok_or(Refusal::NoCompetition.into())
}

/// The scheme in force in `year`: what every write to a period of that year works with.
pub(crate) fn scheme(conn: &Connection, year: i32) -> store::Result<Structure> {
    store::load_scheme(conn, Some(year))?.ok_or(Refusal::NoCompetition.into())
}

/// The scheme of `period`'s year, or the latest for none (a file that names its periods).
pub(crate) fn scheme_of(
    conn: &Connection,
    period: Option<crate::domain::PeriodKey>,
) -> store::Result<Structure> {
    store::load_scheme(conn, period.map(|k| k.year))?.ok_or(Refusal::NoCompetition.into())
}

/// Each year's scheme, loaded once, for work that spans periods of several years.
#[derive(Default)]
pub(crate) struct Schemes {
    loaded: Vec<Structure>,
}

impl Schemes {
    pub(crate) fn of(&mut self, conn: &Connection, year: i32) -> store::Result<&Structure> {
        let i = match self.loaded.iter().position(|s| s.covers(year)) {
            Some(i) => i,
            None => {
                self.loaded.push(scheme(conn, year)?);
                self.loaded.len() - 1
            }
        };
        Ok(&self.loaded[i])
    }
}
