//! Presentation: the words, CSS classes and JSON shapes a board is shown with — the only room
//! that knows them. The ranking engine decides ranks, ties and tiers; this module says them
//! (`↑2`, `上期未排名`, 红榜, `tier-red`, the JSON API's rows). Pure.

use crate::boards::{Correction, GroupBoard, RankCorrection, View};
use crate::domain::{GroupId, IndicatorId, UnitId};
use crate::domain::{PeriodKey, Points, Total};
use crate::ranking::{BoardRow, Change, Tier};
use crate::store::PeriodStatus;
use serde::Serialize;

mod marks;
mod scheme;
mod scoring;
mod years;

/// 「2023年12月2日」 from a time shown as `2023-12-02 10:00[:00]`.
#[must_use]
pub fn date_words(shown: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(shown.get(..10)?, "%Y-%m-%d").ok()?;
    Some(d.format("%Y年%-m月%-d日").to_string())
}
pub use marks::{Marks, grade_note, standing, vetoes_short};
pub use scheme::scheme_changes;
pub use scoring::{describe_progress, describe_scoring, progress_cell};
pub use years::{
    describe_quarterly_part, publicity_text, yoy_cell, yoy_note, yoy_places, yoy_rules_note,
};

/// How a movement is written and styled.
pub trait ChangeText {
    fn label(self) -> String;
    fn css(self) -> &'static str;
}

/// How a tier is written and styled.
pub trait TierText {
    fn label(self) -> &'static str;
    fn css(self) -> &'static str;
}

impl ChangeText for Change {
    /// `↑2`, `↓1`, `—`, `新`, `上期未排名`.
    fn label(self) -> String {
        match self {
            Change::Up(n) => format!("↑{n}"),
            Change::Down(n) => format!("↓{n}"),
            Change::Same => "—".into(),
            Change::New => "新".into(),
            Change::Returned => "上期未排名".into(),
            Change::First | Change::Unranked => String::new(),
        }
    }
    fn css(self) -> &'static str {
        match self {
            Change::Up(_) => "up",
            Change::Down(_) => "down",
            Change::Same => "same",
            Change::New | Change::Returned => "new",
            Change::First | Change::Unranked => "none",
        }
    }
}

impl TierText for Tier {
    fn label(self) -> &'static str {
        match self {
            Tier::Red => "红榜",
            Tier::Black => "黑榜",
            Tier::None => "",
        }
    }
    fn css(self) -> &'static str {
        match self {
            Tier::Red => "red",
            Tier::Black => "black",
            Tier::None => "none",
        }
    }
}

/// A place decided by a tie-break: the total equals another unit's, the rank does not (the
/// mark 同分 wherever the rank appears).
#[must_use]
pub fn tie_broken(r: &BoardRow) -> bool {
    r.equal_total > 0 && !r.tied && !r.decided_by.is_empty()
}

/// Why a tie-broken place is what it is: `与1个单位总分相同，按「固定资产投资」排定名次`
/// (empty for any other row).
#[must_use]
pub fn tie_note(b: &GroupBoard, r: &BoardRow) -> String {
    if !tie_broken(r) {
        return String::new();
    }
    format!(
        "与{}个单位总分相同，按{}排定名次",
        r.equal_total,
        r.decided_by
            .iter()
            .filter_map(|&k| b.indicators.get(k))
            .map(|i| format!("「{}」", i.name))
            .collect::<Vec<_>>()
            .join("、")
    )
}

/// The mark after a rank wherever it is shown compactly: （并列）, （同分） (a tie-break
/// decided the place), or nothing.
#[must_use]
pub fn rank_mark(r: &BoardRow) -> &'static str {
    if r.tied {
        "（并列）"
    } else if tie_broken(r) {
        "（同分）"
    } else {
        ""
    }
}

/// A rank as a table cell shows it: `3`, `3（并列）`, `3（同分）`, or 不参与排名.
#[must_use]
pub fn rank_label(r: &BoardRow) -> String {
    match r.rank {
        Some(n) => format!("{n}{}", rank_mark(r)),
        None => "不参与排名".into(),
    }
}

/// The 并列/同分 cell of an export: `并列`, `同分：…按「X」排定名次`, or empty.
#[must_use]
pub fn tie_cell(b: &GroupBoard, r: &BoardRow) -> String {
    if r.tied {
        "并列".into()
    } else if tie_broken(r) {
        format!("同分：{}", tie_note(b, r))
    } else {
        String::new()
    }
}

/// The tie-break chain in a few words for a lobby footer: `总分相同比「A」「B」，仍同则并列`.
#[must_use]
pub fn tie_chain_short(b: &GroupBoard, tie_breaks: &[crate::domain::IndicatorId]) -> String {
    let names: Vec<String> = tie_breaks
        .iter()
        .filter_map(|id| b.indicators.iter().find(|i| i.id == *id))
        .map(|i| format!("「{}」", i.name))
        .collect();
    if names.is_empty() {
        "总分相同者并列".into()
    } else {
        format!("总分相同依次比{}，仍同则并列", names.join(""))
    }
}

/// What is missing from a unit's result, in words (empty when nothing is): the indicators
/// without a score and, year to date, the quarters in which it was not ranked.
pub fn missing_note(b: &GroupBoard, r: &BoardRow) -> String {
    let mut parts = Vec::new();
    if !r.missing.is_empty() {
        parts.push(format!(
            "缺少：{}",
            r.missing
                .iter()
                .map(|&k| b.indicators[k].name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    if !r.missing_quarters.is_empty() {
        parts.push(format!(
            "第{}季度未参与排名",
            r.missing_quarters
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    parts.join("；")
}

/// Why an unranked unit is not ranked, in words.
#[must_use]
pub fn unranked_reason(b: &GroupBoard, r: &BoardRow) -> &'static str {
    if !r.missing_quarters.is_empty() {
        "有季度未参与排名，按规则不参与累计排名。"
    } else if r.missing.len() == b.indicators.len() && !b.indicators.is_empty() {
        "本期没有任何得分（数据尚未报送），不参与排名。"
    } else {
        "有缺项，按规则不参与排名。"
    }
}

/// `丁：第4名 → 第1名，总分 20.00 → 90.00`.
#[must_use]
pub fn describe_correction(c: &RankCorrection) -> String {
    let rank = |r: Option<u32>| r.map_or_else(|| "不排名".to_string(), |r| format!("第{r}名"));
    let mut t = format!("{}：", c.unit);
    if c.rank_before != c.rank_now {
        t.push_str(&format!("{} → {}", rank(c.rank_before), rank(c.rank_now)));
    } else {
        t.push_str(&format!("名次不变（{}）", rank(c.rank_now)));
    }
    if c.total_before != c.total_now {
        t.push_str(&format!("，总分 {} → {}", c.total_before, c.total_now));
    }
    if c.change_before != c.change_now {
        let label = |ch: Change| match ch.label() {
            l if l.is_empty() => "无".to_string(),
            l => l,
        };
        t.push_str(&format!(
            "，名次变化 {} → {}",
            label(c.change_before),
            label(c.change_now)
        ));
    }
    t
}

/// A board as the JSON API and `shaibang board --format json` give it.
#[derive(Serialize)]
pub struct BoardJson<'a> {
    pub period: PeriodKey,
    pub status: PeriodStatus,
    pub view: View,
    pub title: &'a str,
    pub group_id: GroupId,
    pub group: &'a str,
    pub compared_with: Option<PeriodKey>,
    pub rules: &'a str,
    /// Set when the posted board was corrected after 揭榜.
    pub corrected: Option<&'a Correction>,
    /// 同比: the period compared with, and what differs in the rules since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_on_year: Option<YoyBoardJson<'a>>,
    /// A result's 公示: until when (UTC), and whether it is final.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publicity: Option<PublicityJson>,
    pub rows: Vec<RowJson<'a>>,
}

#[derive(Serialize)]
pub struct PublicityJson {
    pub until: String,
    #[serde(rename = "final")]
    pub is_final: bool,
}

#[derive(Serialize)]
pub struct YoyBoardJson<'a> {
    pub period: PeriodKey,
    pub rules_changed: &'a [String],
    /// Said when the rules changed: ranks under different rules say less.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One unit's 同比.
#[derive(Serialize)]
pub struct YoyJson<'a> {
    pub rank: Option<u32>,
    pub tied: bool,
    /// The group it ranked in a year before, when another.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<&'a str>,
    /// Places up (positive) or down since, in the same group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub places: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct RowJson<'a> {
    pub rank: Option<u32>,
    pub unit_id: UnitId,
    pub unit: &'a str,
    pub total: Total,
    pub tied: bool,
    /// Indicators whose tie-break separated this unit from others with an equal total.
    pub tie_broken_by: Vec<&'a str>,
    pub change: Change,
    pub change_label: String,
    pub previous_rank: Option<u32>,
    pub tier: Tier,
    pub indicators: Vec<IndicatorJson<'a>>,
    pub bonus: Points,
    pub penalty: Points,
    pub missing: Vec<&'a str>,
    /// Year to date: the quarters in which the unit was not ranked.
    pub missing_quarters: &'a [u8],
    /// 等次, where the rules have bands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<&'a str>,
    /// How a quota decided the 等次.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade_note: Option<String>,
    /// 一票否决, with its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub veto: Option<&'a str>,
    /// Streaks this board continues: kind (red, black, last, up) and boards in a row.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub streaks: &'a [crate::ranking::streaks::Streak],
    /// The 流动红旗: boards held in a row, and from whom it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red_flag: Option<&'a crate::ranking::streaks::RedFlag>,
    /// 同比, where the board has a year before.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_on_year: Option<YoyJson<'a>>,
}

#[derive(Serialize)]
pub struct IndicatorJson<'a> {
    pub id: IndicatorId,
    pub name: &'a str,
    pub points: Option<Points>,
    pub rank: Option<u32>,
}

impl<'a> BoardJson<'a> {
    #[must_use]
    pub fn new(b: &'a GroupBoard) -> BoardJson<'a> {
        let name = |k: usize| b.indicators[k].name.as_str();
        BoardJson {
            period: b.period.key,
            status: b.period.status,
            view: b.view,
            title: &b.title,
            group_id: b.group.id,
            group: &b.group.name,
            compared_with: b.previous,
            rules: &b.rules_text,
            corrected: b.corrected.as_ref(),
            publicity: b.publicity.as_ref().map(|p| PublicityJson {
                until: p.until.utc_text(),
                is_final: p.final_at.is_some(),
            }),
            year_on_year: b.year_on_year.as_ref().map(|y| YoyBoardJson {
                period: y.previous,
                rules_changed: &y.rules_changed,
                note: yoy_rules_note(b),
            }),
            rows: b
                .board
                .rows
                .iter()
                .map(|r| RowJson {
                    rank: r.rank,
                    unit_id: r.unit_id,
                    unit: &r.name,
                    total: r.total,
                    tied: r.tied,
                    tie_broken_by: r.decided_by.iter().map(|&k| name(k)).collect(),
                    change: r.change,
                    change_label: r.change.label(),
                    previous_rank: r.previous_rank,
                    tier: r.tier,
                    indicators: b
                        .indicators
                        .iter()
                        .enumerate()
                        .map(|(k, i)| IndicatorJson {
                            id: i.id,
                            name: &i.name,
                            points: r.points[k],
                            rank: r.indicator_ranks[k],
                        })
                        .collect(),
                    bonus: r.bonus,
                    penalty: r.penalty,
                    missing: r.missing.iter().map(|&k| name(k)).collect(),
                    missing_quarters: &r.missing_quarters,
                    grade: r.grade.as_ref().map(|g| g.name.as_str()),
                    grade_note: r.grade.as_ref().map(grade_note).filter(|n| !n.is_empty()),
                    veto: r.veto.as_deref(),
                    streaks: &r.streaks,
                    red_flag: r.red_flag.as_ref(),
                    year_on_year: b
                        .year_on_year
                        .as_ref()
                        .and_then(|y| y.of(r.unit_id))
                        .map(|y| YoyJson {
                            rank: y.rank,
                            tied: y.tied,
                            group: y.other_group.as_deref(),
                            places: yoy_places(r, y),
                            note: yoy_note(y),
                        }),
                })
                .collect(),
        }
    }
}

/// A correction's recorded reason as the public reads it: without the import batch and file
/// name (「导入批次#11（q1-fix.csv）更正了…」 → 「更正了…」), which are the staff's.
#[must_use]
pub fn public_reason(reason: &str) -> String {
    let mut r = reason.to_string();
    // 「导入批次#11（file）」 and 「撤销导入批次#9」 name a batch and a file.
    if let Some(rest) = r.strip_prefix("导入批次#")
        && let Some(at) = rest.find('）')
    {
        r = rest[at + '）'.len_utf8()..].to_string();
    }
    if let Some(rest) = r.strip_prefix("撤销导入批次#") {
        let after = rest.trim_start_matches(|c: char| c.is_ascii_digit());
        r = format!("撤销一次导入{after}");
    }
    r
}

/// What a file holds, in the words the preview and the audit log share:
/// 「88个分值、6条备注」.
#[must_use]
pub fn file_items(plan: &crate::import::ImportPlan) -> String {
    if plan.remarks == 0 {
        format!("{}个分值", plan.values)
    } else {
        format!("{}个分值、{}条备注", plan.values, plan.remarks)
    }
}

/// What a change does, counted the way `file_items` counts the file:
/// 「新增88个分值和6条备注，变更0个分值，清空0个分值」.
#[must_use]
pub fn change_counts(s: &crate::import::ChangeSummary) -> String {
    let n = |values: usize, remarks: usize| match (values, remarks) {
        (v, 0) => format!("{v}个分值"),
        (0, r) => format!("{r}条备注"),
        (v, r) => format!("{v}个分值和{r}条备注"),
    };
    format!(
        "新增{}，变更{}，清空{}",
        n(s.added, s.remarks.added),
        n(s.changed, s.remarks.changed),
        n(s.removed, s.remarks.removed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movement_and_tier_words() {
        assert_eq!(Change::Up(2).label(), "↑2");
        assert_eq!(Change::Down(2).label(), "↓2");
        assert_eq!(Change::Same.label(), "—");
        assert_eq!(Change::New.label(), "新");
        assert_eq!(Change::Returned.label(), "上期未排名");
        assert_eq!(Change::First.label(), "");
        assert_eq!(Change::Returned.css(), "new");
        assert_eq!(Tier::Red.label(), "红榜");
        assert_eq!(Tier::Black.css(), "black");
    }
}
