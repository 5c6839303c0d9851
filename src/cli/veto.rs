//! `veto set|lift|list`: 一票否决 from the command line (it acts as a 管理员, like every
//! command: whoever runs it holds the database file).

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
    let s = super::structure(&conn)?;
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
