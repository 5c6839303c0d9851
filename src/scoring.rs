//! The ranking engine: totals, ranks with ties, tie-breaks, movement, tiers and per-indicator
//! ranks for one group in one period, and the year-so-far board from the quarterly boards.
//! Pure: no database, no I/O, no clock.
//!
//! Ranking is standard competition ranking: a unit's rank is one more than the number of units
//! strictly better than it, so ties share a rank and the next rank skips (1, 2, 2, 4).
//!
//! The rules, as every board states them:
//! - a total is exact (Σ points × weight + bonus − penalty, to 1/10^8), or rounded once to the
//!   competition's configured decimals; ranks and tie-breaks use that same value;
//! - a unit with no indicator score in the period is not ranked (its file is not in yet); under
//!   the exclude rule neither is a unit with any missing score;
//! - a missing value is never better than a reported one: it comes after every reported value
//!   in a tie-break, and has no per-indicator rank; per-indicator ranks are among ranked units;
//! - 红榜/黑榜 cuts follow the group's `TierRules`; a unit that would be both is 红榜;
//! - movement compares with the previous published board; 新 is a unit's first ranked board,
//!   上期未排名 a unit that was ranked before, but not on the previous board;
//! - the year-so-far total is the sum of the quarterly totals as the quarterly boards have them,
//!   and a unit not ranked in one of those quarters is not ranked year to date.

pub use crate::domain::CutTies;
use crate::domain::{Direction, MissingPolicy, Points, Total};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// An indicator as the engine sees it.
#[derive(Debug, Clone)]
pub struct IndicatorSpec {
    pub id: i64,
    pub name: String,
    /// Multiplier for the points; `None` means 1.
    pub weight: Option<Points>,
    pub direction: Direction,
}

/// One unit's inputs for the period.
#[derive(Debug, Clone)]
pub struct UnitScores {
    pub unit_id: i64,
    pub name: String,
    /// Parallel to the group's indicators; `None` is a missing score, never zero.
    pub points: Vec<Option<Points>>,
    pub bonus: Points,
    pub penalty: Points,
}

/// How the 红榜 and 黑榜 are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRules {
    /// Top N form the 红榜, bottom N the 黑榜.
    pub red: u32,
    pub black: u32,
    pub cut_ties: CutTies,
    /// A unit ranked in the top half (rank ≤ ⌈n/2⌉) is never on the 黑榜.
    pub black_spares_top_half: bool,
}

/// The group's configured rules.
#[derive(Debug, Clone)]
pub struct GroupRules {
    /// Indices into the indicators, applied in order when totals are equal.
    pub tie_breaks: Vec<usize>,
    pub missing: MissingPolicy,
    pub tiers: TierRules,
    /// Totals are rounded to this many decimals before ranking (a competition setting);
    /// `None`: exact.
    pub total_decimals: Option<u8>,
}

/// The ranks movement is measured against.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// Ranks on the previous published board, by unit id.
    pub ranks: HashMap<i64, u32>,
    /// Units ranked on any published board before the previous one.
    pub ranked_earlier: HashSet<i64>,
}

/// Everything needed to rank one group in one period.
#[derive(Debug, Clone)]
pub struct GroupInput<'a> {
    pub indicators: &'a [IndicatorSpec],
    pub units: &'a [UnitScores],
    pub rules: &'a GroupRules,
    /// `None` when there is no previous period.
    pub previous: Option<&'a Previous>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "places", rename_all = "lowercase")]
pub enum Change {
    Up(u32),
    Down(u32),
    Same,
    /// Ranked for the first time.
    New,
    /// Ranked now and on an earlier board, but not on the previous one (上期未排名).
    Returned,
    /// There is no previous period to compare with.
    First,
    /// Not ranked in this period.
    Unranked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Red,
    Black,
    None,
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardRow {
    pub unit_id: i64,
    pub name: String,
    /// Indicator points as entered (year to date: summed over the quarters that have them),
    /// parallel to the indicators.
    pub points: Vec<Option<Points>>,
    /// Σ indicator points × weight, before bonus and penalty (exact).
    pub subtotal: Total,
    pub bonus: Points,
    pub penalty: Points,
    /// The value ranked: exact, or rounded once as the competition's rules say.
    pub total: Total,
    /// `None` when the unit is not ranked.
    pub rank: Option<u32>,
    /// Shares its rank with at least one other unit (并列).
    pub tied: bool,
    /// How many other units have the same total.
    pub equal_total: usize,
    /// Tie-break indicators (indices) that separated this unit from others with an equal total.
    pub decided_by: Vec<usize>,
    pub change: Change,
    pub previous_rank: Option<u32>,
    pub tier: Tier,
    /// Rank among the ranked units on each indicator (ties shared), `None` where the value is
    /// missing or the unit is not ranked.
    pub indicator_ranks: Vec<Option<u32>>,
    /// Indices of indicators with no score (数据缺失); year to date, missing in any quarter.
    pub missing: Vec<usize>,
    /// Year to date only: the quarters (1–4) in which the unit was not ranked.
    pub missing_quarters: Vec<u8>,
}

impl BoardRow {
    /// The unit's total includes a missing value or a quarter without a ranking.
    pub fn has_missing(&self) -> bool {
        !self.missing.is_empty() || !self.missing_quarters.is_empty()
    }
}

/// A ranked group: rows ordered by rank (unranked last), then by input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    pub rows: Vec<BoardRow>,
}

impl Board {
    /// The rows of one tier (红榜 or 黑榜), in rank order.
    pub fn in_tier(&self, tier: Tier) -> impl Iterator<Item = &BoardRow> {
        self.rows.iter().filter(move |r| r.tier == tier)
    }

    /// Rank by unit id, for measuring the next board's movement.
    pub fn ranks(&self) -> HashMap<i64, u32> {
        self.rows
            .iter()
            .filter_map(|r| Some((r.unit_id, r.rank?)))
            .collect()
    }
}

/// Ranks one group in one period.
pub fn rank_group(input: &GroupInput<'_>) -> Board {
    let n_ind = input.indicators.len();
    let rows: Vec<BoardRow> = input
        .units
        .iter()
        .map(|u| {
            let points: Vec<Option<Points>> = (0..n_ind)
                .map(|i| u.points.get(i).copied().flatten())
                .collect();
            let missing: Vec<usize> = (0..n_ind).filter(|&i| points[i].is_none()).collect();
            let subtotal =
                Total::sum(input.indicators.iter().zip(&points).filter_map(|(ind, p)| {
                    let p = (*p)?;
                    Some(ind.weight.map_or(Total::from(p), |w| Total::weighted(p, w)))
                }));
            let exact = subtotal + Total::from(u.bonus) - Total::from(u.penalty);
            let total = input
                .rules
                .total_decimals
                .map_or(exact, |d| exact.rounded(d));
            new_row(
                u.unit_id,
                &u.name,
                points,
                subtotal,
                (u.bonus, u.penalty),
                total,
                missing,
            )
        })
        .collect();
    // A unit with no indicator score at all has not been assessed in this period (its file
    // is not in yet): it is never ranked, whatever the missing-data rule.
    let eligible: Vec<bool> = rows
        .iter()
        .map(|r| {
            (r.missing.len() < n_ind || n_ind == 0)
                && (input.rules.missing == MissingPolicy::Zero || r.missing.is_empty())
        })
        .collect();
    rank_rows(
        rows,
        &eligible,
        input.indicators,
        input.rules,
        input.previous,
    )
}

/// One quarter's board of the group, for the year-so-far board.
#[derive(Debug, Clone, Copy)]
pub struct QuarterBoard<'a> {
    pub quarter: u8,
    pub board: &'a Board,
}

/// Everything needed to rank one group over the year so far.
#[derive(Debug, Clone)]
pub struct CumulativeInput<'a> {
    pub indicators: &'a [IndicatorSpec],
    /// The group's units (id, name) in display order.
    pub units: &'a [(i64, String)],
    /// The boards of quarters 1…N of the year, as ranked (or posted) for each quarter.
    pub quarters: &'a [QuarterBoard<'a>],
    pub rules: &'a GroupRules,
    /// The year-so-far ranks up to the quarter before; `None` for the first quarter.
    pub previous: Option<&'a Previous>,
}

/// Ranks the year so far: each unit's total is the sum of its quarterly totals as the
/// quarterly boards have them (so rounding and weights are applied once, per quarter, as
/// posted); a unit that was not ranked in one of the quarters is not ranked, and says which.
pub fn rank_cumulative(input: &CumulativeInput<'_>) -> Board {
    let n_ind = input.indicators.len();
    let mut rows = Vec::with_capacity(input.units.len());
    let mut eligible = Vec::with_capacity(input.units.len());
    for (unit_id, name) in input.units {
        let mut points: Vec<Option<Points>> = vec![None; n_ind];
        let mut missing_any = vec![false; n_ind];
        let (mut subtotal, mut total) = (Total::ZERO, Total::ZERO);
        let (mut bonus, mut penalty) = (Points::ZERO, Points::ZERO);
        let mut missing_quarters = Vec::new();
        for q in input.quarters {
            let row = q.board.rows.iter().find(|r| r.unit_id == *unit_id);
            if row.is_none_or(|r| r.rank.is_none()) {
                missing_quarters.push(q.quarter);
            }
            let Some(row) = row else {
                missing_any.iter_mut().for_each(|m| *m = true);
                continue;
            };
            add_points(&mut points, &mut missing_any, row);
            subtotal += row.subtotal;
            total += row.total;
            bonus += row.bonus;
            penalty += row.penalty;
        }
        let missing: Vec<usize> = (0..n_ind).filter(|&k| missing_any[k]).collect();
        eligible.push(missing_quarters.is_empty() && !input.quarters.is_empty());
        let mut row = new_row(
            *unit_id,
            name,
            points,
            subtotal,
            (bonus, penalty),
            total,
            missing,
        );
        row.missing_quarters = missing_quarters;
        rows.push(row);
    }
    rank_rows(
        rows,
        &eligible,
        input.indicators,
        input.rules,
        input.previous,
    )
}

fn add_points(points: &mut [Option<Points>], missing: &mut [bool], row: &BoardRow) {
    for (k, p) in row.points.iter().enumerate() {
        match p {
            Some(p) => points[k] = Some(points[k].unwrap_or(Points::ZERO) + *p),
            None => missing[k] = true,
        }
    }
}

fn new_row(
    unit_id: i64,
    name: &str,
    points: Vec<Option<Points>>,
    subtotal: Total,
    (bonus, penalty): (Points, Points),
    total: Total,
    missing: Vec<usize>,
) -> BoardRow {
    let n_ind = points.len();
    BoardRow {
        unit_id,
        name: name.to_string(),
        points,
        subtotal,
        bonus,
        penalty,
        total,
        rank: None,
        tied: false,
        equal_total: 0,
        decided_by: Vec::new(),
        change: Change::Unranked,
        previous_rank: None,
        tier: Tier::None,
        indicator_ranks: vec![None; n_ind],
        missing,
        missing_quarters: Vec::new(),
    }
}

/// Ranks rows whose totals are known: ranks, ties, tie-breaks, tiers, movement and
/// per-indicator ranks. `eligible[i]` says whether row i takes part in the ranking.
fn rank_rows(
    mut rows: Vec<BoardRow>,
    eligible: &[bool],
    indicators: &[IndicatorSpec],
    rules: &GroupRules,
    previous: Option<&Previous>,
) -> Board {
    // A value missing in a tie-break is worse than any reported value (`cmp_indicator`), so
    // a unit that did not report never wins a tie, whichever direction is better.
    let tb = &rules.tie_breaks;
    let value = |r: &BoardRow, k: usize| {
        if r.missing.contains(&k) {
            None
        } else {
            r.points[k]
        }
    };
    let key_cmp = |a: &BoardRow, b: &BoardRow| -> Ordering {
        b.total.cmp(&a.total).then_with(|| {
            for &k in tb {
                let o = cmp_indicator(value(a, k), value(b, k), indicators[k].direction);
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        })
    };

    let mut order: Vec<usize> = (0..rows.len()).filter(|&i| eligible[i]).collect();
    order.sort_by(|&a, &b| key_cmp(&rows[a], &rows[b]));
    let n = order.len() as u32;
    // Competition ranks, and how many units share each rank.
    let mut ranks = vec![0u32; rows.len()];
    let mut sharing = vec![0u32; rows.len()];
    let mut start = 0;
    while start < order.len() {
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&j| key_cmp(&rows[order[start]], &rows[j]) == Ordering::Equal)
                .count();
        for &i in &order[start..end] {
            ranks[i] = start as u32 + 1;
            sharing[i] = (end - start) as u32;
        }
        start = end;
    }

    // Units with an equal total are contiguous in `order`: explain each cluster.
    let mut start = 0;
    while start < order.len() {
        let total = rows[order[start]].total;
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&j| rows[j].total == total)
                .count();
        let cluster = &order[start..end];
        for &i in cluster {
            let mut decided_by = Vec::new();
            for &j in cluster {
                if j == i {
                    continue;
                }
                if let Some(&k) = tb.iter().find(|&&k| {
                    cmp_indicator(
                        value(&rows[i], k),
                        value(&rows[j], k),
                        indicators[k].direction,
                    ) != Ordering::Equal
                }) && !decided_by.contains(&k)
                {
                    decided_by.push(k);
                }
            }
            decided_by.sort_by_key(|k| tb.iter().position(|t| t == k));
            let rank = ranks[i];
            let row = &mut rows[i];
            row.rank = Some(rank);
            row.tied = sharing[i] > 1;
            row.equal_total = cluster.len() - 1;
            row.decided_by = decided_by;
            row.tier = tier(rank, sharing[i], n, &rules.tiers);
            row.previous_rank = previous.and_then(|p| p.ranks.get(&row.unit_id).copied());
            row.change = match (previous, row.previous_rank) {
                (None, _) => Change::First,
                (Some(_), Some(p)) => match p.cmp(&rank) {
                    Ordering::Greater => Change::Up(p - rank),
                    Ordering::Less => Change::Down(rank - p),
                    Ordering::Equal => Change::Same,
                },
                (Some(p), None) if p.ranked_earlier.contains(&row.unit_id) => Change::Returned,
                (Some(_), None) => Change::New,
            };
        }
        start = end;
    }

    // Per-indicator ranks among the ranked units; a missing value has none.
    let mut by_value: Vec<(Points, usize)> = Vec::with_capacity(rows.len());
    for (k, ind) in indicators.iter().enumerate() {
        by_value.clear();
        by_value.extend(order.iter().filter_map(|&i| Some((value(&rows[i], k)?, i))));
        by_value.sort_by(|a, b| cmp_indicator(Some(a.0), Some(b.0), ind.direction));
        let mut rank = 0;
        for (pos, &(v, i)) in by_value.iter().enumerate() {
            if pos == 0 || by_value[pos - 1].0 != v {
                rank = pos as u32 + 1;
            }
            rows[i].indicator_ranks[k] = Some(rank);
        }
    }

    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by_key(|&i| (rows[i].rank.unwrap_or(u32::MAX), i));
    let mut sorted: Vec<Option<BoardRow>> = rows.into_iter().map(Some).collect();
    Board {
        rows: idx.into_iter().filter_map(|i| sorted[i].take()).collect(),
    }
}

/// The tier of `shared` units ranked `rank` among `n` ranked units. The tie occupies places
/// rank…rank+shared−1; `CutTies` says whether a tie reaching across a cut is in or out.
fn tier(rank: u32, shared: u32, n: u32, t: &TierRules) -> Tier {
    let last_place = rank + shared - 1;
    // Places counted from the bottom: the tie occupies n−last_place+1 … n−rank+1.
    let (from_bottom_best, from_bottom_worst) = (n - last_place + 1, n - rank + 1);
    let (red, black) = match t.cut_ties {
        CutTies::AllIn => (rank <= t.red, from_bottom_best <= t.black),
        CutTies::AllOut => (last_place <= t.red, from_bottom_worst <= t.black),
    };
    let spared = t.black_spares_top_half && rank <= n.div_ceil(2);
    if red {
        Tier::Red
    } else if black && !spared {
        Tier::Black
    } else {
        Tier::None
    }
}

/// Orders two indicator values best first; a missing value is worse than any value.
fn cmp_indicator(a: Option<Points>, b: Option<Points>, dir: Direction) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => match dir {
            Direction::Higher => y.cmp(&x),
            Direction::Lower => x.cmp(&y),
        },
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f64) -> Points {
        Points::from_f64(x).unwrap()
    }

    fn inds(n: usize) -> Vec<IndicatorSpec> {
        (0..n)
            .map(|i| IndicatorSpec {
                id: i as i64 + 1,
                name: format!("指标{i}"),
                weight: None,
                direction: Direction::Higher,
            })
            .collect()
    }

    /// Units named A, B, C… with the given indicator points (f64::NAN = missing).
    fn units(rows: &[&[f64]]) -> Vec<UnitScores> {
        rows.iter()
            .enumerate()
            .map(|(i, pts)| UnitScores {
                unit_id: i as i64 + 1,
                name: ((b'A' + i as u8) as char).to_string(),
                points: pts.iter().map(|&x| (!x.is_nan()).then(|| p(x))).collect(),
                bonus: Points::ZERO,
                penalty: Points::ZERO,
            })
            .collect()
    }

    fn t(x: f64) -> Total {
        Total::from(p(x))
    }

    fn rules(red: u32, black: u32) -> GroupRules {
        GroupRules {
            tie_breaks: vec![],
            missing: MissingPolicy::Zero,
            tiers: TierRules {
                red,
                black,
                cut_ties: CutTies::AllIn,
                black_spares_top_half: true,
            },
            total_decimals: None,
        }
    }

    fn prev(ranks: &[(i64, u32)], earlier: &[i64]) -> Previous {
        Previous {
            ranks: ranks.iter().copied().collect(),
            ranked_earlier: earlier.iter().copied().collect(),
        }
    }

    fn rank_of(b: &Board, name: &str) -> Option<u32> {
        b.rows.iter().find(|r| r.name == name).unwrap().rank
    }
    fn row<'a>(b: &'a Board, name: &str) -> &'a BoardRow {
        b.rows.iter().find(|r| r.name == name).unwrap()
    }

    fn run(indicators: &[IndicatorSpec], us: &[UnitScores], r: &GroupRules) -> Board {
        rank_group(&GroupInput {
            indicators,
            units: us,
            rules: r,
            previous: None,
        })
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        // Totals: A 90, B 80, C 80, D 70, E 70, F 70, G 60
        let us = units(&[
            &[90.0],
            &[80.0],
            &[80.0],
            &[70.0],
            &[70.0],
            &[70.0],
            &[60.0],
        ]);
        let b = run(&inds(1), &us, &rules(0, 0));
        let got: Vec<_> = b
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.rank.unwrap(), r.tied))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", 1, false),
                ("B", 2, true),
                ("C", 2, true),
                ("D", 4, true),
                ("E", 4, true),
                ("F", 4, true),
                ("G", 7, false)
            ]
        );
    }

    #[test]
    fn ties_at_the_top_and_at_the_bottom() {
        let us = units(&[&[50.0], &[50.0], &[40.0], &[30.0], &[30.0]]);
        let b = run(&inds(1), &us, &rules(1, 1));
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(rank_of(&b, "B"), Some(1));
        assert_eq!(rank_of(&b, "C"), Some(3));
        assert_eq!(rank_of(&b, "D"), Some(4));
        assert_eq!(rank_of(&b, "E"), Some(4));
        // Top 1 红榜 takes both tied leaders; bottom 1 黑榜 takes both tied last units.
        let tiers: Vec<_> = b.rows.iter().map(|r| r.tier).collect();
        assert_eq!(
            tiers,
            vec![Tier::Red, Tier::Red, Tier::None, Tier::Black, Tier::Black]
        );
    }

    #[test]
    fn a_tie_across_a_tier_boundary_is_never_split() {
        // Top 3 红榜 with ranks 1, 2, 3, 3 → four red. Bottom 2 黑榜 with ranks …, 6, 6, 8 → three black.
        let us = units(&[
            &[99.0],
            &[98.0],
            &[97.0],
            &[97.0],
            &[90.0],
            &[80.0],
            &[80.0],
            &[70.0],
        ]);
        let b = run(&inds(1), &us, &rules(3, 2));
        let tiers: Vec<_> = b.rows.iter().map(|r| (r.name.clone(), r.tier)).collect();
        assert_eq!(
            tiers,
            vec![
                ("A".into(), Tier::Red),
                ("B".into(), Tier::Red),
                ("C".into(), Tier::Red),
                ("D".into(), Tier::Red),
                ("E".into(), Tier::None),
                ("F".into(), Tier::Black),
                ("G".into(), Tier::Black),
                ("H".into(), Tier::Black),
            ]
        );
    }

    #[test]
    fn tie_break_by_indicator_separates_and_explains() {
        // A and B both total 30; tie-break on indicator 1 (A 20 vs B 10) puts A first.
        // C and D total 25 and are equal on the tie-break indicator too: still tied.
        let us = units(&[&[10.0, 20.0], &[20.0, 10.0], &[15.0, 10.0], &[15.0, 10.0]]);
        let mut r = rules(0, 0);
        r.tie_breaks = vec![1];
        let b = run(&inds(2), &us, &r);
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(rank_of(&b, "B"), Some(2));
        assert!(!row(&b, "A").tied);
        assert_eq!(row(&b, "A").decided_by, vec![1]);
        assert_eq!(row(&b, "A").equal_total, 1);
        assert_eq!(rank_of(&b, "C"), Some(3));
        assert_eq!(rank_of(&b, "D"), Some(3));
        assert!(row(&b, "C").tied);
        assert!(row(&b, "C").decided_by.is_empty());
    }

    #[test]
    fn tie_break_respects_lower_is_better() {
        let mut ind = inds(2);
        ind[1].direction = Direction::Lower;
        let us = units(&[&[10.0, 20.0], &[20.0, 10.0]]);
        let mut r = rules(0, 0);
        r.tie_breaks = vec![1];
        let b = run(&ind, &us, &r);
        assert_eq!(rank_of(&b, "B"), Some(1));
        assert_eq!(rank_of(&b, "A"), Some(2));
        // Per-indicator rank follows the direction as well.
        assert_eq!(row(&b, "B").indicator_ranks, vec![Some(1), Some(1)]);
        assert_eq!(row(&b, "A").indicator_ranks, vec![Some(2), Some(2)]);
    }

    #[test]
    fn missing_counts_as_zero_and_is_flagged_by_default() {
        let us = units(&[&[10.0, f64::NAN], &[5.0, 4.0], &[3.0, 3.0]]);
        let b = run(&inds(2), &us, &rules(0, 0));
        let a = row(&b, "A");
        assert_eq!(a.total, t(10.0));
        assert_eq!(a.missing, vec![1]);
        assert_eq!(a.points[1], None);
        assert_eq!(a.rank, Some(1));
        assert_eq!(a.indicator_ranks, vec![Some(1), None]);
        assert_eq!(row(&b, "B").indicator_ranks, vec![Some(2), Some(1)]);
    }

    #[test]
    fn missing_excludes_under_the_exclude_policy() {
        let us = units(&[&[10.0, f64::NAN], &[5.0, 4.0], &[3.0, 3.0]]);
        let mut r = rules(1, 1);
        r.missing = MissingPolicy::Exclude;
        let b = run(&inds(2), &us, &r);
        assert_eq!(rank_of(&b, "A"), None);
        assert_eq!(rank_of(&b, "B"), Some(1));
        assert_eq!(rank_of(&b, "C"), Some(2));
        assert_eq!(row(&b, "A").tier, Tier::None);
        assert_eq!(row(&b, "A").change, Change::Unranked);
        assert_eq!(
            b.rows.last().unwrap().name,
            "A",
            "unranked units are listed last"
        );
    }

    #[test]
    fn a_one_unit_group_is_first_and_red_not_black() {
        let us = units(&[&[42.0]]);
        let b = run(&inds(1), &us, &rules(3, 2));
        assert_eq!(b.rows[0].rank, Some(1));
        assert!(!b.rows[0].tied);
        assert_eq!(b.rows[0].tier, Tier::Red);
    }

    #[test]
    fn a_unit_without_any_score_is_not_ranked() {
        // B's file has not been imported: it must not be ranked (nor be 并列 on 0).
        let us = units(&[&[10.0, 5.0], &[f64::NAN, f64::NAN], &[3.0, f64::NAN]]);
        let prev = prev(&[(1, 1)], &[]);
        let r = rules(1, 1);
        let ind = inds(2);
        let b = rank_group(&GroupInput {
            indicators: &ind,
            units: &us,
            rules: &r,
            previous: Some(&prev),
        });
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(
            rank_of(&b, "C"),
            Some(2),
            "partly missing still ranks under the zero rule"
        );
        assert_eq!(rank_of(&b, "B"), None);
        assert_eq!(row(&b, "B").tier, Tier::None);
        assert_eq!(
            row(&b, "C").change,
            Change::New,
            "not ranked before, ranked now"
        );
    }

    #[test]
    fn a_missing_tie_break_score_never_beats_a_reported_one() {
        // Equal totals; A reported 0 on the tie-break indicator, B did not report it.
        let us = units(&[&[10.0, 0.0], &[10.0, f64::NAN]]);
        let mut r = rules(0, 0);
        r.tie_breaks = vec![1];
        let b = run(&inds(2), &us, &r);
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(rank_of(&b, "B"), Some(2));
        assert_eq!(row(&b, "A").decided_by, vec![1]);
        // Lower is better: a missing value counted as 0 would be the best; it is the worst.
        let mut ind = inds(2);
        ind[1].direction = Direction::Lower;
        let us = units(&[&[7.0, 3.0], &[10.0, f64::NAN], &[5.0, 1.0]]);
        let b = run(&ind, &us, &r);
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(rank_of(&b, "B"), Some(2));
        assert_eq!(rank_of(&b, "C"), Some(3));
        // Per-indicator ranks: the missing value has none and takes no place from others.
        assert_eq!(row(&b, "B").indicator_ranks, vec![Some(1), None]);
        assert_eq!(row(&b, "A").indicator_ranks, vec![Some(2), Some(2)]);
        assert_eq!(row(&b, "C").indicator_ranks, vec![Some(3), Some(1)]);
    }

    #[test]
    fn indicator_ranks_are_among_ranked_units_only() {
        // Under the exclude rule A is not ranked: its 99 is not the best 单项 score.
        let us = units(&[&[99.0, f64::NAN], &[5.0, 4.0], &[3.0, 3.0]]);
        let mut r = rules(0, 0);
        r.missing = MissingPolicy::Exclude;
        let b = run(&inds(2), &us, &r);
        assert_eq!(row(&b, "A").indicator_ranks, vec![None, None]);
        assert_eq!(row(&b, "B").indicator_ranks, vec![Some(1), Some(1)]);
    }

    #[test]
    fn weighted_totals_are_exact_not_rounded_part_by_part() {
        // Exact: A 4.52616 > B 4.526145. Rounding each part to 0.0001 first would give
        // A 3.0067 + 1.5194 = 4.5261 < B 3.0093 + 1.5169 = 4.5262: the wrong order.
        let mut ind = inds(2);
        ind[0].weight = Some(p(0.15));
        ind[1].weight = Some(p(0.15));
        let us = units(&[&[20.0449, 10.1295], &[20.0619, 10.1124]]);
        let b = run(&ind, &us, &rules(1, 1));
        assert_eq!(row(&b, "A").total, Total(452_616_000));
        assert_eq!(row(&b, "B").total, Total(452_614_500));
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(row(&b, "A").tier, Tier::Red);
        assert_eq!(row(&b, "B").tier, Tier::Black);
        assert_eq!(row(&b, "B").total.to_string(), "4.526145");
    }

    #[test]
    fn a_configured_rounding_applies_once_to_the_total_and_decides_ties() {
        // 保留两位小数: 85.004 and 85.0049 are both 85.00 and tied; 85.005 is 85.01.
        let us = units(&[&[85.004], &[85.0049], &[85.005]]);
        let mut r = rules(0, 0);
        r.total_decimals = Some(2);
        let b = run(&inds(1), &us, &r);
        assert_eq!(row(&b, "A").total, t(85.0));
        assert_eq!(row(&b, "B").total, t(85.0));
        assert_eq!(row(&b, "C").total, t(85.01));
        assert_eq!(rank_of(&b, "C"), Some(1));
        assert_eq!(rank_of(&b, "A"), Some(2));
        assert_eq!(rank_of(&b, "B"), Some(2));
        assert!(row(&b, "A").tied);
    }

    #[test]
    fn tier_cuts_with_ties_follow_the_groups_rule() {
        // Four units, a three-way tie for 2nd, one 黑榜 place.
        let us = units(&[&[90.0], &[80.0], &[80.0], &[80.0]]);
        let b = run(&inds(1), &us, &rules(1, 1));
        let tiers = |b: &Board| b.rows.iter().map(|r| r.tier).collect::<Vec<_>>();
        // Spared: 第2名 of 4 is in the top half.
        assert_eq!(
            tiers(&b),
            vec![Tier::Red, Tier::None, Tier::None, Tier::None]
        );
        let mut r = rules(1, 1);
        r.tiers.black_spares_top_half = false;
        assert_eq!(
            tiers(&run(&inds(1), &us, &r)),
            vec![Tier::Red, Tier::Black, Tier::Black, Tier::Black]
        );
        r.tiers.cut_ties = CutTies::AllOut;
        assert_eq!(
            tiers(&run(&inds(1), &us, &r)),
            vec![Tier::Red, Tier::None, Tier::None, Tier::None]
        );
        // All out at the 红榜 cut: ranks 1, 2, 3, 3 with three places → two on the 红榜.
        let us = units(&[&[99.0], &[98.0], &[97.0], &[97.0], &[50.0]]);
        let mut r = rules(3, 0);
        r.tiers.cut_ties = CutTies::AllOut;
        assert_eq!(
            tiers(&run(&inds(1), &us, &r)),
            vec![Tier::Red, Tier::Red, Tier::None, Tier::None, Tier::None]
        );
        // Everyone tied: all share 第1名, all 红榜, none 黑榜.
        let us = units(&[&[70.0], &[70.0], &[70.0], &[70.0]]);
        let b = run(&inds(1), &us, &rules(1, 1));
        assert!(
            b.rows
                .iter()
                .all(|r| r.rank == Some(1) && r.tier == Tier::Red)
        );
        // With no 红榜 places, a whole tied group is spared the 黑榜 as top half.
        let b = run(&inds(1), &us, &rules(0, 1));
        assert!(b.rows.iter().all(|r| r.tier == Tier::None));
    }

    #[test]
    fn a_unit_returning_after_a_gap_is_not_new() {
        // A ranked two boards ago, not on the previous one; B never ranked before.
        let us = units(&[&[90.0], &[80.0], &[70.0]]);
        let pr = prev(&[(3, 1)], &[1, 3]);
        let ind = inds(1);
        let r = rules(0, 0);
        let b = rank_group(&GroupInput {
            indicators: &ind,
            units: &us,
            rules: &r,
            previous: Some(&pr),
        });
        assert_eq!(row(&b, "A").change, Change::Returned);
        assert_eq!(row(&b, "B").change, Change::New);
        assert_eq!(row(&b, "C").change, Change::Down(2));
    }

    #[test]
    fn the_year_so_far_adds_the_quarterly_totals_as_posted() {
        // Totals rounded to two decimals per quarter: A's 10.004 is posted as 10.00 twice, so
        // A has 20.00 year to date, tied with B; rounding the summed 20.008 would give 20.01
        // and put A alone on top of a board that does not add up.
        let mut r = rules(1, 1);
        r.total_decimals = Some(2);
        let ind = inds(1);
        let q1 = run(&ind, &units(&[&[10.004], &[10.0], &[5.0]]), &r);
        let q2 = run(&ind, &units(&[&[10.004], &[10.0], &[f64::NAN]]), &r);
        let names: Vec<(i64, String)> = (1..=3)
            .map(|i| (i, ((b'A' + i as u8 - 1) as char).to_string()))
            .collect();
        let quarters = [
            QuarterBoard {
                quarter: 1,
                board: &q1,
            },
            QuarterBoard {
                quarter: 2,
                board: &q2,
            },
        ];
        let pr = prev(&q1.ranks().into_iter().collect::<Vec<_>>(), &[]);
        let b = rank_cumulative(&CumulativeInput {
            indicators: &ind,
            units: &names,
            quarters: &quarters,
            rules: &r,
            previous: Some(&pr),
        });
        assert_eq!(row(&b, "A").total, t(20.0));
        assert_eq!(row(&b, "B").total, t(20.0));
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(rank_of(&b, "B"), Some(1));
        assert_eq!(row(&b, "A").points, vec![Some(p(20.008))]);
        // C has no score in Q2: not ranked year to date, and the board says which quarter.
        let c = row(&b, "C");
        assert_eq!(c.rank, None);
        assert_eq!(c.tier, Tier::None);
        assert_eq!(c.missing_quarters, vec![2]);
        assert!(c.has_missing());
        assert_eq!(c.missing, vec![0]);
    }

    #[test]
    fn an_empty_period_gives_an_empty_board() {
        let b = run(&inds(3), &[], &rules(3, 2));
        assert!(b.rows.is_empty());
    }

    #[test]
    fn negative_totals_rank_below_zero() {
        let mut us = units(&[&[0.0], &[1.0], &[2.0]]);
        us[0].penalty = p(5.0); // A: -5
        us[1].penalty = p(3.0); // B: -2
        us[2].bonus = p(1.5); //   C: 3.5
        let b = run(&inds(1), &us, &rules(0, 1));
        assert_eq!(row(&b, "A").total, t(-5.0));
        assert_eq!(row(&b, "B").total, t(-2.0));
        assert_eq!(row(&b, "C").total, t(3.5));
        let order: Vec<_> = b
            .rows
            .iter()
            .map(|r| (r.name.as_str(), r.rank.unwrap()))
            .collect();
        assert_eq!(order, vec![("C", 1), ("B", 2), ("A", 3)]);
        assert_eq!(row(&b, "A").tier, Tier::Black);
    }

    #[test]
    fn weights_multiply_points() {
        // A: 10×0.6 + 20×0.4 = 14; B: 20×0.6 + 5×0.4 = 14 → tied; C: 15×0.6 + 15×0.4 = 15.
        let mut ind = inds(2);
        ind[0].weight = Some(p(0.6));
        ind[1].weight = Some(p(0.4));
        let us = units(&[&[10.0, 20.0], &[20.0, 5.0], &[15.0, 15.0]]);
        let b = run(&ind, &us, &rules(0, 0));
        assert_eq!(row(&b, "A").total, t(14.0));
        assert_eq!(row(&b, "B").total, t(14.0));
        assert_eq!(row(&b, "C").total, t(15.0));
        assert_eq!(rank_of(&b, "C"), Some(1));
        assert_eq!(rank_of(&b, "A"), Some(2));
        assert_eq!(rank_of(&b, "B"), Some(2));
    }

    #[test]
    fn exact_sums_have_no_float_drift() {
        // 0.1 + 0.2 must equal 0.3 exactly, so these two are tied.
        let us = units(&[&[0.1, 0.2], &[0.3, 0.0]]);
        let b = run(&inds(2), &us, &rules(0, 0));
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(rank_of(&b, "B"), Some(1));
    }

    #[test]
    fn bonus_and_penalty_enter_the_total() {
        let mut us = units(&[&[80.0], &[81.0]]);
        us[0].bonus = p(2.0);
        us[1].penalty = p(0.5);
        let b = run(&inds(1), &us, &rules(0, 0));
        assert_eq!(row(&b, "A").total, t(82.0));
        assert_eq!(row(&b, "B").total, t(80.5));
        assert_eq!(row(&b, "A").subtotal, t(80.0));
        assert_eq!(rank_of(&b, "A"), Some(1));
    }

    #[test]
    fn change_against_the_previous_period() {
        let us = units(&[&[90.0], &[80.0], &[70.0], &[60.0]]);
        let prev = prev(&[(1, 3), (2, 2), (3, 1)], &[]);
        let r = rules(0, 0);
        let ind = inds(1);
        let b = rank_group(&GroupInput {
            indicators: &ind,
            units: &us,
            rules: &r,
            previous: Some(&prev),
        });
        assert_eq!(row(&b, "A").change, Change::Up(2));
        assert_eq!(row(&b, "B").change, Change::Same);
        assert_eq!(row(&b, "C").change, Change::Down(2));
        assert_eq!(row(&b, "D").change, Change::New);
        let first = run(&ind, &us, &r);
        assert_eq!(first.rows[0].change, Change::First);
    }

    #[test]
    fn indicator_ranks_share_ties() {
        let us = units(&[&[5.0], &[7.0], &[7.0], &[1.0]]);
        let b = run(&inds(1), &us, &rules(0, 0));
        assert_eq!(row(&b, "B").indicator_ranks, vec![Some(1)]);
        assert_eq!(row(&b, "C").indicator_ranks, vec![Some(1)]);
        assert_eq!(row(&b, "A").indicator_ranks, vec![Some(3)]);
        assert_eq!(row(&b, "D").indicator_ranks, vec![Some(4)]);
    }
}
