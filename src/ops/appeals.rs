//! 公示 and 申诉 of a published result: staff record a unit's appeal and, after 复核, its
//! answer (an upheld appeal is put right by a correction, which re-freezes the board as any
//! correction does); a 管理员 may declare the result final before the 公示期 ends. Each step
//! is audited.

use super::Actor;
use super::error::{Result, require};
use crate::auth::Role;
use crate::domain::{PeriodKey, UnitId};
use crate::store::{self, AuditAction, AuditEntry, Refusal};
use rusqlite::Connection;

fn audit(tx: &Connection, actor: Actor<'_>, period: PeriodKey, detail: &str) -> store::Result<()> {
    store::audit(
        tx,
        &AuditEntry {
            actor: actor.name,
            action: AuditAction::Appeal,
            period: Some(period),
            detail,
            address: actor.address,
        },
    )
}

/// Records a unit's appeal against a result in 公示; returns its number.
pub fn add_appeal(
    conn: &mut Connection,
    actor: Actor<'_>,
    role: Role,
    period: PeriodKey,
    unit: UnitId,
    text: &str,
) -> Result<i64> {
    require(role, Role::Staff, "登记申诉")?;
    let text = crate::text::visible_text(text, true).ok_or(Refusal::InvisibleText {
        what: "申诉内容",
    })?;
    Ok(store::write_tx(conn, |tx| {
        let s = super::scheme(tx, period.year)?;
        let p = s.period(period).ok_or(Refusal::NoSuchPeriod { period })?;
        let u = s.unit(unit).ok_or(Refusal::NoSuchUnit {
            name: unit.to_string(),
        })?;
        match store::publicity(tx, p.id)? {
            Some(pb) if pb.final_at.is_none() => {}
            _ => return Err(Refusal::NotInPublicity { period }.into()),
        }
        let id = store::add_appeal(tx, p.id, unit, &text, actor.name)?;
        audit(
            tx,
            actor,
            period,
            &format!("登记申诉#{id}：{}：{}", u.name, crate::text::clip(&text)),
        )?;
        store::bump_version(tx)?;
        Ok::<_, store::StoreError>(id)
    })?)
}

/// Records the answer to an appeal after 复核.
pub fn answer_appeal(
    conn: &mut Connection,
    actor: Actor<'_>,
    role: Role,
    period: PeriodKey,
    id: i64,
    answer: &str,
    upheld: bool,
) -> Result<()> {
    require(role, Role::Staff, "答复申诉")?;
    let answer = crate::text::visible_text(answer, true).ok_or(Refusal::InvisibleText {
        what: "答复内容",
    })?;
    Ok(store::write_tx(conn, |tx| {
        if !store::answer_appeal(tx, id, &answer, upheld, actor.name)? {
            return Err(Refusal::NoSuchAppeal { id }.into());
        }
        audit(
            tx,
            actor,
            period,
            &format!(
                "答复申诉#{id}（{}）：{}",
                if upheld {
                    "申诉成立"
                } else {
                    "维持原结果"
                },
                crate::text::clip(&answer)
            ),
        )?;
        store::bump_version(tx)
    })?)
}

/// Declares a result in 公示 final now (管理员).
pub fn end_publicity(
    conn: &mut Connection,
    actor: Actor<'_>,
    role: Role,
    period: PeriodKey,
) -> Result<()> {
    require(role, Role::Admin, "提前结束公示")?;
    Ok(store::write_tx(conn, |tx| {
        let s = super::scheme(tx, period.year)?;
        let p = s.period(period).ok_or(Refusal::NoSuchPeriod { period })?;
        if !store::end_publicity(tx, p.id, actor.name)? {
            return Err(Refusal::NotInPublicity { period }.into());
        }
        audit(tx, actor, period, "确认为最终结果（提前结束公示）")?;
        store::bump_version(tx)
    })?)
}
