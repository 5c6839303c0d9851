//! A unit across the years: its name in each year's scheme, and where it came from or went
//! when it did not simply continue (merged, split off).

use super::Result;
use crate::domain::UnitId;
use rusqlite::Connection;

/// What a unit's profile says about its identity over the years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lineage {
    /// (year of the scheme, the unit's name under it), oldest first.
    pub names: Vec<(i32, String)>,
    /// (year, the units it was merged from), when it was formed by a merger.
    pub merged_from: Option<(i32, Vec<(UnitId, String)>)>,
    /// (year, the unit it was split off), when it was.
    pub split_from: Option<(i32, UnitId, String)>,
    /// (year, the unit it was merged into), when it was merged away.
    pub merged_into: Option<(i32, UnitId, String)>,
}

impl Lineage {
    /// Earlier names that differ from the latest, oldest first, each with the year it last
    /// held.
    #[must_use]
    pub fn former_names(&self) -> Vec<(i32, &str)> {
        let Some((_, latest)) = self.names.last() else {
            return Vec::new();
        };
        let mut out: Vec<(i32, &str)> = Vec::new();
        for (y, n) in &self.names {
            if n != latest {
                match out.iter_mut().find(|(_, x)| x == n) {
                    Some(e) => e.0 = *y,
                    None => out.push((*y, n)),
                }
            }
        }
        out
    }
}

/// The unit's name in the latest scheme it was in.
fn last_name(conn: &Connection, unit: UnitId) -> Result<String> {
    Ok(conn.query_row(
        "SELECT m.name FROM unit_scheme m JOIN competition c ON c.id = m.competition_id
         WHERE m.unit_id = ?1 ORDER BY c.year DESC LIMIT 1",
        [unit],
        |r| r.get(0),
    )?)
}

pub fn lineage(conn: &Connection, unit: UnitId) -> Result<Lineage> {
    let names: Vec<(i32, String)> = conn
        .prepare(
            "SELECT c.year, m.name FROM unit_scheme m JOIN competition c ON c.id = m.competition_id
             WHERE m.unit_id = ?1 ORDER BY c.year",
        )?
        .query_map([unit], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let origins: Vec<(i32, String, UnitId)> = conn
        .prepare(
            "SELECT c.year, o.kind, o.from_unit FROM unit_origin o
             JOIN competition c ON c.id = o.competition_id
             WHERE o.unit_id = ?1 ORDER BY o.from_unit",
        )?
        .query_map([unit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Lineage {
        names,
        ..Lineage::default()
    };
    for (year, kind, from) in origins {
        let name = last_name(conn, from)?;
        if kind == "split" {
            out.split_from = Some((year, from, name));
        } else {
            let entry = out.merged_from.get_or_insert_with(|| {
                // A unit that absorbed others names itself first, as it was the year before.
                let own = out
                    .names
                    .iter()
                    .rev()
                    .find(|(y, _)| *y < year)
                    .map(|(_, n)| (unit, n.clone()));
                (year, own.into_iter().collect())
            });
            entry.1.push((from, name));
        }
    }
    let into: Option<(i32, UnitId)> = conn
        .prepare(
            "SELECT c.year, o.unit_id FROM unit_origin o JOIN competition c ON c.id = o.competition_id
             WHERE o.from_unit = ?1 AND o.kind = 'merge' AND o.unit_id != ?1 LIMIT 1",
        )?
        .query_map([unit], |r| Ok((r.get(0)?, r.get(1)?)))?
        .next()
        .transpose()?;
    if let Some((year, to)) = into {
        out.merged_into = Some((year, to, last_name(conn, to)?));
    }
    Ok(out)
}
