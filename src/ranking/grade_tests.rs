//! 等次 with quotas and 一票否决, computed by hand from the rule text.

use super::*;
use crate::domain::{Direction, MissingPolicy, Points};

fn one_indicator() -> Vec<IndicatorSpec> {
    vec![IndicatorSpec {
        id: IndicatorId(1),
        name: "综合".into(),
        weight: None,
        direction: Direction::Higher,
    }]
}

/// Units A, B, C… with one indicator each; `vetoed` names the units with a veto.
fn units(totals: &[f64], vetoed: &[char]) -> Vec<UnitScores> {
    totals
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let name = ((b'A' + i as u8) as char).to_string();
            UnitScores {
                unit_id: UnitId(i as i64 + 1),
                veto: vetoed
                    .contains(&((b'A' + i as u8) as char))
                    .then(|| format!("{name}发生较大安全事故")),
                name,
                points: vec![Some(Points::from_f64(x).unwrap())],
                bonus: Points::ZERO,
                penalty: Points::ZERO,
            }
        })
        .collect()
}

/// 优秀 ≥ 90 (at most 20 %), 良好 ≥ 80, 合格 ≥ 60, else 不合格.
fn rules(cut_ties: CutTies, veto: VetoRule, red: u32, black: u32) -> GroupRules {
    let band = |name: &str, min: Option<i64>, quota: Option<u32>| GradeRule {
        name: name.into(),
        min: min.map(Points::from_int),
        quota_percent: quota,
    };
    GroupRules {
        tie_breaks: vec![],
        missing: MissingPolicy::Zero,
        tiers: TierRules {
            red,
            black,
            cut_ties,
            black_spares_top_half: true,
        },
        total_decimals: None,
        grades: vec![
            band("优秀", Some(90), Some(20)),
            band("良好", Some(80), None),
            band("合格", Some(60), None),
            band("不合格", None, None),
        ],
        veto,
    }
}

fn run(us: &[UnitScores], r: &GroupRules) -> Board {
    rank_group(&GroupInput {
        indicators: &one_indicator(),
        units: us,
        rules: r,
        previous: None,
    })
}

fn row<'a>(b: &'a Board, name: &str) -> &'a BoardRow {
    b.rows.iter().find(|r| r.name == name).unwrap()
}

fn grade(b: &Board, name: &str) -> (String, Option<QuotaKind>) {
    let g = row(b, name).grade.as_ref().unwrap();
    (g.name.clone(), g.quota.as_ref().map(|q| q.kind))
}

fn g(name: &str, kind: Option<QuotaKind>) -> (String, Option<QuotaKind>) {
    (name.into(), kind)
}

// Ten units: A 95, B 91, C 91, D 90, E 85, F 82, G 75, H 60, I 59.99, J 50.
// Ranks 1, 2, 2, 4, 5, … The 优秀 quota is ⌊10 × 20 / 100⌋ = 2. A takes the first place;
// B and C are tied at rank 2 and together need two places where one is left: the tie
// straddles the cut.
const TEN: [f64; 10] = [95.0, 91.0, 91.0, 90.0, 85.0, 82.0, 75.0, 60.0, 59.99, 50.0];

#[test]
fn a_tie_at_the_quota_cut_all_in_admits_the_whole_tie() {
    let b = run(
        &units(&TEN, &[]),
        &rules(CutTies::AllIn, VetoRule::Last, 0, 0),
    );
    assert_eq!(grade(&b, "A"), g("优秀", None));
    // The tie is admitted whole: three 优秀 where the quota is two, and the board says why.
    assert_eq!(grade(&b, "B"), g("优秀", Some(QuotaKind::TieIn)));
    assert_eq!(grade(&b, "C"), g("优秀", Some(QuotaKind::TieIn)));
    let q = row(&b, "B").grade.as_ref().unwrap().quota.clone().unwrap();
    assert_eq!((q.grade.as_str(), q.quota), ("优秀", 2));
    // D reached 90 (inclusive) but the quota is full: 良好, and it says it was the quota.
    assert_eq!(grade(&b, "D"), g("良好", Some(QuotaKind::Beyond)));
    assert_eq!(grade(&b, "E"), g("良好", None));
    assert_eq!(grade(&b, "F"), g("良好", None));
    assert_eq!(grade(&b, "G"), g("合格", None));
    // 60 exactly is 合格 (lower bounds inclusive); 59.99 is not.
    assert_eq!(grade(&b, "H"), g("合格", None));
    assert_eq!(grade(&b, "I"), g("不合格", None));
    assert_eq!(grade(&b, "J"), g("不合格", None));
}

#[test]
fn a_tie_at_the_quota_cut_all_out_leaves_the_tie_and_its_places_out() {
    let b = run(
        &units(&TEN, &[]),
        &rules(CutTies::AllOut, VetoRule::Last, 0, 0),
    );
    assert_eq!(grade(&b, "A"), g("优秀", None));
    assert_eq!(grade(&b, "B"), g("良好", Some(QuotaKind::TieOut)));
    assert_eq!(grade(&b, "C"), g("良好", Some(QuotaKind::TieOut)));
    // The place the tie left is not handed down to D, ranked below them.
    assert_eq!(grade(&b, "D"), g("良好", Some(QuotaKind::Beyond)));
    let excellent = b
        .rows
        .iter()
        .filter(|r| r.grade.as_ref().unwrap().level == 0)
        .count();
    assert_eq!(excellent, 1);
}

#[test]
fn a_quota_rounds_down_and_may_admit_nobody() {
    // Four units: ⌊4 × 20 / 100⌋ = 0, so nobody is 优秀 however high the total.
    let b = run(
        &units(&[99.0, 98.0, 70.0, 10.0], &[]),
        &rules(CutTies::AllIn, VetoRule::Last, 0, 0),
    );
    assert_eq!(grade(&b, "A"), g("良好", Some(QuotaKind::Beyond)));
    assert_eq!(grade(&b, "B"), g("良好", Some(QuotaKind::Beyond)));
    assert_eq!(grade(&b, "C"), g("合格", None));
    assert_eq!(grade(&b, "D"), g("不合格", None));
}

#[test]
fn a_veto_under_last_ranks_the_unit_after_the_others_lowest_grade_never_red() {
    // A 90, B 95 (vetoed), C 80, D 70, E 60; 2 red, 1 black; 优秀 quota ⌊5 × 20 %⌋ = 1.
    let b = run(
        &units(&[90.0, 95.0, 80.0, 70.0, 60.0], &['B']),
        &rules(CutTies::AllIn, VetoRule::Last, 2, 1),
    );
    let order: Vec<(&str, Option<u32>)> =
        b.rows.iter().map(|r| (r.name.as_str(), r.rank)).collect();
    assert_eq!(
        order,
        [
            ("A", Some(1)),
            ("C", Some(2)),
            ("D", Some(3)),
            ("E", Some(4)),
            ("B", Some(5))
        ]
    );
    // Its points are still computed and shown.
    assert_eq!(row(&b, "B").total, Total::from(Points::from_int(95)));
    assert_eq!(row(&b, "B").veto.as_deref(), Some("B发生较大安全事故"));
    assert_eq!(row(&b, "A").tier, Tier::Red);
    assert_eq!(row(&b, "C").tier, Tier::Red);
    assert_eq!(row(&b, "B").tier, Tier::Black);
    assert_eq!(row(&b, "E").tier, Tier::None);
    // 不合格 whatever its total, and it takes no place of the quota: A is 优秀.
    assert_eq!(grade(&b, "B"), g("不合格", None));
    assert_eq!(grade(&b, "A"), g("优秀", None));
    // Equal totals on either side of a veto are not a tie.
    let b = run(
        &units(&[90.0, 90.0, 80.0], &['B']),
        &rules(CutTies::AllIn, VetoRule::Last, 1, 0),
    );
    assert_eq!((rank_of(&b, "A"), rank_of(&b, "B")), (Some(1), Some(3)));
    assert!(!row(&b, "A").tied && !row(&b, "B").tied);
    assert_eq!(row(&b, "A").equal_total, 0);
}

#[test]
fn a_veto_under_no_top_keeps_the_rank_but_not_red_nor_the_top_grade() {
    let b = run(
        &units(&[90.0, 95.0, 80.0, 70.0, 60.0], &['B']),
        &rules(CutTies::AllIn, VetoRule::NoTop, 2, 1),
    );
    assert_eq!(rank_of(&b, "B"), Some(1));
    assert_eq!(rank_of(&b, "A"), Some(2));
    // The 红榜 is the top two places; B's place is not handed on.
    assert_eq!(row(&b, "B").tier, Tier::None);
    assert_eq!(row(&b, "A").tier, Tier::Red);
    assert_eq!(row(&b, "C").tier, Tier::None);
    // B takes no place of the 优秀 quota (1): A has it, B gets the next band it reaches.
    assert_eq!(grade(&b, "A"), g("优秀", None));
    assert_eq!(grade(&b, "B"), g("良好", None));
}

#[test]
fn without_bands_no_unit_has_a_grade_and_the_year_to_date_has_none() {
    let mut r = rules(CutTies::AllIn, VetoRule::Last, 1, 1);
    let us = units(&[95.0, 50.0], &[]);
    let b = run(&us, &r);
    assert!(b.rows.iter().all(|x| x.grade.is_some()));
    let cum = rank_cumulative(&CumulativeInput {
        indicators: &one_indicator(),
        units: &[(UnitId(1), "A".into()), (UnitId(2), "B".into())],
        quarters: &[QuarterBoard {
            quarter: 1,
            board: &b,
        }],
        rules: &r,
        previous: None,
    });
    assert!(cum.rows.iter().all(|x| x.grade.is_none()));
    r.grades.clear();
    let b = run(&us, &r);
    assert!(b.rows.iter().all(|x| x.grade.is_none()));
}

#[test]
fn a_veto_in_a_quarter_carries_into_the_year_to_date() {
    let r = rules(CutTies::AllIn, VetoRule::Last, 1, 0);
    let q1 = run(&units(&[95.0, 50.0], &['A']), &r);
    let q2 = run(&units(&[95.0, 50.0], &[]), &r);
    let cum = rank_cumulative(&CumulativeInput {
        indicators: &one_indicator(),
        units: &[(UnitId(1), "A".into()), (UnitId(2), "B".into())],
        quarters: &[
            QuarterBoard {
                quarter: 1,
                board: &q1,
            },
            QuarterBoard {
                quarter: 2,
                board: &q2,
            },
        ],
        rules: &r,
        previous: None,
    });
    assert_eq!(row(&cum, "A").veto.as_deref(), Some("A发生较大安全事故"));
    assert_eq!((rank_of(&cum, "B"), rank_of(&cum, "A")), (Some(1), Some(2)));
    assert_eq!(row(&cum, "A").tier, Tier::None);
}

fn rank_of(b: &Board, name: &str) -> Option<u32> {
    row(b, name).rank
}
