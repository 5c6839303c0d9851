//! The lobby board over real HTTP: slides, paging, playlists, the content feed, no-JS
//! rotation, honors, escaping and page weight.

use crate::boards::{XSS, fixture_app};
use crate::helpers::{demo_db, get, spawn_app};
use shaibang::competition::CompetitionSpec;
use shaibang::domain::PeriodKey;
use shaibang::store::{ApplyOptions, Store};

/// A competition with a 20-unit group and a 60-unit group, one published quarter.
fn big_groups_app() -> crate::helpers::TestApp {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lobby.db");
    let store = Store::open(&path).unwrap();
    let toml = "[competition]\nname = \"大屏测试\"\nyear = 2024\n\n[[groups]]\nname = \"二十组\"\nkind = \"街道\"\nred = 3\nblack = 3\n\n[[groups]]\nname = \"六十组\"\nkind = \"部门\"\nred = 5\nblack = 5\n\n[[indicators]]\nname = \"得分项\"\ncode = \"x\"\nmax = 100\ngroups = [\"二十组\", \"六十组\"]\n";
    let mut units = String::from("单位,简称,别名,类型,组别\n");
    let mut scores = String::from("单位,得分项\n");
    for i in 1..=20 {
        units.push_str(&format!("二十组单位{i:02},,,街道,二十组\n"));
        scores.push_str(&format!("二十组单位{i:02},{}\n", 100 - i));
    }
    for i in 1..=60 {
        units.push_str(&format!("六十组单位{i:02},,,部门,六十组\n"));
    }
    let mut dept_scores = String::from("单位,得分项\n");
    for i in 1..=60 {
        dept_scores.push_str(&format!("六十组单位{i:02},{}\n", 100 - i));
    }
    let spec = CompetitionSpec::parse(toml, units.as_bytes()).unwrap();
    let mut conn = store.conn().unwrap();
    shaibang::ops::install(&mut conn, &spec).unwrap();
    let key = PeriodKey {
        year: 2024,
        quarter: 1,
    };
    let opts = ApplyOptions {
        actor: "t",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(&mut conn, scores.as_bytes(), "a.csv", Some(key), &opts).unwrap();
    shaibang::ops::import_file(&mut conn, dept_scores.as_bytes(), "b.csv", Some(key), &opts)
        .unwrap();
    shaibang::ops::publish(&mut conn, key).unwrap();
    drop(conn);
    spawn_app(crate::helpers::TestDb {
        _dir: dir,
        path,
        store,
    })
}

fn slides(html: &str) -> Vec<&str> {
    html.split("<section class=\"slide").skip(1).collect()
}

#[test]
fn demo_lobby_has_every_kind_of_slide() {
    let app = spawn_app(demo_db());
    for url in ["/lobby", "/lobby/%E5%A4%A7%E5%8E%85"] {
        let r = get(&format!("{}{url}", app.base));
        assert_eq!(r.status, 200, "{url}");
        assert!(r.content_type.starts_with("text/html"));
        let s = slides(&r.body);
        // 3 boards, 红榜/黑榜, movers, 3 charts, honors.
        assert_eq!(s.len(), 9, "{url}");
        assert!(s[0].starts_with(" current"), "the first slide is shown");
        assert!(
            r.body.contains("红榜 · 黑榜") && r.body.contains("名次变化（对比2023年第二季度）")
        );
        assert!(r.body.contains("实干先锋") && r.body.contains("周晓梅（示例）"));
        assert!(r.body.contains("<span class=\"tied\">并列</span>"));
        assert!(r.body.contains("示例数据（虚构）"));
        assert!(r.body.contains("数据截至"));
    }
    assert!(
        get(&format!("{}/lobby/%E5%A4%A7%E5%8E%85", app.base))
            .body
            .contains("综合办公大楼一楼大厅")
    );
    assert_eq!(get(&format!("{}/lobby/nosuch", app.base)).status, 404);
    assert_eq!(get(&format!("{}/lobby?slides=bogus", app.base)).status, 400);
    assert_eq!(get(&format!("{}/lobby?seconds=0", app.base)).status, 400);
    assert_eq!(
        get(&format!("{}/lobby?period=2022Q1", app.base)).status,
        404
    );
}

#[test]
fn screen_settings_come_from_the_url() {
    let app = spawn_app(demo_db());
    let r = get(&format!(
        "{}/lobby?slides=tiers@7,honors&seconds=9&theme=dark&period=2023Q2",
        app.base
    ));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("class=\"lobby theme-dark\""));
    let s = slides(&r.body);
    assert_eq!(s.len(), 1, "no honors in 2023Q2, so only the tiers slide");
    assert!(s[0].contains("data-seconds=\"7\""));
    assert!(r.body.contains("2023年第二季度 红榜 · 黑榜"));
}

#[test]
fn without_javascript_a_meta_refresh_steps_through_the_slides() {
    let app = spawn_app(demo_db());
    let r = get(&format!("{}/lobby?seconds=5&slide=2", app.base));
    let s = slides(&r.body);
    assert!(s[2].starts_with(" current") && !s[0].starts_with(" current"));
    assert!(r.body.contains("<noscript><meta http-equiv=\"refresh\" content=\"5;url=/lobby?seconds=5&#38;slide=3\"></noscript>"), "{}", &r.body[..800]);
    let r = get(&format!("{}/lobby?slide=8", app.base));
    assert!(r.body.contains("url=/lobby?slide=0\""), "wraps around");
}

#[test]
fn a_20_unit_group_fits_one_slide_and_60_units_are_paged() {
    let app = big_groups_app();
    let r = get(&format!("{}/lobby?slides=board", app.base));
    let s = slides(&r.body);
    assert_eq!(s.len(), 4, "one slide for 二十组, three for 六十组");
    assert_eq!(s[0].matches("<tr class=\"tier-").count(), 20);
    assert!(s[0].contains("二十组单位01") && s[0].contains("二十组单位20"));
    for (i, (first, last)) in [(1, (1, 20)), (2, (21, 40)), (3, (41, 60))] {
        assert_eq!(s[i].matches("<tr class=\"tier-").count(), 20);
        assert!(
            s[i].contains(&format!("六十组单位{first:02}"))
                && s[i].contains(&format!("六十组单位{last:02}"))
        );
        assert!(s[i].contains(&format!("第{i}/3页")));
    }
}

#[test]
fn the_content_feed_carries_the_version_and_the_slides() {
    let app = spawn_app(demo_db());
    let r = get(&format!("{}/lobby/content?slides=tiers,movers", app.base));
    assert_eq!(r.status, 200);
    assert!(r.content_type.starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["count"], 2);
    let before = v["version"].as_i64().unwrap();
    assert!(v["html"].as_str().unwrap().contains("红榜 · 黑榜"));
    // Publishing bumps the version the screens compare against.
    let q4 = PeriodKey {
        year: 2023,
        quarter: 4,
    };
    crate::helpers::import_all_groups(&app.db, q4);
    shaibang::ops::publish(&mut app.db.store.conn().unwrap(), q4).unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&get(&format!("{}/lobby/content?slides=tiers", app.base)).body)
            .unwrap();
    assert!(v["version"].as_i64().unwrap() > before);
    assert!(v["period"].as_str().unwrap().contains("第四季度"));
    assert_eq!(
        get(&format!("{}/lobby/nosuch/content", app.base)).status,
        404
    );
}

#[test]
fn lobby_and_reveal_escape_names() {
    let app = fixture_app();
    for url in ["/lobby", "/lobby/reveal/1", "/lobby/content"] {
        let r = get(&format!("{}{url}", app.base));
        assert_eq!(r.status, 200, "{url}");
        let body = if url.ends_with("content") {
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["html"]
                .as_str()
                .unwrap()
                .to_string()
        } else {
            r.body.clone()
        };
        assert!(!body.contains(XSS), "{url}");
        assert!(
            body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{url}"
        );
    }
}

#[test]
fn the_whole_lobby_page_is_under_100_kb_and_uses_only_its_own_assets() {
    let app = spawn_app(demo_db());
    let html = get(&format!("{}/lobby", app.base)).body;
    let mut total = html.len();
    let mut assets = 0;
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let url = part.split('"').next().unwrap();
            assert!(
                url.starts_with('/'),
                "external or relative reference: {url}"
            );
            let r = get(&format!("{}{}", app.base, url.replace("&#38;", "&")));
            assert_eq!(r.status, 200, "{url}");
            total += r.body.len();
            assets += 1;
        }
    }
    assert!(
        assets >= 4,
        "stylesheet, script, icon and chart images are fetched"
    );
    assert!(total < 100 * 1024, "page weight {total} bytes");
}

#[test]
fn honors_import_and_show_on_the_unit_profile() {
    let app = spawn_app(demo_db());
    let conn = app.db.store.conn().unwrap();
    let id: i64 = conn
        .query_row("SELECT id FROM unit WHERE name = '区商投局'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let r = get(&format!("{}/units/{id}", app.base));
    assert!(r.body.contains("马志远（示例）") && r.body.contains("到位资金居全区前列"));
}

#[test]
fn cumulative_slides_show_the_year_so_far() {
    let app = crate::helpers::spawn_app(crate::helpers::demo_db());
    let one = get(&format!(
        "{}/lobby?slides=board:%E8%A1%97%E9%81%93%E7%BB%84:cumulative,tiers:cumulative,movers",
        app.base
    ));
    assert_eq!(one.status, 200, "{}", one.body);
    assert!(one.body.contains("街道组 2023年1–3季度累计"), "board slide");
    assert!(one.body.contains("2023年1–3季度累计 红榜"), "tiers slide");
    assert!(
        one.body.contains("2023年第三季度 名次变化"),
        "movers stays quarterly"
    );
    let all = get(&format!(
        "{}/lobby?view=cumulative&slides=board,tiers",
        app.base
    ));
    assert!(all.body.contains("经济发展类部门 2023年1–3季度累计"));
    assert!(
        all.body.contains("view=cumulative"),
        "the content feed keeps the setting"
    );
    let q1 = get(&format!(
        "{}/lobby?view=cumulative&period=2023Q1&slides=board",
        app.base
    ));
    assert!(
        q1.body.contains("街道组 2023年第一季度"),
        "a Q1 year so far is the first quarter"
    );
    assert!(!q1.body.contains("1–1"));
    let bad = get(&format!("{}/lobby?view=junk", app.base));
    assert_eq!(bad.status, 400);
    let bad_slide = get(&format!("{}/lobby?slides=honors:cumulative", app.base));
    assert_eq!(bad_slide.status, 400);
}

#[test]
fn the_reveal_goes_through_the_quarter_and_then_the_year_so_far() {
    let app = crate::helpers::spawn_app(crate::helpers::demo_db());
    let both = get(&format!("{}/lobby/reveal?view=both", app.base));
    assert_eq!(both.status, 200);
    assert_eq!(
        both.body.matches("class=\"reveal-section\"").count(),
        6,
        "3 groups × 2 views"
    );
    let q = both.body.find("街道组 2023年第三季度").unwrap();
    let c = both.body.find("街道组 2023年1–3季度累计").unwrap();
    assert!(q < c, "the quarter first, then the year so far");
    assert_eq!(
        get(&format!("{}/lobby/reveal?view=junk", app.base)).status,
        400
    );
}
