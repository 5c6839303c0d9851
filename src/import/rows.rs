//! Reading one data row: its period, its unit, its numbers, and the entry it fills; the checks
//! every layout shares.

use super::Col;
use super::HEADER_SEARCH_ROWS;
use super::ImportError;
use super::Layout;
use super::Planner;
use super::header::header_role;
use super::number::NumberError;
use super::number::parse_points;
use crate::domain::PeriodKey;
use crate::domain::Points;
use crate::tabular::CellRef;
use crate::tabular::RowRef;
use crate::text::normalize_name;
use crate::text::trim_cell;

impl Planner<'_> {
    pub(super) fn row(&mut self, row: usize, cells: RowRef<'_>) -> Result<(), ImportError> {
        if cells.is_blank() {
            return Ok(());
        }
        if self.header.is_none() {
            self.pre_header += 1;
            if (0..cells.len())
                .any(|i| header_role(&normalize_name(cells.get(i))) == Some(Col::Unit))
            {
                self.read_header(row, &cells);
            } else if self.pre_header >= HEADER_SEARCH_ROWS {
                return Err(ImportError::NoHeader);
            } else if self.title_period.is_none() {
                // A title row above the header (「2023年第三季度街道组得分」) names the quarter
                // the clerk meant; the preview compares it with where the file goes.
                self.title_period = (0..cells.len())
                    .map(|i| cells.get(i))
                    .filter(|c| c.chars().count() <= 200)
                    .find_map(PeriodKey::find_in);
            }
            return Ok(());
        }
        self.rows += 1;
        let width = self.header.as_ref().map_or(0, |h| h.cols.len());
        // A worksheet row keeps only its non-empty cells, so it may end before the header
        // does; a CSV row must have every separator.
        let short = cells.len() < width && matches!(cells, RowRef::Csv(_));
        if let RowRef::Sparse(_) = cells
            && let Some(col) = (width..cells.len()).find(|&i| !trim_cell(cells.get(i)).is_empty())
        {
            self.errors.push(ImportError::StrayCell {
                at: CellRef { row, col },
                expected: width,
            });
            return Ok(());
        }
        if short || (width..cells.len()).any(|i| !trim_cell(cells.get(i)).is_empty()) {
            self.errors.push(ImportError::Ragged {
                row,
                found: cells.len(),
                expected: width,
            });
            return Ok(());
        }
        match self.header.as_ref().map(|h| h.layout) {
            Some(Layout::Wide) => self.wide_row(row, &cells),
            Some(Layout::Long) => self.long_row(row, &cells),
            None => {}
        }
        Ok(())
    }
}

impl Planner<'_> {
    pub(super) fn period_at(
        &mut self,
        row: usize,
        cells: &RowRef<'_>,
        col: Option<usize>,
    ) -> Option<PeriodKey> {
        let Some(c) = col else {
            return self.default_period;
        };
        let raw = trim_cell(cells.get(c));
        if raw.is_empty() {
            if self.default_period.is_none() {
                self.errors.push(ImportError::NoPeriod {
                    at: Some(CellRef { row, col: c }),
                });
            }
            return self.default_period;
        }
        if let Some((s, p)) = &self.last_period
            && s == raw
        {
            return Some(*p);
        }
        match PeriodKey::parse(raw) {
            // Memory and the preview's work grow with the periods of a file: bounded.
            Some(p) if !self.seen.has(p) && self.seen.count() >= super::MAX_PERIODS_PER_FILE => {
                if !self.too_many_periods {
                    self.too_many_periods = true;
                    self.errors.push(ImportError::TooManyPeriods {
                        at: CellRef { row, col: c },
                        max: super::MAX_PERIODS_PER_FILE,
                    });
                }
                None
            }
            Some(p) => {
                self.last_period = Some((raw.to_string(), p));
                Some(p)
            }
            None => {
                self.errors.push(ImportError::BadPeriod {
                    at: CellRef { row, col: c },
                    value: raw.to_string(),
                });
                None
            }
        }
    }

    pub(super) fn unit_at(&mut self, row: usize, cells: &RowRef<'_>, col: usize) -> Option<usize> {
        let raw = trim_cell(cells.get(col));
        let at = CellRef { row, col };
        if raw.is_empty() {
            self.errors.push(ImportError::BlankUnit { at });
            return None;
        }
        let found = self.catalog.find_unit(raw);
        if found.is_some() {
            return found;
        }
        // Only a name that is not found can be one several units share.
        let sharing = self.catalog.units_sharing(raw);
        if sharing.is_empty() {
            self.errors.push(ImportError::UnknownUnit {
                at,
                name: raw.to_string(),
                suggestion: self.catalog.suggest_unit(raw),
            });
        } else {
            self.errors.push(ImportError::AmbiguousUnit {
                at,
                name: raw.to_string(),
                units: sharing
                    .iter()
                    .map(|&u| self.catalog.units[u].name.clone())
                    .collect(),
            });
        }
        None
    }

    pub(super) fn number_at(
        &mut self,
        at: CellRef,
        header: &str,
        raw: &str,
        min: Points,
        max: Option<Points>,
    ) -> Option<Option<Points>> {
        match parse_points(raw) {
            Ok(None) => Some(None),
            Ok(Some(v)) if v < min || max.is_some_and(|m| v > m) => {
                self.errors.push(ImportError::OutOfRange {
                    at,
                    header: header.to_string(),
                    value: trim_cell(raw).to_string(),
                    min: min.to_string(),
                    max: max.map_or("不限".into(), |m| m.to_string()),
                });
                None
            }
            Ok(Some(v)) => Some(Some(v)),
            Err(NumberError::TooManyDecimals) => {
                self.errors.push(ImportError::TooManyDecimals {
                    at,
                    header: header.to_string(),
                    value: trim_cell(raw).to_string(),
                });
                None
            }
            Err(NumberError::NotANumber) => {
                self.errors.push(ImportError::NotANumber {
                    at,
                    header: header.to_string(),
                    value: trim_cell(raw).to_string(),
                });
                None
            }
        }
    }

    /// Records the row of a wide file's unit; a second row for the same unit and period is
    /// an error.
    pub(super) fn unit_row(
        &mut self,
        period: PeriodKey,
        unit: usize,
        row: usize,
        unit_col: usize,
    ) -> bool {
        match self.seen.unit(period, unit, row) {
            None => true,
            Some(first_row) => {
                self.errors.push(ImportError::DuplicateUnit {
                    at: CellRef { row, col: unit_col },
                    name: self.catalog.units[unit].name.clone(),
                    period: period.to_string(),
                    first_row,
                });
                false
            }
        }
    }

    /// For an upload by a 报送单位: refuses, cell by cell, what it does not report.
    pub(super) fn check_owner(&mut self, at: CellRef, target: super::Target, column: &str) -> bool {
        let indicator = match target {
            super::Target::Indicator(i) => Some(i as usize),
            _ => None,
        };
        if let Some(i) = indicator
            && self.catalog.indicators[i].list
        {
            self.errors.push(ImportError::Refused {
                reason: format!(
                    "{at}「{}」：该指标按明细清单（加分或扣分事项）计分，不在得分表中填报；请删除此列，用明细清单导入",
                    crate::text::clip(column)
                ),
            });
            return false;
        }
        let Err(why) = self.catalog.may_write(indicator) else {
            return true;
        };
        let provider = self.catalog.provider().unwrap_or_default().to_string();
        self.errors.push(match why {
            crate::competition::NotOwned::Indicator { owner } => ImportError::NotYourIndicator {
                at,
                indicator: column.to_string(),
                owner,
                provider,
            },
            crate::competition::NotOwned::Adjustment => ImportError::NotYourColumn {
                at,
                column: column.to_string(),
                provider,
            },
        });
        false
    }

    pub(super) fn check_group(&mut self, at: CellRef, unit: usize, groups: &[usize]) -> bool {
        let g = self.catalog.units[unit].group;
        if groups.contains(&g) {
            return true;
        }
        if groups.is_empty() {
            // Already reported once for the header (MixedGroups); not again on every row.
            return false;
        }
        self.errors.push(ImportError::WrongGroup {
            at,
            unit: self.catalog.units[unit].name.clone(),
            unit_group: self.catalog.groups[g].name.clone(),
            expected: groups
                .iter()
                .map(|&g| self.catalog.groups[g].name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        });
        false
    }
}
