//! Real HTTP against the app bound to port 0.

use crate::helpers::{demo_db, get, spawn_app, structure_db};

#[test]
fn home_shows_the_latest_published_boards() {
    let app = spawn_app(demo_db());
    let r = get(&format!("{}/", app.base));
    assert_eq!(r.status, 200);
    assert!(
        r.content_type.starts_with("text/html"),
        "{}",
        r.content_type
    );
    let b = &r.body;
    assert!(b.contains("示例数据（虚构）"), "demo banner");
    assert!(b.contains("2023年第三季度 考评结果"));
    for g in ["街道组", "经济发展类部门", "社会事业类部门"] {
        assert!(b.contains(g), "{g}");
    }
    assert!(b.contains("红榜") && b.contains("黑榜"));
    assert!(b.contains("名次变化对比 2023年第二季度"));
    // Each card lists the engine's 红榜 units with their totals.
    let conn = app.db.store.conn().unwrap();
    let s = shaibang::store::load_structure(&conn).unwrap().unwrap();
    let boards =
        shaibang::boards::period_boards(&conn, &s, s.latest_published().unwrap().key).unwrap();
    for board in &boards {
        for r in board
            .board
            .rows
            .iter()
            .filter(|r| r.tier == shaibang::ranking::Tier::Red)
        {
            assert!(
                b.contains(&format!(
                    "{}</a> <span class=\"num\">{}</span>",
                    r.name, r.total
                )),
                "{}",
                r.name
            );
        }
    }
    assert!(b.contains("进步最大"));
}

#[test]
fn a_period_can_be_chosen_and_unknown_ones_are_404() {
    let app = spawn_app(demo_db());
    let r = get(&format!("{}/?period=2023Q1", app.base));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("2023年第一季度 考评结果"));
    let r = get(&format!("{}/?period=2022Q4", app.base));
    assert_eq!(r.status, 404);
    assert!(r.body.contains("期间2022Q4没有已揭榜的结果"));
    let r = get(&format!("{}/no/such/page", app.base));
    assert_eq!(r.status, 404);
    assert!(r.body.contains("找不到页面"));
}

#[test]
fn without_published_periods_the_home_page_says_so() {
    let app = spawn_app(structure_db());
    let r = get(&format!("{}/", app.base));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("还没有已揭榜的期间"));
}

#[test]
fn assets_and_health() {
    let app = spawn_app(demo_db());
    let home = get(&format!("{}/", app.base)).body;
    let css = home
        .split("href=\"")
        .find(|s| s.starts_with("/assets/style.css"))
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = get(&format!("{}{css}", app.base));
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("text/css"));
    assert!(r.body.contains("Noto Sans CJK SC"));
    let r = get(&format!("{}/healthz", app.base));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("\"status\":\"ok\""));
}

#[test]
fn a_public_error_page_carries_the_competitions_header() {
    let app = crate::helpers::spawn_app(crate::helpers::demo_db());
    for path in [
        "/nope",
        "/boards/2099Q1/1",
        "/units/99999",
        "/boards/2023Q3/1?view=junk",
    ] {
        let r = crate::helpers::get(&format!("{}{path}", app.base));
        assert!(matches!(r.status, 400 | 404), "{path}: {}", r.status);
        assert!(r.content_type.starts_with("text/html"), "{path}");
        assert!(
            r.body.contains("“当好排头兵”高质量发展大竞赛") && !r.body.contains("尚未配置竞赛"),
            "{path}: {}",
            r.body
        );
    }
    // The API still answers JSON.
    let r = crate::helpers::get(&format!("{}/api/v1/nope", app.base));
    assert!(
        r.content_type.starts_with("application/json"),
        "{}",
        r.content_type
    );
}

#[test]
fn the_honors_page_lists_a_periods_list() {
    let app = crate::helpers::spawn_app(crate::helpers::demo_db());
    let r = crate::helpers::get(&format!("{}/honors", app.base));
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("2023年第三季度 实干先锋"), "{}", r.body);
    let first = std::str::from_utf8(shaibang::demo::HONORS_CSV)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    assert!(r.body.contains(&format!("<h2>{first}</h2>")), "{}", r.body);
    // Every page's header reaches it.
    let home = crate::helpers::get(&format!("{}/", app.base)).body;
    assert!(home.contains("<a href=\"/honors\">实干先锋</a>"));
    assert_eq!(
        crate::helpers::get(&format!("{}/honors?period=2099Q1", app.base)).status,
        404
    );
}

#[test]
fn the_why_page_says_first_place_plainly() {
    let app = crate::helpers::spawn_app(crate::helpers::demo_db());
    let b: serde_json::Value = serde_json::from_str(
        &crate::helpers::get(&format!("{}/api/v1/boards/2023Q3/1", app.base)).body,
    )
    .unwrap();
    let first = &b["rows"][0];
    let second = &b["rows"][1];
    let why = |id: &serde_json::Value| {
        crate::helpers::get(&format!("{}/boards/2023Q3/1/why/{id}", app.base)).body
    };
    let top = why(&first["unit_id"]);
    assert!(top.contains("排本组第1名。"), "{top}");
    assert!(!top.contains("组内有0个单位"), "{top}");
    assert!(why(&second["unit_id"]).contains("本组有1个单位名次在前，排第2名。"));
}

#[test]
fn comparing_across_groups_goes_by_share_of_each_indicators_max() {
    let app = crate::helpers::spawn_app(crate::helpers::demo_db());
    let units: serde_json::Value =
        serde_json::from_str(&crate::helpers::get(&format!("{}/api/v1/units", app.base)).body)
            .unwrap();
    let id_in = |group: i64| {
        units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["group_id"] == group)
            .unwrap()["id"]
            .clone()
    };
    let (street, dept) = (id_in(1), id_in(2));
    let page = crate::helpers::get(&format!(
        "{}/compare?period=2023Q3&units={street}&units={dept}",
        app.base
    ))
    .body;
    assert!(page.contains("各项按得分占该项满分的比例比较"), "{page}");
    // 营商环境: out of 5 for the street, out of 10 for the department.
    assert!(page.contains("/5（") && page.contains("/10（"), "{page}");
    // Another period can be chosen.
    assert!(
        page.contains("<option value=\"2023Q2\">2023年第二季度</option>"),
        "{page}"
    );
}

#[test]
fn a_quarter_board_has_the_groups_heat_map() {
    let app = crate::helpers::spawn_app(crate::helpers::demo_db());
    let page = crate::helpers::get(&format!("{}/boards/2023Q3/1", app.base)).body;
    assert!(page.contains("<h2>各项指标得分率</h2>"), "{page}");
    // 金碧街道's 19.00 of 20 on 固定资产投资 is 95 %: the darkest shade.
    assert!(page.contains("<td class=\"num heat-4\">95%</td>"), "{page}");
    let ytd = crate::helpers::get(&format!("{}/boards/2023Q3/1?view=cumulative", app.base)).body;
    assert!(!ytd.contains("各项指标得分率"));
    // Its headers lead to the indicator pages; the home page's cards to the year so far.
    let heat = &page[page.find("<h2>各项指标得分率</h2>").unwrap()..];
    let link = heat
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(link.starts_with("/indicators/"), "{link}");
    let link = link.replace("&amp;", "&");
    assert_eq!(
        crate::helpers::get(&format!("{}{link}", app.base)).status,
        200,
        "{link}"
    );
    let home = crate::helpers::get(&format!("{}/", app.base)).body;
    assert!(
        home.contains("<a href=\"/boards/2023Q3/1?view=cumulative\">1–3季度累计 →</a>"),
        "{home}"
    );
}

#[test]
fn the_printed_board_is_a_circular_headed_and_signed_by_the_issuing_body() {
    let app = spawn_app(demo_db());
    let b = get(&format!("{}/boards/2023Q3/1?print=1", app.base)).body;
    assert!(
        b.contains("<p class=\"circular-issuer\">西山区考评办</p>"),
        "{b}"
    );
    assert!(b.contains(
        "关于2023年西山区“当好排头兵”高质量发展大竞赛（示例）第三季度街道组考评结果的通报"
    ));
    assert!(
        b.contains("揭榜）</p>")
            && b.contains("<p class=\"circular-signed print-only\">西山区考评办<br>")
    );
    // Indicators are ①②… on paper, explained in a legend; a wide board prints landscape.
    assert!(b.contains("<span class=\"h-short\">①</span>"));
    assert!(b.contains("<span>①固定资产投资（20分）</span>"), "{b}");
    assert!(b.contains("<body class=\"print-view landscape\">"));
    // The cumulative board names its span; a scheme without an issuer prints no red head.
    let c = get(&format!(
        "{}/boards/2023Q3/1?view=cumulative&print=1",
        app.base
    ))
    .body;
    assert!(
        c.contains("大竞赛（示例）1–3季度累计街道组考评结果的通报"),
        "{c}"
    );
    let plain = structure_db();
    let app = spawn_app(plain);
    let p = get(&format!("{}/", app.base)).body;
    assert!(!p.contains("circular-issuer"));
}

#[test]
fn an_issuer_that_is_no_name_is_refused() {
    let spec = shaibang::demo::COMPETITION_TOML.replace(
        "issuer = \"西山区考评办\"",
        &format!("issuer = \"{}\"", "考".repeat(41)),
    );
    let Err(errs) = shaibang::competition::CompetitionSpec::parse(&spec, shaibang::demo::UNITS_CSV)
    else {
        panic!("an issuer of 41 characters was accepted");
    };
    assert!(
        errs.iter()
            .any(|e| e.contains("issuer") && e.contains("发文单位")),
        "{errs:?}"
    );
}
