//! SQLite storage: connection pool, migrations, the competition structure, scores and
//! import batches. The store loads and saves; it never ranks (that is `scoring`).
//!
//! Invariants: every write runs in one `BEGIN IMMEDIATE` transaction, so an import is all or
//! nothing; a replaced value is copied to a `*_history` table first, so nothing is lost;
//! `data_version` is bumped by every change that can alter a board.

mod accounts;
mod annual;
mod audit;
mod catalog;
mod codec;
mod deadline;
mod details;
mod install;
mod lineage;
mod lobby;
mod periods;
mod posted_rule;
mod rollback;
mod schedule;
mod snapshots;
mod staging;
mod structure;
mod uploads;
mod utc;
mod values;
mod veto;
mod writer;

pub use accounts::{
    Account, Credentials, SessionInfo, SessionLimits, account, account_by_name, accounts,
    active_admins, add_account, create_session, end_session, latest_unlock, live_session,
    purge_sessions, set_disabled, set_password, set_role, set_unlocked, unlocked_after,
};
pub use annual::{
    Appeal, EXPIRED, Publicity, add_appeal, answer_appeal, appeals, close_expired_publicity,
    end_publicity, publicity, start_publicity,
};
pub use audit::{
    AuditAction, AuditEntry, AuditFilter, AuditRow, HONORS_CORRECTION, audit, audit_entries,
    honors_corrected,
};
pub use deadline::{Deadline, deadlines, late_values, set_deadline};
pub use details::{DetailRow, load_details, save_details};
pub use install::{Origin, UnitPlacement, install_scheme, install_structure};
pub use lineage::{Lineage, lineage};
pub use lobby::{
    HonorRow, PlaylistRow, period_honors, playlist, playlists, replace_honors, save_playlist,
    unit_honors,
};
pub(crate) use periods::create_period;
pub use periods::{mark_published, open_period, remove_empty_period};
pub use posted_rule::PostedRule;
pub use rollback::{BatchRow, batch, batch_layout, batch_periods, batches, rollback_batch};
pub use schedule::{
    ProgressCell, ScheduleRow, cancel_schedule, due_schedules, finish_schedule, pending_schedules,
    progress, schedule_publish, set_indicator_provider,
};
pub use snapshots::{
    EarlierResult, NewSnapshot, Snapshot, SnapshotCause, SnapshotMeta, has_snapshot, load_snapshot,
    periods_missing_snapshots, save_snapshot, snapshot_history, snapshot_results,
};
pub use staging::{
    ApplyOptions, ApplyOutcome, StagedImport, batch_with_sha, import_cache, record_import,
    stage_import,
};
pub use structure::{
    CompetitionRow, GroupRow, IndicatorRow, PeriodRow, PeriodStatus, SchemeRow, Structure, UnitRow,
    load_scheme, load_structure, office_zone, schemes, unit_names,
};
pub use uploads::{
    MAX_PENDING_UPLOAD_BYTES, NewUpload, UPLOAD_TTL_SECS, Upload, mark_upload_confirmed,
    purge_uploads, save_upload, upload_by_token,
};
pub use values::{
    Adjustments, PeriodData, PeriodValues, load_period_data, load_period_values, save_targets,
    unit_adjustments,
};
pub use veto::{VetoRow, current_veto, lift_veto, set_veto, vetoes};

use crate::domain::PeriodKey;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{M, Migrations};
use std::path::{Path, PathBuf};

pub type Pool = r2d2::Pool<SqliteConnectionManager>;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("schema_v1.sql")),
        M::up(include_str!("schema_v2.sql")),
        M::up(include_str!("schema_v3.sql")),
        M::up(include_str!("schema_v4.sql")),
        M::up(include_str!("schema_v5.sql")),
        M::up(include_str!("schema_v6.sql")),
        M::up_with_hook(include_str!("schema_v7.sql"), utc::to_utc),
        M::up(include_str!("schema_v8.sql")),
        M::up(include_str!("schema_v9.sql")),
        M::up(include_str!("schema_v10.sql")),
        M::up(include_str!("schema_v11.sql")),
        M::up(include_str!("schema_v12.sql")),
    ])
}

/// What a store operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),
    /// Another write held the database for longer than a writer waits.
    #[error("另一项导入或揭榜正在进行，等待{}秒后仍未结束，本次未写入任何数据；请稍后再试", BUSY_TIMEOUT_MS / 1000)]
    Busy,
    #[error("数据库连接错误：{0}")]
    Pool(#[from] r2d2::Error),
    #[error("数据库升级失败：{0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("文件错误：{0}")]
    Io(#[from] std::io::Error),
    /// The file was rejected; nothing was written.
    #[error("{0}")]
    Import(crate::import::ImportErrors),
    /// A request that cannot be met in the current state; nothing was written.
    #[error(transparent)]
    Refused(#[from] Refusal),
}

/// How long a writer waits for another write to finish before giving up (SQLite's
/// `busy_timeout`): long enough for a large import or a publish.
pub const BUSY_TIMEOUT_MS: u32 = 60_000;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

/// A write refused because of the state of the competition, in the user's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("数据库中还没有竞赛：请先初始化竞赛结构")]
    NoCompetition,
    #[error("{}由当年四个季度的考评结果计算，须在{}年第一至第四季度都揭榜之后才能揭榜", .period.label(), .period.year)]
    QuartersNotPublished { period: PeriodKey },
    #[error("没有待答复的申诉#{id}")]
    NoSuchAppeal { id: i64 },
    #[error("{}没有公示期，或已经是最终结果", .period.label())]
    NotInPublicity { period: PeriodKey },
    #[error("文件中有{}的数据，与本次导入的其他期间不属于同一年度的考核方案：不同年度请分开导入（上传时选择该期间）", .period.label())]
    OtherScheme { period: PeriodKey },
    #[error("期间{}已存在", .period.label())]
    PeriodExists { period: PeriodKey },
    #[error("{}已揭榜：更正其实干先锋名单需要管理员填写更正原因", .period.label())]
    HonorsPublished { period: PeriodKey },
    #[error("{}不是可删除的空期间：只有尚无任何数据、名单、榜单或定时揭榜的草稿期间才能删除", .period.label())]
    PeriodNotEmpty { period: PeriodKey },
    #[error("{}还没有开放报送：报送单位只能上传到考评办已建立的草稿期间；请核对期间，或联系考评办", .period.label())]
    PeriodNotOpen { period: PeriodKey },
    #[error(
        "服务器上待确认的上传已有{pending_mb}MB，达到{limit_mb}MB的上限：请先确认或放弃已上传的文件（未确认的上传24小时后自动删除），或稍后再试"
    )]
    PendingUploadsFull { pending_mb: u64, limit_mb: u64 },
    #[error("数据库中已有竞赛，不能重复初始化；请使用新的数据库文件")]
    AlreadyInstalled,
    #[error("期间{period}不存在：尚未导入任何得分")]
    NoSuchPeriod { period: PeriodKey },
    #[error("期间{period}已经揭榜")]
    AlreadyPublished { period: PeriodKey },
    /// Movement is measured against the previous published period: no skipping.
    #[error("请先揭榜更早的期间 {}：名次变化以上一个已揭榜期间为准，不能跳过", list(.drafts))]
    EarlierDraft { drafts: Vec<PeriodKey> },
    #[error(
        "期间{period}早于已揭榜的期间{published}，不能补揭：已揭榜榜单的名次变化和累计得分都以更早的已揭榜期间为基准"
    )]
    LaterPublished {
        period: PeriodKey,
        published: PeriodKey,
    },
    #[error("期间{period}中组别「{}」还没有任何得分，不能揭榜", .groups.join("」「"))]
    GroupsWithoutScores {
        period: PeriodKey,
        groups: Vec<String>,
    },
    #[error("荣誉名单中的期间{period}早于已揭榜的{published}，不能新建；请检查期间是否填错")]
    HonorsBeforePublished {
        period: PeriodKey,
        published: PeriodKey,
    },
    #[error("组别「{group}」的并列比较指标「{indicator}」不适用于该组别")]
    TieBreakOutsideGroup { group: String, indicator: String },
    #[error("导入线程异常退出，未写入任何数据")]
    ImportAborted,
    #[error("预览之后数据已有变化（另有导入或揭榜），为免覆盖，本次未导入；请重新上传并预览")]
    StalePreview,
    #[error("找不到这次上传（可能已超过24小时被清理）；请重新上传")]
    NoSuchUpload,
    #[error("此文件已确认导入（导入批次 #{batch}），不能重复确认")]
    AlreadyConfirmed { batch: i64 },
    #[error("更正已揭榜的期间需要管理员填写更正原因（不能只有空格或不可见字符）")]
    CorrectionNeedsReason,
    #[error("账号名不能为空，最多40个字符，且不能含控制字符、不可见字符或 / \\ ? # %")]
    BadAccountName,
    #[error("账号名不能含西里尔或希腊字母（易与拉丁字母混淆）")]
    LookalikeAccountName,
    #[error(
        "账号名「{name}」与已有账号「{existing}」过于相似（仅全角/半角、大小写或空格不同），请另取一个"
    )]
    NameTooSimilar { name: String, existing: String },
    #[error("{what}不能为空，也不能只有空格或不可见字符（如零宽字符、文字方向控制符）")]
    InvisibleText { what: &'static str },
    #[error("报送单位账号必须指定所属的报送单位名称（如 区统计局）；其他角色不指定")]
    ProviderNeedsName,
    #[error("密码不符合要求：{reason}")]
    BadPassword { reason: String },
    #[error("账号「{name}」已存在")]
    NameTaken { name: String },
    #[error("账号「{name}」不存在")]
    NoSuchAccount { name: String },
    #[error("不能停用或降级最后一个管理员账号")]
    LastAdmin,
    #[error("{errors}")]
    ImportRefused { errors: String },
    #[error("{}已揭榜：报送截止时间只能在揭榜前设定或修改", .period.label())]
    DeadlinePublished { period: PeriodKey },
    #[error("指标 #{id} 不存在")]
    NoSuchIndicator { id: i64 },
    #[error("单位「{name}」不存在")]
    NoSuchUnit { name: String },
    #[error("{}「{unit}」没有生效的一票否决", .period.label())]
    NoVeto { period: PeriodKey, unit: String },
    #[error("导入批次 #{batch} 不存在")]
    NoSuchBatch { batch: i64 },
    #[error("导入批次 #{batch} 已于批次 #{by} 撤销")]
    AlreadyRolledBack { batch: i64, by: i64 },
    #[error(
        "导入批次 #{batch} 的部分数据已被之后的批次 #{later} 修改；请先撤销批次 #{later}，以免一并撤销其修改"
    )]
    RollbackSuperseded { batch: i64, later: i64 },
    #[error("导入批次 #{batch} 没有可撤销的得分数据")]
    NothingToRollBack { batch: i64 },
    #[error("撤销需要填写原因（不能只有空格或不可见字符）")]
    RollbackNeedsReason,
    #[error("期间{period}已有待执行的定时揭榜；如需改时间，请先取消")]
    AlreadyScheduled { period: PeriodKey },
    #[error("定时揭榜的时间必须晚于现在")]
    ScheduleInPast,
    #[error("期间{period}没有待执行的定时揭榜")]
    NoSchedule { period: PeriodKey },
}

fn list(periods: &[PeriodKey]) -> String {
    periods
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("、")
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The database: a pool of connections to one SQLite file.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    path: PathBuf,
}

fn configure(c: &mut Connection) -> rusqlite::Result<()> {
    // The timeout first: the other pragmas may already have to wait for another connection.
    c.busy_timeout(std::time::Duration::from_millis(u64::from(BUSY_TIMEOUT_MS)))?;
    c.execute_batch(
        "PRAGMA page_size = 8192;
         PRAGMA journal_mode = WAL;
         PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;",
    )
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)?;
        }
        let manager = SqliteConnectionManager::file(path).with_init(configure);
        let pool = r2d2::Pool::builder().max_size(8).build(manager)?;
        let mut conn = pool.get()?;
        // Foreign keys off while migrating (a table rebuilt keeps its references by name),
        // checked before they are on again: a migration must leave none dangling.
        conn.pragma_update(None, "foreign_keys", false)?;
        migrations().to_latest(&mut conn)?;
        let dangling: i64 =
            conn.query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if dangling > 0 {
            return Err(StoreError::Io(std::io::Error::other(format!(
                "数据库升级后有{dangling}处引用不一致，请从备份恢复后联系开发人员"
            ))));
        }
        Ok(Store {
            pool,
            path: path.to_path_buf(),
        })
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> Result<r2d2::PooledConnection<SqliteConnectionManager>> {
        Ok(self.pool.get()?)
    }
}

/// Runs `f` in a write transaction taken with `begin_write`; commits only if `f` succeeds.
pub fn write_tx<T, E: From<StoreError>>(
    conn: &mut Connection,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
) -> std::result::Result<T, E> {
    let tx = begin_write(conn)?;
    let out = f(&tx)?;
    tx.commit().map_err(StoreError::from)?;
    Ok(out)
}

/// Called once when a write has to wait for another one (set by the command line to tell the
/// clerk; nothing is said by default).
static WAIT_NOTICE: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets what a writer does when it starts waiting for another write (once per process).
pub fn on_write_wait(notice: fn()) {
    let _ = WAIT_NOTICE.set(notice);
}

/// `BEGIN IMMEDIATE`: the database's one write lock. When another import or publish holds it,
/// says so once (`on_write_wait`) and waits its turn, up to `BUSY_TIMEOUT_MS`; then
/// `StoreError::Busy`.
pub fn begin_write(conn: &mut Connection) -> Result<rusqlite::Transaction<'_>> {
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let free = conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;");
    conn.busy_timeout(std::time::Duration::from_millis(u64::from(BUSY_TIMEOUT_MS)))?;
    // Any other failure is reported by the real attempt below.
    if let Err(e) = free
        && matches!(StoreError::from(e), StoreError::Busy)
        && let Some(notice) = WAIT_NOTICE.get()
    {
        notice();
    }
    Ok(conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
}

/// The (single) competition's id, or the error every write reports when there is none yet.
pub(crate) fn competition_id(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT id FROM competition ORDER BY id LIMIT 1", [], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or(StoreError::Refused(Refusal::NoCompetition))
}

/// The data version and the unix time of the last change.
pub fn data_version(conn: &Connection) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT version, changed_at FROM data_version WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

pub fn bump_version(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE data_version SET version = version + 1,
             changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE id = 1",
        [],
    )?;
    Ok(())
}

/// Copies the live database to `to` with SQLite's online backup (a consistent snapshot while
/// others keep reading and writing); returns the number of pages copied.
pub fn backup_to(store: &Store, to: &Path) -> Result<i32> {
    let conn = store.conn()?;
    let mut dst = Connection::open(to)?;
    let backup = rusqlite::backup::Backup::new(&conn, &mut dst)?;
    backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
    let pages = backup.progress().pagecount;
    drop(backup);
    let ok: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(StoreError::Io(std::io::Error::other(format!(
            "备份文件完整性检查未通过：{ok}"
        ))));
    }
    Ok(pages)
}

/// The instant a row is written, stored in UTC.
pub(crate) fn now() -> crate::domain::Stamp {
    crate::domain::Stamp::now()
}

/// Every row of every table, in a stable order: for comparing the database before and after.
pub fn dump(conn: &Connection) -> Result<String> {
    let mut out = String::new();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tables {
        out.push_str(&format!("== {t}\n"));
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{}\"", t.replace('"', "\"\"")))?;
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut line = Vec::with_capacity(n);
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push(format!("{v:?}"));
                }
                Ok(line.join("|"))
            })?
            .collect::<rusqlite::Result<_>>()?;
        rows.sort();
        for r in rows {
            out.push_str(&r);
            out.push('\n');
        }
    }
    Ok(out)
}
