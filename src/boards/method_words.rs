//! A computed indicator's rule as a circular states it, with its numbers: 「完成目标得18分，每超
//! 1个百分点加0.2分，最高加2分；每低1个百分点扣0.3分，最低0分」. The rule line under every board
//! carries it, so the board itself says how each point was computed.

use crate::scoring::{Ladder, Method, Ratio, Reference, Rule};

fn minus_free(r: &Ratio) -> String {
    // Negative reference values read as written: −3%.
    if r.is_negative() {
        format!("−{}", r.negated())
    } else {
        r.to_string()
    }
}

/// The rule's words; `m` is the raw value's measure (万元, %, 起).
#[must_use]
pub fn method_words(rule: &Rule, m: &str) -> String {
    match &rule.method {
        Method::Direct => String::new(),
        Method::Completion {
            base,
            bonus_per_point,
            bonus_cap,
            deduct_per_point,
        } => {
            let mut t = format!("完成目标得{base}分");
            if !bonus_per_point.is_zero() {
                t.push_str(&format!(
                    "，每超1个百分点加{bonus_per_point}分，最高加{bonus_cap}分"
                ));
            }
            if !deduct_per_point.is_zero() {
                t.push_str(&format!("；每低1个百分点扣{deduct_per_point}分，最低0分"));
            } else {
                t.push_str("；未完成按完成率折算");
            }
            t
        }
        Method::Threshold { full, partial } => {
            format!("完成目标得{full}分，未完成得{partial}分")
        }
        Method::Efficacy {
            max,
            reference,
            clamp,
        } => {
            let refs = match reference {
                Reference::Fixed {
                    satisfied,
                    unacceptable,
                } => format!(
                    "满意值{}{m}、不允许值{}{m}",
                    minus_free(satisfied),
                    minus_free(unacceptable)
                ),
                Reference::GroupBestWorst => "满意值、不允许值取本组当期最优、最差值".into(),
            };
            format!(
                "{refs}，功效系数 = 60 + 40 ×（实际值 − 不允许值）÷（满意值 − 不允许值）{}，得分 = {max} × 功效系数 ÷ 100",
                if *clamp { "，按60至100计" } else { "" }
            )
        }
        Method::Ladder {
            ladder,
            top,
            bottom,
        } => {
            let mut t = match ladder {
                Ladder::Step { first, step } => {
                    format!("本组第1名{first}分，每降一位减{step}分")
                }
                Ladder::List(list) => format!(
                    "本组第1名起依次为{}分",
                    list.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            };
            if let Some((n, p)) = top {
                t.push_str(&format!("，前{n}名另加{p}分"));
            }
            if let Some((n, p)) = bottom {
                t.push_str(&format!("，后{n}名扣{p}分"));
            }
            t.push_str("，数值相同者同位，最低0分");
            t
        }
        Method::Deduction { base, per_kind } => {
            let each: Vec<String> = per_kind
                .iter()
                .map(|(k, p)| format!("{k}每{}扣{p}分", if m.is_empty() { "起" } else { m }))
                .collect();
            format!("基本分{base}分，{}，扣完为止", each.join("、"))
        }
        Method::Items {
            levels,
            category_caps,
            total_cap,
        } => {
            let mut levels = levels.clone();
            levels.sort_by_key(|l| std::cmp::Reverse(l.1));
            let mut t = levels
                .iter()
                .map(|(l, p)| format!("{l}{p}分"))
                .collect::<Vec<_>>()
                .join("、");
            t.push_str("，同一事项按最高级别计一次");
            for (c, cap) in category_caps {
                t.push_str(&format!("，{c}最高{cap}分"));
            }
            if let Some(cap) = total_cap {
                t.push_str(&format!("，合计最高{cap}分"));
            }
            t
        }
        Method::Average {
            base,
            relative,
            floor,
            cap,
            ..
        } => format!(
            "以本组平均值为基准，基本分{base}分，按{}高于或低于平均的幅度加减分，最低{floor}分、最高{cap}分",
            if *relative { "百分比" } else { "数值" }
        ),
    }
}
