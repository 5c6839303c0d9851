//! 等次 with a quota, 一票否决 and streaks over real HTTP on the demo (whose Q3 has a veto and
//! a quota that turns a unit away), the staff page that sets and lifts a veto, and a posted
//! board that keeps the 等次 it was published with.

use crate::admin::{ADMIN, Browser, STAFF, add_users};
use crate::helpers::{demo_db, get, spawn_app};
use shaibang::auth::Role;

const VETO_REASON: &str = "行业领域发生较大生产安全事故1起";

#[test]
fn the_demo_posts_grades_a_quota_and_a_veto_on_every_view() {
    let app = spawn_app(demo_db());
    // 经济发展类部门 (8 units): 优秀 at most ⌊8 × 20 %⌋ = 1. 区财政局 and 区住建局 both total
    // 91.00; the tie-break put 区财政局 first, so the one place is its.
    let board = get(&format!("{}/boards/2023Q3/2", app.base)).body;
    assert_eq!(
        board.matches("grade grade-top\">优秀</span>").count(),
        1,
        "{board}"
    );
    assert!(
        board.contains(
            "区住建局：总分达到优秀标准，但优秀名额（1个）已由名次在前的单位占满，评为良好"
        )
    );
    assert!(
        board.contains(&format!("区交通运输局：{VETO_REASON}")),
        "{board}"
    );
    assert!(
        board.contains("等次：总分90分及以上为优秀（名额不超过本组参与排名单位数的20%，向下取整）")
    );
    assert!(board.contains("排在未被否决的单位之后，不列入红榜，等次为不合格，不占等次名额"));
    // The JSON says the same, exactly.
    let json: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q3/2", app.base)).body).unwrap();
    let row = |unit: &str| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit"] == unit)
            .unwrap()
            .clone()
    };
    assert_eq!(row("区财政局")["grade"], "优秀");
    assert_eq!(row("区住建局")["grade"], "良好");
    assert_eq!(row("区交通运输局")["grade"], "不合格");
    assert_eq!(row("区交通运输局")["veto"], VETO_REASON);
    assert_eq!(row("区交通运输局")["rank"], 8);
    assert_ne!(row("区交通运输局")["tier"], "red");
    // The why page says why.
    let unit = row("区交通运输局")["unit_id"].as_i64().unwrap();
    let why = get(&format!("{}/boards/2023Q3/2/why/{unit}", app.base)).body;
    assert!(
        why.contains(&format!("本单位被一票否决（{VETO_REASON}）")),
        "{why}"
    );
    assert!(why.contains("因一票否决，等次为不合格。"), "{why}");
    // The export has the columns; a board without 等次 would not.
    let csv = get(&format!("{}/boards/2023Q3/2/export.csv", app.base)).body;
    assert!(csv.contains("等次,等次说明,一票否决"), "{csv}");
    assert!(csv.contains(VETO_REASON));
    // The lobby shows 等次 and the veto with its reason.
    let lobby = get(&format!("{}/lobby/%E5%A4%A7%E5%8E%85", app.base)).body;
    assert!(lobby.contains("<span class=\"veto\""), "{lobby}");
    assert!(lobby.contains(&format!("一票否决：区交通运输局（{VETO_REASON}）")));
    assert!(lobby.contains("grade grade-top\">优秀</span>"));
    // Streaks and the 流动红旗 (街道组: 金碧街道 first in all three quarters).
    let streets = get(&format!("{}/boards/2023Q3/1", app.base)).body;
    assert!(streets.contains("金碧街道：连续3期保持"), "{streets}");
    assert!(streets.contains("连续3期红榜"));
    // Not on the year to date: 等次 are a quarter's.
    let ytd = get(&format!("{}/boards/2023Q3/2?view=cumulative", app.base)).body;
    assert!(!ytd.contains("grade grade-"), "no 等次 year to date");
    assert!(
        ytd.contains("一票否决"),
        "a quarter's veto carries into the year"
    );
}

#[test]
fn a_veto_on_a_published_period_is_a_correction_by_an_admin_with_its_reasons() {
    let db = demo_db();
    add_users(&db, &[(ADMIN, Role::Admin), (STAFF, Role::Staff)]);
    let app = spawn_app(db);
    let jinbi = {
        let conn = app.db.store.conn().unwrap();
        let s = shaibang::store::load_structure(&conn).unwrap().unwrap();
        s.unit_by_name("金碧").unwrap().id.to_string()
    };
    let form = |csrf: &str, correction: &str| {
        vec![
            ("csrf".to_string(), csrf.to_string()),
            ("period".to_string(), "2023Q3".to_string()),
            ("unit".to_string(), jinbi.clone()),
            ("reason".to_string(), "发生较大安全生产事故".to_string()),
            ("correction".to_string(), correction.to_string()),
        ]
    };
    let as_refs = |v: &Vec<(String, String)>| -> Vec<(String, String)> { v.clone() };
    let post = |b: &mut Browser, path: &str, v: &[(String, String)]| {
        let pairs: Vec<(&str, &str)> = v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        b.post(path, &pairs)
    };
    // 考评办 sees the page but may not set one.
    let (mut staff, scsrf) = Browser::logged_in(&app, STAFF);
    assert_eq!(staff.get("/admin/vetoes").status, 200);
    let r = post(&mut staff, "/admin/vetoes", &as_refs(&form(&scsrf, "更正")));
    assert_eq!(r.status, 403, "{}", r.body);
    // 管理员 without a correction reason on a published period: refused, nothing changes.
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let before = get(&format!("{}/boards/2023Q3/1", app.base)).body;
    let r = post(&mut admin, "/admin/vetoes", &form(&csrf, " "));
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("更正已揭榜的期间需要管理员填写更正原因"),
        "{}",
        r.body
    );
    assert_eq!(get(&format!("{}/boards/2023Q3/1", app.base)).body, before);
    // With one: 金碧街道 (first on 92.90) is ranked last, the board says it was corrected.
    let r = post(
        &mut admin,
        "/admin/vetoes",
        &form(&csrf, "区应急局补报事故"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let json: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q3/1", app.base)).body).unwrap();
    let last = json["rows"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            last["unit"].as_str(),
            last["rank"].as_i64(),
            last["veto"].as_str()
        ),
        (Some("金碧街道"), Some(10), Some("发生较大安全生产事故"))
    );
    assert_eq!(json["rows"][0]["unit"], "马街街道");
    assert!(
        json["corrected"].is_object(),
        "the posted board says it was corrected"
    );
    let board = get(&format!("{}/boards/2023Q3/1", app.base)).body;
    assert!(
        board.contains("区应急局补报事故"),
        "the correction's reason is shown"
    );
    let audit = admin.get("/admin/audit").body;
    assert!(
        audit.contains("2023年第三季度 一票否决：金碧街道；原因：发生较大安全生产事故"),
        "{audit}"
    );
    // Lifted (again a correction): first again; both vetoes stay on record.
    let mut lift = form(&csrf, "复核后撤销");
    lift[3].1 = "经复核，事故不属于本辖区".into();
    let r = post(&mut admin, "/admin/vetoes/lift", &lift);
    assert_eq!(r.status, 303, "{}", r.body);
    let json: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q3/1", app.base)).body).unwrap();
    assert_eq!(json["rows"][0]["unit"], "金碧街道");
    assert!(json["rows"][0].get("veto").is_none());
    let page = admin.get("/admin/vetoes").body;
    assert!(page.contains("经复核，事故不属于本辖区"), "{page}");
    assert!(page.contains("发生较大安全生产事故"));
    // What is posted is what the data and rules give.
    let conn = app.db.store.conn().unwrap();
    assert!(shaibang::ops::verify(&conn).unwrap().is_empty());
}

#[test]
fn a_posted_board_keeps_the_grades_it_was_published_with() {
    let db = demo_db();
    // The bands changed behind the application's back (a scheme change does this through
    // its own door): 优秀 now from 95.
    db.store
        .conn()
        .unwrap()
        .execute_batch(
            "UPDATE grade SET min_points = 950000 WHERE name = '优秀';
             UPDATE indicator SET method_params = '{\"base\":15,\"bonus_per_point\":0.1,\"bonus_cap\":1,\"deduct_per_point\":0.5}'
                 WHERE code = 'gdzctz';",
        )
        .unwrap();
    let app = spawn_app(db);
    let json: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q3/1", app.base)).body).unwrap();
    assert_eq!(json["rows"][0]["grade"], "优秀", "金碧街道 92.90 as posted");
    // The why page explains the posted points by the numbers they were computed with.
    let unit = json["rows"][0]["unit_id"].as_i64().unwrap();
    let why = get(&format!("{}/boards/2023Q3/1/why/{unit}", app.base)).body;
    assert!(why.contains("每超1个百分点加0.2分，最高2分"), "{why}");
    assert!(!why.contains("每超1个百分点加0.1分"), "{why}");
    let conn = app.db.store.conn().unwrap();
    let found = shaibang::ops::verify(&conn).unwrap();
    assert!(
        found
            .iter()
            .flat_map(|d| &d.details)
            .any(|l| l == "「区财政局」等次已揭榜为优秀，按现有数据和规则为良好"),
        "{found:?}"
    );
    // verify recomputes by today's rules and names what the changed numbers would change.
    assert!(
        found
            .iter()
            .flat_map(|d| &d.details)
            .any(|l| l.starts_with("「金碧街道」已揭榜为第1名（92.90分）")),
        "{found:?}"
    );
}

#[test]
fn a_veto_list_is_imported_whole_or_refused_line_by_line() {
    let db = demo_db();
    let mut conn = db.store.conn().unwrap();
    let by = shaibang::ops::VetoBy {
        actor: shaibang::ops::Actor {
            name: "t",
            address: None,
        },
        role: Role::Admin,
    };
    let q3 = shaibang::domain::PeriodKey {
        year: 2023,
        quarter: 3,
    };
    let bad = "单位,原因\n马街街道,发生较大安全生产事故\n不存在街道,某事\n碧鸡街道, \n";
    let err = shaibang::ops::import_vetoes(&mut conn, by, bad.as_bytes(), q3, "补报")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("第3行 A列「单位」：找不到单位「不存在街道」"),
        "{err}"
    );
    assert!(err.contains("第4行 B列「原因」：不能为空"), "{err}");
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM veto WHERE lifted_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1, "only the demo's own veto");
    let good = "单位,原因\n马街街道,发生较大安全生产事故\n碧鸡,环保督察问题整改不力\n";
    let (n, lines) =
        shaibang::ops::import_vetoes(&mut conn, by, good.as_bytes(), q3, "区纪委通报").unwrap();
    assert_eq!(n, 2);
    assert!(
        !lines.is_empty(),
        "a published period's boards are corrected"
    );
    let s = shaibang::store::load_structure(&conn).unwrap().unwrap();
    let b = shaibang::boards::group_board(
        &conn,
        &s,
        q3,
        shaibang::domain::GroupId(1),
        shaibang::boards::View::Quarter,
    )
    .unwrap()
    .unwrap();
    let last: Vec<&str> = b.board.rows[8..].iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        last,
        ["马街街道", "碧鸡街道"],
        "both ranked after the others, in total order"
    );
    assert!(b.corrected.is_some());
}
