//! 一票否决, set or lifted by a 管理员 (or the command line), with its reason, audited. On a
//! published period it is a correction: the change needs a correction reason, and the boards
//! of that period and every later published one are re-frozen in the same transaction, so the
//! posted board, the 本榜已更正 record and the lobby say so.

use super::Actor;
use super::error::{Result, require};
use super::import::refreeze_from;
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
    change_all(conn, by, c.period, &[(c.unit, c.reason)], c.correction, set)
}

/// Sets (or lifts) the vetoes of `units` in `period` in one transaction: every one audited,
/// and on a published period one correction that re-freezes its boards and the later ones.
fn change_all(
    conn: &mut Connection,
    by: VetoBy<'_>,
    period: PeriodKey,
    units: &[(UnitId, &str)],
    correction: &str,
    set: bool,
) -> Result<VetoOutcome> {
    require(by.role, Role::Admin, "设定或撤销一票否决")?;
    let what = if set {
        "一票否决的原因"
    } else {
        "撤销一票否决的原因"
    };
    let mut reasons = Vec::with_capacity(units.len());
    for (_, r) in units {
        reasons.push(crate::text::visible_text(r, false).ok_or(Refusal::InvisibleText { what })?);
    }
    store::write_tx(conn, |tx| {
        let s = super::scheme(tx, period.year)?;
        let p = s.period(period).ok_or(Refusal::NoSuchPeriod { period })?;
        let published = p.status == PeriodStatus::Published;
        let correction = if published {
            Some(
                crate::text::visible_text(correction, false)
                    .ok_or(Refusal::CorrectionNeedsReason)?,
            )
        } else {
            None
        };
        let mut names = Vec::new();
        for ((unit, _), reason) in units.iter().zip(&reasons) {
            let unit = s.unit(*unit).ok_or_else(|| Refusal::NoSuchUnit {
                name: unit.to_string(),
            })?;
            let detail = if set {
                store::set_veto(tx, p.id, unit.id, reason, by.actor.name)?;
                format!("{} 一票否决：{}；原因：{reason}", period.label(), unit.name)
            } else {
                if !store::lift_veto(tx, p.id, unit.id, by.actor.name, reason)? {
                    return Err(Refusal::NoVeto {
                        period,
                        unit: unit.name.clone(),
                    }
                    .into());
                }
                format!(
                    "{} 撤销一票否决：{}；原因：{reason}",
                    period.label(),
                    unit.name
                )
            };
            let detail = match &correction {
                Some(why) => format!("{detail}（更正已揭榜的期间，更正原因：{why}）"),
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
                    period: Some(period),
                    detail: &detail,
                    address: by.actor.address,
                },
            )?;
            names.push(unit.name.clone());
        }
        match &correction {
            Some(why) => {
                let text = format!(
                    "{}{}（{}）。更正人：{}；原因：{why}",
                    if set {
                        "设定一票否决："
                    } else {
                        "撤销一票否决："
                    },
                    names.join("、"),
                    period.label(),
                    by.actor.name
                );
                Ok(refreeze_from(tx, &s, period, &text, None)?)
            }
            None => Ok(Vec::new()),
        }
    })
}

/// Reads a 一票否决 list (`单位, 原因`): every unit named and every reason given, or every
/// error with its row and column; writes nothing.
pub fn plan_vetoes(
    conn: &Connection,
    bytes: &[u8],
    period: PeriodKey,
) -> Result<Vec<(UnitId, String)>> {
    use crate::import::{ImportError, ImportErrors};
    use crate::tabular::{self, CellRef, RowRef};
    use crate::text::{normalize_name, trim_cell};
    let s = super::scheme(conn, period.year)?;
    let one = |e: ImportError| super::OpsError::File(ImportErrors(vec![e]));
    let decoded = tabular::decode(bytes).map_err(|e| one(e.into()))?;
    let mut cols: Option<(usize, usize, usize)> = None;
    let (mut errors, mut out) = (Vec::new(), Vec::new());
    tabular::for_each_row(decoded.body, |row, cells: RowRef<'_>| {
        if cells.is_blank() {
            return Ok(());
        }
        let Some((_, u, r)) = cols else {
            let find = |names: &[&str]| {
                (0..cells.len())
                    .find(|&i| names.contains(&normalize_name(trim_cell(cells.get(i))).as_str()))
            };
            match (
                find(&["单位", "单位名称"]),
                find(&["原因", "否决原因", "事由"]),
            ) {
                (Some(u), Some(r)) => cols = Some((row, u, r)),
                _ => {
                    return Err(ImportError::MissingColumn {
                        header_row: row,
                        name: "单位、原因".into(),
                        expected: "一票否决名单应为「单位, 原因」".into(),
                    });
                }
            }
            return Ok(());
        };
        let (name, reason) = (trim_cell(cells.get(u)), trim_cell(cells.get(r)));
        match s.unit_by_name(name) {
            None => errors.push(ImportError::Refused {
                reason: format!(
                    "{}「单位」：找不到单位「{}」",
                    CellRef { row, col: u },
                    crate::text::clip(name)
                ),
            }),
            Some(_) if crate::text::visible_text(reason, false).is_none() => {
                errors.push(ImportError::Refused {
                    reason: format!("{}「原因」：不能为空", CellRef { row, col: r }),
                });
            }
            Some(unit) => out.push((unit.id, reason.to_string())),
        }
        Ok(())
    })
    .map_err(one)?;
    if cols.is_none() {
        return Err(one(ImportError::NoHeader));
    }
    if !errors.is_empty() {
        return Err(super::OpsError::File(ImportErrors(errors)));
    }
    Ok(out)
}

/// Sets every veto of a list in one transaction (a published period: one correction).
pub fn import_vetoes(
    conn: &mut Connection,
    by: VetoBy<'_>,
    bytes: &[u8],
    period: PeriodKey,
    correction: &str,
) -> Result<(usize, VetoOutcome)> {
    let list = plan_vetoes(conn, bytes, period)?;
    let units: Vec<(UnitId, &str)> = list.iter().map(|(u, r)| (*u, r.as_str())).collect();
    let lines = change_all(conn, by, period, &units, correction, true)?;
    Ok((list.len(), lines))
}
