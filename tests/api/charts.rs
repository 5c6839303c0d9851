//! Every chart the server draws, for the desktop and the phone, on both demos: labels inside
//! the canvas and clear of each other (a CJK character counted as one em), the phone's type
//! at least 14 px at the width it is drawn for, and a unit highlighted in the bump chart.

use crate::helpers::{demo_db, empty_db, get, spawn_app};
use shaibang::charts::labels;
use shaibang::store;

fn check(base: &str, path: &str) -> usize {
    let r = get(&format!("{base}{path}"));
    assert_eq!(r.status, 200, "{path}");
    roxmltree::Document::parse(&r.body).unwrap_or_else(|e| panic!("{path}: not XML: {e}"));
    let problems = labels::problems(&r.body);
    assert!(problems.is_empty(), "{path}:\n{}", problems.join("\n"));
    let found = labels::labels(&r.body);
    assert!(!found.is_empty(), "{path}: no labels");
    if path.contains("size=phone") {
        assert_eq!(
            labels::view_box(&r.body).map(|v| v.0),
            Some(360.0),
            "{path}"
        );
        let small: Vec<_> = found.iter().filter(|l| l.font_size < 13.0).collect();
        assert!(small.is_empty(), "{path}: type under 13 px: {small:?}");
    }
    found.len()
}

#[test]
fn every_chart_of_both_demos_has_its_labels_clear_and_inside() {
    for city in [false, true] {
        let db = if city {
            let db = empty_db();
            shaibang::demo::city::load(&mut db.store.conn().unwrap()).unwrap();
            db
        } else {
            demo_db()
        };
        let app = spawn_app(db);
        let conn = app.db.store.conn().unwrap();
        let s = store::load_structure(&conn).unwrap().unwrap();
        let period = s.latest_published().unwrap().key;
        let mut paths = Vec::new();
        for g in &s.groups {
            paths.push(format!("/charts/{period}/{}/totals.svg", g.id));
            paths.push(format!(
                "/charts/{period}/{}/totals.svg?view=cumulative",
                g.id
            ));
            paths.push(format!("/charts/groups/{}/bump.svg", g.id));
            if let Some(u) = s.group_units(g.id).get(3) {
                paths.push(format!("/charts/groups/{}/bump.svg?hl={}", g.id, u.id));
            }
        }
        for u in &s.units {
            paths.push(format!("/charts/units/{}/trend.svg", u.id));
            paths.push(format!(
                "/charts/units/{}/indicators.svg?period={period}",
                u.id
            ));
        }
        // Units of every group compared, across groups.
        let picked: Vec<String> = s
            .groups
            .iter()
            .flat_map(|g| s.group_units(g.id).into_iter().take(2))
            .map(|u| format!("units={}", u.id))
            .collect();
        paths.push(format!(
            "/charts/compare.svg?period={period}&{}",
            picked.join("&")
        ));
        let mut labels_seen = 0;
        for p in &paths {
            labels_seen += check(&app.base, p);
            let phone = format!("{p}{}size=phone", if p.contains('?') { '&' } else { '?' });
            labels_seen += check(&app.base, &phone);
        }
        assert!(
            labels_seen > paths.len() * 4,
            "{labels_seen} labels in {} charts",
            paths.len()
        );
    }
}

#[test]
fn the_bump_chart_highlights_the_chosen_unit_and_refuses_a_bad_size() {
    let app = spawn_app(demo_db());
    let conn = app.db.store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    let g = &s.groups[0];
    let u = &s.group_units(g.id)[2];
    let r = get(&format!(
        "{}/charts/groups/{}/bump.svg?hl={}",
        app.base, g.id, u.id
    ));
    assert_eq!(r.status, 200);
    // The highlighted unit's line is the one red line; its labels are red.
    assert_eq!(
        r.body
            .matches("stroke=\"#B3261E\" stroke-width=\"3\"")
            .count(),
        1,
        "{}",
        r.body
    );
    let red_texts: Vec<_> = labels::labels(&r.body)
        .into_iter()
        .filter(|l| {
            r.body
                .contains(&format!("fill=\"#B3261E\">\n{}\n</text>", l.text))
        })
        .collect();
    assert!(
        !red_texts.is_empty() && red_texts.iter().all(|l| l.text.contains(&u.name)),
        "{red_texts:?}"
    );
    for bad in ["size=huge", "hl=abc"] {
        let r = get(&format!(
            "{}/charts/groups/{}/bump.svg?{bad}",
            app.base, g.id
        ));
        assert_eq!(r.status, 400, "{bad}");
    }
}
