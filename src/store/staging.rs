//! Staging an import: the file's values written into the caller's transaction.
//!
//! An import validates and writes at the same time: the planner runs on one thread and hands
//! each valid value to the writer on this one, inside the caller's `BEGIN IMMEDIATE`
//! transaction (`ops::import_file`), which is committed only if the whole file is valid and
//! changes something. A file with any error, a dry run and a file that changes nothing are
//! rolled back, so they leave no trace.

use super::writer::Writer;
use super::{Refusal, Result, StoreError, bump_version};
use crate::competition::Catalog;
use crate::domain::PeriodKey;
use crate::import::{ChangeSummary, ImportPlan, PlanEvent, plan_import_streaming};
use crate::tabular::Source;
use rusqlite::{Connection, OptionalExtension, Transaction};
use std::sync::mpsc;

pub struct ApplyOptions<'a> {
    /// Who did it (recorded in the import batch).
    pub actor: &'a str,
    /// Allow the import to correct an already published period.
    pub allow_published: bool,
    /// Compute the change but write nothing (`shaibang check`).
    pub dry_run: bool,
}

#[derive(Debug)]
pub enum ApplyOutcome {
    Applied {
        batch_id: i64,
        summary: ChangeSummary,
        new_periods: Vec<PeriodKey>,
        /// What the correction changed on published boards, in words.
        posted_changes: Vec<String>,
    },
    /// The file changes nothing (e.g. the same file again); nothing was written.
    Unchanged {
        summary: ChangeSummary,
        earlier_batch: Option<i64>,
    },
    DryRun {
        summary: ChangeSummary,
        new_periods: Vec<PeriodKey>,
        /// What the correction would change on published boards, in words.
        posted_changes: Vec<String>,
        /// Every unit of the file's periods still missing a score once it is in (counted as
        /// the competition's rule says, usually 0), with what it misses.
        missing: Vec<String>,
    },
}

const IMPORT_CACHE_KIB: i64 = 16 * 1024;
const DEFAULT_CACHE_KIB: i64 = 2000;
/// Values handed from the planner to the writer at a time.
const EVENT_BATCH: usize = 4096;

/// An import validated and written into an open transaction, not yet committed: the caller
/// (the operations layer) decides, re-freezes corrected boards, and records or rolls back.
pub struct StagedImport {
    pub plan: ImportPlan,
    pub summary: ChangeSummary,
    pub new_periods: Vec<PeriodKey>,
    /// The published periods the file writes to (only with `allow_published`), oldest first.
    pub corrected: Vec<PeriodKey>,
    pub batch_id: i64,
}

/// Validates a file against the stored structure and writes it into `tx` (see the module
/// comment). Nothing is committed here; on any error the caller drops the transaction.
pub fn stage_import(
    tx: &Transaction<'_>,
    catalog: &Catalog,
    source: Source<'_>,
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
) -> Result<StagedImport> {
    let comp_id = super::competition_id(tx)?;
    // The batch row comes first (scores refer to it); its counts are filled in at the end.
    tx.execute(
        "INSERT INTO import_batch (file_name, sha256, encoding, layout, row_count, value_count, actor, created_at)
         VALUES (?1, '', '', '', 0, 0, ?2, ?3)",
        (file_name, opts.actor, super::now()),
    )?;
    let batch = tx.last_insert_rowid();
    let mut writer = Writer::new(tx, catalog, comp_id, batch, opts.allow_published)?;

    let (send, receive) = mpsc::sync_channel::<Vec<PlanEvent>>(8);
    let planned = std::thread::scope(|scope| {
        let planner = scope.spawn(move || {
            let mut buf = Vec::with_capacity(EVENT_BATCH);
            let mut sink = |ev: PlanEvent| {
                buf.push(ev);
                if buf.len() == EVENT_BATCH {
                    // The writer stops listening only after the planner is done.
                    let _ = send.send(std::mem::replace(&mut buf, Vec::with_capacity(EVENT_BATCH)));
                }
            };
            let plan =
                plan_import_streaming(source, file_name, catalog, default_period, Some(&mut sink));
            if !buf.is_empty() {
                let _ = send.send(buf);
            }
            plan
        });
        for events in receive {
            writer.apply(events);
        }
        planner.join()
    });
    let plan = match planned {
        Ok(p) => p.map_err(StoreError::Import)?,
        Err(_) => return Err(Refusal::ImportAborted.into()),
    };
    let corrected = writer.published_written();
    let (summary, new_periods) = writer.finish()?;
    Ok(StagedImport {
        plan,
        summary,
        new_periods,
        corrected,
        batch_id: batch,
    })
}

/// Completes a staged import's batch record and bumps the data version (before the commit).
pub fn record_import(tx: &Transaction<'_>, staged: &StagedImport) -> Result<()> {
    let plan = &staged.plan;
    tx.execute(
        "UPDATE import_batch SET sha256 = ?2, encoding = ?3, layout = ?4, row_count = ?5, value_count = ?6 WHERE id = ?1",
        (staged.batch_id, &plan.sha256, plan.encoding.as_str(), plan.layout.as_str(), plan.rows as i64, plan.values as i64),
    )?;
    bump_version(tx)
}

/// The latest committed import of a file with this content, if any.
pub fn batch_with_sha(conn: &Connection, sha256: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM import_batch WHERE sha256 = ?1 ORDER BY id DESC LIMIT 1",
            [sha256],
            |r| r.get(0),
        )
        .optional()?)
}

/// A bigger page cache keeps the score B-tree in memory during a large import; `import_cache`
/// sets it for the import and `default_cache` puts it back.
pub fn import_cache(conn: &Connection, on: bool) -> Result<()> {
    let kib = if on {
        IMPORT_CACHE_KIB
    } else {
        DEFAULT_CACHE_KIB
    };
    conn.pragma_update(None, "cache_size", -kib)?;
    Ok(())
}
