//! The city-level demo (`serve --demo city`): two years of a city's 县（市）区 with a scheme
//! change and a year's result.

use crate::helpers::{empty_db, get, shaibang, spawn_app, text};
use shaibang::store;

#[test]
fn the_city_demo_spans_two_years_with_a_scheme_change_and_a_years_result() {
    let db = empty_db();
    shaibang::demo::city::load(&mut db.store.conn().unwrap()).unwrap();
    let app = spawn_app(db);
    let conn = app.db.store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    assert!(s.competition.is_demo && s.competition.name.contains("数据虚构"));
    assert_eq!(s.schemes.len(), 2);
    // 晋宁区 ranks with the 主城区 from 2023, with the 县（市） before.
    let core = s.group_by_name("主城区").unwrap().id;
    assert!(s.group_units(core).iter().any(|u| u.name == "晋宁区"));
    let s22 = store::load_scheme(&conn, Some(2022)).unwrap().unwrap();
    let counties22 = s22.group_by_name("县（市）").unwrap().id;
    assert!(
        s22.group_units(counties22)
            .iter()
            .any(|u| u.name == "晋宁区")
    );
    // 2022's result is published and final; 2023's boards compare with 2022's.
    let y: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2022Y/{counties22}", app.base)).body)
            .unwrap();
    assert_eq!(y["publicity"]["final"], true, "{y}");
    assert_eq!(y["rows"].as_array().unwrap().len(), 9);
    let b: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q1/{core}", app.base)).body)
            .unwrap();
    let jinning = b["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "晋宁区")
        .unwrap();
    assert_eq!(jinning["year_on_year"]["group"], "县（市）", "{jinning}");
    assert!(
        b["year_on_year"]["note"]
            .as_str()
            .unwrap()
            .contains("新增指标招商引资到位资金增速"),
        "{b}"
    );
    // Each year's charts: 2022's groups are not 2023's.
    let core22 = s22.group_by_name("主城区").unwrap().id;
    assert_eq!(
        get(&format!("{}/charts/groups/{core22}/bump.svg", app.base)).status,
        200
    );
    // The year's result's heat map names its columns (the quarters, 评议) without links:
    // they have no indicator page.
    let annual = get(&format!("{}/boards/2022Y/{core22}", app.base)).body;
    let heat = &annual[annual.find("<h2>各项指标得分率</h2>").expect("heat map")..];
    let heat = &heat[..heat.find("</thead>").unwrap()];
    assert!(!heat.contains("href="), "{heat}");
    // `verify` agrees with every posted board of both years.
    let out = shaibang(&app.db.path, &["verify"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}
