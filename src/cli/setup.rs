//! `serve`, `init`, `playlist`, `playlists`: setting the server and the competition up.

use super::{CliError, ServeArgs};
use crate::competition::CompetitionSpec;
use crate::store::{self, Store};
use std::path::Path;
use std::process::ExitCode;

pub fn serve(store: Store, args: &ServeArgs) -> Result<ExitCode, CliError> {
    if !args.no_demo {
        let mut conn = store.conn()?;
        if store::load_structure(&conn)?.is_none() {
            tracing::info!(demo = ?args.demo, "empty database: loading the demo competition");
            match args.demo {
                super::DemoKind::District => crate::demo::load(&mut conn)?,
                super::DemoKind::City => crate::demo::city::load(&mut conn)?,
            }
        }
    }
    if args
        .lobby_token
        .as_ref()
        .is_some_and(|t| t.chars().count() < 16)
    {
        return Err(CliError::Input(
            "大屏授权码（--lobby-token）至少需要16个字符".into(),
        ));
    }
    let admin = crate::web::admin::AdminConfig {
        secure_cookies: args.secure_cookies,
        private_pages: args.private,
        lobby_token: args.lobby_token.clone(),
        upload_limit: args.upload_limit_mb as usize * 1024 * 1024,
        public_url: args.public_url.as_deref().map(public_url).transpose()?,
        ..crate::web::admin::AdminConfig::default()
    };
    crate::web::serve(store, &args.bind, admin)?;
    Ok(ExitCode::SUCCESS)
}

/// `--public-url`: an http(s) address without spaces, kept without its trailing `/`.
fn public_url(raw: &str) -> Result<String, CliError> {
    let url = raw.trim().trim_end_matches('/');
    let scheme = url.starts_with("https://") || url.starts_with("http://");
    if !scheme || url.len() > 200 || url.chars().any(char::is_whitespace) {
        return Err(CliError::Input(format!(
            "--public-url「{raw}」应为以 http:// 或 https:// 开头、不含空格的网址（至多200个字符）"
        )));
    }
    Ok(url.to_string())
}

pub fn init(store: &Store, competition: &Path, units: &Path) -> Result<ExitCode, CliError> {
    let toml = std::fs::read_to_string(competition)?;
    let units_bytes = std::fs::read(units)?;
    let spec =
        CompetitionSpec::parse(&toml, &units_bytes).map_err(|e| CliError::Input(e.join("\n")))?;
    crate::ops::install(&mut *store.conn()?, &spec)?;
    println!(
        "已初始化竞赛「{}」：{}个组别，{}个指标，{}个单位",
        spec.competition.name,
        spec.groups.len(),
        spec.indicators.len(),
        spec.units.len()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn scheme(store: &Store, cmd: super::SchemeCommand) -> Result<ExitCode, CliError> {
    let mut conn = store.conn()?;
    match cmd {
        super::SchemeCommand::List => {
            let Some(s) = store::load_structure(&conn)? else {
                println!("尚未初始化竞赛");
                return Ok(ExitCode::SUCCESS);
            };
            for (i, sc) in s.schemes.iter().enumerate() {
                let until = s.schemes.get(i + 1).map(|n| n.year - 1);
                let years = match until {
                    Some(u) if u == sc.year => format!("{}年", sc.year),
                    Some(u) => format!("{}—{u}年", sc.year),
                    None => format!("{}年起", sc.year),
                };
                println!("{}：{}（适用{years}）", sc.year, sc.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        super::SchemeCommand::Install {
            year,
            competition,
            units,
            dry_run,
        } => {
            let toml = std::fs::read_to_string(&competition)?;
            let units = std::fs::read(&units)?;
            let plan = if dry_run {
                crate::ops::plan_scheme(&conn, year, &toml, &units)?
            } else {
                let op = super::operator();
                crate::ops::install_scheme(
                    &mut conn,
                    op.actor(),
                    crate::auth::Role::Admin,
                    year,
                    &toml,
                    &units,
                    None,
                )?
            };
            println!(
                "{}{}年考核方案「{}」：{}个组别，{}个指标，{}个单位。与{}年相比：",
                if dry_run {
                    "预览（未安装）"
                } else {
                    "已安装"
                },
                plan.year,
                plan.spec.competition.name,
                plan.spec.groups.len(),
                plan.spec.indicators.len(),
                plan.spec.units.len(),
                plan.diff.previous_year
            );
            for l in crate::present::scheme_changes(&plan.diff) {
                println!("  {l}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn playlist(
    store: &Store,
    name: String,
    slides: Option<String>,
    seconds: u32,
    theme: &str,
    title: Option<String>,
    token: Option<String>,
) -> Result<ExitCode, CliError> {
    if token.as_ref().is_some_and(|t| t.chars().count() < 16) {
        return Err(CliError::Input(
            "屏幕授权码（--token）至少需要16个字符".into(),
        ));
    }
    let slides = match slides {
        Some(s) => crate::lobby::parse_slides(&s).map_err(CliError::Input)?,
        None => crate::lobby::default_slides(),
    };
    crate::lobby::parse_seconds(&seconds.to_string()).map_err(CliError::Input)?;
    let theme: crate::lobby::Theme = theme
        .parse()
        .map_err(|_| CliError::Input(format!("主题「{theme}」应为 red 或 dark")))?;
    let row = store::PlaylistRow {
        name: name.clone(),
        title,
        theme: theme.as_str().into(),
        seconds,
        slides: crate::lobby::format_slides(&slides),
        token,
    };
    crate::ops::save_playlist_by(&mut *store.conn()?, &row, super::operator().actor())?;
    println!("播放列表「{name}」已保存：/lobby/{name}（{}）", row.slides);
    Ok(ExitCode::SUCCESS)
}

pub fn playlists(store: &Store) -> Result<ExitCode, CliError> {
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
