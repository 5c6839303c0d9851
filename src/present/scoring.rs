//! How computed points came about, in a circular's words: the raw value, the target and the
//! method with its numbers (the why page's 计分过程), and 序时进度 (the unit profile).

/// How a computed indicator's points came about, as a circular states it: the raw value, the
/// target and the method with its numbers, 「完成5600万元，目标5000万元（年度目标10000万元×序时进度2/4），
/// 完成率112.0%；基本分30 + 超额加分2.40（每超1个百分点加0.2分，最高3分）= 32.40」.
#[must_use]
pub fn describe_scoring(measure: Option<&str>, e: &crate::boards::scored::Explained) -> String {
    use crate::boards::scored::TargetUsed;
    use crate::scoring::{Method, Ratio, Reference, Working};
    let m = measure.unwrap_or("");
    let pts = e
        .scored
        .points
        .map_or_else(|| "0".to_string(), |p| p.to_string());
    let raw = e.raw.map(Ratio::from_points);
    // Items and events (a cell's count, or a 明细清单 with no one raw value).
    if let (Method::Items { .. }, Working::Items { .. })
    | (Method::Deduction { .. }, Working::Deduction { .. }) = (&e.rule.method, &e.scored.working)
    {
        return describe_counted(e, m, &pts);
    }
    let Some(x) = raw else {
        return "未报送，按0分计，标注数据缺失".into();
    };
    let target = |t: Option<TargetUsed>| match t {
        None => "（未设定目标值，按0分计，标注数据缺失）".to_string(),
        Some(TargetUsed::Quarter(v)) => format!("，本季度目标{v}{m}"),
        Some(TargetUsed::Annual(v)) => format!("，年度目标{v}{m}"),
        Some(TargetUsed::Progress {
            annual,
            quarter,
            value,
        }) => format!("，目标{value}{m}（年度目标{annual}{m}×序时进度{quarter}/4）"),
    };
    let relative = "此为相对得分：组内单位增减或数值变化都会改变各单位得分";
    match (&e.rule.method, &e.scored.working) {
        (_, Working::Missing) => format!("完成{x}{m}{}", target(e.target)),
        (
            Method::Completion {
                base,
                bonus_per_point,
                bonus_cap,
                deduct_per_point,
            },
            Working::Completion {
                rate,
                bonus,
                bonus_uncapped,
                deduction,
                floored,
            },
        ) => {
            let how = if deduction.is_zero() {
                let cap = match bonus_uncapped {
                    Some(u) => format!("，已达上限，未封顶为{}", u.fixed(2)),
                    None => String::new(),
                };
                format!(
                    "基本分{base} + 超额加分{}（每超1个百分点加{bonus_per_point}分，最高{bonus_cap}分{cap}）",
                    bonus.fixed(2)
                )
            } else {
                format!(
                    "基本分{base} − 扣分{}（每低1个百分点扣{deduct_per_point}分）",
                    deduction.fixed(2)
                )
            };
            format!(
                "完成{x}{m}{}，完成率{}%；{how}{} = {pts}",
                target(e.target),
                rate.fixed(1),
                if *floored { "，最低为0" } else { "" }
            )
        }
        (Method::Threshold { .. }, Working::Threshold { met }) => format!(
            "完成{x}{m}{}，{}，得{pts}分",
            target(e.target),
            if *met {
                "已完成目标"
            } else {
                "未完成目标"
            }
        ),
        (
            Method::Efficacy { max, reference, .. },
            Working::Efficacy {
                satisfied,
                unacceptable,
                d,
                clamped,
                all_equal,
            },
        ) => {
            let refs = match reference {
                Reference::GroupBestWorst => {
                    format!("满意值取组内最优{satisfied}{m}，不允许值取组内最差{unacceptable}{m}")
                }
                Reference::Fixed { .. } => {
                    format!("满意值{satisfied}{m}，不允许值{unacceptable}{m}")
                }
            };
            let mut t = if *all_equal {
                format!(
                    "实际值{x}{m}；{refs}；组内各单位数值相同，功效系数按100计，得分 = {max} = {pts}"
                )
            } else {
                // A negative operand in brackets: 60 + 40 ×（-3.2 − （-5））÷（10 − （-5））.
                let op = |r: &Ratio| {
                    if r.is_negative() {
                        format!("（{r}）")
                    } else {
                        r.to_string()
                    }
                };
                format!(
                    "实际值{x}{m}；{refs}；功效系数 = 60 + 40 ×（{x} − {}）÷（{} − {}）= {}{}；得分 = {max} × {} ÷ 100 = {pts}",
                    op(unacceptable),
                    op(satisfied),
                    op(unacceptable),
                    d.fixed(2),
                    if *clamped { "（按60至100计）" } else { "" },
                    d.fixed(2)
                )
            };
            if e.rule.method.is_relative() {
                t.push('。');
                t.push_str(relative);
            }
            t
        }
        (
            Method::Ladder { .. },
            Working::Ladder {
                place,
                ranked,
                from_ladder,
                extra,
                floored,
            },
        ) => {
            let extra = if extra.is_zero() {
                String::new()
            } else if extra.is_negative() {
                format!(" − {}（排名靠后）", extra.negated().fixed(2))
            } else {
                format!(" + {}（排名靠前）", extra.fixed(2))
            };
            format!(
                "实际值{x}{m}，在组内{ranked}个单位中列第{place}位（数值相同者同位）；按位次得{}{extra}{} = {pts}。{relative}",
                from_ladder.fixed(2),
                if *floored { "，最低为0" } else { "" }
            )
        }
        (
            Method::Average {
                base,
                relative: rel,
                ..
            },
            Working::Average {
                average,
                difference,
                adjustment,
                limited,
            },
        ) => {
            let unit = if *rel { "%" } else { m };
            let side = if difference.is_negative() {
                format!("低于平均{}{unit}", difference.negated().fixed(2))
            } else {
                format!("高于平均{}{unit}", difference.fixed(2))
            };
            let adj = if adjustment.is_negative() {
                format!("− {}", adjustment.negated().fixed(2))
            } else {
                format!("+ {}", adjustment.fixed(2))
            };
            format!(
                "实际值{x}{m}，组内平均{}{m}，{side}；基本分{base} {adj}{} = {pts}。{relative}",
                average.fixed(2),
                if *limited {
                    "（按上下限计）"
                } else {
                    ""
                }
            )
        }
        _ => format!("实际值{x}{m}，得{pts}分"),
    }
}

/// The working of 加分 items and 扣分制: each item or kind of event with its points, the caps,
/// the result.
fn describe_counted(e: &crate::boards::scored::Explained, m: &str, pts: &str) -> String {
    use crate::scoring::{Method, Working};
    match (&e.rule.method, &e.scored.working) {
        (
            Method::Items { .. },
            Working::Items {
                counted,
                capped,
                total_capped,
            },
        ) => {
            if counted.is_empty() {
                return format!("加分事项清单中无本单位事项，得{pts}分");
            }
            let each: Vec<String> = counted
                .iter()
                .map(|(cat, what, level, p)| format!("「{what}」（{cat}，{level}）计{p}分"))
                .collect();
            let mut t = each.join("；");
            if !capped.is_empty() {
                t.push_str(&format!("；{}已达该类上限", capped.join("、")));
            }
            if *total_capped {
                t.push_str("；合计已达上限");
            }
            format!("{t}；同一事项按最高级别计一次；得分 = {pts}")
        }
        (
            Method::Deduction { base, .. },
            Working::Deduction {
                events,
                deducted,
                floored,
            },
        ) => {
            let each: Vec<String> = events
                .iter()
                .map(|(kind, n, per)| format!("{kind}{n}{m}，每{m}扣{per}分"))
                .collect();
            let what = if each.is_empty() {
                "扣分事项清单中无本单位事项".to_string()
            } else {
                each.join("；")
            };
            format!(
                "{what}；基本分{base} − 扣分{}{} = {pts}",
                deducted.fixed(2),
                if *floored { "，最低为0" } else { "" }
            )
        }
        _ => format!("得{pts}分"),
    }
}

/// 序时进度 in words and its colour class: 「完成年度目标68.2%，低于序时进度6.8个百分点」.
#[must_use]
pub fn describe_progress(p: &crate::boards::scored::Progress) -> (String, &'static str) {
    use crate::boards::scored::ProgressLevel;
    let m = p.measure.as_deref().unwrap_or("");
    let side = if p.gap.is_zero() {
        "与序时进度持平".to_string()
    } else if p.gap.is_negative() {
        format!("低于序时进度{}个百分点", p.gap.negated().fixed(1))
    } else {
        format!("高于序时进度{}个百分点", p.gap.fixed(1))
    };
    let text = format!(
        "{}：累计完成{}{m}，年度目标{}{m}，完成年度目标{}%（序时进度{}%），{side}",
        p.indicator,
        p.raw,
        p.annual,
        p.completion.fixed(1),
        p.progress.fixed(0)
    );
    let css = match p.level {
        ProgressLevel::OnTrack => "progress-green",
        ProgressLevel::Behind => "progress-yellow",
        ProgressLevel::FarBehind => "progress-red",
    };
    (text, css)
}

/// 序时进度 in a table cell: 「56.0%（高6.0）」, 「46.5%（低3.5）」, and its colour class.
#[must_use]
pub fn progress_cell(p: &crate::boards::scored::Progress) -> (String, &'static str) {
    let (_, css) = describe_progress(p);
    let side = if p.gap.is_zero() {
        "持平".to_string()
    } else if p.gap.is_negative() {
        format!("低{}", p.gap.negated().fixed(1))
    } else {
        format!("高{}", p.gap.fixed(1))
    };
    (format!("{}%（{side}）", p.completion.fixed(1)), css)
}
