//! HTTP conventions and hardening over real HTTP: security headers on every route, HEAD,
//! 405 with `Allow`, JSON errors under `/api/`, drafts indistinguishable from unknown periods,
//! the lobby's slide cap, and SQLite's "database is locked" said in Chinese.

use crate::boards::fixture_app;
use shaibang::store::StoreError;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// One URL for every route of the app's route table, plus the fallbacks.
fn every_route() -> Vec<&'static str> {
    vec![
        "/",
        "/boards/2023Q2/1",
        "/boards/2023Q2/1/why/1",
        "/boards/2023Q2/1/versions/1",
        "/units/1",
        "/indicators/1",
        "/compare?units=1&units=2",
        "/healthz",
        "/boards/2023Q2/1/export.csv",
        "/boards/2023Q2/1/export.xlsx",
        "/charts/2023Q2/1/totals.svg",
        "/charts/groups/1/bump.svg",
        "/charts/units/1/trend.svg",
        "/charts/units/1/indicators.svg",
        "/api/v1/periods",
        "/api/v1/groups",
        "/api/v1/boards/2023Q2/1",
        "/api/v1/units",
        "/api/v1/units/1",
        "/lobby",
        "/lobby/content",
        "/lobby/reveal/1",
        "/lobby/nope",
        "/lobby/nope/content",
        "/assets/style.css",
        "/favicon.ico",
        "/no-such-page",
        "/boards/2023Q2/1?view=junk",
    ]
}

#[test]
fn every_response_carries_the_security_headers() {
    let app = fixture_app();
    let a = agent();
    for path in every_route() {
        let r = a.get(&format!("{}{path}", app.base)).call().unwrap();
        let h = |name: &str| {
            r.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let csp = h("content-security-policy");
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("x-frame-options"), "DENY", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
}

#[test]
fn head_answers_wherever_get_does() {
    let app = fixture_app();
    let a = agent();
    for path in every_route() {
        let url = format!("{}{path}", app.base);
        let get = a.get(&url).call().unwrap().status();
        let mut head = a.head(&url).call().unwrap();
        assert_eq!(head.status(), get, "HEAD {path}");
        let body = head.body_mut().read_to_vec().unwrap_or_default();
        assert!(body.is_empty(), "HEAD {path} sent a body");
    }
}

#[test]
fn other_methods_get_405_with_allow_and_unknown_routes_404() {
    let app = fixture_app();
    let a = agent();
    for path in ["/", "/boards/2023Q2/1", "/api/v1/periods", "/lobby"] {
        let r = a.post(&format!("{}{path}", app.base)).send_empty().unwrap();
        assert_eq!(r.status().as_u16(), 405, "POST {path}");
        assert_eq!(
            r.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some("GET, HEAD"),
            "POST {path}"
        );
    }
    let r = a
        .delete(&format!("{}/no-such-page", app.base))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[test]
fn every_api_error_is_json() {
    let app = fixture_app();
    let a = agent();
    for (path, status) in [
        ("/api/v1/boards/2023Q2/1?view=junk", 400),
        ("/api/v1/boards/2099Q1/1", 404),
        ("/api/v1/boards/2023Q2/999", 404),
        ("/api/v1/units/999", 404),
        ("/api/v1/nothing-here", 404),
        ("/api/v1/periods", 200),
    ] {
        let mut r = a.get(&format!("{}{path}", app.base)).call().unwrap();
        assert_eq!(r.status().as_u16(), status, "{path}");
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        assert!(ct.starts_with("application/json"), "{path}: {ct}");
        let v: serde_json::Value =
            serde_json::from_str(&r.body_mut().read_to_string().unwrap()).expect("json");
        if status != 200 {
            assert!(
                v["error"].as_str().is_some_and(|e| !e.is_empty()),
                "{path}: {v}"
            );
        }
    }
    let r = a
        .post(&format!("{}/api/v1/periods", app.base))
        .send_empty()
        .unwrap();
    assert!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json"))
    );
}

#[test]
fn a_draft_answers_exactly_like_an_unknown_period() {
    // The fixture has a draft 2023Q3 and no 2024Q1.
    let app = fixture_app();
    let a = agent();
    for (draft, unknown) in [
        ("/boards/2023Q3/1", "/boards/2024Q1/1"),
        ("/api/v1/boards/2023Q3/1", "/api/v1/boards/2024Q1/1"),
        ("/?period=2023Q3", "/?period=2024Q1"),
    ] {
        let mut d = a.get(&format!("{}{draft}", app.base)).call().unwrap();
        let mut u = a.get(&format!("{}{unknown}", app.base)).call().unwrap();
        assert_eq!(d.status(), u.status(), "{draft}");
        let (db, ub) = (
            d.body_mut().read_to_string().unwrap(),
            u.body_mut().read_to_string().unwrap(),
        );
        assert!(!db.contains("尚未揭榜"), "{draft}: {db}");
        assert_eq!(
            db.replace("2023Q3", "X"),
            ub.replace("2024Q1", "X"),
            "{draft}"
        );
    }
}

#[test]
fn the_lobby_refuses_an_endless_slide_list() {
    let app = fixture_app();
    let a = agent();
    // 10,000 entries (a 60 KB address, which once made a 68 MB page): refused outright.
    let many = vec!["board"; 10_000].join(",");
    let r = a
        .get(&format!("{}/lobby?slides={many}", app.base))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 414);
    // 200 entries fit in an address but not in a slide list.
    let some = vec!["board"; 200].join(",");
    let mut r = a
        .get(&format!("{}/lobby?slides={some}", app.base))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let body = r.body_mut().read_to_string().unwrap();
    assert!(
        body.contains("幻灯片过多") || body.contains("幻灯片列表过长"),
        "{}",
        &body[..body.len().min(500)]
    );
    assert!(body.len() < 20_000, "{} bytes", body.len());
}

#[test]
fn thirty_one_slides_are_refused_thirty_are_shown() {
    let app = fixture_app();
    let a = agent();
    let list = |n: usize| vec!["tiers"; n].join(",");
    let r = a
        .get(&format!("{}/lobby?slides={}", app.base, list(31)))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let r = a
        .get(&format!("{}/lobby?slides={}", app.base, list(30)))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn an_overlong_address_gets_414_and_an_overlong_head_431() {
    use std::io::{Read, Write};
    let app = fixture_app();
    let addr = app.base.trim_start_matches("http://").to_string();
    let status = |request: Vec<u8>| {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let _ = s.write_all(&request);
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n])
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    let long = format!("GET /?{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(20_000));
    assert!(status(long.into_bytes()).contains("414"));
    let cookie = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nCookie: a={}\r\n\r\n",
        "x".repeat(200_000)
    );
    assert!(status(cookie.into_bytes()).contains("431"));
    let ok = format!("GET /?{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(2_000));
    assert!(status(ok.into_bytes()).contains("200"));
}

#[test]
fn a_locked_database_is_said_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let holder = rusqlite::Connection::open(&path).unwrap();
    holder
        .execute_batch("CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
        .unwrap();
    let writer = rusqlite::Connection::open(&path).unwrap();
    writer
        .busy_timeout(std::time::Duration::from_millis(50))
        .unwrap();
    let err = StoreError::from(writer.execute("INSERT INTO t VALUES (2)", []).unwrap_err());
    assert!(matches!(err, StoreError::Busy), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("另一项导入或揭榜正在进行") && !text.contains("locked"),
        "{text}"
    );
}

// The page cache over HTTP, on the hand-checked competition of boards.rs.
#[test]
fn etag_answers_304_until_the_data_changes() {
    let app = crate::boards::fixture_app();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/boards/2023Q2/1", app.base);
    let resp = agent.get(&url).call().unwrap();
    let etag = resp
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(resp.headers().get("last-modified").is_some());
    let again = agent
        .get(&url)
        .header("If-None-Match", &etag)
        .call()
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    // A correction to the published period bumps the data version: the page is rendered anew.
    let mut conn = app.db.store.conn().unwrap();
    let opts = shaibang::store::ApplyOptions {
        actor: "test",
        allow_published: true,
        dry_run: false,
    };
    shaibang::ops::import_file(
        &mut conn,
        crate::boards::Q2.replace("丁,10,5", "丁,10,6").as_bytes(),
        "fix.csv",
        Some(shaibang::domain::PeriodKey {
            year: 2023,
            quarter: 2,
        }),
        &opts,
    )
    .unwrap();
    let mut after = agent
        .get(&url)
        .header("If-None-Match", &etag)
        .call()
        .unwrap();
    assert_eq!(after.status().as_u16(), 200);
    assert_ne!(after.headers().get("etag").unwrap().to_str().unwrap(), etag);
    assert!(
        after
            .body_mut()
            .read_to_string()
            .unwrap()
            .contains(">15.00<"),
        "丁 now has 15"
    );
}

#[test]
fn pages_are_sent_gzip_compressed_once_rendered() {
    use std::io::Read;
    let app = crate::boards::fixture_app();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/boards/2023Q2/1", app.base);
    let plain = crate::helpers::get(&url).body;
    for _ in 0..2 {
        let mut resp = agent
            .get(&url)
            .header("Accept-Encoding", "gzip")
            .call()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.headers().get("content-encoding").unwrap(), "gzip");
        assert_eq!(resp.headers().get("vary").unwrap(), "Accept-Encoding");
        let bytes = resp.body_mut().read_to_vec().unwrap();
        assert!(
            bytes.len() < plain.len() / 2,
            "{} vs {}",
            bytes.len(),
            plain.len()
        );
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, plain);
    }
    let resp = agent
        .get(&url)
        .header("Accept-Encoding", "gzip;q=0, identity")
        .call()
        .unwrap();
    assert!(
        resp.headers()
            .get("content-encoding")
            .is_none_or(|v| v != "gzip")
    );
}
