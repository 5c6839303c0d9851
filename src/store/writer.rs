//! The import writer: takes the planner's values as they stream in, compares each with the
//! stored one, copies what it replaces to history and writes the new value, in the import's
//! transaction. A published period the file may not correct is only compared.

use super::structure::{PeriodStatus, load_periods};
use super::values::load_period_data;
use super::{Result, StoreError};
use crate::competition::Catalog;
use crate::domain::PeriodKey;
use crate::domain::{IndicatorId, PeriodId, UnitId};
use crate::import::{
    ChangeSummary, CurrentEntry, ImportError, ImportErrors, PlanCell, PlanEvent, Target,
};
use rusqlite::{Connection, Transaction};
use std::collections::HashMap;

/// What the writer knows about a period of the file.
struct PeriodState {
    id: PeriodId,
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
    Write(PeriodId),
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
pub(super) struct Writer<'t, 'c> {
    tx: &'t Transaction<'t>,
    catalog: &'c Catalog,
    comp_id: i64,
    batch: i64,
    allow_published: bool,
    periods: HashMap<PeriodKey, PeriodState>,
    known: HashMap<PeriodKey, (PeriodId, PeriodStatus)>,
    new_periods: Vec<PeriodKey>,
    /// The stored values of the periods used last (at most `LOADED_PERIODS`), by unit: what a
    /// value of the file is compared with and what it replaces.
    current: Vec<(PeriodKey, HashMap<usize, CurrentEntry>)>,
    /// Periods pushed out of `current`: a file that comes back to one is looked up cell by
    /// cell from then on, never reloaded whole (a file alternating between periods would
    /// otherwise reload a period on every row).
    evicted: std::collections::HashSet<PeriodKey>,
    unit_index: HashMap<UnitId, usize>,
    indicator_index: HashMap<IndicatorId, u32>,
    summary: ChangeSummary,
    errors: Vec<ImportError>,
    failure: Option<StoreError>,
    scores: ScoreInserter<'t>,
}

impl<'t, 'c> Writer<'t, 'c> {
    pub(super) fn new(
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
            current: Vec::new(),
            evicted: std::collections::HashSet::new(),
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
    pub(super) fn published_written(&self) -> Vec<PeriodKey> {
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
    pub(super) fn apply(&mut self, events: Vec<PlanEvent>) {
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
            Some(&(id, status)) => PeriodState {
                id,
                blocked: false,
                compare_only: status == PeriodStatus::Published && !self.allow_published,
                differs: false,
            },
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
                            id: PeriodId(0),
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

    /// The stored values of a period, loaded when the file first uses it and again if it
    /// comes back after others pushed it out, so memory follows a few periods, not the file.
    /// Reloading reads this import's own writes too, which is right: the planner lets no
    /// cell through twice, so no value of the file is compared with one the file wrote.
    fn current(&mut self, key: PeriodKey) -> Result<Option<&HashMap<usize, CurrentEntry>>> {
        if let Some(i) = self.current.iter().position(|(k, _)| *k == key) {
            let last = self.current.len() - 1;
            self.current.swap(i, last);
        } else if self.evicted.contains(&key) {
            // Looked up cell by cell (see `evicted`); buffered rows go to the table first.
            self.scores.flush()?;
            return Ok(None);
        } else {
            let id = self.periods.get(&key).map(|p| p.id);
            let loaded = match id {
                Some(id) => {
                    // Rows still buffered are this import's; they must be in the table
                    // before it is read back.
                    self.scores.flush()?;
                    self.load_current(id)?
                }
                None => HashMap::new(),
            };
            if self.current.len() == LOADED_PERIODS {
                let (gone, _) = self.current.remove(0);
                self.evicted.insert(gone);
            }
            self.current.push((key, loaded));
        }
        Ok(Some(&self.current[self.current.len() - 1].1))
    }

    /// The stored value of one cell of a period that is not held in memory.
    fn stored_cell(
        &self,
        key: PeriodKey,
        unit: usize,
        target: Target,
    ) -> Result<Option<(crate::domain::Points, Option<String>)>> {
        use rusqlite::OptionalExtension;
        let Some(p) = self.periods.get(&key) else {
            return Ok(None);
        };
        let uid = self.catalog.units[unit].id;
        let row = |r: &rusqlite::Row<'_>| Ok((crate::domain::Points(r.get(0)?), r.get(1)?));
        Ok(match target {
            Target::Indicator(i) => self
                .tx
                .prepare_cached(
                    "SELECT points, note FROM score WHERE period_id = ?1 AND unit_id = ?2 AND indicator_id = ?3",
                )?
                .query_row((p.id, uid, self.catalog.indicators[i as usize].id), row)
                .optional()?,
            Target::Bonus | Target::Penalty => self
                .tx
                .prepare_cached(
                    "SELECT points, reason FROM adjustment WHERE period_id = ?1 AND unit_id = ?2 AND kind = ?3",
                )?
                .query_row(
                    (p.id, uid, if target == Target::Bonus { "bonus" } else { "penalty" }),
                    row,
                )
                .optional()?,
        })
    }

    fn stored_remark(&self, key: PeriodKey, unit: usize) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        let Some(p) = self.periods.get(&key) else {
            return Ok(None);
        };
        Ok(self
            .tx
            .prepare_cached("SELECT text FROM remark WHERE period_id = ?1 AND unit_id = ?2")?
            .query_row((p.id, self.catalog.units[unit].id), |r| r.get(0))
            .optional()?)
    }

    /// The stored values of one period, by unit.
    fn load_current(&self, period_id: PeriodId) -> Result<HashMap<usize, CurrentEntry>> {
        let mut current: HashMap<usize, CurrentEntry> = HashMap::new();
        let data = load_period_data(self.tx, period_id)?;
        for ((uid, iid), (p, note)) in data.scores {
            if let (Some(&u), Some(&i)) =
                (self.unit_index.get(&uid), self.indicator_index.get(&iid))
            {
                current
                    .entry(u)
                    .or_default()
                    .values
                    .insert(Target::Indicator(i), (p, note));
            }
        }
        for (uid, adj) in data.adjustments {
            let Some(&u) = self.unit_index.get(&uid) else {
                continue;
            };
            let entry = current.entry(u).or_default();
            if let Some(b) = adj.bonus {
                entry.values.insert(Target::Bonus, b);
            }
            if let Some(p) = adj.penalty {
                entry.values.insert(Target::Penalty, p);
            }
        }
        for (uid, text) in data.remarks {
            if let Some(&u) = self.unit_index.get(&uid) {
                current.entry(u).or_default().remark = Some(text);
            }
        }
        Ok(current)
    }

    fn event(&mut self, ev: PlanEvent) -> Result<()> {
        match ev {
            PlanEvent::Cell { period, unit, cell } => {
                let Some(dest) = self.period(period)? else {
                    return Ok(());
                };
                let old = match self.current(period)? {
                    Some(map) => map
                        .get(&unit)
                        .and_then(|c| c.values.get(&cell.target))
                        .cloned(),
                    None => self.stored_cell(period, unit, cell.target)?,
                };
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
                let old = match self.current(period)? {
                    Some(map) => map.get(&unit).and_then(|c| c.remark.clone()),
                    None => self.stored_remark(period, unit)?,
                };
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
    fn write_cell(&mut self, pid: PeriodId, unit: usize, had_old: bool, c: PlanCell) -> Result<()> {
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

    pub(super) fn finish(self) -> Result<(ChangeSummary, Vec<PeriodKey>)> {
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

/// Periods whose stored values are kept in memory at a time.
const LOADED_PERIODS: usize = 2;

/// Rows per multi-row `INSERT`: binding one statement for many rows halves the per-row cost.
const INSERT_CHUNK: usize = 256;

type ScoreRow = (PeriodId, UnitId, IndicatorId, i64, Option<Box<str>>);

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

    /// Writes the buffered rows now.
    fn flush(&mut self) -> Result<()> {
        for r in self.buf.drain(..) {
            self.one
                .execute((r.0, r.1, r.2, r.3, r.4.as_deref(), self.batch))?;
        }
        Ok(())
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
        self.flush()
    }
}
