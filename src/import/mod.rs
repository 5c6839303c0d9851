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
use crate::tabular::{self, Encoding};
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
    #[must_use]
    pub fn value_count(&self) -> usize {
        self.entries
            .iter()
            .map(|e| e.cells.iter().filter(|c| c.value.is_some()).count())
            .sum()
    }

    #[must_use]
    pub fn periods(&self) -> Vec<PeriodKey> {
        let mut p: Vec<PeriodKey> = self.entries.iter().map(|e| e.period).collect();
        p.sort();
        p.dedup();
        p
    }
}

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
