//! The small enums a competition's rules are written with. Each has one table of codes (`codes!`):
//! the code it is configured, stored and exchanged as, and the aliases a file may also use.
//! Parsing and printing come from the same table, so they cannot disagree.

use serde::{Deserialize, Serialize};

/// A code that is not one of an enum's codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("「{code}」不是有效的{what}")]
pub struct UnknownCode {
    pub what: &'static str,
    pub code: String,
}

/// Defines `as_str`, `FromStr` and `Display` of an enum from one table of codes.
macro_rules! codes {
    ($what:literal $ty:ident { $($variant:ident = $code:literal $(| $alias:literal)*),+ $(,)? }) => {
        impl $ty {
            /// The code it is stored and exchanged as.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $code,)+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::domain::UnknownCode;
            fn from_str(s: &str) -> std::result::Result<Self, $crate::domain::UnknownCode> {
                match s {
                    $($code $(| $alias)* => Ok($ty::$variant),)+
                    _ => Err($crate::domain::UnknownCode { what: $what, code: s.to_string() }),
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use codes;

/// Whether a higher or a lower value is better on an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

codes!("方向" Direction {
    Higher = "higher" | "高" | "越高越好",
    Lower = "lower" | "低" | "越低越好",
});

/// What sort of body a unit is; exchanged (JSON) by its code, `区`, `街道` or `部门`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    District,
    Street,
    Department,
}

codes!("单位类型" UnitKind {
    District = "区" | "district",
    Street = "街道" | "street",
    Department = "部门" | "department",
});

impl Serialize for UnitKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
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

codes!("缺项规则" MissingPolicy {
    Zero = "zero",
    Exclude = "exclude",
});

/// What happens to units tied across a 红榜 or 黑榜 cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CutTies {
    /// Every unit of a tie that reaches into the tier is in it (并列者同榜).
    #[default]
    AllIn,
    /// A tie that does not fit entirely inside the tier is left out of it.
    AllOut,
}

codes!("并列处理规则" CutTies {
    AllIn = "all-in",
    AllOut = "all-out",
});

/// What a 一票否决 does to a unit's place (a competition setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum VetoRule {
    /// Ranked after every unit without a veto, the lowest 等次, never 红榜, no quota place.
    #[default]
    Last,
    /// Keeps its rank, but is never 红榜 nor the top 等次 (and takes no place of its quota).
    NoTop,
}

codes!("一票否决规则" VetoRule {
    Last = "last",
    NoTop = "no_top",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_what_they_write() {
        for d in [Direction::Higher, Direction::Lower] {
            assert_eq!(d.as_str().parse::<Direction>(), Ok(d));
        }
        assert_eq!("越低越好".parse::<Direction>(), Ok(Direction::Lower));
        assert_eq!("街道".parse::<UnitKind>(), Ok(UnitKind::Street));
        assert_eq!(UnitKind::Department.to_string(), "部门");
        let e = "sideways".parse::<Direction>().unwrap_err();
        assert_eq!(e.to_string(), "「sideways」不是有效的方向");
        assert_eq!("all-out".parse::<CutTies>(), Ok(CutTies::AllOut));
        assert!("zero ".parse::<MissingPolicy>().is_err());
    }
}
