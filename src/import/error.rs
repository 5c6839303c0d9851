//! What can be wrong with an uploaded file, in the user's terms, rendered to Chinese.

pub use crate::tabular::CellRef;
use crate::tabular::TabularError;
use crate::text::clip;
use serde::Serialize;

impl From<TabularError> for ImportError {
    fn from(e: TabularError) -> Self {
        match e {
            TabularError::EmptyFile => ImportError::EmptyFile,
            TabularError::NotATable { detail } => ImportError::NotATable { detail },
            TabularError::Undecodable { detail } => ImportError::Undecodable { detail },
            TabularError::Unreadable { detail } => ImportError::Unreadable { detail },
        }
    }
}

/// One thing wrong with a file, with the cell it is in; its Chinese text is what the clerk
/// reads (the same on the command line and, later, on the upload page).
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportError {
    #[error("{}", TabularError::EmptyFile)]
    EmptyFile,
    #[error("文件只有表头（第{header_row}行），没有数据行")]
    HeaderOnly { header_row: usize },
    #[error("{}", TabularError::NotATable { detail: detail.clone() })]
    NotATable { detail: String },
    #[error("{}", TabularError::Undecodable { detail: detail.clone() })]
    Undecodable { detail: String },
    #[error("{}", TabularError::Unreadable { detail: detail.clone() })]
    Unreadable { detail: String },
    #[error("{at}「{indicator}」：{}，{provider}的账号不能上传", owner.as_ref().map_or_else(|| "未指定报送单位".to_string(), |o| format!("该指标由{o}报送")))]
    NotYourIndicator {
        at: CellRef,
        indicator: String,
        owner: Option<String>,
        provider: String,
    },
    #[error(
        "{at}「{}」：加分、扣分和备注由考评办填报，{provider}的账号不能上传",
        clip(column)
    )]
    NotYourColumn {
        at: CellRef,
        column: String,
        provider: String,
    },
    /// A 报送单位's file with other providers' columns, said once instead of cell by cell.
    #[error(
        "本账号（{provider}）只能报送：{}；文件另有{}{}列（共{cells}个单元格），请删除这些列后重新上传",
        if mine.is_empty() { "（尚未分配指标，请联系考评办）".to_string() } else { mine.join("、") },
        others.first().map_or(String::new(), |o| clip(o).into_owned()),
        if others.len() > 1 { format!("等{}", others.len()) } else { String::new() }
    )]
    NotYourColumns {
        provider: String,
        mine: Vec<String>,
        others: Vec<String>,
        cells: usize,
    },
    /// The file was read, but the database refuses it as a whole (shown with its errors).
    #[error("{reason}")]
    Refused { reason: String },
    /// A target (目标值) the indicator's method cannot use.
    #[error("第{row}行「{unit}」的「{indicator}」{why}")]
    BadTarget {
        row: usize,
        unit: String,
        indicator: String,
        why: &'static str,
    },
    #[error(
        "找不到表头：前10行中没有「单位」列。宽表应为「单位, 指标名…, 加分, 扣分, 备注」，长表应为「期间, 单位, 指标, 得分」"
    )]
    NoHeader,
    #[error("第{header_row}行表头缺少「{name}」列：{expected}")]
    MissingColumn {
        header_row: usize,
        name: String,
        expected: String,
    },
    #[error(
        "{at}「{}」：不是本竞赛的指标，也不是「加分」「扣分」「备注」「期间」{}",
        clip(header),
        suggest(suggestion)
    )]
    UnknownColumn {
        at: CellRef,
        header: String,
        suggestion: Option<String>,
    },
    #[error("{at}「{}」：与{first}重复，同一列名只能出现一次", clip(header))]
    DuplicateColumn {
        at: CellRef,
        header: String,
        first: CellRef,
    },
    #[error("第{header_row}行表头：{detail}")]
    MixedGroups { header_row: usize, detail: String },
    #[error("{}", no_period(at))]
    NoPeriod { at: Option<CellRef> },
    #[error(
        "{at}「期间」：无法识别「{}」，应为 2023Q3、2023-Q3 或 2023年第三季度 这样的写法",
        clip(value)
    )]
    BadPeriod { at: CellRef, value: String },
    #[error("{at}「单位」：单位名称为空，但本行有数据")]
    BlankUnit { at: CellRef },
    #[error(
        "{at}「单位」：找不到参赛单位「{}」{}",
        clip(name),
        suggest(suggestion)
    )]
    UnknownUnit {
        at: CellRef,
        name: String,
        suggestion: Option<String>,
    },
    /// A name that several units answer to (a database from before `init` refused that).
    #[error(
        "{at}「单位」：「{}」同时是{}的名称或简称，无法确定是哪个单位，请写全称",
        clip(name),
        quoted(units)
    )]
    AmbiguousUnit {
        at: CellRef,
        name: String,
        units: Vec<String>,
    },
    #[error("{at}「指标」：找不到指标「{}」{}", clip(name), suggest(suggestion))]
    UnknownIndicator {
        at: CellRef,
        name: String,
        suggestion: Option<String>,
    },
    #[error(
        "{at}「单位」：「{}」在{period}已出现在第{first_row}行，同一单位只能出现一次",
        clip(name)
    )]
    DuplicateUnit {
        at: CellRef,
        name: String,
        period: String,
        first_row: usize,
    },
    #[error("{at}：「{unit}」在{period}的「{indicator}」得分已出现在{}，不能重复", earlier_row(*first_row))]
    DuplicateScore {
        at: CellRef,
        unit: String,
        indicator: String,
        period: String,
        /// `None` when the first one is far back in a very large file (see `import::Seen`).
        first_row: Option<usize>,
    },
    #[error("{at}「单位」：「{unit}」属于「{unit_group}」，但本表的指标属于「{expected}」")]
    WrongGroup {
        at: CellRef,
        unit: String,
        unit_group: String,
        expected: String,
    },
    #[error(
        "{at}「{}」：「{}」不是数字，应填写分值（如 18.5），缺项请留空",
        clip(header),
        clip(value)
    )]
    NotANumber {
        at: CellRef,
        header: String,
        value: String,
    },
    #[error("{at}「{}」：「{}」小数位过多，最多4位小数", clip(header), clip(value))]
    TooManyDecimals {
        at: CellRef,
        header: String,
        value: String,
    },
    #[error(
        "{at}「{}」：{} 超出范围，应在 {min} 到 {max} 之间",
        clip(header),
        clip(value)
    )]
    OutOfRange {
        at: CellRef,
        header: String,
        value: String,
        min: String,
        max: String,
    },
    #[error(
        "第{row}行有{found}列，但表头有{expected}列：请检查是否多了或少了逗号，或删除表格右侧多余的单元格"
    )]
    Ragged {
        row: usize,
        found: usize,
        expected: usize,
    },
    #[error("{at}：文件中的期间超过{max}个，不是一份得分表；请按年度拆分文件")]
    TooManyPeriods { at: CellRef, max: usize },
    /// A worksheet cell with content to the right of the header's last column.
    #[error("{at}有内容，但表头只有{expected}列：请删除表格右侧多余的单元格")]
    StrayCell { at: CellRef, expected: usize },
    #[error("{at}「{}」：不能为空", clip(header))]
    BlankCell { at: CellRef, header: String },
    #[error(
        "{at}「{}」：有{len}个字，最多{max}个字（大屏上只显示一行）",
        clip(header)
    )]
    TooLong {
        at: CellRef,
        header: String,
        len: usize,
        max: usize,
    },
    #[error("{period}已揭榜（已发布），不能直接覆盖；如确需更正，请明确指定更正已发布结果")]
    PublishedPeriod { period: String },
    /// A new period earlier than one already published.
    #[error(
        "{period}早于已揭榜的{published}，不能新建：已揭榜榜单的名次变化和累计得分以更早的已揭榜期间为基准；请检查期间是否填错"
    )]
    BeforePublished { period: String, published: String },
    #[error("……另有{more}处错误未列出")]
    TooManyErrors { more: usize },
}

fn suggest(s: &Option<String>) -> String {
    s.as_ref()
        .map_or(String::new(), |n| format!("，是否为「{n}」？"))
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|u| format!("「{u}」"))
        .collect::<Vec<_>>()
        .join("和")
}

fn no_period(at: &Option<CellRef>) -> String {
    match at {
        Some(at) => format!("{at}「期间」为空，且未用 --period 指定期间"),
        None => "未指定期间：请在文件中加「期间」列，或指定期间（如 2023Q3）".into(),
    }
}

/// All the errors found in one file.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[error("{}", listed(.0))]
pub struct ImportErrors(pub Vec<ImportError>);

/// `文件有N处错误，未导入任何数据：` and one indented line per error.
fn listed(errors: &[ImportError]) -> String {
    let count = count(errors);
    let mut out = format!("文件有{count}处错误，未导入任何数据：\n");
    for e in errors {
        out.push_str(&format!("  {e}\n"));
    }
    out
}

impl ImportErrors {
    /// Number of distinct errors, counting those left off the list.
    #[must_use]
    pub fn count(&self) -> usize {
        count(&self.0)
    }
}

/// Number of distinct errors in a list, counting those left off it (`TooManyErrors`).
#[must_use]
pub fn count(errors: &[ImportError]) -> usize {
    errors
        .iter()
        .map(|e| match e {
            ImportError::TooManyErrors { more } => *more,
            _ => 1,
        })
        .sum()
}

fn earlier_row(row: Option<usize>) -> String {
    row.map_or_else(|| "本文件前面的行".to_string(), |r| format!("第{r}行"))
}
