//! The year's result (年度综合考评), computed by hand: quarters weighted 20/20/30/30 make
//! 95 % of it and a 群众评议 score 5 %, two units tie at the 优秀 quota's cut; then drafted,
//! previewed, published through 公示, appealed and corrected like a quarter.

use crate::admin::{ADMIN, Browser, add_users};
use crate::helpers::{TestDb, empty_db, fixture, get, spawn_app};
use shaibang::auth::Role;
use shaibang::domain::PeriodKey;
use shaibang::store::{self, ApplyOptions};

const OPTS: ApplyOptions<'static> = ApplyOptions {
    actor: "test",
    allow_published: false,
    dry_run: false,
};

/// Each unit's four quarterly totals (one indicator, so the total is the score).
const QUARTERS: [(&str, [&str; 4]); 5] = [
    ("甲街道", ["90", "80", "85", "95"]),
    ("乙街道", ["80", "90", "90", "85"]),
    ("丙街道", ["85", "85", "88", "88"]),
    ("丁街道", ["70", "75", "80", "85"]),
    ("戊街道", ["95", "70", "86", "86"]),
];

/// 群众评议.
const REVIEW: &str = "单位,群众评议\n甲街道,80\n乙街道,92\n丙街道,86.3\n丁街道,90\n戊街道,88\n";

/// The hand-computed result: (unit, quarterly part = Σ weight × total, 评议, annual total =
/// 0.95 × part + 0.05 × 评议, rank, tied, 等次, tier).
///
/// 甲 18 + 16 + 25.5 + 28.5 = 88;      0.95 × 88 + 0.05 × 80 = 83.6 + 4 = 87.6
/// 乙 16 + 18 + 27 + 25.5 = 86.5;      82.175 + 4.6 = 86.775
/// 丙 17 + 17 + 26.4 + 26.4 = 86.8;    82.46 + 4.315 = 86.775 (equal to 乙)
/// 戊 19 + 14 + 25.8 + 25.8 = 84.6;    80.37 + 4.4 = 84.77
/// 丁 14 + 15 + 24 + 25.5 = 78.5;      74.575 + 4.5 = 79.075
///
/// 优秀 needs 80 and has ⌊5 × 40 %⌋ = 2 places: 甲, then 乙 and 丙 tied across the cut —
/// all in (the group's rule), so three 优秀; 戊 and 丁 are 良好 (75 or more).
/// One row of the result: unit, quarterly part, 评议, total, rank, tied, 等次, tier.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
    bool,
    &'static str,
    &'static str,
);

const EXPECTED: [Row; 5] = [
    ("甲街道", "88.00", "80.00", "87.60", 1, false, "优秀", "red"),
    (
        "乙街道",
        "86.50",
        "92.00",
        "86.775",
        2,
        true,
        "优秀",
        "none",
    ),
    (
        "丙街道",
        "86.80",
        "86.30",
        "86.775",
        2,
        true,
        "优秀",
        "none",
    ),
    (
        "戊街道",
        "84.60",
        "88.00",
        "84.77",
        4,
        false,
        "良好",
        "none",
    ),
    (
        "丁街道",
        "78.50",
        "90.00",
        "79.075",
        5,
        false,
        "良好",
        "black",
    ),
];

fn key(s: &str) -> PeriodKey {
    PeriodKey::parse(s).unwrap()
}

/// The competition with its four quarters published.
fn year_db() -> TestDb {
    let db = empty_db();
    let spec = shaibang::competition::CompetitionSpec::parse(
        &String::from_utf8(fixture("annual/competition.toml")).unwrap(),
        &fixture("annual/units.csv"),
    )
    .unwrap();
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::install(&mut conn, &spec).unwrap();
    for q in 0..4 {
        let mut csv = String::from("单位,综合得分\n");
        for (u, t) in QUARTERS {
            csv.push_str(&format!("{u},{}\n", t[q]));
        }
        let k = PeriodKey {
            year: 2023,
            quarter: q as u8 + 1,
        };
        shaibang::ops::import_file(&mut conn, csv.as_bytes(), "q.csv", Some(k), &OPTS).unwrap();
        shaibang::ops::publish(&mut conn, k).unwrap();
    }
    drop(conn);
    db
}

fn board(base: &str) -> serde_json::Value {
    let r = get(&format!("{base}/api/v1/boards/2023Y/1"));
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn check(b: &serde_json::Value, expected: &[Row]) {
    let rows = b["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for (r, e) in rows.iter().zip(expected) {
        let (unit, part, review, total, rank, tied, grade, tier) = *e;
        assert_eq!(r["unit"], unit, "{b}");
        let points = |k: usize| r["indicators"][k]["points"].to_string();
        let num = |s: &str| s.parse::<f64>().unwrap().to_string();
        assert_eq!(num(&points(0)), num(part), "{unit} quarterly part");
        assert_eq!(num(&points(1)), num(review), "{unit} 评议");
        assert_eq!(num(&r["total"].to_string()), num(total), "{unit} total");
        assert_eq!(r["rank"], rank, "{unit} rank");
        assert_eq!(r["tied"], tied, "{unit} tied");
        assert_eq!(r["grade"], grade, "{unit} 等次");
        assert_eq!(r["tier"], tier, "{unit} tier");
    }
}

#[test]
fn the_years_result_is_the_hand_computed_table() {
    let db = year_db();
    {
        let mut conn = db.store.conn().unwrap();
        shaibang::ops::import_file(
            &mut conn,
            REVIEW.as_bytes(),
            "评议.csv",
            Some(key("2023Y")),
            &OPTS,
        )
        .unwrap();
        shaibang::ops::publish(&mut conn, key("2023Y")).unwrap();
    }
    let app = spawn_app(db);
    let b = board(&app.base);
    assert_eq!(b["title"], "2023年度综合考评");
    check(&b, &EXPECTED);
    // The tie at the cut is said, and the rule line states how the year is made.
    assert!(
        b["rows"][1]["grade_note"].to_string().contains("并列"),
        "{}",
        b["rows"][1]
    );
    let rules = b["rules"].as_str().unwrap();
    assert!(
        rules.contains("各季度总分按20%、20%、30%、30%加权")
            && rules.contains("季度考评 × 95% + 群众评议 × 5%"),
        "{rules}"
    );
    assert!(
        !rules.contains("名次变化"),
        "no movement on the year's result: {rules}"
    );
    // The why page works the quarterly part out with the numbers.
    let why = get(&format!(
        "{}/boards/2023Y/1/why/{}",
        app.base, b["rows"][0]["unit_id"]
    ))
    .body;
    assert!(
        why.contains("季度考评：90.00 × 20% + 80.00 × 20% + 85.00 × 30% + 95.00 × 30% = 88（"),
        "{why}"
    );
}

#[test]
fn the_years_result_is_drafted_previewed_published_through_publicity_and_corrected() {
    let db = year_db();
    add_users(&db, &[(ADMIN, Role::Admin)]);
    // A result needs every quarter: with Q4 still a draft it cannot be published.
    let app = spawn_app(db);
    let mut conn = app.db.store.conn().unwrap();
    shaibang::ops::import_file(
        &mut conn,
        REVIEW.as_bytes(),
        "评议.csv",
        Some(key("2023Y")),
        &OPTS,
    )
    .unwrap();
    // Drafted: not public, but staff see it.
    assert_eq!(get(&format!("{}/boards/2023Y/1", app.base)).status, 404);
    let (mut staff, _) = Browser::logged_in(&app, ADMIN);
    let draft = staff.get("/admin/periods/2023Y/boards/1");
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert!(draft.body.contains("草稿") && draft.body.contains("甲街道"));
    // Previewed: a 评议 file from the upload page shows the ranking it would make.
    let csrf = crate::admin::token_in(&staff.get("/admin/upload").body);
    let sent = staff.upload(
        &csrf,
        "2023Y",
        "评议.csv",
        "单位,群众评议\n丁街道,100\n".as_bytes(),
    );
    let preview = staff.get(&sent.location);
    assert!(preview.body.contains("群众评议"), "{}", preview.body);
    // Published: 公示中 with its end, on the page, the JSON and the exports.
    shaibang::ops::publish(&mut conn, key("2023Y")).unwrap();
    let page = get(&format!("{}/boards/2023Y/1", app.base));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("公示中：公示期至"), "{}", page.body);
    let b = board(&app.base);
    assert_eq!(b["publicity"]["final"], false);
    check(&b, &EXPECTED);
    let csv = get(&format!("{}/boards/2023Y/1/export.csv", app.base)).body;
    assert!(csv.contains("公示中：公示期至"), "{csv}");
    // The home page, the lobby and each unit's profile carry the result and its 公示.
    let home = get(&format!("{}/", app.base)).body;
    assert!(
        home.contains("2023年度综合考评") && home.contains("公示中"),
        "{home}"
    );
    let lobby = get(&format!("{}/lobby/content", app.base)).body;
    assert!(
        lobby.contains("2023年度综合考评") && lobby.contains("公示至"),
        "{lobby}"
    );
    let s = store::load_structure(&conn).unwrap().unwrap();
    let jia = s.unit_by_name("甲街道").unwrap().id;
    let profile = get(&format!("{}/units/{jia}", app.base)).body;
    assert!(profile.contains("<h2>年度综合考评</h2>"), "{profile}");
    assert!(profile.contains(">2023年度综合考评</a>"), "{profile}");
    // An appeal is recorded and answered; upheld, it is put right by a correction.
    let s = store::load_structure(&conn).unwrap().unwrap();
    let ding = s.unit_by_name("丁街道").unwrap().id;
    let actor = shaibang::ops::Actor {
        name: "考评办乙",
        address: None,
    };
    let id = shaibang::ops::add_appeal(
        &mut conn,
        actor,
        Role::Staff,
        key("2023Y"),
        ding,
        "群众评议漏计一份有效问卷",
    )
    .unwrap();
    shaibang::ops::answer_appeal(
        &mut conn,
        actor,
        Role::Staff,
        key("2023Y"),
        id,
        "复核属实，评议得分更正为96",
        true,
    )
    .unwrap();
    shaibang::ops::import_file(
        &mut conn,
        "单位,群众评议\n丁街道,96\n".as_bytes(),
        "评议更正.csv",
        Some(key("2023Y")),
        &ApplyOptions {
            allow_published: true,
            ..OPTS
        },
    )
    .unwrap();
    let b = board(&app.base);
    assert!(!b["corrected"].is_null(), "corrected like a quarter: {b}");
    // 丁: 74.575 + 0.05 × 96 = 79.375, still fifth.
    let ding_row = b["rows"][4].clone();
    assert_eq!(ding_row["unit"], "丁街道");
    assert_eq!(
        ding_row["total"].to_string().parse::<f64>().unwrap(),
        79.375
    );
    // The version as first posted is still there.
    let v1 = get(&format!("{}/boards/2023Y/1/versions/1", app.base));
    assert_eq!(v1.status, 200);
    assert!(
        v1.body.contains("79.08") || v1.body.contains("79.075"),
        "{}",
        v1.body
    );
    // A 管理员 declares it final: no more appeals.
    shaibang::ops::end_publicity(&mut conn, actor, Role::Admin, key("2023Y")).unwrap();
    assert_eq!(board(&app.base)["publicity"]["final"], true);
    let late = shaibang::ops::add_appeal(
        &mut conn,
        actor,
        Role::Staff,
        key("2023Y"),
        ding,
        "再次申诉",
    )
    .unwrap_err()
    .to_string();
    assert!(late.contains("已经是最终结果"), "{late}");
    let page = get(&format!("{}/boards/2023Y/1", app.base));
    assert!(page.body.contains("确认为最终结果"), "{}", page.body);
}

#[test]
fn the_years_result_waits_for_every_quarter() {
    let db = empty_db();
    let spec = shaibang::competition::CompetitionSpec::parse(
        &String::from_utf8(fixture("annual/competition.toml")).unwrap(),
        &fixture("annual/units.csv"),
    )
    .unwrap();
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::install(&mut conn, &spec).unwrap();
    let k = key("2023Q1");
    shaibang::ops::import_file(
        &mut conn,
        "单位,综合得分\n甲街道,90\n".as_bytes(),
        "q.csv",
        Some(k),
        &OPTS,
    )
    .unwrap();
    shaibang::ops::publish(&mut conn, k).unwrap();
    shaibang::ops::import_file(
        &mut conn,
        REVIEW.as_bytes(),
        "评议.csv",
        Some(key("2023Y")),
        &OPTS,
    )
    .unwrap();
    let err = shaibang::ops::publish(&mut conn, key("2023Y"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("第一至第四季度都揭榜之后"), "{err}");
}

#[test]
fn appeals_are_recorded_and_answered_in_the_staff_area_and_a_manager_ends_the_publicity() {
    let db = year_db();
    add_users(
        &db,
        &[(ADMIN, Role::Admin), (crate::admin::STAFF, Role::Staff)],
    );
    {
        let mut conn = db.store.conn().unwrap();
        shaibang::ops::import_file(
            &mut conn,
            REVIEW.as_bytes(),
            "评议.csv",
            Some(key("2023Y")),
            &OPTS,
        )
        .unwrap();
        shaibang::ops::publish(&mut conn, key("2023Y")).unwrap();
    }
    let app = spawn_app(db);
    let s = store::load_structure(&app.db.store.conn().unwrap())
        .unwrap()
        .unwrap();
    let ding = s.unit_by_name("丁街道").unwrap().id.to_string();
    let (mut clerk, csrf) = Browser::logged_in(&app, crate::admin::STAFF);
    let page = clerk.get("/admin/appeals");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("公示中：公示期至"), "{}", page.body);
    let r = clerk.post(
        "/admin/appeals",
        &[
            ("csrf", &csrf),
            ("period", "2023Y"),
            ("unit", &ding),
            ("text", "群众评议漏计一份有效问卷"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = clerk.post(
        "/admin/appeals/answer",
        &[
            ("csrf", &csrf),
            ("period", "2023Y"),
            ("id", "1"),
            ("answer", "经复核，问卷无效，维持原结果"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = clerk.get("/admin/appeals").body;
    assert!(
        page.contains("申诉#1 · 丁街道") && page.contains("维持原结果：经复核，问卷无效"),
        "{page}"
    );
    // Ending the 公示 is a 管理员's.
    let r = clerk.post(
        "/admin/appeals/final",
        &[("csrf", &csrf), ("period", "2023Y")],
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let r = admin.post(
        "/admin/appeals/final",
        &[("csrf", &csrf), ("period", "2023Y")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(board(&app.base)["publicity"]["final"], true);
    // Every step is in the audit log.
    let audit = store::audit_entries(
        &app.db.store.conn().unwrap(),
        &store::AuditFilter {
            action: Some(store::AuditAction::Appeal),
            ..store::AuditFilter::default()
        },
        10,
    )
    .unwrap();
    assert_eq!(audit.len(), 3, "{audit:?}");
    assert!(
        audit
            .iter()
            .any(|a| a.actor == "管理员甲" && a.detail.contains("确认为最终结果"))
    );
}
