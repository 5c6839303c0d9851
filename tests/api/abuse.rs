//! The staff area under abuse, over real HTTP on loopback: slow bodies, login floods, the
//! password endpoint, pending uploads, huge cells. Each case is bounded: it finishes in
//! seconds and asserts what the server kept (memory, locks, rows) and what it answered.

use crate::admin::{ADMIN, Browser, STAFF};
use crate::helpers::{TestApp, spawn_app_with, structure_db};
use shaibang::auth::Role;
use shaibang::web::admin::AdminConfig;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// A raw HTTP/1.1 request head (the body is sent separately, as slowly as the test likes).
fn head(method: &str, path: &str, cookie: &str, ctype: &str, len: usize) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\n\r\n"
    )
}

fn app_with_idle(idle: Duration) -> TestApp {
    let db = structure_db();
    crate::admin::add_users(&db, &[(STAFF, Role::Staff)]);
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
        s.write_all(head("POST", path, &b.cookie_header(), ctype, 100_000).as_bytes())
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

/// One raw HTTP/1.1 exchange from the loopback address `from` (127.0.0.0/8 is all local on
/// Linux), so that the server sees a different client address per "desk".
pub fn request_from(from: &str, base: &str, raw: &str) -> (u16, String) {
    use socket2::{Domain, Socket, Type};
    let server: std::net::SocketAddr = base.trim_start_matches("http://").parse().unwrap();
    let s = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    let local: std::net::SocketAddr = format!("{from}:0").parse().unwrap();
    s.bind(&local.into()).unwrap();
    s.connect(&server.into()).unwrap();
    let mut s: std::net::TcpStream = s.into();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut reply = Vec::new();
    let _ = s.read_to_end(&mut reply);
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, reply)
}

/// A login POST with the login page's double-submit token.
fn login_request(token: &str, name: &str, password: &str) -> String {
    let body =
        serde_urlencoded::to_string([("csrf", token), ("name", name), ("password", password)])
            .unwrap();
    format!(
        "POST /admin/login HTTP/1.1\r\nHost: localhost\r\nCookie: sb_login={token}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn login_token(app: &TestApp) -> String {
    let mut b = Browser::new(app);
    b.login_form_token()
}

fn failed_login_rows(app: &TestApp) -> i64 {
    app.db
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'login_failed'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn five_wrong_passwords_lock_one_desk_and_an_admin_unlocks_it() {
    let app = crate::admin::app();
    let t = login_token(&app);
    for _ in 0..5 {
        let (s, _) = request_from(
            "127.0.0.9",
            &app.base,
            &login_request(&t, STAFF.0, "wrong-password-x"),
        );
        assert_eq!(s, 401);
    }
    let (s, body) = request_from("127.0.0.9", &app.base, &login_request(&t, STAFF.0, STAFF.1));
    assert_eq!(s, 429, "this desk waits, even with the right password");
    assert!(
        body.contains("解除锁定"),
        "the message says how to get out: {body}"
    );
    // The owner at her own desk is not locked out by another desk's mistakes.
    let (s, _) = request_from(
        "127.0.0.10",
        &app.base,
        &login_request(&t, STAFF.0, STAFF.1),
    );
    assert_eq!(s, 303, "another desk logs in");
    // An administrator sees the lock on the accounts page and lifts it.
    let (mut admin, csrf) = Browser::logged_in(&app, crate::admin::ADMIN);
    let users = admin.get("/admin/users");
    assert!(users.body.contains("登录已锁定"), "the lock is shown");
    let path = format!(
        "/admin/users/{}/unlock",
        serde_urlencoded::to_string([("", STAFF.0)])
            .unwrap()
            .trim_start_matches('=')
    );
    assert_eq!(admin.post(&path, &[("csrf", &csrf)]).status, 303);
    let (s, _) = request_from("127.0.0.9", &app.base, &login_request(&t, STAFF.0, STAFF.1));
    assert_eq!(s, 303, "unlocked: the locked desk logs in at once");
}

#[test]
fn an_unlock_from_the_command_line_reaches_the_running_server() {
    let app = crate::admin::app();
    let t = login_token(&app);
    for _ in 0..5 {
        request_from(
            "127.0.0.11",
            &app.base,
            &login_request(&t, STAFF.0, "wrong-password-x"),
        );
    }
    let (s, _) = request_from(
        "127.0.0.11",
        &app.base,
        &login_request(&t, STAFF.0, STAFF.1),
    );
    assert_eq!(s, 429);
    let out = crate::helpers::shaibang(&app.db.path, &["user", "unlock", STAFF.0]);
    assert!(
        out.status.success(),
        "{}",
        crate::helpers::text(&out.stderr)
    );
    assert!(crate::helpers::text(&out.stdout).contains("已解除"));
    // The server reads unlocks on its scheduler's tick (every 10 s).
    let start = Instant::now();
    let mut s = 0;
    while start.elapsed() < Duration::from_secs(25) {
        std::thread::sleep(Duration::from_secs(1));
        s = request_from(
            "127.0.0.11",
            &app.base,
            &login_request(&t, STAFF.0, STAFF.1),
        )
        .0;
        if s == 303 {
            break;
        }
    }
    assert_eq!(s, 303, "the server honours the command line's unlock");
}

#[test]
fn a_login_flood_from_many_addresses_leaves_the_admin_logging_in_and_the_log_bounded() {
    let app = crate::admin::app();
    let t = login_token(&app);
    let admin = crate::admin::ADMIN;
    // The administrator has logged in from her desk before.
    let (s, _) = request_from("127.0.0.1", &app.base, &login_request(&t, admin.0, admin.1));
    assert_eq!(s, 303);
    let rows_before = failed_login_rows(&app);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut floods = Vec::new();
    for w in 0..6 {
        let (base, t, stop, sent) = (app.base.clone(), t.clone(), stop.clone(), sent.clone());
        floods.push(std::thread::spawn(move || {
            let mut i = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let from = format!("127.0.{}.{}", 1 + w, 1 + i % 80);
                // Half at the administrator's account, half at made-up names.
                let name = if i.is_multiple_of(2) {
                    admin.0.to_string()
                } else {
                    format!("guess{i}")
                };
                request_from(&from, &base, &login_request(&t, &name, "wrong-password-x"));
                sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                i += 1;
            }
        }));
    }
    std::thread::sleep(Duration::from_secs(3));
    let start = Instant::now();
    let (s, body) = request_from("127.0.0.1", &app.base, &login_request(&t, admin.0, admin.1));
    let took = start.elapsed();
    // Once 50 checked guesses went at the account (busy refusals are not guesses), a
    // stranger's desk is refused for it, password or not.
    let start = Instant::now();
    let mut probe = 10;
    while start.elapsed() < Duration::from_secs(20) {
        // A new desk each time: a desk's own lock would hide the account's.
        probe += 1;
        let from = format!("127.0.9.{probe}");
        let (s, body) = request_from(&from, &app.base, &login_request(&t, admin.0, "x-wrong-x"));
        if s == 429 && body.contains("多处被反复尝试登录") {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let (stranger, stranger_body) =
        request_from("127.0.8.9", &app.base, &login_request(&t, admin.0, admin.1));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for f in floods {
        f.join().unwrap();
    }
    assert_eq!(s, 303, "the administrator logs in during the flood: {body}");
    assert!(took < Duration::from_secs(10), "promptly ({took:?})");
    assert_eq!(
        stranger, 429,
        "a new desk waits while the account is under attack"
    );
    assert!(
        stranger_body.contains("多处被反复尝试登录"),
        "locked as an account under attack, not merely busy: {stranger_body}"
    );
    let sent = sent.load(std::sync::atomic::Ordering::Relaxed) as i64;
    // Wait for the scheduler's summary line (it runs every tick).
    std::thread::sleep(Duration::from_secs(11));
    let rows = failed_login_rows(&app) - rows_before;
    assert!(sent > 100, "the flood was a flood ({sent} attempts)");
    assert!(
        rows <= i64::from(shaibang::auth::limiter::AUDIT_ROWS_PER_MINUTE) * 2 + 3,
        "{rows} audit rows for {sent} refused logins"
    );
    let summary: String = app
        .db
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'login_failed' AND detail LIKE '另有%' ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a summary line counts the refusals without a line of their own");
    assert!(summary.contains("未逐条记录"), "{summary}");
}

fn pending_uploads(app: &TestApp) -> (i64, i64) {
    app.db
        .store
        .conn()
        .unwrap()
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(length(bytes)), 0) FROM upload WHERE batch_id IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn a_newer_upload_replaces_the_unconfirmed_one_and_the_total_is_capped() {
    let db = structure_db();
    crate::admin::add_users(
        &db,
        &[
            (STAFF, Role::Staff),
            (ADMIN, Role::Admin),
            (("考评办丁", "staff-password-2"), Role::Staff),
        ],
    );
    let file = crate::helpers::fixture("streets-gbk.csv");
    let app = spawn_app_with(
        db,
        AdminConfig {
            // Room for two unconfirmed copies of the file, not three.
            max_pending_uploads: (file.len() * 5 / 2) as u64,
            ..AdminConfig::default()
        },
    );
    let (mut staff, csrf) = Browser::logged_in(&app, STAFF);
    let first = staff.upload(&csrf, "2023Q4", "第一次.csv", &file);
    assert_eq!(first.status, 303, "{}", first.body);
    let second = staff.upload(&csrf, "2023Q4", "第二次.csv", &file);
    assert!(
        second.location.ends_with("?replaced=1"),
        "{}",
        second.location
    );
    assert_eq!(
        pending_uploads(&app).0,
        1,
        "one unconfirmed upload per account"
    );
    assert_eq!(staff.get(&first.location).status, 404, "the first is gone");
    let page = staff.get(&second.location);
    assert!(
        page.body.contains("已被本次上传取代"),
        "and the page says so"
    );
    // Another account's upload fits; a third does not: refused, saying why, nothing kept.
    let (mut admin, admin_csrf) = Browser::logged_in(&app, ADMIN);
    assert_eq!(
        admin
            .upload(&admin_csrf, "2023Q4", "管理员.csv", &file)
            .status,
        303
    );
    let (n, bytes) = pending_uploads(&app);
    assert_eq!(n, 2);
    let (mut third, third_csrf) = Browser::logged_in(&app, ("考评办丁", "staff-password-2"));
    let r = third.upload(&third_csrf, "2023Q4", "第三份.csv", &file);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("达到") && r.body.contains("上限"),
        "{}",
        r.body
    );
    assert_eq!(pending_uploads(&app), (n, bytes), "nothing more kept");
}

#[test]
fn a_huge_cell_is_refused_at_once_and_never_echoed() {
    let app = crate::admin::app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    // A 5 MB unit name (1,700,000 characters) in a CSV: over Excel's cell limit.
    let mut csv = "单位,地区生产总值\n".as_bytes().to_vec();
    csv.extend_from_slice("街".repeat(1_700_000).as_bytes());
    csv.extend_from_slice(",18\n".as_bytes());
    let r = b.upload(&csrf, "2023Q4", "huge.csv", &csv);
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("1700000个字"),
        "says how long: {}",
        &r.body[..r.body.len().min(3000)]
    );
    assert!(
        r.body.len() < 20_000,
        "the cell is not echoed ({} bytes)",
        r.body.len()
    );
    // A 20,000-character name (under Excel's limit): clipped in the message, no suggestion.
    let mut csv = "单位,地区生产总值\n".as_bytes().to_vec();
    csv.extend_from_slice("马街".repeat(10_000).as_bytes());
    csv.extend_from_slice(",18\n".as_bytes());
    let r = b.upload(&csrf, "2023Q4", "long.csv", &csv);
    assert!(
        r.body.contains("…（共20,000字）"),
        "clipped with its length"
    );
    assert!(
        !r.body.contains("是否为"),
        "no suggestion for an implausible name"
    );
    assert!(r.body.len() < 20_000, "{} bytes", r.body.len());
}

/// A minimal .xlsx whose one text cell (A1, a shared string) is `text`, written with the
/// archive's own deflate.
pub fn workbook_with_text(text: &str) -> Vec<u8> {
    use std::io::Write as _;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let files: [(&str, String); 6] = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.into()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.into()),
        ("xl/worksheets/sheet1.xml", r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>18</v></c></row></sheetData></worksheet>"#.into()),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3"><si><t>单位</t></si><si><t>地区生产总值</t></si><si><t>{text}</t></si></sst>"#)),
    ];
    for (name, body) in files {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

#[test]
fn a_workbook_with_huge_text_is_refused_before_it_is_parsed() {
    let app = crate::admin::app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    // The sanity check: a normal name in the same hand-made workbook is read (an unknown
    // unit, reported as such).
    let ok = workbook_with_text("马衔街道");
    let r = b.upload(&csrf, "2023Q4", "small.xlsx", &ok);
    assert!(r.body.contains("是否为「马街街道」"), "{}", r.body);
    // 60 MB of text packed into a small upload: the shared strings are refused from the
    // archive's declared size, before any XML is parsed.
    let huge = workbook_with_text(&"街".repeat(20_000_000));
    assert!(
        huge.len() < 2 << 20,
        "a small upload ({} bytes)",
        huge.len()
    );
    let start = Instant::now();
    let r = b.upload(&csrf, "2023Q4", "huge.xlsx", &huge);
    assert!(r.body.contains("文字内容解压后有"), "{}", r.body);
    assert!(start.elapsed() < Duration::from_secs(30));
    // A cell over Excel's limit that passes the archive check is refused by the cell check.
    let long = workbook_with_text(&"街".repeat(40_000));
    let r = b.upload(&csrf, "2023Q4", "long.xlsx", &long);
    assert!(r.body.contains("40000个字"), "{}", r.body);
    assert!(r.body.len() < 20_000);
}

#[test]
fn wrong_current_passwords_are_limited_and_parallel_changes_stay_bounded() {
    let app = crate::admin::app();
    let (b, csrf) = Browser::logged_in(&app, STAFF);
    let cookie = b.cookie_header();
    let change = |current: &str, new: &str| {
        let body = serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("current", current),
            ("new", new),
            ("again", new),
        ])
        .unwrap();
        let raw = format!(
            "POST /admin/password HTTP/1.1\r\nHost: localhost\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        request_from("127.0.0.1", &app.base, &raw)
    };
    // A new password that breaks the rules is refused before any password work or count.
    for _ in 0..10 {
        let (s, body) = change(STAFF.1, "short");
        assert_eq!(s, 200);
        assert!(body.contains("密码至少需要10个字符"), "{body}");
    }
    // 40 parallel wrong current passwords: every one answered, five counted, the rest locked
    // or busy, none of them a server error.
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..40)
            .map(|_| s.spawn(|| change("not-the-password", "a-new-password-1")))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        answers.iter().all(|(s, _)| *s == 200),
        "{:?}",
        answers.iter().map(|a| a.0).collect::<Vec<_>>()
    );
    let wrong = answers
        .iter()
        .filter(|(_, b)| b.contains("当前密码不正确"))
        .count();
    assert!(
        wrong <= 5,
        "at most five wrong current passwords checked ({wrong})"
    );
    let (_, body) = change(STAFF.1, "a-new-password-1");
    assert!(
        body.contains("错误次数过多"),
        "now locked, even with the right one: {body}"
    );
}
