//! A differential test of the scoring rules: for random groups, 完成率, 功效系数 and 按位次
//! points computed independently in SQLite, in exact integers (values, targets and parameters
//! in hundredths, rounding half up by integer division), equal the scoring core's.
//!
//! Reproduce one case with `SHAIBANG_PROP_SEED=0x… cargo test --test api scoring_sql`.

use crate::helpers::Rng;
use rusqlite::Connection;
use shaibang::domain::Direction;
use shaibang::scoring::{self, Input, Ladder, Method, Ratio, Reference, Rule};

const CASES: u64 = 200;

/// Hundredths as a ratio.
fn h(n: i64) -> Ratio {
    Ratio::new(i128::from(n), 100).unwrap()
}

/// The core's points in hundredths (`None`: missing).
fn core(rule: &Rule, xs: &[Option<i64>], ts: &[i64]) -> Vec<Option<i64>> {
    let inputs: Vec<Input> = xs
        .iter()
        .zip(ts)
        .map(|(x, &t)| match x {
            None => Input::Missing,
            Some(x) => Input::Value {
                actual: h(*x),
                target: Some(h(t)),
            },
        })
        .collect();
    scoring::score(rule, &inputs)
        .unwrap()
        .into_iter()
        .map(|s| s.points.map(|p| p.0 / 100))
        .collect()
}

fn table(conn: &Connection, xs: &[Option<i64>], ts: &[i64]) {
    conn.execute_batch("DROP TABLE IF EXISTS v; CREATE TABLE v (k INTEGER, x INTEGER, t INTEGER);")
        .unwrap();
    for (k, (x, t)) in xs.iter().zip(ts).enumerate() {
        conn.execute("INSERT INTO v VALUES (?1, ?2, ?3)", (k as i64, x, t))
            .unwrap();
    }
}

fn column(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Vec<Option<i64>> {
    let mut st = conn.prepare(sql).unwrap();
    st.query_map(params, |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Half up for a non-negative fraction n/d (d > 0), as SQL: (2n + d) / (2d).
const ROUND: &str = "((2 * (N) + (D)) / (2 * (D)))";

fn round(n: &str, d: &str) -> String {
    ROUND.replace('N', n).replace('D', d)
}

#[test]
fn completion_efficacy_and_ladder_points_equal_an_sql_oracle() {
    let seed = std::env::var("SHAIBANG_PROP_SEED")
        .ok()
        .and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
    let conn = Connection::open_in_memory().unwrap();
    for case in 0..CASES {
        let case_seed = seed.unwrap_or(0x5343_4f52_494e_4700 + case);
        let mut g = Rng(case_seed);
        let n = g.range(1, 12) as usize;
        // Values in hundredths, drawn from a small pool so ties are common; some missing.
        let xs: Vec<Option<i64>> = (0..n)
            .map(|_| {
                (!g.chance(12))
                    .then(|| g.pick(&[0, 150, 2500, 9999, 10000, 10001, 12345, 20000, 31415]))
            })
            .collect();
        let ts: Vec<i64> = (0..n)
            .map(|_| g.pick(&[100, 3000, 9999, 10000, 12500]))
            .collect();
        table(&conn, &xs, &ts);
        let why = format!("case {case} seed {case_seed:#x}: x {xs:?} t {ts:?}");

        // 完成率: base B, a per point over (cap C), c per point under, floor 0; hundredths.
        let (b, a, cap, c) = (
            g.range(0, 3000),
            g.range(0, 50),
            g.range(0, 500),
            g.range(0, 200),
        );
        let rule = Rule {
            method: Method::Completion {
                base: h(b),
                bonus_per_point: h(a),
                bonus_cap: h(cap),
                deduct_per_point: h(c),
            },
            direction: Direction::Higher,
            decimals: 2,
        };
        // The exact points over t: B·t + min(a·100(x−t), C·t) at or over the target,
        // B·t − c·100(t−x) under it (0 when negative); then rounded half up, once.
        let sql = format!(
            "SELECT CASE WHEN x IS NULL THEN NULL
                 WHEN x >= t THEN {over}
                 WHEN ?1 * t - ?4 * 100 * (t - x) < 0 THEN 0
                 ELSE {under} END
             FROM v ORDER BY k",
            over = round("?1 * t + MIN(?2 * 100 * (x - t), ?3 * t)", "t"),
            under = round("?1 * t - ?4 * 100 * (t - x)", "t"),
        );
        let want = column(&conn, &sql, (b, a, cap, c));
        assert_eq!(core(&rule, &xs, &ts), want, "completion {why}");

        // 功效系数 with the group's best and worst: points = M·(60·(h−s) + 40·(x−s)) / (100·(h−s)).
        let m = g.range(100, 3000);
        let rule = Rule {
            method: Method::Efficacy {
                max: h(m),
                reference: Reference::GroupBestWorst,
                clamp: true,
            },
            direction: Direction::Higher,
            decimals: 2,
        };
        let sql = format!(
            "WITH r AS (SELECT MAX(x) AS hi, MIN(x) AS lo FROM v)
             SELECT CASE WHEN x IS NULL THEN NULL WHEN hi = lo THEN ?1
                 ELSE {p} END
             FROM v, r ORDER BY k",
            p = round("?1 * (60 * (hi - lo) + 40 * (x - lo))", "100 * (hi - lo)"),
        );
        assert_eq!(
            core(&rule, &xs, &ts),
            column(&conn, &sql, [m]),
            "efficacy {why}"
        );

        // 按位次: first F, less S per place; ties share the best place (RANK); floor 0.
        let (f, s) = (g.range(500, 2000), g.range(0, 300));
        let rule = Rule {
            method: Method::Ladder {
                ladder: Ladder::Step {
                    first: h(f),
                    step: h(s),
                },
                top: None,
                bottom: None,
            },
            direction: Direction::Higher,
            decimals: 2,
        };
        let sql = "WITH r AS (SELECT k, RANK() OVER (ORDER BY x DESC) AS place FROM v WHERE x IS NOT NULL)
             SELECT CASE WHEN v.x IS NULL THEN NULL ELSE MAX(0, ?1 - ?2 * (r.place - 1)) END
             FROM v LEFT JOIN r ON r.k = v.k ORDER BY v.k";
        assert_eq!(
            core(&rule, &xs, &ts),
            column(&conn, sql, (f, s)),
            "ladder {why}"
        );
    }
}
