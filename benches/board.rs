//! `cargo bench --bench board`: a generated competition with one group of 1,000 units,
//! 50 indicators and 12 published quarters. Times the uncached render of its latest board
//! page (structure and the board frozen at 揭榜 loaded from SQLite, HTML rendered, no cache)
//! and its parts, and, for comparison, ranking the same board from its 2 × 50,000 stored
//! scores (what 揭榜 does once, and what a draft costs).
//!
//! Leaves the database in `target/bench-data/board.db` for the HTTP load run
//! (`scripts/bench-http.sh`).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use shaibang::boards::{self, View};
use shaibang::competition::CompetitionSpec;
use shaibang::domain::PeriodKey;
use shaibang::store::{self, ApplyOptions, Store};
use shaibang::web::cache::{Cache, Ctx};
use shaibang::web::pages::{BoardQuery, board_page};

const UNITS: usize = 1000;
const INDICATORS: usize = 50;
const PERIODS: usize = 12;

fn setup() -> Store {
    let dir = common::data_dir();
    let path = dir.join("board.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let (toml, units, csv) = common::generate(&dir, UNITS, INDICATORS, PERIODS, "board-12q.csv");
    let spec = CompetitionSpec::parse(&toml, &units).expect("spec");
    let store = Store::open(&path).expect("open");
    let mut conn = store.conn().unwrap();
    shaibang::ops::install(&mut conn, &spec).unwrap();
    let opts = ApplyOptions {
        actor: "bench",
        allow_published: false,
        dry_run: false,
    };
    shaibang::ops::import_file(&mut conn, &csv, "board-12q.csv", None, &opts).expect("import");
    for p in 0..PERIODS {
        let key = PeriodKey {
            year: 2020 + (p / 4) as i32,
            quarter: (p % 4) as u8 + 1,
        };
        shaibang::ops::publish(&mut conn, key).unwrap();
    }
    drop(conn);
    store
}

fn bench(c: &mut Criterion) {
    let store = setup();
    let conn = store.conn().unwrap();
    let s = store::load_structure(&conn).unwrap().unwrap();
    let last = s.latest_published().unwrap().key;
    let gid = s.groups[0].id;
    let version = store::data_version(&conn).unwrap().0;
    let mut g = c.benchmark_group("board_1000_units_50_indicators");
    g.sample_size(30);
    g.bench_function("page_uncached", |b| {
        b.iter(|| {
            let cache = Cache::default();
            let ctx = Ctx {
                conn: &conn,
                cache: &cache,
                version,
            };
            let page = board_page(
                &ctx,
                &last.to_string(),
                &gid.to_string(),
                &BoardQuery::default(),
            )
            .expect("page");
            assert!(page.body.len() > 100_000);
            page
        })
    });
    g.bench_function("structure_only", |b| {
        b.iter(|| store::load_structure(&conn).unwrap().unwrap())
    });
    g.bench_function("frozen_board_load_only", |b| {
        b.iter(|| {
            let board = boards::group_board(&conn, &s, last, gid, View::Quarter)
                .unwrap()
                .unwrap();
            assert!(board.frozen.is_some());
            board
        })
    });
    g.bench_function("rank_from_scores_only", |b| {
        b.iter(|| {
            boards::compute_group_board(&conn, &s, last, gid, View::Quarter)
                .unwrap()
                .unwrap()
        })
    });
    let cache = Cache::default();
    let ctx = Ctx {
        conn: &conn,
        cache: &cache,
        version,
    };
    let _ = ctx.board(&s, last, gid, View::Quarter).unwrap();
    g.bench_function("render_only_board_memoised", |b| {
        b.iter(|| {
            board_page(
                &ctx,
                &last.to_string(),
                &gid.to_string(),
                &BoardQuery::default(),
            )
            .expect("page")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
