//! `import`, `check`, `honors`: files into the database, all or nothing.

use super::CliError;
use crate::domain::PeriodKey;
use crate::store::{ApplyOptions, ApplyOutcome, Store, StoreError};
use crate::tabular::Source;
use std::path::Path;
use std::process::ExitCode;

/// The file's own name, as recorded in the import batch.
fn file_name(file: &Path) -> String {
    file.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

pub fn import(
    store: &Store,
    file: &Path,
    period: Option<PeriodKey>,
    correct_published: bool,
    actor: &str,
    dry_run: bool,
) -> Result<ExitCode, CliError> {
    // Read as a stream: memory follows a row at a time, whatever the file's size.
    std::fs::metadata(file)?;
    let name = file_name(file);
    let opts = ApplyOptions {
        actor,
        allow_published: correct_published,
        dry_run,
    };
    let who = super::operator();
    let (plan, outcome) = crate::ops::import_source_by(
        &mut *store.conn()?,
        Source::File(file),
        &name,
        period,
        &opts,
        who.actor(),
    )?;
    let periods: Vec<String> = plan.periods.iter().map(ToString::to_string).collect();
    println!(
        "文件「{}」：{}，{}，{}行数据，{}个分值，期间 {}",
        plan.file_name,
        plan.encoding.as_str(),
        plan.layout.label(),
        plan.rows,
        plan.values,
        periods.join("、")
    );
    let summary = match &outcome {
        ApplyOutcome::Applied { summary, .. }
        | ApplyOutcome::Unchanged { summary, .. }
        | ApplyOutcome::DryRun { summary, .. } => summary,
    };
    println!(
        "{}，不变{}项",
        crate::present::change_counts(summary),
        summary.unchanged + summary.remarks.unchanged
    );
    for d in &summary.details {
        println!("  {d}");
    }
    if summary.details_left_off > 0 {
        println!("  ……另有{}项变更未列出", summary.details_left_off);
    }
    match outcome {
        ApplyOutcome::Applied {
            batch_id,
            new_periods,
            posted_changes,
            ..
        } => {
            for p in new_periods {
                println!("新建期间 {p}（草稿）");
            }
            if !posted_changes.is_empty() {
                println!("已更正已揭榜的榜单（原榜单保留，页面显示“本榜已更正”）：");
                for l in &posted_changes {
                    println!("  {l}");
                }
            }
            println!("已导入（导入批次 #{batch_id}）");
        }
        ApplyOutcome::Unchanged { earlier_batch, .. } => match earlier_batch {
            Some(b) => println!("与已导入的数据相同（同一文件曾于批次 #{b} 导入），未做任何修改"),
            None => println!("与已导入的数据相同，未做任何修改"),
        },
        ApplyOutcome::DryRun {
            new_periods,
            posted_changes,
            missing,
            ..
        } => {
            if !missing.is_empty() {
                println!(
                    "注意：导入后仍有{}个单位缺项，揭榜时将按竞赛规则处理（通常按0分计）：",
                    missing.len()
                );
                for l in &missing {
                    println!("  {l}");
                }
            }
            for p in new_periods {
                println!("将新建期间 {p}（草稿）");
            }
            if !posted_changes.is_empty() {
                println!("导入后将更正以下已揭榜的榜单：");
                for l in &posted_changes {
                    println!("  {l}");
                }
            }
            println!("检查通过，未写入（使用 shaibang import 导入）");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn honors(
    store: &Store,
    file: &Path,
    period: Option<PeriodKey>,
    actor: &str,
) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(file)?;
    let mut conn = store.conn()?;
    let catalog = super::scheme(&conn, period)?.catalog();
    let plan =
        crate::import::honors::plan_honors(&bytes, &catalog, period).map_err(StoreError::Import)?;
    let _ = actor;
    let n = crate::ops::import_honors_by(
        &mut conn,
        &catalog,
        &plan,
        &file_name(file),
        super::operator().actor(),
    )?;
    println!(
        "已导入实干先锋{n}人（{}）",
        plan.periods()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、")
    );
    Ok(ExitCode::SUCCESS)
}

pub fn targets(store: &Store, file: &Path, year: i32, quarter: u8) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(file)?;
    let n = crate::ops::import_targets(
        &mut *store.conn()?,
        &bytes,
        &file_name(file),
        year,
        quarter,
        super::operator().actor(),
    )?;
    if quarter == 0 {
        println!("已导入{year}年年度目标{n}项");
    } else {
        println!("已导入{year}年第{quarter}季度目标{n}项");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn details(
    store: &Store,
    file: &Path,
    period: crate::domain::PeriodKey,
) -> Result<ExitCode, CliError> {
    let bytes = std::fs::read(file)?;
    let n = crate::ops::import_details(
        &mut *store.conn()?,
        &bytes,
        &file_name(file),
        period,
        super::operator().actor(),
    )?;
    println!("已导入{}明细清单{n}条", period.label());
    Ok(ExitCode::SUCCESS)
}
