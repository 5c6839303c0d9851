//! The lobby's view models: a row, a tier column, a mover, an honor, a slide.

use crate::boards::GroupBoard;
use crate::present::{ChangeText, TierText};
use crate::ranking::BoardRow;

pub struct LobbyRow {
    pub rank: String,
    pub tied: bool,
    /// Placed by a tie-break (同分), and why.
    pub tie_broken: bool,
    pub tie_note: String,
    /// 数据缺失, and what.
    pub missing: bool,
    pub missing_list: String,
    pub unit: String,
    pub total: String,
    pub change: String,
    pub change_css: &'static str,
    pub tier: &'static str,
    pub tier_css: &'static str,
    pub marks: crate::present::Marks,
}

impl LobbyRow {
    pub fn new(b: &GroupBoard, r: &BoardRow) -> LobbyRow {
        LobbyRow {
            rank: r.rank.map_or_else(|| "—".into(), |x| x.to_string()),
            tied: r.tied,
            tie_broken: crate::present::tie_broken(r),
            tie_note: crate::present::tie_note(b, r),
            missing: r.has_missing(),
            missing_list: crate::present::missing_note(b, r),
            unit: r.name.clone(),
            total: r.total.to_string(),
            change: r.change.label(),
            change_css: r.change.css(),
            tier: r.tier.label(),
            tier_css: r.tier.css(),
            marks: crate::present::Marks::new(r),
        }
    }
}

pub struct TierColumn {
    pub group: String,
    pub red: Vec<LobbyRow>,
    pub black: Vec<LobbyRow>,
}

pub struct MoverColumn {
    pub group: String,
    pub up: Vec<LobbyRow>,
    pub down: Vec<LobbyRow>,
}

pub struct HonorView {
    pub name: String,
    pub unit: String,
    pub title: String,
    pub citation: String,
}

pub enum SlideBody {
    Board {
        rows: Vec<LobbyRow>,
        roomy: bool,
        page: String,
        rules: String,
    },
    Tiers {
        columns: Vec<TierColumn>,
        /// `d-large`, `d-medium` or `d-small`.
        density: &'static str,
    },
    Movers {
        columns: Vec<MoverColumn>,
    },
    Chart {
        src: String,
        alt: String,
    },
    Honors {
        honors: Vec<HonorView>,
        /// `h-large` (up to four cards) or `h-medium`.
        density: &'static str,
    },
    Empty {
        message: String,
    },
}

pub struct SlideView {
    pub heading: String,
    pub seconds: u32,
    pub current: bool,
    pub body: SlideBody,
}
