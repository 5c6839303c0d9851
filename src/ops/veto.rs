//! 一票否决, set or lifted by a 管理员 (or the command line), with its reason, audited. On a
//! published period it is a correction: the change needs a correction reason, and the boards
//! of that period and every later published one are re-frozen in the same transaction, so the
//! posted board, the 本榜已更正 record and the lobby say so.

use super::error::{Result, require};
use super::import::refreeze_from;
use super::{Actor, structure};
use crate::auth::Role;
use crate::domain::{PeriodKey, UnitId};
use crate::store::{self, AuditAction, AuditEntry, PeriodStatus, Refusal};
use rusqlite::Connection;

/// Who sets or lifts a veto, and with which role.
#[derive(Debug, Clone, Copy)]
pub struct VetoBy<'a> {
    pub actor: Actor<'a>,
    pub role: Role,
}

/// A veto to set (`reason`) or lift (`reason` is why it is lifted).
pub struct VetoChange<'a> {
    pub period: PeriodKey,
    pub unit: UnitId,
    pub reason: &'a str,
    /// A published period's correction reason (ignored for a draft).
    pub correction: &'a str,
}

/// What the change did: the lines of the posted boards that changed (a published period).
pub type VetoOutcome = Vec<String>;

/// Sets a veto (replacing the reason of one in force).
pub fn set_veto(conn: &mut Connection, by: VetoBy<'_>, c: &VetoChange<'_>) -> Result<VetoOutcome> {
    change(conn, by, c, true)
}

/// Lifts the veto in force.
pub fn lift_veto(conn: &mut Connection, by: VetoBy<'_>, c: &VetoChange<'_>) -> Result<VetoOutcome> {
    change(conn, by, c, false)
}

fn change(
    conn: &mut Connection,
    by: VetoBy<'_>,
    c: &VetoChange<'_>,
    set: bool,
) -> Result<VetoOutcome> {
    require(by.role, Role::Admin, "设定或撤销一票否决")?;
    let what = if set {
        "一票否决的原因"
    } else {
        "撤销一票否决的原因"
    };
    let reason =
        crate::text::visible_text(c.reason, false).ok_or(Refusal::InvisibleText { what })?;
    store::write_tx(conn, |tx| {
        let s = structure(tx)?;
        let period = s
            .period(c.period)
            .ok_or(Refusal::NoSuchPeriod { period: c.period })?;
        let unit = s.unit(c.unit).ok_or_else(|| Refusal::NoSuchUnit {
            name: c.unit.to_string(),
        })?;
        let published = period.status == PeriodStatus::Published;
        let correction = if published {
            Some(
                crate::text::visible_text(c.correction, false)
                    .ok_or(Refusal::CorrectionNeedsReason)?,
            )
        } else {
            None
        };
        let detail = if set {
            store::set_veto(tx, period.id, unit.id, &reason, by.actor.name)?;
            format!(
                "{} 一票否决：{}；原因：{reason}",
                c.period.label(),
                unit.name
            )
        } else {
            if !store::lift_veto(tx, period.id, unit.id, by.actor.name, &reason)? {
                return Err(Refusal::NoVeto {
                    period: c.period,
                    unit: unit.name.clone(),
                }
                .into());
            }
            format!(
                "{} 撤销一票否决：{}；原因：{reason}",
                c.period.label(),
                unit.name
            )
        };
        let mut lines = Vec::new();
        let detail = match &correction {
            Some(why) => {
                let text = format!(
                    "{}{}（{}）。更正人：{}；原因：{why}",
                    if set {
                        "设定一票否决："
                    } else {
                        "撤销一票否决："
                    },
                    unit.name,
                    c.period.label(),
                    by.actor.name
                );
                lines = refreeze_from(tx, &s, c.period, &text, None)?;
                format!("{detail}（更正已揭榜的期间，更正原因：{why}）")
            }
            None => detail,
        };
        store::audit(
            tx,
            &AuditEntry {
                actor: by.actor.name,
                action: if published {
                    AuditAction::Correction
                } else {
                    AuditAction::Veto
                },
                period: Some(c.period),
                detail: &detail,
                address: by.actor.address,
            },
        )?;
        Ok(lines)
    })
}
