//! The command line: parses arguments and calls into the library. Prints in Chinese for
//! people (`table`) or in CSV / JSON for scripts. One module per family of commands; this one
//! holds the arguments, the error shown at the edge and the dispatch.

mod boards;
mod help;
mod import;
mod publish;
mod setup;
mod users;
mod veto;

use crate::domain::PeriodKey;
use crate::store::{Store, StoreError};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "shaibang", version, about = "晒榜 — 季度考评成绩榜单服务")]
pub struct Cli {
    /// SQLite database file.
    #[arg(
        long,
        env = "SHAIBANG_DB",
        default_value = "data/shaibang.db",
        global = true
    )]
    pub db: PathBuf,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the boards over HTTP (the default). Loads the demo data into an empty database.
    Serve(ServeArgs),
    /// Install a competition's structure (groups, indicators, units) into an empty database.
    Init {
        /// Competition TOML (see data/demo/competition.toml).
        #[arg(long)]
        competition: PathBuf,
        /// Units CSV: 单位,简称,别名,类型,组别
        #[arg(long)]
        units: PathBuf,
    },
    /// Import a score file (CSV or .xlsx); all or nothing.
    Import {
        file: PathBuf,
        /// Period for rows without a 期间 column, e.g. 2023Q3.
        #[arg(long)]
        period: Option<PeriodKey>,
        /// Allow the file to correct a period that is already published (揭榜).
        #[arg(long)]
        correct_published: bool,
        /// Recorded in the import batch.
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
    },
    /// Validate a score file and show what importing it would change, without writing.
    Check {
        file: PathBuf,
        #[arg(long)]
        period: Option<PeriodKey>,
        #[arg(long)]
        correct_published: bool,
    },
    /// Import the 实干先锋 honors list (期间, 姓名, 单位, 称号, 事迹); replaces that period's list.
    Honors {
        file: PathBuf,
        #[arg(long)]
        period: Option<PeriodKey>,
        #[arg(long, env = "USER", default_value = "cli")]
        actor: String,
    },
    /// Import targets (目标值) of the indicators scored against one: a year's annual targets,
    /// or with --quarter one quarter's. Same file layouts as scores (单位 and one column per
    /// indicator, or 单位, 指标, 目标值); blank cells change nothing.
    Targets {
        file: PathBuf,
        #[arg(long)]
        year: i32,
        /// 1–4 for a quarter's own targets; 0 (the default) for the annual ones.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=4))]
        quarter: u8,
    },
    /// Import a 明细清单 for a draft period: 加分 items (单位, 指标, 类别, 事项, 级别) or 扣分制
    /// events (单位, 指标, 类别, 起数); it replaces the period's list of each indicator named.
    Details {
        file: PathBuf,
        #[arg(long)]
        period: PeriodKey,
    },
    /// Create or update a lobby playlist, shown at /lobby/NAME.
    Playlist {
        name: String,
        /// Slides, e.g. "board:街道组,tiers,movers@10,chart,honors" (default: everything).
        #[arg(long)]
        slides: Option<String>,
        /// Seconds per slide (a slide may set its own with @N).
        #[arg(long, default_value_t = crate::lobby::DEFAULT_SECONDS)]
        seconds: u32,
        /// red (ceremonial red and gold) or dark (high contrast).
        #[arg(long, default_value = "red")]
        theme: String,
        /// Shown under the competition name, e.g. the screen's location.
        #[arg(long)]
        title: Option<String>,
        /// This screen's token: /lobby/NAME then shows only with ?token=… (at least 16 characters).
        #[arg(long)]
        token: Option<String>,
    },
    /// List the lobby playlists.
    Playlists,
    /// 一票否决: set, lift or list (a published period needs --correction, the reason of
    /// the correction its boards then carry).
    #[command(subcommand)]
    Veto(VetoCommand),
    /// 考核方案 per year: install next year's (groups, indicators, units), or list them.
    #[command(subcommand)]
    Scheme(SchemeCommand),
    /// 公示 and 申诉 of a published result (the year's, 2023Y): record an appeal, answer it,
    /// list them, or declare the result final before its 公示期 ends.
    #[command(subcommand)]
    Appeal(AppealCommand),
    /// Set or remove a draft period's 报送截止 (the period's, or with --indicator one
    /// indicator's), in the office's time: --at "2023-12-10 17:00".
    Deadline {
        #[arg(long)]
        period: PeriodKey,
        #[arg(long)]
        at: Option<String>,
        /// The indicator's name or code (names shared by groups: use the code).
        #[arg(long)]
        indicator: Option<String>,
        /// Remove the deadline instead.
        #[arg(long)]
        clear: bool,
    },
    /// Publish (揭榜) a period. Units with a missing score are listed first; with any, it
    /// publishes only with --yes.
    Publish {
        period: PeriodKey,
        #[arg(long)]
        yes: bool,
    },
    /// List the periods and their status.
    Periods,
    /// Rank every published board again from the stored scores and compare with the board as
    /// posted at 揭榜; exits 1 when any differs.
    Verify,
    /// Freeze, as the stored scores rank them today, the boards of published periods that
    /// have none (a database from before boards were frozen at 揭榜). Run `verify` first.
    Freeze,
    /// Accounts for the web admin area (the first administrator can only be made here).
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the live database to FILE (safe while the server runs).
    Backup { file: PathBuf },
    /// Print a period's boards.
    Board {
        #[arg(long)]
        period: PeriodKey,
        /// Only this group (name or id).
        #[arg(long)]
        group: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoKind {
    District,
    City,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// `shaibang appeal …`.
#[derive(Debug, Subcommand)]
pub enum AppealCommand {
    /// Record a unit's appeal against a result in 公示.
    Add {
        #[arg(long)]
        period: PeriodKey,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        text: String,
    },
    /// Record the answer to appeal ID after 复核 (--upheld when it is upheld; the result is
    /// then put right by a correction).
    Answer {
        id: i64,
        #[arg(long)]
        period: PeriodKey,
        #[arg(long)]
        answer: String,
        #[arg(long)]
        upheld: bool,
    },
    /// List a result's appeals and its 公示.
    List {
        #[arg(long)]
        period: PeriodKey,
    },
    /// Declare a result final now, before its 公示期 ends.
    Final {
        #[arg(long)]
        period: PeriodKey,
    },
}

/// `shaibang scheme …`.
#[derive(Debug, Subcommand)]
pub enum SchemeCommand {
    /// Install YEAR's scheme from its competition file and units list (units.csv may add
    /// 原名称, 合并自, 拆分自 columns); --dry-run shows what changes against the year before.
    Install {
        year: i32,
        #[arg(long)]
        competition: PathBuf,
        #[arg(long)]
        units: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// List the installed schemes and the years they rank.
    List,
}

/// `shaibang veto …`.
#[derive(Debug, Subcommand)]
pub enum VetoCommand {
    /// Set a unit's 一票否决 for a period (replacing the reason of one in force).
    Set {
        #[arg(long)]
        period: PeriodKey,
        /// The unit's name, 简称 or alias.
        #[arg(long)]
        unit: String,
        #[arg(long)]
        reason: String,
        /// Required when the period is published: why its posted boards are corrected.
        #[arg(long, default_value = "")]
        correction: String,
    },
    /// Lift the 一票否决 in force.
    Lift {
        #[arg(long)]
        period: PeriodKey,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        correction: String,
    },
    /// Set the 一票否决 of every unit in a list (`单位, 原因`, CSV or .xlsx), in one go.
    Import {
        file: PathBuf,
        #[arg(long)]
        period: PeriodKey,
        #[arg(long, default_value = "")]
        correction: String,
    },
    /// Every 一票否决 ever set, lifted ones too.
    List,
}

/// `shaibang user …`; passwords are read without echo, or from standard input.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Add {
        name: String,
        /// admin (管理员), staff (考评办) or provider (报送单位).
        #[arg(long)]
        role: crate::auth::Role,
        /// For a provider account: the provider its indicators are assigned to, e.g. 区统计局.
        #[arg(long)]
        provider: Option<String>,
    },
    /// Set an account's password.
    Passwd { name: String },
    /// Disable an account (its sessions end).
    Disable { name: String },
    /// Enable a disabled account.
    Enable { name: String },
    /// Lift an account's login locks (after too many wrong passwords); a running server
    /// honours it at the account's next login.
    Unlock { name: String },
    /// List the accounts.
    List,
}

/// Who runs a command, for the audit log: the operating-system user (a command line has no
/// login; `--actor` is free text and recorded only as what it is).
pub(crate) struct Operator(String);

impl Operator {
    pub(crate) fn actor(&self) -> crate::ops::Actor<'_> {
        crate::ops::Actor {
            name: &self.0,
            address: None,
        }
    }
}

pub(crate) fn operator() -> Operator {
    let user = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok())
        .map(|u| crate::text::strip_invisible(u.trim()))
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "未知用户".into());
    Operator(format!("命令行（{}）", crate::text::clip(&user)))
}

/// `serve`'s settings; also what running without a command means, read by clap from the
/// same flags' environment variables, so both agree (`SHAIBANG_NO_DEMO=false` is false).
#[derive(Parser, Debug)]
pub struct ServeArgs {
    #[arg(long, env = "SHAIBANG_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Do not load the demo competition into an empty database.
    #[arg(long, env = "SHAIBANG_NO_DEMO")]
    pub no_demo: bool,
    /// Which demo an empty database gets: `district` (西山区's 街道 and 部门, one year) or
    /// `city` (a city's 县（市）区 over two years, with a scheme change and a 年度综合考评).
    #[arg(long, env = "SHAIBANG_DEMO", value_enum, default_value = "district")]
    pub demo: DemoKind,
    /// Mark the staff area's cookies Secure (set when the server is behind TLS).
    #[arg(long, env = "SHAIBANG_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Largest file accepted by the upload page, in MB.
    #[arg(long, env = "SHAIBANG_UPLOAD_LIMIT_MB", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=200))]
    pub upload_limit_mb: u32,
    /// Boards, API and exports require a logged-in account (the lobby stays open).
    #[arg(long, env = "SHAIBANG_PRIVATE")]
    pub private: bool,
    /// The lobby screens require this token (`/lobby?token=…`); at least 16 characters.
    #[arg(long, env = "SHAIBANG_LOBBY_TOKEN")]
    pub lobby_token: Option<String>,
    /// The boards' public address; posters then carry a QR code linking to their board.
    #[arg(long, env = "SHAIBANG_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// What a command fails with, printed as `错误：…`.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ops(#[from] crate::ops::OpsError),
    /// A file or setting given on the command line that is not right.
    #[error("{0}")]
    Input(String),
    #[error("文件错误：{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Serve(#[from] crate::web::ServeError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
}

/// The command line read with Chinese help; `Err` with the exit code once help, the version
/// or an error in the arguments has been printed.
pub fn parse() -> Result<Cli, ExitCode> {
    use clap::error::ErrorKind;
    use clap::{CommandFactory, FromArgMatches};
    let matches = help::localize(Cli::command())
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    matches.map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{}", help::error_text(&e));
            ExitCode::from(2)
        }
    })
}

#[must_use]
pub fn run(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            // A rejected file is told apart from every other failure (scripts check for 2).
            ExitCode::from(
                if matches!(
                    e,
                    CliError::Store(StoreError::Import(_))
                        | CliError::Ops(
                            crate::ops::OpsError::File(_) | crate::ops::OpsError::Input(_)
                        )
                ) {
                    2
                } else {
                    1
                },
            )
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode, CliError> {
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeArgs::parse_from(["shaibang"])));
    // Opening upgrades the schema; nothing else is written unless the command is a write.
    // In particular no reading command freezes a board: only publish, a correction and
    // `freeze` do.
    // A mistyped --db must not quietly make an empty database: only `init`, `serve` (which
    // loads the demo into a new one) and `user add` (the first 管理员 of a new install) may
    // create it.
    let creates = matches!(
        command,
        Command::Init { .. } | Command::Serve(_) | Command::User(UserCommand::Add { .. })
    );
    if !creates && !cli.db.exists() {
        return Err(CliError::Input(format!(
            "数据库文件「{}」不存在：请检查 --db 路径（新建数据库请用 init 或 serve）",
            cli.db.display()
        )));
    }
    let store = Store::open(&cli.db)?;
    crate::store::on_write_wait(|| {
        eprintln!(
            "另一项导入或揭榜正在进行，正在等待其完成（最长{}秒）……",
            crate::store::BUSY_TIMEOUT_MS / 1000
        );
    });
    match command {
        Command::Serve(args) => setup::serve(store, &args),
        Command::Init { competition, units } => setup::init(&store, &competition, &units),
        Command::Playlist {
            name,
            slides,
            seconds,
            theme,
            title,
            token,
        } => setup::playlist(&store, name, slides, seconds, &theme, title, token),
        Command::Playlists => setup::playlists(&store),
        Command::Import {
            file,
            period,
            correct_published,
            actor,
        } => import::import(&store, &file, period, correct_published, &actor, false),
        Command::Check {
            file,
            period,
            correct_published,
        } => import::import(&store, &file, period, correct_published, "check", true),
        Command::Honors {
            file,
            period,
            actor,
        } => import::honors(&store, &file, period, &actor),
        Command::Targets {
            file,
            year,
            quarter,
        } => import::targets(&store, &file, year, quarter),
        Command::Veto(v) => veto::run(&store, v),
        Command::Scheme(c) => setup::scheme(&store, c),
        Command::Appeal(c) => veto::appeal(&store, c),
        Command::Deadline {
            period,
            at,
            indicator,
            clear,
        } => veto::deadline(&store, period, at.as_deref(), indicator.as_deref(), clear),
        Command::Details { file, period } => import::details(&store, &file, period),
        Command::Publish { period, yes } => publish::publish(&store, period, yes),
        Command::Verify => publish::verify(&store),
        Command::Freeze => publish::freeze(&store),
        Command::Periods => boards::periods(&store),
        Command::Board {
            period,
            group,
            format,
        } => boards::board(&store, period, group.as_deref(), format),
        Command::User(u) => match u {
            UserCommand::Add {
                name,
                role,
                provider,
            } => users::add(&store, &name, role, provider.as_deref()),
            UserCommand::Passwd { name } => users::passwd(&store, &name),
            UserCommand::Disable { name } => users::disable(&store, &name, true),
            UserCommand::Enable { name } => users::disable(&store, &name, false),
            UserCommand::Unlock { name } => users::unlock(&store, &name),
            UserCommand::List => users::list(&store),
        },
        Command::Backup { file } => users::backup(&store, &file),
    }
}

/// The stored competition, or the error every command that needs one reports.
fn structure(conn: &rusqlite::Connection) -> Result<crate::store::Structure, CliError> {
    scheme(conn, None)
}

/// The scheme of a period's year (the latest for `None`), or the error of `structure`.
fn scheme(
    conn: &rusqlite::Connection,
    period: Option<PeriodKey>,
) -> Result<crate::store::Structure, CliError> {
    crate::store::load_scheme(conn, period.map(|k| k.year))?.ok_or_else(|| {
        CliError::Input("数据库中还没有竞赛：请先运行 shaibang init 或 shaibang serve".into())
    })
}
