//! The seven methods at work on one group's inputs: the group's references (best, worst,
//! places, average) from the reported values, then each unit's exact points and working.

use super::exact::Overflow;
use super::{Band, Input, Ladder, Method, Ratio, Reference, Rule, Scored, ScoringError, Working};
use crate::domain::Direction;

/// Scores a group's inputs (one per unit, in any order: the result does not depend on it).
pub fn score(rule: &Rule, inputs: &[Input]) -> Result<Vec<Scored>, ScoringError> {
    let values = || {
        inputs.iter().filter_map(|i| match i {
            Input::Value { actual, .. } => Some(*actual),
            _ => None,
        })
    };
    let better = |a: Ratio, b: Ratio| match rule.direction {
        Direction::Higher => a > b,
        Direction::Lower => a < b,
    };
    // Group references, from the reported values only.
    let best = values().reduce(|a, b| if better(b, a) { b } else { a });
    let worst = values().reduce(|a, b| if better(a, b) { b } else { a });
    let reported: Vec<Ratio> = values().collect();
    let mut out = Vec::with_capacity(inputs.len());
    for (unit, input) in inputs.iter().enumerate() {
        if matches!(input, Input::Missing) {
            out.push(Scored {
                points: None,
                exact: None,
                working: Working::Missing,
            });
            continue;
        }
        let (exact, working) = match &rule.method {
            Method::Direct => (value_of(unit, input)?, Working::Direct),
            Method::Completion {
                base,
                bonus_per_point,
                bonus_cap,
                deduct_per_point,
            } => {
                let (x, t) = target_of(unit, input)?;
                let rate = x
                    .checked_mul(Ratio::HUNDRED)?
                    .checked_div(t)?
                    .ok_or(ScoringError::ZeroTarget { unit })?;
                let over = rate.checked_sub(Ratio::HUNDRED)?;
                let (bonus, uncapped, deduction) = if over.is_negative() {
                    (
                        Ratio::ZERO,
                        None,
                        deduct_per_point.checked_mul(over.negated())?,
                    )
                } else {
                    let b = bonus_per_point.checked_mul(over)?;
                    if b > *bonus_cap {
                        (*bonus_cap, Some(b), Ratio::ZERO)
                    } else {
                        (b, None, Ratio::ZERO)
                    }
                };
                let raw = base.checked_add(bonus)?.checked_sub(deduction)?;
                let floored = raw.is_negative();
                (
                    raw.max(Ratio::ZERO),
                    Working::Completion {
                        rate,
                        bonus,
                        bonus_uncapped: uncapped,
                        deduction,
                        floored,
                    },
                )
            }
            Method::Threshold { full, partial } => {
                let (x, t) = target_of(unit, input)?;
                let met = match rule.direction {
                    Direction::Higher => x >= t,
                    Direction::Lower => x <= t,
                };
                (
                    if met { *full } else { *partial },
                    Working::Threshold { met },
                )
            }
            Method::Efficacy {
                max,
                reference,
                clamp,
            } => {
                let x = value_of(unit, input)?;
                let (xh, xs) = match reference {
                    Reference::Fixed {
                        satisfied,
                        unacceptable,
                    } => (*satisfied, *unacceptable),
                    Reference::GroupBestWorst => (best.unwrap_or(x), worst.unwrap_or(x)),
                };
                let hundred = Ratio::HUNDRED;
                let (d, clamped, all_equal) =
                    match x.checked_sub(xs)?.checked_div(xh.checked_sub(xs)?)? {
                        None => (hundred, false, true),
                        Some(share) => {
                            let d =
                                Ratio::int(60).checked_add(Ratio::int(40).checked_mul(share)?)?;
                            if *clamp && (d < Ratio::int(60) || d > hundred) {
                                (d.max(Ratio::int(60)).min(hundred), true, false)
                            } else {
                                (d, false, false)
                            }
                        }
                    };
                let points = max
                    .checked_mul(d)?
                    .checked_div(hundred)?
                    .unwrap_or(Ratio::ZERO);
                (
                    points,
                    Working::Efficacy {
                        satisfied: xh,
                        unacceptable: xs,
                        d,
                        clamped,
                        all_equal,
                    },
                )
            }
            Method::Ladder {
                ladder,
                top,
                bottom,
            } => {
                let x = value_of(unit, input)?;
                let ranked = reported.len() as u32;
                let place = 1 + reported.iter().filter(|&&o| better(o, x)).count() as u32;
                let from_ladder = match ladder {
                    Ladder::Step { first, step } => {
                        first.checked_sub(step.checked_mul(Ratio::int(i64::from(place) - 1))?)?
                    }
                    Ladder::List(list) => {
                        list.get(place as usize - 1).copied().unwrap_or(Ratio::ZERO)
                    }
                };
                let mut extra = Ratio::ZERO;
                if let Some((n, p)) = top
                    && place <= *n
                {
                    extra = extra.checked_add(*p)?;
                }
                if let Some((n, p)) = bottom
                    && place > ranked.saturating_sub(*n)
                {
                    extra = extra.checked_sub(*p)?;
                }
                let raw = from_ladder.checked_add(extra)?;
                let floored = raw.is_negative();
                (
                    raw.max(Ratio::ZERO),
                    Working::Ladder {
                        place,
                        ranked,
                        from_ladder,
                        extra,
                        floored,
                    },
                )
            }
            Method::Deduction { base, per_kind } => {
                let Input::Counts(counts) = input else {
                    return Err(ScoringError::WrongInput {
                        unit,
                        expected: "各类事件的起数",
                    });
                };
                let mut events = Vec::new();
                let mut deducted = Ratio::ZERO;
                for (kind, n) in counts {
                    let each = per_kind
                        .iter()
                        .find(|(k, _)| k == kind)
                        .map(|(_, p)| *p)
                        .ok_or_else(|| ScoringError::UnknownKind {
                            unit,
                            kind: kind.clone(),
                        })?;
                    if n.is_negative() || n.denom() != 1 {
                        return Err(ScoringError::BadCount {
                            unit,
                            count: n.to_string(),
                        });
                    }
                    deducted = deducted.checked_add(each.checked_mul(*n)?)?;
                    events.push((kind.clone(), *n, each));
                }
                let raw = base.checked_sub(deducted)?;
                let floored = raw.is_negative();
                (
                    raw.max(Ratio::ZERO),
                    Working::Deduction {
                        events,
                        deducted,
                        floored,
                    },
                )
            }
            Method::Items {
                levels,
                category_caps,
                total_cap,
            } => items(unit, input, levels, category_caps, *total_cap)?,
            Method::Average {
                base,
                above,
                below,
                relative,
                floor,
                cap,
            } => {
                let x = value_of(unit, input)?;
                let mut sum = Ratio::ZERO;
                for v in &reported {
                    sum = sum.checked_add(*v)?;
                }
                let average = sum
                    .checked_div(Ratio::int(reported.len() as i64))?
                    .unwrap_or(Ratio::ZERO);
                let mut difference = x.checked_sub(average)?;
                if *relative {
                    difference = match difference
                        .checked_mul(Ratio::HUNDRED)?
                        .checked_div(average.max(average.negated()))?
                    {
                        Some(d) => d,
                        None => Ratio::ZERO,
                    };
                }
                if rule.direction == Direction::Lower {
                    difference = difference.negated();
                }
                let adjustment = if difference.is_negative() {
                    banded(difference.negated(), below)?.negated()
                } else {
                    banded(difference, above)?
                };
                let raw = base.checked_add(adjustment)?;
                let limited = raw < *floor || raw > *cap;
                (
                    raw.max(*floor).min(*cap),
                    Working::Average {
                        average,
                        difference,
                        adjustment,
                        limited,
                    },
                )
            }
        };
        out.push(Scored {
            points: Some(exact.round_points(rule.decimals)?),
            exact: Some(exact),
            working,
        });
    }
    Ok(out)
}

fn value_of(unit: usize, input: &Input) -> Result<Ratio, ScoringError> {
    match input {
        Input::Value { actual, .. } => Ok(*actual),
        _ => Err(ScoringError::WrongInput {
            unit,
            expected: "一个数值",
        }),
    }
}

/// The value and its target; a missing, zero or negative target is refused.
fn target_of(unit: usize, input: &Input) -> Result<(Ratio, Ratio), ScoringError> {
    match input {
        Input::Value {
            actual,
            target: Some(t),
        } => {
            if t.is_zero() {
                Err(ScoringError::ZeroTarget { unit })
            } else if t.is_negative() {
                Err(ScoringError::NegativeTarget { unit })
            } else {
                Ok((*actual, *t))
            }
        }
        Input::Value { target: None, .. } => Err(ScoringError::MissingTarget { unit }),
        _ => Err(ScoringError::WrongInput {
            unit,
            expected: "一个数值和目标值",
        }),
    }
}

/// Credit for `amount` points of difference, band by band.
fn banded(amount: Ratio, bands: &[Band]) -> Result<Ratio, Overflow> {
    let mut left = amount;
    let mut total = Ratio::ZERO;
    for b in bands {
        if left <= Ratio::ZERO {
            break;
        }
        let here = match b.width {
            Some(w) => left.min(w),
            None => left,
        };
        total = total.checked_add(here.checked_mul(b.per_point)?)?;
        left = left.checked_sub(here)?;
    }
    Ok(total)
}

fn items(
    unit: usize,
    input: &Input,
    levels: &[(String, Ratio)],
    category_caps: &[(String, Ratio)],
    total_cap: Option<Ratio>,
) -> Result<(Ratio, Working), ScoringError> {
    let Input::Items(list) = input else {
        return Err(ScoringError::WrongInput {
            unit,
            expected: "加分事项清单",
        });
    };
    // Each achievement once, at its highest level.
    let mut best: Vec<(String, String, String, Ratio)> = Vec::new();
    for it in list {
        let p = levels
            .iter()
            .find(|(l, _)| *l == it.level)
            .map(|(_, p)| *p)
            .ok_or_else(|| ScoringError::UnknownLevel {
                unit,
                level: it.level.clone(),
            })?;
        match best
            .iter_mut()
            .find(|(c, a, _, _)| *c == it.category && *a == it.achievement)
        {
            Some(e) if p > e.3 => {
                e.2 = it.level.clone();
                e.3 = p;
            }
            Some(_) => {}
            None => best.push((
                it.category.clone(),
                it.achievement.clone(),
                it.level.clone(),
                p,
            )),
        }
    }
    // Categories in the order first listed, each within its cap.
    let mut categories: Vec<String> = Vec::new();
    for (c, ..) in &best {
        if !categories.contains(c) {
            categories.push(c.clone());
        }
    }
    let mut sum = Ratio::ZERO;
    let mut capped = Vec::new();
    for c in &categories {
        let mut s = Ratio::ZERO;
        for e in best.iter().filter(|e| &e.0 == c) {
            s = s.checked_add(e.3)?;
        }
        if let Some((_, cap)) = category_caps.iter().find(|(k, _)| k == c)
            && s > *cap
        {
            s = *cap;
            capped.push(c.clone());
        }
        sum = sum.checked_add(s)?;
    }
    let total_capped = total_cap.is_some_and(|t| sum > t);
    if let Some(t) = total_cap {
        sum = sum.min(t);
    }
    Ok((
        sum,
        Working::Items {
            counted: best,
            capped,
            total_capped,
        },
    ))
}
