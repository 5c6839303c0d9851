//! The small enums a competition's rules are written with.

use serde::Serialize;

/// Whether a higher or a lower value is better on an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "higher" | "高" | "越高越好" => Some(Direction::Higher),
            "lower" | "低" | "越低越好" => Some(Direction::Lower),
            _ => None,
        }
    }
}

/// What sort of body a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UnitKind {
    District,
    Street,
    Department,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::District => "区",
            UnitKind::Street => "街道",
            UnitKind::Department => "部门",
        }
    }
    pub fn parse(s: &str) -> Option<UnitKind> {
        match s.trim() {
            "区" | "district" => Some(UnitKind::District),
            "街道" | "street" => Some(UnitKind::Street),
            "部门" | "department" => Some(UnitKind::Department),
            _ => None,
        }
    }
}

/// How a total treats a unit's missing indicator scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// A missing score counts as 0 and the unit is flagged 数据缺失.
    Zero,
    /// A unit with any missing score is not ranked (shown 不参与排名).
    Exclude,
}

impl MissingPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingPolicy::Zero => "zero",
            MissingPolicy::Exclude => "exclude",
        }
    }
    pub fn parse(s: &str) -> Option<MissingPolicy> {
        match s {
            "zero" => Some(MissingPolicy::Zero),
            "exclude" => Some(MissingPolicy::Exclude),
            _ => None,
        }
    }
}

/// What happens to units tied across a 红榜 or 黑榜 cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CutTies {
    /// Every unit of a tie that reaches into the tier is in it (并列者同榜).
    #[default]
    AllIn,
    /// A tie that does not fit entirely inside the tier is left out of it.
    AllOut,
}

impl CutTies {
    pub fn as_str(self) -> &'static str {
        match self {
            CutTies::AllIn => "all-in",
            CutTies::AllOut => "all-out",
        }
    }
    pub fn parse(s: &str) -> Option<CutTies> {
        match s {
            "all-in" => Some(CutTies::AllIn),
            "all-out" => Some(CutTies::AllOut),
            _ => None,
        }
    }
}
