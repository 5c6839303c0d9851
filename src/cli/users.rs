//! `shaibang user …` (accounts; the first administrator can only be made here) and
//! `shaibang backup FILE`.

use super::CliError;
use crate::auth::Role;
use crate::store::Store;
use std::io::{BufRead, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

/// Reads a password: without echo from a terminal (asked twice), else the first line of
/// standard input (for scripts: `echo "$PW" | shaibang user add …`).
fn read_password() -> Result<String, CliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("密码：")?;
        let again = rpassword::prompt_password("再次输入密码：")?;
        if first != again {
            return Err(CliError::Input("两次输入的密码不一致".into()));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

pub fn add(
    store: &Store,
    name: &str,
    role: Role,
    provider: Option<&str>,
) -> Result<ExitCode, CliError> {
    let password = read_password()?;
    crate::ops::add_user(
        &mut *store.conn()?,
        name,
        role,
        provider,
        &password,
        super::operator().actor(),
    )?;
    println!("已创建账号「{name}」（{}）", role.label());
    Ok(ExitCode::SUCCESS)
}

pub fn passwd(store: &Store, name: &str) -> Result<ExitCode, CliError> {
    let password = read_password()?;
    crate::ops::set_password(
        &mut *store.conn()?,
        name,
        &password,
        super::operator().actor(),
    )?;
    println!("已修改账号「{name}」的密码；该账号已登录的浏览器需要重新登录");
    Ok(ExitCode::SUCCESS)
}

pub fn disable(store: &Store, name: &str, disabled: bool) -> Result<ExitCode, CliError> {
    crate::ops::set_disabled(
        &mut *store.conn()?,
        name,
        disabled,
        super::operator().actor(),
    )?;
    println!("已{}账号「{name}」", if disabled { "停用" } else { "启用" });
    Ok(ExitCode::SUCCESS)
}

pub fn unlock(store: &Store, name: &str) -> Result<ExitCode, CliError> {
    let now = chrono::Utc::now().timestamp();
    crate::ops::unlock_account(&mut *store.conn()?, name, now, super::operator().actor())?;
    println!("已解除账号「{name}」的登录锁定；可以立即重新登录");
    Ok(ExitCode::SUCCESS)
}

pub fn list(store: &Store) -> Result<ExitCode, CliError> {
    let conn = store.conn()?;
    let accounts = crate::store::accounts(&conn)?;
    let zone = crate::store::office_zone(&conn)?;
    if accounts.is_empty() {
        println!("还没有账号。创建第一个管理员：shaibang user add 名称 --role admin");
    }
    for a in accounts {
        println!(
            "{}\t{}{}\t{}\t创建于 {}",
            a.name,
            a.role.label(),
            a.provider.map(|p| format!("（{p}）")).unwrap_or_default(),
            if a.disabled { "已停用" } else { "正常" },
            zone.show(a.created_at)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A consistent copy of the live database, taken with SQLite's online backup while the
/// server keeps serving and writing.
pub fn backup(store: &Store, to: &Path) -> Result<ExitCode, CliError> {
    if to.exists() {
        return Err(CliError::Input(format!(
            "{} 已存在；为免覆盖，请指定新的文件名",
            to.display()
        )));
    }
    let pages = crate::store::backup_to(store, to)?;
    println!("已备份到 {}（{pages}页）", to.display());
    Ok(ExitCode::SUCCESS)
}
