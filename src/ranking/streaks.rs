//! Streaks across published quarters (连续N期红榜/黑榜/末位/进位) and the 流动红旗, read from a
//! group's earlier boards as posted. Pure.

use super::{Board, BoardRow, Change, Tier};
use crate::domain::UnitId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StreakKind {
    Red,
    Black,
    /// 末位: the last place of the ranked units (two or more).
    Last,
    /// 进位: moved up against the previous board.
    Up,
}

/// A unit on a streak: so many boards in a row, this one included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Streak {
    pub kind: StreakKind,
    pub periods: u32,
}

/// The 流动红旗 on a board: held by the first place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedFlag {
    /// Boards in a row the unit has held it, this one included.
    pub held: u32,
    /// Whom it passed from, when it changed hands on this board.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub from: Vec<String>,
}

/// What is marked: streaks of at least `from` boards (0: none), and the 流动红旗.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreakRules {
    pub from: u32,
    pub red_flag: bool,
}

fn has(kind: StreakKind, board: &Board, r: &BoardRow) -> bool {
    match kind {
        StreakKind::Red => r.tier == Tier::Red,
        StreakKind::Black => r.tier == Tier::Black,
        StreakKind::Last => {
            let ranked = board.rows.iter().filter(|x| x.rank.is_some()).count();
            let last = board.rows.iter().filter_map(|x| x.rank).max();
            ranked > 1 && r.rank.is_some() && r.rank == last
        }
        StreakKind::Up => matches!(r.change, Change::Up(_)),
    }
}

fn row_of(board: &Board, unit: UnitId) -> Option<&BoardRow> {
    board.rows.iter().find(|r| r.unit_id == unit)
}

/// How many boards in a row, ending with `board`, the unit has `kind` (history oldest first).
fn run(kind: StreakKind, history: &[Board], board: &Board, unit: UnitId) -> u32 {
    let mut n = 0;
    for b in std::iter::once(board).chain(history.iter().rev()) {
        match row_of(b, unit) {
            Some(r) if has(kind, b, r) => n += 1,
            _ => break,
        }
    }
    n
}

/// Marks the streaks and the 流动红旗 of `board` from the group's earlier published quarter
/// boards (`history`, oldest first).
pub fn mark(history: &[Board], board: &mut Board, rules: StreakRules) {
    let snapshot = board.clone();
    let first_before: Vec<String> = history
        .last()
        .map(|b| {
            b.rows
                .iter()
                .filter(|r| r.rank == Some(1))
                .map(|r| r.name.clone())
                .collect()
        })
        .unwrap_or_default();
    for r in &mut board.rows {
        r.streaks.clear();
        r.red_flag = None;
        if r.rank.is_none() {
            continue;
        }
        if rules.from > 0 {
            for kind in [
                StreakKind::Red,
                StreakKind::Black,
                StreakKind::Last,
                StreakKind::Up,
            ] {
                let n = run(kind, history, &snapshot, r.unit_id);
                if n >= rules.from {
                    r.streaks.push(Streak { kind, periods: n });
                }
            }
        }
        if rules.red_flag && r.rank == Some(1) {
            let held = first_run(history, &snapshot, r.unit_id);
            r.red_flag = Some(RedFlag {
                held,
                from: if held == 1 {
                    first_before.clone()
                } else {
                    Vec::new()
                },
            });
        }
    }
}

fn first_run(history: &[Board], board: &Board, unit: UnitId) -> u32 {
    let mut n = 0;
    for b in std::iter::once(board).chain(history.iter().rev()) {
        match row_of(b, unit) {
            Some(r) if r.rank == Some(1) => n += 1,
            _ => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Points, Total};

    fn row(id: i64, rank: u32, tier: Tier, change: Change) -> BoardRow {
        BoardRow {
            unit_id: UnitId(id),
            name: format!("U{id}"),
            points: vec![],
            subtotal: Total::ZERO,
            bonus: Points::ZERO,
            penalty: Points::ZERO,
            total: Total::ZERO,
            rank: Some(rank),
            tied: false,
            equal_total: 0,
            decided_by: vec![],
            change,
            previous_rank: None,
            tier,
            indicator_ranks: vec![],
            missing: vec![],
            missing_quarters: vec![],
            grade: None,
            veto: None,
            streaks: vec![],
            red_flag: None,
        }
    }

    /// Three units: `order` lists their ids from first to last place.
    fn board(order: [i64; 3], up: &[i64]) -> Board {
        let tiers = [Tier::Red, Tier::None, Tier::Black];
        Board {
            rows: order
                .iter()
                .enumerate()
                .map(|(k, &id)| {
                    let change = if up.contains(&id) {
                        Change::Up(1)
                    } else {
                        Change::Same
                    };
                    row(id, k as u32 + 1, tiers[k], change)
                })
                .collect(),
        }
    }

    fn streaks(b: &Board, id: i64) -> Vec<(StreakKind, u32)> {
        b.rows
            .iter()
            .find(|r| r.unit_id == UnitId(id))
            .unwrap()
            .streaks
            .iter()
            .map(|s| (s.kind, s.periods))
            .collect()
    }

    #[test]
    fn streaks_count_boards_in_a_row_and_the_flag_says_whom_it_passed_from() {
        // Q1: 1 2 3; Q2: 1 3 2 (3 up); Q3: 2 1 3 (2 up).
        let q1 = board([1, 2, 3], &[]);
        let q2 = board([1, 3, 2], &[3]);
        let mut q3 = board([2, 1, 3], &[2]);
        let rules = StreakRules {
            from: 2,
            red_flag: true,
        };
        mark(&[q1.clone(), q2.clone()], &mut q3, rules);
        // Unit 3 is last in Q1, second in Q2, last in Q3: one in a row, not marked.
        assert_eq!(streaks(&q3, 3), vec![]);
        // Unit 2 is red once (Q3) after last in Q2: nothing of two or more.
        assert_eq!(streaks(&q3, 2), vec![]);
        let flag = q3.rows[0].red_flag.clone().unwrap();
        assert_eq!((flag.held, flag.from), (1, vec!["U1".to_string()]));
        // Q2 again: unit 1 red twice in a row, holds the flag for the second time; unit 2
        // black in Q2 after second in Q1: not a streak; unit 2 last place? In Q2 unit 2 is
        // third: last once.
        let mut q2m = q2.clone();
        mark(std::slice::from_ref(&q1), &mut q2m, rules);
        assert_eq!(streaks(&q2m, 1), vec![(StreakKind::Red, 2)]);
        assert_eq!(q2m.rows[0].red_flag.clone().unwrap().held, 2);
        assert!(q2m.rows[0].red_flag.clone().unwrap().from.is_empty());
        // 末位 and 黑榜 twice in a row, and 进位 twice in a row.
        let q4 = board([1, 2, 3], &[1, 2]);
        let q5 = board([2, 1, 3], &[2]);
        let mut q5m = q5.clone();
        mark(&[q4], &mut q5m, rules);
        assert_eq!(
            streaks(&q5m, 3),
            vec![(StreakKind::Black, 2), (StreakKind::Last, 2)]
        );
        assert_eq!(streaks(&q5m, 2), vec![(StreakKind::Up, 2)]);
        // Off: nothing marked.
        let mut off = q5.clone();
        mark(&[q1], &mut off, StreakRules::default());
        assert!(
            off.rows
                .iter()
                .all(|r| r.streaks.is_empty() && r.red_flag.is_none())
        );
    }
}
