//! Files uploaded in the browser, kept from preview to confirm so that confirm applies exactly
//! the bytes that were previewed, against the data version the preview saw.

use super::Result;
use rusqlite::{Connection, OptionalExtension};

/// An upload awaiting (or past) confirmation.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: i64,
    pub token: String,
    /// `scores` or `honors`.
    pub kind: String,
    pub account_id: i64,
    pub file_name: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
    /// The period chosen on the page, if any (else the file's own).
    pub period: Option<String>,
    /// The reason written for a correction of a published period.
    pub correction: Option<String>,
    pub data_version: i64,
    pub created_at: i64,
    /// The import batch it became, once confirmed.
    pub batch_id: Option<i64>,
}

/// What an upload is saved with.
pub struct NewUpload<'a> {
    pub token: &'a str,
    /// `scores` or `honors`.
    pub kind: &'a str,
    pub account_id: i64,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
    pub period: Option<&'a str>,
    pub correction: Option<&'a str>,
    pub data_version: i64,
    pub now: i64,
    /// Bytes of unconfirmed uploads kept at most, all accounts together.
    pub max_pending: u64,
}

/// Unconfirmed uploads older than this are removed (when a new one is saved, and hourly).
pub const UPLOAD_TTL_SECS: i64 = 24 * 3600;
/// Bytes of unconfirmed uploads kept at most, all accounts together, unless the server is
/// told otherwise. Each account keeps one unconfirmed upload per kind (a newer one replaces
/// it), so one account holds at most two upload limits' worth.
pub const MAX_PENDING_UPLOAD_BYTES: u64 = 256 << 20;

/// Saves an upload for confirmation; returns the file names of the account's earlier
/// unconfirmed uploads of the same kind, which it replaces. Refused when the unconfirmed
/// uploads of all accounts would exceed `max_pending`.
pub fn save_upload(conn: &Connection, u: &NewUpload<'_>) -> Result<Vec<String>> {
    purge_uploads(conn, u.now)?;
    let replaced: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT file_name FROM upload WHERE batch_id IS NULL AND account_id = ?1 AND kind = ?2 ORDER BY id",
        )?;
        stmt.query_map((u.account_id, u.kind), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    conn.execute(
        "DELETE FROM upload WHERE batch_id IS NULL AND account_id = ?1 AND kind = ?2",
        (u.account_id, u.kind),
    )?;
    let pending: i64 = conn.query_row(
        "SELECT COALESCE(SUM(length(bytes)), 0) FROM upload WHERE batch_id IS NULL",
        [],
        |r| r.get(0),
    )?;
    let pending = pending.max(0) as u64;
    if pending + u.bytes.len() as u64 > u.max_pending {
        return Err(super::Refusal::PendingUploadsFull {
            pending_mb: pending.div_ceil(1 << 20),
            limit_mb: u.max_pending >> 20,
        }
        .into());
    }
    conn.execute(
        "INSERT INTO upload (token, account_id, file_name, sha256, bytes, period, correction, data_version, created_at, kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        (
            u.token,
            u.account_id,
            u.file_name,
            u.sha256,
            u.bytes,
            u.period,
            u.correction,
            u.data_version,
            u.now,
            u.kind,
        ),
    )?;
    Ok(replaced)
}

/// Removes unconfirmed uploads past `UPLOAD_TTL_SECS`; returns how many.
pub fn purge_uploads(conn: &Connection, now: i64) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM upload WHERE batch_id IS NULL AND created_at < ?1",
        [now - UPLOAD_TTL_SECS],
    )?)
}

pub fn upload_by_token(conn: &Connection, token: &str) -> Result<Option<Upload>> {
    Ok(conn
        .query_row(
            "SELECT id, token, account_id, file_name, sha256, bytes, period, correction, data_version, created_at, batch_id, kind
             FROM upload WHERE token = ?1",
            [token],
            |r| {
                Ok(Upload {
                    id: r.get(0)?,
                    token: r.get(1)?,
                    account_id: r.get(2)?,
                    file_name: r.get(3)?,
                    sha256: r.get(4)?,
                    bytes: r.get(5)?,
                    period: r.get(6)?,
                    correction: r.get(7)?,
                    data_version: r.get(8)?,
                    created_at: r.get(9)?,
                    batch_id: r.get(10)?,
                    kind: r.get(11)?,
                })
            },
        )
        .optional()?)
}

/// Records the batch an upload became (in the import's transaction).
pub fn mark_upload_confirmed(conn: &Connection, id: i64, batch_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE upload SET batch_id = ?2 WHERE id = ?1",
        (id, batch_id),
    )?;
    Ok(())
}
