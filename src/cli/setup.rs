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
            tracing::info!("empty database: loading the demo competition");
            crate::demo::load(&mut conn)?;
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
        ..crate::web::admin::AdminConfig::default()
    };
    crate::web::serve(store, &args.bind, admin)?;
    Ok(ExitCode::SUCCESS)
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
