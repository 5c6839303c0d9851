//! Every year in one database: 2022 and 2023 under their own schemes, the 2023 scheme adding
//! an indicator, moving a unit between groups, renaming one and merging two.

use crate::helpers::{TestDb, empty_db, fixture, get, shaibang, spawn_app, text};
use shaibang::domain::PeriodKey;
use shaibang::store::{self, ApplyOptions};

const OPTS: ApplyOptions<'static> = ApplyOptions {
    actor: "test",
    allow_published: false,
    dry_run: false,
};

fn key(s: &str) -> PeriodKey {
    PeriodKey::parse(s).unwrap()
}

/// 2022's scores: every unit of every group (points, no computed indicator).
fn scores_2022(q: u8) -> String {
    let mut csv = String::from("单位,经济发展,社会治理\n");
    for (i, u) in [
        "马街街道",
        "金碧街道",
        "前卫街道",
        "福海街道",
        "区发改局",
        "区财政局",
        "区商务局",
        "区教育局",
        "区城管局",
        "区民政局",
    ]
    .iter()
    .enumerate()
    {
        // Distinct totals that move a little from quarter to quarter.
        let e = 40 + ((i * 7 + usize::from(q) * 3) % 19);
        let s = 20 + ((i * 5 + usize::from(q)) % 17);
        csv.push_str(&format!("{u},{e},{s}\n"));
    }
    csv
}

fn scores_2023(q: u8) -> String {
    let mut csv = String::from("单位,经济发展,社会治理,营商环境\n");
    for (i, u) in [
        "马街新城街道",
        "金前街道",
        "福海街道",
        "区发改局",
        "区财政局",
        "区商务局",
        "区城管局",
        "区教育局",
        "区民政局",
    ]
    .iter()
    .enumerate()
    {
        let e = 41 + ((i * 11 + usize::from(q) * 5) % 17);
        let s = 21 + ((i * 3 + usize::from(q)) % 15);
        csv.push_str(&format!("{u},{e},{s},{}\n", 5 + i % 5));
    }
    csv
}

/// 2022 installed, Q1 and Q2 imported and published.
fn db_2022() -> TestDb {
    let db = empty_db();
    let spec = shaibang::competition::CompetitionSpec::parse(
        &String::from_utf8(fixture("years/2022.toml")).unwrap(),
        &fixture("years/2022-units.csv"),
    )
    .unwrap();
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::install(&mut conn, &spec).unwrap();
    for q in [1, 2] {
        let k = PeriodKey {
            year: 2022,
            quarter: q,
        };
        shaibang::ops::import_file(
            &mut conn,
            scores_2022(q).as_bytes(),
            "s.csv",
            Some(k),
            &OPTS,
        )
        .unwrap();
        shaibang::ops::publish(&mut conn, k).unwrap();
    }
    drop(conn);
    db
}

fn install_2023(db: &TestDb) -> shaibang::ops::SchemePlan {
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::install_scheme(
        &mut conn,
        shaibang::ops::Actor {
            name: "管理员甲",
            address: None,
        },
        shaibang::auth::Role::Admin,
        2023,
        &String::from_utf8(fixture("years/2023.toml")).unwrap(),
        &fixture("years/2023-units.csv"),
        None,
    )
    .unwrap()
}

/// Every public view of 2022's posted boards: pages, exports, JSON.
fn posted_2022(base: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for g in 1..=3 {
        for q in ["2022Q1", "2022Q2"] {
            for path in [
                format!("/boards/{q}/{g}"),
                format!("/boards/{q}/{g}/export.csv"),
                format!("/boards/{q}/{g}?view=cumulative"),
                format!("/api/v1/boards/{q}/{g}"),
                format!("/api/v1/boards/{q}/{g}?view=cumulative"),
            ] {
                let r = get(&format!("{base}{path}"));
                assert_eq!(r.status, 200, "{path}: {}", r.body);
                out.push((path, r.body));
            }
        }
    }
    out
}

fn bytes(url: &str) -> Vec<u8> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.get(url).call().unwrap();
    assert_eq!(r.status().as_u16(), 200, "{url}");
    r.body_mut().read_to_vec().unwrap()
}

#[test]
fn installing_next_years_scheme_changes_no_posted_board() {
    let app = spawn_app(db_2022());
    let before = posted_2022(&app.base);
    let xlsx_before = bytes(&format!("{}/boards/2022Q2/1/export.xlsx", app.base));
    let plan = install_2023(&app.db);
    let d = &plan.diff;
    assert_eq!(d.previous_year, 2022);
    assert_eq!(d.indicators_added, vec!["营商环境（B1）".to_string()]);
    assert!(d.indicators_removed.is_empty() && d.indicators_changed.is_empty());
    assert_eq!(
        d.units_moved,
        vec![(
            "区城管局".to_string(),
            "社会部门组".to_string(),
            "经济部门组".to_string()
        )]
    );
    assert_eq!(
        d.units_renamed,
        vec![("马街街道".to_string(), "马街新城街道".to_string())]
    );
    assert_eq!(
        d.units_merged,
        vec![(
            "金前街道".to_string(),
            vec!["金碧街道".to_string(), "前卫街道".to_string()]
        )]
    );
    assert!(
        d.units_added.is_empty() && d.units_retired.is_empty(),
        "{d:?}"
    );
    // Byte for byte: the boards, their CSV and .xlsx exports and their JSON.
    let after = posted_2022(&app.base);
    for ((path, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{path} changed when the 2023 scheme was installed");
    }
    assert_eq!(
        xlsx_before,
        bytes(&format!("{}/boards/2022Q2/1/export.xlsx", app.base))
    );
    // The install is audited with what it changed.
    let audit = store::audit_entries(
        &app.db.store.conn().unwrap(),
        &store::AuditFilter {
            action: Some(store::AuditAction::Scheme),
            ..store::AuditFilter::default()
        },
        50,
    )
    .unwrap();
    let line = audit
        .iter()
        .find(|e| e.action == Some(store::AuditAction::Scheme))
        .expect("an audit line for the scheme");
    assert_eq!(line.actor, "管理员甲");
    assert!(
        line.detail.contains("新增指标：营商环境（B1）"),
        "{}",
        line.detail
    );
    assert!(
        line.detail.contains("区城管局由社会部门组调入经济部门组"),
        "{}",
        line.detail
    );
    // The same year cannot be installed twice, nor a year whose periods exist.
    let again = shaibang::ops::plan_scheme(
        &app.db.store.conn().unwrap(),
        2023,
        &String::from_utf8(fixture("years/2023.toml")).unwrap(),
        &fixture("years/2023-units.csv"),
    )
    .unwrap_err()
    .to_string();
    assert!(again.contains("已有2023年的考核方案"), "{again}");
}

#[test]
fn a_unit_keeps_its_history_across_years_renames_and_moves() {
    let app = spawn_app(db_2022());
    install_2023(&app.db);
    {
        let mut conn = app.db.store.conn().unwrap();
        for q in [1, 2] {
            let k = PeriodKey {
                year: 2023,
                quarter: q,
            };
            shaibang::ops::import_file(
                &mut conn,
                scores_2023(q).as_bytes(),
                "s.csv",
                Some(k),
                &OPTS,
            )
            .unwrap();
            shaibang::ops::publish(&mut conn, k).unwrap();
        }
        // A 2022 file cannot be read with 2023's scheme.
        let err = shaibang::ops::import_file(
            &mut conn,
            "期间,单位,指标,得分\n2022Q2,福海街道,经济发展,50\n2023Q1,福海街道,经济发展,50\n"
                .as_bytes(),
            "mixed.csv",
            Some(key("2023Q1")),
            &ApplyOptions {
                allow_published: true,
                ..OPTS
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("2022年第二季度") && err.contains("分开导入"),
            "{err}"
        );
    }
    let s = store::load_structure(&app.db.store.conn().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(s.competition.year, 2023);
    let unit = |name: &str| s.unit_by_name(name).unwrap().id;
    // The renamed street: one unit, both years on its profile, its former name said.
    let page = get(&format!("{}/units/{}", app.base, unit("马街新城街道")));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("2022年第一季度") && page.body.contains("2023年第一季度"));
    assert!(page.body.contains("原马街街道"), "{}", page.body);
    assert!(
        page.body.contains("自2023年起按当年考核方案"),
        "{}",
        page.body
    );
    let moved_page = get(&format!("{}/units/{}", app.base, unit("区城管局"))).body;
    assert!(
        moved_page.contains("自2023年起按当年考核方案，调入经济部门组"),
        "{moved_page}"
    );
    // The merged street: stated, and its predecessors' history not shown as its own.
    let merged = get(&format!("{}/units/{}", app.base, unit("金前街道")));
    assert!(
        merged.body.contains("由金碧街道、前卫街道合并"),
        "{}",
        merged.body
    );
    assert!(merged.body.contains(">2023年第一季度</a></td>"));
    assert!(!merged.body.contains("2022年第一季度"), "{}", merged.body);
    // A merged-away unit keeps its page with its 2022 history.
    let s22 = store::load_scheme(&app.db.store.conn().unwrap(), Some(2022))
        .unwrap()
        .unwrap();
    let jinbi = s22.unit_by_name("金碧街道").unwrap().id;
    let old = get(&format!("{}/units/{jinbi}", app.base));
    assert_eq!(old.status, 200);
    assert!(
        old.body.contains("2022年第二季度") && old.body.contains("并入金前街道"),
        "{}",
        old.body
    );
    // The moved department: both years, each in its own group.
    let moved = get(&format!("{}/api/v1/units/{}", app.base, unit("区城管局")));
    let v: serde_json::Value = serde_json::from_str(&moved.body).unwrap();
    let trend = v["trend"].as_array().unwrap();
    assert_eq!(trend.len(), 4, "{}", moved.body);
    assert_eq!(trend[0]["group"], "社会部门组");
    assert_eq!(trend[1]["group"], "社会部门组");
    // Its group now (经济部门组) goes without saying.
    assert!(trend[2]["group"].is_null() && trend[3]["group"].is_null());
    // Movement (环比) runs within a year's scheme: 2023's first board is compared with none.
    let s = store::load_structure(&app.db.store.conn().unwrap())
        .unwrap()
        .unwrap();
    let econ = s.group_by_name("经济部门组").unwrap().id;
    let q1: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q1/{econ}", app.base)).body)
            .unwrap();
    assert!(q1["compared_with"].is_null(), "{q1}");
    let q2: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q2/{econ}", app.base)).body)
            .unwrap();
    assert_eq!(q2["compared_with"], "2023Q1");
    // Search finds a unit by part of any name it has had; one exact name goes to its profile.
    let found = get(&format!("{}/search?q=%E9%A9%AC%E8%A1%97", app.base));
    assert_eq!(found.status, 200);
    assert!(
        found.body.contains(&format!(
            "<a href=\"/units/{}\">马街新城街道</a>",
            unit("马街新城街道")
        )),
        "{}",
        found.body
    );
    // By a former name only: the unit it is now, with the name that matched.
    let former = get(&format!(
        "{}/search?q=%E9%A9%AC%E8%A1%97%E8%A1%97",
        app.base
    ));
    assert!(former.body.contains("原名「马街街道」"), "{}", former.body);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let r = agent
        .get(&format!(
            "{}/search?q=%E9%A9%AC%E8%A1%97%E8%A1%97%E9%81%93",
            app.base
        ))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers().get("location").unwrap().to_str().unwrap(),
        format!("/units/{}", unit("马街新城街道"))
    );
    let gone = get(&format!("{}/search?q=%E9%87%91%E7%A2%A7", app.base));
    assert!(gone.body.contains("已不参加考评"), "{}", gone.body);
    let none = get(&format!(
        "{}/search?q=%E6%97%A0%E6%AD%A4%E5%8D%95%E4%BD%8D",
        app.base
    ));
    assert!(none.body.contains("没有找到"), "{}", none.body);
    // `scheme list` names both years.
    let out = shaibang(&app.db.path, &["scheme", "list"]);
    let listed = text(&out.stdout);
    assert!(
        listed.contains("2022：示例区2022年度综合考评（适用2022年）"),
        "{listed}"
    );
    assert!(
        listed.contains("2023：示例区2023年度综合考评（适用2023年起）"),
        "{listed}"
    );
}

#[test]
fn a_2023_board_shows_year_on_year_where_it_applies_and_says_why_not() {
    let app = spawn_app(db_2022());
    install_2023(&app.db);
    {
        let mut conn = app.db.store.conn().unwrap();
        let k = key("2023Q1");
        shaibang::ops::import_file(
            &mut conn,
            scores_2023(1).as_bytes(),
            "s.csv",
            Some(k),
            &OPTS,
        )
        .unwrap();
        shaibang::ops::publish(&mut conn, k).unwrap();
    }
    let s = store::load_structure(&app.db.store.conn().unwrap())
        .unwrap()
        .unwrap();
    let streets = s.group_by_name("街道组").unwrap().id;
    let econ = s.group_by_name("经济部门组").unwrap().id;
    let json = |g| -> serde_json::Value {
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2023Q1/{g}", app.base)).body).unwrap()
    };
    let b = json(streets);
    let row = |b: &serde_json::Value, name: &str| {
        b["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit"] == name)
            .unwrap_or_else(|| panic!("{name} in {b}"))
            .clone()
    };
    // 2022Q1 ranks, from the posted 2022 board.
    let s22 = store::load_scheme(&app.db.store.conn().unwrap(), Some(2022))
        .unwrap()
        .unwrap();
    let g22 = s22.group_by_name("街道组").unwrap().id;
    let b22: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2022Q1/{}", app.base, g22)).body)
            .unwrap();
    let fuhai22 = row(&b22, "福海街道")["rank"].clone();
    let majie22 = row(&b22, "马街街道")["rank"].clone();
    assert_eq!(row(&b, "福海街道")["year_on_year"]["rank"], fuhai22);
    assert_eq!(row(&b, "马街新城街道")["year_on_year"]["rank"], majie22);
    assert!(row(&b, "金前街道")["year_on_year"]["rank"].is_null());
    assert_eq!(
        row(&b, "金前街道")["year_on_year"]["note"],
        "合并设立，无上年同期"
    );
    // The moved unit: last year's rank was in another group, and the board says so.
    let e = json(econ);
    let cg = row(&e, "区城管局");
    assert_eq!(cg["year_on_year"]["note"], "上年在社会部门组");
    // The scheme changed: the board says 同比 compares across different rules.
    let page = get(&format!("{}/boards/2023Q1/{streets}", app.base));
    assert!(
        page.body.contains("同比对比 2022年第一季度"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(
            "2023年考核方案与上年不同（新增指标营商环境；组内单位有调整），同比名次仅供参考"
        ),
        "{}",
        page.body
    );
    // A year switch on the board and the home page, to the same group a year before.
    assert!(
        page.body
            .contains(&format!("<a href=\"/boards/2022Q1/{g22}\">2022年</a>")),
        "{}",
        page.body
    );
    let home = get(&format!("{}/", app.base));
    assert!(
        home.body.contains("<a href=\"/?period=2022Q1\">2022年</a>"),
        "{}",
        home.body
    );
    // The exports carry 同比 too.
    let csv = get(&format!("{}/boards/2023Q1/{streets}/export.csv", app.base)).body;
    assert!(csv.lines().next().unwrap().contains("同比"), "{csv}");
    assert!(csv.contains("合并设立，无上年同期"), "{csv}");
}

#[test]
fn last_years_work_goes_on_under_last_years_scheme_after_the_new_one_is_installed() {
    let db = db_2022();
    // 2022Q3 is still a draft when the 2023 scheme is installed in January.
    {
        let mut conn = db.store.conn().unwrap();
        shaibang::ops::import_file(
            &mut conn,
            scores_2022(3).as_bytes(),
            "s.csv",
            Some(key("2022Q3")),
            &OPTS,
        )
        .unwrap();
    }
    install_2023(&db);
    let mut conn = db.store.conn().unwrap();
    // A 2022 file names 2022's units and indicators: read with 2022's scheme.
    shaibang::ops::import_file(
        &mut conn,
        "单位,经济发展\n马街街道,59\n".as_bytes(),
        "late.csv",
        Some(key("2022Q3")),
        &OPTS,
    )
    .unwrap();
    shaibang::ops::publish(&mut conn, key("2022Q3")).unwrap();
    // A correction of 2022Q2 re-freezes 2022's boards, under 2022's scheme.
    let (_, outcome) = shaibang::ops::import_file(
        &mut conn,
        "单位,经济发展\n福海街道,20\n".as_bytes(),
        "fix.csv",
        Some(key("2022Q2")),
        &ApplyOptions {
            allow_published: true,
            ..OPTS
        },
    )
    .unwrap();
    assert!(
        matches!(outcome, store::ApplyOutcome::Applied { ref posted_changes, .. } if !posted_changes.is_empty()),
        "{outcome:?}"
    );
    drop(conn);
    let app = spawn_app(db);
    let s22 = store::load_scheme(&app.db.store.conn().unwrap(), Some(2022))
        .unwrap()
        .unwrap();
    let streets = s22.group_by_name("街道组").unwrap().id;
    let b: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2022Q3/{streets}", app.base)).body)
            .unwrap();
    let rows = b["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "2022's four streets: {b}");
    assert!(rows.iter().any(|r| r["unit"] == "马街街道"));
    assert_eq!(b["compared_with"], "2022Q2");
    // Its movement is measured against 2022Q2, so the correction re-froze it as well.
    assert!(
        b["corrected"].to_string().contains("2022年第二季度"),
        "{}",
        b["corrected"]
    );
    let q2: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/api/v1/boards/2022Q2/{streets}", app.base)).body)
            .unwrap();
    assert!(!q2["corrected"].is_null(), "{q2}");
    // `verify` checks each year against its own scheme: nothing differs.
    let out = shaibang(&app.db.path, &["verify"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // With two years published... only 2022 here: no year switch yet.
    let page = get(&format!("{}/boards/2022Q3/{streets}", app.base));
    assert!(!page.body.contains("aria-label=\"年度\""));
}
