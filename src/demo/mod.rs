//! The demo competition (fictional scores modelled on 西山区's 2023 competition), compiled into
//! the binary and loaded into an empty database so that a first run shows a real-looking board.

pub mod city;

use crate::competition::CompetitionSpec;
use crate::domain::PeriodKey;
use crate::store::{self, ApplyOptions, StoreError};
use rusqlite::Connection;

pub const COMPETITION_TOML: &str = include_str!("../../data/demo/competition.toml");
pub const UNITS_CSV: &[u8] = include_bytes!("../../data/demo/units.csv");

/// The score files in import order, as staff would have uploaded them.
pub const SCORE_FILES: &[(&str, &[u8])] = &[
    (
        "2023Q1-long.csv",
        include_bytes!("../../data/demo/2023Q1-long.csv"),
    ),
    (
        "2023Q2-streets.xlsx",
        include_bytes!("../../data/demo/2023Q2-streets.xlsx"),
    ),
    (
        "2023Q2-depts.csv",
        include_bytes!("../../data/demo/2023Q2-depts.csv"),
    ),
    (
        "2023Q3-streets.csv",
        include_bytes!("../../data/demo/2023Q3-streets.csv"),
    ),
    (
        "2023Q3-depts.xlsx",
        include_bytes!("../../data/demo/2023Q3-depts.xlsx"),
    ),
];

pub const HONORS_CSV: &[u8] = include_bytes!("../../data/demo/2023Q3-honors.csv");

/// The streets' 加分事项 lists (明细清单), one per quarter, imported before its 揭榜.
pub const ITEM_FILES: [(&str, &[u8]); 3] = [
    (
        "2023Q1-streets-items.csv",
        include_bytes!("../../data/demo/2023Q1-streets-items.csv"),
    ),
    (
        "2023Q2-streets-items.csv",
        include_bytes!("../../data/demo/2023Q2-streets-items.csv"),
    ),
    (
        "2023Q3-streets-items.csv",
        include_bytes!("../../data/demo/2023Q3-streets-items.csv"),
    ),
];

/// The streets' annual 固定资产投资 targets (万元), imported before the scores.
pub const TARGETS_CSV: &[u8] = include_bytes!("../../data/demo/2023-targets.csv");

/// The demo's one 一票否决: (quarter, unit, reason), set before that quarter's 揭榜.
pub const VETO: (u8, &str, &str) = (3, "区交通运输局", "行业领域发生较大生产安全事故1起");

/// The demo lobby playlist, at /lobby/大厅.
pub const PLAYLIST: &str = "大厅";

/// Why the demo could not be loaded: its embedded files are wrong (a build defect), or the
/// database refused them.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("内置示例竞赛配置有误：{}", .0.join("；"))]
    Spec(Vec<String>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ops(#[from] crate::ops::OpsError),
}

fn veto(conn: &mut Connection, period: PeriodKey) -> Result<(), DemoError> {
    let s = store::load_structure(conn)?
        .ok_or(store::Refusal::NoCompetition)
        .map_err(StoreError::from)?;
    let unit = s
        .unit_by_name(VETO.1)
        .ok_or_else(|| DemoError::Spec(vec![format!("示例单位「{}」不存在", VETO.1)]))?
        .id;
    crate::ops::set_veto(
        conn,
        crate::ops::VetoBy {
            actor: crate::ops::Actor {
                name: "demo",
                address: None,
            },
            role: crate::auth::Role::Admin,
        },
        &crate::ops::VetoChange {
            period,
            unit,
            reason: VETO.2,
            correction: "",
        },
    )?;
    Ok(())
}

pub fn spec() -> Result<CompetitionSpec, DemoError> {
    CompetitionSpec::parse(COMPETITION_TOML, UNITS_CSV).map_err(DemoError::Spec)
}

/// Installs the demo competition, imports its score files and publishes 2023Q1–2023Q3.
pub fn load(conn: &mut Connection) -> Result<(), DemoError> {
    crate::ops::install(conn, &spec()?)?;
    let demo = crate::ops::Actor {
        name: "demo",
        address: None,
    };
    crate::ops::import_targets(conn, TARGETS_CSV, "2023-targets.csv", 2023, 0, demo)?;
    let opts = ApplyOptions {
        actor: "demo",
        allow_published: false,
        dry_run: false,
    };
    let q = |n| PeriodKey {
        year: 2023,
        quarter: n,
    };
    for (i, (name, bytes)) in SCORE_FILES.iter().enumerate() {
        let period = q(name[5..6].parse().unwrap_or(1));
        crate::ops::import_file(conn, bytes, name, Some(period), &opts)?;
        // Publish a quarter once its last file is in, so each import lands in a draft.
        let next_quarter = SCORE_FILES.get(i + 1).map(|(n, _)| &n[..6]);
        if next_quarter != Some(&name[..6]) {
            let (items_name, items) = ITEM_FILES[usize::from(period.quarter) - 1];
            crate::ops::import_details(conn, items, items_name, period, demo)?;
            if period == q(VETO.0) {
                veto(conn, period)?;
            }
            crate::ops::publish(conn, period)?;
        }
    }
    let structure = store::load_structure(conn)?
        .ok_or(store::Refusal::NoCompetition)
        .map_err(StoreError::from)?;
    let catalog = structure.catalog();
    let honors = crate::import::honors::plan_honors(HONORS_CSV, &catalog, None)
        .map_err(StoreError::Import)?;
    crate::ops::import_honors(conn, &catalog, &honors, "2023Q3-honors.csv", "demo")?;
    crate::ops::save_playlist(
        conn,
        &store::PlaylistRow {
            name: PLAYLIST.into(),
            title: Some("综合办公大楼一楼大厅".into()),
            theme: "red".into(),
            seconds: 15,
            slides: crate::lobby::format_slides(&crate::lobby::default_slides()),
            token: None,
        },
    )?;
    Ok(())
}
