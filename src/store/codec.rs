//! How the domain's enums are stored: by their codes (`as_str`/`FromStr`), and a value that
//! is not a known code is an error when read — never silently taken for a default.

use super::structure::PeriodStatus;
use crate::auth::Role;
use crate::domain::{
    CutTies, Direction, GroupId, IndicatorId, MissingPolicy, PeriodId, UnitId, UnitKind, VetoRule,
    View,
};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! stored_as_code {
    ($($ty:ty),+) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e| FromSqlError::Other(Box::new(e)))
            }
        }
    )+};
}

stored_as_code!(
    Direction,
    UnitKind,
    MissingPolicy,
    CutTies,
    VetoRule,
    PeriodStatus,
    View,
    Role
);

macro_rules! stored_as_integer {
    ($($ty:ident),+) => {$(
        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }

        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_i64().map($ty)
            }
        }
    )+};
}

stored_as_integer!(UnitId, GroupId, PeriodId, IndicatorId);

/// An instant is stored as UTC text (`2023-10-15T01:00:00Z`); anything else is an error when
/// read, never taken for another time.
impl ToSql for crate::domain::Stamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.utc_text()))
    }
}

impl FromSql for crate::domain::Stamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        crate::domain::Stamp::parse_utc(text).ok_or_else(|| {
            FromSqlError::Other(
                format!("「{text}」不是 UTC 时间（应为 2023-10-15T01:00:00Z）").into(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn an_unknown_stored_code_is_an_error_not_a_default() {
        let c = Connection::open_in_memory().unwrap();
        let d: Direction = c.query_row("SELECT 'lower'", [], |r| r.get(0)).unwrap();
        assert_eq!(d, Direction::Lower);
        let bad: rusqlite::Result<Direction> = c.query_row("SELECT 'sideways'", [], |r| r.get(0));
        assert!(bad.is_err());
        let s: PeriodStatus = c
            .query_row("SELECT ?1", [PeriodStatus::Published], |r| r.get(0))
            .unwrap();
        assert_eq!(s, PeriodStatus::Published);
    }
}
