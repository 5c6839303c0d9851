//! Authorization gaps found by outsiders, each reproduced: the private gate under query
//! variants, honors of a published period, providers and far-future drafts, names and reasons
//! made of invisible or look-alike characters.

use crate::admin::{ADMIN, Browser, PROVIDER, STAFF};
use crate::helpers::{TestApp, spawn_app_with};
use shaibang::auth::Role;
use shaibang::web::admin::AdminConfig;

fn private_app() -> TestApp {
    let db = crate::helpers::demo_db();
    crate::admin::add_users(&db, &[(STAFF, Role::Staff)]);
    spawn_app_with(
        db,
        AdminConfig {
            private_pages: true,
            ..AdminConfig::default()
        },
    )
}

/// Every public GET route of the app (pages, files, API), made concrete on the demo.
const PRIVATE_ROUTES: &[&str] = &[
    "/",
    "/boards/2023Q3/1",
    "/boards/2023Q3/1/why/1",
    "/boards/2023Q3/1/versions/1",
    "/units/1",
    "/indicators/1",
    "/compare?units=1&units=2",
    "/boards/2023Q3/1/export.csv",
    "/boards/2023Q3/1/export.xlsx",
    "/charts/2023Q3/1/totals.svg",
    "/charts/groups/1/bump.svg",
    "/charts/units/1/trend.svg",
    "/charts/units/1/indicators.svg?period=2023Q3",
    "/api/v1/periods",
    "/api/v1/groups",
    "/api/v1/boards/2023Q3/1",
    "/api/v1/units",
    "/api/v1/units/1",
];

#[test]
fn under_private_pages_no_query_variant_opens_a_private_route() {
    let app = private_app();
    let mut anon = Browser::new(&app);
    let variants = [
        "lobby=red",
        "lobby=dark&rows=0-20",
        "x=1&lobby=red",
        "xlobby=red",
        "lobby=",
        "%6cobby=red",
        "lobby=red&lobby=dark",
        "token=x",
    ];
    for route in PRIVATE_ROUTES {
        for v in [""].iter().chain(variants.iter()) {
            let sep = if route.contains('?') { '&' } else { '?' };
            let url = if v.is_empty() {
                route.to_string()
            } else {
                format!("{route}{sep}{v}")
            };
            let r = anon.get(&url);
            // What the chart handler reads as `lobby` (percent-decoded, the last one wins).
            let theme = serde_urlencoded::from_str::<Vec<(String, String)>>(v)
                .unwrap_or_default()
                .into_iter()
                .rev()
                .find(|(k, _)| k == "lobby")
                .map(|(_, t)| t);
            let lobby_chart =
                route.ends_with("/totals.svg") && matches!(theme.as_deref(), Some("red" | "dark"));
            if lobby_chart {
                // The lobby is open by design under --private without a lobby token; so is
                // its own chart, and only that (answered by the chart, not the gate).
                assert!(r.status != 303 && r.status != 401, "{url}: {}", r.status);
            } else {
                assert!(
                    r.status == 303 || r.status == 401,
                    "{url} answered {} to an anonymous client",
                    r.status
                );
                assert!(!r.body.contains("<svg"), "{url}");
            }
        }
    }
    // Logged in, every route opens.
    let (mut staff, _) = Browser::logged_in(&app, STAFF);
    for route in PRIVATE_ROUTES {
        // The demo's boards were never corrected: no earlier version to show.
        let want = if route.contains("/versions/") {
            404
        } else {
            200
        };
        assert_eq!(staff.get(route).status, want, "{route}");
    }
    let _ = (ADMIN, PROVIDER);
}

#[test]
fn invisible_and_lookalike_names_and_reasons_are_refused() {
    let app = crate::admin::app();
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let accounts_before = shaibang::store::accounts(&app.db.store.conn().unwrap())
        .unwrap()
        .len();
    for (name, expect) in [
        ("\u{200B}\u{200B}", "不可见字符"),
        ("\u{202E}nimda", "不可见字符"),
        ("\u{0430}dmin", "西里尔"),
        ("管理员 甲", "过于相似"),
        ("考评办乙\u{3000}", "考评办乙"),
    ] {
        let r = admin.post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("name", name),
                ("role", "staff"),
                ("password", "a-long-password-1"),
            ],
        );
        assert_eq!(r.status, 400, "{name:?}: {}", r.body);
        assert!(r.body.contains(expect), "{name:?}: {}", r.body);
    }
    assert_eq!(
        shaibang::store::accounts(&app.db.store.conn().unwrap())
            .unwrap()
            .len(),
        accounts_before,
        "no account created"
    );
    // A correction whose reason is only invisible characters is refused.
    let r = admin.multipart(
        "/admin/upload",
        &[
            ("csrf", &csrf),
            ("period", "2023Q4"),
            ("reason", "\u{200B}\u{200D}"),
        ],
        "a.csv",
        &crate::helpers::fixture("streets-gbk.csv"),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("不可见字符"));
    // A file name's direction override is not shown (nor stored in the log).
    let r = admin.multipart(
        "/admin/upload",
        &[("csrf", &csrf), ("period", "2023Q4")],
        "得分\u{202E}vsc.exe",
        &crate::helpers::fixture("streets-gbk.csv"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let preview = admin.get(&r.location);
    assert!(preview.body.contains("得分vsc.exe"), "{}", preview.body);
    assert!(!preview.body.contains('\u{202E}'));
    let logged: String = app
        .db
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'upload' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!logged.contains('\u{202E}'), "{logged}");
    // A rollback reason of zero-width characters is refused.
    let r = admin.post(
        "/admin/batches/1/rollback",
        &[("csrf", &csrf), ("reason", "\u{200B}")],
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("不可见字符"), "{}", r.body);
}

#[test]
fn an_empty_draft_is_removed_by_an_admin_and_a_full_one_is_not() {
    let app = crate::admin::app();
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    assert_eq!(
        admin
            .post("/admin/periods", &[("csrf", &csrf), ("period", "2099Q4")])
            .status,
        303
    );
    let (mut staff, scsrf) = Browser::logged_in(&app, STAFF);
    let draft = staff.get("/admin/periods/2099Q4/boards/1");
    assert_eq!(draft.status, 200);
    assert!(
        draft.body.contains("本组尚无数据"),
        "not a list of 不参与排名 0.00"
    );
    let r = staff.post("/admin/periods/2099Q4/remove", &[("csrf", &scsrf)]);
    assert_eq!(r.status, 403, "a 考评办 cannot remove a period");
    crate::helpers::import_all_groups(
        &app.db,
        shaibang::domain::PeriodKey {
            year: 2023,
            quarter: 4,
        },
    );
    let r = admin.post("/admin/periods/2023Q4/remove", &[("csrf", &csrf)]);
    assert_eq!(r.status, 400, "a period with data stays");
    assert!(r.body.contains("不是可删除的空期间"));
    // The refusal stays in the staff area's layout, with a way back.
    assert!(
        r.body.contains("晒榜工作台") && r.body.contains("返回工作台"),
        "{}",
        r.body
    );
    let r = admin.post("/admin/periods/2099Q4/remove", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let s = shaibang::store::load_structure(&app.db.store.conn().unwrap())
        .unwrap()
        .unwrap();
    assert!(s.periods.iter().all(|p| p.key.year != 2099), "removed");
    let logged: i64 = app
        .db
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('open_period', 'remove_period')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 2, "opened and removed, audited");
}

#[test]
fn command_line_writes_are_audited_under_the_operating_system_user() {
    let db = crate::helpers::structure_db();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_shaibang"))
            .arg("--db")
            .arg(&db.path)
            .args(args)
            .env("SHAIBANG_LOG", "warn")
            .env("USER", "wangli")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            crate::helpers::text(&out.stderr)
        );
    };
    let streets = crate::helpers::fixture_path("streets-gbk.csv");
    let econ = crate::helpers::fixture_path("econ-utf8-bom.csv");
    let social = dir.path().join("social.csv");
    std::fs::write(&social, crate::helpers::SOCIAL_CSV).unwrap();
    // `check` says, unit by unit, what will still be missing once the file is in (the
    // departments too: their files come next).
    let checked = std::process::Command::new(env!("CARGO_BIN_EXE_shaibang"))
        .arg("--db")
        .arg(&db.path)
        .args(["check", streets.to_str().unwrap(), "--period", "2023Q3"])
        .env("SHAIBANG_LOG", "warn")
        .output()
        .unwrap();
    assert!(checked.status.success());
    let said = crate::helpers::text(&checked.stdout);
    assert!(
        said.contains("注意：导入后仍有26个单位缺项")
            && said.contains(
                "2023年第三季度 街道组「金碧街道」缺少：固定资产投资、营商环境、加分事项"
            )
            && said.contains("检查通过，未写入"),
        "{said}"
    );
    for f in [&streets, &econ, &social] {
        run(&[
            "import",
            f.to_str().unwrap(),
            "--period",
            "2023Q3",
            "--actor",
            "王主任\u{202E}",
        ]);
    }
    // The streets' 加分事项 list is not in: publish lists the units and waits for --yes.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_shaibang"))
        .arg("--db")
        .arg(&db.path)
        .args(["publish", "2023Q3"])
        .env("SHAIBANG_LOG", "warn")
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let said = crate::helpers::text(&refused.stdout);
    assert!(
        said.contains("2023年第三季度有10个单位缺项")
            && said.contains("街道组「金碧街道」缺少：固定资产投资、营商环境、加分事项"),
        "{said}"
    );
    run(&["publish", "2023Q3", "--yes"]);
    run(&["playlist", "大厅", "--slides", "board,tiers"]);
    let rows: Vec<(String, String, String)> = {
        let conn = db.store.conn().unwrap();
        let mut st = conn
            .prepare("SELECT actor, action, detail FROM audit_log ORDER BY id")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let actions: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(
        actions,
        ["import", "import", "import", "publish", "playlist"]
    );
    assert!(rows.iter().all(|r| r.0 == "命令行（wangli）"), "{rows:?}");
    assert!(
        rows[0].2.contains("--actor「王主任」"),
        "the free text is recorded as what it is, without its override: {}",
        rows[0].2
    );
}

fn demo_app() -> TestApp {
    let db = crate::helpers::demo_db();
    crate::admin::add_users(&db, &[(ADMIN, Role::Admin), (STAFF, Role::Staff)]);
    spawn_app_with(db, AdminConfig::default())
}

fn honors_of(app: &TestApp) -> String {
    let conn = app.db.store.conn().unwrap();
    let mut st = conn
        .prepare("SELECT period_id, name, title FROM honor ORDER BY period_id, position")
        .unwrap();
    st.query_map([], |r| {
        Ok(format!(
            "{}|{}|{}",
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?
        ))
    })
    .unwrap()
    .collect::<Result<Vec<_>, _>>()
    .unwrap()
    .join("\n")
}

#[test]
fn a_published_periods_honors_change_only_by_an_admins_correction_and_roll_back() {
    let app = demo_app();
    let posted = honors_of(&app);
    assert!(!posted.is_empty(), "the demo has a published list");
    let list = "期间,姓名,单位,称号,事迹\n2023Q3,周晓梅,金碧街道,实干先锋,牵头完成重点项目\n";
    // A 考评办's new list for the published 2023Q3 is refused on its preview, with nothing
    // kept to confirm.
    let (mut staff, scsrf) = Browser::logged_in(&app, STAFF);
    let r = staff.multipart(
        "/admin/honors",
        &[("csrf", &scsrf)],
        "先锋.csv",
        list.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("需要管理员填写更正原因"), "{}", r.body);
    assert!(
        !r.body.contains("/confirm"),
        "nothing to confirm: {}",
        r.body
    );
    // …and with a reason, a 考评办 is told only an administrator may.
    let r = staff.multipart(
        "/admin/honors",
        &[("csrf", &scsrf), ("reason", "名单有误")],
        "先锋.csv",
        list.as_bytes(),
    );
    assert_eq!(r.status, 403);
    // An administrator without a reason is refused too.
    let (mut admin, acsrf) = Browser::logged_in(&app, ADMIN);
    let r = admin.multipart(
        "/admin/honors",
        &[("csrf", &acsrf)],
        "先锋.csv",
        list.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("需要管理员填写更正原因"), "{}", r.body);
    assert_eq!(honors_of(&app), posted, "the posted list is unchanged");
    let lobby = admin.get("/lobby/content?slides=honors&period=2023Q3");
    assert!(!lobby.body.contains("已更正"), "{}", lobby.body);
    // With a reason it is a correction: audited as one, marked in the lobby.
    let r = admin.multipart(
        "/admin/honors",
        &[("csrf", &acsrf), ("reason", "误报一人，按区委通知更正")],
        "先锋.csv",
        list.as_bytes(),
    );
    let c = admin.post(&format!("{}/confirm", r.location), &[("csrf", &acsrf)]);
    assert_eq!(c.status, 303, "{}", c.body);
    assert!(honors_of(&app).contains("周晓梅"));
    let lobby = admin.get("/lobby/content?slides=honors&period=2023Q3");
    assert!(lobby.body.contains("实干先锋（已更正）"), "{}", lobby.body);
    let (batch, detail): (i64, String) = app
        .db
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT (SELECT MAX(id) FROM import_batch), detail FROM audit_log
             WHERE action = 'correction' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(detail.contains("按区委通知更正"), "{detail}");
    // Rolling the correction back restores the posted list exactly.
    let rb = admin.post(
        &format!("/admin/batches/{batch}/rollback"),
        &[("csrf", &acsrf), ("reason", "更正有误，恢复原名单")],
    );
    assert_eq!(rb.status, 303, "{}", rb.body);
    assert_eq!(honors_of(&app), posted);
}

#[test]
fn the_operations_decide_who_may_correct_from_the_acting_account() {
    use shaibang::domain::PeriodKey;
    use shaibang::ops::{self, Incoming, Limits, OpsError, UploadKind, Uploader};
    let app = demo_app();
    let mut conn = app.db.store.conn().unwrap();
    let before = crate::admin::data_dump(&app.db);
    let file = "单位,固定资产投资\n金碧街道,18\n";
    let limits = Limits {
        now: 1_700_000_000,
        max_pending: 1 << 20,
    };
    for (role, kind) in [
        (Role::Staff, UploadKind::Scores),
        (Role::Provider, UploadKind::Scores),
        (Role::Staff, UploadKind::Honors),
    ] {
        let who = Uploader {
            actor: ops::Actor {
                name: "kpb",
                address: None,
            },
            account_id: 2,
            role,
            provider: (role == Role::Provider).then_some("区发改委"),
        };
        let incoming = Incoming {
            kind,
            bytes: file.as_bytes(),
            file_name: "更正.csv",
            period: Some(PeriodKey::parse("2023Q3").unwrap()),
            which: None,
            reason: "数据有误",
        };
        let r = ops::upload::receive(&mut conn, &who, &incoming, "t0ken", limits);
        assert!(
            matches!(
                &r,
                Err(OpsError::NotPermitted {
                    role: Role::Admin,
                    ..
                })
            ),
            "{role:?} {kind:?}: {:?}",
            r.as_ref().err()
        );
    }
    // A 报送单位 may not send a 实干先锋 list at all.
    let who = Uploader {
        actor: ops::Actor {
            name: "fgw",
            address: None,
        },
        account_id: 3,
        role: Role::Provider,
        provider: Some("区发改委"),
    };
    let incoming = Incoming {
        kind: UploadKind::Honors,
        bytes: "期间,姓名,单位,称号\n2023Q3,张三,金碧街道,实干先锋\n".as_bytes(),
        file_name: "先锋.csv",
        period: None,
        which: None,
        reason: "",
    };
    let r = ops::upload::receive(&mut conn, &who, &incoming, "t0ken", limits);
    assert!(
        matches!(
            &r,
            Err(OpsError::NotPermitted {
                role: Role::Staff,
                ..
            })
        ),
        "{:?}",
        r.as_ref().err()
    );
    drop(conn);
    assert_eq!(before, crate::admin::data_dump(&app.db), "nothing changed");
}
