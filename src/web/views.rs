//! View models: boards turned into the strings templates show. No ranking here.

use crate::boards::GroupBoard;
use crate::domain::{GroupId, UnitId};
use crate::domain::{PeriodKey, Points};
use crate::present::ChangeText;
use crate::ranking::BoardRow;
use crate::store::{PeriodStatus, Structure};

/// What every page's frame shows.
pub struct Chrome {
    pub competition: String,
    pub demo: bool,
    pub data_as_of: String,
    pub print: bool,
    /// A page too wide for A4 portrait: printed landscape.
    pub landscape: bool,
    pub css: &'static str,
}

impl Chrome {
    pub fn new(s: Option<&Structure>) -> Chrome {
        let Some(s) = s else {
            return Chrome {
                competition: "尚未配置竞赛".into(),
                demo: false,
                data_as_of: "—".into(),
                print: false,
                landscape: false,
                css: super::assets::style_url(),
            };
        };
        let data_as_of = s.latest_published().map_or_else(
            || "—".into(),
            |p| {
                format!(
                    "{}（{}揭榜）",
                    p.key.label(),
                    p.published_at
                        .map(|t| s.competition.zone.show(t))
                        .unwrap_or_default()
                )
            },
        );
        Chrome {
            competition: s.competition.name.clone(),
            demo: s.competition.is_demo,
            data_as_of,
            print: false,
            landscape: false,
            css: super::assets::style_url(),
        }
    }
}

pub struct PeriodLink {
    pub key: String,
    pub label: String,
    pub current: bool,
}

/// Published periods only: drafts are not shown before 揭榜.
pub fn period_links(s: &Structure, current: Option<PeriodKey>) -> Vec<PeriodLink> {
    s.periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published)
        .map(|p| PeriodLink {
            key: p.key.to_string(),
            label: p.key.label(),
            current: Some(p.key) == current,
        })
        .collect()
}

/// A chart on a page: the desktop drawing, the phone's (drawn 360 px wide, picked by the
/// browser for a narrow screen) and the words that stand for it.
pub struct Chart {
    pub url: String,
    pub phone: String,
    pub alt: String,
}

impl Chart {
    pub fn new(url: String, alt: String) -> Self {
        let phone = format!(
            "{url}{}size=phone",
            if url.contains('?') { '&' } else { '?' }
        );
        Chart { url, phone, alt }
    }
}

/// A link to another year in the year switch.
pub struct YearLink {
    pub label: String,
    pub url: String,
    pub current: bool,
}

/// The years with a published period, oldest first.
pub fn published_years(s: &Structure) -> Vec<i32> {
    let mut years: Vec<i32> = s
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published)
        .map(|p| p.key.year)
        .collect();
    years.dedup();
    years
}

/// In `year`, the published period of `quarter`, or else the latest published one.
pub fn year_period(s: &Structure, year: i32, quarter: u8) -> Option<PeriodKey> {
    let mut published = s
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published && p.key.year == year);
    published
        .clone()
        .find(|p| p.key.quarter == quarter)
        .or_else(|| published.next_back())
        .map(|p| p.key)
}

pub struct PeriodInfo {
    pub status: &'static str,
    pub published_at: Option<String>,
    pub compared_with: Option<String>,
    /// A result's 公示, in words.
    pub publicity: Option<String>,
    /// The 红榜·黑榜 poster of the period (phone size; `&size=wide` for a screen).
    pub poster_url: String,
}

/// A unit's line in a short list (cards, movers).
pub struct BriefRow {
    pub rank: String,
    pub tied: bool,
    /// Placed by a tie-break (同分), and why.
    pub tie_broken: bool,
    pub tie_note: String,
    /// 数据缺失, and what.
    pub missing: bool,
    pub missing_list: String,
    pub unit: String,
    pub unit_id: UnitId,
    pub total: String,
    pub change: String,
    pub change_css: &'static str,
}

impl BriefRow {
    pub fn new(b: &GroupBoard, r: &BoardRow) -> BriefRow {
        BriefRow {
            rank: rank_text(r),
            tied: r.tied,
            tie_broken: crate::present::tie_broken(r),
            tie_note: crate::present::tie_note(b, r),
            missing: r.has_missing(),
            missing_list: crate::present::missing_note(b, r),
            unit: r.name.clone(),
            unit_id: r.unit_id,
            total: r.total.to_string(),
            change: r.change.label(),
            change_css: r.change.css(),
        }
    }
}

pub fn rank_text(r: &BoardRow) -> String {
    r.rank
        .map_or_else(|| "不参与排名".into(), |x| x.to_string())
}

pub fn opt(p: Option<Points>) -> String {
    p.map_or_else(|| "—".into(), |p| p.to_string())
}

/// Signed, with an explicit `+` for gains.
pub fn signed(p: Option<Points>) -> String {
    match p {
        Some(p) if p.0 > 0 => format!("+{p}"),
        Some(p) => p.to_string(),
        None => "—".into(),
    }
}

pub struct Card {
    pub group_id: GroupId,
    pub group_name: String,
    pub unit_count: usize,
    pub board_url: String,
    /// The year so far (1–3季度累计) from the second quarter on: (label, address).
    pub cumulative: Option<(String, String)>,
    pub red: Vec<BriefRow>,
    pub black: Vec<BriefRow>,
    pub climbers: Vec<BriefRow>,
    pub fallers: Vec<BriefRow>,
}

impl Card {
    pub fn new(b: &GroupBoard) -> Card {
        use crate::ranking::Tier;
        let (up, down) = crate::ranking::analysis::movers(&b.board, 3);
        Card {
            group_id: b.group.id,
            group_name: b.group.name.clone(),
            unit_count: b.board.rows.len(),
            board_url: super::urls::board(b.period.key, b.group.id),
            cumulative: (b.period.key.quarter > 1 && !b.period.key.is_annual()).then(|| {
                (
                    b.period.key.year_to_date_short(),
                    super::urls::board_view(
                        b.period.key,
                        b.group.id,
                        crate::boards::View::Cumulative,
                    ),
                )
            }),
            red: b
                .board
                .in_tier(Tier::Red)
                .map(|r| BriefRow::new(b, r))
                .collect(),
            black: b
                .board
                .in_tier(Tier::Black)
                .map(|r| BriefRow::new(b, r))
                .collect(),
            climbers: up.into_iter().map(|r| BriefRow::new(b, r)).collect(),
            fallers: down.into_iter().map(|r| BriefRow::new(b, r)).collect(),
        }
    }
}
