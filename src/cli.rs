//! The command line: parses arguments and calls into the library. Prints in Chinese for
//! people (`table`) or in CSV / JSON for scripts.

use crate::boards::{self, GroupBoard};
use crate::competition::CompetitionSpec;
use crate::domain::PeriodKey;
use crate::present::{ChangeText, TierText};
use crate::store::{self, ApplyOptions, ApplyOutcome, Store, StoreError};
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
    Serve {
        #[arg(long, env = "SHAIBANG_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Do not load the demo competition into an empty database.
        #[arg(long, env = "SHAIBANG_NO_DEMO")]
        no_demo: bool,
    },
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
    },
    /// List the lobby playlists.
    Playlists,
    /// Publish (揭榜) a period.
    Publish { period: PeriodKey },
    /// List the periods and their status.
    Periods,
    /// Rank every published board again from the stored scores and compare with the board as
    /// posted at 揭榜; exits 1 when any differs.
    Verify,
    /// Freeze, as the stored scores rank them today, the boards of published periods that
    /// have none (a database from before boards were frozen at 揭榜). Run `verify` first.
    Freeze,
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

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum Format {
    Table,
    Csv,
    Json,
}

pub fn run(cli: Cli) -> ExitCode {
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e}");
            ExitCode::from(if matches!(e, StoreError::Import(_)) {
                2
            } else {
                1
            })
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode, StoreError> {
    let command = cli.command.unwrap_or(Command::Serve {
        bind: std::env::var("SHAIBANG_BIND").unwrap_or_else(|_| "127.0.0.1:8080".into()),
        no_demo: std::env::var_os("SHAIBANG_NO_DEMO").is_some(),
    });
    // Opening upgrades the schema; nothing else is written unless the command is a write.
    // In particular no reading command freezes a board: only publish, a correction and
    // `freeze` do.
    let store = Store::open(&cli.db)?;
    match command {
        Command::Freeze => {
            let frozen = crate::publish::freeze_missing(&mut *store.conn()?)?;
            if frozen.is_empty() {
                println!("没有需要冻结的榜单：每个已揭榜期间都已有揭榜时冻结的榜单");
            } else {
                for (key, boards) in &frozen {
                    println!("已按现有得分冻结{}的{boards}个榜单", key.label());
                }
                println!(
                    "这些期间此前没有冻结的榜单，已按现有得分冻结；如得分在揭榜后被改动过，冻结的是改动后的结果"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { bind, no_demo } => {
            if !no_demo {
                let mut conn = store.conn()?;
                if store::load_structure(&conn)?.is_none() {
                    tracing::info!("empty database: loading the demo competition");
                    crate::demo::load(&mut conn)?;
                }
            }
            crate::web::serve(store, &bind)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { competition, units } => {
            let toml = std::fs::read_to_string(&competition)?;
            let units_bytes = std::fs::read(&units)?;
            let spec = CompetitionSpec::parse(&toml, &units_bytes)
                .map_err(|e| StoreError::Invalid(e.join("\n")))?;
            store::install_structure(&mut *store.conn()?, &spec)?;
            println!(
                "已初始化竞赛「{}」：{}个组别，{}个指标，{}个单位",
                spec.competition.name,
                spec.groups.len(),
                spec.indicators.len(),
                spec.units.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            file,
            period,
            correct_published,
            actor,
        } => import(&store, &file, period, correct_published, &actor, false),
        Command::Check {
            file,
            period,
            correct_published,
        } => import(&store, &file, period, correct_published, "check", true),
        Command::Honors {
            file,
            period,
            actor,
        } => {
            let bytes = std::fs::read(&file)?;
            let mut conn = store.conn()?;
            let catalog = structure(&conn)?.catalog();
            let plan = crate::import::honors::plan_honors(&bytes, &catalog, period)
                .map_err(StoreError::Import)?;
            let name = file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            let n = store::replace_honors(&mut conn, &catalog, &plan, &name, &actor)?;
            println!(
                "已导入实干先锋{n}人（{}）",
                plan.periods()
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Playlist {
            name,
            slides,
            seconds,
            theme,
            title,
        } => {
            let slides = match slides {
                Some(s) => crate::lobby::parse_slides(&s).map_err(StoreError::Invalid)?,
                None => crate::lobby::default_slides(),
            };
            crate::lobby::parse_seconds(&seconds.to_string()).map_err(StoreError::Invalid)?;
            let theme = crate::lobby::Theme::parse(&theme)
                .ok_or_else(|| StoreError::Invalid(format!("主题「{theme}」应为 red 或 dark")))?;
            let row = store::PlaylistRow {
                name: name.clone(),
                title,
                theme: theme.as_str().into(),
                seconds,
                slides: crate::lobby::format_slides(&slides),
            };
            store::save_playlist(&mut *store.conn()?, &row)?;
            println!("播放列表「{name}」已保存：/lobby/{name}（{}）", row.slides);
            Ok(ExitCode::SUCCESS)
        }
        Command::Playlists => {
            for p in store::playlists(&*store.conn()?)? {
                println!(
                    "/lobby/{}\t{}秒\t{}\t{}\t{}",
                    p.name,
                    p.seconds,
                    p.theme,
                    p.slides,
                    p.title.unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Publish { period } => {
            crate::publish::publish(&mut *store.conn()?, period)?;
            println!("{}（{}）已揭榜", period.label(), period);
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify => {
            let found = crate::publish::verify(&*store.conn()?)?;
            if found.is_empty() {
                println!("核对完成：所有已揭榜榜单与按现有得分重新计算的结果一致");
                return Ok(ExitCode::SUCCESS);
            }
            for d in &found {
                let view = match d.view {
                    crate::domain::View::Quarter => "单季度",
                    crate::domain::View::Cumulative => "累计",
                };
                println!("{} {}（{}）：", d.period.label(), d.group, view);
                for line in &d.details {
                    println!("  {line}");
                }
            }
            println!("核对发现{}个榜单与已揭榜结果不一致", found.len());
            Ok(ExitCode::from(1))
        }
        Command::Periods => {
            let conn = store.conn()?;
            let s = structure(&conn)?;
            for p in &s.periods {
                println!(
                    "{}\t{}\t{}\t{}",
                    p.key,
                    p.key.label(),
                    p.status.label(),
                    p.published_at.as_deref().unwrap_or("")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Board {
            period,
            group,
            format,
        } => {
            let conn = store.conn()?;
            let s = structure(&conn)?;
            if s.period(period).is_none() {
                return Err(StoreError::Invalid(format!("期间{period}不存在")));
            }
            let mut list = boards::period_boards(&conn, &s, period)?;
            if let Some(g) = &group {
                let Some(gid) = s.group_by_name(g).map(|g| g.id) else {
                    return Err(StoreError::Invalid(format!("组别「{g}」不存在")));
                };
                list.retain(|b| b.group.id == gid);
            }
            let out = match format {
                Format::Table => table(&list),
                Format::Csv => csv_text(&list),
                Format::Json => {
                    serde_json::to_string_pretty(
                        &list
                            .iter()
                            .map(crate::present::BoardJson::new)
                            .collect::<Vec<_>>(),
                    )
                    .unwrap_or_default()
                        + "\n"
                }
            };
            print!("{out}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn structure(conn: &rusqlite::Connection) -> Result<store::Structure, StoreError> {
    store::load_structure(conn)?.ok_or_else(|| {
        StoreError::Invalid("数据库中还没有竞赛：请先运行 shaibang init 或 shaibang serve".into())
    })
}

fn import(
    store: &Store,
    file: &std::path::Path,
    period: Option<PeriodKey>,
    correct_published: bool,
    actor: &str,
    dry_run: bool,
) -> Result<ExitCode, StoreError> {
    let bytes = std::fs::read(file)?;
    let name = file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let opts = ApplyOptions {
        actor,
        allow_published: correct_published,
        dry_run,
    };
    let (plan, outcome) =
        crate::publish::import_file(&mut *store.conn()?, &bytes, &name, period, &opts)?;
    let periods: Vec<String> = plan.periods().iter().map(ToString::to_string).collect();
    println!(
        "文件「{}」：{}，{}，{}行数据，{}个分值，期间 {}",
        plan.file_name,
        plan.encoding.as_str(),
        plan.layout.label(),
        plan.rows,
        plan.value_count(),
        periods.join("、")
    );
    let summary = match &outcome {
        ApplyOutcome::Applied { summary, .. }
        | ApplyOutcome::Unchanged { summary, .. }
        | ApplyOutcome::DryRun { summary, .. } => summary,
    };
    println!(
        "新增{}项，变更{}项，删除{}项，不变{}项",
        summary.added, summary.changed, summary.removed, summary.unchanged
    );
    for d in &summary.details {
        println!("  {d}");
    }
    if summary.details_left_off > 0 {
        println!("  ……另有{}项变更未列出", summary.details_left_off);
    }
    match outcome {
        ApplyOutcome::Applied {
            batch_id,
            new_periods,
            posted_changes,
            ..
        } => {
            for p in new_periods {
                println!("新建期间 {p}（草稿）");
            }
            if !posted_changes.is_empty() {
                println!("已更正已揭榜的榜单（原榜单保留，页面显示“本榜已更正”）：");
                for l in &posted_changes {
                    println!("  {l}");
                }
            }
            println!("已导入（导入批次 #{batch_id}）");
        }
        ApplyOutcome::Unchanged { earlier_batch, .. } => match earlier_batch {
            Some(b) => println!("与已导入的数据相同（同一文件曾于批次 #{b} 导入），未做任何修改"),
            None => println!("与已导入的数据相同，未做任何修改"),
        },
        ApplyOutcome::DryRun {
            new_periods,
            posted_changes,
            ..
        } => {
            for p in new_periods {
                println!("将新建期间 {p}（草稿）");
            }
            if !posted_changes.is_empty() {
                println!("导入后将更正以下已揭榜的榜单：");
                for l in &posted_changes {
                    println!("  {l}");
                }
            }
            println!("检查通过，未写入（使用 shaibang import 导入）");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Display width of a string in a terminal: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x2190..=0x21FF
            | 0x2014 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Header and rows of one board as text cells (shared by table and CSV output).
fn cells(b: &GroupBoard) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head: Vec<String> = ["名次", "单位", "总分", "并列", "变化", "榜单"]
        .map(String::from)
        .to_vec();
    head.extend(b.indicators.iter().map(|i| i.name.clone()));
    head.extend(["加分", "扣分", "数据缺失"].map(String::from));
    let rows = b
        .board
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.rank.map_or("—".into(), |x| x.to_string()),
                r.name.clone(),
                r.total.to_string(),
                if r.tied {
                    "并列".into()
                } else {
                    String::new()
                },
                r.change.label(),
                r.tier.label().into(),
            ];
            row.extend(
                r.points
                    .iter()
                    .map(|p| p.map_or(String::new(), |p| p.to_string())),
            );
            row.push(r.bonus.to_string());
            row.push(r.penalty.to_string());
            row.push(crate::present::missing_note(b, r));
            row
        })
        .collect();
    (head, rows)
}

fn table(list: &[GroupBoard]) -> String {
    let mut out = String::new();
    for b in list {
        out.push_str(&format!(
            "{} {}（{}）\n",
            b.period.key.label(),
            b.group.name,
            b.period.status.label()
        ));
        let (head, rows) = cells(b);
        let widths: Vec<usize> = (0..head.len())
            .map(|i| {
                rows.iter()
                    .map(|r| width(&r[i]))
                    .chain([width(&head[i])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |r: &[String]| {
            r.iter()
                .zip(&widths)
                .map(|(c, &w)| pad(c, w))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        out.push_str(&line(&head));
        out.push('\n');
        for r in &rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        out.push_str(&format!("规则：{}\n\n", b.rules_text));
    }
    out
}

fn csv_text(list: &[GroupBoard]) -> String {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for b in list {
        let (head, rows) = cells(b);
        let mut h = vec!["期间".to_string(), "组别".to_string()];
        h.extend(head);
        let _ = w.write_record(&h);
        for r in rows {
            let mut full = vec![b.period.key.to_string(), b.group.name.clone()];
            full.extend(r);
            let _ = w.write_record(&full);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
