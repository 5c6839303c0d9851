//! The long layout: one row per score (期间, 单位, 指标, 得分).

use super::Col;
use super::Header;
use super::ImportError;
use super::MAX_ADJUSTMENT;
use super::PlanCell;
use super::PlanEvent;
use super::Planner;
use super::Target;
use super::cell;
use super::header::header_role;
use crate::domain::Points;
use crate::tabular::RowRef;
use crate::text::trim_cell;

impl Planner<'_> {
    pub(super) fn long_row(&mut self, row: usize, cells: &RowRef<'_>) {
        let Some(h) = self.header.take() else { return };
        self.long_row_with(row, cells, &h);
        self.header = Some(h);
    }

    fn long_row_with(&mut self, row: usize, cells: &RowRef<'_>, h: &Header) {
        let (Some(unit_col), Some(ind_col), Some(score_col)) = (
            h.find(Col::Unit),
            h.find(Col::IndicatorName),
            h.find(Col::Score),
        ) else {
            return;
        };
        let period = self.period_at(row, cells, h.find(Col::Period));
        let unit = self.unit_at(row, cells, unit_col);
        let ind_raw = trim_cell(cells.get(ind_col));
        let at_ind = cell(row, ind_col);
        let target = match header_role(ind_raw) {
            Some(Col::Bonus) => Some(Target::Bonus),
            Some(Col::Penalty) => Some(Target::Penalty),
            _ => {
                let cands = self.catalog.find_indicators(ind_raw);
                if cands.is_empty() {
                    self.errors.push(ImportError::UnknownIndicator {
                        at: at_ind,
                        name: ind_raw.to_string(),
                        suggestion: self.catalog.suggest_indicator(ind_raw),
                    });
                    None
                } else if let Some(u) = unit {
                    let g = self.catalog.units[u].group;
                    match cands
                        .iter()
                        .copied()
                        .find(|&i| self.catalog.indicators[i].groups.contains(&g))
                    {
                        Some(i) => Some(Target::Indicator(i as u32)),
                        None => {
                            let mut groups: Vec<usize> = cands
                                .iter()
                                .flat_map(|&i| self.catalog.indicators[i].groups.clone())
                                .collect();
                            groups.sort_unstable();
                            groups.dedup();
                            self.check_group(cell(row, unit_col), u, &groups);
                            return;
                        }
                    }
                } else {
                    None
                }
            }
        };
        if let Some(t) = target
            && !self.check_owner(at_ind, t, ind_raw)
        {
            return;
        }
        let (header, max, min) = match target {
            Some(Target::Indicator(i)) => {
                let ind = &self.catalog.indicators[i as usize];
                let (min, max) = ind.range();
                (ind.name.clone(), max, min)
            }
            Some(Target::Penalty) => (
                "扣分".to_string(),
                Some(MAX_ADJUSTMENT),
                Points(-MAX_ADJUSTMENT.0),
            ),
            _ => ("加分".to_string(), Some(MAX_ADJUSTMENT), Points::ZERO),
        };
        let value = self.number_at(
            cell(row, score_col),
            &header,
            cells.get(score_col),
            min,
            max,
        );
        let value = if target == Some(Target::Penalty) {
            value.map(|v| v.map(Points::abs))
        } else {
            value
        };
        let (Some(period), Some(unit), Some(target), Some(value)) = (period, unit, target, value)
        else {
            return;
        };
        if let Some(first_row) = self.seen.cell(period, unit, target, row) {
            self.errors.push(ImportError::DuplicateScore {
                at: at_ind,
                unit: self.catalog.units[unit].name.clone(),
                indicator: ind_raw.to_string(),
                period: period.to_string(),
                first_row,
            });
            return;
        }
        let note = h
            .find(Col::Remark)
            .map(|c| trim_cell(cells.get(c)))
            .filter(|s| !s.is_empty())
            .map(Box::from);
        let cell = PlanCell {
            target,
            value,
            note,
            row: row as u32,
        };
        self.values += usize::from(cell.value.is_some());
        if let Some(sink) = self.sink.as_mut() {
            sink(PlanEvent::Cell { period, unit, cell });
        }
    }
}
