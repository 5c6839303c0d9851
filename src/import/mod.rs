//! Score import: from a file's bytes to a validated `ImportPlan`, or to the complete list of
//! what is wrong with it. Pure: the caller supplies the competition's `Catalog` and applies
//! the plan to the store (all or nothing).
//!
//! Layouts, detected from the header row:
//! - wide: `单位, <指标名>…, 加分, 扣分, 备注[, 期间]` — one row per unit;
//! - long: `期间, 单位, 指标, 得分[, 备注]` — one row per score (指标 may be 加分 or 扣分).

pub mod error;
mod header;
pub mod honors;
mod long;
pub mod number;
mod rows;
mod summary;
mod wide;

use crate::competition::Catalog;
use crate::domain::{PeriodKey, Points};
use crate::tabular::{self, Encoding, Source};
pub use error::{CellRef, ImportError, ImportErrors};
use header::{Col, Header};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
pub use summary::{ChangeSummary, CurrentEntry};

/// The most a single bonus or penalty may be: far beyond any real scheme (a few points), and
/// small enough that no total can overflow. A larger number is a typing error.
pub const MAX_ADJUSTMENT: Points = Points(10_000 * crate::domain::SCALE);
/// At most this many errors are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 200;
/// Most periods one file may carry (thirty years of quarters).
pub const MAX_PERIODS_PER_FILE: usize = 120;
/// The header is looked for in the first rows, below any title rows.
const HEADER_SEARCH_ROWS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    Wide,
    Long,
}

impl Layout {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Wide => "wide",
            Layout::Long => "long",
        }
    }
    #[must_use]
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

/// A validated file, ready to apply. The values themselves went to the caller's sink as
/// they were read; the plan says what the file was and how much it held.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub file_name: String,
    pub sha256: String,
    pub encoding: Encoding,
    pub layout: Layout,
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// Score and adjustment values carried (blank cells not counted).
    pub values: usize,
    /// Rows with a 备注 (wide layout; a long file's 备注 is a value's note).
    pub remarks: usize,
    /// The periods the file writes to, oldest first.
    pub periods: Vec<PeriodKey>,
    /// How each header column was read (the preview shows it).
    pub columns: Vec<ColumnUse>,
    /// The file's own 总分 per row (wide layout), to compare with the computed totals.
    pub stated_totals: Vec<StatedTotal>,
    /// The quarter a title row above the header names (「2023年第三季度街道组得分」).
    pub title_period: Option<PeriodKey>,
}

/// One column of the header as the importer read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnUse {
    /// The column's letter as Excel shows it.
    pub column: String,
    pub header: String,
    /// What it was read as, in words (指标「固定资产投资」, 忽略, …).
    pub meaning: String,
    pub ignored: bool,
}

/// A 总分 the file states for a unit: compared with the computed total, never imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedTotal {
    pub row: usize,
    pub period: PeriodKey,
    pub unit: crate::domain::UnitId,
    pub text: String,
}

/// Stated totals kept at most (a score file has a few hundred rows).
pub(crate) const MAX_STATED_TOTALS: usize = 5_000;

#[must_use]
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
    plan_import_streaming(
        Source::Bytes(bytes),
        file_name,
        catalog,
        default_period,
        None,
    )
}

/// Like `plan_import`, reading the file as a stream, and also handing every value to `sink`
/// as soon as its row is valid. Memory follows one row and the catalog, not the file. The
/// events of a file that ends in errors must be discarded by the caller.
pub fn plan_import_streaming<'c>(
    source: Source<'_>,
    file_name: &str,
    catalog: &'c Catalog,
    default_period: Option<PeriodKey>,
    sink: Option<&'c mut dyn FnMut(PlanEvent)>,
) -> Result<ImportPlan, ImportErrors> {
    let one = |e: ImportError| ImportErrors(vec![e]);
    let decoded = tabular::decode_source(source).map_err(|e| one(e.into()))?;
    let mut planner = Planner {
        catalog,
        default_period,
        errors: Errors {
            list: Vec::new(),
            more: 0,
        },
        header: None,
        pre_header: 0,
        seen: Seen::new(catalog),
        last_period: None,
        rows: 0,
        values: 0,
        remarks: 0,
        too_many_periods: false,
        allowed_groups: Vec::new(),
        sink,
        columns: Vec::new(),
        stated_totals: Vec::new(),
        title_period: None,
    };
    tabular::for_each_row(decoded.body, |row, cells| planner.row(row, cells)).map_err(one)?;
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
    Ok(ImportPlan {
        file_name: file_name.to_string(),
        sha256: decoded.sha256,
        encoding: decoded.encoding,
        layout,
        rows: planner.rows,
        values: planner.values,
        remarks: planner.remarks,
        periods: planner.seen.periods(),
        columns: planner.columns,
        stated_totals: planner.stated_totals,
        title_period: planner.title_period,
    })
}

struct Planner<'c> {
    catalog: &'c Catalog,
    default_period: Option<PeriodKey>,
    errors: Errors,
    header: Option<Header>,
    pre_header: usize,
    /// Which units and cells of each period the file already gave, and on which row.
    seen: Seen,
    /// The last period cell seen and what it parsed to (most files repeat one period).
    last_period: Option<(String, PeriodKey)>,
    rows: usize,
    values: usize,
    remarks: usize,
    /// `TooManyPeriods` was reported (once).
    too_many_periods: bool,
    /// Wide layout: groups that every indicator column applies to.
    allowed_groups: Vec<usize>,
    sink: Option<&'c mut dyn FnMut(PlanEvent)>,
    columns: Vec<ColumnUse>,
    stated_totals: Vec<StatedTotal>,
    title_period: Option<PeriodKey>,
}

/// What the file already gave for each period, so that a second value is reported with the
/// first one's row. Sized by the catalog, never by the number of rows: per period of the file
/// the row of each unit, and for the cells of a long file one bit each — plus, for the
/// `RECENT_PERIODS` periods used last, each cell's row (a file lists a period's scores
/// together, so a duplicate is almost always found with its row).
struct Seen {
    units: usize,
    slots: usize,
    periods: HashMap<PeriodKey, SeenPeriod>,
    /// Periods whose cells keep their rows, most recently used last.
    recent: Vec<PeriodKey>,
}

const RECENT_PERIODS: usize = 4;

#[derive(Default)]
struct SeenPeriod {
    /// Row of each unit's first entry (0: none yet).
    unit_rows: Vec<u32>,
    /// One bit per (unit, target), `unit * slots + slot`; long layout only.
    cells: Vec<u64>,
    /// Row of each (unit, target) while the period is recent (empty otherwise).
    cell_rows: Vec<u32>,
}

impl Seen {
    fn new(catalog: &Catalog) -> Self {
        Seen {
            units: catalog.units.len(),
            slots: catalog.indicators.len() + 2,
            periods: HashMap::new(),
            recent: Vec::new(),
        }
    }

    fn slot(&self, target: Target) -> usize {
        match target {
            Target::Indicator(i) => i as usize,
            Target::Bonus => self.slots - 2,
            Target::Penalty => self.slots - 1,
        }
    }

    fn period(&mut self, period: PeriodKey) -> &mut SeenPeriod {
        let units = self.units;
        self.periods.entry(period).or_insert_with(|| SeenPeriod {
            unit_rows: vec![0; units],
            ..SeenPeriod::default()
        })
    }

    /// Records a unit's row; returns the earlier row if it already had one.
    fn unit(&mut self, period: PeriodKey, unit: usize, row: usize) -> Option<usize> {
        let p = self.period(period);
        match p.unit_rows[unit] {
            0 => {
                p.unit_rows[unit] = row_u32(row);
                None
            }
            first => Some(first as usize),
        }
    }

    /// Records a cell's row; returns `Some(earlier row, if still known)` if it was already
    /// given.
    fn cell(
        &mut self,
        period: PeriodKey,
        unit: usize,
        target: Target,
        row: usize,
    ) -> Option<Option<usize>> {
        let cells = self.units * self.slots;
        let at = unit * self.slots + self.slot(target);
        self.touch(period, cells);
        let p = self.period(period);
        if p.unit_rows[unit] == 0 {
            p.unit_rows[unit] = row_u32(row);
        }
        if p.cells.is_empty() {
            p.cells = vec![0; cells.div_ceil(64)];
        }
        let (word, bit) = (at / 64, 1u64 << (at % 64));
        if p.cells[word] & bit != 0 {
            return Some(p.cell_rows.get(at).map(|&r| r as usize));
        }
        p.cells[word] |= bit;
        if let Some(r) = p.cell_rows.get_mut(at) {
            *r = row_u32(row);
        }
        None
    }

    /// Makes `period` the most recent one whose cells keep rows, dropping the rows of the
    /// least recent beyond `RECENT_PERIODS`.
    fn touch(&mut self, period: PeriodKey, cells: usize) {
        if self.recent.last() == Some(&period) {
            return;
        }
        if let Some(i) = self.recent.iter().position(|&p| p == period) {
            self.recent.remove(i);
        } else {
            let fresh = !self.periods.contains_key(&period);
            self.period(period);
            if fresh && let Some(p) = self.periods.get_mut(&period) {
                // Rows are kept from a period's first cell; a period that comes back after
                // dropping out keeps only its bits.
                p.cell_rows = vec![0; cells];
            }
            if self.recent.len() == RECENT_PERIODS {
                let old = self.recent.remove(0);
                if let Some(p) = self.periods.get_mut(&old) {
                    p.cell_rows = Vec::new();
                }
            }
        }
        self.recent.push(period);
    }

    fn has(&self, period: PeriodKey) -> bool {
        self.periods.contains_key(&period)
    }

    fn count(&self) -> usize {
        self.periods.len()
    }

    fn periods(&self) -> Vec<PeriodKey> {
        let mut p: Vec<PeriodKey> = self.periods.keys().copied().collect();
        p.sort();
        p
    }
}

/// Excel has at most 1,048,576 rows; a CSV row beyond u32 is clamped (it is only shown).
fn row_u32(row: usize) -> u32 {
    u32::try_from(row).unwrap_or(u32::MAX).max(1)
}
