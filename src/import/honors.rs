//! Honors (实干先锋) import: `期间, 姓名, 单位, 称号, 事迹` from CSV or .xlsx, validated like
//! scores — every error with its row and column, all or nothing. Pure.

use super::error::{CellRef, ImportError, ImportErrors};
use crate::competition::Catalog;
use crate::domain::PeriodKey;
use crate::tabular::{self, Encoding, RowRef};
use crate::text::normalize_name;
use crate::text::trim_cell;

/// A one-line citation on a lobby screen.
pub const MAX_CITATION_CHARS: usize = 60;
pub const MAX_FIELD_CHARS: usize = 40;

#[derive(Debug, Clone)]
pub struct HonorEntry {
    pub period: PeriodKey,
    pub name: String,
    /// Index into the catalog's units when the unit is a competing unit.
    pub unit: Option<usize>,
    pub unit_text: String,
    pub title: String,
    pub citation: String,
    pub row: usize,
}

#[derive(Debug, Clone)]
pub struct HonorPlan {
    pub sha256: String,
    pub encoding: Encoding,
    pub entries: Vec<HonorEntry>,
}

impl HonorPlan {
    #[must_use]
    pub fn periods(&self) -> Vec<PeriodKey> {
        let mut p: Vec<PeriodKey> = self.entries.iter().map(|e| e.period).collect();
        p.sort();
        p.dedup();
        p
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Col {
    Period,
    Name,
    Unit,
    Title,
    Citation,
}

fn role(h: &str) -> Option<Col> {
    Some(match h {
        "期间" | "季度" => Col::Period,
        "姓名" | "名字" => Col::Name,
        "单位" | "所在单位" | "工作单位" => Col::Unit,
        "称号" | "荣誉称号" | "职务" => Col::Title,
        "事迹" | "简要事迹" | "推荐理由" | "评语" => Col::Citation,
        _ => return None,
    })
}

pub fn plan_honors(
    bytes: &[u8],
    catalog: &Catalog,
    default_period: Option<PeriodKey>,
) -> Result<HonorPlan, ImportErrors> {
    let one = |e| ImportErrors(vec![e]);
    let decoded = tabular::decode(bytes).map_err(|e| one(e.into()))?;
    let (encoding, sha256) = (decoded.encoding, decoded.sha256);
    let mut header: Option<(usize, Vec<Option<Col>>, Vec<String>)> = None;
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    tabular::for_each_row(decoded.body, |row, cells: RowRef<'_>| {
        if cells.is_blank() {
            return Ok(());
        }
        let Some((_, cols, names)) = &header else {
            let names: Vec<String> = (0..cells.len())
                .map(|i| trim_cell(cells.get(i)).to_string())
                .collect();
            let cols: Vec<Option<Col>> = names.iter().map(|n| role(&normalize_name(n))).collect();
            if !cols.contains(&Some(Col::Name)) {
                return Err(ImportError::MissingColumn {
                    header_row: row,
                    name: "姓名".into(),
                    expected: "实干先锋名单应为「期间, 姓名, 单位, 称号, 事迹」".into(),
                });
            }
            for (c, n) in [
                (Col::Unit, "单位"),
                (Col::Title, "称号"),
                (Col::Citation, "事迹"),
            ] {
                if !cols.contains(&Some(c)) {
                    errors.push(ImportError::MissingColumn {
                        header_row: row,
                        name: n.into(),
                        expected: "实干先锋名单应为「期间, 姓名, 单位, 称号, 事迹」".into(),
                    });
                }
            }
            if default_period.is_none() && !cols.contains(&Some(Col::Period)) {
                errors.push(ImportError::NoPeriod { at: None });
            }
            header = Some((row, cols, names));
            return Ok(());
        };
        let get = |c: Col| {
            cols.iter()
                .position(|x| *x == Some(c))
                .map(|i| (i, trim_cell(cells.get(i)).to_string()))
        };
        let mut required = |c: Col, max: usize| -> Option<String> {
            let (i, v) = get(c)?;
            let at = CellRef { row, col: i };
            let len = v.chars().count();
            if v.is_empty() && c != Col::Citation {
                errors.push(ImportError::BlankCell {
                    at,
                    header: names[i].clone(),
                });
                None
            } else if len > max {
                errors.push(ImportError::TooLong {
                    at,
                    header: names[i].clone(),
                    len,
                    max,
                });
                None
            } else {
                Some(v)
            }
        };
        let name = required(Col::Name, MAX_FIELD_CHARS);
        let unit_text = required(Col::Unit, MAX_FIELD_CHARS);
        let title = required(Col::Title, MAX_FIELD_CHARS);
        let citation = required(Col::Citation, MAX_CITATION_CHARS);
        let period = match get(Col::Period) {
            Some((i, v)) if !v.is_empty() => match PeriodKey::parse(&v) {
                Some(p) => Some(p),
                None => {
                    errors.push(ImportError::BadPeriod {
                        at: CellRef { row, col: i },
                        value: v,
                    });
                    None
                }
            },
            Some((i, _)) if default_period.is_none() => {
                errors.push(ImportError::NoPeriod {
                    at: Some(CellRef { row, col: i }),
                });
                None
            }
            _ => default_period,
        };
        if let (Some(name), Some(unit_text), Some(title), Some(citation), Some(period)) =
            (name, unit_text, title, citation, period)
        {
            entries.push(HonorEntry {
                period,
                unit: catalog.find_unit(&unit_text),
                name,
                unit_text,
                title,
                citation,
                row,
            });
        }
        Ok(())
    })
    .map_err(one)?;
    if header.is_none() {
        return Err(one(ImportError::NoHeader));
    }
    if entries.is_empty() && errors.is_empty() {
        return Err(one(ImportError::HeaderOnly {
            header_row: header.map_or(1, |h| h.0),
        }));
    }
    if !errors.is_empty() {
        return Err(ImportErrors(errors));
    }
    Ok(HonorPlan {
        sha256,
        encoding,
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_honors_and_reports_row_and_column() {
        let c = Catalog::default();
        let ok = "期间,姓名,单位,称号,事迹\n2023Q3,王某某,马街街道,实干先锋,牵头完成重点项目征拆\n";
        let plan = plan_honors(ok.as_bytes(), &c, None).unwrap();
        assert_eq!(plan.entries.len(), 1);
        assert_eq!(plan.entries[0].title, "实干先锋");
        let long = "x".repeat(61);
        let bad = format!("姓名,单位,称号,事迹\n,马街街道,实干先锋,{long}\n");
        let err = plan_honors(
            bad.as_bytes(),
            &c,
            Some(PeriodKey {
                year: 2023,
                quarter: 3,
            }),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("第2行 A列「姓名」：不能为空"), "{err}");
        assert!(
            err.contains("第2行 D列「事迹」：有61个字，最多60个字"),
            "{err}"
        );
    }
}
