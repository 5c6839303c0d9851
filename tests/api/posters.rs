//! Poster images over HTTP: a group's board and the 红榜·黑榜, at a phone's 1080×1920 and at
//! 1920×1080, as PNG files named in Chinese, drawn with the embedded CJK font.

use crate::helpers::{demo_db, empty_db, get, spawn_app, spawn_app_with};
use shaibang::poster;
use shaibang::store;

#[test]
fn posters_are_pngs_of_both_sizes_with_every_name_in_the_font() {
    let app = spawn_app(demo_db());
    for (path, name) in [
        (
            "/posters/2023Q3/1/board.png",
            "2023年第三季度_街道组_考评结果海报.png",
        ),
        (
            "/posters/2023Q3/tiers.png",
            "2023年第三季度_红榜黑榜海报.png",
        ),
    ] {
        for (query, size) in [
            ("", (1080, 1920)),
            ("?size=phone", (1080, 1920)),
            ("?size=wide", (1920, 1080)),
        ] {
            let r = crate::helpers::get_bytes(&format!("{}{path}{query}", app.base));
            assert_eq!(r.status, 200, "{path}{query}");
            assert_eq!(r.content_type, "image/png");
            assert!(r.disposition.starts_with("inline"), "{}", r.disposition);
            assert!(
                r.disposition.contains(&urlencode(name)),
                "{}",
                r.disposition
            );
            let (w, h, px) = poster::decode_png(&r.body).unwrap();
            assert_eq!((w, h), size, "{path}{query}");
            // The red ground and the cream panel are there.
            let has = |rgb: [u8; 3]| px.chunks(4).any(|p| p[..3] == rgb);
            assert!(has([0xFF, 0xF8, 0xE7]), "cream panel");
        }
    }
    // Every unit name of both demos is drawn by the embedded font (no box for a missing
    // glyph); the glyphs themselves are compared against boxes in the poster module's tests.
    for city in [false, true] {
        let db = if city {
            let db = empty_db();
            shaibang::demo::city::load(&mut db.store.conn().unwrap()).unwrap();
            db
        } else {
            demo_db()
        };
        let conn = db.store.conn().unwrap();
        let s = store::load_structure(&conn).unwrap().unwrap();
        for u in &s.units {
            assert_eq!(poster::uncovered(&u.name), Vec::<char>::new(), "{}", u.name);
        }
        for g in &s.groups {
            assert_eq!(poster::uncovered(&g.name), Vec::<char>::new(), "{}", g.name);
        }
        assert_eq!(poster::uncovered(&s.competition.name), Vec::<char>::new());
    }
}

#[test]
fn a_poster_of_nothing_posted_is_not_found_and_a_bad_size_is_refused() {
    let app = spawn_app(demo_db());
    assert_eq!(
        get(&format!(
            "{}/posters/2023Q3/1/board.png?size=huge",
            app.base
        ))
        .status,
        400
    );
    // No made-up parameter gets past the cache to a fresh rendering.
    for junk in ["?x=1", "?size=wide&nonce=42", "?size=wide&size=phone"] {
        let r = get(&format!("{}/posters/2023Q3/1/board.png{junk}", app.base));
        assert_eq!(r.status, 400, "{junk}");
        assert!(r.body.contains("网址参数"), "{junk}: {}", r.body);
    }
    assert_eq!(
        get(&format!("{}/posters/2023Q3/99/board.png", app.base)).status,
        404
    );
    assert_eq!(
        get(&format!("{}/posters/2031Q1/tiers.png", app.base)).status,
        404
    );
    // The board and the home page link to their posters.
    let b = get(&format!("{}/boards/2023Q3/1", app.base)).body;
    assert!(b.contains("href=\"/posters/2023Q3/1/board.png\""));
    let h = get(&format!("{}/", app.base)).body;
    assert!(h.contains("href=\"/posters/2023Q3/tiers.png?size=wide\""));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn with_a_public_address_a_poster_carries_a_qr_code() {
    let plain = spawn_app(demo_db());
    let linked = spawn_app_with(
        demo_db(),
        shaibang::web::admin::AdminConfig {
            public_url: Some("https://kpb.example.gov.cn".into()),
            ..Default::default()
        },
    );
    for path in [
        "/posters/2023Q3/1/board.png",
        "/posters/2023Q3/tiers.png?size=wide",
    ] {
        let a = crate::helpers::get_bytes(&format!("{}{path}", plain.base));
        let b = crate::helpers::get_bytes(&format!("{}{path}", linked.base));
        let (_, _, without) = poster::decode_png(&a.body).unwrap();
        let (_, _, with) = poster::decode_png(&b.body).unwrap();
        // The code is black modules on a white square: pure black appears only with it.
        let black = |px: &[u8]| px.chunks(4).filter(|p| p[..3] == [0, 0, 0]).count();
        assert_eq!(black(&without), 0, "{path}");
        assert!(
            black(&with) > 2_000,
            "{path}: {} black pixels",
            black(&with)
        );
    }
}
