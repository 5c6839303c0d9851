//! What importing a plan would change, cell by cell, against what is stored (pure).

use super::PlanCell;
use super::Target;
use crate::competition::Catalog;
use crate::domain::PeriodKey;
use crate::domain::Points;
use serde::Serialize;
use std::collections::HashMap;

/// A stored value as the diff sees it.
#[derive(Debug, Clone, Default)]
pub struct CurrentEntry {
    /// Value and note (for adjustments, the reason).
    pub values: HashMap<Target, (Points, Option<String>)>,
    pub remark: Option<String>,
}

/// How many 备注 (remarks of a row) a change adds, changes, removes or leaves.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct RemarkCounts {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
}

/// What applying a plan would change, per (period, unit): values (scores, 加分, 扣分) counted
/// apart from the rows' 备注, so that they add up to the file's own count of each.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangeSummary {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub remarks: RemarkCounts,
    /// Human-readable lines for changed and removed values, capped.
    pub details: Vec<String>,
    pub details_left_off: usize,
}

impl ChangeSummary {
    #[must_use]
    pub fn is_noop(&self) -> bool {
        self.added == 0
            && self.changed == 0
            && self.removed == 0
            && self.remarks.added == 0
            && self.remarks.changed == 0
            && self.remarks.removed == 0
    }

    fn detail(&mut self, line: String) {
        if self.details.len() < MAX_DETAILS {
            self.details.push(line);
        } else {
            self.details_left_off += 1;
        }
    }
}

const MAX_DETAILS: usize = 50;

impl ChangeSummary {
    /// Counts one cell of the file against its stored value; `true` when it must be written.
    pub fn cell(
        &mut self,
        catalog: &Catalog,
        period: PeriodKey,
        unit: usize,
        old: Option<&(Points, Option<String>)>,
        c: &PlanCell,
    ) -> bool {
        let what = match (old, c.value) {
            (None, None) => return false,
            (None, Some(_)) => {
                self.added += 1;
                return true;
            }
            (Some((o, onote)), Some(n)) if *o == n => {
                if onote.as_deref() == c.note.as_deref() {
                    self.unchanged += 1;
                    return false;
                }
                self.changed += 1;
                format!(
                    "说明「{}」→「{}」",
                    onote.as_deref().unwrap_or(""),
                    c.note.as_deref().unwrap_or("")
                )
            }
            (Some((o, _)), Some(n)) => {
                self.changed += 1;
                format!("{o} → {n}")
            }
            (Some((o, _)), None) => {
                self.removed += 1;
                format!("{o} → 空（删除）")
            }
        };
        let name = match c.target {
            Target::Indicator(i) => catalog.indicators[i as usize].name.as_str(),
            Target::Bonus => "加分",
            Target::Penalty => "扣分",
        };
        self.detail(format!(
            "{} {}「{}」：{}（第{}行）",
            period, catalog.units[unit].name, name, what, c.row
        ));
        true
    }

    /// Counts a 备注 cell; `true` when it must be written.
    pub fn remark(
        &mut self,
        catalog: &Catalog,
        period: PeriodKey,
        unit: usize,
        row: usize,
        old: Option<&str>,
        new: Option<&str>,
    ) -> bool {
        match (old, new) {
            (a, b) if a == b => {
                if a.is_some() {
                    self.remarks.unchanged += 1;
                }
                return false;
            }
            (None, Some(_)) => {
                // Like new values, new remarks are counted, not listed.
                self.remarks.added += 1;
                return true;
            }
            (Some(_), None) => self.remarks.removed += 1,
            _ => self.remarks.changed += 1,
        }
        self.detail(format!(
            "{} {}「备注」：「{}」→「{}」（第{}行）",
            period,
            catalog.units[unit].name,
            old.unwrap_or(""),
            new.unwrap_or(""),
            row
        ));
        true
    }
}
