//! Accounts and browser sessions. Passwords arrive hashed (`auth::hash_password`); sessions
//! are stored by the hash of their token. Session times are Unix seconds from the caller's
//! clock, so expiry can be tested.

use super::Result;
use crate::auth::Role;
use rusqlite::{Connection, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// For a 报送单位: the provider name its indicators are assigned to.
    pub provider: Option<String>,
    pub disabled: bool,
    pub created_at: crate::domain::Stamp,
}

/// An account with its password hash, for logging in.
pub struct Credentials {
    pub account: Account,
    pub password_hash: String,
}

const ACCOUNT_COLUMNS: &str = "id, name, role, provider, disabled, created_at";

fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        provider: r.get(3)?,
        disabled: r.get(4)?,
        created_at: r.get(5)?,
    })
}

/// Creates an account; `None` when the name is taken.
pub fn add_account(
    conn: &Connection,
    name: &str,
    role: Role,
    provider: Option<&str>,
    password_hash: &str,
) -> Result<Option<i64>> {
    let now = super::now();
    let n = conn.execute(
        "INSERT INTO account (name, role, provider, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(name) DO NOTHING",
        (name, role, provider, password_hash, &now),
    )?;
    Ok((n == 1).then(|| conn.last_insert_rowid()))
}

pub fn accounts(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY id"
    ))?;
    let rows = stmt.query_map([], account_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn account_by_name(conn: &Connection, name: &str) -> Result<Option<Credentials>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS}, password_hash FROM account WHERE name = ?1"),
            [name],
            |r| {
                Ok(Credentials {
                    account: account_row(r)?,
                    password_hash: r.get(6)?,
                })
            },
        )
        .optional()?)
}

pub fn account(conn: &Connection, id: i64) -> Result<Option<Account>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE id = ?1"),
            [id],
            account_row,
        )
        .optional()?)
}

/// Sets a password and ends the account's sessions (other browsers must log in again).
pub fn set_password(conn: &Connection, id: i64, password_hash: &str) -> Result<bool> {
    let n = conn.execute(
        "UPDATE account SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
        (id, password_hash, super::now()),
    )?;
    conn.execute("DELETE FROM session WHERE account_id = ?1", [id])?;
    Ok(n == 1)
}

/// Disables or enables an account; disabling ends its sessions.
pub fn set_disabled(conn: &Connection, id: i64, disabled: bool) -> Result<bool> {
    let n = conn.execute(
        "UPDATE account SET disabled = ?2 WHERE id = ?1",
        (id, disabled),
    )?;
    if disabled {
        conn.execute("DELETE FROM session WHERE account_id = ?1", [id])?;
    }
    Ok(n == 1)
}

pub fn set_role(conn: &Connection, id: i64, role: Role, provider: Option<&str>) -> Result<bool> {
    let n = conn.execute(
        "UPDATE account SET role = ?2, provider = ?3 WHERE id = ?1",
        (id, role, provider),
    )?;
    conn.execute("DELETE FROM session WHERE account_id = ?1", [id])?;
    Ok(n == 1)
}

/// Records that an account's login locks were lifted: `unlocked_at` is a sequence that only
/// grows (the time in Unix seconds, or one more than the latest unlock), so the server reading
/// "unlocks after the last one I saw" misses none, however the writes interleave.
pub fn set_unlocked(conn: &Connection, id: i64, now: i64) -> Result<bool> {
    let n = conn.execute(
        "UPDATE account SET unlocked_at =
             MAX(?2, COALESCE((SELECT MAX(unlocked_at) FROM account), 0) + 1)
         WHERE id = ?1",
        (id, now),
    )?;
    Ok(n == 1)
}

/// The accounts unlocked after sequence value `after`, with the latest value seen.
pub fn unlocked_after(conn: &Connection, after: i64) -> Result<(Vec<String>, i64)> {
    let mut stmt = conn.prepare("SELECT name, unlocked_at FROM account WHERE unlocked_at > ?1")?;
    let rows: Vec<(String, i64)> = stmt
        .query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let latest = rows.iter().map(|(_, at)| *at).max().unwrap_or(after);
    Ok((rows.into_iter().map(|(n, _)| n).collect(), latest))
}

/// The latest unlock's sequence value (0 when there was none).
pub fn latest_unlock(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(unlocked_at), 0) FROM account",
        [],
        |r| r.get(0),
    )?)
}

/// Enabled administrators, so the last one cannot be disabled or demoted.
pub fn active_admins(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM account WHERE role = 'admin' AND disabled = 0",
        [],
        |r| r.get(0),
    )?)
}

/// How long a session lives without use, and at most.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    pub idle_secs: i64,
    pub absolute_secs: i64,
}

/// A live session: its account and its CSRF token.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub account: Account,
    pub csrf: String,
    pub token_hash: String,
}

pub fn create_session(
    conn: &Connection,
    token_hash: &str,
    account_id: i64,
    csrf: &str,
    now: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO session (token_hash, account_id, csrf, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?4)",
        (token_hash, account_id, csrf, now),
    )?;
    Ok(())
}

/// The session with this token hash if it is live (not idle or too old, its account enabled);
/// refreshes its last use at most once a minute. An expired one is removed.
pub fn live_session(
    conn: &Connection,
    token_hash: &str,
    now: i64,
    limits: SessionLimits,
) -> Result<Option<SessionInfo>> {
    let found = conn
        .query_row(
            &format!(
                "SELECT s.csrf, s.created_at, s.last_seen, {} FROM session s JOIN account a ON a.id = s.account_id
                 WHERE s.token_hash = ?1",
                ACCOUNT_COLUMNS
                    .split(", ")
                    .map(|c| format!("a.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            [token_hash],
            |r| {
                let csrf: String = r.get(0)?;
                let created: i64 = r.get(1)?;
                let seen: i64 = r.get(2)?;
                let account = Account {
                    id: r.get(3)?,
                    name: r.get(4)?,
                    role: r.get(5)?,
                    provider: r.get(6)?,
                    disabled: r.get(7)?,
                    created_at: r.get(8)?,
                };
                Ok((csrf, created, seen, account))
            },
        )
        .optional()?;
    let Some((csrf, created, seen, account)) = found else {
        return Ok(None);
    };
    if account.disabled
        || now - seen > limits.idle_secs
        || now - created > limits.absolute_secs
        || now < created
    {
        end_session(conn, token_hash)?;
        return Ok(None);
    }
    if now - seen >= 60 {
        conn.execute(
            "UPDATE session SET last_seen = ?2 WHERE token_hash = ?1",
            (token_hash, now),
        )?;
    }
    Ok(Some(SessionInfo {
        account,
        csrf,
        token_hash: token_hash.to_string(),
    }))
}

pub fn end_session(conn: &Connection, token_hash: &str) -> Result<()> {
    conn.execute("DELETE FROM session WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}

/// Removes every expired session (run now and then).
pub fn purge_sessions(conn: &Connection, now: i64, limits: SessionLimits) -> Result<usize> {
    Ok(conn.execute(
        "DELETE FROM session WHERE last_seen < ?1 OR created_at < ?2",
        (now - limits.idle_secs, now - limits.absolute_secs),
    )?)
}
