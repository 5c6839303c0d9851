//! Scores, adjustments and remarks: applying an import plan, loading a period's values.

use super::structure::{PeriodStatus, load_periods};
use super::{Result, StoreError, bump_version};
use crate::competition::Catalog;
use crate::domain::{PeriodKey, Points};
use crate::import::{
    ChangeSummary, CurrentEntry, ImportError, ImportErrors, ImportPlan, Target, diff,
};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;

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
    },
    /// The file changes nothing (e.g. the same file again); nothing was written.
    Unchanged {
        summary: ChangeSummary,
        earlier_batch: Option<i64>,
    },
    DryRun {
        summary: ChangeSummary,
        new_periods: Vec<PeriodKey>,
    },
}

/// Applies a validated plan in one `BEGIN IMMEDIATE` transaction: for every (period, unit)
/// in the file, each value the file sets replaces the stored one (the old one goes to history).
pub fn apply_plan(
    conn: &mut Connection,
    catalog: &Catalog,
    plan: &ImportPlan,
    opts: &ApplyOptions<'_>,
) -> Result<ApplyOutcome> {
    // A bigger page cache keeps the score B-tree in memory during a large import.
    conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    let result = apply_in_tx(conn, catalog, plan, opts);
    conn.pragma_update(None, "cache_size", -DEFAULT_CACHE_KIB)?;
    result
}

const IMPORT_CACHE_KIB: i64 = 64 * 1024;
const DEFAULT_CACHE_KIB: i64 = 2000;

fn apply_in_tx(
    conn: &mut Connection,
    catalog: &Catalog,
    plan: &ImportPlan,
    opts: &ApplyOptions<'_>,
) -> Result<ApplyOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let comp_id: i64 = tx
        .query_row("SELECT id FROM competition ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| StoreError::Invalid("数据库中还没有竞赛：请先初始化竞赛结构".into()))?;
    let mut period_ids: HashMap<PeriodKey, i64> = HashMap::new();
    let mut errs = Vec::new();
    for p in load_periods(&tx, comp_id)? {
        if p.status == PeriodStatus::Published
            && !opts.allow_published
            && plan.entries.iter().any(|e| e.period == p.key)
        {
            errs.push(ImportError::PublishedPeriod {
                period: p.key.to_string(),
            });
        }
        period_ids.insert(p.key, p.id);
    }
    if !errs.is_empty() {
        return Err(StoreError::Import(ImportErrors(errs)));
    }

    let current = load_current(&tx, catalog, plan, &period_ids)?;
    let summary = diff(plan, catalog, &current);
    let new_periods: Vec<PeriodKey> = plan
        .periods()
        .into_iter()
        .filter(|p| !period_ids.contains_key(p))
        .collect();
    if summary.is_noop() {
        let earlier_batch = tx
            .query_row(
                "SELECT id FROM import_batch WHERE sha256 = ?1 ORDER BY id DESC LIMIT 1",
                [&plan.sha256],
                |r| r.get(0),
            )
            .optional()?;
        return Ok(ApplyOutcome::Unchanged {
            summary,
            earlier_batch,
        });
    }
    if opts.dry_run {
        return Ok(ApplyOutcome::DryRun {
            summary,
            new_periods,
        });
    }

    tx.execute(
        "INSERT INTO import_batch (file_name, sha256, encoding, layout, row_count, value_count, actor, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        (
            &plan.file_name,
            &plan.sha256,
            plan.encoding.as_str(),
            plan.layout.as_str(),
            plan.rows as i64,
            plan.value_count() as i64,
            opts.actor,
            super::now(),
        ),
    )?;
    let batch = tx.last_insert_rowid();
    for p in &new_periods {
        tx.execute(
            "INSERT INTO period (competition_id, year, quarter, status) VALUES (?1, ?2, ?3, 'draft')",
            (comp_id, p.year, p.quarter),
        )?;
        period_ids.insert(*p, tx.last_insert_rowid());
    }

    {
        let mut new_scores = ScoreInserter::new(&tx, batch)?;
        let mut keep_score = tx.prepare_cached(
            "INSERT INTO score_history (period_id, unit_id, indicator_id, points, note, batch_id, replaced_by)
             SELECT period_id, unit_id, indicator_id, points, note, batch_id, ?4 FROM score
             WHERE period_id = ?1 AND unit_id = ?2 AND indicator_id = ?3",
        )?;
        let mut del_score = tx.prepare_cached(
            "DELETE FROM score WHERE period_id = ?1 AND unit_id = ?2 AND indicator_id = ?3",
        )?;
        let mut ins_adj = tx.prepare_cached(
            "INSERT INTO adjustment (period_id, unit_id, kind, points, reason, batch_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut keep_adj = tx.prepare_cached(
            "INSERT INTO adjustment_history (period_id, unit_id, kind, points, reason, batch_id, replaced_by)
             SELECT period_id, unit_id, kind, points, reason, batch_id, ?4 FROM adjustment
             WHERE period_id = ?1 AND unit_id = ?2 AND kind = ?3",
        )?;
        let mut del_adj = tx.prepare_cached(
            "DELETE FROM adjustment WHERE period_id = ?1 AND unit_id = ?2 AND kind = ?3",
        )?;
        let empty = CurrentEntry::default();
        for e in &plan.entries {
            let pid = period_ids[&e.period];
            let uid = catalog.units[e.unit].id;
            let cur = current.get(&(e.period, e.unit)).unwrap_or(&empty);
            for c in &e.cells {
                let old = cur.values.get(&c.target);
                if let Some((op, onote)) = old
                    && Some(*op) == c.value
                    && onote.as_deref() == c.note.as_deref()
                {
                    continue;
                }
                match c.target {
                    Target::Indicator(i) => {
                        let iid = catalog.indicators[i as usize].id;
                        if old.is_some() {
                            keep_score.execute((pid, uid, iid, batch))?;
                            del_score.execute((pid, uid, iid))?;
                        }
                        if let Some(v) = c.value {
                            new_scores.push((pid, uid, iid, v.0, c.note.as_deref()))?;
                        }
                    }
                    Target::Bonus | Target::Penalty => {
                        let kind = if c.target == Target::Bonus {
                            "bonus"
                        } else {
                            "penalty"
                        };
                        if old.is_some() {
                            keep_adj.execute((pid, uid, kind, batch))?;
                            del_adj.execute((pid, uid, kind))?;
                        }
                        if let Some(v) = c.value {
                            ins_adj.execute((pid, uid, kind, v.0, c.note.as_deref(), batch))?;
                        }
                    }
                }
            }
            if let Some(new_remark) = &e.remark
                && new_remark != &cur.remark
            {
                if cur.remark.is_some() {
                    tx.execute(
                        "INSERT INTO remark_history (period_id, unit_id, text, batch_id, replaced_by)
                         SELECT period_id, unit_id, text, batch_id, ?3 FROM remark WHERE period_id = ?1 AND unit_id = ?2",
                        (pid, uid, batch),
                    )?;
                    tx.execute(
                        "DELETE FROM remark WHERE period_id = ?1 AND unit_id = ?2",
                        (pid, uid),
                    )?;
                }
                if let Some(text) = new_remark {
                    tx.execute(
                        "INSERT INTO remark (period_id, unit_id, text, batch_id) VALUES (?1, ?2, ?3, ?4)",
                        (pid, uid, text, batch),
                    )?;
                }
            }
        }
        new_scores.finish()?;
    }
    bump_version(&tx)?;
    tx.commit()?;
    Ok(ApplyOutcome::Applied {
        batch_id: batch,
        summary,
        new_periods,
    })
}

/// Rows per multi-row `INSERT`: binding one statement for many rows halves the per-row cost.
const INSERT_CHUNK: usize = 256;

type ScoreRow<'p> = (i64, i64, i64, i64, Option<&'p str>);

/// Buffers new score rows and writes them `INSERT_CHUNK` at a time.
struct ScoreInserter<'c, 'p> {
    chunk: rusqlite::CachedStatement<'c>,
    one: rusqlite::CachedStatement<'c>,
    buf: Vec<ScoreRow<'p>>,
    batch: i64,
}

impl<'c, 'p> ScoreInserter<'c, 'p> {
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

    fn push(&mut self, row: ScoreRow<'p>) -> Result<()> {
        self.buf.push(row);
        if self.buf.len() == INSERT_CHUNK {
            let stmt = &mut self.chunk;
            for (k, r) in self.buf.iter().enumerate() {
                let i = k * 6;
                stmt.raw_bind_parameter(i + 1, r.0)?;
                stmt.raw_bind_parameter(i + 2, r.1)?;
                stmt.raw_bind_parameter(i + 3, r.2)?;
                stmt.raw_bind_parameter(i + 4, r.3)?;
                stmt.raw_bind_parameter(i + 5, r.4)?;
                stmt.raw_bind_parameter(i + 6, self.batch)?;
            }
            stmt.raw_execute()?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        for r in self.buf.drain(..) {
            self.one.execute((r.0, r.1, r.2, r.3, r.4, self.batch))?;
        }
        Ok(())
    }
}

/// The stored values of every (period, unit) the plan touches.
fn load_current(
    conn: &Connection,
    catalog: &Catalog,
    plan: &ImportPlan,
    period_ids: &HashMap<PeriodKey, i64>,
) -> Result<HashMap<(PeriodKey, usize), CurrentEntry>> {
    let unit_idx: HashMap<i64, usize> = catalog
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id, i))
        .collect();
    let ind_idx: HashMap<i64, u32> = catalog
        .indicators
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id, i as u32))
        .collect();
    let mut out: HashMap<(PeriodKey, usize), CurrentEntry> = HashMap::new();
    for key in plan.periods() {
        let Some(&pid) = period_ids.get(&key) else {
            continue;
        };
        let data = load_period_data(conn, pid)?;
        for ((uid, iid), (p, note)) in data.scores {
            if let (Some(&u), Some(&i)) = (unit_idx.get(&uid), ind_idx.get(&iid)) {
                out.entry((key, u))
                    .or_default()
                    .values
                    .insert(Target::Indicator(i), (p, note));
            }
        }
        for (uid, adj) in data.adjustments {
            let Some(&u) = unit_idx.get(&uid) else {
                continue;
            };
            let entry = out.entry((key, u)).or_default();
            if let Some(b) = adj.bonus {
                entry.values.insert(Target::Bonus, b);
            }
            if let Some(p) = adj.penalty {
                entry.values.insert(Target::Penalty, p);
            }
        }
        for (uid, text) in data.remarks {
            if let Some(&u) = unit_idx.get(&uid) {
                out.entry((key, u)).or_default().remark = Some(text);
            }
        }
    }
    Ok(out)
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

/// Validates a file against the stored structure and applies it: the whole import in one call.
pub fn import_file(
    conn: &mut Connection,
    bytes: &[u8],
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
) -> Result<(ImportPlan, ApplyOutcome)> {
    let structure = super::load_structure(conn)?
        .ok_or_else(|| StoreError::Invalid("数据库中还没有竞赛：请先初始化竞赛结构".into()))?;
    let catalog = structure.catalog();
    let started = std::time::Instant::now();
    let plan = crate::import::plan_import(bytes, file_name, &catalog, default_period)
        .map_err(StoreError::Import)?;
    let planned = started.elapsed();
    let outcome = apply_plan(conn, &catalog, &plan, opts)?;
    tracing::info!(
        file = file_name,
        values = plan.value_count(),
        plan_ms = planned.as_millis() as u64,
        apply_ms = (started.elapsed() - planned).as_millis() as u64,
        "import processed"
    );
    Ok((plan, outcome))
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
