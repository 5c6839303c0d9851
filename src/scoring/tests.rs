//! Every method on examples computed by hand from the rule text, then properties over random
//! groups: order never matters, points stay in each method's range, and a rank-independent
//! method never moves a unit's points when another unit is added.

use super::*;

fn r(s: &str) -> Ratio {
    Ratio::parse(s).unwrap()
}

fn v(actual: &str) -> Input {
    Input::Value {
        actual: r(actual),
        target: None,
    }
}

fn vt(actual: &str, target: &str) -> Input {
    Input::Value {
        actual: r(actual),
        target: Some(r(target)),
    }
}

fn rule(method: Method) -> Rule {
    Rule {
        method,
        direction: Direction::Higher,
        decimals: 2,
    }
}

fn points(rule: &Rule, inputs: &[Input]) -> Vec<Option<String>> {
    score(rule, inputs)
        .unwrap()
        .into_iter()
        .map(|s| s.points.map(|p| p.to_string()))
        .collect()
}

fn some(list: &[&str]) -> Vec<Option<String>> {
    list.iter().map(|s| Some((*s).to_string())).collect()
}

/// 完成率: 基本分30, 每超1个百分点加0.2分, 最高加3分, 每低1个百分点扣1分.
fn completion() -> Rule {
    rule(Method::Completion {
        base: r("30"),
        bonus_per_point: r("0.2"),
        bonus_cap: r("3"),
        deduct_per_point: r("1"),
    })
}

#[test]
fn completion_rate_with_bonus_cap_deduction_and_floor() {
    let got = points(
        &completion(),
        &[
            // 112 %: 30 + 12 × 0.2 = 32.40.
            vt("11200", "10000"),
            // 120 %: the bonus 4 is capped at 3.
            vt("120", "100"),
            // 100.5 %: half a point over, 0.1 in proportion.
            vt("100.5", "100"),
            // 93.2 %: 30 − 6.8 = 23.20.
            vt("93.2", "100"),
            // 60 %: 30 − 40 floors at 0.
            vt("60", "100"),
            // A negative actual (a loss against a positive target) floors too.
            vt("-5", "100"),
        ],
    );
    assert_eq!(
        got,
        some(&["32.40", "33.00", "30.10", "23.20", "0.00", "0.00"])
    );
    let s = &score(&completion(), &[vt("120", "100")]).unwrap()[0];
    assert_eq!(
        s.working,
        Working::Completion {
            rate: r("120"),
            bonus: r("3"),
            bonus_uncapped: Some(r("4")),
            deduction: Ratio::ZERO,
            floored: false,
        }
    );
}

#[test]
fn a_zero_negative_or_missing_target_is_refused() {
    let c = completion();
    assert_eq!(
        score(&c, &[vt("5", "1"), vt("5", "0")]),
        Err(ScoringError::ZeroTarget { unit: 1 })
    );
    assert_eq!(
        score(&c, &[vt("5", "-1")]),
        Err(ScoringError::NegativeTarget { unit: 0 })
    );
    assert_eq!(
        score(&c, &[v("5")]),
        Err(ScoringError::MissingTarget { unit: 0 })
    );
}

#[test]
fn threshold_full_or_partial_either_way() {
    let mut t = rule(Method::Threshold {
        full: r("5"),
        partial: r("1.5"),
    });
    assert_eq!(
        points(&t, &[vt("100", "100"), vt("99.99", "100")]),
        some(&["5.00", "1.50"])
    );
    // Lower is better (能耗): at or under the target is met.
    t.direction = Direction::Lower;
    assert_eq!(
        points(&t, &[vt("0.98", "1"), vt("1.01", "1")]),
        some(&["5.00", "1.50"])
    );
}

fn efficacy(reference: Reference, clamp: bool) -> Rule {
    rule(Method::Efficacy {
        max: r("10"),
        reference,
        clamp,
    })
}

#[test]
fn efficacy_coefficient_against_the_groups_best_and_worst() {
    // Best 12, worst 4: x = 8 is half way, d = 80, points 8.00; x = 6: d = 70.
    let e = efficacy(Reference::GroupBestWorst, false);
    assert_eq!(
        points(&e, &[v("12"), v("4"), v("8"), v("6")]),
        some(&["10.00", "6.00", "8.00", "7.00"])
    );
    // All equal: everybody gets full points.
    assert_eq!(
        points(&e, &[v("3.5"), v("3.5"), v("3.5")]),
        some(&["10.00", "10.00", "10.00"])
    );
    // A missing value is no reference: best 10, worst 6 among the reported.
    let got = points(&e, &[v("10"), Input::Missing, v("6"), v("7")]);
    assert_eq!(
        got,
        vec![
            Some("10.00".into()),
            None,
            Some("6.00".into()),
            Some("7.00".into())
        ]
    );
    // Thirds: d = 60 + 40 × 1/3, points 7.3333… → 7.33, rounded once.
    assert_eq!(
        points(&e, &[v("3"), v("0"), v("1")])[2],
        Some("7.33".into())
    );
}

#[test]
fn efficacy_lower_is_better_and_negative_values() {
    // 安全生产事故: fewer is better. Best 1, worst 5: x = 3 gives d = 80.
    let mut e = efficacy(Reference::GroupBestWorst, false);
    e.direction = Direction::Lower;
    assert_eq!(
        points(&e, &[v("1"), v("5"), v("3")]),
        some(&["10.00", "6.00", "8.00"])
    );
    // A growth rate of −3.2 % against 满意值 10 and 不允许值 −5:
    // d = 60 + 40 × (−3.2 + 5) ÷ 15 = 64.8, points 6.48.
    let fixed = Reference::Fixed {
        satisfied: r("10"),
        unacceptable: r("-5"),
    };
    let e = efficacy(fixed.clone(), false);
    assert_eq!(points(&e, &[v("-3.2")]), some(&["6.48"]));
    // Fixed references: past 满意值 d exceeds 100 and short of 不允许值 it falls below 60,
    // unless clamped.
    assert_eq!(points(&e, &[v("25"), v("-20")]), some(&["14.00", "2.00"]));
    let c = efficacy(fixed, true);
    assert_eq!(points(&c, &[v("25"), v("-20")]), some(&["10.00", "6.00"]));
    let s = &score(&c, &[v("25")]).unwrap()[0];
    assert!(matches!(s.working, Working::Efficacy { clamped: true, .. }));
}

#[test]
fn ladder_places_ties_and_top_and_bottom() {
    // 第1名10分，每降一位减1分; ties share the best place: 1, 2, 2, 4.
    let l = rule(Method::Ladder {
        ladder: Ladder::Step {
            first: r("10"),
            step: r("1"),
        },
        top: None,
        bottom: None,
    });
    assert_eq!(
        points(&l, &[v("8"), v("10"), v("9"), v("9")]),
        some(&["7.00", "10.00", "9.00", "9.00"])
    );
    // An explicit list, the top 1 +1, the bottom 2 −2 (floored at 0), a missing unit
    // unplaced.
    let l = rule(Method::Ladder {
        ladder: Ladder::List(vec![r("5"), r("4"), r("3")]),
        top: Some((1, r("1"))),
        bottom: Some((2, r("2"))),
    });
    let got = points(&l, &[v("1"), v("4"), Input::Missing, v("3"), v("2")]);
    assert_eq!(
        got,
        vec![
            Some("0.00".into()),
            Some("6.00".into()),
            None,
            Some("4.00".into()),
            Some("1.00".into())
        ]
    );
    let s = &score(&l, &[v("1"), v("4"), v("3"), v("2")]).unwrap()[0];
    assert_eq!(
        s.working,
        Working::Ladder {
            place: 4,
            ranked: 4,
            from_ladder: Ratio::ZERO,
            extra: r("-2"),
            floored: true
        }
    );
}

#[test]
fn deduction_by_kind_with_a_floor() {
    let d = rule(Method::Deduction {
        base: r("10"),
        per_kind: vec![("一般事故".into(), r("2")), ("较大事故".into(), r("5"))],
    });
    let counts = |a: &str, b: &str| {
        Input::Counts(vec![("一般事故".into(), r(a)), ("较大事故".into(), r(b))])
    };
    assert_eq!(
        points(&d, &[counts("0", "0"), counts("2", "1"), counts("0", "3")]),
        some(&["10.00", "1.00", "0.00"])
    );
    assert_eq!(
        score(&d, &[Input::Counts(vec![("重大事故".into(), r("1"))])]),
        Err(ScoringError::UnknownKind {
            unit: 0,
            kind: "重大事故".into()
        })
    );
    assert!(matches!(
        score(&d, &[counts("1.5", "0")]),
        Err(ScoringError::BadCount { unit: 0, .. })
    ));
}

#[test]
fn items_count_once_at_the_highest_level_within_caps() {
    let m = rule(Method::Items {
        levels: vec![
            ("国家级".into(), r("3")),
            ("省级".into(), r("2")),
            ("市级".into(), r("1")),
        ],
        category_caps: vec![("科技创新".into(), r("3.5"))],
        total_cap: Some(r("5")),
    });
    let item = |c: &str, a: &str, l: &str| Item {
        category: c.into(),
        achievement: a.into(),
        level: l.into(),
    };
    let one = Input::Items(vec![
        // The same award at two levels counts once, at 国家级: 3.
        item("科技创新", "智慧园区", "省级"),
        item("科技创新", "智慧园区", "国家级"),
        // 3 + 1 = 4 in 科技创新, capped at 3.5.
        item("科技创新", "专利转化", "市级"),
        // 2 in 表彰: 5.5 in all, capped at 5.
        item("表彰", "文明单位", "省级"),
    ]);
    let two = Input::Items(vec![item("表彰", "文明单位", "市级")]);
    assert_eq!(points(&m, &[one.clone(), two]), some(&["5.00", "1.00"]));
    let s = &score(&m, &[one]).unwrap()[0];
    let Working::Items {
        counted,
        capped,
        total_capped,
    } = &s.working
    else {
        panic!("{s:?}")
    };
    assert_eq!(counted.len(), 3);
    assert_eq!(capped, &vec!["科技创新".to_string()]);
    assert!(total_capped);
}

#[test]
fn against_the_group_average_in_bands() {
    // Average 8; base 5; above: the first 2 points 0.5 each, the rest 0.25; below 0.5 each;
    // within 0–7.
    let a = rule(Method::Average {
        base: r("5"),
        above: vec![
            Band {
                width: Some(r("2")),
                per_point: r("0.5"),
            },
            Band {
                width: None,
                per_point: r("0.25"),
            },
        ],
        below: vec![Band {
            width: None,
            per_point: r("0.5"),
        }],
        relative: false,
        floor: r("0"),
        cap: r("7"),
    });
    // 14: 6 above → 1 + 4 × 0.25 = 2 → 7.00; 2: 6 below → −3 → 2.00.
    assert_eq!(
        points(&a, &[v("8"), v("14"), v("2"), v("8"), Input::Missing]),
        vec![
            Some("5.00".into()),
            Some("7.00".into()),
            Some("2.00".into()),
            Some("5.00".into()),
            None
        ]
    );
}

#[test]
fn direct_is_todays_behaviour() {
    let d = rule(Method::Direct);
    assert_eq!(points(&d, &[v("18.5"), v("-2")]), some(&["18.50", "-2.00"]));
}

/// A small deterministic generator (xorshift).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A value from a small pool (ties are common), sometimes negative, 0–2 decimals.
    fn value(&mut self) -> Ratio {
        let n = self.below(40) as i128 - 8;
        let den = [1, 10, 100][self.below(3) as usize];
        Ratio::new(n * (1 + self.below(3) as i128), den).unwrap()
    }
}

fn methods() -> Vec<(Rule, bool)> {
    let mut out = vec![
        (completion(), false),
        (
            rule(Method::Threshold {
                full: r("5"),
                partial: r("0"),
            }),
            false,
        ),
        (efficacy(Reference::GroupBestWorst, false), true),
        (
            efficacy(
                Reference::Fixed {
                    satisfied: r("20"),
                    unacceptable: r("-5"),
                },
                true,
            ),
            false,
        ),
        (
            rule(Method::Ladder {
                ladder: Ladder::Step {
                    first: r("10"),
                    step: r("0.5"),
                },
                top: Some((2, r("1"))),
                bottom: Some((1, r("1"))),
            }),
            true,
        ),
    ];
    let mut lower = efficacy(Reference::GroupBestWorst, true);
    lower.direction = Direction::Lower;
    out.push((lower, true));
    out
}

fn random_group(g: &mut Gen) -> Vec<Input> {
    let n = 1 + g.below(12) as usize;
    (0..n)
        .map(|_| {
            if g.below(7) == 0 {
                Input::Missing
            } else {
                Input::Value {
                    actual: g.value(),
                    // Targets are positive.
                    target: Some(
                        Ratio::new(1 + g.below(50) as i128, 1 + g.below(3) as i128).unwrap(),
                    ),
                }
            }
        })
        .collect()
}

#[test]
fn properties_hold_on_random_groups() {
    let mut g = Gen(0x5348_4149_4241_4e47);
    for case in 0..400 {
        for (rule, relative) in methods() {
            let inputs = random_group(&mut g);
            let scored = score(&rule, &inputs).unwrap();
            // Shuffling the units never changes a unit's points.
            let mut order: Vec<usize> = (0..inputs.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, g.below(i as u64 + 1) as usize);
            }
            let shuffled: Vec<Input> = order.iter().map(|&i| inputs[i].clone()).collect();
            let again = score(&rule, &shuffled).unwrap();
            for (k, &i) in order.iter().enumerate() {
                assert_eq!(again[k], scored[i], "case {case}: {rule:?}");
            }
            for (s, input) in scored.iter().zip(&inputs) {
                // Missing scores nothing; everything else is rounded from its exact value.
                assert_eq!(s.points.is_none(), matches!(input, Input::Missing));
                let (Some(p), Some(x)) = (s.points, s.exact) else {
                    continue;
                };
                assert_eq!(p, x.round_points(rule.decimals).unwrap());
                // Each method's documented range.
                let (lo, hi) = match &rule.method {
                    Method::Completion {
                        base, bonus_cap, ..
                    } => (Ratio::ZERO, base.checked_add(*bonus_cap).unwrap()),
                    Method::Threshold { full, partial } => {
                        (Ratio::min(*partial, *full), Ratio::max(*full, *partial))
                    }
                    Method::Efficacy {
                        max,
                        reference: Reference::GroupBestWorst,
                        ..
                    } => (max.checked_mul(r("0.6")).unwrap(), *max),
                    Method::Efficacy {
                        max, clamp: true, ..
                    } => (max.checked_mul(r("0.6")).unwrap(), *max),
                    Method::Ladder { .. } => (Ratio::ZERO, r("11")),
                    _ => continue,
                };
                assert!(
                    x >= lo && x <= hi,
                    "case {case}: {x} outside {lo}–{hi} for {rule:?}"
                );
            }
            // A rank-independent method: adding a unit never moves another unit's points.
            if !relative {
                let mut more = inputs.clone();
                more.push(Input::Value {
                    actual: g.value(),
                    target: Some(r("7")),
                });
                let with = score(&rule, &more).unwrap();
                assert_eq!(&with[..inputs.len()], &scored[..], "case {case}: {rule:?}");
            }
            assert_eq!(rule.method.is_relative(), relative, "{rule:?}");
        }
    }
}
