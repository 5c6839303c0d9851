use shaibang::store::{self, Store};
use std::net::TcpListener;
use std::path::PathBuf;

pub struct TestDb {
    pub _dir: tempfile::TempDir,
    pub path: PathBuf,
    pub store: Store,
}

pub fn empty_db() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.db");
    let store = Store::open(&path).expect("open store");
    TestDb {
        _dir: dir,
        path,
        store,
    }
}

/// The demo competition's structure, with no scores.
pub fn structure_db() -> TestDb {
    let db = empty_db();
    let spec = shaibang::demo::spec().expect("demo spec");
    shaibang::ops::install(&mut db.store.conn().unwrap(), &spec).expect("install");
    db
}

/// The full demo: structure, 2023Q1–Q3 imported and published.
pub fn demo_db() -> TestDb {
    let db = empty_db();
    shaibang::demo::load(&mut db.store.conn().unwrap()).expect("demo load");
    db
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn dump(db: &TestDb) -> String {
    store::dump(&db.store.conn().unwrap()).expect("dump")
}

pub struct TestApp {
    pub base: String,
    pub db: TestDb,
}

/// Starts the real app on 127.0.0.1:0 in a background thread.
pub fn spawn_app(db: TestDb) -> TestApp {
    spawn_app_with(db, shaibang::web::admin::AdminConfig::default())
}

/// `spawn_app` with the staff area's settings.
pub fn spawn_app_with(db: TestDb, admin: shaibang::web::admin::AdminConfig) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().unwrap().port();
    let store = db.store.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            shaibang::web::build_with(listener, store, admin)
                .expect("build server")
                .await
                .expect("server");
        });
    });
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        db,
    }
}

pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

/// A GET whose error statuses are answers, not failures.
fn call(url: &str) -> ureq::http::Response<ureq::Body> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

pub fn get(url: &str) -> Reply {
    let mut resp = call(url);
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    Reply {
        status,
        content_type,
        body,
    }
}

/// A reply read as bytes, with its Content-Disposition.
pub struct BytesReply {
    pub status: u16,
    pub content_type: String,
    pub disposition: String,
    pub body: Vec<u8>,
}

pub fn get_bytes(url: &str) -> BytesReply {
    let mut resp = call(url);
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    BytesReply {
        status: resp.status().as_u16(),
        content_type,
        disposition,
        body: resp
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap_or_default(),
    }
}

/// The social-affairs departments' scores, so that a quarter has every demo group and may be
/// published.
pub const SOCIAL_CSV: &str = "单位,重点工作任务,项目建设服务,招商引资,营商环境,财政资金绩效,作风建设\n区教育体育局,30,12,11,8,8,8\n区卫生健康局,31,12,11,8,8,8\n区民政局,32,12,11,8,8,8\n区人社局,33,12,11,8,8,8\n区市场监管局,34,12,11,8,8,8\n区生态环境分局,35,12,11,8,8,8\n区城管局,36,12,11,8,8,8\n区应急管理局,37,12,11,8,8,8\n";

/// Imports every demo group's scores for a quarter, so that it can be published.
pub fn import_all_groups(db: &TestDb, key: shaibang::domain::PeriodKey) {
    let opts = store::ApplyOptions {
        actor: "test",
        allow_published: false,
        dry_run: false,
    };
    let mut conn = db.store.conn().unwrap();
    for (name, bytes) in [
        ("streets-gbk.csv", fixture("streets-gbk.csv")),
        ("econ-utf8-bom.csv", fixture("econ-utf8-bom.csv")),
        ("social.csv", SOCIAL_CSV.as_bytes().to_vec()),
    ] {
        shaibang::ops::import_file(&mut conn, &bytes, name, Some(key), &opts).unwrap();
    }
    // The streets' 加分事项 come from a 明细清单, as the demo's do.
    let items = "单位,指标,类别,事项,级别\n福海街道,加分事项,表彰奖励,获省级表彰,省级\n";
    let actor = shaibang::ops::Actor {
        name: "test",
        address: None,
    };
    shaibang::ops::import_details(&mut conn, items.as_bytes(), "items.csv", key, actor).unwrap();
}

/// Runs the real binary on a database, as staff and scripts do.
pub fn shaibang(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_shaibang"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("SHAIBANG_LOG", "info")
        .output()
        .expect("run shaibang")
}

/// A command's output as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// splitmix64: small, fast and good enough to drive the generators and the fuzzer.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}
