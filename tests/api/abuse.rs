//! The staff area under abuse, over real HTTP on loopback: slow bodies, login floods, the
//! password endpoint, pending uploads, huge cells. Each case is bounded: it finishes in
//! seconds and asserts what the server kept (memory, locks, rows) and what it answered.

use crate::admin::{Browser, STAFF};
use crate::helpers::{TestApp, spawn_app_with, structure_db};
use shaibang::auth::Role;
use shaibang::ops::Actor;
use shaibang::web::admin::AdminConfig;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// A raw HTTP/1.1 request head (the body is sent separately, as slowly as the test likes).
fn head(method: &str, path: &str, cookie: &str, ctype: &str, len: usize) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\n\r\n"
    )
}

fn cookie_of(b: &Browser) -> String {
    b.cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

fn app_with_idle(idle: Duration) -> TestApp {
    let db = structure_db();
    let cli = Actor {
        name: "test",
        address: None,
    };
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::add_user(&mut conn, STAFF.0, Role::Staff, None, STAFF.1, cli).unwrap();
    drop(conn);
    spawn_app_with(
        db,
        AdminConfig {
            body_idle: idle,
            ..AdminConfig::default()
        },
    )
}

#[test]
fn a_trickled_body_is_cut_off_not_held_open() {
    let app = app_with_idle(Duration::from_secs(1));
    let (b, csrf) = Browser::logged_in(&app, STAFF);
    let addr = app.base.trim_start_matches("http://").to_string();
    for (path, ctype) in [
        ("/admin/upload", "multipart/form-data; boundary=XYZ"),
        ("/admin/logout", "application/x-www-form-urlencoded"),
    ] {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let start = Instant::now();
        // Declares 100 KB, sends the head and a few bytes, then stalls.
        s.write_all(head("POST", path, &cookie_of(&b), ctype, 100_000).as_bytes())
            .unwrap();
        let first = if path == "/admin/upload" {
            format!(
                "--XYZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n单位,"
            )
        } else {
            format!("csrf={csrf}&x=")
        };
        s.write_all(first.as_bytes()).unwrap();
        let mut reply = Vec::new();
        let _ = s.read_to_end(&mut reply);
        let reply = String::from_utf8_lossy(&reply);
        let took = start.elapsed();
        assert!(
            reply.starts_with("HTTP/1.1 408"),
            "{path}: a stalled body is answered 408: {reply}"
        );
        assert!(reply.contains("连接已超时"), "{path}: said in Chinese");
        assert!(
            took < Duration::from_secs(10),
            "{path}: cut off after the pause allowed, not held open ({took:?})"
        );
    }
}
