//! Accounts and logging in: every change to an account and every login, failed or not, is
//! written with its audit entry in one transaction.

use super::Actor;
use super::error::Result;
use crate::auth::{self, Role};
use crate::store::{self, Account, AuditAction, AuditEntry, Refusal};
use rusqlite::Connection;

fn audit(
    tx: &Connection,
    actor: Actor<'_>,
    action: AuditAction,
    detail: &str,
) -> store::Result<()> {
    store::audit(
        tx,
        &AuditEntry {
            actor: actor.name,
            action,
            period: None,
            detail,
            address: actor.address,
        },
    )
}

/// Creates an account (the first administrator from the command line, others by one).
pub fn add_user(
    conn: &mut Connection,
    name: &str,
    role: Role,
    provider: Option<&str>,
    password: &str,
    actor: Actor<'_>,
) -> Result<i64> {
    let name = name.trim();
    if crate::text::visible_text(name, false).is_none()
        || name.chars().count() > 40
        || name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | '?' | '#' | '%'))
    {
        return Err(Refusal::BadAccountName.into());
    }
    if crate::text::has_lookalike_letters(name) {
        return Err(Refusal::LookalikeAccountName.into());
    }
    let provider = visible_provider(provider)?;
    if (role == Role::Provider) != provider.is_some() {
        return Err(Refusal::ProviderNeedsName.into());
    }
    let hash = auth::hash_password(name, password).map_err(|e| Refusal::BadPassword {
        reason: e.to_string(),
    })?;
    store::write_tx(conn, |tx| {
        let skeleton = crate::text::name_skeleton(name);
        if let Some(existing) = store::accounts(tx)?
            .into_iter()
            .find(|a| a.name != name && crate::text::name_skeleton(&a.name) == skeleton)
        {
            return Err(Refusal::NameTooSimilar {
                name: name.to_string(),
                existing: existing.name,
            }
            .into());
        }
        let id = store::add_account(tx, name, role, provider, &hash)?.ok_or_else(|| {
            Refusal::NameTaken {
                name: name.to_string(),
            }
        })?;
        let detail = match provider {
            Some(p) => format!("新建账号「{name}」，角色{}（{p}）", role.label()),
            None => format!("新建账号「{name}」，角色{}", role.label()),
        };
        audit(tx, actor, AuditAction::AccountAdded, &detail)?;
        Ok(id)
    })
}

/// A provider name as typed: trimmed, `None` when blank, refused when it hides characters.
fn visible_provider(provider: Option<&str>) -> store::Result<Option<&str>> {
    match provider.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) if crate::text::visible_text(p, false).is_some() => Ok(Some(p)),
        Some(_) => Err(Refusal::InvisibleText {
            what: "报送单位名称",
        }
        .into()),
    }
}

fn find(conn: &Connection, name: &str) -> store::Result<Account> {
    Ok(store::account_by_name(conn, name)?
        .ok_or_else(|| Refusal::NoSuchAccount {
            name: name.to_string(),
        })?
        .account)
}

/// Sets an account's password (its sessions end).
pub fn set_password(
    conn: &mut Connection,
    name: &str,
    password: &str,
    actor: Actor<'_>,
) -> Result<()> {
    let account = find(conn, name)?;
    let hash = auth::hash_password(name, password).map_err(|e| Refusal::BadPassword {
        reason: e.to_string(),
    })?;
    Ok(store::write_tx(conn, |tx| {
        store::set_password(tx, account.id, &hash)?;
        audit(
            tx,
            actor,
            AuditAction::PasswordChanged,
            &format!("修改了账号「{name}」的密码"),
        )
    })?)
}

/// Disables or re-enables an account; the last enabled administrator cannot be disabled.
pub fn set_disabled(
    conn: &mut Connection,
    name: &str,
    disabled: bool,
    actor: Actor<'_>,
) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        let account = find(tx, name)?;
        if disabled
            && account.role == Role::Admin
            && !account.disabled
            && store::active_admins(tx)? <= 1
        {
            return Err(Refusal::LastAdmin.into());
        }
        store::set_disabled(tx, account.id, disabled)?;
        let what = if disabled { "停用" } else { "启用" };
        audit(
            tx,
            actor,
            AuditAction::AccountChanged,
            &format!("{what}账号「{name}」"),
        )
    })?)
}

/// Changes an account's role (its sessions end); the last enabled administrator keeps hers.
pub fn set_role(
    conn: &mut Connection,
    name: &str,
    role: Role,
    provider: Option<&str>,
    actor: Actor<'_>,
) -> Result<()> {
    let provider = visible_provider(provider)?;
    if (role == Role::Provider) != provider.is_some() {
        return Err(Refusal::ProviderNeedsName.into());
    }
    Ok(store::write_tx(conn, |tx| {
        let account = find(tx, name)?;
        if account.role == Role::Admin
            && role != Role::Admin
            && !account.disabled
            && store::active_admins(tx)? <= 1
        {
            return Err(Refusal::LastAdmin.into());
        }
        store::set_role(tx, account.id, role, provider)?;
        let detail = match provider {
            Some(p) => format!("账号「{name}」的角色改为{}（{p}）", role.label()),
            None => format!("账号「{name}」的角色改为{}", role.label()),
        };
        audit(tx, actor, AuditAction::AccountChanged, &detail)
    })?)
}

/// A session just opened: the cookie's token (only its hash is stored) and the CSRF token.
pub struct NewSession {
    pub account: Account,
    pub token: String,
    pub csrf: String,
}

/// Checks a name and password; on success opens a session, audited. `None` for a wrong name,
/// a wrong password or a disabled account alike; a failure is written only when
/// `audit_failure` says so (the limiter decides which failures the log needs:
/// `record_failed_login`, `record_refusals`).
pub fn log_in(
    conn: &mut Connection,
    name: &str,
    password: &str,
    address: Option<&str>,
    now: i64,
    audit_failure: Option<&str>,
) -> Result<Option<NewSession>> {
    let found = store::account_by_name(conn, name)?;
    // A missing account costs the same hashing as a wrong password.
    let ok = match &found {
        Some(c) => auth::verify_password(password, &c.password_hash) && !c.account.disabled,
        None => {
            let _ = auth::verify_password(password, auth::decoy_hash());
            false
        }
    };
    let shown: String = name.chars().take(40).collect();
    let actor = Actor {
        name: &shown,
        address,
    };
    match found {
        Some(c) if ok => {
            let (token, csrf) = (auth::new_token(), auth::new_token());
            store::write_tx(conn, |tx| {
                store::create_session(tx, &auth::token_hash(&token), c.account.id, &csrf, now)?;
                audit(tx, actor, AuditAction::Login, "登录成功")
            })?;
            Ok(Some(NewSession {
                account: c.account,
                token,
                csrf,
            }))
        }
        _ => {
            if let Some(detail) = audit_failure {
                record_failed_login(conn, actor, detail)?;
            }
            Ok(None)
        }
    }
}

/// A refused login worth its own line in the log (the first of a desk's failures, the one
/// that locks it).
pub fn record_failed_login(conn: &mut Connection, actor: Actor<'_>, detail: &str) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        audit(tx, actor, AuditAction::LoginFailed, detail)
    })?)
}

/// The refused logins not written one by one since the last summary, in one line.
pub fn record_refusals(conn: &mut Connection, count: u64, addresses: usize) -> Result<()> {
    let detail =
        format!("另有{count}次登录被拒绝（密码错误或已锁定，来自{addresses}个地址），未逐条记录");
    Ok(store::write_tx(conn, |tx| {
        audit(
            tx,
            Actor {
                name: "系统",
                address: None,
            },
            AuditAction::LoginFailed,
            &detail,
        )
    })?)
}

/// Lifts an account's login locks: the server honours no lock counted before `now`.
pub fn unlock_account(conn: &mut Connection, name: &str, now: i64, actor: Actor<'_>) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        let account = find(tx, name)?;
        store::set_unlocked(tx, account.id, now)?;
        audit(
            tx,
            actor,
            AuditAction::AccountChanged,
            &format!("解除账号「{name}」的登录锁定"),
        )
    })?)
}

/// Ends a session.
pub fn log_out(conn: &mut Connection, token_hash: &str, actor: Actor<'_>) -> Result<()> {
    Ok(store::write_tx(conn, |tx| {
        store::end_session(tx, token_hash)?;
        audit(tx, actor, AuditAction::Logout, "退出登录")
    })?)
}

/// Removes sessions past their idle or absolute limit (run by the server now and then).
pub fn purge_sessions(
    conn: &mut Connection,
    now: i64,
    limits: store::SessionLimits,
) -> Result<usize> {
    Ok(store::write_tx(conn, |tx| {
        store::purge_sessions(tx, now, limits)
    })?)
}
