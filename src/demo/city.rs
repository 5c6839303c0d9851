//! The city-level demo (`serve --demo city` on an empty database): a city's competition
//! between its 县（市）区, modelled on 昆明's, over two years — 2022 with its four quarters and
//! its 年度综合考评 (final after 公示), then 2023's scheme installed (an indicator added, 晋宁区
//! moved to 主城区) and 2023Q1–Q3 published. Scored from growth rates (功效系数法, 按位次) and
//! investment completion against targets. Every figure is fictional (scripts/gen_city_demo.py).

use super::DemoError;
use crate::competition::CompetitionSpec;
use crate::domain::PeriodKey;
use crate::store::ApplyOptions;
use rusqlite::Connection;

const TOML_2022: &str = include_str!("../../data/demo-city/2022.toml");
const TOML_2023: &str = include_str!("../../data/demo-city/2023.toml");
const UNITS_2022: &[u8] = include_bytes!("../../data/demo-city/units-2022.csv");
const UNITS_2023: &[u8] = include_bytes!("../../data/demo-city/units-2023.csv");
const TARGETS: [(i32, &[u8]); 2] = [
    (
        2022,
        include_bytes!("../../data/demo-city/targets-2022.csv"),
    ),
    (
        2023,
        include_bytes!("../../data/demo-city/targets-2023.csv"),
    ),
];
/// Each quarter's raw figures, as the 县（市）区 reported them.
const QUARTERS: [(&str, &[u8]); 7] = [
    (
        "2022Q1.csv",
        include_bytes!("../../data/demo-city/2022Q1.csv"),
    ),
    (
        "2022Q2.csv",
        include_bytes!("../../data/demo-city/2022Q2.csv"),
    ),
    (
        "2022Q3.csv",
        include_bytes!("../../data/demo-city/2022Q3.csv"),
    ),
    (
        "2022Q4.csv",
        include_bytes!("../../data/demo-city/2022Q4.csv"),
    ),
    (
        "2023Q1.csv",
        include_bytes!("../../data/demo-city/2023Q1.csv"),
    ),
    (
        "2023Q2.csv",
        include_bytes!("../../data/demo-city/2023Q2.csv"),
    ),
    (
        "2023Q3.csv",
        include_bytes!("../../data/demo-city/2023Q3.csv"),
    ),
];
const SATISFACTION_2022: &[u8] = include_bytes!("../../data/demo-city/2022Y-satisfaction.csv");

/// Who the demo's steps are recorded as.
const OFFICE: crate::ops::Actor<'static> = crate::ops::Actor {
    name: "市考评办",
    address: None,
};

pub fn spec_2022() -> Result<CompetitionSpec, DemoError> {
    CompetitionSpec::parse(TOML_2022, UNITS_2022).map_err(DemoError::Spec)
}

/// Installs both years and publishes what the demo shows.
pub fn load(conn: &mut Connection) -> Result<(), DemoError> {
    crate::ops::install(conn, &spec_2022()?)?;
    let opts = ApplyOptions {
        actor: "市考评办",
        allow_published: false,
        dry_run: false,
    };
    for (name, bytes) in QUARTERS {
        let key = PeriodKey::parse(&name[..6])
            .ok_or_else(|| DemoError::Spec(vec![format!("示例文件名「{name}」不含期间")]))?;
        if key.quarter == 1 {
            if key.year == 2023 {
                crate::ops::install_scheme(
                    conn,
                    OFFICE,
                    crate::auth::Role::Admin,
                    2023,
                    TOML_2023,
                    UNITS_2023,
                    None,
                )?;
            }
            if let Some((year, targets)) = TARGETS.iter().find(|(y, _)| *y == key.year) {
                crate::ops::import_targets(conn, targets, "targets.csv", *year, 0, OFFICE)?;
            }
        }
        crate::ops::import_file(conn, bytes, name, Some(key), &opts)?;
        crate::ops::publish(conn, key)?;
        if key
            == (PeriodKey {
                year: 2022,
                quarter: 4,
            })
        {
            // 2022's result: the 群众满意度 in, 揭榜, and final after its 公示.
            let y = PeriodKey::annual(2022);
            crate::ops::import_file(
                conn,
                SATISFACTION_2022,
                "2022Y-satisfaction.csv",
                Some(y),
                &opts,
            )?;
            crate::ops::publish(conn, y)?;
            crate::ops::end_publicity(conn, OFFICE, crate::auth::Role::Admin, y)?;
        }
    }
    Ok(())
}
