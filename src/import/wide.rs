//! The wide layout: one row per unit, one column per indicator (what staff export from Excel).

use super::Col;
use super::Header;
use super::MAX_ADJUSTMENT;
use super::PlanCell;
use super::PlanEvent;
use super::Planner;
use super::Target;
use super::cell;
use crate::domain::Points;
use crate::tabular::RowRef;
use crate::text::trim_cell;

impl Planner<'_> {
    pub(super) fn wide_row(&mut self, row: usize, cells: &RowRef<'_>) {
        let Some(h) = self.header.take() else { return };
        self.wide_row_with(row, cells, &h);
        self.header = Some(h);
    }

    fn wide_row_with(&mut self, row: usize, cells: &RowRef<'_>, h: &Header) {
        let Some(unit_col) = h.find(Col::Unit) else {
            return;
        };
        let period = self.period_at(row, cells, h.find(Col::Period));
        let unit = self.unit_at(row, cells, unit_col);
        let allowed = self.allowed_groups.clone();
        let in_group = unit.is_some_and(|u| self.check_group(cell(row, unit_col), u, &allowed));
        let mut out = Vec::new();
        let mut remark = None;
        let mut stated = None;
        for (i, col) in h.cols.iter().enumerate() {
            let raw = cells.get(i);
            let at = cell(row, i);
            let (target, max) = match *col {
                Col::Indicator(ind) => (
                    Target::Indicator(ind),
                    self.catalog.indicators[ind as usize].range().1,
                ),
                Col::Bonus => (Target::Bonus, Some(MAX_ADJUSTMENT)),
                Col::Penalty => (Target::Penalty, Some(MAX_ADJUSTMENT)),
                Col::StatedTotal => {
                    let t = trim_cell(raw);
                    stated = (!t.is_empty()).then(|| crate::text::clip(t).into_owned());
                    continue;
                }
                Col::Remark => {
                    if self.catalog.provider().is_some() {
                        self.check_owner(at, Target::Bonus, &h.names[i]);
                        continue;
                    }
                    let t = trim_cell(raw);
                    remark = Some((!t.is_empty()).then(|| t.to_string()));
                    continue;
                }
                _ => continue,
            };
            // A blank cell clears a value: it is refused in another's column too.
            if !self.check_owner(at, target, &h.names[i]) {
                continue;
            }
            let min = match target {
                Target::Penalty => Points(-MAX_ADJUSTMENT.0),
                Target::Indicator(ind) => self.catalog.indicators[ind as usize].range().0,
                Target::Bonus => Points::ZERO,
            };
            if let Some(v) = self.number_at(at, &h.names[i], raw, min, max) {
                // A penalty typed as a negative number means the same deduction.
                let v = if target == Target::Penalty {
                    v.map(Points::abs)
                } else {
                    v
                };
                out.push(PlanCell {
                    target,
                    value: v,
                    note: None,
                    row: row as u32,
                });
            }
        }
        // The 备注 column explains the row's bonus and penalty.
        if let Some(Some(text)) = &remark {
            for c in &mut out {
                if matches!(c.target, Target::Bonus | Target::Penalty) && c.value.is_some() {
                    c.note = Some(text.as_str().into());
                }
            }
        }
        let (Some(period), Some(unit), true) = (period, unit, in_group) else {
            return;
        };
        if !self.unit_row(period, unit, row, unit_col) {
            return;
        }
        if let Some(text) = stated
            && self.stated_totals.len() < super::MAX_STATED_TOTALS
        {
            self.stated_totals.push(super::StatedTotal {
                row,
                period,
                unit: self.catalog.units[unit].id,
                text,
            });
        }
        self.values += out.iter().filter(|c| c.value.is_some()).count();
        self.remarks += usize::from(matches!(remark, Some(Some(_))));
        if let Some(sink) = self.sink.as_mut() {
            for cell in out {
                sink(PlanEvent::Cell { period, unit, cell });
            }
            if let Some(text) = remark {
                sink(PlanEvent::Remark {
                    period,
                    unit,
                    row,
                    text,
                });
            }
        }
    }
}
