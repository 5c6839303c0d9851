//! Honors and lobby playlists in the database.

use super::structure::load_periods;
use super::{Result, bump_version};
use crate::competition::Catalog;
use crate::domain::PeriodKey;
use crate::domain::{PeriodId, UnitId};
use crate::import::honors::HonorPlan;
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct HonorRow {
    pub period: PeriodKey,
    pub name: String,
    pub unit_id: Option<UnitId>,
    pub unit_text: String,
    pub title: String,
    pub citation: String,
}

/// Replaces the honors of every period in the plan (earlier ones go to `honor_history`), in
/// the caller's transaction.
pub fn replace_honors(
    tx: &Transaction<'_>,
    catalog: &Catalog,
    plan: &HonorPlan,
    file_name: &str,
    actor: &str,
) -> Result<usize> {
    let comp = super::competition_id(tx)?;
    tx.execute(
        "INSERT INTO import_batch (file_name, sha256, encoding, layout, row_count, value_count, actor, created_at)
         VALUES (?1, ?2, ?3, 'honors', ?4, ?4, ?5, ?6)",
        (file_name, &plan.sha256, plan.encoding.as_str(), plan.entries.len() as i64, actor, super::now()),
    )?;
    let batch = tx.last_insert_rowid();
    let periods = load_periods(tx, comp)?;
    for key in plan.periods() {
        let pid = match periods.iter().find(|p| p.key == key) {
            Some(p) => p.id,
            None => {
                if let Some(later) = periods
                    .iter()
                    .find(|p| p.key > key && p.status == super::PeriodStatus::Published)
                {
                    return Err(super::Refusal::HonorsBeforePublished {
                        period: key,
                        published: later.key,
                    }
                    .into());
                }
                super::create_period(tx, comp, key)?
            }
        };
        tx.execute(
            "INSERT INTO honor_history (period_id, name, unit_id, unit_text, title, citation, position, batch_id, replaced_by)
             SELECT period_id, name, unit_id, unit_text, title, citation, position, batch_id, ?2 FROM honor WHERE period_id = ?1",
            (pid, batch),
        )?;
        tx.execute("DELETE FROM honor WHERE period_id = ?1", [pid])?;
        for (pos, e) in plan.entries.iter().filter(|e| e.period == key).enumerate() {
            tx.execute(
                "INSERT INTO honor (period_id, name, unit_id, unit_text, title, citation, position, batch_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                (pid, &e.name, e.unit.map(|u| catalog.units[u].id), &e.unit_text, &e.title, &e.citation, pos as i64, batch),
            )?;
        }
    }
    bump_version(tx)?;
    Ok(plan.entries.len())
}

fn honor_rows(conn: &Connection, sql: &str, arg: impl rusqlite::ToSql) -> Result<Vec<HonorRow>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map([arg], |r| {
            Ok(HonorRow {
                period: PeriodKey {
                    year: r.get(0)?,
                    quarter: r.get(1)?,
                },
                name: r.get(2)?,
                unit_id: r.get(3)?,
                unit_text: r.get(4)?,
                title: r.get(5)?,
                citation: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn period_honors(conn: &Connection, period_id: PeriodId) -> Result<Vec<HonorRow>> {
    honor_rows(
        conn,
        "SELECT p.year, p.quarter, h.name, h.unit_id, h.unit_text, h.title, h.citation
         FROM honor h JOIN period p ON p.id = h.period_id WHERE h.period_id = ?1 ORDER BY h.position",
        period_id,
    )
}

/// A unit's honors in published periods, newest first.
pub fn unit_honors(conn: &Connection, unit_id: UnitId) -> Result<Vec<HonorRow>> {
    honor_rows(
        conn,
        "SELECT p.year, p.quarter, h.name, h.unit_id, h.unit_text, h.title, h.citation
         FROM honor h JOIN period p ON p.id = h.period_id
         WHERE h.unit_id = ?1 AND p.status = 'published' ORDER BY p.year DESC, p.quarter DESC, h.position",
        unit_id,
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct PlaylistRow {
    pub name: String,
    pub title: Option<String>,
    pub theme: String,
    pub seconds: u32,
    pub slides: String,
    /// The screen's token, if it needs one (`/lobby/{name}?token=…`).
    pub token: Option<String>,
}

const PLAYLIST_COLUMNS: &str = "name, title, theme, seconds, slides, token";

fn playlist_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PlaylistRow> {
    Ok(PlaylistRow {
        name: r.get(0)?,
        title: r.get(1)?,
        theme: r.get(2)?,
        seconds: r.get(3)?,
        slides: r.get(4)?,
        token: r.get(5)?,
    })
}

pub fn playlist(conn: &Connection, name: &str) -> Result<Option<PlaylistRow>> {
    Ok(conn
        .query_row(
            &format!("SELECT {PLAYLIST_COLUMNS} FROM playlist WHERE name = ?1"),
            [name],
            playlist_row,
        )
        .optional()?)
}

pub fn playlists(conn: &Connection) -> Result<Vec<PlaylistRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PLAYLIST_COLUMNS} FROM playlist ORDER BY name"
    ))?;
    let rows = stmt
        .query_map([], playlist_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Creates or updates a playlist (the caller validates slides and theme).
pub fn save_playlist(tx: &Transaction<'_>, p: &PlaylistRow) -> Result<()> {
    tx.execute(
        "INSERT INTO playlist (name, title, theme, seconds, slides, updated_at, token) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(name) DO UPDATE SET title = excluded.title, theme = excluded.theme,
             seconds = excluded.seconds, slides = excluded.slides, updated_at = excluded.updated_at,
             token = excluded.token",
        (&p.name, &p.title, &p.theme, p.seconds, &p.slides, super::now(), &p.token),
    )?;
    bump_version(tx)
}
