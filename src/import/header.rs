//! Finding the header row (below any title rows) and what each column holds; deciding the
//! wide or long layout.

use super::ColumnUse;
use super::ImportError;
use super::Layout;
use super::Planner;
use crate::tabular::CellRef;
use crate::tabular::RowRef;
use crate::text::normalize_name;
use crate::text::trim_cell;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Col {
    Unit,
    Period,
    Indicator(u32),
    Bonus,
    Penalty,
    Remark,
    /// Long layout: the indicator name column and the score column.
    IndicatorName,
    Score,
    /// The file's own 总分: never imported, only compared with what the system computes.
    StatedTotal,
    Ignored,
}

pub(super) fn header_role(h: &str) -> Option<Col> {
    Some(match h {
        "单位" | "单位名称" | "参赛单位" | "被考核单位" | "考核单位" => {
            Col::Unit
        }
        "期间" | "季度" | "考核期间" => Col::Period,
        "加分" | "加分项" => Col::Bonus,
        "扣分" | "扣分项" | "减分" => Col::Penalty,
        "备注" | "说明" | "加扣分说明" => Col::Remark,
        "指标" | "指标名称" | "考核指标" => Col::IndicatorName,
        "得分" | "分值" | "分数" | "数值" | "完成值" | "目标值" | "目标" => {
            Col::Score
        }
        "总分" | "合计" | "得分合计" => Col::StatedTotal,
        "序号" | "排名" | "名次" | "组别" | "类别" | "单位类型" => Col::Ignored,
        _ => return None,
    })
}

pub(super) struct Header {
    pub(super) row: usize,
    pub(super) names: Vec<String>,
    pub(super) cols: Vec<Col>,
    pub(super) layout: Layout,
}

impl Header {
    pub(super) fn find(&self, c: Col) -> Option<usize> {
        self.cols.iter().position(|&x| x == c)
    }
}

impl Planner<'_> {
    pub(super) fn read_header(&mut self, row: usize, cells: &RowRef<'_>) {
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
                    (Layout::Long, Col::Bonus | Col::Penalty | Col::StatedTotal) => Col::Ignored,
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
        self.columns = names
            .iter()
            .zip(&cols)
            .enumerate()
            .filter(|(_, (n, _))| !trim_cell(n).is_empty())
            .map(|(i, (n, c))| ColumnUse {
                column: crate::tabular::column_letter(i),
                header: crate::text::clip(n).into_owned(),
                meaning: match c {
                    Col::Unit => "单位".into(),
                    Col::Period => "期间".into(),
                    Col::Indicator(ind) => {
                        format!("指标「{}」", self.catalog.indicators[*ind as usize].name)
                    }
                    Col::Bonus => "加分".into(),
                    Col::Penalty => "扣分".into(),
                    Col::Remark => "备注（加扣分说明）".into(),
                    Col::IndicatorName => "指标名称".into(),
                    Col::Score => "得分".into(),
                    Col::StatedTotal => "文件自带总分：不导入，只与系统计算的总分核对".into(),
                    Col::Ignored => "忽略".into(),
                },
                ignored: matches!(c, Col::Ignored | Col::StatedTotal),
            })
            .collect();
        self.header = Some(Header {
            row,
            names,
            cols,
            layout,
        });
    }
}
