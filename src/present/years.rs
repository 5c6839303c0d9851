//! Words across years: 同比 cells and notes, and a result's 公示.

use crate::boards::GroupBoard;
use crate::ranking::BoardRow;

/// Places gained since a year before, where the unit ranked in the same group then.
#[must_use]
pub fn yoy_places(r: &BoardRow, y: &crate::boards::UnitYoy) -> Option<i64> {
    match (r.rank, y.rank, &y.other_group) {
        (Some(now), Some(then), None) => Some(i64::from(then) - i64::from(now)),
        _ => None,
    }
}

/// Why a unit's 同比 is not a plain comparison: another group then, or no rank then.
#[must_use]
pub fn yoy_note(y: &crate::boards::UnitYoy) -> Option<String> {
    use crate::boards::NoYoy;
    if let Some(g) = &y.other_group {
        return Some(format!("上年在{g}"));
    }
    y.why_none.map(|w| {
        match w {
            NoYoy::Merged => "合并设立，无上年同期",
            NoYoy::Split => "拆分设立，无上年同期",
            NoYoy::Absent => "上年未参加考评",
            NoYoy::Unranked => "上年同期未排名",
        }
        .to_string()
    })
}

/// The 同比 cell of a board row: 「↑2（上年第5）」, 「上年在社会部门组第2」, or why there is none.
#[must_use]
pub fn yoy_cell(r: &BoardRow, y: &crate::boards::UnitYoy) -> (String, &'static str) {
    let then = |rank: u32| {
        if y.tied {
            format!("第{rank}（并列）")
        } else {
            format!("第{rank}")
        }
    };
    match (yoy_places(r, y), y.rank) {
        (Some(p), Some(rank)) if p > 0 => (format!("↑{p}（上年{}）", then(rank)), "up"),
        (Some(p), Some(rank)) if p < 0 => (format!("↓{}（上年{}）", -p, then(rank)), "down"),
        (Some(_), Some(rank)) => (format!("持平（上年{}）", then(rank)), "same"),
        (None, Some(rank)) => match &y.other_group {
            Some(g) => (format!("上年在{g}{}", then(rank)), "muted"),
            None => (format!("上年{}", then(rank)), "muted"),
        },
        _ => (yoy_note(y).unwrap_or_default(), "muted"),
    }
}

/// The board's note on 同比 when the rules changed since the year before.
#[must_use]
pub fn yoy_rules_note(b: &GroupBoard) -> Option<String> {
    let y = b.year_on_year.as_ref()?;
    (!y.rules_changed.is_empty()).then(|| {
        format!(
            "{}年考核方案与上年不同（{}），同比名次仅供参考",
            b.period.key.year,
            y.rules_changed.join("；")
        )
    })
}

/// A result's 公示 in words, for every page, the lobby and the exports.
#[must_use]
pub fn publicity_text(p: &crate::store::Publicity, zone: &crate::domain::Zone) -> String {
    match (&p.final_at, p.final_by.as_deref()) {
        (Some(_), Some(crate::store::EXPIRED)) => {
            format!("公示期已于{}届满，为最终结果", zone.minute(p.until.unix()))
        }
        (Some(at), by) => format!(
            "公示已结束：{}于{}确认为最终结果",
            by.unwrap_or("管理员"),
            zone.minute(at.unix())
        ),
        (None, _) => format!(
            "公示中：公示期至{}，对结果有异议的单位可在公示期内向考评办提出申诉",
            zone.minute(p.until.unix())
        ),
    }
}

/// The quarterly part of a unit's year with its numbers: 「90.10 × 20% + 88.00 × 20% + … =
/// 88.674（保留四位小数）」.
#[must_use]
pub fn describe_quarterly_part(
    basis: &crate::ranking::annual::QuarterBasis,
    totals: &[(crate::domain::PeriodKey, Option<crate::domain::Total>)],
    part: crate::domain::Points,
) -> String {
    use crate::ranking::annual::QuarterBasis;
    let t = |k: usize| {
        totals
            .get(k)
            .and_then(|(_, t)| *t)
            .map_or_else(|| "—".to_string(), |t| t.to_string())
    };
    let sum = (0..4).map(t).collect::<Vec<_>>().join(" + ");
    let formula = match basis {
        QuarterBasis::Weights(w) => (0..4)
            .map(|k| format!("{} × {}%", t(k), w.get(k).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(" + "),
        QuarterBasis::Sum => sum,
        QuarterBasis::Mean => format!("（{sum}）÷ 4"),
        QuarterBasis::Q4Cumulative => format!("1–4季度累计总分（{sum}）"),
    };
    format!(
        "{formula} = {}（四个季度揭榜时的总分，保留四位小数）",
        part.plain()
    )
}
