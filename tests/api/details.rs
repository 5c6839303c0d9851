//! 明细清单: 加分 items and 扣分制 by kinds of event scored from a list, hand-computed from
//! the rule text, with every bad line named by row and column and score files refused the
//! list's columns.

use crate::helpers::{TestDb, empty_db, get, spawn_app};
use shaibang::domain::PeriodKey;

const Q1: PeriodKey = PeriodKey {
    year: 2024,
    quarter: 1,
};

const TOML: &str = r#"
[competition]
name = "明细清单测试"
year = 2024

[[groups]]
name = "街道组"
kind = "街道"
red = 1
black = 1

[[indicators]]
name = "经济发展"
code = "jj"
max = 80
groups = ["街道组"]

# 「基本分10分；每发生一般事故1起扣2分，较大事故1起扣5分，扣完为止」
[[indicators]]
name = "安全生产"
code = "aq"
max = 10
measure = "起"
method = "deduction"
groups = ["街道组"]
[indicators.params]
base = 10
kinds = { "一般事故" = 2, "较大事故" = 5 }

# 「国家级3分、省级2分、市级1分；同一事项按最高级别计一次；表彰奖励类最高3分；合计最高4分」
[[indicators]]
name = "创新加分"
code = "cx"
max = 5
method = "items"
groups = ["街道组"]
[indicators.params]
levels = { "国家级" = 3, "省级" = 2, "市级" = 1 }
caps = { "表彰奖励" = 3 }
total_cap = 4
"#;

const UNITS: &str =
    "单位,简称,别名,类型,组别\n甲街道,,,街道,街道组\n乙街道,,,街道,街道组\n丙街道,,,街道,街道组\n";

fn db() -> TestDb {
    let db = empty_db();
    let spec = shaibang::competition::CompetitionSpec::parse(TOML, UNITS.as_bytes()).unwrap();
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::install(&mut conn, &spec).unwrap();
    let opts = shaibang::store::ApplyOptions {
        actor: "t",
        allow_published: false,
        dry_run: false,
    };
    let scores = "单位,经济发展\n甲街道,60\n乙街道,70\n丙街道,65\n";
    shaibang::ops::import_file(&mut conn, scores.as_bytes(), "s.csv", Some(Q1), &opts).unwrap();
    db
}

fn actor() -> shaibang::ops::Actor<'static> {
    shaibang::ops::Actor {
        name: "t",
        address: None,
    }
}

#[test]
fn items_and_events_from_a_list_score_as_the_rules_say() {
    let db = db();
    let mut conn = db.store.conn().unwrap();
    // Before any list: both list indicators are 数据缺失 (counted 0) for everyone.
    let events = "单位,指标,类别,起数\n甲街道,安全生产,一般事故,2\n甲街道,安全生产,较大事故,1\n乙街道,安全生产,较大事故,3\n";
    let items = "单位,指标,类别,事项,级别\n\
                 甲街道,创新加分,表彰奖励,全国文明单位,国家级\n\
                 甲街道,创新加分,表彰奖励,省级先进集体,省级\n\
                 甲街道,创新加分,经验推广,社区治理经验,市级\n\
                 甲街道,创新加分,经验推广,社区治理经验,省级\n\
                 丙街道,创新加分,表彰奖励,市级优秀,市级\n";
    assert_eq!(
        shaibang::ops::import_details(&mut conn, events.as_bytes(), "e.csv", Q1, actor()).unwrap(),
        3
    );
    assert_eq!(
        shaibang::ops::import_details(&mut conn, items.as_bytes(), "i.csv", Q1, actor()).unwrap(),
        5
    );
    shaibang::ops::publish(&mut conn, Q1).unwrap();
    drop(conn);
    let app = spawn_app(db);
    let json: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2024Q1/1", app.base)).body).unwrap();
    let row = |u: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit"] == u)
            .unwrap()
            .clone()
    };
    let points = |u: &str, k: usize| row(u)["indicators"][k]["points"].to_string();
    // 甲: 10 − (2×2 + 1×5) = 1; items: 表彰奖励 3 + 2 = 5 capped at 3, 社区治理经验 once at
    // 省级 = 2; 3 + 2 = 5, capped at 4 in all.
    assert_eq!(
        (points("甲街道", 1), points("甲街道", 2)),
        ("1.0".into(), "4.0".into())
    );
    // 乙: 10 − 3×5 = −5, floor 0; no items: 0 (on a list that exists, not 数据缺失).
    assert_eq!(
        (points("乙街道", 1), points("乙街道", 2)),
        ("0.0".into(), "0.0".into())
    );
    // 丙: no events: 10; 市级 1.
    assert_eq!(
        (points("丙街道", 1), points("丙街道", 2)),
        ("10.0".into(), "1.0".into())
    );
    assert!(row("乙街道")["missing"].as_array().unwrap().is_empty());
    // Totals 甲 65, 乙 70, 丙 76.
    assert_eq!(
        (
            row("丙街道")["rank"].as_i64(),
            row("乙街道")["rank"].as_i64(),
            row("甲街道")["rank"].as_i64()
        ),
        (Some(1), Some(2), Some(3))
    );
    let id = row("甲街道")["unit_id"].as_i64().unwrap();
    let why = get(&format!("{}/boards/2024Q1/1/why/{id}", app.base)).body;
    assert!(
        why.contains("一般事故2起，每起扣2分；较大事故1起，每起扣5分；基本分10 − 扣分9.00 = 1.00"),
        "{why}"
    );
    assert!(
        why.contains("「全国文明单位」（表彰奖励，国家级）计3分；「省级先进集体」（表彰奖励，省级）计2分；「社区治理经验」（经验推广，省级）计2分；表彰奖励已达该类上限；合计已达上限；同一事项按最高级别计一次；得分 = 4.00"),
        "{why}"
    );
    let conn = app.db.store.conn().unwrap();
    assert!(shaibang::ops::verify(&conn).unwrap().is_empty());
}

#[test]
fn a_bad_list_is_refused_line_by_line_and_a_score_file_may_not_fill_a_list_indicator() {
    let db = db();
    let mut conn = db.store.conn().unwrap();
    let bad = "单位,指标,类别,事项,级别,起数\n\
               甲街道,创新加分,表彰奖励,区级表扬,区级,\n\
               乙街道,安全生产,火灾,,,1\n\
               丙街道,安全生产,一般事故,,,1.5\n\
               丁街道,安全生产,一般事故,,,1\n\
               甲街道,经济发展,表彰奖励,某事,省级,\n";
    let err = shaibang::ops::import_details(&mut conn, bad.as_bytes(), "bad.csv", Q1, actor())
        .unwrap_err()
        .to_string();
    for want in [
        "第2行 E列「级别」：「区级」不在加分标准中，应为 国家级、市级、省级",
        "第3行 C列「类别」：「火灾」不在扣分标准中，应为 一般事故、较大事故",
        "第4行 F列「起数」：「1.5」应为不小于0的整数",
        "第5行 A列「单位」：找不到单位「丁街道」",
        "第6行 B列「指标」：「经济发展」不按明细清单计分",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM score_detail", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "nothing written");
    let opts = shaibang::store::ApplyOptions {
        actor: "t",
        allow_published: false,
        dry_run: false,
    };
    let scores = "单位,经济发展,安全生产\n甲街道,60,8\n";
    let err = shaibang::ops::import_file(&mut conn, scores.as_bytes(), "s.csv", Some(Q1), &opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "第2行 C列「安全生产」：该指标按明细清单（加分或扣分事项）计分，不在得分表中填报"
        ),
        "{err}"
    );
}
