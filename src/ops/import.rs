//! Importing a score file: validated and written in one transaction, which is committed only
//! if the whole file is valid and changes something. A file that corrects a published period
//! (`allow_published`) re-freezes the boards it changes in the same transaction, so the
//! scores and the posted boards change together or not at all.

use super::error::Result;
use super::publish::save;
use crate::boards::{self, View};
use crate::domain::PeriodKey;
use crate::import::ImportPlan;
use crate::store::{
    self, ApplyOptions, ApplyOutcome, PeriodStatus, Refusal, SnapshotCause, StagedImport, Structure,
};
use crate::tabular::Source;
use rusqlite::{Connection, Transaction};

/// Imports bytes already in memory (see `import_source`).
pub fn import_file(
    conn: &mut Connection,
    bytes: &[u8],
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
) -> Result<(ImportPlan, ApplyOutcome)> {
    import_source(conn, Source::Bytes(bytes), file_name, default_period, opts)
}

/// Imports a file; see the module comment. A dry run (`check`) computes everything, the
/// correction's changes to posted boards included, and rolls back.
pub fn import_source(
    conn: &mut Connection,
    source: Source<'_>,
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
) -> Result<(ImportPlan, ApplyOutcome)> {
    Ok(run_import(
        conn,
        source,
        file_name,
        default_period,
        opts,
        &Checks::default(),
    )?)
}

/// Loads the catalog and runs one import with the import cache on, logging how long it took.
fn run_import(
    conn: &mut Connection,
    source: Source<'_>,
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
    checks: &Checks<'_>,
) -> store::Result<(ImportPlan, ApplyOutcome)> {
    let catalog = store::load_scheme(conn, default_period.map(|k| k.year))?
        .ok_or(Refusal::NoCompetition)?
        .catalog_for(default_period);
    let started = std::time::Instant::now();
    store::import_cache(conn, true)?;
    let result = import_in_tx(
        conn,
        &catalog,
        source,
        file_name,
        default_period,
        opts,
        checks,
    );
    store::import_cache(conn, false)?;
    let (plan, outcome) = result?;
    tracing::info!(
        file = file_name,
        values = plan.values,
        ms = started.elapsed().as_millis() as u64,
        "import processed"
    );
    Ok((plan, outcome))
}

/// `import_source` from the command line: the import and its audit entries (one per period,
/// a correction entry per corrected period) in one transaction, under the operating-system
/// user who ran it (`actor`); the free-text `--actor` is recorded as what it is.
pub fn import_source_by(
    conn: &mut Connection,
    source: Source<'_>,
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
    actor: super::Actor<'_>,
) -> Result<(ImportPlan, ApplyOutcome)> {
    let record = |tx: &Transaction<'_>, staged: &StagedImport| {
        let s = &staged.summary;
        let detail = format!(
            "导入「{file_name}」（sha256 {}）为批次 #{}：{}；--actor「{}」",
            staged.plan.sha256,
            staged.batch_id,
            crate::present::change_counts(s),
            crate::text::clip(&crate::text::strip_invisible(opts.actor))
        );
        for &p in &staged.plan.periods {
            let action = if staged.corrected.contains(&p) {
                store::AuditAction::Correction
            } else {
                store::AuditAction::Import
            };
            store::audit(
                tx,
                &store::AuditEntry {
                    actor: actor.name,
                    action,
                    period: Some(p),
                    detail: &detail,
                    address: actor.address,
                },
            )?;
        }
        Ok(())
    };
    Ok(run_import(
        conn,
        source,
        file_name,
        default_period,
        opts,
        &Checks {
            on_commit: Some(&record),
            ..Checks::default()
        },
    )?)
}

/// Records written in an import's transaction just before its commit.
pub(super) type OnCommit<'a> = dyn Fn(&Transaction<'_>, &StagedImport) -> store::Result<()> + 'a;

/// What an import from the browser adds to the command line's: the data version its preview
/// saw, the clerk's reason for a correction, and the records to write with it.
#[derive(Default)]
pub(super) struct Checks<'a> {
    /// Refuse unless the data version is still this one (nothing changed since the preview).
    pub expected_version: Option<i64>,
    /// Written with the correction record on every re-frozen board.
    pub reason: Option<&'a str>,
    /// Runs in the transaction after the import is recorded, before the commit.
    pub on_commit: Option<&'a OnCommit<'a>>,
}

/// The units of `periods` missing a score as the transaction now holds them, one line each:
/// 「2023年第三季度 街道组「马街街道」缺：工业投资」.
fn still_missing(tx: &Connection, periods: &[PeriodKey]) -> store::Result<Vec<String>> {
    let mut lines = Vec::new();
    for &period in periods {
        for l in missing_scores(tx, period)? {
            lines.push(format!("{} {l}", period.label()));
        }
    }
    Ok(lines)
}

/// Every unit of `period` missing a score as `conn` holds them, one line each:
/// 「街道组「马街街道」缺少：工业投资」 (what `check` and `publish` list before 揭榜).
pub fn missing_scores(conn: &Connection, period: PeriodKey) -> store::Result<Vec<String>> {
    let s = super::scheme(conn, period.year)?;
    let mut lines = Vec::new();
    for b in crate::boards::period_boards(conn, &s, period)? {
        for r in b.board.rows.iter().filter(|r| r.has_missing()) {
            lines.push(format!(
                "{}「{}」{}",
                b.group.name,
                r.name,
                crate::present::missing_note(&b, r)
            ));
        }
    }
    Ok(lines)
}

pub(super) fn import_in_tx(
    conn: &mut Connection,
    catalog: &crate::competition::Catalog,
    source: Source<'_>,
    file_name: &str,
    default_period: Option<PeriodKey>,
    opts: &ApplyOptions<'_>,
    checks: &Checks<'_>,
) -> store::Result<(ImportPlan, ApplyOutcome)> {
    let tx = store::begin_write(conn)?;
    if let Some(expected) = checks.expected_version
        && store::data_version(&tx)?.0 != expected
    {
        return Err(Refusal::StalePreview.into());
    }
    let staged = store::stage_import(&tx, catalog, source, file_name, default_period, opts)?;
    if let Some(&period) = staged.plan.periods.iter().find(|k| !catalog.covers(k.year)) {
        return Err(Refusal::OtherScheme { period }.into());
    }
    if staged.summary.is_noop() {
        drop(tx);
        let earlier_batch = store::batch_with_sha(conn, &staged.plan.sha256)?;
        return Ok((
            staged.plan,
            ApplyOutcome::Unchanged {
                summary: staged.summary,
                earlier_batch,
            },
        ));
    }
    let posted_changes = refreeze(
        &tx,
        &staged.corrected,
        staged.batch_id,
        file_name,
        opts.actor,
        checks.reason,
    )?;
    if opts.dry_run {
        let missing = still_missing(&tx, &staged.plan.periods)?;
        return Ok((
            staged.plan,
            ApplyOutcome::DryRun {
                summary: staged.summary,
                new_periods: staged.new_periods,
                posted_changes,
                missing,
            },
        ));
    }
    store::record_import(&tx, &staged)?;
    if let Some(f) = checks.on_commit {
        f(&tx, &staged)?;
    }
    tx.commit()?;
    let StagedImport {
        plan,
        summary,
        new_periods,
        batch_id,
        ..
    } = staged;
    Ok((
        plan,
        ApplyOutcome::Applied {
            batch_id,
            summary,
            new_periods,
            posted_changes,
        },
    ))
}

/// Re-freezes, for a correction, the boards of the corrected periods and of every later
/// published one (their movement and year-to-date sums depend on them), in the import's
/// transaction; returns, in words, what changed on the posted boards.
pub(super) fn refreeze(
    tx: &Transaction<'_>,
    corrected: &[PeriodKey],
    batch_id: i64,
    file_name: &str,
    actor: &str,
    reason: Option<&str>,
) -> store::Result<Vec<String>> {
    let Some(&first) = corrected.first() else {
        return Ok(Vec::new());
    };
    let s = super::scheme(tx, first.year)?;
    let periods = corrected
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("、");
    let mut reason_text = format!(
        "导入批次#{}（{}）更正了{}的已揭榜得分",
        batch_id, file_name, periods
    );
    if let Some(why) = reason {
        reason_text.push_str(&format!("。更正人：{actor}；原因：{why}"));
    }
    refreeze_from(tx, &s, first, &reason_text, Some(batch_id))
}

/// Re-freezes every published period from `first` on with `reason` (and the batch that
/// caused it, if any); returns, in words, what changed on the posted boards.
pub(super) fn refreeze_from(
    tx: &Transaction<'_>,
    s: &Structure,
    first: PeriodKey,
    reason: &str,
    batch_id: Option<i64>,
) -> store::Result<Vec<String>> {
    let cause = SnapshotCause { reason, batch_id };
    // Movement and year-to-date sums run within one scheme: a later year's scheme starts anew.
    let later: Vec<PeriodKey> = s
        .own_periods()
        .filter(|p| p.status == PeriodStatus::Published && p.key >= first)
        .map(|p| p.key)
        .collect();
    let mut lines = Vec::new();
    let mut boards_changed = 0;
    for key in later {
        for (group, view, changes) in refreeze_period(tx, s, key, &cause)? {
            boards_changed += 1;
            let view = match view {
                View::Quarter => "单季度",
                View::Cumulative => "累计",
            };
            lines.push(format!("{} {}（{}）：", key.label(), group, view));
            match changes {
                Some(changes) => lines.extend(
                    changes
                        .iter()
                        .map(|ch| format!("  {}", crate::present::describe_correction(ch))),
                ),
                None => lines.push("  此前没有冻结的榜单，无法逐个列出单位的变化".to_string()),
            }
        }
    }
    tracing::info!(
        batch = ?batch_id,
        boards = boards_changed,
        "published boards corrected"
    );
    Ok(lines)
}

/// A re-frozen board: its group's name, the view, and the units whose posted result changed
/// (`None` when there was no snapshot to compare with).
type Refrozen = (String, View, Option<Vec<boards::RankCorrection>>);

/// Re-freezes the boards of one published period for a correction, replacing a snapshot that
/// differs. Returns each re-frozen board with the units whose posted rank, total or movement
/// changed (`None` when the board had no snapshot to compare with: a database from before
/// snapshots that no writing command has opened yet).
fn refreeze_period(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    cause: &SnapshotCause<'_>,
) -> store::Result<Vec<Refrozen>> {
    let Some(period) = s.period(key) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for g in &s.groups {
        for view in [View::Quarter, View::Cumulative] {
            let before = store::load_snapshot(conn, period.id, g.id, view)?;
            let Some(b) = boards::compute_group_board(conn, s, key, g.id, view)? else {
                continue;
            };
            if save(conn, period.id, g.id, view, &b, cause)? {
                let changes = before.map(|old| boards::rank_corrections(&old.board, &b.board));
                out.push((g.name.clone(), view, changes));
            }
        }
    }
    Ok(out)
}
