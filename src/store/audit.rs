//! The audit log: one row per login, failed login, upload, confirm, 揭榜, correction, rollback
//! and account change. Append-only: this module only inserts and reads, and the schema's
//! triggers refuse an update or a delete from anybody.

use super::Result;
use crate::domain::PeriodKey;
use rusqlite::Connection;

/// What was done; stored by its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Login,
    LoginFailed,
    Logout,
    Upload,
    Confirm,
    Publish,
    Schedule,
    CancelSchedule,
    Correction,
    Rollback,
    AccountAdded,
    AccountChanged,
    PasswordChanged,
    Providers,
    /// An import from the command line.
    Import,
    /// A 实干先锋 list from the command line.
    Honors,
    Playlist,
    OpenPeriod,
    RemovePeriod,
    /// A 一票否决 set or lifted.
    Veto,
    /// A 报送截止 set or removed.
    Deadline,
    /// A year's 考核方案 installed.
    Scheme,
    /// 申诉 recorded or answered, or 公示 ended.
    Appeal,
}

crate::domain::codes!("操作" AuditAction {
    Login = "login",
    LoginFailed = "login_failed",
    Logout = "logout",
    Upload = "upload",
    Confirm = "confirm",
    Publish = "publish",
    Schedule = "schedule",
    CancelSchedule = "cancel_schedule",
    Correction = "correction",
    Rollback = "rollback",
    AccountAdded = "account_added",
    AccountChanged = "account_changed",
    PasswordChanged = "password_changed",
    Providers = "providers",
    Import = "import",
    Honors = "honors",
    Playlist = "playlist",
    OpenPeriod = "open_period",
    RemovePeriod = "remove_period",
    Veto = "veto",
    Deadline = "deadline",
    Scheme = "scheme",
    Appeal = "appeal",
});

impl AuditAction {
    pub const ALL: [AuditAction; 23] = [
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::Logout,
        AuditAction::Upload,
        AuditAction::Confirm,
        AuditAction::Publish,
        AuditAction::Schedule,
        AuditAction::CancelSchedule,
        AuditAction::Correction,
        AuditAction::Rollback,
        AuditAction::AccountAdded,
        AuditAction::AccountChanged,
        AuditAction::PasswordChanged,
        AuditAction::Providers,
        AuditAction::Import,
        AuditAction::Honors,
        AuditAction::Playlist,
        AuditAction::OpenPeriod,
        AuditAction::RemovePeriod,
        AuditAction::Veto,
        AuditAction::Deadline,
        AuditAction::Scheme,
        AuditAction::Appeal,
    ];

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::Login => "登录",
            AuditAction::LoginFailed => "登录失败",
            AuditAction::Logout => "退出登录",
            AuditAction::Upload => "上传",
            AuditAction::Confirm => "确认导入",
            AuditAction::Publish => "揭榜",
            AuditAction::Schedule => "定时揭榜",
            AuditAction::CancelSchedule => "取消定时揭榜",
            AuditAction::Correction => "更正",
            AuditAction::Rollback => "撤销导入",
            AuditAction::AccountAdded => "新建账号",
            AuditAction::AccountChanged => "修改账号",
            AuditAction::PasswordChanged => "修改密码",
            AuditAction::Providers => "指标报送单位",
            AuditAction::Import => "命令行导入",
            AuditAction::Honors => "实干先锋名单",
            AuditAction::Playlist => "大厅屏幕设置",
            AuditAction::OpenPeriod => "新建期间",
            AuditAction::RemovePeriod => "删除空期间",
            AuditAction::Veto => "一票否决",
            AuditAction::Deadline => "报送截止",
            AuditAction::Scheme => "安装考核方案",
            AuditAction::Appeal => "公示与申诉",
        }
    }
}

/// The words every correction of a 实干先锋 list carries in its audit entry (how the lobby
/// knows a published list was corrected).
pub const HONORS_CORRECTION: &str = "更正实干先锋名单";

/// Whether a published period's 实干先锋 list was corrected (or rolled back) since 揭榜.
pub fn honors_corrected(conn: &Connection, period: PeriodKey) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM audit_log WHERE action = 'correction' AND period = ?1
                       AND instr(detail, ?2) = 1)",
        (period.to_string(), HONORS_CORRECTION),
        |r| r.get(0),
    )?)
}

/// One thing done, by whom, from where.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub actor: &'a str,
    pub action: AuditAction,
    pub period: Option<PeriodKey>,
    pub detail: &'a str,
    pub address: Option<&'a str>,
}

pub fn audit(conn: &Connection, e: &AuditEntry<'_>) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, period, detail, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (
            super::now(),
            e.actor,
            e.action.as_str(),
            e.period.map(|p| p.to_string()),
            e.detail,
            e.address,
        ),
    )?;
    Ok(())
}

/// A stored entry.
#[derive(Debug, Clone)]
pub struct AuditRow {
    pub id: i64,
    pub at: crate::domain::Stamp,
    pub actor: String,
    /// `None` for a code this version does not know (kept, shown as stored).
    pub action: Option<AuditAction>,
    pub action_code: String,
    pub period: Option<String>,
    pub detail: String,
    pub address: Option<String>,
}

/// What to show of the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
    pub period: Option<PeriodKey>,
    /// Entries with an id below this (paging back).
    pub before: Option<i64>,
}

/// Newest first, at most `limit`.
pub fn audit_entries(conn: &Connection, f: &AuditFilter, limit: usize) -> Result<Vec<AuditRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, period, detail, address FROM audit_log
         WHERE (?1 IS NULL OR actor = ?1) AND (?2 IS NULL OR action = ?2)
           AND (?3 IS NULL OR period = ?3) AND (?4 IS NULL OR id < ?4)
         ORDER BY id DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(
        (
            f.actor.as_deref(),
            f.action.map(AuditAction::as_str),
            f.period.map(|p| p.to_string()),
            f.before,
            limit as i64,
        ),
        |r| {
            let code: String = r.get(3)?;
            Ok(AuditRow {
                id: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: code.parse().ok(),
                action_code: code,
                period: r.get(4)?,
                detail: r.get(5)?,
                address: r.get(6)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
