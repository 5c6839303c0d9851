//! The rule line printed under every board, in the words the boards use.

use crate::domain::UnitId;
use crate::domain::{CutTies, MissingPolicy, PeriodKey};
use crate::ranking::{Board, GroupRules};
use crate::store::IndicatorRow;

/// The rule line printed under every board: how the total is computed, ranked and tied,
/// what a missing value does, how the tiers are cut and what the movement compares with.
#[must_use]
pub fn rules_text(
    indicators: &[IndicatorRow],
    rules: &GroupRules,
    group: crate::domain::GroupId,
) -> String {
    use crate::domain::Direction;
    let weighted = indicators.iter().any(|i| i.weight.is_some());
    let mut t = String::from(if weighted {
        "总分 = Σ 指标得分 × 权重 + 加分 − 扣分"
    } else {
        "总分 = 各项指标得分之和 + 加分 − 扣分"
    });
    match rules.total_decimals {
        None if weighted => t.push_str("（按各项精确值计算，不逐项四舍五入）"),
        None => t.push_str("（精确计算）"),
        Some(d) => t.push_str(&format!("，四舍五入保留{}位小数后排名", decimals_word(d))),
    }
    // Computed indicators: the method with its numbers, as the 考核细则 state them; each
    // unit's working is on its why page.
    let computed: Vec<String> = indicators
        .iter()
        .filter_map(|i| {
            let sc = i.scoring.as_ref()?;
            let words = crate::competition::method::METHODS
                .iter()
                .find(|(c, _)| *c == sc.method)
                .map_or(sc.method.as_str(), |(_, w)| w);
            let mut numbers = sc.rule(group).map_or_else(String::new, |r| {
                super::method_words::method_words(r, sc.measure.as_deref().unwrap_or(""))
            });
            if sc.cumulative && !numbers.is_empty() {
                numbers.insert_str(0, "按1–N月累计值考核年度目标×序时进度，");
            }
            Some(if numbers.is_empty() {
                format!("「{}」{}", i.name, words)
            } else {
                format!("「{}」{}（{numbers}）", i.name, words)
            })
        })
        .collect();
    if !computed.is_empty() {
        t.push_str(&format!(
            "；{}（由报送的实际值计算得分，计分过程见各单位“为何此名次”）",
            computed.join("；")
        ));
    }
    t.push_str("；按总分从高到低排名，总分相同者并列，名次相同后顺延（如 1、2、2、4）");
    if !rules.tie_breaks.is_empty() {
        let names: Vec<String> = rules
            .tie_breaks
            .iter()
            .map(|&k| match indicators[k].direction {
                Direction::Higher => format!("「{}」（高者在前）", indicators[k].name),
                Direction::Lower => format!("「{}」（低者在前）", indicators[k].name),
            })
            .collect();
        t.push_str(&format!(
            "；总分相同时依次比较{}得分，缺项排在已报送者之后，仍相同则并列",
            names.join("、")
        ));
    }
    t.push_str(match rules.missing {
        MissingPolicy::Zero => "；缺项按0分计入总分，并标注“数据缺失”",
        MissingPolicy::Exclude => "；有缺项的单位不参与排名",
    });
    t.push_str("；没有任何得分的单位不参与排名");
    let tiers = &rules.tiers;
    if tiers.red > 0 || tiers.black > 0 {
        let mut cut = Vec::new();
        if tiers.red > 0 {
            cut.push(format!("前{}名列入红榜", tiers.red));
        }
        if tiers.black > 0 {
            cut.push(format!("后{}名列入黑榜", tiers.black));
        }
        t.push('；');
        t.push_str(&cut.join("、"));
        t.push_str(match tiers.cut_ties {
            CutTies::AllIn => "，名额边界上并列的单位同时列入",
            CutTies::AllOut => "，名额边界上并列的单位均不列入",
        });
        if tiers.black > 0 && tiers.black_spares_top_half {
            t.push_str("，名次在前一半的单位不列入黑榜");
        }
        if tiers.red > 0 && tiers.black > 0 {
            t.push_str("，同时符合两榜条件的列入红榜");
        }
    }
    t.push_str(&grades_rule(rules));
    t.push_str(MOVEMENT_RULE);
    t
}

/// The 等次 bands and quotas, as a circular states them (quarter boards; empty without bands).
fn grades_rule(rules: &GroupRules) -> String {
    let Some((last, bands)) = rules.grades.split_last() else {
        return String::new();
    };
    let mut parts: Vec<String> = bands
        .iter()
        .map(|b| {
            let min = b.min.map_or_else(String::new, crate::domain::Points::plain);
            match b.quota_percent {
                Some(q) => format!(
                    "{min}分及以上为{}（名额不超过本组参与排名单位数的{q}%，向下取整）",
                    b.name
                ),
                None => format!("{min}分及以上为{}", b.name),
            }
        })
        .collect();
    parts.push(format!("其余为{}", last.name));
    let mut t = format!("；等次：总分{}", parts.join("，"));
    if bands.iter().any(|b| b.quota_percent.is_some()) {
        t.push_str(match rules.tiers.cut_ties {
            CutTies::AllIn => "；名额边界上并列的单位同时评定，超出名额的单位依次评定下一等次",
            CutTies::AllOut => {
                "；名额边界上并列的单位均不评定该等次（名额空缺不递补），超出名额的单位依次评定下一等次"
            }
        });
    }
    t
}

/// The 报送截止 and its 逾期报送扣分, when the period has a deadline that applies to the board's
/// indicators (empty otherwise).
pub(super) fn late_rule(
    due: &[crate::store::Deadline],
    indicators: &[IndicatorRow],
    zone: &crate::domain::Zone,
    penalty: crate::domain::Points,
) -> String {
    let mut parts = Vec::new();
    for d in due {
        match d.indicator {
            None => parts.push(format!("报送截止时间为{}", zone.minute(d.due_at.unix()))),
            Some(id) => {
                if let Some(i) = indicators.iter().find(|i| i.id == id) {
                    parts.push(format!("「{}」为{}", i.name, zone.minute(d.due_at.unix())));
                }
            }
        }
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(
        "逾期报送：{}；数据晚于截止时间报送的指标，每项扣{}分，计入扣分。",
        parts.join("，"),
        penalty.plain()
    )
}

/// Said under a board on which a unit has a 一票否决: who, why, and what the rule does.
pub(super) fn veto_note(board: &Board, rules: &GroupRules, grades: bool) -> String {
    use crate::domain::VetoRule;
    let vetoed: Vec<String> = board
        .rows
        .iter()
        .filter_map(|r| Some(format!("「{}」（{}）", r.name, r.veto.as_deref()?)))
        .collect();
    if vetoed.is_empty() {
        return String::new();
    }
    let lowest = rules.grades.last().filter(|_| grades);
    let top = rules.grades.first().filter(|_| grades);
    let effect = match rules.veto {
        VetoRule::Last => {
            let mut e = String::from("排在未被否决的单位之后，不列入红榜");
            if let Some(l) = lowest {
                e.push_str(&format!("，等次为{}，不占等次名额", l.name));
            }
            e
        }
        VetoRule::NoTop => {
            let mut e = String::from("保留名次，但不列入红榜");
            if let Some(t) = top {
                e.push_str(&format!("、不评为{}，不占其名额", t.name));
            }
            e
        }
    };
    format!("一票否决：{}，{effect}。", vetoed.join("、"))
}

fn decimals_word(d: u8) -> &'static str {
    ["零", "一", "两", "三", "四"][usize::from(d.min(4))]
}

/// The year-to-date rule, put before the group's rules.
pub(super) fn cumulative_rule(key: PeriodKey) -> String {
    format!(
        "累计总分为{}年1–{}季度各季度榜单总分之和，任一季度未参与排名的单位不参与累计排名（标注所缺季度）；",
        key.year, key.quarter
    )
}

/// Said under a board when the units ranked differ from the previous board's: a rank can then
/// move although the unit did no better or worse.
pub(super) fn ranked_set_note(previous: &Board, now: &Board) -> String {
    let ranked = |b: &Board| -> Vec<(UnitId, String)> {
        b.rows
            .iter()
            .filter(|r| r.rank.is_some())
            .map(|r| (r.unit_id, r.name.clone()))
            .collect()
    };
    let (before, after) = (ranked(previous), ranked(now));
    // In the units' own order, not the board's: a correction that reorders the previous
    // board must not change this note (and so mark this board corrected) for nothing.
    let names = |from: &[(UnitId, String)], not_in: &[(UnitId, String)]| -> Vec<String> {
        let mut out: Vec<&(UnitId, String)> = from
            .iter()
            .filter(|(id, _)| !not_in.iter().any(|(o, _)| o == id))
            .collect();
        out.sort_by_key(|(id, _)| *id);
        out.into_iter().map(|(_, n)| format!("「{n}」")).collect()
    };
    let (left, joined) = (names(&before, &after), names(&after, &before));
    if left.is_empty() && joined.is_empty() {
        return String::new();
    }
    let mut parts = Vec::new();
    if !left.is_empty() {
        parts.push(format!("上期排名的{}本期未参与排名", left.join("")));
    }
    if !joined.is_empty() {
        parts.push(format!("{}上期未参与排名", joined.join("")));
    }
    format!(
        "注：与上期相比，{}，其他单位的名次变化含此影响。",
        parts.join("，")
    )
}

/// How the year's result is made, in words: 「年度综合考评：季度考评 = 各季度总分按20%、20%、
/// 30%、30%加权（保留四位小数）；」.
pub(super) fn annual_rule(
    rule: &crate::ranking::annual::AnnualRule,
    indicators: &[IndicatorRow],
) -> String {
    use crate::ranking::annual::QuarterBasis;
    let quarters = match &rule.basis {
        QuarterBasis::Sum => "四个季度总分之和".to_string(),
        QuarterBasis::Mean => "四个季度总分的平均值".to_string(),
        QuarterBasis::Weights(w) => format!(
            "各季度总分按{}加权",
            w.iter()
                .map(|x| format!("{x}%"))
                .collect::<Vec<_>>()
                .join("、")
        ),
        QuarterBasis::Q4Cumulative => "1–4季度累计总分".to_string(),
    };
    let mut t = format!(
        "年度综合考评：季度考评 = {quarters}（按各季度揭榜时的总分，保留四位小数，四舍五入；某季度未参与排名的单位无季度考评成绩）"
    );
    if indicators.len() > 1 {
        let parts: Vec<String> = indicators
            .iter()
            .map(|i| match i.weight {
                // 0.95 as 95%: exact, in hundredths of a percent.
                Some(w) => format!("{} × {}%", i.name, crate::domain::Points(w.0 * 100).plain()),
                None => i.name.clone(),
            })
            .collect();
        t.push_str(&format!("；年度总分 = {}", parts.join(" + ")));
    }
    t.push('。');
    t
}

/// How movement is stated at the end of a quarter's rule line (the year's result has none).
pub(super) const MOVEMENT_RULE: &str = "；名次变化与上一个已揭榜季度比较，“新”为首次参与排名，“上期未排名”为此前排过名但上期未参与排名。";
