//! A period's life: opened as a draft (by an import or the 考评办), published (揭榜), or
//! removed while still empty.

use super::{Refusal, Result, bump_version, competition_id, now};
use crate::domain::PeriodKey;
use rusqlite::{Connection, OptionalExtension};

/// Creates a draft period and returns its id.
pub(crate) fn create_period(
    conn: &Connection,
    competition_id: i64,
    key: PeriodKey,
) -> Result<crate::domain::PeriodId> {
    conn.execute(
        "INSERT INTO period (competition_id, year, quarter, status) VALUES (?1, ?2, ?3, 'draft')",
        (competition_id, key.year, key.quarter),
    )?;
    Ok(crate::domain::PeriodId(conn.last_insert_rowid()))
}

/// Marks a period published (揭榜) inside the caller's transaction. Refused when the period is
/// already published, when an earlier period is still a draft (movement is measured against
/// the previous published period, so publishing out of order would change posted arrows
/// later), when a later period is already published, or when a group has no score at all (its
/// file is not in yet). The caller freezes the boards and bumps the version in the same
/// transaction.
pub fn mark_published(tx: &rusqlite::Transaction<'_>, key: PeriodKey) -> Result<()> {
    let row: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, status FROM period WHERE year = ?1 AND quarter = ?2",
            (key.year, key.quarter),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((pid, status)) = row else {
        return Err(Refusal::NoSuchPeriod { period: key }.into());
    };
    if status == "published" {
        return Err(Refusal::AlreadyPublished { period: key }.into());
    }
    let key_of = |r: &rusqlite::Row<'_>| {
        Ok(PeriodKey {
            year: r.get(0)?,
            quarter: r.get(1)?,
        })
    };
    let drafts: Vec<PeriodKey> = tx
        .prepare(
            "SELECT year, quarter FROM period d WHERE status = 'draft'
             AND (year < ?1 OR (year = ?1 AND quarter < ?2))
             -- a draft older than a published period (from before that was refused)
             -- can never be published, so it must not block the ones after it
             AND NOT EXISTS (SELECT 1 FROM period p WHERE p.status = 'published'
                 AND (p.year > d.year OR (p.year = d.year AND p.quarter > d.quarter)))
             ORDER BY year, quarter",
        )?
        .query_map((key.year, key.quarter), key_of)?
        .collect::<rusqlite::Result<_>>()?;
    if !drafts.is_empty() {
        return Err(Refusal::EarlierDraft { drafts }.into());
    }
    // Movement and year-to-date sums of a published board are computed against the periods
    // published before it: publishing an earlier period afterwards would change what they
    // should say.
    let later: Option<PeriodKey> = tx
        .query_row(
            "SELECT year, quarter FROM period WHERE status = 'published'
             AND (year > ?1 OR (year = ?1 AND quarter > ?2)) ORDER BY year, quarter LIMIT 1",
            (key.year, key.quarter),
            key_of,
        )
        .optional()?;
    if let Some(published) = later {
        return Err(Refusal::LaterPublished {
            period: key,
            published,
        }
        .into());
    }
    if key.is_annual() {
        // The year's result is made from the year's quarters: all four posted first.
        let posted: i64 = tx.query_row(
            "SELECT COUNT(*) FROM period WHERE year = ?1 AND quarter BETWEEN 1 AND 4
             AND status = 'published'",
            [key.year],
            |r| r.get(0),
        )?;
        if posted < 4 {
            return Err(Refusal::QuartersNotPublished { period: key }.into());
        }
        tx.execute(
            "UPDATE period SET status = 'published', published_at = ?2 WHERE id = ?1",
            (pid, now()),
        )?;
        return Ok(());
    }
    let groups: Vec<String> = tx
        .prepare(
            "SELECT g.name FROM ranking_group g WHERE g.competition_id = COALESCE(
                 (SELECT id FROM competition WHERE year <= ?2 ORDER BY year DESC, id DESC LIMIT 1),
                 (SELECT id FROM competition ORDER BY year, id LIMIT 1))
             AND NOT EXISTS (
                 SELECT 1 FROM score s JOIN unit_scheme m ON m.unit_id = s.unit_id
                 WHERE s.period_id = ?1 AND m.group_id = g.id)
             ORDER BY g.display_order",
        )?
        .query_map((pid, key.year), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !groups.is_empty() {
        return Err(Refusal::GroupsWithoutScores {
            period: key,
            groups,
        }
        .into());
    }
    tx.execute(
        "UPDATE period SET status = 'published', published_at = ?2 WHERE id = ?1",
        (pid, now()),
    )?;
    Ok(())
}

/// Opens a new draft period for uploads (by the 考评办, before the 报送单位 upload into it).
/// Refused when it exists, or is earlier than a published period (a typo, most likely).
pub fn open_period(tx: &Connection, key: PeriodKey) -> Result<()> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM period WHERE year = ?1 AND quarter = ?2)",
        (key.year, key.quarter),
        |r| r.get(0),
    )?;
    if exists {
        return Err(Refusal::PeriodExists { period: key }.into());
    }
    let latest: Option<(i32, u8)> = tx
        .query_row(
            "SELECT year, quarter FROM period WHERE status = 'published' ORDER BY year DESC, quarter DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((year, quarter)) = latest {
        let published = PeriodKey { year, quarter };
        if key < published {
            return Err(Refusal::LaterPublished {
                period: key,
                published,
            }
            .into());
        }
    }
    let c = competition_id(tx)?;
    create_period(tx, c, key)?;
    bump_version(tx)?;
    Ok(())
}

/// Deletes a draft period with no value, adjustment, remark, honor, snapshot or schedule;
/// refused otherwise (and for a published or unknown one).
pub fn remove_empty_period(tx: &Connection, key: PeriodKey) -> Result<()> {
    let id: Option<i64> = tx
        .query_row(
            "SELECT id FROM period WHERE year = ?1 AND quarter = ?2 AND status = 'draft'",
            (key.year, key.quarter),
            |r| r.get(0),
        )
        .optional()?;
    let Some(id) = id else {
        return Err(Refusal::PeriodNotEmpty { period: key }.into());
    };
    let used: i64 = tx.query_row(
        "SELECT (SELECT COUNT(*) FROM score WHERE period_id = ?1)
              + (SELECT COUNT(*) FROM adjustment WHERE period_id = ?1)
              + (SELECT COUNT(*) FROM remark WHERE period_id = ?1)
              + (SELECT COUNT(*) FROM honor WHERE period_id = ?1)
              + (SELECT COUNT(*) FROM board_snapshot WHERE period_id = ?1)
              + (SELECT COUNT(*) FROM scheduled_publish WHERE period_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if used > 0 {
        return Err(Refusal::PeriodNotEmpty { period: key }.into());
    }
    tx.execute("DELETE FROM period WHERE id = ?1", [id])?;
    bump_version(tx)?;
    Ok(())
}
