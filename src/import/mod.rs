//! Score import: from a file's bytes to a validated `ImportPlan`, or to the complete list of
//! what is wrong with it. Pure: the caller supplies the competition's `Catalog` and applies
//! the plan to the store (all or nothing).
//!
//! Layouts, detected from the header row:
//! - wide: `单位, <指标名>…, 加分, 扣分, 备注[, 期间]` — one row per unit;
//! - long: `期间, 单位, 指标, 得分[, 备注]` — one row per score (指标 may be 加分 or 扣分).

pub mod error;
pub mod honors;
pub mod number;

use crate::competition::Catalog;
use crate::domain::{PeriodKey, Points};
use crate::tabular::{self, Encoding, RowRef};
use crate::text::normalize_name;
use crate::text::trim_cell;
pub use error::{CellRef, ImportError, ImportErrors};
use number::{NumberError, parse_points};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The most a single bonus or penalty may be: far beyond any real scheme (a few points), and
/// small enough that no total can overflow. A larger number is a typing error.
pub const MAX_ADJUSTMENT: Points = Points(10_000 * crate::domain::SCALE);
/// At most this many errors are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 200;
/// The header is looked for in the first rows, below any title rows.
const HEADER_SEARCH_ROWS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Wide,
    Long,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Wide => "wide",
            Layout::Long => "long",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Layout::Wide => "宽表（每行一个单位）",
            Layout::Long => "长表（每行一个得分）",
        }
    }
}

/// What a cell sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// Index into the catalog's indicators.
    Indicator(u32),
    Bonus,
    Penalty,
}

/// One value from the file. `value: None` is an explicitly blank cell: it clears an earlier value.
#[derive(Debug, Clone)]
pub struct PlanCell {
    pub target: Target,
    pub value: Option<Points>,
    pub note: Option<Box<str>>,
    pub row: u32,
}

/// Everything the file says about one unit in one period.
#[derive(Debug, Clone)]
pub struct Entry {
    pub period: PeriodKey,
    /// Index into the catalog's units.
    pub unit: usize,
    pub row: usize,
    pub cells: Vec<PlanCell>,
    /// `Some` when the file has a 备注 column (wide layout).
    pub remark: Option<Option<String>>,
}

/// What the planner reports as it reads, so that a caller can write while it validates
/// (and roll back if the file turns out to be wrong).
#[derive(Debug, Clone)]
pub enum PlanEvent {
    Cell {
        period: PeriodKey,
        unit: usize,
        cell: PlanCell,
    },
    Remark {
        period: PeriodKey,
        unit: usize,
        row: usize,
        text: Option<String>,
    },
}

/// A validated file, ready to apply.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub file_name: String,
    pub sha256: String,
    pub encoding: Encoding,
    pub layout: Layout,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    pub entries: Vec<Entry>,
}

impl ImportPlan {
    /// Score and adjustment values carried (blank cells not counted).
    pub fn value_count(&self) -> usize {
        self.entries
            .iter()
            .map(|e| e.cells.iter().filter(|c| c.value.is_some()).count())
            .sum()
    }

    pub fn periods(&self) -> Vec<PeriodKey> {
        let mut p: Vec<PeriodKey> = self.entries.iter().map(|e| e.period).collect();
        p.sort();
        p.dedup();
        p
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Collects errors up to a limit, counting the rest.
struct Errors {
    list: Vec<ImportError>,
    more: usize,
}

impl Errors {
    fn push(&mut self, e: ImportError) {
        if self.list.len() < MAX_LISTED_ERRORS {
            self.list.push(e);
        } else {
            self.more += 1;
        }
    }
    fn into_result(mut self) -> Result<(), ImportErrors> {
        if self.list.is_empty() {
            return Ok(());
        }
        if self.more > 0 {
            self.list
                .push(ImportError::TooManyErrors { more: self.more });
        }
        Err(ImportErrors(self.list))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Unit,
    Period,
    Indicator(u32),
    Bonus,
    Penalty,
    Remark,
    /// Long layout: the indicator name column and the score column.
    IndicatorName,
    Score,
    Ignored,
}

fn header_role(h: &str) -> Option<Col> {
    Some(match h {
        "单位" | "单位名称" | "参赛单位" | "被考核单位" | "考核单位" => {
            Col::Unit
        }
        "期间" | "季度" | "考核期间" => Col::Period,
        "加分" | "加分项" => Col::Bonus,
        "扣分" | "扣分项" | "减分" => Col::Penalty,
        "备注" | "说明" | "加扣分说明" => Col::Remark,
        "指标" | "指标名称" | "考核指标" => Col::IndicatorName,
        "得分" | "分值" | "分数" => Col::Score,
        "序号" | "排名" | "名次" | "总分" | "合计" | "得分合计" | "组别" | "类别" | "单位类型" => {
            Col::Ignored
        }
        _ => return None,
    })
}

struct Header {
    row: usize,
    names: Vec<String>,
    cols: Vec<Col>,
    layout: Layout,
}

impl Header {
    fn find(&self, c: Col) -> Option<usize> {
        self.cols.iter().position(|&x| x == c)
    }
}

fn cell(row: usize, col: usize) -> CellRef {
    CellRef { row, col }
}

/// Validates a file against the catalog. `default_period` applies where the file has no
/// 期间 column or leaves it blank.
pub fn plan_import(
    bytes: &[u8],
    file_name: &str,
    catalog: &Catalog,
    default_period: Option<PeriodKey>,
) -> Result<ImportPlan, ImportErrors> {
    plan_import_streaming(bytes, file_name, catalog, default_period, None)
}

/// Like `plan_import`, and also hands every value to `sink` as soon as its row is valid.
/// The events of a file that ends in errors must be discarded by the caller.
pub fn plan_import_streaming<'c>(
    bytes: &[u8],
    file_name: &str,
    catalog: &'c Catalog,
    default_period: Option<PeriodKey>,
    sink: Option<&'c mut dyn FnMut(PlanEvent)>,
) -> Result<ImportPlan, ImportErrors> {
    let one = |e: ImportError| ImportErrors(vec![e]);
    let (decoded, encoding) = tabular::decode(bytes).map_err(|e| one(e.into()))?;
    let mut planner = Planner {
        catalog,
        default_period,
        errors: Errors {
            list: Vec::new(),
            more: 0,
        },
        header: None,
        pre_header: 0,
        entries: Vec::new(),
        entry_index: HashMap::new(),
        last_period: None,
        rows: 0,
        allowed_groups: Vec::new(),
        sink,
    };
    tabular::for_each_row(&decoded, |row, cells| planner.row(row, cells)).map_err(one)?;
    let Some(header) = &planner.header else {
        return Err(one(ImportError::NoHeader));
    };
    if planner.rows == 0 {
        return Err(one(ImportError::HeaderOnly {
            header_row: header.row,
        }));
    }
    let layout = header.layout;
    planner.errors.into_result()?;
    drop(decoded);
    Ok(ImportPlan {
        file_name: file_name.to_string(),
        sha256: sha256_hex(bytes),
        encoding,
        layout,
        rows: planner.rows,
        entries: planner.entries,
    })
}

struct Planner<'c> {
    catalog: &'c Catalog,
    default_period: Option<PeriodKey>,
    errors: Errors,
    header: Option<Header>,
    pre_header: usize,
    entries: Vec<Entry>,
    entry_index: HashMap<(PeriodKey, usize), usize>,
    /// The last period cell seen and what it parsed to (most files repeat one period).
    last_period: Option<(String, PeriodKey)>,
    rows: usize,
    /// Wide layout: groups that every indicator column applies to.
    allowed_groups: Vec<usize>,
    sink: Option<&'c mut dyn FnMut(PlanEvent)>,
}

impl Planner<'_> {
    fn row(&mut self, row: usize, cells: RowRef<'_>) -> Result<(), ImportError> {
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
            }
            return Ok(());
        }
        self.rows += 1;
        let width = self.header.as_ref().map_or(0, |h| h.cols.len());
        if cells.len() < width || (width..cells.len()).any(|i| !trim_cell(cells.get(i)).is_empty())
        {
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

    fn read_header(&mut self, row: usize, cells: &RowRef<'_>) {
        let names: Vec<String> = (0..cells.len())
            .map(|i| trim_cell(cells.get(i)).to_string())
            .collect();
        let is_long = names
            .iter()
            .any(|n| header_role(&normalize_name(n)) == Some(Col::IndicatorName))
            && names
                .iter()
                .any(|n| header_role(&normalize_name(n)) == Some(Col::Score));
        let layout = if is_long { Layout::Long } else { Layout::Wide };
        // Wide: indicator columns may name indicators shared by several groups (营商环境);
        // the groups that every column can belong to decide which one is meant.
        let candidates: Vec<&[usize]> = names
            .iter()
            .map(|n| match layout {
                Layout::Wide if header_role(&normalize_name(n)).is_none() => {
                    self.catalog.find_indicators(n)
                }
                _ => &[],
            })
            .collect();
        let mut allowed: Vec<usize> = (0..self.catalog.groups.len()).collect();
        for cands in candidates.iter().filter(|c| !c.is_empty()) {
            allowed.retain(|g| {
                cands
                    .iter()
                    .any(|&i| self.catalog.indicators[i].groups.contains(g))
            });
        }
        if layout == Layout::Wide && allowed.is_empty() && !self.catalog.groups.is_empty() {
            self.errors.push(ImportError::MixedGroups {
                header_row: row,
                detail: "表中的指标不属于同一个组别，请按组别分别制表导入".into(),
            });
        }
        let mut cols = Vec::with_capacity(names.len());
        let mut seen: HashMap<Col, usize> = HashMap::new();
        for (i, name) in names.iter().enumerate() {
            let n = normalize_name(name);
            let col = if n.is_empty() {
                Col::Ignored
            } else if let Some(role) = header_role(&n) {
                match (layout, role) {
                    (Layout::Wide, Col::IndicatorName | Col::Score) => Col::Ignored,
                    (Layout::Long, Col::Bonus | Col::Penalty) => Col::Ignored,
                    _ => role,
                }
            } else if layout == Layout::Long {
                Col::Ignored
            } else if candidates[i].is_empty() {
                self.errors.push(ImportError::UnknownColumn {
                    at: CellRef { row, col: i },
                    header: name.clone(),
                    suggestion: self.catalog.suggest_indicator(&n),
                });
                Col::Ignored
            } else {
                let fits: Vec<usize> = candidates[i]
                    .iter()
                    .copied()
                    .filter(|&ind| {
                        allowed
                            .iter()
                            .any(|g| self.catalog.indicators[ind].groups.contains(g))
                    })
                    .collect();
                match fits.as_slice() {
                    [one] => Col::Indicator(*one as u32),
                    [] => Col::Ignored, // already reported as MixedGroups
                    _ => {
                        self.errors.push(ImportError::MixedGroups {
                            header_row: row,
                            detail: format!(
                                "{}「{name}」是多个组别都有的指标，无法判断本表属于哪个组别：请同时列出该组别的其他指标，或改用指标代码",
                                CellRef { row, col: i }
                            ),
                        });
                        Col::Ignored
                    }
                }
            };
            if col != Col::Ignored {
                if let Some(&first) = seen.get(&col) {
                    self.errors.push(ImportError::DuplicateColumn {
                        at: CellRef { row, col: i },
                        header: name.clone(),
                        first: CellRef { row, col: first },
                    });
                } else {
                    seen.insert(col, i);
                }
            }
            cols.push(col);
        }
        if layout == Layout::Long {
            for (c, name) in [(Col::IndicatorName, "指标"), (Col::Score, "得分")] {
                if !cols.contains(&c) {
                    self.errors.push(ImportError::MissingColumn {
                        header_row: row,
                        name: name.into(),
                        expected: "长表应为「期间, 单位, 指标, 得分[, 备注]」".into(),
                    });
                }
            }
        }
        for c in &cols {
            if let Col::Indicator(i) = c {
                allowed.retain(|g| self.catalog.indicators[*i as usize].groups.contains(g));
            }
        }
        self.allowed_groups = allowed;
        if self.default_period.is_none() && !cols.contains(&Col::Period) {
            self.errors.push(ImportError::NoPeriod { at: None });
        }
        self.header = Some(Header {
            row,
            names,
            cols,
            layout,
        });
    }

    fn period_at(
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

    fn unit_at(&mut self, row: usize, cells: &RowRef<'_>, col: usize) -> Option<usize> {
        let raw = trim_cell(cells.get(col));
        let at = CellRef { row, col };
        if raw.is_empty() {
            self.errors.push(ImportError::BlankUnit { at });
            return None;
        }
        let found = self.catalog.find_unit(raw);
        let sharing = self.catalog.units_sharing(raw);
        if found.is_none() && !sharing.is_empty() {
            self.errors.push(ImportError::AmbiguousUnit {
                at,
                name: raw.to_string(),
                units: sharing
                    .iter()
                    .map(|&u| self.catalog.units[u].name.clone())
                    .collect(),
            });
        } else if found.is_none() {
            self.errors.push(ImportError::UnknownUnit {
                at,
                name: raw.to_string(),
                suggestion: self.catalog.suggest_unit(raw),
            });
        }
        found
    }

    fn number_at(
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

    /// Finds or starts the entry for (period, unit); in the wide layout a second row for the
    /// same unit and period is an error.
    fn entry(
        &mut self,
        period: PeriodKey,
        unit: usize,
        row: usize,
        unit_col: usize,
        wide: bool,
    ) -> Option<usize> {
        // Long files list a unit's scores together: skip the hash look-up for the same entry.
        if !wide
            && let Some(last) = self.entries.last()
            && last.period == period
            && last.unit == unit
        {
            return Some(self.entries.len() - 1);
        }
        if let Some(&e) = self.entry_index.get(&(period, unit)) {
            if wide {
                self.errors.push(ImportError::DuplicateUnit {
                    at: CellRef { row, col: unit_col },
                    name: self.catalog.units[unit].name.clone(),
                    period: period.to_string(),
                    first_row: self.entries[e].row,
                });
                return None;
            }
            return Some(e);
        }
        self.entries.push(Entry {
            period,
            unit,
            row,
            cells: Vec::new(),
            remark: None,
        });
        let e = self.entries.len() - 1;
        self.entry_index.insert((period, unit), e);
        Some(e)
    }

    fn check_group(&mut self, at: CellRef, unit: usize, groups: &[usize]) -> bool {
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

    fn wide_row(&mut self, row: usize, cells: &RowRef<'_>) {
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
        for (i, col) in h.cols.iter().enumerate() {
            let raw = cells.get(i);
            let at = cell(row, i);
            let (target, max) = match *col {
                Col::Indicator(ind) => (
                    Target::Indicator(ind),
                    Some(self.catalog.indicators[ind as usize].max),
                ),
                Col::Bonus => (Target::Bonus, Some(MAX_ADJUSTMENT)),
                Col::Penalty => (Target::Penalty, Some(MAX_ADJUSTMENT)),
                Col::Remark => {
                    let t = trim_cell(raw);
                    remark = Some((!t.is_empty()).then(|| t.to_string()));
                    continue;
                }
                _ => continue,
            };
            let min = if target == Target::Penalty {
                Points(-MAX_ADJUSTMENT.0)
            } else {
                Points::ZERO
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
        if let Some(e) = self.entry(period, unit, row, unit_col, true) {
            if let Some(sink) = self.sink.as_mut() {
                for cell in &out {
                    sink(PlanEvent::Cell {
                        period,
                        unit,
                        cell: cell.clone(),
                    });
                }
                if let Some(text) = &remark {
                    sink(PlanEvent::Remark {
                        period,
                        unit,
                        row,
                        text: text.clone(),
                    });
                }
            }
            self.entries[e].cells = out;
            self.entries[e].remark = remark;
        }
    }

    fn long_row(&mut self, row: usize, cells: &RowRef<'_>) {
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
        let (header, max, min) = match target {
            Some(Target::Indicator(i)) => {
                let ind = &self.catalog.indicators[i as usize];
                (ind.name.clone(), Some(ind.max), Points::ZERO)
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
        let Some(e) = self.entry(period, unit, row, unit_col, false) else {
            return;
        };
        if let Some(prev) = self.entries[e].cells.iter().find(|c| c.target == target) {
            let first_row = prev.row as usize;
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
        if let Some(sink) = self.sink.as_mut() {
            sink(PlanEvent::Cell {
                period,
                unit,
                cell: cell.clone(),
            });
        }
        self.entries[e].cells.push(cell);
    }
}

/// A stored value as the diff sees it.
#[derive(Debug, Clone, Default)]
pub struct CurrentEntry {
    /// Value and note (for adjustments, the reason).
    pub values: HashMap<Target, (Points, Option<String>)>,
    pub remark: Option<String>,
}

/// What applying a plan would change, per (period, unit).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChangeSummary {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Human-readable lines for changed and removed values, capped.
    pub details: Vec<String>,
    pub details_left_off: usize,
}

impl ChangeSummary {
    pub fn is_noop(&self) -> bool {
        self.added == 0 && self.changed == 0 && self.removed == 0
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
                    self.unchanged += 1;
                }
                return false;
            }
            (None, Some(_)) => {
                // Like new values, new remarks are counted, not listed.
                self.added += 1;
                return true;
            }
            (Some(_), None) => self.removed += 1,
            _ => self.changed += 1,
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
