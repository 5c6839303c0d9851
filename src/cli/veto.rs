//! What staff set on a period besides its scores: `veto set|lift|list` (一票否决) and
//! `deadline` (报送截止). A command acts as a 管理员, like every command: whoever runs it holds
//! the database file.

use super::{CliError, VetoCommand};
use crate::auth::Role;
use crate::ops::{VetoBy, VetoChange};
use crate::store::Store;
use std::process::ExitCode;

pub fn run(store: &Store, cmd: VetoCommand) -> Result<ExitCode, CliError> {
    let mut conn = store.conn()?;
    let op = super::operator();
    let by = VetoBy {
        actor: op.actor(),
        role: Role::Admin,
    };
    let (set, period, unit, reason, correction) = match cmd {
        VetoCommand::Import {
            file,
            period,
            correction,
        } => {
            let bytes = std::fs::read(&file)?;
            let (n, lines) = crate::ops::import_vetoes(&mut conn, by, &bytes, period, &correction)?;
            println!("{}：已按名单设定{n}个单位的一票否决", period.label());
            for l in lines {
                println!("{l}");
            }
            return Ok(ExitCode::SUCCESS);
        }
        VetoCommand::List => {
            let all = crate::store::vetoes(&conn)?;
            if all.is_empty() {
                println!("没有一票否决记录");
            }
            let zone = crate::store::office_zone(&conn)?;
            for v in all {
                let state = match &v.lifted {
                    None => "生效中".to_string(),
                    Some((t, by, why)) => format!("已于{}由{by}撤销（{why}）", zone.show(*t)),
                };
                println!(
                    "{} {}：{}（{}于{}设定，{state}）",
                    v.period.label(),
                    v.unit,
                    v.reason,
                    v.set_by,
                    zone.show(v.set_at)
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        VetoCommand::Set {
            period,
            unit,
            reason,
            correction,
        } => (true, period, unit, reason, correction),
        VetoCommand::Lift {
            period,
            unit,
            reason,
            correction,
        } => (false, period, unit, reason, correction),
    };
    let s = super::scheme(&conn, Some(period))?;
    let u = s
        .unit_by_name(&unit)
        .ok_or_else(|| CliError::Input(format!("单位「{unit}」不存在")))?;
    let change = VetoChange {
        period,
        unit: u.id,
        reason: &reason,
        correction: &correction,
    };
    let lines = if set {
        crate::ops::set_veto(&mut conn, by, &change)?
    } else {
        crate::ops::lift_veto(&mut conn, by, &change)?
    };
    println!(
        "{} {}：{}",
        period.label(),
        u.name,
        if set {
            "已设定一票否决"
        } else {
            "已撤销一票否决"
        }
    );
    for l in lines {
        println!("{l}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `deadline`: sets or removes a draft period's 报送截止.
pub fn deadline(
    store: &Store,
    period: crate::domain::PeriodKey,
    at: Option<&str>,
    indicator: Option<&str>,
    clear: bool,
) -> Result<ExitCode, CliError> {
    let mut conn = store.conn()?;
    let s = super::scheme(&conn, Some(period))?;
    let ind = match indicator {
        None => None,
        Some(name) => {
            let n = crate::text::normalize_name(name);
            let found: Vec<_> = s
                .indicators
                .iter()
                .filter(|i| i.code == name.trim() || crate::text::normalize_name(&i.name) == n)
                .collect();
            match found.as_slice() {
                [one] => Some(one.id),
                [] => return Err(CliError::Input(format!("指标「{name}」不存在"))),
                _ => {
                    return Err(CliError::Input(format!(
                        "指标名称「{name}」有多个组别使用，请改用指标代码"
                    )));
                }
            }
        }
    };
    let at =
        match (at, clear) {
            (_, true) => None,
            (Some(t), false) => Some(s.competition.zone.parse_local(t).ok_or_else(|| {
                CliError::Input(format!("截止时间「{t}」应写作 2023-12-10 17:00"))
            })?),
            (None, false) => {
                return Err(CliError::Input(
                    "请用 --at 给出截止时间，或用 --clear 取消".into(),
                ));
            }
        };
    let op = super::operator();
    crate::ops::set_deadline(&mut conn, period, ind, at, op.actor())?;
    println!(
        "{}的报送截止时间已{}",
        period.label(),
        if at.is_some() { "设定" } else { "取消" }
    );
    Ok(ExitCode::SUCCESS)
}

pub fn appeal(store: &Store, cmd: super::AppealCommand) -> Result<ExitCode, CliError> {
    use super::AppealCommand;
    let mut conn = store.conn()?;
    let op = super::operator();
    match cmd {
        AppealCommand::Add { period, unit, text } => {
            let s = super::scheme(&conn, Some(period))?;
            let u = s
                .unit_by_name(&unit)
                .ok_or_else(|| CliError::Input(format!("单位「{unit}」不存在")))?
                .id;
            let id = crate::ops::add_appeal(&mut conn, op.actor(), Role::Admin, period, u, &text)?;
            println!("已登记申诉#{id}");
        }
        AppealCommand::Answer {
            id,
            period,
            answer,
            upheld,
        } => {
            crate::ops::answer_appeal(
                &mut conn,
                op.actor(),
                Role::Admin,
                period,
                id,
                &answer,
                upheld,
            )?;
            println!("已答复申诉#{id}");
        }
        AppealCommand::Final { period } => {
            crate::ops::end_publicity(&mut conn, op.actor(), Role::Admin, period)?;
            println!("{}已确认为最终结果", period.label());
        }
        AppealCommand::List { period } => {
            let s = super::scheme(&conn, Some(period))?;
            let p = s
                .period(period)
                .ok_or_else(|| CliError::Input(format!("期间{period}不存在")))?;
            let zone = crate::store::office_zone(&conn)?;
            match crate::store::publicity(&conn, p.id)? {
                Some(pb) => println!("{}", crate::present::publicity_text(&pb, &zone)),
                None => println!("{}没有公示期", period.label()),
            }
            for a in crate::store::appeals(&conn, p.id)? {
                println!(
                    "#{} {}：{}（{}于{}登记）",
                    a.id,
                    a.unit,
                    a.text,
                    a.recorded_by,
                    zone.show(a.received_at)
                );
                if let Some((ans, upheld, at, by)) = a.answer {
                    println!(
                        "    答复（{}，{by}于{}）：{ans}",
                        if upheld {
                            "申诉成立"
                        } else {
                            "维持原结果"
                        },
                        zone.show(at)
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
