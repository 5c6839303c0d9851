//! A rank decided by a tie-break carries 同分 (and the deciding indicator where there is room)
//! everywhere a rank appears, and a unit with a missing score carries 数据缺失: the board, the
//! home cards, the lobby, the reveal, both exports and the JSON.

use crate::helpers::{demo_db, get, import_all_groups, spawn_app};
use shaibang::domain::PeriodKey;
use std::io::Read;

const Q4: PeriodKey = PeriodKey {
    year: 2023,
    quarter: 4,
};

/// The demo's 2023Q3 经济发展类部门 has two units on 91.00 placed 1 and 2 by the tie-break.
fn tie_broken_group(base: &str) -> (u64, String, String) {
    for g in 1..=3u64 {
        let r = get(&format!("{base}/api/v1/boards/2023Q3/{g}"));
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        for row in v["rows"].as_array().unwrap() {
            let by = row["tie_broken_by"].as_array().unwrap();
            if !by.is_empty() {
                return (
                    g,
                    row["unit"].as_str().unwrap().to_string(),
                    by[0].as_str().unwrap().to_string(),
                );
            }
        }
    }
    panic!("the demo has a tie decided by a tie-break");
}

#[test]
fn a_tie_decided_by_a_tie_break_is_marked_everywhere() {
    let app = spawn_app(demo_db());
    let (g, unit, by) = tie_broken_group(&app.base);
    let board = get(&format!("{}/boards/2023Q3/{g}", app.base)).body;
    assert!(board.contains("class=\"tiebreak\""), "board");
    assert!(
        board.contains(&format!("{unit}：与1个单位总分相同，按「{by}」排定名次")),
        "the deciding indicator is written out on the board"
    );
    let home = get(&format!("{}/?period=2023Q3", app.base)).body;
    assert!(home.contains("class=\"tiebreak\""), "home cards");
    let lobby = get(&format!("{}/lobby/content", app.base)).body;
    assert!(
        lobby.contains("class=\\\"tiebreak\\\"") || lobby.contains("class=\"tiebreak\""),
        "lobby slides"
    );
    assert!(
        lobby.contains("总分相同依次比"),
        "the lobby's rule line states the chain"
    );
    let movers = get(&format!("{}/lobby/content?slides=movers", app.base)).body;
    assert!(movers.contains("tiebreak"), "movers slide");
    let chart = get(&format!(
        "{}/charts/2023Q3/{g}/totals.svg?lobby=red&rows=0-2",
        app.base
    ))
    .body;
    assert!(chart.contains("（同分）"), "chart slide: {chart}");
    let reveal = get(&format!("{}/lobby/reveal/{g}", app.base)).body;
    assert!(reveal.contains("class=\"tiebreak\""), "reveal");
    let csv = get(&format!("{}/boards/2023Q3/{g}/export.csv", app.base)).body;
    assert!(
        csv.contains(&format!("同分：与1个单位总分相同，按「{by}」排定名次")),
        "CSV: {csv}"
    );
    let xlsx = ureq::get(&format!("{}/boards/2023Q3/{g}/export.xlsx", app.base))
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut strings)
        .unwrap();
    assert!(strings.contains(&format!("按「{by}」排定名次")), "xlsx");
}

#[test]
fn missing_data_is_marked_in_the_lobby_on_the_board_and_in_exports() {
    let db = demo_db();
    import_all_groups(&db, Q4);
    let mut conn = db.store.conn().unwrap();
    // 金碧街道's 固定资产投资 left blank: counted as 0 and flagged.
    shaibang::ops::import_file(
        &mut conn,
        "单位,固定资产投资\n金碧街道,\n".as_bytes(),
        "blank.csv",
        Some(Q4),
        &shaibang::store::ApplyOptions {
            actor: "t",
            allow_published: false,
            dry_run: false,
        },
    )
    .unwrap();
    shaibang::ops::publish(&mut conn, Q4).unwrap();
    drop(conn);
    let app = spawn_app(db);
    let lobby = get(&format!("{}/lobby", app.base)).body;
    assert!(lobby.contains("数据缺失"), "the lobby marks it");
    let board = get(&format!("{}/boards/2023Q4/1", app.base)).body;
    assert!(board.contains("数据缺失"));
    let csv = get(&format!("{}/boards/2023Q4/1/export.csv", app.base)).body;
    assert!(csv.contains("缺少：固定资产投资"), "{csv}");
}
