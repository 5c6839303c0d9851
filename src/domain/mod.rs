//! Plain domain values shared by every module: points and totals, periods, directions, unit
//! kinds and the rule settings. No I/O.

mod ids;
mod period;
mod points;
mod rules;
mod zone;

pub use ids::{GroupId, IndicatorId, PeriodId, UnitId};
pub use period::{PeriodKey, View};
pub use points::{MAX_DECIMALS, Points, SCALE, TOTAL_SCALE, Total};
pub(crate) use rules::codes;
pub use rules::{CutTies, Direction, MissingPolicy, UnitKind, UnknownCode, VetoRule};
pub use zone::{Stamp, UnknownZone, Zone};
