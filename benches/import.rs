//! `cargo bench --bench import`: end-to-end import of a generated long CSV of 1,000,000 score
//! cells (decode, parse, validate, insert into a fresh SQLite file), against `sqlite3 .import`
//! of the same file into a plain table as a baseline measured in the same run.
//!
//! The generated files are left in `target/bench-data/` so that peak memory can be measured
//! on the real binary (see README, "Benchmarks").

mod common;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use shaibang::competition::CompetitionSpec;
use shaibang::store::{ApplyOptions, Store};
use std::path::Path;
use std::process::Command;

const UNITS: usize = 1000;
const INDICATORS: usize = 50;
const PERIODS: usize = 20;
const CELLS: usize = UNITS * INDICATORS * PERIODS;

fn fresh_store(dir: &Path, spec: &CompetitionSpec, n: usize) -> Store {
    let path = dir.join(format!("bench-{n}.db"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let store = Store::open(&path).unwrap();
    shaibang::ops::install(&mut store.conn().unwrap(), spec).unwrap();
    store
}

fn bench(c: &mut Criterion) {
    let dir = common::data_dir();
    let (toml, units, csv) = common::generate(&dir, UNITS, INDICATORS, PERIODS, "long-1m.csv");
    let spec = CompetitionSpec::parse(&toml, &units).expect("bench spec");
    let mut g = c.benchmark_group("import_1m_cells");
    g.sample_size(10);
    g.throughput(Throughput::Elements(CELLS as u64));
    let mut n = 0;
    g.bench_function("shaibang_import", |b| {
        b.iter_batched(
            || {
                n += 1;
                fresh_store(&dir, &spec, n % 2)
            },
            |store| {
                let opts = ApplyOptions {
                    actor: "bench",
                    allow_published: false,
                    dry_run: false,
                };
                let (plan, _) = shaibang::ops::import_file(
                    &mut store.conn().unwrap(),
                    &csv,
                    "long-1m.csv",
                    None,
                    &opts,
                )
                .expect("bench import");
                assert_eq!(plan.values, CELLS);
                store
            },
            BatchSize::PerIteration,
        )
    });
    let csv_path = dir.join("long-1m.csv");
    if Command::new("sqlite3").arg("-version").output().is_ok() {
        g.bench_function("sqlite3_dot_import_baseline", |b| {
            b.iter_batched(
                || {
                    let db = dir.join("baseline.db");
                    let _ = std::fs::remove_file(&db);
                    db
                },
                |db| {
                    let status = Command::new("sqlite3")
                        .arg(&db)
                        .arg(".mode csv")
                        .arg(format!(".import {} scores", csv_path.display()))
                        .status()
                        .expect("sqlite3");
                    assert!(status.success());
                },
                BatchSize::PerIteration,
            )
        });
    } else {
        eprintln!("sqlite3 not found: baseline skipped (apt-get install sqlite3)");
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
