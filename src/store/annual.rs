//! The year's result in the database: the scheme's rule (`competition.annual`, JSON), 公示
//! (`publicity`) and 申诉 (`appeal`).

use super::Result;
use crate::domain::{PeriodId, Points, Stamp, UnitId};
use crate::ranking::annual::{AnnualRule, QuarterBasis};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// `AnnualRule` as stored: points as integers in 1/10000.
#[derive(Serialize, Deserialize)]
struct Stored {
    basis: QuarterBasis,
    quarters_weight: Option<i64>,
    red: Option<u32>,
    black: Option<u32>,
    grades: Vec<(String, Option<i64>, Option<u32>)>,
    publicity_days: u32,
}

pub(super) fn encode(r: &AnnualRule) -> String {
    serde_json::to_string(&Stored {
        basis: r.basis.clone(),
        quarters_weight: r.quarters_weight.map(|p| p.0),
        red: r.red,
        black: r.black,
        grades: r
            .grades
            .iter()
            .map(|(n, m, q)| (n.clone(), m.map(|p| p.0), *q))
            .collect(),
        publicity_days: r.publicity_days,
    })
    .unwrap_or_default()
}

/// A stored rule read back; text that is not one is a damaged database, said as such.
pub(super) fn decode(text: &str) -> Result<AnnualRule> {
    let s: Stored = serde_json::from_str(text).map_err(|e| {
        super::StoreError::Io(std::io::Error::other(format!(
            "数据库中年度综合考评的规则有误：{e}"
        )))
    })?;
    Ok(AnnualRule {
        basis: s.basis,
        quarters_weight: s.quarters_weight.map(Points),
        red: s.red,
        black: s.black,
        grades: s
            .grades
            .into_iter()
            .map(|(n, m, q)| (n, m.map(Points), q))
            .collect(),
        publicity_days: s.publicity_days,
    })
}

/// A published result's 公示: until when, and when (and by whom) it was declared final early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publicity {
    pub until: Stamp,
    pub final_at: Option<Stamp>,
    pub final_by: Option<String>,
}

impl Publicity {
    /// Final: declared so, or the 公示期 is over.
    #[must_use]
    pub fn is_final(&self, now: Stamp) -> bool {
        self.final_at.is_some() || now >= self.until
    }
}

pub fn publicity(conn: &Connection, period: PeriodId) -> Result<Option<Publicity>> {
    Ok(conn
        .query_row(
            "SELECT until, final_at, final_by FROM publicity WHERE period_id = ?1",
            [period],
            |r| {
                Ok(Publicity {
                    until: r.get(0)?,
                    final_at: r.get(1)?,
                    final_by: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Starts the 公示 of a result published now (in the publishing transaction).
pub fn start_publicity(conn: &Connection, period: PeriodId, until: Stamp) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO publicity (period_id, until) VALUES (?1, ?2)",
        (period, until),
    )?;
    Ok(())
}

/// Marks final every 公示 whose period is over (by `公示期满`, at its end).
pub fn close_expired_publicity(conn: &Connection, now: Stamp) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE publicity SET final_at = until, final_by = ?2 WHERE final_at IS NULL AND until <= ?1",
        (now, EXPIRED),
    )?)
}

/// Who made a result final when its 公示期 ran out.
pub const EXPIRED: &str = "公示期满";

/// Declares a result final before its 公示期 ends.
pub fn end_publicity(conn: &Connection, period: PeriodId, by: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE publicity SET final_at = ?2, final_by = ?3 WHERE period_id = ?1 AND final_at IS NULL",
        (period, super::now(), by),
    )? > 0)
}

/// One 申诉 and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    pub id: i64,
    pub unit_id: UnitId,
    pub unit: String,
    pub text: String,
    pub received_at: Stamp,
    pub recorded_by: String,
    /// (answer, upheld, when, by).
    pub answer: Option<(String, bool, Stamp, String)>,
}

pub fn appeals(conn: &Connection, period: PeriodId) -> Result<Vec<Appeal>> {
    Ok(conn
        .prepare(
            "SELECT a.id, a.unit_id, u.name, a.text, a.received_at, a.recorded_by,
                    a.answer, a.upheld, a.answered_at, a.answered_by
             FROM appeal a JOIN unit u ON u.id = a.unit_id WHERE a.period_id = ?1 ORDER BY a.id",
        )?
        .query_map([period], |r| {
            let answer: Option<String> = r.get(6)?;
            Ok(Appeal {
                id: r.get(0)?,
                unit_id: r.get(1)?,
                unit: r.get(2)?,
                text: r.get(3)?,
                received_at: r.get(4)?,
                recorded_by: r.get(5)?,
                answer: match answer {
                    Some(a) => Some((
                        a,
                        r.get::<_, Option<bool>>(7)?.unwrap_or(false),
                        r.get(8)?,
                        r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                    )),
                    None => None,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn add_appeal(
    conn: &Connection,
    period: PeriodId,
    unit: UnitId,
    text: &str,
    by: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO appeal (period_id, unit_id, text, received_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        (period, unit, text, super::now(), by),
    )?;
    Ok(conn.last_insert_rowid())
}

/// Records the answer to an appeal not yet answered; `false` when there is none such.
pub fn answer_appeal(
    conn: &Connection,
    id: i64,
    answer: &str,
    upheld: bool,
    by: &str,
) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE appeal SET answer = ?2, upheld = ?3, answered_at = ?4, answered_by = ?5
         WHERE id = ?1 AND answer IS NULL",
        (id, answer, upheld, super::now(), by),
    )? > 0)
}
