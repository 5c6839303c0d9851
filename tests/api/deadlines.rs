//! 报送截止 and 逾期报送扣分 over real HTTP: a 考评办 sets a draft period's deadline (and an
//! indicator's own), 报送进度 marks what came late, the board deducts the demo's 0.5 per late
//! indicator as 扣分 and says so; a published period's deadline is fixed.

use crate::admin::{ADMIN, Browser, PROVIDER, STAFF, add_users};
use crate::helpers::{demo_db, get, spawn_app};
use shaibang::auth::Role;
use shaibang::domain::PeriodKey;

const Q4: PeriodKey = PeriodKey {
    year: 2023,
    quarter: 4,
};

fn penalty(app: &crate::helpers::TestApp, unit: &str) -> String {
    // Drafts are staff-only: read the draft board through the library as the staff page does.
    let conn = app.db.store.conn().unwrap();
    let s = shaibang::store::load_structure(&conn).unwrap().unwrap();
    let b = shaibang::boards::compute_group_board(
        &conn,
        &s,
        Q4,
        shaibang::domain::GroupId(1),
        shaibang::boards::View::Quarter,
    )
    .unwrap()
    .unwrap();
    let r = b.board.rows.iter().find(|r| r.name == unit).unwrap();
    r.penalty.to_string()
}

#[test]
fn a_late_report_is_marked_and_costs_the_stated_points() {
    let db = demo_db();
    add_users(
        &db,
        &[
            (ADMIN, Role::Admin),
            (STAFF, Role::Staff),
            (PROVIDER, Role::Provider),
        ],
    );
    let app = spawn_app(db);
    let (mut staff, csrf) = Browser::logged_in(&app, STAFF);
    assert_eq!(
        staff
            .post("/admin/periods", &[("csrf", &csrf), ("period", "2023Q4")])
            .status,
        303
    );
    // The period's deadline in the future: what comes now is on time.
    let r = staff.post(
        "/admin/periods/2023Q4/deadline",
        &[
            ("csrf", &csrf),
            ("at", "2099-01-10T17:00"),
            ("indicator", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let streets = "单位,工业投资,招商引资到位资金\n金碧街道,9,14\n永昌街道,8,12\n";
    let opts = shaibang::store::ApplyOptions {
        actor: "test",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(
        &mut app.db.store.conn().unwrap(),
        streets.as_bytes(),
        "q4.csv",
        Some(Q4),
        &opts,
    )
    .unwrap();
    assert_eq!(penalty(&app, "金碧街道"), "0.00");
    // 工业投资 had its own, earlier deadline: both units reported it late.
    let gytz = {
        let conn = app.db.store.conn().unwrap();
        let s = shaibang::store::load_structure(&conn).unwrap().unwrap();
        s.indicators
            .iter()
            .find(|i| i.code == "gytz")
            .unwrap()
            .id
            .0
            .to_string()
    };
    let r = staff.post(
        "/admin/periods/2023Q4/deadline",
        &[
            ("csrf", &csrf),
            ("at", "2023-12-10T17:00"),
            ("indicator", &gytz),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        penalty(&app, "金碧街道"),
        "0.50",
        "one late indicator, 0.5 each"
    );
    assert_eq!(penalty(&app, "永昌街道"), "0.50");
    // 报送进度 marks it, for the provider too, with both deadlines.
    let (mut provider, _) = Browser::logged_in(&app, PROVIDER);
    let page = provider.get("/admin/periods/2023Q4/progress").body;
    assert!(page.contains("逾期2个"), "{page}");
    assert!(page.contains("2023-12-10 17:00"), "{page}");
    assert!(page.contains("每项扣0.5分"), "{page}");
    assert!(
        !page.contains("设定报送截止时间"),
        "a 报送单位 does not set deadlines"
    );
    let r = provider.post(
        "/admin/periods/2023Q4/deadline",
        &[
            ("csrf", &csrf),
            ("at", "2099-01-01T00:00"),
            ("indicator", ""),
        ],
    );
    assert_eq!(r.status, 403);
    // The draft board's rule line and the why page state it.
    let draft = staff.get("/admin/periods/2023Q4/boards/1").body;
    assert!(
        draft.contains("逾期报送：报送截止时间为2099-01-10 17:00，「工业投资」为2023-12-10 17:00；数据晚于截止时间报送的指标，每项扣0.5分，计入扣分。"),
        "{draft}"
    );
    let jinbi = {
        let conn = app.db.store.conn().unwrap();
        let s = shaibang::store::load_structure(&conn).unwrap().unwrap();
        s.unit_by_name("金碧街道").unwrap().id
    };
    let why = staff
        .get(&format!("/admin/periods/2023Q4/boards/1/why/{jinbi}"))
        .body;
    assert!(
        why.contains(
            "逾期报送扣分0.50：「工业投资」的数据晚于报送截止时间报送，每项扣0.5分，已计入扣分。"
        ),
        "{why}"
    );
    // A correction after the deadline is not a late report: the value first came on time.
    let r = staff.post(
        "/admin/periods/2023Q4/deadline",
        &[("csrf", &csrf), ("clear", "1"), ("indicator", &gytz)],
    );
    assert_eq!(r.status, 303);
    assert_eq!(penalty(&app, "金碧街道"), "0.00");
    // Audited; a published period's deadlines are fixed.
    let audit = staff.get("/admin/audit").body;
    assert!(
        audit.contains("2023年第四季度「工业投资」的报送截止时间设为2023-12-10 17:00"),
        "{audit}"
    );
    let r = staff.post(
        "/admin/periods/2023Q3/deadline",
        &[
            ("csrf", &csrf),
            ("at", "2023-10-10T17:00"),
            ("indicator", ""),
        ],
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body
            .contains("2023年第三季度已揭榜：报送截止时间只能在揭榜前设定或修改")
    );
    // Nothing public changed.
    assert_eq!(get(&format!("{}/boards/2023Q4/1", app.base)).status, 404);
}
