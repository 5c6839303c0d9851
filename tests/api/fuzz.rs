//! A seeded mutation fuzzer over the import entry points: the score planner (CSV in every
//! encoding and .xlsx), the honors planner, and the number and period parsers. Seeds are the
//! fixtures, the demo files and minimal hostile workbooks; each input is mutated (bytes
//! flipped, ranges cut, duplicated or spliced, spreadsheet tokens inserted) and must come back
//! as a plan or a list of errors: no panic, and no input may take more than 2 s.
//!
//! `cargo test` runs a short round. A long one, for the figures in a closing note:
//! `SHAIBANG_FUZZ_ITERS=1000000 cargo test --release --test api fuzz -- --nocapture`.

use crate::helpers::{Rng, structure_db};
use shaibang::domain::PeriodKey;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

const TOKENS: &[&[u8]] = &[
    b",",
    b"\n",
    b"\r\n",
    b"\"",
    b"\t",
    b";",
    b"-",
    b"%",
    b".",
    b"0",
    b"9999999999999",
    b"1e308",
    b"NaN",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\x00",
    b"2023Q3",
    b"2023\xE5\xB9\xB4",
    "１８．５".as_bytes(),
    "—".as_bytes(),
    "单位".as_bytes(),
    "期间".as_bytes(),
    "加分".as_bytes(),
    "扣分".as_bytes(),
    "金碧街道".as_bytes(),
    "固定资产投资".as_bytes(),
    b"<row r=\"4294967296\">",
    b"<c r=\"XFD1048576\">",
    b"PK\x03\x04",
];

fn mutate(rng: &mut Rng, seed: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(7) {
            0 if !b.is_empty() => {
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                b.splice(at..at, t.iter().copied());
            }
            2 if !b.is_empty() => {
                let end = (at + rng.below(64)).min(b.len());
                b.drain(at..end);
            }
            3 if !b.is_empty() => {
                let start = rng.below(b.len());
                let end = (start + rng.below(256)).min(b.len());
                let chunk = b[start..end].to_vec();
                b.splice(at..at, chunk);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let start = rng.below(other.len());
                let end = (start + rng.below(512)).min(other.len());
                b.splice(at..at, other[start..end].iter().copied());
            }
            5 => b.truncate(at),
            _ => {
                let n = rng.below(8);
                let random: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                b.splice(at..at, random);
            }
        }
    }
    b
}

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/fixtures", "data/demo"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "xlsx"))
            .collect();
        entries.sort();
        for p in entries {
            out.push(std::fs::read(p).unwrap());
        }
    }
    // The same table in the other encodings Excel writes.
    let text = String::from_utf8(out[0].clone()).unwrap_or_default();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    out.push(gbk.into_owned());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out.push(utf16);
    out.push(crate::hostile::far_cell_workbook());
    out
}

#[test]
fn mutated_files_never_panic_or_hang() {
    let iters: usize = std::env::var("SHAIBANG_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let db = structure_db();
    let catalog = shaibang::store::load_structure(&db.store.conn().unwrap())
        .unwrap()
        .unwrap()
        .catalog();
    let period = Some(PeriodKey {
        year: 2023,
        quarter: 3,
    });
    let seeds = seeds();
    let mut rng = Rng(0x5EED_1234);
    let (mut plans, mut refused, mut slowest) = (0usize, 0usize, Duration::ZERO);
    let started = Instant::now();
    for i in 0..iters {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed, &seeds);
        let t = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let scores = shaibang::import::plan_import(&input, "f.csv", &catalog, period);
            let honors = shaibang::import::honors::plan_honors(&input, &catalog, period);
            (scores.is_ok(), honors.is_ok())
        }));
        let took = t.elapsed();
        slowest = slowest.max(took);
        let Ok((ok, _)) = outcome else {
            panic!(
                "input {i} panicked; its bytes: {:?}",
                String::from_utf8_lossy(&input)
            );
        };
        assert!(
            took < Duration::from_secs(2),
            "input {i} took {took:?}: {:?}",
            String::from_utf8_lossy(&input)
        );
        if ok {
            plans += 1;
        } else {
            refused += 1;
        }
    }
    // The number and period parsers on mutated cell texts.
    let cells = [
        "18.5",
        "１８．５",
        "95%",
        "-2",
        "1,234.5",
        "—",
        "2023年第三季度",
        "2023-Q3",
    ];
    for _ in 0..iters * 20 {
        let seed = cells[rng.below(cells.len())].as_bytes();
        let input = mutate(&mut rng, seed, &[seed.to_vec()]);
        let text = String::from_utf8_lossy(&input);
        let _ = shaibang::import::number::parse_points(&text);
        let _ = PeriodKey::parse(&text);
    }
    println!(
        "fuzz: {iters} files ({plans} planned, {refused} refused), {} cell texts, slowest file {slowest:?}, {:?} in all",
        iters * 20,
        started.elapsed()
    );
    assert!(
        plans > 0 && refused > 0,
        "the mutations should both keep and break files"
    );
}
