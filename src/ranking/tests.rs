//! Table tests of the ranking engine, each computed by hand: one test per rule, which is why
//! this file is long.

use super::*;
use crate::domain::{Direction, MissingPolicy, Points, Total};

fn p(x: f64) -> Points {
    Points::from_f64(x).unwrap()
}

fn inds(n: usize) -> Vec<IndicatorSpec> {
    (0..n)
        .map(|i| IndicatorSpec {
            id: IndicatorId(i as i64 + 1),
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
            unit_id: UnitId(i as i64 + 1),
            name: ((b'A' + i as u8) as char).to_string(),
            points: pts.iter().map(|&x| (!x.is_nan()).then(|| p(x))).collect(),
            bonus: Points::ZERO,
            penalty: Points::ZERO,
            veto: None,
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
        grades: vec![],
        veto: VetoRule::Last,
    }
}

fn prev(ranks: &[(i64, u32)], earlier: &[i64]) -> Previous {
    Previous {
        ranks: ranks.iter().map(|&(u, r)| (UnitId(u), r)).collect(),
        ranked_earlier: earlier.iter().copied().map(UnitId).collect(),
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
    let names: Vec<(UnitId, String)> = (1..=3)
        .map(|i| (UnitId(i), ((b'A' + i as u8 - 1) as char).to_string()))
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
    let pr = Previous {
        ranks: q1.ranks(),
        ranked_earlier: Default::default(),
    };
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
