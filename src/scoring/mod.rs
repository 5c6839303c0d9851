//! Scoring rules (考核细则): a group's raw figures for one indicator and period → each unit's
//! points, exactly. Seven methods, every one computed in exact fractions (`exact::Ratio`) and
//! rounded once, half away from zero (四舍五入), to the indicator's decimals; no intermediate
//! value is ever rounded. A missing raw value scores nothing here (the board counts it 0 and
//! marks it 数据缺失) and is left out of every group reference (best, worst, average, places).
//! Pure: no storage, no words (the working of each result is returned as numbers).

pub mod exact;
mod methods;
#[cfg(test)]
mod tests;

use crate::domain::{Direction, Points};
pub use exact::{Overflow, Ratio};
pub use methods::score;

/// How an indicator turns raw figures into points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// The value is the points (what every indicator did before scoring rules).
    Direct,
    /// 完成率 = actual ÷ target × 100 %: `base` points at 100 %; each percentage point over
    /// adds `bonus_per_point` (fractions in proportion), at most `bonus_cap` in all; each
    /// point under deducts `deduct_per_point`; never below 0.
    Completion {
        base: Ratio,
        bonus_per_point: Ratio,
        bonus_cap: Ratio,
        deduct_per_point: Ratio,
    },
    /// 完成得满分，未完成不得分: `full` when the target is met (≥, or ≤ for lower-is-better),
    /// else `partial` (0 unless the rules give some).
    Threshold { full: Ratio, partial: Ratio },
    /// 功效系数法: d = 60 + 40 × (x − x_s) ÷ (x_h − x_s), points = `max` × d ÷ 100. With
    /// `clamp`, d stays within 60–100 (a value past 满意值 counts as 满意值, one short of
    /// 不允许值 as 不允许值).
    Efficacy {
        max: Ratio,
        reference: Reference,
        clamp: bool,
    },
    /// 按位次赋分: places by value (ties share the best place: 1, 2, 2, 4), points by place
    /// from the ladder; the first `top.0` places gain `top.1`, the last `bottom.0` lose
    /// `bottom.1`; never below 0.
    Ladder {
        ladder: Ladder,
        top: Option<(u32, Ratio)>,
        bottom: Option<(u32, Ratio)>,
    },
    /// 扣分制: `base`, less so much per event of each kind (一般事故 2, 较大事故 5); never
    /// below 0.
    Deduction {
        base: Ratio,
        per_kind: Vec<(String, Ratio)>,
    },
    /// 加分 items: each achievement counts once, at its highest level's points; each
    /// category at most its cap; the sum at most `total_cap`.
    Items {
        levels: Vec<(String, Ratio)>,
        category_caps: Vec<(String, Ratio)>,
        total_cap: Option<Ratio>,
    },
    /// Against the group average of the reported values: `base`, plus credit per point above
    /// (band by band), less per point below, within `floor`–`cap`. The difference is in the
    /// value's own unit (percentage points for a %), or with `relative` in per cent of the
    /// average.
    Average {
        base: Ratio,
        above: Vec<Band>,
        below: Vec<Band>,
        relative: bool,
        floor: Ratio,
        cap: Ratio,
    },
}

impl Method {
    /// Whether one unit's points depend on the other units' values (adding or removing a
    /// unit changes everyone's points): the page says so.
    #[must_use]
    pub fn is_relative(&self) -> bool {
        matches!(
            self,
            Method::Efficacy {
                reference: Reference::GroupBestWorst,
                ..
            } | Method::Ladder { .. }
                | Method::Average { .. }
        )
    }
}

/// 功效系数法's 满意值 and 不允许值.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// Fixed numbers from the rules.
    Fixed {
        satisfied: Ratio,
        unacceptable: Ratio,
    },
    /// The group's best and worst reported values of the period.
    GroupBestWorst,
}

/// Points by place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ladder {
    /// `first` for place 1, `step` less for each place after.
    Step { first: Ratio, step: Ratio },
    /// Points of places 1, 2, 3, …; places past the list get 0.
    List(Vec<Ratio>),
}

/// A band of the difference from the average: its `width` in points (`None`: the rest) and
/// the credit per point within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band {
    pub width: Option<Ratio>,
    pub per_point: Ratio,
}

/// An indicator's rule in a group: its method, which way is better, and the decimals its
/// points are rounded to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub method: Method,
    pub direction: Direction,
    pub decimals: u8,
}

/// One unit's raw figures for the indicator and period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Missing,
    /// A measured value and, for the methods against a target, the target.
    Value {
        actual: Ratio,
        target: Option<Ratio>,
    },
    /// Events by kind (扣分制).
    Counts(Vec<(String, Ratio)>),
    /// Achievements (加分 items).
    Items(Vec<Item>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub category: String,
    /// What was achieved: the same achievement listed twice counts once.
    pub achievement: String,
    pub level: String,
}

/// What scoring refused, naming the unit by its position in the inputs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoringError {
    #[error(transparent)]
    Overflow(#[from] Overflow),
    #[error("缺少目标值")]
    MissingTarget { unit: usize },
    #[error("目标值为0，无法计算完成率")]
    ZeroTarget { unit: usize },
    #[error("目标值为负数，无法计算完成率")]
    NegativeTarget { unit: usize },
    #[error("事件类别「{kind}」不在扣分标准中")]
    UnknownKind { unit: usize, kind: String },
    #[error("事件数「{count}」应为不小于0的整数")]
    BadCount { unit: usize, count: String },
    #[error("级别「{level}」不在加分标准中")]
    UnknownLevel { unit: usize, level: String },
    #[error("该计分方法需要{expected}")]
    WrongInput { unit: usize, expected: &'static str },
}

/// One unit's result: its points (`None`: no raw value) exact and rounded, and the numbers
/// the why page states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    pub points: Option<Points>,
    pub exact: Option<Ratio>,
    pub working: Working,
}

/// The numbers behind a unit's points, method by method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Working {
    Missing,
    Direct,
    Completion {
        /// In per cent.
        rate: Ratio,
        bonus: Ratio,
        /// The bonus before its cap, when the cap was reached.
        bonus_uncapped: Option<Ratio>,
        deduction: Ratio,
        floored: bool,
    },
    Threshold {
        met: bool,
    },
    Efficacy {
        /// x_h and x_s as used.
        satisfied: Ratio,
        unacceptable: Ratio,
        /// The coefficient d, after any clamp.
        d: Ratio,
        clamped: bool,
        all_equal: bool,
    },
    Ladder {
        place: u32,
        ranked: u32,
        from_ladder: Ratio,
        extra: Ratio,
        floored: bool,
    },
    Deduction {
        /// (kind, events, points each).
        events: Vec<(String, Ratio, Ratio)>,
        deducted: Ratio,
        floored: bool,
    },
    Items {
        /// (category, achievement, level, points) as counted.
        counted: Vec<(String, String, String, Ratio)>,
        /// Categories whose cap was reached.
        capped: Vec<String>,
        total_capped: bool,
    },
    Average {
        average: Ratio,
        /// Above (+) or below (−) the average, in the method's points of difference.
        difference: Ratio,
        adjustment: Ratio,
        limited: bool,
    },
}
