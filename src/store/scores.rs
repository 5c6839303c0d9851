//! Scores, adjustments and remarks: importing a file, loading a period's values.
//!
//! An import validates and writes at the same time: the planner runs on one thread and hands
//! each valid value to the writer on this one, inside the caller's `BEGIN IMMEDIATE`
//! transaction (`ops::import_file`), which is committed only if the whole file is valid and
//! changes something. A file with any error, a dry run and a file that changes nothing are
//! rolled back, so they leave no trace.

use super::structure::{PeriodStatus, load_periods};
use super::{Refusal, Result, StoreError, bump_version};
use crate::competition::Catalog;
use crate::domain::{PeriodKey, Points};
use crate::import::{
    ChangeSummary, CurrentEntry, ImportError, ImportErrors, ImportPlan, PlanCell, PlanEvent,
    Target, plan_import_streaming, sha256_hex,
};
use rusqlite::{Connection, OptionalExtension, Transaction};
use std::collections::HashMap;
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
    },
}

const IMPORT_CACHE_KIB: i64 = 64 * 1024;
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
    bytes: &[u8],
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
) -> Result<StagedImport> {
    let comp_id = super::competition_id(tx)?;
    // The batch row comes first (scores refer to it); its counts are filled in at the end.
    tx.execute(
        "INSERT INTO import_batch (file_name, sha256, encoding, layout, row_count, value_count, actor, created_at)
         VALUES (?1, ?2, '', '', 0, 0, ?3, ?4)",
        (file_name, sha256_hex(bytes), opts.actor, super::now()),
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
                plan_import_streaming(bytes, file_name, catalog, default_period, Some(&mut sink));
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
        "UPDATE import_batch SET encoding = ?2, layout = ?3, row_count = ?4, value_count = ?5 WHERE id = ?1",
        (staged.batch_id, plan.encoding.as_str(), plan.layout.as_str(), plan.rows as i64, plan.value_count() as i64),
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

/// What the writer knows about a period of the file.
struct PeriodState {
    id: i64,
    blocked: bool,
    /// Published, and the file may not correct it: values are compared, never written, and
    /// the first one that differs is an error. A file equal to what is stored changes nothing
    /// and is no error.
    compare_only: bool,
    /// A value of this read-only period differed (reported once).
    differs: bool,
}

/// Where a value of the file goes.
#[derive(Clone, Copy)]
enum Dest {
    Write(i64),
    Compare,
}

impl PeriodState {
    fn dest(&self) -> Option<Dest> {
        if self.blocked {
            None
        } else if self.compare_only {
            Some(Dest::Compare)
        } else {
            Some(Dest::Write(self.id))
        }
    }
}

/// Writes the planner's values into the open transaction, counting what changes.
struct Writer<'t, 'c> {
    tx: &'t Transaction<'t>,
    catalog: &'c Catalog,
    comp_id: i64,
    batch: i64,
    allow_published: bool,
    periods: HashMap<PeriodKey, PeriodState>,
    known: HashMap<PeriodKey, (i64, PeriodStatus)>,
    new_periods: Vec<PeriodKey>,
    current: HashMap<(PeriodKey, usize), CurrentEntry>,
    unit_index: HashMap<i64, usize>,
    indicator_index: HashMap<i64, u32>,
    summary: ChangeSummary,
    errors: Vec<ImportError>,
    failure: Option<StoreError>,
    scores: ScoreInserter<'t>,
}

impl<'t, 'c> Writer<'t, 'c> {
    fn new(
        tx: &'t Transaction<'t>,
        catalog: &'c Catalog,
        comp_id: i64,
        batch: i64,
        allow_published: bool,
    ) -> Result<Self> {
        let known = load_periods(tx, comp_id)?
            .into_iter()
            .map(|p| (p.key, (p.id, p.status)))
            .collect();
        Ok(Writer {
            tx,
            catalog,
            comp_id,
            batch,
            allow_published,
            periods: HashMap::new(),
            known,
            new_periods: Vec::new(),
            current: HashMap::new(),
            unit_index: catalog
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id, i))
                .collect(),
            indicator_index: catalog
                .indicators
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id, i as u32))
                .collect(),
            summary: ChangeSummary::default(),
            errors: Vec::new(),
            failure: None,
            scores: ScoreInserter::new(tx, batch)?,
        })
    }

    /// Published periods this file writes to (only possible with `allow_published`).
    fn published_written(&self) -> Vec<PeriodKey> {
        let mut out: Vec<PeriodKey> = self
            .periods
            .iter()
            .filter(|(k, st)| {
                !st.blocked
                    && !st.compare_only
                    && self
                        .known
                        .get(k)
                        .is_some_and(|(_, status)| *status == PeriodStatus::Published)
            })
            .map(|(k, _)| *k)
            .collect();
        out.sort();
        out
    }

    /// Applies a batch of events; after a database error it only drains them.
    fn apply(&mut self, events: Vec<PlanEvent>) {
        for ev in events {
            if self.failure.is_some() {
                return;
            }
            if let Err(e) = self.event(ev) {
                self.failure = Some(e);
            }
        }
    }

    fn period(&mut self, key: PeriodKey) -> Result<Option<Dest>> {
        if let Some(p) = self.periods.get(&key) {
            return Ok(p.dest());
        }
        let state = match self.known.get(&key) {
            Some(&(id, status)) => {
                self.load_current(key, id)?;
                PeriodState {
                    id,
                    blocked: false,
                    compare_only: status == PeriodStatus::Published && !self.allow_published,
                    differs: false,
                }
            }
            None => {
                if let Some(later) = self
                    .known
                    .iter()
                    .filter(|(k, (_, st))| **k > key && *st == PeriodStatus::Published)
                    .map(|(k, _)| *k)
                    .min()
                {
                    self.errors.push(ImportError::BeforePublished {
                        period: key.to_string(),
                        published: later.to_string(),
                    });
                    // Blocked: the id is never used.
                    self.periods.insert(
                        key,
                        PeriodState {
                            id: 0,
                            blocked: true,
                            compare_only: false,
                            differs: false,
                        },
                    );
                    return Ok(None);
                }
                let id = super::create_period(self.tx, self.comp_id, key)?;
                self.new_periods.push(key);
                PeriodState {
                    id,
                    blocked: false,
                    compare_only: false,
                    differs: false,
                }
            }
        };
        let out = state.dest();
        self.periods.insert(key, state);
        Ok(out)
    }

    /// A value of a read-only (published) period differs from the stored one: refused.
    fn published_differs(&mut self, key: PeriodKey) {
        if let Some(p) = self.periods.get_mut(&key)
            && !p.differs
        {
            p.differs = true;
            self.errors.push(ImportError::PublishedPeriod {
                period: key.to_string(),
            });
        }
    }

    /// The stored values of one period, for comparing and keeping history.
    fn load_current(&mut self, key: PeriodKey, period_id: i64) -> Result<()> {
        let data = load_period_data(self.tx, period_id)?;
        for ((uid, iid), (p, note)) in data.scores {
            if let (Some(&u), Some(&i)) =
                (self.unit_index.get(&uid), self.indicator_index.get(&iid))
            {
                self.current
                    .entry((key, u))
                    .or_default()
                    .values
                    .insert(Target::Indicator(i), (p, note));
            }
        }
        for (uid, adj) in data.adjustments {
            let Some(&u) = self.unit_index.get(&uid) else {
                continue;
            };
            let entry = self.current.entry((key, u)).or_default();
            if let Some(b) = adj.bonus {
                entry.values.insert(Target::Bonus, b);
            }
            if let Some(p) = adj.penalty {
                entry.values.insert(Target::Penalty, p);
            }
        }
        for (uid, text) in data.remarks {
            if let Some(&u) = self.unit_index.get(&uid) {
                self.current.entry((key, u)).or_default().remark = Some(text);
            }
        }
        Ok(())
    }

    fn event(&mut self, ev: PlanEvent) -> Result<()> {
        match ev {
            PlanEvent::Cell { period, unit, cell } => {
                let Some(dest) = self.period(period)? else {
                    return Ok(());
                };
                let old = self
                    .current
                    .get(&(period, unit))
                    .and_then(|c| c.values.get(&cell.target))
                    .cloned();
                if self
                    .summary
                    .cell(self.catalog, period, unit, old.as_ref(), &cell)
                {
                    match dest {
                        Dest::Write(pid) => self.write_cell(pid, unit, old.is_some(), cell)?,
                        Dest::Compare => self.published_differs(period),
                    }
                }
            }
            PlanEvent::Remark {
                period,
                unit,
                row,
                text,
            } => {
                let Some(dest) = self.period(period)? else {
                    return Ok(());
                };
                let old = self
                    .current
                    .get(&(period, unit))
                    .and_then(|c| c.remark.clone());
                if self.summary.remark(
                    self.catalog,
                    period,
                    unit,
                    row,
                    old.as_deref(),
                    text.as_deref(),
                ) {
                    let Dest::Write(pid) = dest else {
                        self.published_differs(period);
                        return Ok(());
                    };
                    let uid = self.catalog.units[unit].id;
                    if old.is_some() {
                        self.tx.execute(
                            "INSERT INTO remark_history (period_id, unit_id, text, batch_id, replaced_by)
                             SELECT period_id, unit_id, text, batch_id, ?3 FROM remark WHERE period_id = ?1 AND unit_id = ?2",
                            (pid, uid, self.batch),
                        )?;
                        self.tx.execute(
                            "DELETE FROM remark WHERE period_id = ?1 AND unit_id = ?2",
                            (pid, uid),
                        )?;
                    }
                    if let Some(text) = text {
                        self.tx.execute(
                            "INSERT INTO remark (period_id, unit_id, text, batch_id) VALUES (?1, ?2, ?3, ?4)",
                            (pid, uid, text, self.batch),
                        )?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Replaces one stored value: the old one goes to history first.
    fn write_cell(&mut self, pid: i64, unit: usize, had_old: bool, c: PlanCell) -> Result<()> {
        let uid = self.catalog.units[unit].id;
        let tx = self.tx;
        match c.target {
            Target::Indicator(i) => {
                let iid = self.catalog.indicators[i as usize].id;
                if had_old {
                    tx.prepare_cached(
                        "INSERT INTO score_history (period_id, unit_id, indicator_id, points, note, batch_id, replaced_by)
                         SELECT period_id, unit_id, indicator_id, points, note, batch_id, ?4 FROM score
                         WHERE period_id = ?1 AND unit_id = ?2 AND indicator_id = ?3",
                    )?
                    .execute((pid, uid, iid, self.batch))?;
                    tx.prepare_cached("DELETE FROM score WHERE period_id = ?1 AND unit_id = ?2 AND indicator_id = ?3")?
                        .execute((pid, uid, iid))?;
                }
                if let Some(v) = c.value {
                    self.scores.push((pid, uid, iid, v.0, c.note))?;
                }
            }
            Target::Bonus | Target::Penalty => {
                let kind = if c.target == Target::Bonus {
                    "bonus"
                } else {
                    "penalty"
                };
                if had_old {
                    tx.prepare_cached(
                        "INSERT INTO adjustment_history (period_id, unit_id, kind, points, reason, batch_id, replaced_by)
                         SELECT period_id, unit_id, kind, points, reason, batch_id, ?4 FROM adjustment
                         WHERE period_id = ?1 AND unit_id = ?2 AND kind = ?3",
                    )?
                    .execute((pid, uid, kind, self.batch))?;
                    tx.prepare_cached("DELETE FROM adjustment WHERE period_id = ?1 AND unit_id = ?2 AND kind = ?3")?
                        .execute((pid, uid, kind))?;
                }
                if let Some(v) = c.value {
                    tx.prepare_cached(
                        "INSERT INTO adjustment (period_id, unit_id, kind, points, reason, batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute((pid, uid, kind, v.0, c.note.as_deref(), self.batch))?;
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<(ChangeSummary, Vec<PeriodKey>)> {
        if let Some(e) = self.failure {
            return Err(e);
        }
        self.scores.finish()?;
        if !self.errors.is_empty() {
            return Err(StoreError::Import(ImportErrors(self.errors)));
        }
        Ok((self.summary, self.new_periods))
    }
}

/// Rows per multi-row `INSERT`: binding one statement for many rows halves the per-row cost.
const INSERT_CHUNK: usize = 256;

type ScoreRow = (i64, i64, i64, i64, Option<Box<str>>);

/// Buffers new score rows and writes them `INSERT_CHUNK` at a time.
struct ScoreInserter<'c> {
    chunk: rusqlite::CachedStatement<'c>,
    one: rusqlite::CachedStatement<'c>,
    buf: Vec<ScoreRow>,
    batch: i64,
}

impl<'c> ScoreInserter<'c> {
    fn new(conn: &'c Connection, batch: i64) -> Result<Self> {
        let head =
            "INSERT INTO score (period_id, unit_id, indicator_id, points, note, batch_id) VALUES ";
        let values = vec!["(?, ?, ?, ?, ?, ?)"; INSERT_CHUNK].join(", ");
        Ok(ScoreInserter {
            chunk: conn.prepare_cached(&format!("{head}{values}"))?,
            one: conn.prepare_cached(&format!("{head}(?, ?, ?, ?, ?, ?)"))?,
            buf: Vec::with_capacity(INSERT_CHUNK),
            batch,
        })
    }

    fn push(&mut self, row: ScoreRow) -> Result<()> {
        self.buf.push(row);
        if self.buf.len() == INSERT_CHUNK {
            let stmt = &mut self.chunk;
            for (k, r) in self.buf.iter().enumerate() {
                let i = k * 6;
                stmt.raw_bind_parameter(i + 1, r.0)?;
                stmt.raw_bind_parameter(i + 2, r.1)?;
                stmt.raw_bind_parameter(i + 3, r.2)?;
                stmt.raw_bind_parameter(i + 4, r.3)?;
                stmt.raw_bind_parameter(i + 5, r.4.as_deref())?;
                stmt.raw_bind_parameter(i + 6, self.batch)?;
            }
            stmt.raw_execute()?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        for r in self.buf.drain(..) {
            self.one
                .execute((r.0, r.1, r.2, r.3, r.4.as_deref(), self.batch))?;
        }
        Ok(())
    }
}

/// A unit's bonus and penalty in one period, each with its reason.
#[derive(Debug, Clone, Default)]
pub struct Adjustments {
    pub bonus: Option<(Points, Option<String>)>,
    pub penalty: Option<(Points, Option<String>)>,
}

/// Every stored value of one period.
#[derive(Debug, Clone, Default)]
pub struct PeriodData {
    /// (unit id, indicator id) → points and note.
    pub scores: HashMap<(i64, i64), (Points, Option<String>)>,
    pub adjustments: HashMap<i64, Adjustments>,
    pub remarks: HashMap<i64, String>,
}

pub fn load_period_data(conn: &Connection, period_id: i64) -> Result<PeriodData> {
    let mut data = PeriodData::default();
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, indicator_id, points, note FROM score WHERE period_id = ?1",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        data.scores
            .insert((r.get(0)?, r.get(1)?), (Points(r.get(2)?), r.get(3)?));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, kind, points, reason FROM adjustment WHERE period_id = ?1",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        let entry = data.adjustments.entry(r.get(0)?).or_default();
        let v = Some((Points(r.get(2)?), r.get(3)?));
        if r.get::<_, String>(1)? == "bonus" {
            entry.bonus = v;
        } else {
            entry.penalty = v;
        }
    }
    let mut stmt = conn.prepare_cached("SELECT unit_id, text FROM remark WHERE period_id = ?1")?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        data.remarks.insert(r.get(0)?, r.get(1)?);
    }
    Ok(data)
}

/// One unit's bonus and penalty (with reasons) in one period.
pub fn unit_adjustments(conn: &Connection, period_id: i64, unit_id: i64) -> Result<Adjustments> {
    let mut out = Adjustments::default();
    let mut stmt = conn.prepare_cached(
        "SELECT kind, points, reason FROM adjustment WHERE period_id = ?1 AND unit_id = ?2",
    )?;
    let mut rows = stmt.query((period_id, unit_id))?;
    while let Some(r) = rows.next()? {
        let v = Some((Points(r.get(1)?), r.get(2)?));
        if r.get::<_, String>(0)? == "bonus" {
            out.bonus = v;
        } else {
            out.penalty = v;
        }
    }
    Ok(out)
}

/// The values a board needs, without notes: (unit, indicator, points) in key order, and each
/// unit's (bonus, penalty).
#[derive(Debug, Clone, Default)]
pub struct PeriodValues {
    pub scores: Vec<(i64, i64, Points)>,
    pub adjustments: HashMap<i64, (Points, Points)>,
}

pub fn load_period_values(conn: &Connection, period_id: i64) -> Result<PeriodValues> {
    let mut v = PeriodValues::default();
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, indicator_id, points FROM score WHERE period_id = ?1 ORDER BY unit_id, indicator_id",
    )?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        v.scores.push((r.get(0)?, r.get(1)?, Points(r.get(2)?)));
    }
    let mut stmt =
        conn.prepare_cached("SELECT unit_id, kind, points FROM adjustment WHERE period_id = ?1")?;
    let mut rows = stmt.query([period_id])?;
    while let Some(r) = rows.next()? {
        let e = v
            .adjustments
            .entry(r.get(0)?)
            .or_insert((Points::ZERO, Points::ZERO));
        let p = Points(r.get(2)?);
        if r.get::<_, String>(1)? == "bonus" {
            e.0 = p;
        } else {
            e.1 = p;
        }
    }
    Ok(v)
}
