//! What can be wrong with an uploaded file, in the user's terms, rendered to Chinese.

pub use crate::tabular::CellRef;
use crate::tabular::TabularError;
use serde::Serialize;
use std::fmt;

impl From<TabularError> for ImportError {
    fn from(e: TabularError) -> Self {
        match e {
            TabularError::EmptyFile => ImportError::EmptyFile,
            TabularError::NotATable { detail } => ImportError::NotATable { detail },
            TabularError::Undecodable { detail } => ImportError::Undecodable { detail },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportError {
    EmptyFile,
    HeaderOnly {
        header_row: usize,
    },
    NotATable {
        detail: String,
    },
    Undecodable {
        detail: String,
    },
    NoHeader,
    MissingColumn {
        header_row: usize,
        name: String,
        expected: String,
    },
    UnknownColumn {
        at: CellRef,
        header: String,
        suggestion: Option<String>,
    },
    DuplicateColumn {
        at: CellRef,
        header: String,
        first: CellRef,
    },
    MixedGroups {
        header_row: usize,
        detail: String,
    },
    NoPeriod {
        at: Option<CellRef>,
    },
    BadPeriod {
        at: CellRef,
        value: String,
    },
    BlankUnit {
        at: CellRef,
    },
    UnknownUnit {
        at: CellRef,
        name: String,
        suggestion: Option<String>,
    },
    /// A name that several units answer to (a database from before `init` refused that).
    AmbiguousUnit {
        at: CellRef,
        name: String,
        units: Vec<String>,
    },
    UnknownIndicator {
        at: CellRef,
        name: String,
        suggestion: Option<String>,
    },
    DuplicateUnit {
        at: CellRef,
        name: String,
        period: String,
        first_row: usize,
    },
    DuplicateScore {
        at: CellRef,
        unit: String,
        indicator: String,
        period: String,
        first_row: usize,
    },
    WrongGroup {
        at: CellRef,
        unit: String,
        unit_group: String,
        expected: String,
    },
    NotANumber {
        at: CellRef,
        header: String,
        value: String,
    },
    TooManyDecimals {
        at: CellRef,
        header: String,
        value: String,
    },
    OutOfRange {
        at: CellRef,
        header: String,
        value: String,
        min: String,
        max: String,
    },
    Ragged {
        row: usize,
        found: usize,
        expected: usize,
    },
    BlankCell {
        at: CellRef,
        header: String,
    },
    TooLong {
        at: CellRef,
        header: String,
        len: usize,
        max: usize,
    },
    PublishedPeriod {
        period: String,
    },
    /// A new period earlier than one already published.
    BeforePublished {
        period: String,
        published: String,
    },
    TooManyErrors {
        more: usize,
    },
}

fn suggest(s: &Option<String>) -> String {
    s.as_ref()
        .map_or(String::new(), |n| format!("，是否为「{n}」？"))
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ImportError::*;
        match self {
            EmptyFile => write!(f, "{}", TabularError::EmptyFile),
            HeaderOnly { header_row } => {
                write!(f, "文件只有表头（第{header_row}行），没有数据行")
            }
            NotATable { detail } => write!(
                f,
                "{}",
                TabularError::NotATable {
                    detail: detail.clone()
                }
            ),
            Undecodable { detail } => write!(
                f,
                "{}",
                TabularError::Undecodable {
                    detail: detail.clone()
                }
            ),
            NoHeader => write!(
                f,
                "找不到表头：前10行中没有「单位」列。宽表应为「单位, 指标名…, 加分, 扣分, 备注」，长表应为「期间, 单位, 指标, 得分」"
            ),
            MissingColumn {
                header_row,
                name,
                expected,
            } => {
                write!(f, "第{header_row}行表头缺少「{name}」列：{expected}")
            }
            UnknownColumn {
                at,
                header,
                suggestion,
            } => write!(
                f,
                "{at}「{header}」：不是本竞赛的指标，也不是「加分」「扣分」「备注」「期间」{}",
                suggest(suggestion)
            ),
            DuplicateColumn { at, header, first } => {
                write!(f, "{at}「{header}」：与{first}重复，同一列名只能出现一次")
            }
            MixedGroups { header_row, detail } => {
                write!(f, "第{header_row}行表头：{detail}")
            }
            NoPeriod { at: Some(at) } => {
                write!(f, "{at}「期间」为空，且未用 --period 指定期间")
            }
            NoPeriod { at: None } => write!(
                f,
                "未指定期间：请在文件中加「期间」列，或指定期间（如 2023Q3）"
            ),
            BadPeriod { at, value } => write!(
                f,
                "{at}「期间」：无法识别「{value}」，应为 2023Q3、2023-Q3 或 2023年第三季度 这样的写法"
            ),
            BlankUnit { at } => write!(f, "{at}「单位」：单位名称为空，但本行有数据"),
            AmbiguousUnit { at, name, units } => write!(
                f,
                "{at}「单位」：「{name}」同时是{}的名称或简称，无法确定是哪个单位，请写全称",
                units
                    .iter()
                    .map(|u| format!("「{u}」"))
                    .collect::<Vec<_>>()
                    .join("和")
            ),
            UnknownUnit {
                at,
                name,
                suggestion,
            } => {
                write!(
                    f,
                    "{at}「单位」：找不到参赛单位「{name}」{}",
                    suggest(suggestion)
                )
            }
            UnknownIndicator {
                at,
                name,
                suggestion,
            } => {
                write!(
                    f,
                    "{at}「指标」：找不到指标「{name}」{}",
                    suggest(suggestion)
                )
            }
            DuplicateUnit {
                at,
                name,
                period,
                first_row,
            } => write!(
                f,
                "{at}「单位」：「{name}」在{period}已出现在第{first_row}行，同一单位只能出现一次"
            ),
            DuplicateScore {
                at,
                unit,
                indicator,
                period,
                first_row,
            } => write!(
                f,
                "{at}：「{unit}」在{period}的「{indicator}」得分已出现在第{first_row}行，不能重复"
            ),
            WrongGroup {
                at,
                unit,
                unit_group,
                expected,
            } => write!(
                f,
                "{at}「单位」：「{unit}」属于「{unit_group}」，但本表的指标属于「{expected}」"
            ),
            NotANumber { at, header, value } => {
                write!(
                    f,
                    "{at}「{header}」：「{value}」不是数字，应填写分值（如 18.5），缺项请留空"
                )
            }
            TooManyDecimals { at, header, value } => {
                write!(f, "{at}「{header}」：「{value}」小数位过多，最多4位小数")
            }
            OutOfRange {
                at,
                header,
                value,
                min,
                max,
            } => write!(
                f,
                "{at}「{header}」：{value} 超出范围，应在 {min} 到 {max} 之间"
            ),
            Ragged {
                row,
                found,
                expected,
            } => write!(
                f,
                "第{row}行有{found}列，但表头有{expected}列：请检查是否多了或少了逗号"
            ),
            BlankCell { at, header } => write!(f, "{at}「{header}」：不能为空"),
            TooLong {
                at,
                header,
                len,
                max,
            } => write!(
                f,
                "{at}「{header}」：有{len}个字，最多{max}个字（大屏上只显示一行）"
            ),
            PublishedPeriod { period } => write!(
                f,
                "{period}已揭榜（已发布），不能直接覆盖；如确需更正，请明确指定更正已发布结果"
            ),
            BeforePublished { period, published } => write!(
                f,
                "{period}早于已揭榜的{published}，不能新建：已揭榜榜单的名次变化和累计得分以更早的已揭榜期间为基准；请检查期间是否填错"
            ),
            TooManyErrors { more } => write!(f, "……另有{more}处错误未列出"),
        }
    }
}

/// All the errors found in one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "文件有{}处错误，未导入任何数据：", self.count())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

impl ImportErrors {
    /// Number of distinct errors, counting those left off the list.
    pub fn count(&self) -> usize {
        self.0
            .iter()
            .map(|e| match e {
                ImportError::TooManyErrors { more } => *more,
                _ => 1,
            })
            .sum()
    }
}

impl std::error::Error for ImportErrors {}
