//! The ranking engine: totals, ranks with ties, tie-breaks, movement, tiers and per-indicator
//! ranks for one group in one period, and the year-so-far board from the quarterly boards.
//! Pure: no database, no I/O, no clock.
//!
//! Ranking is standard competition ranking: a unit's rank is one more than the number of units
//! strictly better than it, so ties share a rank and the next rank skips (1, 2, 2, 4).
//!
//! The rules, as every board states them:
//! - a total is exact (Σ points × weight + bonus − penalty, to 1/10^8), or rounded once to the
//!   competition's configured decimals; ranks and tie-breaks use that same value;
//! - a unit with no indicator score in the period is not ranked (its file is not in yet); under
//!   the exclude rule neither is a unit with any missing score;
//! - a missing value is never better than a reported one: it comes after every reported value
//!   in a tie-break, and has no per-indicator rank; per-indicator ranks are among ranked units;
//! - 红榜/黑榜 cuts follow the group's `TierRules`; a unit that would be both is 红榜;
//! - a 一票否决 (veto) under `VetoRule::Last` ranks the unit after every unit without one; under
//!   either rule the unit is never 红榜 nor the top 等次, and takes no place of a quota;
//! - 等次 (grades, quarter boards only) go from the top band down: a unit gets the first band
//!   whose lower bound (inclusive) its total reaches and whose quota (⌊n × percent / 100⌋ of
//!   the n ranked units) has room, walking the units in rank order; a tie reaching across a
//!   quota follows `CutTies` (all in, or all out and the places it leaves stay empty), and a
//!   unit left out by a quota falls to the next band it reaches; under `VetoRule::Last` a vetoed unit gets the lowest band;
//! - movement compares with the previous published board; 新 is a unit's first ranked board,
//!   上期未排名 a unit that was ranked before, but not on the previous board;
//! - the year-so-far total is the sum of the quarterly totals as the quarterly boards have them,
//!   and a unit not ranked in one of those quarters is not ranked year to date.

pub mod analysis;
pub mod annual;
mod engine;
#[cfg(test)]
mod grade_tests;
pub mod streaks;
#[cfg(test)]
mod tests;

pub use crate::domain::{CutTies, VetoRule};
use crate::domain::{Direction, IndicatorId, MissingPolicy, Points, Total, UnitId};
pub use engine::{rank_cumulative, rank_group};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// An indicator as the engine sees it.
#[derive(Debug, Clone)]
pub struct IndicatorSpec {
    pub id: IndicatorId,
    pub name: String,
    /// Multiplier for the points; `None` means 1.
    pub weight: Option<Points>,
    pub direction: Direction,
}

/// One unit's inputs for the period.
#[derive(Debug, Clone)]
pub struct UnitScores {
    pub unit_id: UnitId,
    pub name: String,
    /// Parallel to the group's indicators; `None` is a missing score, never zero.
    pub points: Vec<Option<Points>>,
    pub bonus: Points,
    pub penalty: Points,
    /// 一票否决 in this period, with its reason.
    pub veto: Option<String>,
}

/// How the 红榜 and 黑榜 are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRules {
    /// Top N form the 红榜, bottom N the 黑榜.
    pub red: u32,
    pub black: u32,
    pub cut_ties: CutTies,
    /// A unit ranked in the top half (rank ≤ ⌈n/2⌉) is never on the 黑榜.
    pub black_spares_top_half: bool,
}

/// The group's configured rules.
#[derive(Debug, Clone)]
pub struct GroupRules {
    /// Indices into the indicators, applied in order when totals are equal.
    pub tie_breaks: Vec<usize>,
    pub missing: MissingPolicy,
    pub tiers: TierRules,
    /// Totals are rounded to this many decimals before ranking (a competition setting);
    /// `None`: exact.
    pub total_decimals: Option<u8>,
    /// 等次 bands from the top down; the last has no lower bound. Empty: no 等次.
    pub grades: Vec<GradeRule>,
    pub veto: VetoRule,
}

/// One 等次 band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeRule {
    pub name: String,
    /// The least total that reaches it (inclusive); `None` for the last band.
    pub min: Option<Points>,
    /// At most this percentage of the group's ranked units, rounded down.
    pub quota_percent: Option<u32>,
}

/// A unit's 等次 on a board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Grade {
    /// 0 for the top band.
    pub level: u8,
    /// The last band (不合格).
    #[serde(default)]
    pub lowest: bool,
    pub name: String,
    /// How a quota decided it, when one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaCut>,
}

/// A quota that decided a unit's 等次: the band whose quota it is, its size and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct QuotaCut {
    pub grade: String,
    pub quota: u32,
    pub kind: QuotaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaKind {
    /// The total reached the band, but its quota was already filled by better-ranked units.
    Beyond,
    /// Tied across the quota's cut; `CutTies::AllIn` admitted the whole tie.
    TieIn,
    /// Tied across the quota's cut; `CutTies::AllOut` left the whole tie out.
    TieOut,
}

/// The ranks movement is measured against.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// Ranks on the previous published board, by unit id.
    pub ranks: HashMap<UnitId, u32>,
    /// Units ranked on any published board before the previous one.
    pub ranked_earlier: HashSet<UnitId>,
}

/// Everything needed to rank one group in one period.
#[derive(Debug, Clone)]
pub struct GroupInput<'a> {
    pub indicators: &'a [IndicatorSpec],
    pub units: &'a [UnitScores],
    pub rules: &'a GroupRules,
    /// `None` when there is no previous period.
    pub previous: Option<&'a Previous>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "places", rename_all = "lowercase")]
pub enum Change {
    Up(u32),
    Down(u32),
    Same,
    /// Ranked for the first time.
    New,
    /// Ranked now and on an earlier board, but not on the previous one (上期未排名).
    Returned,
    /// There is no previous period to compare with.
    First,
    /// Not ranked in this period.
    Unranked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Red,
    Black,
    None,
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardRow {
    pub unit_id: UnitId,
    pub name: String,
    /// Indicator points as entered (year to date: summed over the quarters that have them),
    /// parallel to the indicators.
    pub points: Vec<Option<Points>>,
    /// Σ indicator points × weight, before bonus and penalty (exact).
    pub subtotal: Total,
    pub bonus: Points,
    pub penalty: Points,
    /// The value ranked: exact, or rounded once as the competition's rules say.
    pub total: Total,
    /// `None` when the unit is not ranked.
    pub rank: Option<u32>,
    /// Shares its rank with at least one other unit (并列).
    pub tied: bool,
    /// How many other units have the same total.
    pub equal_total: usize,
    /// Tie-break indicators (indices) that separated this unit from others with an equal total.
    pub decided_by: Vec<usize>,
    pub change: Change,
    pub previous_rank: Option<u32>,
    pub tier: Tier,
    /// Rank among the ranked units on each indicator (ties shared), `None` where the value is
    /// missing or the unit is not ranked.
    pub indicator_ranks: Vec<Option<u32>>,
    /// Indices of indicators with no score (数据缺失); year to date, missing in any quarter.
    pub missing: Vec<usize>,
    /// Year to date only: the quarters (1–4) in which the unit was not ranked.
    pub missing_quarters: Vec<u8>,
    /// 等次, when the rules have bands and the unit is ranked.
    pub grade: Option<Grade>,
    /// 一票否决, with its reason (year to date: of every quarter that had one).
    pub veto: Option<String>,
    /// Streaks this board continues (quarter boards, when the competition marks them).
    pub streaks: Vec<streaks::Streak>,
    /// The 流动红旗, on the first place (when the competition has one).
    pub red_flag: Option<streaks::RedFlag>,
}

impl BoardRow {
    /// The unit's total includes a missing value or a quarter without a ranking.
    #[must_use]
    pub fn has_missing(&self) -> bool {
        !self.missing.is_empty() || !self.missing_quarters.is_empty()
    }
}

/// A ranked group: rows ordered by rank (unranked last), then by input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    pub rows: Vec<BoardRow>,
}

impl Board {
    /// The rows of one tier (红榜 or 黑榜), in rank order.
    pub fn in_tier(&self, tier: Tier) -> impl Iterator<Item = &BoardRow> {
        self.rows.iter().filter(move |r| r.tier == tier)
    }

    /// Rank by unit id, for measuring the next board's movement.
    #[must_use]
    pub fn ranks(&self) -> HashMap<UnitId, u32> {
        self.rows
            .iter()
            .filter_map(|r| Some((r.unit_id, r.rank?)))
            .collect()
    }
}

/// One quarter's board of the group, for the year-so-far board.
#[derive(Debug, Clone, Copy)]
pub struct QuarterBoard<'a> {
    pub quarter: u8,
    pub board: &'a Board,
}

/// Everything needed to rank one group over the year so far.
#[derive(Debug, Clone)]
pub struct CumulativeInput<'a> {
    pub indicators: &'a [IndicatorSpec],
    /// The group's units (id, name) in display order.
    pub units: &'a [(UnitId, String)],
    /// The boards of quarters 1…N of the year, as ranked (or posted) for each quarter.
    pub quarters: &'a [QuarterBoard<'a>],
    pub rules: &'a GroupRules,
    /// The year-so-far ranks up to the quarter before; `None` for the first quarter.
    pub previous: Option<&'a Previous>,
}
