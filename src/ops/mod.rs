//! The operations: every write the application makes — installing a competition, importing
//! scores (and correcting published ones), publishing (揭榜), freezing, honors, playlists —
//! opens its one `BEGIN IMMEDIATE` transaction here, calls store functions that take that
//! transaction, freezes the boards it changed, and commits; or drops the transaction and
//! leaves no trace. The store takes no callbacks and never ranks; `verify` only reads.

mod accounts;
mod import;
mod publish;
mod rollback;
mod schedule;
mod uploads;
mod verify;

pub use accounts::{
    NewSession, add_user, log_in, log_out, purge_sessions, record_failed_login, record_refusals,
    set_disabled, set_password, set_role, unlock_account,
};
pub use import::{import_file, import_source};
pub use publish::{freeze_missing, publish, publish_by};
pub use rollback::{rollback, set_providers};
pub use schedule::{cancel_schedule, publish_due, schedule};
pub use uploads::{
    Actor, GroupPreview, Preview, PreviewRow, confirm, confirm_honors, preview, purge_uploads,
    record_upload,
};
pub use verify::{Discrepancy, verify};

use crate::competition::{Catalog, CompetitionSpec};
use crate::import::honors::HonorPlan;
use crate::store::{self, PlaylistRow, Refusal, Structure};
use rusqlite::Connection;

/// Installs a competition's structure into an empty database.
pub fn install(conn: &mut Connection, spec: &CompetitionSpec) -> store::Result<i64> {
    store::write_tx(conn, |tx| store::install_structure(tx, spec))
}

/// Replaces the honors lists of the periods in `plan`; returns how many people were listed.
pub fn import_honors(
    conn: &mut Connection,
    catalog: &Catalog,
    plan: &HonorPlan,
    file_name: &str,
    actor: &str,
) -> store::Result<usize> {
    store::write_tx(conn, |tx| {
        store::replace_honors(tx, catalog, plan, file_name, actor)
    })
}

/// Creates or replaces a lobby playlist.
pub fn save_playlist(conn: &mut Connection, row: &PlaylistRow) -> store::Result<()> {
    store::write_tx(conn, |tx| store::save_playlist(tx, row))
}

fn structure(conn: &Connection) -> store::Result<Structure> {
    store::load_structure(conn)?.ok_or(Refusal::NoCompetition.into())
}
