//! Two defects an outside random differential found: a tie-break named like another group's
//! indicator, and totals written to JSON as binary floats.

use crate::helpers::{get, spawn_app};
use shaibang::competition::CompetitionSpec;
use shaibang::domain::PeriodKey;
use shaibang::store;

#[test]
fn a_tie_break_named_like_another_groups_indicator_is_the_groups_own() {
    let toml = r#"
[competition]
name = "测试"
year = 2024

[[groups]]
name = "街道组"
kind = "街道"

[[groups]]
name = "部门组"
kind = "部门"
tie_break = ["营商环境"]

[[indicators]]
name = "营商环境"
code = "S1"
max = 10
groups = ["街道组"]

[[indicators]]
name = "营商环境"
code = "D1"
max = 20
groups = ["部门组"]
"#;
    let units =
        "单位,简称,别名,类型,组别\n甲街道,,,街道,街道组\n丙局,,,部门,部门组\n丁局,,,部门,部门组\n";
    let spec =
        CompetitionSpec::parse(toml, units.as_bytes()).expect("names may repeat across groups");
    let db = crate::helpers::empty_db();
    shaibang::ops::install(&mut db.store.conn().unwrap(), &spec).expect("installs");
    let s = store::load_structure(&db.store.conn().unwrap())
        .unwrap()
        .unwrap();
    let depts = s.groups.iter().find(|g| g.name == "部门组").unwrap();
    let d1 = s.indicators.iter().find(|i| i.code == "D1").unwrap();
    assert_eq!(
        depts.tie_breaks,
        vec![d1.id],
        "the departments' own 营商环境"
    );
}

#[test]
fn the_json_writes_totals_as_exactly_as_the_page() {
    // Totals that differ in the eighth decimal: a binary float writes both as …04.
    let toml = r#"
[competition]
name = "测试"
year = 2024

[[groups]]
name = "街道组"
kind = "街道"

[[indicators]]
name = "大项"
code = "A"
max = 100000
weight = 1000
groups = ["街道组"]

[[indicators]]
name = "小项"
code = "B"
max = 1
weight = 0.0001
groups = ["街道组"]
"#;
    let units = "单位,简称,别名,类型,组别\n甲街道,,,街道,街道组\n乙街道,,,街道,街道组\n丙街道,,,街道,街道组\n";
    let spec = CompetitionSpec::parse(toml, units.as_bytes()).unwrap();
    let db = crate::helpers::empty_db();
    shaibang::ops::install(&mut db.store.conn().unwrap(), &spec).unwrap();
    let q1 = PeriodKey {
        year: 2024,
        quarter: 1,
    };
    crate::correctness::import(
        &db,
        "单位,大项,小项\n甲街道,99999,1\n乙街道,99345.778,0.0005\n丙街道,99345.778,0.0004\n",
        q1,
    )
    .unwrap();
    shaibang::ops::publish(&mut db.store.conn().unwrap(), q1).unwrap();
    let app = spawn_app(db);
    let body = get(&format!("{}/api/v1/boards/2024Q1/1", app.base)).body;
    assert!(body.contains("\"total\":99345778.00000005"), "{body}");
    assert!(body.contains("\"total\":99345778.00000004"), "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    let ranks: Vec<_> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["unit"].as_str().unwrap().to_string(), r["rank"].as_u64()))
        .collect();
    assert_eq!(
        ranks,
        vec![
            ("甲街道".to_string(), Some(1)),
            ("乙街道".to_string(), Some(2)),
            ("丙街道".to_string(), Some(3)),
        ]
    );
    // The page says the same digits.
    let page = get(&format!("{}/boards/2024Q1/1", app.base)).body;
    assert!(page.contains("99345778.00000004"), "{page}");
}
