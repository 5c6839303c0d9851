//! Generated competitions for the benchmarks: one group of `units` units and `indicators`
//! indicators (max 100 each), and a long CSV of `periods` quarters from 2020Q1 of
//! deterministic pseudo-random scores.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub fn data_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench data dir");
    dir
}

/// Writes competition.toml, units.csv and `csv_name` into `dir` and returns their contents.
pub fn generate(
    dir: &Path,
    units: usize,
    indicators: usize,
    periods: usize,
    csv_name: &str,
) -> (String, Vec<u8>, Vec<u8>) {
    let mut toml = String::from(
        "[competition]\nname = \"基准测试竞赛\"\nyear = 2020\n\n[[groups]]\nname = \"大组\"\nkind = \"街道\"\nred = 10\nblack = 10\n\n",
    );
    for i in 0..indicators {
        let _ = write!(
            toml,
            "[[indicators]]\nname = \"指标{i:02}\"\ncode = \"i{i:02}\"\nmax = 100\ngroups = [\"大组\"]\n\n"
        );
    }
    let mut unit_csv = String::from("单位,简称,别名,类型,组别\n");
    for u in 0..units {
        let _ = writeln!(unit_csv, "第{u:04}街道,,,街道,大组");
    }
    let mut csv = String::with_capacity(units * indicators * periods * 32);
    csv.push_str("期间,单位,指标,得分\n");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for p in 0..periods {
        let period = format!("{}Q{}", 2020 + p / 4, p % 4 + 1);
        for u in 0..units {
            for i in 0..indicators {
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
    std::fs::write(dir.join("units.csv"), &unit_csv).unwrap();
    std::fs::write(dir.join(csv_name), &csv).unwrap();
    (toml, unit_csv.into_bytes(), csv.into_bytes())
}
