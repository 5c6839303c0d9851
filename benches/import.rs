//! `cargo bench --bench import`: end-to-end import of a generated long CSV of 1,000,000 score
//! cells (decode, parse, validate, insert into a fresh SQLite file), against `sqlite3 .import`
//! of the same file into a plain table as a baseline measured in the same run.
//!
//! The generated files are left in `target/bench-data/` so that peak memory can be measured
//! on the real binary (see README, "Benchmarks").

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use shaibang::competition::CompetitionSpec;
use shaibang::store::{self, ApplyOptions, Store};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const UNITS: usize = 1000;
const INDICATORS: usize = 50;
const PERIODS: usize = 20;
const CELLS: usize = UNITS * INDICATORS * PERIODS;

fn data_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    dir
}

/// A competition of one group with 1,000 units and 50 indicators, and a long CSV of
/// 20 quarters of scores for it (deterministic pseudo-random points).
fn generate(dir: &Path) -> (String, Vec<u8>, Vec<u8>) {
    let mut toml = String::from(
        "[competition]\nname = \"基准测试竞赛\"\nyear = 2020\n\n[[groups]]\nname = \"大组\"\nkind = \"街道\"\nred = 10\nblack = 10\n\n",
    );
    for i in 0..INDICATORS {
        let _ = write!(
            toml,
            "[[indicators]]\nname = \"指标{i:02}\"\ncode = \"i{i:02}\"\nmax = 100\ngroups = [\"大组\"]\n\n"
        );
    }
    let mut units = String::from("单位,简称,别名,类型,组别\n");
    for u in 0..UNITS {
        let _ = writeln!(units, "第{u:04}街道,,,街道,大组");
    }
    let mut csv = String::with_capacity(CELLS * 32);
    csv.push_str("期间,单位,指标,得分\n");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for p in 0..PERIODS {
        let period = format!("{}Q{}", 2020 + p / 4, p % 4 + 1);
        for u in 0..UNITS {
            for i in 0..INDICATORS {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let v = x % 10_000;
                let _ = writeln!(
                    csv,
                    "{period},第{u:04}街道,指标{i:02},{}.{:02}",
                    v / 100,
                    v % 100
                );
            }
        }
    }
    std::fs::write(dir.join("competition.toml"), &toml).unwrap();
    std::fs::write(dir.join("units.csv"), &units).unwrap();
    std::fs::write(dir.join("long-1m.csv"), &csv).unwrap();
    (toml, units.into_bytes(), csv.into_bytes())
}

fn fresh_store(dir: &Path, spec: &CompetitionSpec, n: usize) -> Store {
    let path = dir.join(format!("bench-{n}.db"));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    let store = Store::open(&path).unwrap();
    store::install_structure(&mut store.conn().unwrap(), spec).unwrap();
    store
}

fn bench(c: &mut Criterion) {
    let dir = data_dir();
    let (toml, units, csv) = generate(&dir);
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
                let (plan, _) = store::import_file(
                    &mut store.conn().unwrap(),
                    &csv,
                    "long-1m.csv",
                    None,
                    &opts,
                )
                .expect("bench import");
                assert_eq!(plan.value_count(), CELLS);
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
