//! Row ids as distinct types, so a unit's id cannot be passed where a group's belongs. They
//! are SQLite rowids: stored and exchanged (JSON, URLs) as plain integers.

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )+};
}

ids!(
    /// A 参赛单位.
    UnitId,
    /// A 组别.
    GroupId,
    /// A 期间 (quarter).
    PeriodId,
    /// A 指标.
    IndicatorId,
);
