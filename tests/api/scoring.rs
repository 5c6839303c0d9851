//! Scoring rules end to end: a competition file with computed indicators, targets and raw
//! values imported as staff would, and the board's points as the rules compute them by hand.

use crate::helpers::{TestDb, empty_db, get, spawn_app};
use shaibang::boards::{View, group_board};
use shaibang::competition::CompetitionSpec;
use shaibang::domain::{GroupId, PeriodKey};
use shaibang::store::{self, ApplyOptions};

const TOML: &str = include_str!("../fixtures/scoring-competition.toml");

const UNITS: &str =
    "单位,简称,别名,类型,组别\n甲街道,,,街道,街道组\n乙街道,,,街道,街道组\n丙街道,,,街道,街道组\n";

const Q2: PeriodKey = PeriodKey {
    year: 2024,
    quarter: 2,
};

fn installed() -> TestDb {
    let spec = CompetitionSpec::parse(TOML, UNITS.as_bytes()).expect("a valid scheme");
    let db = empty_db();
    shaibang::ops::install(&mut db.store.conn().unwrap(), &spec).unwrap();
    db
}

fn actor() -> shaibang::ops::Actor<'static> {
    shaibang::ops::Actor {
        name: "测试",
        address: None,
    }
}

#[test]
fn raw_values_and_targets_become_points_by_each_indicators_rule() {
    let db = installed();
    // Annual targets; Q2 is half the year gone (序时进度 50 %), so 甲's Q2 target is 5,000.
    let n = shaibang::ops::import_targets(
        &mut db.store.conn().unwrap(),
        "单位,固定资产投资\n甲街道,10000\n乙街道,8000\n丙街道,6000\n".as_bytes(),
        "目标.csv",
        2024,
        0,
        actor(),
    )
    .unwrap();
    assert_eq!(n, 3);
    let opts = ApplyOptions {
        actor: "测试",
        allow_published: false,
        dry_run: false,
    };
    // Raw figures as the providers report them: 万元 far past any max, a negative growth rate.
    shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        "单位,固定资产投资,规上工业增加值增速,营商环境,作风建设\n甲街道,5600,-3.2,88,9\n乙街道,3720,10,92,8.5\n丙街道,3000,2.5,92,9.5\n".as_bytes(),
        "二季度.csv",
        Some(Q2),
        &opts,
    )
    .unwrap();
    let conn = db.store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    let b = group_board(&conn, &s, Q2, GroupId(1), View::Quarter)
        .unwrap()
        .unwrap();
    let row = |name: &str| b.board.rows.iter().find(|r| r.name == name).unwrap();
    let pts = |name: &str| -> Vec<String> {
        row(name)
            .points
            .iter()
            .map(|p| p.map_or("—".into(), |p| p.to_string()))
            .collect()
    };
    // 甲: 5600 / 5000 = 112 % → 30 + 12 × 0.2 = 32.40; growth −3.2 % → d = 64.8 → 6.48;
    // 营商环境 88 is third → 8.00; 作风建设 9 as reported.
    assert_eq!(pts("甲街道"), ["32.40", "6.48", "8.00", "9.00"]);
    // 乙: 3720 / 4000 = 93 % → 30 − 7 × 0.5 = 26.50; 10 % is 满意值 → 10.00; 92 ties first.
    assert_eq!(pts("乙街道"), ["26.50", "10.00", "10.00", "8.50"]);
    // 丙: 3000 / 3000 = 100 % → 30.00; 2.5 % → d = 80 → 8.00; tied first → 10.00.
    assert_eq!(pts("丙街道"), ["30.00", "8.00", "10.00", "9.50"]);
    // Totals and ranks from those points: 丙 57.50, 甲 55.88, 乙 55.00.
    let order: Vec<(&str, String, Option<u32>)> = b
        .board
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.total.to_string(), r.rank))
        .collect();
    assert_eq!(
        order,
        [
            ("丙街道", "57.50".to_string(), Some(1)),
            ("甲街道", "55.88".to_string(), Some(2)),
            ("乙街道", "55.00".to_string(), Some(3)),
        ]
    );
    drop(conn);
    // Published, the board keeps those points; the JSON has them exactly.
    shaibang::ops::publish(&mut db.store.conn().unwrap(), Q2).unwrap();
    crate::admin::add_users(&db, &[(crate::admin::STAFF, shaibang::auth::Role::Staff)]);
    let app = spawn_app(db);
    // 报送进度 shows 序时进度 too, in the staff area.
    let (mut staff, _) = crate::admin::Browser::logged_in(&app, crate::admin::STAFF);
    let page = staff.get("/admin/periods/2024Q2/progress").body;
    assert!(
        page.contains("<li class=\"progress-yellow\">街道组 · 乙街道 · 固定资产投资：累计完成3720万元，年度目标8000万元，完成年度目标46.5%（序时进度50%），低于序时进度3.5个百分点</li>"),
        "{page}"
    );
    let json = get(&format!("{}/api/v1/boards/2024Q2/1", app.base)).body;
    assert!(json.contains("\"total\":57.5"), "{json}");
    assert!(json.contains("\"points\":32.4"), "{json}");
    // The why page states each computed indicator's numbers.
    let why = get(&format!("{}/boards/2024Q2/1/why/1", app.base)).body;
    for said in [
        "完成5600万元，目标5000万元（年度目标10000万元×序时进度2/4），完成率112.0%；基本分30 + 超额加分2.40（每超1个百分点加0.2分，最高3分） = 32.40",
        "实际值-3.2%；满意值10%，不允许值-5%；功效系数 = 60 + 40 ×（-3.2 − （-5））÷（10 − （-5））= 64.80；得分 = 10 × 64.80 ÷ 100 = 6.48",
        "实际值88，在组内3个单位中列第3位（数值相同者同位）；按位次得8.00 = 8.00。此为相对得分",
        "「固定资产投资」按完成率计分（按1–N月累计值考核年度目标×序时进度，完成目标得30分，每超1个百分点加0.2分，最高加3分；每低1个百分点扣0.5分，最低0分）；「规上工业增加值增速」按功效系数法计分（满意值10%、不允许值−5%，功效系数 = 60 + 40 ×（实际值 − 不允许值）÷（满意值 − 不允许值），按60至100计，得分 = 10 × 功效系数 ÷ 100）；「营商环境」按位次赋分（本组第1名10分，每降一位减1分，数值相同者同位，最低0分）（由报送的实际值计算得分",
    ] {
        assert!(why.contains(said), "{said}\n{why}");
    }
    // 序时进度 on the unit profiles: 5600 of 10000 is 56 % at 50 % of the year (green); 乙
    // 46.5 %, 3.5 points behind (yellow, within the default 5).
    let unit = get(&format!("{}/units/1?period=2024Q2", app.base)).body;
    assert!(
        unit.contains("<li class=\"progress-green\">固定资产投资：累计完成5600万元，年度目标10000万元，完成年度目标56.0%（序时进度50%），高于序时进度6.0个百分点</li>"),
        "{unit}"
    );
    // And on the board, every unit in one table.
    let board = get(&format!("{}/boards/2024Q2/1", app.base)).body;
    assert!(
        board.contains("<td class=\"num progress-green\">56.0%（高6.0）</td>"),
        "{board}"
    );
    assert!(
        board.contains("<td class=\"num progress-yellow\">46.5%（低3.5）</td>"),
        "{board}"
    );
    let unit = get(&format!("{}/units/2?period=2024Q2", app.base)).body;
    assert!(
        unit.contains("<li class=\"progress-yellow\">固定资产投资：累计完成3720万元，年度目标8000万元，完成年度目标46.5%（序时进度50%），低于序时进度3.5个百分点</li>"),
        "{unit}"
    );
    let why = get(&format!("{}/boards/2024Q2/1/why/2", app.base)).body;
    assert!(
        why.contains("完成率93.0%；基本分30 − 扣分3.50（每低1个百分点扣0.5分） = 26.50"),
        "{why}"
    );
}

#[test]
fn a_zero_target_or_a_target_for_a_direct_indicator_is_refused_with_its_row() {
    let db = installed();
    let before = crate::helpers::dump(&db);
    let err = shaibang::ops::import_targets(
        &mut db.store.conn().unwrap(),
        "单位,固定资产投资,作风建设\n甲街道,10000,\n乙街道,0,\n丙街道,6000,8\n".as_bytes(),
        "目标.csv",
        2024,
        0,
        actor(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("第3行「乙街道」的「固定资产投资」目标值应大于0"),
        "{err}"
    );
    assert!(
        err.contains("第4行「丙街道」的「作风建设」不按目标值计分"),
        "{err}"
    );
    assert_eq!(before, crate::helpers::dump(&db), "nothing written");
}

#[test]
fn a_scheme_with_a_method_it_cannot_use_is_refused_in_chinese() {
    for (bad, said) in [
        ("method = \"magic\"", "method 应为 direct"),
        (
            "method = \"efficacy\"\n[indicators.params]\nreference = \"fixed\"\nsatisfied = 1\nunacceptable = 5",
            "满意值 satisfied 应比不允许值 unacceptable 更好",
        ),
        (
            "method = \"average\"\n[indicators.params]\nabove = [[0, 0.5]]\nbelow = [[0, 0.5]]",
            "缺少参数 base",
        ),
        (
            "method = \"completion\"\ndirection = \"lower\"",
            "只适用于越高越好",
        ),
    ] {
        let toml = format!(
            "[competition]\nname = \"x\"\nyear = 2024\n[[groups]]\nname = \"街道组\"\nkind = \"街道\"\n[[indicators]]\nname = \"能耗\"\ncode = \"N\"\nmax = 10\ngroups = [\"街道组\"]\n{bad}\n"
        );
        let errs = CompetitionSpec::parse(&toml, UNITS.as_bytes()).unwrap_err();
        assert!(errs.iter().any(|e| e.contains(said)), "{bad}: {errs:?}");
    }
}

#[test]
fn targets_read_in_the_long_layout_and_a_quarters_own_target_wins() {
    let db = installed();
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::import_targets(
        &mut conn,
        "单位,指标,目标值\n甲街道,固定资产投资,10000\n".as_bytes(),
        "目标.csv",
        2024,
        0,
        actor(),
    )
    .unwrap();
    shaibang::ops::import_targets(
        &mut conn,
        "单位,指标,目标值\n甲街道,固定资产投资,4000\n".as_bytes(),
        "二季度目标.csv",
        2024,
        2,
        actor(),
    )
    .unwrap();
    let opts = ApplyOptions {
        actor: "测试",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(
        &mut conn,
        "单位,固定资产投资\n甲街道,4400\n".as_bytes(),
        "二季度.csv",
        Some(Q2),
        &opts,
    )
    .unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    let b = group_board(&conn, &s, Q2, GroupId(1), View::Quarter)
        .unwrap()
        .unwrap();
    let jia = b.board.rows.iter().find(|r| r.name == "甲街道").unwrap();
    // 4400 against the quarter's own 4000 (not 10000 × 2/4): 110 % → 30 + 2 = 32.00.
    assert_eq!(jia.points[0].map(|p| p.to_string()), Some("32.00".into()));
}

#[test]
fn staff_import_targets_in_the_browser_after_a_preview() {
    use crate::admin::{Browser, PROVIDER, STAFF, add_users};
    use shaibang::auth::Role;
    let db = installed();
    add_users(&db, &[(STAFF, Role::Staff), (PROVIDER, Role::Provider)]);
    let app = spawn_app(db);
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let page = b.get("/admin/targets").body;
    assert!(
        page.contains("固定资产投资（按完成率计分，单位：万元）"),
        "{page}"
    );
    // A zero target: every error with its row, nothing kept.
    let r = b.multipart(
        "/admin/targets",
        &[("csrf", &csrf), ("period", "2024")],
        "目标.csv",
        "单位,固定资产投资\n甲街道,0\n".as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("第2行「甲街道」的「固定资产投资」目标值应大于0"),
        "{}",
        r.body
    );
    // A good file: previewed, then confirmed.
    let r = b.multipart(
        "/admin/targets",
        &[("csrf", &csrf), ("period", "2024")],
        "目标.csv",
        "单位,固定资产投资\n甲街道,10000\n乙街道,8000\n".as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let preview = b.get(&r.location).body;
    assert!(
        preview.contains("2024年年度目标：共2项") && preview.contains("10000.00万元"),
        "{preview}"
    );
    let n = |app: &crate::helpers::TestApp| -> i64 {
        app.db
            .store
            .conn()
            .unwrap()
            .query_row("SELECT COUNT(*) FROM target", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(n(&app), 0, "nothing written before the confirm");
    let c = b.post(&format!("{}/confirm", r.location), &[("csrf", &csrf)]);
    assert_eq!(c.status, 303, "{}", c.body);
    assert_eq!(n(&app), 2);
    let audit = b.get("/admin/audit").body;
    assert!(audit.contains("导入2024年年度目标「目标.csv」"), "{audit}");
    // A 报送单位 may not set targets.
    let (mut p, pcsrf) = Browser::logged_in(&app, PROVIDER);
    let r = p.multipart(
        "/admin/targets",
        &[("csrf", &pcsrf), ("period", "2024")],
        "目标.csv",
        "单位,固定资产投资\n甲街道,1\n".as_bytes(),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(n(&app), 2);
}

#[test]
fn the_preview_warns_of_a_raw_figure_ten_thousand_times_too_large() {
    use crate::admin::{Browser, STAFF, add_users};
    use shaibang::auth::Role;
    let db = installed();
    add_users(&db, &[(STAFF, Role::Staff)]);
    let opts = ApplyOptions {
        actor: "测试",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        "单位,固定资产投资,规上工业增加值增速\n甲街道,2600,3.1\n乙街道,1800,4.0\n丙街道,1500,2.2\n"
            .as_bytes(),
        "一季度.csv",
        Some(PeriodKey {
            year: 2024,
            quarter: 1,
        }),
        &opts,
    )
    .unwrap();
    let app = spawn_app(db);
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    // 乙 reported in 元 instead of 万元; 丙's growth rate lost its decimal point.
    let r = b.upload(
        &csrf,
        "2024Q2",
        "二季度.csv",
        "单位,固定资产投资,规上工业增加值增速\n甲街道,5600,3.3\n乙街道,37200000,4.1\n丙街道,3000,25\n"
            .as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&r.location).body;
    assert!(
        page.contains("第3行「乙街道」「固定资产投资」37200000.00万元，是上次（2024年第一季度）1800.00万元的20666倍：请核对数值和计量单位"),
        "{page}"
    );
    assert!(
        page.contains("第4行「丙街道」「规上工业增加值增速」25.00%，与上次（2024年第一季度）的2.20%相差22.80个百分点"),
        "{page}"
    );
    // 甲's figures are plausible: the only line about 甲 is that there is no target yet.
    assert!(
        page.contains("第2行「甲街道」「固定资产投资」5600.00万元，但尚无2024年的目标值：将按0分计并标注数据缺失，请先导入目标值"),
        "{page}"
    );
    assert!(
        !page.contains("第2行「甲街道」「规上工业增加值增速」"),
        "{page}"
    );
    // The computed points each raw figure gives: 3.3 % → d = 60 + 40 × 8.3 ÷ 15 → 8.21.
    assert!(page.contains("计分明细"), "{page}");
    assert!(
        page.contains("<td>甲街道</td><td>规上工业增加值增速</td><td class=\"num\">3.3%</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">8.21</td>"),
        "{page}"
    );
    // Fixed references are not relative: no note that other units' points move.
    assert!(!page.contains("得分是相对的"), "{page}");
}

#[test]
fn the_preview_shows_other_units_points_moving_under_a_relative_method() {
    use crate::admin::{Browser, STAFF, add_users};
    use shaibang::auth::Role;
    let db = installed();
    add_users(&db, &[(STAFF, Role::Staff)]);
    let opts = ApplyOptions {
        actor: "测试",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(
        &mut db.store.conn().unwrap(),
        "单位,营商环境\n甲街道,88\n乙街道,92\n".as_bytes(),
        "营商环境.csv",
        Some(Q2),
        &opts,
    )
    .unwrap();
    let app = spawn_app(db);
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    // 丙 comes in first: 乙 drops to second (10 → 9), 甲 to third (9 → 8).
    let r = b.upload(
        &csrf,
        "2024Q2",
        "丙.csv",
        "单位,营商环境\n丙街道,95\n".as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = b.get(&r.location).body;
    assert!(page.contains("得分是相对的"), "{page}");
    for row in [
        "<td>丙街道</td><td>营商环境</td><td class=\"num\">95</td><td class=\"num\">—</td><td class=\"num\">—</td><td class=\"num\">10.00</td>",
        "<td>乙街道</td><td>营商环境</td><td class=\"num\">92</td><td class=\"num\">—</td><td class=\"num\">10.00</td><td class=\"num\">9.00</td>",
        "<td>甲街道</td><td>营商环境</td><td class=\"num\">88</td><td class=\"num\">—</td><td class=\"num\">9.00</td><td class=\"num\">8.00</td>",
    ] {
        assert!(page.contains(row), "{row}\n{page}");
    }
}

#[test]
fn verify_recomputes_points_from_raw_values_and_targets() {
    let db = installed();
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::import_targets(
        &mut conn,
        "单位,固定资产投资\n甲街道,10000\n乙街道,8000\n丙街道,6000\n".as_bytes(),
        "目标.csv",
        2024,
        0,
        actor(),
    )
    .unwrap();
    let opts = ApplyOptions {
        actor: "测试",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(
        &mut conn,
        "单位,固定资产投资,规上工业增加值增速,营商环境,作风建设\n甲街道,5600,-3.2,88,9\n乙街道,3720,10,92,8.5\n丙街道,3000,2.5,92,9.5\n".as_bytes(),
        "二季度.csv",
        Some(Q2),
        &opts,
    )
    .unwrap();
    shaibang::ops::publish(&mut conn, Q2).unwrap();
    assert!(
        shaibang::ops::verify(&conn).unwrap().is_empty(),
        "as posted"
    );
    // A target edited behind the application's back changes 甲's points: verify says so.
    conn.execute("UPDATE target SET value = 90000000 WHERE unit_id = 1", [])
        .unwrap();
    let found = shaibang::ops::verify(&conn).unwrap();
    assert!(
        !found.is_empty(),
        "the posted board no longer follows from the data"
    );
}
