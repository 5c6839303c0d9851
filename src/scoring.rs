//! The ranking engine: totals, ranks with ties, tie-breaks, movement, tiers and per-indicator
//! ranks for one group in one period. Pure: no database, no I/O, no clock.
//!
//! Ranking is standard competition ranking: a unit's rank is one more than the number of units
//! strictly better than it, so ties share a rank and the next rank skips (1, 2, 2, 4).

use crate::domain::{Direction, MissingPolicy, Points};
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::HashMap;

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

/// The group's configured rules.
#[derive(Debug, Clone)]
pub struct GroupRules {
    /// Indices into the indicators, applied in order when totals are equal.
    pub tie_breaks: Vec<usize>,
    pub missing: MissingPolicy,
    /// Top N form the 红榜, bottom N the 黑榜.
    pub red: u32,
    pub black: u32,
}

/// Everything needed to rank one group in one period.
#[derive(Debug, Clone)]
pub struct GroupInput<'a> {
    pub indicators: &'a [IndicatorSpec],
    pub units: &'a [UnitScores],
    pub rules: &'a GroupRules,
    /// Ranks of the previous period by unit id; `None` when there is no previous period.
    pub previous: Option<&'a HashMap<i64, u32>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "places", rename_all = "lowercase")]
pub enum Change {
    Up(u32),
    Down(u32),
    Same,
    /// Ranked now, not ranked in the previous period.
    New,
    /// There is no previous period to compare with.
    First,
    /// Not ranked in this period.
    Unranked,
}

impl Change {
    /// `↑2`, `↓1`, `—`, `新`.
    pub fn label(self) -> String {
        match self {
            Change::Up(n) => format!("↑{n}"),
            Change::Down(n) => format!("↓{n}"),
            Change::Same => "—".into(),
            Change::New => "新".into(),
            Change::First | Change::Unranked => String::new(),
        }
    }
    pub fn css(self) -> &'static str {
        match self {
            Change::Up(_) => "up",
            Change::Down(_) => "down",
            Change::Same => "same",
            Change::New => "new",
            Change::First | Change::Unranked => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Red,
    Black,
    None,
}

impl Tier {
    pub fn label(self) -> &'static str {
        match self {
            Tier::Red => "红榜",
            Tier::Black => "黑榜",
            Tier::None => "",
        }
    }
    pub fn css(self) -> &'static str {
        match self {
            Tier::Red => "red",
            Tier::Black => "black",
            Tier::None => "none",
        }
    }
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardRow {
    pub unit_id: i64,
    pub name: String,
    /// Indicator points as entered, parallel to the indicators.
    pub points: Vec<Option<Points>>,
    /// Σ indicator points × weight, before bonus and penalty.
    pub subtotal: Points,
    pub bonus: Points,
    pub penalty: Points,
    pub total: Points,
    /// `None` when the unit is not ranked (missing data under the exclude policy).
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
    /// Rank within the group on each indicator (ties shared), `None` where the score is missing.
    pub indicator_ranks: Vec<Option<u32>>,
    /// Indices of indicators with no score (数据缺失).
    pub missing: Vec<usize>,
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
}

/// Ranks one group in one period.
pub fn rank_group(input: &GroupInput<'_>) -> Board {
    let n_ind = input.indicators.len();
    let mut rows: Vec<BoardRow> = input
        .units
        .iter()
        .map(|u| {
            let missing: Vec<usize> = (0..n_ind)
                .filter(|&i| u.points.get(i).copied().flatten().is_none())
                .collect();
            let subtotal: Points = input
                .indicators
                .iter()
                .enumerate()
                .filter_map(|(i, ind)| {
                    let p = u.points.get(i).copied().flatten()?;
                    Some(ind.weight.map_or(p, |w| p.weighted(w)))
                })
                .sum();
            BoardRow {
                unit_id: u.unit_id,
                name: u.name.clone(),
                points: (0..n_ind)
                    .map(|i| u.points.get(i).copied().flatten())
                    .collect(),
                subtotal,
                bonus: u.bonus,
                penalty: u.penalty,
                total: subtotal + u.bonus - u.penalty,
                rank: None,
                tied: false,
                equal_total: 0,
                decided_by: Vec::new(),
                change: Change::Unranked,
                previous_rank: None,
                tier: Tier::None,
                indicator_ranks: vec![None; n_ind],
                missing,
            }
        })
        .collect();

    // A unit with no indicator score at all has not been assessed in this period (its file
    // is not in yet): it is never ranked, whatever the missing-data rule.
    let eligible: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].missing.len() < n_ind || n_ind == 0)
        .filter(|&i| input.rules.missing == MissingPolicy::Zero || rows[i].missing.is_empty())
        .collect();
    // Under the zero rule a missing score is 0 in tie-breaks too, as the rule line says.
    let zero = input.rules.missing == MissingPolicy::Zero;
    let tb_value = |p: Option<Points>| {
        if zero {
            Some(p.unwrap_or(Points::ZERO))
        } else {
            p
        }
    };

    let tb = &input.rules.tie_breaks;
    let key_cmp = |a: &BoardRow, b: &BoardRow| -> Ordering {
        b.total.cmp(&a.total).then_with(|| {
            for &k in tb {
                let o = cmp_indicator(
                    tb_value(a.points[k]),
                    tb_value(b.points[k]),
                    input.indicators[k].direction,
                );
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        })
    };

    // Competition ranks from the top and from the bottom, by counting strictly better units.
    let mut order = eligible.clone();
    order.sort_by(|&a, &b| key_cmp(&rows[a], &rows[b]));
    let mut ranks = vec![0u32; rows.len()];
    let mut bottom = vec![0u32; rows.len()];
    for (pos, &i) in order.iter().enumerate() {
        ranks[i] = if pos > 0 && key_cmp(&rows[order[pos - 1]], &rows[i]) == Ordering::Equal {
            ranks[order[pos - 1]]
        } else {
            pos as u32 + 1
        };
    }
    for (pos, &i) in order.iter().rev().enumerate() {
        let prev = pos.checked_sub(1).map(|p| order[order.len() - 1 - p]);
        bottom[i] = match prev {
            Some(j) if key_cmp(&rows[j], &rows[i]) == Ordering::Equal => bottom[j],
            _ => pos as u32 + 1,
        };
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
                        tb_value(rows[i].points[k]),
                        tb_value(rows[j].points[k]),
                        input.indicators[k].direction,
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
            row.tied = cluster.iter().any(|&j| j != i && ranks[j] == rank);
            row.equal_total = cluster.len() - 1;
            row.decided_by = decided_by;
            row.tier = if rank <= input.rules.red {
                Tier::Red
            } else if bottom[i] <= input.rules.black {
                Tier::Black
            } else {
                Tier::None
            };
            row.previous_rank = input.previous.and_then(|p| p.get(&row.unit_id).copied());
            row.change = match (input.previous, row.previous_rank) {
                (None, _) => Change::First,
                (Some(_), None) => Change::New,
                (Some(_), Some(p)) => match p.cmp(&rank) {
                    Ordering::Greater => Change::Up(p - rank),
                    Ordering::Less => Change::Down(rank - p),
                    Ordering::Equal => Change::Same,
                },
            };
        }
        start = end;
    }

    let mut by_value: Vec<(Points, usize)> = Vec::with_capacity(rows.len());
    for k in 0..n_ind {
        let dir = input.indicators[k].direction;
        by_value.clear();
        by_value.extend(
            rows.iter()
                .enumerate()
                .filter_map(|(i, r)| Some((r.points[k]?, i))),
        );
        by_value.sort_by(|a, b| cmp_indicator(Some(a.0), Some(b.0), dir));
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

    fn rules(red: u32, black: u32) -> GroupRules {
        GroupRules {
            tie_breaks: vec![],
            missing: MissingPolicy::Zero,
            red,
            black,
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
        assert_eq!(a.total, p(10.0));
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
        let prev: HashMap<i64, u32> = [(1, 1)].into_iter().collect();
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
    fn a_missing_tie_break_score_counts_as_zero_under_the_zero_rule() {
        // Equal totals; A has 0 on the tie-break indicator, B has it missing: still tied.
        let us = units(&[&[10.0, 0.0], &[10.0, f64::NAN]]);
        let mut r = rules(0, 0);
        r.tie_breaks = vec![1];
        let b = run(&inds(2), &us, &r);
        assert_eq!(rank_of(&b, "A"), Some(1));
        assert_eq!(rank_of(&b, "B"), Some(1));
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
        assert_eq!(row(&b, "A").total, p(-5.0));
        assert_eq!(row(&b, "B").total, p(-2.0));
        assert_eq!(row(&b, "C").total, p(3.5));
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
        assert_eq!(row(&b, "A").total, p(14.0));
        assert_eq!(row(&b, "B").total, p(14.0));
        assert_eq!(row(&b, "C").total, p(15.0));
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
        assert_eq!(row(&b, "A").total, p(82.0));
        assert_eq!(row(&b, "B").total, p(80.5));
        assert_eq!(row(&b, "A").subtotal, p(80.0));
        assert_eq!(rank_of(&b, "A"), Some(1));
    }

    #[test]
    fn change_against_the_previous_period() {
        let us = units(&[&[90.0], &[80.0], &[70.0], &[60.0]]);
        let prev: HashMap<i64, u32> = [(1, 3), (2, 2), (3, 1)].into_iter().collect();
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
        assert_eq!(row(&b, "A").change.label(), "↑2");
        assert_eq!(row(&b, "C").change.label(), "↓2");
        assert_eq!(row(&b, "B").change.label(), "—");
        assert_eq!(row(&b, "D").change.label(), "新");
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
