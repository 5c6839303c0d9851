//! Imports from the browser: a preview that writes nothing (the import staged in a
//! transaction that is rolled back, with each group's board before and after), and a confirm
//! that applies exactly the previewed bytes, refusing if anything changed since. Both go
//! through the command line's import path (`import_in_tx`), not a copy of it.

use super::super::Actor;
use super::super::compare::{GroupPreview, boards_before, compare_boards};
use super::super::error::Result;
use super::super::import::{Checks, import_in_tx};
use super::super::structure;
use crate::boards::{self, View};
use crate::domain::PeriodKey;
use crate::import::{ChangeSummary, ImportPlan, plan_import_streaming};
use crate::store::{
    self, ApplyOptions, ApplyOutcome, AuditAction, PeriodStatus, Refusal, StoreError, Upload,
};
use crate::tabular::Source;
use rusqlite::Connection;

/// What a file would do, computed and rolled back.
pub struct Preview {
    pub plan: ImportPlan,
    pub summary: ChangeSummary,
    pub new_periods: Vec<PeriodKey>,
    /// The data version the preview was computed against.
    pub data_version: i64,
    /// Published periods the file would correct.
    pub corrects: Vec<PeriodKey>,
    /// Each group of each period of the file, ranked before and after.
    pub groups: Vec<GroupPreview>,
    /// The file is equal to what is stored.
    pub unchanged: bool,
    /// Rows whose own 总分 disagrees with the computed total: 「第4行 文件总分 99.9，系统计算 72.60」.
    pub total_warnings: Vec<String>,
    /// The drafts open for uploads (a file sent to the wrong one can be sent to another).
    pub open_drafts: Vec<PeriodKey>,
    /// Raw figures that look like typos (ten times the last value, a 万元/元 mix-up).
    pub value_warnings: Vec<String>,
}

/// Previews a file: the import staged in a transaction that is always rolled back. Errors are
/// the importer's (`StoreError::Import`) or a refusal, exactly as `check` reports them.
pub(super) fn preview(
    conn: &mut Connection,
    bytes: &[u8],
    file_name: &str,
    default_period: Option<PeriodKey>,
    allow_published: bool,
    actor: &str,
    provider: Option<&str>,
) -> Result<Preview> {
    let s = super::super::scheme_of(conn, default_period)?;
    let open_drafts = s
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Draft)
        .map(|p| p.key)
        .collect();
    let catalog = s.catalog_for(default_period).restricted_to(provider);
    // A first read for the periods the file names, so that their boards can be taken before,
    // and its raw figures, to compare with what the units reported before.
    let mut raw: Vec<super::outliers::RawCell> = Vec::new();
    let mut sink = |e: crate::import::PlanEvent| {
        if let crate::import::PlanEvent::Cell {
            period,
            unit,
            cell:
                crate::import::PlanCell {
                    target: crate::import::Target::Indicator(ind),
                    value: Some(value),
                    row,
                    ..
                },
        } = e
            && catalog.indicators[ind as usize].raw
        {
            raw.push(super::outliers::RawCell {
                period,
                unit,
                indicator: ind as usize,
                value,
                row,
            });
        }
    };
    let planned = plan_import_streaming(
        Source::Bytes(bytes),
        file_name,
        &catalog,
        default_period,
        Some(&mut sink),
    )
    .map_err(|e| match provider {
        Some(p) => StoreError::Import(foreign_columns_once(e, &s, p)),
        None => StoreError::Import(e),
    })?;
    if provider.is_some() {
        open_drafts_only(&structure(conn)?, &planned.periods)?;
    }
    let value_warnings = super::outliers::warnings(conn, &s, &catalog, &raw)?;
    let tx = store::begin_write(conn)?;
    let data_version = store::data_version(&tx)?.0;
    let before = boards_before(&tx, &planned.periods)?;
    let opts = ApplyOptions {
        actor,
        allow_published,
        dry_run: true,
    };
    let staged = store::stage_import(
        &tx,
        &catalog,
        Source::Bytes(bytes),
        file_name,
        default_period,
        &opts,
    )?;
    let groups = compare_boards(&tx, before)?;
    let total_warnings = stated_total_warnings(&tx, &staged.plan.stated_totals)?;
    drop(tx);
    Ok(Preview {
        unchanged: staged.summary.is_noop(),
        plan: staged.plan,
        summary: staged.summary,
        new_periods: staged.new_periods,
        data_version,
        corrects: staged.corrected,
        groups,
        total_warnings,
        open_drafts,
        value_warnings,
    })
}

/// Compares the file's own 总分 with the totals the rules compute, within the tolerance of
/// the decimals the file wrote (99.9 agrees with 99.94, not with 99.96).
fn stated_total_warnings(
    tx: &Connection,
    stated: &[crate::import::StatedTotal],
) -> store::Result<Vec<String>> {
    use crate::domain::{SCALE, TOTAL_SCALE};
    let mut schemes = super::super::Schemes::default();
    let mut boards: std::collections::HashMap<
        (PeriodKey, crate::domain::GroupId),
        Option<boards::GroupBoard>,
    > = std::collections::HashMap::new();
    let mut out = Vec::new();
    for st in stated {
        let Ok(Some(p)) = crate::import::number::parse_points(&st.text) else {
            continue;
        };
        let s = schemes.of(tx, st.period.year)?;
        let Some(group) = s.units.iter().find(|u| u.id == st.unit).map(|u| u.group_id) else {
            continue;
        };
        let key = (st.period, group);
        let b =
            match boards.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    boards::compute_group_board(tx, s, st.period, group, View::Quarter)?,
                ),
            };
        let Some(b) = b else {
            continue;
        };
        let Some(row) = b.board.rows.iter().find(|r| r.unit_id == st.unit) else {
            continue;
        };
        // The decimals the file wrote (full-width forms folded): digits after the point.
        let decimals = st
            .text
            .chars()
            .map(crate::text::to_half_width)
            .skip_while(|c| *c != '.')
            .skip(1)
            .take_while(char::is_ascii_digit)
            .count()
            .min(4);
        let half_unit = i128::from(TOTAL_SCALE) / 10_i128.pow(decimals as u32) / 2;
        let stated_total = i128::from(p.0) * i128::from(TOTAL_SCALE / SCALE);
        if (stated_total - i128::from(row.total.0)).abs() > half_unit {
            out.push(format!(
                "第{}行「{}」：文件总分 {}，系统计算 {}",
                st.row, row.name, st.text, row.total
            ));
        }
    }
    Ok(out)
}

/// Applies an upload exactly as previewed: refused if the data changed since the preview, if
/// it was confirmed already, or if it corrects a published period without a reason. Records
/// the confirm (and the correction) in the audit log in the same transaction.
pub(super) fn confirm(
    conn: &mut Connection,
    upload: &Upload,
    actor: Actor<'_>,
    allow_published: bool,
    provider: Option<&str>,
) -> Result<(ImportPlan, ApplyOutcome)> {
    if let Some(batch) = upload.batch_id {
        return Err(Refusal::AlreadyConfirmed { batch }.into());
    }
    let reason = upload
        .correction
        .as_deref()
        .and_then(|r| crate::text::visible_text(r, true));
    let reason = reason.as_deref();
    if allow_published && reason.is_none() {
        return Err(Refusal::CorrectionNeedsReason.into());
    }
    let period = upload.period.as_deref().and_then(PeriodKey::parse);
    let catalog = super::super::scheme_of(conn, period)?
        .catalog_for(period)
        .restricted_to(provider);
    let opts = ApplyOptions {
        actor: actor.name,
        allow_published,
        dry_run: false,
    };
    let record = |tx: &rusqlite::Transaction<'_>, staged: &store::StagedImport| {
        if provider.is_some()
            && let Some(&period) = staged.new_periods.first()
        {
            return Err(Refusal::PeriodNotOpen { period }.into());
        }
        store::mark_upload_confirmed(tx, upload.id, staged.batch_id)?;
        let s = &staged.summary;
        let detail = format!(
            "确认导入「{}」（sha256 {}）为批次 #{}：{}",
            upload.file_name,
            upload.sha256,
            staged.batch_id,
            crate::present::change_counts(s)
        );
        actor.audit_each(tx, AuditAction::Confirm, &staged.plan.periods, &detail)?;
        if !staged.corrected.is_empty() {
            actor.audit_each(
                tx,
                AuditAction::Correction,
                &staged.corrected,
                &format!("批次 #{}；原因：{}", staged.batch_id, reason.unwrap_or("")),
            )?;
        }
        Ok(())
    };
    store::import_cache(conn, true)?;
    let result = import_in_tx(
        conn,
        &catalog,
        Source::Bytes(&upload.bytes),
        &upload.file_name,
        period,
        &opts,
        &Checks {
            expected_version: Some(upload.data_version),
            reason,
            on_commit: Some(&record),
        },
    );
    store::import_cache(conn, false)?;
    Ok(result?)
}

/// A 报送单位's whole sheet, other providers' columns and all: one line naming what the
/// account may report and what to delete, instead of a line per refused cell.
fn foreign_columns_once(
    errors: crate::import::ImportErrors,
    s: &store::Structure,
    provider: &str,
) -> crate::import::ImportErrors {
    use crate::import::ImportError;
    let mut others: Vec<String> = Vec::new();
    let mut cells = 0;
    let mut rest = Vec::new();
    for e in errors.0 {
        match &e {
            ImportError::NotYourIndicator {
                indicator: name, ..
            }
            | ImportError::NotYourColumn { column: name, .. } => {
                cells += 1;
                if !others.contains(name) {
                    others.push(name.clone());
                }
            }
            _ => rest.push(e),
        }
    }
    if cells == 0 {
        return crate::import::ImportErrors(rest);
    }
    let mine = s
        .indicators
        .iter()
        .filter(|i| i.provider.as_deref() == Some(provider))
        .map(|i| i.name.clone())
        .collect();
    let mut out = vec![ImportError::NotYourColumns {
        provider: provider.to_string(),
        mine,
        others,
        cells,
    }];
    out.extend(rest);
    crate::import::ImportErrors(out)
}

/// A 报送单位 writes into periods the 考评办 opened (drafts that exist), never a new one:
/// a typo like 2099Q4 would otherwise create a period everybody's upload page offers.
fn open_drafts_only(s: &store::Structure, periods: &[PeriodKey]) -> store::Result<()> {
    for &period in periods {
        if !s
            .periods
            .iter()
            .any(|p| p.key == period && p.status == PeriodStatus::Draft)
        {
            return Err(Refusal::PeriodNotOpen { period }.into());
        }
    }
    Ok(())
}
