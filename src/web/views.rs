//! View models: board data turned into the strings templates show. No ranking here.

use crate::boards::GroupBoard;
use crate::store::{PeriodStatus, Structure};

/// What every page's frame shows.
pub struct Chrome {
    pub competition: String,
    pub demo: bool,
    pub data_as_of: String,
}

impl Chrome {
    pub fn new(s: Option<&Structure>) -> Chrome {
        let Some(s) = s else {
            return Chrome {
                competition: "尚未配置竞赛".into(),
                demo: false,
                data_as_of: "—".into(),
            };
        };
        let data_as_of = s.latest_published().map_or_else(
            || "—".into(),
            |p| {
                format!(
                    "{}（{}揭榜）",
                    p.key.label(),
                    p.published_at.as_deref().unwrap_or("")
                )
            },
        );
        Chrome {
            competition: s.competition.name.clone(),
            demo: s.competition.is_demo,
            data_as_of,
        }
    }
}

pub struct PeriodLink {
    pub key: String,
    pub label: String,
    pub current: bool,
    pub draft: bool,
}

pub fn period_links(s: &Structure, current: Option<crate::domain::PeriodKey>) -> Vec<PeriodLink> {
    s.periods
        .iter()
        .map(|p| PeriodLink {
            key: p.key.to_string(),
            label: p.key.label(),
            current: Some(p.key) == current,
            draft: p.status == PeriodStatus::Draft,
        })
        .collect()
}

pub struct PeriodInfo {
    pub status: &'static str,
    pub published_at: Option<String>,
    pub compared_with: Option<String>,
}

pub struct BoardView {
    pub group_id: i64,
    pub group_name: String,
    pub period_label: String,
    pub rules_text: String,
    pub rows: Vec<RowView>,
}

pub struct RowView {
    pub rank: String,
    pub tied: bool,
    pub unit: String,
    pub total: String,
    pub change: String,
    pub change_css: &'static str,
    pub tier: &'static str,
    pub tier_css: &'static str,
    pub missing: bool,
    pub missing_list: String,
}

impl BoardView {
    pub fn new(b: &GroupBoard) -> BoardView {
        BoardView {
            group_id: b.group.id,
            group_name: b.group.name.clone(),
            period_label: b.period.key.label(),
            rules_text: b.rules_text.clone(),
            rows: b
                .board
                .rows
                .iter()
                .map(|r| RowView {
                    rank: r
                        .rank
                        .map_or_else(|| "不参与排名".into(), |x| x.to_string()),
                    tied: r.tied,
                    unit: r.name.clone(),
                    total: r.total.to_string(),
                    change: r.change.label(),
                    change_css: r.change.css(),
                    tier: r.tier.label(),
                    tier_css: r.tier.css(),
                    missing: !r.missing.is_empty(),
                    missing_list: format!(
                        "缺少：{}",
                        r.missing
                            .iter()
                            .map(|&k| b.indicators[k].name.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                })
                .collect(),
        }
    }
}
