//! The staff area over real HTTP: access by role from the app's own route table, CSRF on every
//! POST, the login limiter, the upload limit, preview that changes nothing, confirm that
//! writes exactly what was previewed (and refuses after another import), 揭榜 and the audit.
//! Long: one end-to-end scenario per staff-area feature, sharing the `Browser` client; the
//! newer cases live in `abuse`, `gates` and their own modules.

use crate::helpers::{TestApp, TestDb, fixture, spawn_app_with, structure_db};
use shaibang::auth::Role;
use shaibang::domain::PeriodKey;
use shaibang::ops::Actor;
use shaibang::web::admin::guard::BodyKind;
use shaibang::web::admin::{AdminConfig, ROUTES};

pub const ADMIN: (&str, &str) = ("管理员甲", "admin-password-1");
pub const STAFF: (&str, &str) = ("考评办乙", "staff-password-1");
pub const PROVIDER: (&str, &str) = ("统计局丙", "provider-password-1");
const Q4: PeriodKey = PeriodKey {
    year: 2023,
    quarter: 4,
};

/// Adds accounts (a 报送单位 reports for 区统计局).
pub fn add_users(db: &TestDb, users: &[((&str, &str), Role)]) {
    let cli = Actor {
        name: "test",
        address: None,
    };
    let mut conn = db.store.conn().unwrap();
    for &((name, password), role) in users {
        let provider = (role == Role::Provider).then_some("区统计局");
        shaibang::ops::add_user(&mut conn, name, role, provider, password, cli).unwrap();
    }
}

pub fn app_with(limit: usize) -> TestApp {
    let db = structure_db();
    add_users(
        &db,
        &[
            (ADMIN, Role::Admin),
            (STAFF, Role::Staff),
            (PROVIDER, Role::Provider),
        ],
    );
    spawn_app_with(
        db,
        AdminConfig {
            upload_limit: limit,
            ..AdminConfig::default()
        },
    )
}

pub fn app() -> TestApp {
    app_with(10 << 20)
}

/// A browser: keeps the cookies the server sets, follows no redirects.
pub struct Browser {
    base: String,
    agent: ureq::Agent,
    pub cookies: std::collections::BTreeMap<String, String>,
}

pub struct Resp {
    pub status: u16,
    pub location: String,
    pub body: String,
    /// Content-Security-Policy and X-Frame-Options, to check the security headers.
    pub csp: String,
    pub frame: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            base: app.base.clone(),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .into(),
            cookies: Default::default(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn finish(&mut self, r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut r = r.expect("request");
        for c in r.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let pair = c.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || c.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.into(), v.into());
            }
        }
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let h = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let (csp, frame) = (h("content-security-policy"), h("x-frame-options"));
        Resp {
            status: r.status().as_u16(),
            location,
            csp,
            frame,
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    pub fn get(&mut self, path: &str) -> Resp {
        let r = self
            .agent
            .get(&format!("{}{path}", self.base))
            .header("cookie", &self.cookie_header())
            .call();
        self.finish(r)
    }

    pub fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(form).unwrap();
        let r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("cookie", &self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .send(body.as_bytes());
        self.finish(r)
    }

    /// A multipart POST: text fields, then the file.
    pub fn multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        file: &[u8],
    ) -> Resp {
        let boundary = "----shaibangtestboundary7MA4YWxk";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("cookie", &self.cookie_header())
            .header(
                "content-type",
                &format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..]);
        self.finish(r)
    }

    pub fn upload(&mut self, csrf: &str, period: &str, name: &str, file: &[u8]) -> Resp {
        self.multipart(
            "/admin/upload",
            &[("csrf", csrf), ("period", period)],
            name,
            file,
        )
    }

    pub fn login_form_token(&mut self) -> String {
        let page = self.get("/admin/login");
        assert_eq!(page.status, 200);
        token_in(&page.body)
    }

    pub fn log_in(&mut self, who: (&str, &str)) -> Resp {
        let t = self.login_form_token();
        self.post(
            "/admin/login",
            &[("csrf", &t), ("name", who.0), ("password", who.1)],
        )
    }

    pub fn logged_in(app: &TestApp, who: (&str, &str)) -> (Browser, String) {
        let mut b = Browser::new(app);
        let r = b.log_in(who);
        assert_eq!(r.status, 303, "login of {}: {}", who.0, r.body);
        let csrf = token_in(&b.get("/admin/upload").body);
        (b, csrf)
    }
}

pub fn token_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

/// A concrete URL for a route pattern of the table.
fn concrete(path: &str) -> String {
    path.replace("{token}", "0000")
        .replace("{period}", "2023Q4")
        .replace("{name}", "nobody")
        .replace("{group}", "1")
        .replace("{batch}", "1")
        .replace("{unit}", "1")
}

#[test]
fn every_admin_route_refuses_anonymous_users_and_lower_roles() {
    let app = app();
    assert!(ROUTES.len() >= 10, "the table lists the staff area");
    let mut anon = Browser::new(&app);
    let (mut provider, _) = Browser::logged_in(&app, PROVIDER);
    let (mut staff, _) = Browser::logged_in(&app, STAFF);
    for r in ROUTES {
        let url = concrete(r.path);
        let call = |b: &mut Browser| {
            if r.method == "get" {
                b.get(&url)
            } else {
                b.post(&url, &[("x", "1")])
            }
        };
        let Some(role) = r.role else {
            continue;
        };
        let a = call(&mut anon);
        assert!(
            a.csp.contains("frame-ancestors 'none'") && a.frame == "DENY",
            "security headers on {url}"
        );
        if r.method == "get" {
            assert_eq!(a.status, 303, "{} {url}", r.method);
            assert!(a.location.starts_with("/admin/login"), "{url}");
        } else {
            assert_eq!(a.status, 403, "{} {url}: {}", r.method, a.body);
        }
        assert!(
            !a.body.contains("退出"),
            "no staff page for anonymous {url}"
        );
        for (b, has) in [(&mut provider, Role::Provider), (&mut staff, Role::Staff)] {
            if has < role {
                let resp = call(b);
                assert_eq!(resp.status, 403, "{has:?} {} {url}", r.method);
                assert!(resp.body.contains("无权"), "{url}: {}", resp.body);
            }
        }
    }
}

/// Sends a POST route of the table in its own body format, with the given token.
fn post_as_declared(b: &mut Browser, r: &shaibang::web::admin::AdminRoute, token: &str) -> Resp {
    let url = concrete(r.path);
    match r.body.expect("every POST route declares its body") {
        BodyKind::Form => b.post(
            &url,
            &[
                ("csrf", token),
                ("name", "x"),
                ("reason", "理由"),
                ("at", "2030-01-01T09:00"),
            ],
        ),
        BodyKind::Multipart => b.multipart(
            &url,
            &[("csrf", token), ("period", "2023Q4")],
            "a.csv",
            &fixture("streets-gbk.csv"),
        ),
    }
}

#[test]
fn every_post_route_checks_its_token_in_its_own_body_format() {
    let app = app();
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let before = data_dump(&app.db);
    let posts: Vec<_> = ROUTES.iter().filter(|r| r.method == "post").collect();
    assert!(posts.len() >= 14, "the table lists every POST route");
    for r in &posts {
        // The login form's token is the login page's own (double submit), not a session's.
        for token in ["", "0123", &"f".repeat(64)] {
            let resp = post_as_declared(&mut admin, r, token);
            assert_eq!(
                resp.status, 403,
                "{} with token {token:?}: {}",
                r.path, resp.body
            );
            assert!(
                resp.body.contains("安全令牌不符"),
                "{}: refused by the CSRF guard, not by something else: {}",
                r.path,
                resp.body
            );
        }
    }
    assert_eq!(
        before,
        data_dump(&app.db),
        "no refused POST changed anything"
    );
    // The session is still live after all that, and the right token is accepted.
    assert_eq!(admin.post("/admin/logout", &[("csrf", &csrf)]).status, 303);
}

#[test]
fn the_route_table_gives_every_post_route_a_guarded_body() {
    // The table only compiles a POST handler whose last argument is a guard of the declared
    // format (`post_form` / `post_multipart`); here: every POST route declares one, and every
    // GET route none.
    for r in ROUTES {
        match r.method {
            "post" => assert!(r.body.is_some(), "{} declares its body", r.path),
            "get" => assert!(r.body.is_none(), "{} reads no body", r.path),
            m => panic!("unexpected method {m} for {}", r.path),
        }
    }
    // The uploads are multipart, everything else a form.
    let multipart: Vec<_> = ROUTES
        .iter()
        .filter(|r| r.body == Some(BodyKind::Multipart))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        multipart,
        [
            "/admin/upload",
            "/admin/honors",
            "/admin/targets",
            "/admin/schemes"
        ]
    );
}

#[test]
fn repeated_wrong_passwords_are_rate_limited() {
    let app = app();
    let mut b = Browser::new(&app);
    for _ in 0..shaibang::auth::limiter::MAX_FAILED_PER_PAIR {
        let r = b.log_in((STAFF.0, "wrong-password-x"));
        assert_eq!(r.status, 401);
        assert!(r.body.contains("账号或密码错误"));
    }
    let locked = b.log_in(STAFF);
    assert_eq!(locked.status, 429, "even the right password waits");
    assert!(locked.body.contains("登录失败次数过多"), "{}", locked.body);
    // Another account from the same address is not locked by these.
    assert_eq!(b.log_in(ADMIN).status, 303);
}

#[test]
fn an_upload_over_the_limit_gets_413_with_a_message() {
    let app = app_with(1 << 20);
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let big = vec![b'1'; 2 << 20];
    let r = b.upload(&csrf, "", "big.csv", &big);
    assert_eq!(r.status, 413);
    assert!(r.body.contains("超过1MB"), "{}", r.body);
}

/// Every table except the staff area's own bookkeeping (sessions, the audit log, uploads).
pub fn data_dump(db: &TestDb) -> String {
    let dump = shaibang::store::dump(&db.store.conn().unwrap()).unwrap();
    let mut out = String::new();
    let mut keep = true;
    for line in dump.lines() {
        if let Some(t) = line.strip_prefix("== ") {
            keep = !matches!(t, "audit_log" | "session" | "upload");
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn each_bad_fixture_shows_its_errors_in_the_preview_and_changes_nothing() {
    let app = app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let before = data_dump(&app.db);
    let mut n = 0;
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).unwrap()
    {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.starts_with("bad-") {
            continue;
        }
        n += 1;
        let r = b.upload(&csrf, "2023Q4", &name, &fixture(&name));
        assert_eq!(r.status, 200, "{name}");
        assert!(r.body.contains("未导入任何数据"), "{name}: {}", r.body);
        assert!(!r.body.contains("确认导入</button>"), "{name}: no confirm");
        if !matches!(name.as_str(), "bad-empty.csv" | "bad-not-a-table.csv") {
            assert!(r.body.contains("第") && r.body.contains("行"), "{name}");
        }
        assert_eq!(before, data_dump(&app.db), "{name} changed the data");
    }
    assert!(n >= 10, "{n} bad fixtures");
}

fn scores(db: &TestDb) -> Vec<(String, String, i64)> {
    let conn = db.store.conn().unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT u.name, i.code, s.points FROM score s JOIN unit u ON u.id = s.unit_id
             JOIN indicator i ON i.id = s.indicator_id ORDER BY 1, 2",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn preview_token(r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    r.location.rsplit('/').next().unwrap().to_string()
}

#[test]
fn confirm_after_preview_writes_exactly_the_previewed_cells() {
    let app = app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let file = fixture("streets-gbk.csv");
    let token = preview_token(&b.upload(&csrf, "2023Q4", "streets-gbk.csv", &file));
    let preview = b.get(&format!("/admin/uploads/{token}"));
    assert!(preview.body.contains("GBK/GB18030"), "{}", preview.body);
    assert!(preview.body.contains("街道组"), "ranking per group");
    assert!(
        preview.body.contains("class=\"changed\""),
        "changes highlighted"
    );
    assert!(scores(&app.db).is_empty(), "preview writes nothing");
    let r = b.post(
        &format!("/admin/uploads/{token}/confirm"),
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The same file through the command line's path into a fresh database.
    let reference = structure_db();
    shaibang::ops::import_file(
        &mut reference.store.conn().unwrap(),
        &file,
        "streets-gbk.csv",
        Some(Q4),
        &shaibang::store::ApplyOptions {
            actor: "ref",
            allow_published: false,
            dry_run: false,
        },
    )
    .unwrap();
    assert_eq!(scores(&app.db), scores(&reference));
    assert!(!scores(&app.db).is_empty());
    // Confirming twice does nothing more.
    let again = b.post(
        &format!("/admin/uploads/{token}/confirm"),
        &[("csrf", &csrf)],
    );
    assert_eq!(again.status, 400);
}

#[test]
fn confirm_after_an_intervening_import_is_refused() {
    let app = app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let token = preview_token(&b.upload(
        &csrf,
        "2023Q4",
        "streets-gbk.csv",
        &fixture("streets-gbk.csv"),
    ));
    // Another import lands between preview and confirm.
    shaibang::ops::import_file(
        &mut app.db.store.conn().unwrap(),
        crate::helpers::SOCIAL_CSV.as_bytes(),
        "social.csv",
        Some(Q4),
        &shaibang::store::ApplyOptions {
            actor: "other",
            allow_published: false,
            dry_run: false,
        },
    )
    .unwrap();
    let before = data_dump(&app.db);
    let r = b.post(
        &format!("/admin/uploads/{token}/confirm"),
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("请重新上传并预览"), "{}", r.body);
    assert_eq!(before, data_dump(&app.db), "nothing written");
    assert!(
        b.get(&format!("/admin/uploads/{token}"))
            .body
            .contains("预览之后数据已有变化"),
        "the preview page says so too"
    );
}

#[test]
fn publishing_needs_an_admin_and_goes_public_with_an_audit_trail() {
    let app = app();
    let (mut staff, csrf) = Browser::logged_in(&app, STAFF);
    crate::helpers::import_all_groups(&app.db, Q4);
    let denied = staff.post("/admin/periods/2023Q4/publish", &[("csrf", &csrf)]);
    assert_eq!(denied.status, 403);
    let mut public = Browser::new(&app);
    assert_eq!(public.get("/api/v1/boards/2023Q4/1").status, 404);
    let (mut admin, acsrf) = Browser::logged_in(&app, ADMIN);
    // 揭榜 is a confirm page first: what will be posted, and the period's name to type.
    let confirm = admin.get("/admin/periods/2023Q4/publish");
    assert_eq!(confirm.status, 200);
    for text in [
        "揭榜确认",
        "红榜",
        "黑榜",
        "请输入期间名称「2023年第四季度」",
    ] {
        assert!(confirm.body.contains(text), "{text}");
    }
    assert!(
        confirm.body.contains("马街街道"),
        "every group's units are listed"
    );
    assert!(
        !confirm.body.contains("报送未齐"),
        "a complete import has no gaps"
    );
    // No name, or a wrong one: nothing is published, and the page says what to type.
    for typed in ["", "2023年第三季度"] {
        let r = admin.post(
            "/admin/periods/2023Q4/publish",
            &[("csrf", &acsrf), ("confirm", typed)],
        );
        assert_eq!(r.status, 400, "{typed}: {}", r.body);
        assert!(r.body.contains("以确认揭榜"));
        assert_eq!(public.get("/api/v1/boards/2023Q4/1").status, 404);
    }
    let r = admin.post(
        "/admin/periods/2023Q4/publish",
        &[("csrf", &acsrf), ("confirm", "2023年第四季度")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(public.get("/api/v1/boards/2023Q4/1").status, 200);
    let audit = admin.get("/admin/audit?action=publish");
    assert!(audit.body.contains(ADMIN.0) && audit.body.contains("揭榜"));
    let conn = app.db.store.conn().unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT DISTINCT action FROM audit_log ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for a in ["account_added", "login", "publish"] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
    // Nobody changes the log, not even with SQL.
    assert!(
        conn.execute("UPDATE audit_log SET actor = 'x'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

#[test]
fn uploads_confirms_and_failed_logins_are_audited() {
    let app = app();
    let mut b = Browser::new(&app);
    assert_eq!(b.log_in((STAFF.0, "wrong-password-x")).status, 401);
    let (mut s, csrf) = Browser::logged_in(&app, STAFF);
    let token = preview_token(&s.upload(
        &csrf,
        "2023Q4",
        "streets-gbk.csv",
        &fixture("streets-gbk.csv"),
    ));
    s.post(
        &format!("/admin/uploads/{token}/confirm"),
        &[("csrf", &csrf)],
    );
    s.post("/admin/logout", &[("csrf", &csrf)]);
    let conn = app.db.store.conn().unwrap();
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT actor, action, detail FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let has = |action: &str, text: &str| {
        rows.iter()
            .any(|(a, act, d)| a == STAFF.0 && act == action && d.contains(text))
    };
    assert!(has("login_failed", "错误"), "{rows:?}");
    assert!(has("login", "成功"));
    assert!(has("upload", "streets-gbk.csv") && has("upload", "sha256"));
    assert!(has("confirm", "批次"));
    assert!(has("logout", ""));
    // After logout the session is gone.
    assert_eq!(s.get("/admin").status, 303);
}

/// A clock the test moves.
fn clock_app() -> (TestApp, std::sync::Arc<std::sync::atomic::AtomicI64>) {
    use std::sync::atomic::{AtomicI64, Ordering};
    let now = std::sync::Arc::new(AtomicI64::new(chrono::Utc::now().timestamp()));
    let t = now.clone();
    let db = structure_db();
    let cli = Actor {
        name: "test",
        address: None,
    };
    let mut conn = db.store.conn().unwrap();
    shaibang::ops::add_user(&mut conn, ADMIN.0, Role::Admin, None, ADMIN.1, cli).unwrap();
    drop(conn);
    let app = spawn_app_with(
        db,
        AdminConfig {
            clock: shaibang::web::admin::Clock(std::sync::Arc::new(move || {
                t.load(Ordering::SeqCst)
            })),
            schedule_tick: std::time::Duration::from_millis(100),
            ..AdminConfig::default()
        },
    );
    (app, now)
}

/// A time as the office enters it: Beijing time, whatever this machine's zone.
fn local_input(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Polls until `f` holds or 5 s pass.
fn eventually(mut f: impl FnMut() -> bool) -> bool {
    for _ in 0..50 {
        if f() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

#[test]
fn a_scheduled_publish_fires_at_its_time_and_a_cancelled_one_never() {
    use std::sync::atomic::Ordering;
    let (app, now) = clock_app();
    crate::helpers::import_all_groups(&app.db, Q4);
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let t0 = now.load(Ordering::SeqCst);
    let at = (t0 / 60 + 60) * 60; // about an hour ahead, on a whole minute
    let r = admin.post(
        "/admin/periods/2023Q4/schedule",
        &[("csrf", &csrf), ("at", &local_input(at))],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        admin.get("/admin").body.contains("自动揭榜"),
        "shown on the overview"
    );
    let mut public = Browser::new(&app);
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert_eq!(
        public.get("/api/v1/boards/2023Q4/1").status,
        404,
        "not before its time"
    );
    now.store(at - 1, Ordering::SeqCst);
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert_eq!(
        public.get("/api/v1/boards/2023Q4/1").status,
        404,
        "one second early"
    );
    now.store(at, Ordering::SeqCst);
    let fired = eventually(|| public.get("/api/v1/boards/2023Q4/1").status == 200);
    let rows: Vec<String> = app
        .db
        .store
        .conn()
        .unwrap()
        .prepare("SELECT at || ' ' || state || ' ' || COALESCE(outcome, '') FROM scheduled_publish")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        fired,
        "published at its time {at}, with nobody logged in doing it: {rows:?}"
    );
    // An hour passed on the server's clock: the idle session ended with it.
    assert_eq!(
        admin.get("/admin").status,
        303,
        "the session expired with the clock"
    );
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let audit = admin.get("/admin/audit?action=publish").body;
    assert!(
        audit.contains("定时揭榜") && audit.contains(ADMIN.0),
        "{audit}"
    );

    // A cancelled schedule never fires.
    crate::helpers::import_all_groups(&app.db, PeriodKey::parse("2024Q1").unwrap());
    let at2 = at + 3600;
    admin.post(
        "/admin/periods/2024Q1/schedule",
        &[("csrf", &csrf), ("at", &local_input(at2))],
    );
    let r = admin.post("/admin/periods/2024Q1/schedule/cancel", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    now.store(at2 + 60, Ordering::SeqCst);
    std::thread::sleep(std::time::Duration::from_millis(600));
    assert_eq!(public.get("/api/v1/boards/2024Q1/1").status, 404);
    // A time in the past is refused.
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let past = admin.post(
        "/admin/periods/2024Q1/schedule",
        &[("csrf", &csrf), ("at", &local_input(at2 - 7200))],
    );
    assert_eq!(past.status, 400);
    assert!(past.body.contains("必须晚于现在"), "{}", past.body);
}

fn all_values(db: &TestDb) -> String {
    let conn = db.store.conn().unwrap();
    let mut out = String::new();
    for q in [
        "SELECT period_id, unit_id, indicator_id, points, note, batch_id FROM score ORDER BY 1, 2, 3",
        "SELECT period_id, unit_id, kind, points, reason, batch_id FROM adjustment ORDER BY 1, 2, 3",
        "SELECT period_id, unit_id, text, batch_id FROM remark ORDER BY 1, 2",
    ] {
        let mut stmt = conn.prepare(q).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        for r in rows {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
    }
    out
}

#[test]
fn a_rollback_restores_the_exact_previous_values() {
    let app = app();
    let opts = shaibang::store::ApplyOptions {
        actor: "t",
        allow_published: false,
        dry_run: false,
    };
    let mut conn = app.db.store.conn().unwrap();
    shaibang::ops::import_file(
        &mut conn,
        &fixture("streets-gbk.csv"),
        "a.csv",
        Some(Q4),
        &opts,
    )
    .unwrap();
    let before = all_values(&app.db);
    // A second file changes, clears and adds values.
    let second = "单位,固定资产投资,工业投资,招商引资到位资金,加分,扣分,备注\n金碧街道,1,,3,0.5,,新备注\n永昌街道,2,2,2,,1,\n";
    let (_, outcome) =
        shaibang::ops::import_file(&mut conn, second.as_bytes(), "b.csv", Some(Q4), &opts).unwrap();
    let shaibang::store::ApplyOutcome::Applied { batch_id, .. } = outcome else {
        panic!("applied expected");
    };
    drop(conn);
    assert_ne!(before, all_values(&app.db));
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    assert!(admin.get("/admin/batches").body.contains("b.csv"));
    let no_reason = admin.post(
        &format!("/admin/batches/{batch_id}/rollback"),
        &[("csrf", &csrf), ("reason", " ")],
    );
    assert_eq!(no_reason.status, 400, "a reason is required");
    let r = admin.post(
        &format!("/admin/batches/{batch_id}/rollback"),
        &[("csrf", &csrf), ("reason", "报送单位报错数据")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(before, all_values(&app.db), "exactly the values before");
    let again = admin.post(
        &format!("/admin/batches/{batch_id}/rollback"),
        &[("csrf", &csrf), ("reason", "再来一次")],
    );
    assert_eq!(again.status, 400, "a batch is rolled back once");
    let audit = admin.get("/admin/audit?action=rollback").body;
    assert!(audit.contains("报送单位报错数据"), "{audit}");
}

#[test]
fn a_rollback_of_a_published_period_is_a_correction_with_its_reason() {
    let app = app();
    crate::helpers::import_all_groups(&app.db, Q4);
    let opts = shaibang::store::ApplyOptions {
        actor: "t",
        allow_published: true,
        dry_run: false,
    };
    let mut conn = app.db.store.conn().unwrap();
    shaibang::ops::publish(&mut conn, Q4).unwrap();
    let posted = shaibang::store::dump(&conn).unwrap();
    let _ = posted;
    let fix = "单位,工业投资\n金碧街道,1\n";
    let (_, outcome) =
        shaibang::ops::import_file(&mut conn, fix.as_bytes(), "fix.csv", Some(Q4), &opts).unwrap();
    let shaibang::store::ApplyOutcome::Applied { batch_id, .. } = outcome else {
        panic!("applied expected");
    };
    drop(conn);
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let r = admin.post(
        &format!("/admin/batches/{batch_id}/rollback"),
        &[("csrf", &csrf), ("reason", "更正有误，恢复原榜")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let board = admin.get("/boards/2023Q4/1").body;
    assert!(
        board.contains("更正有误，恢复原榜"),
        "the correction record shows why"
    );
    let audit = admin.get("/admin/audit?action=correction").body;
    assert!(audit.contains("撤销导入批次"), "{audit}");
}

#[test]
fn a_provider_cannot_write_another_providers_indicator() {
    let app = app();
    let (mut admin, acsrf) = Browser::logged_in(&app, ADMIN);
    // 管理员 assigns 固定资产投资 to 区统计局 (the provider account's), nothing else.
    let page = admin.get("/admin/indicators").body;
    let id_of = |name: &str| {
        let at = page.find(&format!("<td>{name}</td>")).expect(name);
        let rest = &page[at..];
        let p = rest.find("name=\"p_").unwrap() + 8;
        rest[p..].split('"').next().unwrap().to_string()
    };
    let gd = id_of("固定资产投资");
    let r = admin.post(
        "/admin/indicators",
        &[("csrf", &acsrf), (&format!("p_{gd}"), "区统计局")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let (mut p, csrf) = Browser::logged_in(&app, PROVIDER);
    let before = data_dump(&app.db);
    let mixed = "单位,固定资产投资,工业投资\n金碧街道,18,9\n永昌街道,17,\n";
    let r = p.upload(&csrf, "2023Q4", "mixed.csv", mixed.as_bytes());
    assert_eq!(r.status, 200);
    // Said once: what the account may report, and which columns to delete (the blank cell
    // in 工业投资 counts too: a blank would clear).
    assert!(
        r.body
            .contains("本账号（区统计局）只能报送：固定资产投资；文件另有工业投资列（共2个单元格），请删除这些列后重新上传"),
        "{}",
        r.body
    );
    assert!(
        !r.body.contains("B列「固定资产投资」"),
        "its own column is fine"
    );
    assert!(
        p.get("/admin/upload")
            .body
            .contains("本账号只能报送：固定资产投资"),
        "the upload page lists the account's indicators"
    );
    assert_eq!(before, data_dump(&app.db));
    let own = "单位,固定资产投资\n金碧街道,18\n永昌街道,17\n";
    // A 报送单位 writes only into a draft the 考评办 opened: 2023Q4 (or a typo like 2099Q4)
    // is not open yet, and nothing is created.
    for period in ["2023Q4", "2099Q4"] {
        let r = p.upload(&csrf, period, "own.csv", own.as_bytes());
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body.contains("还没有开放报送"), "{}", r.body);
    }
    assert_eq!(before, data_dump(&app.db));
    let opened = admin.post("/admin/periods", &[("csrf", &acsrf), ("period", "2023Q4")]);
    assert_eq!(opened.status, 303, "{}", opened.body);
    let token = preview_token(&p.upload(&csrf, "2023Q4", "own.csv", own.as_bytes()));
    let c = p.post(
        &format!("/admin/uploads/{token}/confirm"),
        &[("csrf", &csrf)],
    );
    assert_eq!(c.status, 303, "{}", c.body);
    assert_eq!(scores(&app.db).len(), 2);
    // The progress page shows who sent what.
    let progress = p.get("/admin/periods/2023Q4/progress").body;
    assert!(
        progress.contains("2/10") && progress.contains(PROVIDER.0),
        "{progress}"
    );
    assert!(progress.contains("未报送"));
}

#[test]
fn drafts_are_shown_to_staff_marked_and_never_to_the_public() {
    let app = app();
    crate::helpers::import_all_groups(&app.db, Q4);
    let (mut staff, _) = Browser::logged_in(&app, STAFF);
    let draft = staff.get("/admin/periods/2023Q4/boards/1");
    assert_eq!(draft.status, 200);
    assert!(draft.body.contains("草稿") && draft.body.contains("尚未揭榜"));
    let mut public = Browser::new(&app);
    assert_eq!(public.get("/boards/2023Q4/1").status, 404);
    assert_eq!(public.get("/api/v1/boards/2023Q4/1").status, 404);
    assert_eq!(public.get("/admin/periods/2023Q4/boards/1").status, 303);
    // 为何此名次 of a draft is in the staff area, marked too; never public.
    let why = staff.get("/admin/periods/2023Q4/boards/1/why/1");
    assert_eq!(why.status, 200, "{}", why.body);
    assert!(
        why.body.contains("总分构成") && why.body.contains("草稿"),
        "{}",
        why.body
    );
    assert_eq!(public.get("/boards/2023Q4/1/why/1").status, 404);
    assert_eq!(
        public.get("/admin/periods/2023Q4/boards/1/why/1").status,
        303
    );
}

/// A board's `<table class="board full">` with its links taken out (a draft links to the
/// staff area, a posted board to the public pages).
fn board_table_without_links(page: &str) -> String {
    let start = page
        .find("<table class=\"board full\">")
        .expect("a board table");
    let end = start + page[start..].find("</table>").expect("its end");
    let mut out = String::new();
    let mut rest = &page[start..end];
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let j = i + rest[i..].find('>').expect("a closed tag");
        let tag = &rest[i..=j];
        if !(tag.starts_with("<a ") || tag == "</a>") {
            out.push_str(tag);
        }
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_draft_board_is_the_board_officials_will_see() {
    let app = app();
    crate::helpers::import_all_groups(&app.db, Q4);
    let (mut staff, _) = Browser::logged_in(&app, STAFF);
    let draft = staff.get("/admin/periods/2023Q4/boards/1").body;
    assert!(draft.contains("draft-board"), "watermarked: {draft}");
    assert!(
        draft.contains("href=\"/admin/periods/2023Q4/boards/1/why/"),
        "为何此名次 in the staff area: {draft}"
    );
    let before = board_table_without_links(&draft);
    shaibang::ops::publish(&mut app.db.store.conn().unwrap(), Q4).unwrap();
    let mut public = Browser::new(&app);
    let posted = public.get("/boards/2023Q4/1");
    assert_eq!(posted.status, 200);
    assert_eq!(
        before,
        board_table_without_links(&posted.body),
        "the same columns, marks and rows as posted"
    );
    // Posted, the staff board is no longer marked 草稿.
    let after = staff.get("/admin/periods/2023Q4/boards/1").body;
    assert!(
        !after.contains("draft-board") && !after.contains("尚未揭榜"),
        "{after}"
    );
}

impl Browser {
    fn upload_with_reason(
        &mut self,
        csrf: &str,
        period: &str,
        name: &str,
        file: &[u8],
        reason: &str,
    ) -> Resp {
        self.multipart(
            "/admin/upload",
            &[("csrf", csrf), ("period", period), ("reason", reason)],
            name,
            file,
        )
    }
}

#[test]
fn a_published_period_is_corrected_only_by_an_admin_with_a_reason() {
    let app = app();
    crate::helpers::import_all_groups(&app.db, Q4);
    shaibang::ops::publish(&mut app.db.store.conn().unwrap(), Q4).unwrap();
    let fix = "单位,工业投资\n金碧街道,1\n";
    // 考评办: the preview says the period is published; nothing to confirm.
    let (mut staff, scsrf) = Browser::logged_in(&app, STAFF);
    let r = staff.upload(&scsrf, "2023Q4", "fix.csv", fix.as_bytes());
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("已经揭榜") || r.body.contains("已揭榜"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("确认导入</button>"));
    let denied = staff.upload_with_reason(&scsrf, "2023Q4", "fix.csv", fix.as_bytes(), "笔误");
    assert_eq!(denied.status, 403, "only 管理员 corrects");
    // 管理员 with a reason: the preview shows the correction of the posted board.
    let (mut admin, acsrf) = Browser::logged_in(&app, ADMIN);
    let token = preview_token(&admin.upload_with_reason(
        &acsrf,
        "2023Q4",
        "fix.csv",
        fix.as_bytes(),
        "区统计局更正固定资产投资数据",
    ));
    let preview = admin.get(&format!("/admin/uploads/{token}")).body;
    assert!(
        preview.contains("将更正已揭榜的2023年第四季度"),
        "{preview}"
    );
    assert!(preview.contains("已揭榜，将更正公开榜单"));
    let c = admin.post(
        &format!("/admin/uploads/{token}/confirm"),
        &[("csrf", &acsrf)],
    );
    assert_eq!(c.status, 303, "{}", c.body);
    let board = admin.get("/boards/2023Q4/1").body;
    assert!(
        board.contains("区统计局更正固定资产投资数据") && board.contains(ADMIN.0),
        "the 本榜已更正 record shows why and who"
    );
    assert_eq!(
        admin.get("/boards/2023Q4/1/versions/1").status,
        200,
        "the board before stays viewable"
    );
}

#[test]
fn private_pages_need_a_login_but_the_lobby_does_not() {
    let db = crate::helpers::demo_db();
    let cli = Actor {
        name: "test",
        address: None,
    };
    shaibang::ops::add_user(
        &mut db.store.conn().unwrap(),
        STAFF.0,
        Role::Staff,
        None,
        STAFF.1,
        cli,
    )
    .unwrap();
    let app = spawn_app_with(
        db,
        AdminConfig {
            private_pages: true,
            ..AdminConfig::default()
        },
    );
    let mut anon = Browser::new(&app);
    let home = anon.get("/boards/2023Q3/1?sort=total");
    assert_eq!(home.status, 303);
    assert!(
        home.location.starts_with("/admin/login?next="),
        "{}",
        home.location
    );
    assert_eq!(anon.get("/api/v1/periods").status, 401);
    assert_eq!(anon.get("/boards/2023Q3/1/export.csv").status, 303);
    assert_eq!(
        anon.get("/lobby").status,
        200,
        "a TV never lands on a login page"
    );
    assert_eq!(anon.get("/healthz").status, 200);
    // After login the page it asked for opens.
    let t = anon.login_form_token();
    let r = anon.post(
        "/admin/login",
        &[
            ("csrf", &t),
            ("name", STAFF.0),
            ("password", STAFF.1),
            ("next", "/boards/2023Q3/1?sort=total"),
        ],
    );
    assert_eq!(r.location, "/boards/2023Q3/1?sort=total");
    assert_eq!(anon.get("/boards/2023Q3/1").status, 200);
    assert_eq!(anon.get("/api/v1/periods").status, 200);
    // No open redirect through `next`.
    let mut other = Browser::new(&app);
    let t = other.login_form_token();
    let r = other.post(
        "/admin/login",
        &[
            ("csrf", &t),
            ("name", STAFF.0),
            ("password", STAFF.1),
            ("next", "//evil.example/x"),
        ],
    );
    assert_eq!(r.location, "/admin");
}

#[test]
fn a_lobby_token_guards_the_screens() {
    let app = spawn_app_with(
        crate::helpers::demo_db(),
        AdminConfig {
            lobby_token: Some("screen-token-0123456789".into()),
            ..AdminConfig::default()
        },
    );
    let mut tv = Browser::new(&app);
    let denied = tv.get("/lobby");
    assert_eq!(denied.status, 403);
    assert!(denied.body.contains("未授权"));
    assert_eq!(tv.get("/lobby?token=wrong").status, 403);
    assert_eq!(tv.get("/lobby?token=screen-token-0123456789").status, 200);
    // The screen's polling carries the cookie it was given.
    assert_eq!(tv.get("/lobby/content").status, 200);
    assert_eq!(Browser::new(&app).get("/lobby/content").status, 403);
    // The boards stay public unless the pages are made private.
    assert_eq!(Browser::new(&app).get("/boards/2023Q3/1").status, 200);
}

#[test]
fn honors_are_uploaded_previewed_and_confirmed() {
    let app = app();
    let (mut b, csrf) = Browser::logged_in(&app, STAFF);
    let upload = |b: &mut Browser, body: &[u8]| {
        b.multipart("/admin/honors", &[("csrf", &csrf)], "honors.csv", body)
    };
    let bad = upload(
        &mut b,
        "期间,姓名,单位,称号,事迹\n2023Q4,,金碧街道,实干先锋,事迹\n".as_bytes(),
    );
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("第2行"), "{}", bad.body);
    let good = "期间,姓名,单位,称号,事迹\n2023Q4,周晓梅,金碧街道,实干先锋,牵头完成重点项目\n";
    let r = upload(&mut b, good.as_bytes());
    assert_eq!(r.status, 303, "{}", r.body);
    let preview = b.get(&r.location);
    assert!(preview.body.contains("周晓梅") && preview.body.contains("确认导入"));
    let token = r.location.rsplit('/').next().unwrap();
    let c = b.post(
        &format!("/admin/honors/{token}/confirm"),
        &[("csrf", &csrf)],
    );
    assert_eq!(c.status, 303, "{}", c.body);
    let n: i64 = app
        .db
        .store
        .conn()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM honor", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

/// Runs the binary with `input` on standard input (a password, as scripts give it).
fn shaibang_with_input(db: &std::path::Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shaibang"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SHAIBANG_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn accounts_from_the_command_line() {
    use crate::helpers::{shaibang, text};
    let db = structure_db();
    let add = shaibang_with_input(
        &db.path,
        &["user", "add", "王主任", "--role", "admin"],
        "first-admin-pass\n",
    );
    assert!(add.status.success(), "{}", text(&add.stderr));
    let weak = shaibang_with_input(
        &db.path,
        &["user", "add", "李四", "--role", "staff"],
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(text(&weak.stderr).contains("至少需要10个字符"));
    let no_provider = shaibang_with_input(
        &db.path,
        &["user", "add", "统计", "--role", "provider"],
        "provider-pass-1\n",
    );
    assert!(text(&no_provider.stderr).contains("报送单位名称"));
    let list = shaibang(&db.path, &["user", "list"]);
    assert!(
        text(&list.stdout).contains("王主任\t管理员"),
        "{}",
        text(&list.stdout)
    );
    let last = shaibang(&db.path, &["user", "disable", "王主任"]);
    assert!(!last.status.success());
    assert!(text(&last.stderr).contains("最后一个管理员"));
    let stored: String = db
        .store
        .conn()
        .unwrap()
        .query_row("SELECT password_hash FROM account", [], |r| r.get(0))
        .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains("first-admin-pass"));
    // A consistent copy while the database is open elsewhere.
    let copy = db.path.with_file_name("backup.db");
    let b = shaibang(&db.path, &["backup", copy.to_str().unwrap()]);
    assert!(b.status.success(), "{}", text(&b.stderr));
    let again = shaibang(&db.path, &["backup", copy.to_str().unwrap()]);
    assert!(!again.status.success(), "never overwrites");
    let n: i64 = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM account", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn changing_ones_password_ends_the_sessions() {
    let app = app();
    let (mut a, csrf) = Browser::logged_in(&app, STAFF);
    let (mut other, _) = Browser::logged_in(&app, STAFF);
    let wrong = a.post(
        "/admin/password",
        &[
            ("csrf", &csrf),
            ("current", "nope-nope-nope"),
            ("new", "new-password-22"),
            ("again", "new-password-22"),
        ],
    );
    assert!(wrong.body.contains("当前密码不正确"));
    let r = a.post(
        "/admin/password",
        &[
            ("csrf", &csrf),
            ("current", STAFF.1),
            ("new", "new-password-22"),
            ("again", "new-password-22"),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(other.get("/admin").status, 303, "every session ended");
    let mut b = Browser::new(&app);
    assert_eq!(
        b.log_in(STAFF).status,
        401,
        "the old password no longer works"
    );
    assert_eq!(b.log_in((STAFF.0, "new-password-22")).status, 303);
}

#[test]
fn a_reveal_rehearsal_on_a_draft_leaks_nothing_until_it_is_published() {
    let app = app();
    crate::helpers::import_all_groups(&app.db, Q4);
    let mut public = Browser::new(&app);
    assert_eq!(
        public.get("/lobby/reveal?period=2023Q4").status,
        404,
        "no rehearsal for the public"
    );
    let (mut staff, _) = Browser::logged_in(&app, STAFF);
    let r = staff.get("/lobby/reveal?period=2023Q4");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("彩排") && r.body.contains("尚未公布"),
        "marked as a rehearsal"
    );
    assert_eq!(
        r.body.matches("class=\"reveal-section\"").count(),
        3,
        "every group in turn"
    );
    assert!(
        !r.body.contains("publish-form"),
        "考评办 cannot publish from it"
    );
    // Nothing public changed by the rehearsal.
    assert_eq!(public.get("/api/v1/boards/2023Q4/1").status, 404);
    assert_eq!(public.get("/boards/2023Q4/1").status, 404);
    assert_eq!(public.get("/lobby?period=2023Q4").status, 404);
    // 管理员's rehearsal carries the publish form; publishing from it makes it public.
    let (mut admin, _) = Browser::logged_in(&app, ADMIN);
    let page = admin.get("/lobby/reveal?period=2023Q4").body;
    assert!(page.contains("id=\"publish-form\""));
    let csrf = token_in(&page);
    assert!(page.contains(r#"name="confirm" value="2023Q4""#));
    let r = admin.post(
        "/admin/periods/2023Q4/publish",
        &[("csrf", &csrf), ("confirm", "2023Q4")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(public.get("/api/v1/boards/2023Q4/1").status, 200);
    assert_eq!(public.get("/lobby/reveal?period=2023Q4").status, 200);
}

#[test]
fn a_screens_own_token_guards_only_that_screen() {
    use crate::helpers::{shaibang, text};
    let db = crate::helpers::demo_db();
    let out = shaibang(
        &db.path,
        &[
            "playlist",
            "大厅",
            "--slides",
            "board",
            "--token",
            "hall-screen-token-42",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let short = shaibang(&db.path, &["playlist", "二楼", "--token", "short"]);
    assert!(!short.status.success());
    let app = spawn_app_with(db, AdminConfig::default());
    let mut tv = Browser::new(&app);
    assert_eq!(
        tv.get("/lobby/%E5%A4%A7%E5%8E%85").status,
        403,
        "the hall screen needs its token"
    );
    assert_eq!(tv.get("/lobby/%E5%A4%A7%E5%8E%85/content").status, 403);
    assert_eq!(
        tv.get("/lobby/%E5%A4%A7%E5%8E%85?token=hall-screen-token-42")
            .status,
        200
    );
    assert_eq!(
        tv.get("/lobby/%E5%A4%A7%E5%8E%85/content").status,
        200,
        "then its cookie"
    );
    assert_eq!(
        Browser::new(&app).get("/lobby").status,
        200,
        "other screens stay open"
    );
    // The 工作台 lists the screens: the token only for a 管理员.
    add_users(&app.db, &[(ADMIN, Role::Admin), (STAFF, Role::Staff)]);
    let (mut admin, _) = Browser::logged_in(&app, ADMIN);
    let desk = admin.get("/admin").body;
    for url in [
        "href=\"/lobby\"",
        "href=\"/lobby/reveal\"",
        "href=\"/lobby/大厅?token=hall-screen-token-42\"",
    ] {
        assert!(desk.contains(url), "{url} on the admin's desk");
    }
    let (mut staff, _) = Browser::logged_in(&app, STAFF);
    let desk = staff.get("/admin").body;
    assert!(desk.contains("href=\"/lobby/大厅\"") && desk.contains("需令牌"));
    assert!(!desk.contains("hall-screen-token-42"), "no token for staff");
}

#[test]
fn an_admin_changes_a_role_and_the_last_admin_stays() {
    let app = app();
    let (mut staff, _) = Browser::logged_in(&app, STAFF);
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let r = admin.post(
        &format!("/admin/users/{}/role", pct(STAFF.0)),
        &[
            ("csrf", &csrf),
            ("role", "provider"),
            ("provider", "区统计局"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(staff.get("/admin").status, 303, "its sessions ended");
    let (mut again, _) = Browser::logged_in(&app, STAFF);
    assert_eq!(again.get("/admin/audit").status, 403, "now a 报送单位");
    let last = admin.post(
        &format!("/admin/users/{}/role", pct(ADMIN.0)),
        &[("csrf", &csrf), ("role", "staff")],
    );
    assert_eq!(last.status, 400);
    assert!(last.body.contains("最后一个管理员"));
    assert!(admin.get("/admin/audit").body.contains("角色改为报送单位"));
}

/// Percent-encodes a path segment (the names are Chinese).
fn pct(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[test]
fn review_fixes_hold() {
    let app = app_with(10 << 20);
    let opts = shaibang::store::ApplyOptions {
        actor: "t",
        allow_published: false,
        dry_run: false,
    };
    let mut conn = app.db.store.conn().unwrap();
    let batch = |o: shaibang::store::ApplyOutcome| match o {
        shaibang::store::ApplyOutcome::Applied { batch_id, .. } => batch_id,
        other => panic!("applied expected: {other:?}"),
    };
    let a = batch(
        shaibang::ops::import_file(
            &mut conn,
            "单位,工业投资\n金碧街道,9\n".as_bytes(),
            "a.csv",
            Some(Q4),
            &opts,
        )
        .unwrap()
        .1,
    );
    // b clears the cell, c fills it again: undoing b would clash with c.
    let b = batch(
        shaibang::ops::import_file(
            &mut conn,
            "单位,工业投资\n金碧街道,\n".as_bytes(),
            "b.csv",
            Some(Q4),
            &opts,
        )
        .unwrap()
        .1,
    );
    let c = batch(
        shaibang::ops::import_file(
            &mut conn,
            "单位,工业投资\n金碧街道,5\n".as_bytes(),
            "c.csv",
            Some(Q4),
            &opts,
        )
        .unwrap()
        .1,
    );
    drop(conn);
    let (mut admin, csrf) = Browser::logged_in(&app, ADMIN);
    let r = admin.post(
        &format!("/admin/batches/{b}/rollback"),
        &[("csrf", &csrf), ("reason", "试")],
    );
    assert_eq!(r.status, 400, "refused cleanly, not a 500: {}", r.body);
    assert!(r.body.contains(&format!("#{c}")), "names the later batch");
    // Roll back c, then b; a rollback itself cannot be rolled back.
    let r = admin.post(
        &format!("/admin/batches/{c}/rollback"),
        &[("csrf", &csrf), ("reason", "错")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.post(
        &format!("/admin/batches/{b}/rollback"),
        &[("csrf", &csrf), ("reason", "错")],
    );
    assert_eq!(r.status, 303, "once c is undone, b can be: {}", r.body);
    let rb: i64 = app
        .db
        .store
        .conn()
        .unwrap()
        .query_row("SELECT MAX(id) FROM import_batch", [], |r| r.get(0))
        .unwrap();
    let r = admin.post(
        &format!("/admin/batches/{rb}/rollback"),
        &[("csrf", &csrf), ("reason", "再撤")],
    );
    assert_eq!(r.status, 400, "a rollback is not rolled back");
    let _ = a;
    // A file naming more periods than any score table is refused.
    let mut many = String::from("期间,单位,指标,得分\n");
    for y in 0..40 {
        for q in 1..=4 {
            many.push_str(&format!("{}Q{q},金碧街道,工业投资,1\n", 1900 + y));
        }
    }
    let err = shaibang::ops::import_file(
        &mut app.db.store.conn().unwrap(),
        many.as_bytes(),
        "m.csv",
        None,
        &opts,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("期间超过120个"), "{err}");
}

#[test]
fn an_encoded_lobby_path_does_not_pass_the_token() {
    let app = spawn_app_with(
        crate::helpers::demo_db(),
        AdminConfig {
            lobby_token: Some("screen-token-0123456789".into()),
            ..AdminConfig::default()
        },
    );
    let mut tv = Browser::new(&app);
    assert_eq!(tv.get("/lobb%79").status, 403);
    assert_eq!(tv.get("/%6Cobby/content").status, 403);
}
