//! `publish`, `verify`, `freeze`: 揭榜 and checking what was posted.

use super::CliError;
use crate::domain::{PeriodKey, View};
use crate::store::Store;
use std::process::ExitCode;

pub fn publish(store: &Store, period: PeriodKey, yes: bool) -> Result<ExitCode, CliError> {
    // Every unit with a missing score, said before 揭榜 rather than found on the lobby screen.
    let missing = crate::ops::missing_scores(&*store.conn()?, period)?;
    if !missing.is_empty() {
        println!("{}有{}个单位缺项：", period.label(), missing.len());
        for l in &missing {
            println!("  {l}");
        }
        if !yes {
            return Err(CliError::Input(format!(
                "未揭榜：{}个单位缺项（见上）。补齐数据后再揭榜；确认按竞赛规则处理缺项的，请加 --yes 再次执行",
                missing.len()
            )));
        }
    }
    crate::ops::publish_by(
        &mut *store.conn()?,
        period,
        super::operator().actor(),
        "在命令行揭榜",
    )?;
    println!("{}（{}）已揭榜", period.label(), period);
    Ok(ExitCode::SUCCESS)
}

/// Exits 1 when a posted board differs from ranking the stored scores again.
pub fn verify(store: &Store) -> Result<ExitCode, CliError> {
    let found = crate::ops::verify(&*store.conn()?)?;
    if found.is_empty() {
        println!("核对完成：所有已揭榜榜单与按现有得分重新计算的结果一致");
        return Ok(ExitCode::SUCCESS);
    }
    for d in &found {
        let view = match d.view {
            View::Quarter => "单季度",
            View::Cumulative => "累计",
        };
        println!("{} {}（{}）：", d.period.label(), d.group, view);
        for line in &d.details {
            println!("  {line}");
        }
    }
    println!("核对发现{}个榜单与已揭榜结果不一致", found.len());
    Ok(ExitCode::from(1))
}

pub fn freeze(store: &Store) -> Result<ExitCode, CliError> {
    let frozen = crate::ops::freeze_missing(&mut *store.conn()?)?;
    if frozen.is_empty() {
        println!("没有需要冻结的榜单：每个已揭榜期间都已有揭榜时冻结的榜单");
    } else {
        for (key, boards) in &frozen {
            println!("已按现有得分冻结{}的{boards}个榜单", key.label());
        }
        println!(
            "这些期间此前没有冻结的榜单，已按现有得分冻结；如得分在揭榜后被改动过，冻结的是改动后的结果"
        );
    }
    Ok(ExitCode::SUCCESS)
}
