//! From uploaded bytes to rows of text cells: file type, text encoding, delimiter; cell
//! references as Excel names them. Shared by every reader of a table (scores, honors, the
//! units list). Pure.
//!
//! The encoding is decided in a fixed order — byte-order mark, then strict UTF-8, then GB18030
//! (a superset of the GBK that Chinese Excel and WPS write) — never by statistical guessing.

use crate::text::trim_cell;
use calamine::{Data, Reader};
use serde::Serialize;
use std::fmt;
use std::io::Cursor;

/// Why a file cannot be read as a table at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TabularError {
    #[error("文件为空：没有任何内容")]
    EmptyFile,
    #[error("不是可读取的 CSV 或 Excel（.xlsx）文件：{detail}")]
    NotATable { detail: String },
    #[error("无法识别文件编码：{detail}。请在 Excel 中另存为「CSV UTF-8」或 .xlsx")]
    Undecodable { detail: String },
}

/// A cell as Excel names it: row number (1-based) and column index (0-based, shown as a letter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CellRef {
    pub row: usize,
    pub col: usize,
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "第{}行 {}列", self.row, column_letter(self.col))
    }
}

/// How the file's text was encoded (or that it was a workbook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
    Utf16Le,
    Utf16Be,
    Workbook,
}

impl Encoding {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Gb18030 => "GBK/GB18030",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Workbook => "Excel 工作簿",
        }
    }
}

/// A decoded file, ready to be walked row by row.
pub enum Decoded {
    /// Delimited text (CSV, or the tab-separated "Unicode text" Excel writes).
    Text { text: String, delimiter: u8 },
    /// The first non-empty worksheet of a workbook, as display strings.
    Sheet { rows: Vec<Vec<String>> },
}

/// One row of cells, borrowed from the decoded file.
pub enum RowRef<'a> {
    Csv(&'a csv::StringRecord),
    Cells(&'a [String]),
}

impl RowRef<'_> {
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            RowRef::Csv(r) => r.len(),
            RowRef::Cells(c) => c.len(),
        }
    }
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, i: usize) -> &str {
        match self {
            RowRef::Csv(r) => r.get(i).unwrap_or(""),
            RowRef::Cells(c) => c.get(i).map_or("", String::as_str),
        }
    }
    /// Every cell is blank (Excel writes `,,,,` for an empty row).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        (0..self.len()).all(|i| trim_cell(self.get(i)).is_empty())
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Largest worksheet (rows × columns) read.
const MAX_SHEET_CELLS: usize = 20_000_000;
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decodes a file's bytes. Fails on an empty file, a binary that is neither a workbook nor
/// text, or text in no encoding we accept.
pub fn decode(bytes: &[u8]) -> Result<(Decoded, Encoding), TabularError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(TabularError::EmptyFile);
    }
    if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC) {
        return read_workbook(bytes).map(|d| (d, Encoding::Workbook));
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        let s = std::str::from_utf8(rest).map_err(|e| TabularError::Undecodable {
            detail: format!(
                "文件声明为 UTF-8，但第{}字节起不是有效的 UTF-8",
                e.valid_up_to() + 4
            ),
        })?;
        (s.to_string(), Encoding::Utf8Bom)
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (enc, e) = if bytes[0] == 0xFF {
            (encoding_rs::UTF_16LE, Encoding::Utf16Le)
        } else {
            (encoding_rs::UTF_16BE, Encoding::Utf16Be)
        };
        let s = enc
            .decode_without_bom_handling_and_without_replacement(&bytes[2..])
            .ok_or_else(|| TabularError::Undecodable {
                detail: "UTF-16 文本中有无效字符".into(),
            })?;
        (s.into_owned(), e)
    } else if bytes.iter().take(8192).any(|&b| b == 0) || bytes.starts_with(b"%PDF") {
        // No text a spreadsheet writes without a UTF-16 BOM contains NUL bytes.
        return Err(TabularError::NotATable {
            detail: "文件是二进制内容（如图片、PDF 或压缩包）".into(),
        });
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        (s.to_string(), Encoding::Utf8)
    } else {
        let s = encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or_else(|| TabularError::Undecodable {
                detail: "既不是 UTF-8，也不是 GBK/GB18030".into(),
            })?;
        (s.into_owned(), Encoding::Gb18030)
    };
    if looks_binary(&text) {
        return Err(TabularError::NotATable {
            detail: "文件含有二进制内容，不是 CSV 或 Excel 文件".into(),
        });
    }
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    Ok((Decoded::Text { text, delimiter }, encoding))
}

/// Control characters other than tab, CR and LF do not occur in a spreadsheet's text.
fn looks_binary(text: &str) -> bool {
    text.chars()
        .take(8192)
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{1A}'))
}

fn read_workbook(bytes: &[u8]) -> Result<Decoded, TabularError> {
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        TabularError::NotATable {
            detail: format!("无法作为 Excel 工作簿读取（{e}）"),
        }
    })?;
    let names = wb.sheet_names().to_vec();
    for name in names {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| TabularError::NotATable {
                detail: format!("无法读取工作表「{name}」（{e}）"),
            })?;
        if range.is_empty() {
            continue;
        }
        // A stray cell far away (say at XFD1048576) would make the sheet enormous.
        let (h, w) = range.get_size();
        if h.saturating_mul(w) > MAX_SHEET_CELLS {
            return Err(TabularError::NotATable {
                detail: format!(
                    "工作表「{name}」的使用范围有{h}行×{w}列，过大；请删除远处的多余单元格或另存为 CSV"
                ),
            });
        }
        // Keep Excel's row and column numbering even when the used range starts lower down.
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); r0 as usize];
        for row in range.rows() {
            let mut cells = vec![String::new(); c0 as usize];
            cells.extend(row.iter().map(cell_text));
            rows.push(cells);
        }
        return Ok(Decoded::Sheet { rows });
    }
    Err(TabularError::EmptyFile)
}

/// A workbook cell as the text a user sees; numbers keep their exact decimal value.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Binary noise (12.300000000000001) is rounded away; a value that really has more
        // than 4 decimals (=55/3) stays as it is and is rejected, as it would be in a CSV.
        Data::Float(f) => match crate::domain::Points::from_f64(*f) {
            Some(p) if (p.as_f64() - f).abs() <= 1e-9 * f.abs().max(1.0) => p.to_string(),
            _ => f.to_string(),
        },
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::Error(e) => format!("#{e:?}"),
        Data::DateTime(dt) => dt.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

/// Walks every row with its 1-based row number as Excel shows it; stops at the first error
/// `f` returns (a text that cannot be read as CSV stops it too).
pub fn for_each_row<E: From<TabularError>>(
    decoded: &Decoded,
    mut f: impl FnMut(usize, RowRef<'_>) -> Result<(), E>,
) -> Result<(), E> {
    match decoded {
        Decoded::Text { text, delimiter } => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(*delimiter)
                .from_reader(text.as_bytes());
            let mut rec = csv::StringRecord::new();
            // Row numbers are counted from the bytes: the reader's own line count lags by one
            // after a CRLF, and Excel users think in the rows Excel shows.
            let bytes = text.as_bytes();
            let (mut counted_to, mut line) = (0usize, 1usize);
            loop {
                match rdr.read_record(&mut rec) {
                    Ok(true) => {
                        let mut start = rec
                            .position()
                            .map_or(0, |p| p.byte() as usize)
                            .min(bytes.len());
                        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                            start += 1;
                        }
                        line += bytes[counted_to..start]
                            .iter()
                            .filter(|&&b| b == b'\n')
                            .count();
                        counted_to = start;
                        f(line, RowRef::Csv(&rec))?;
                    }
                    Ok(false) => return Ok(()),
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line() as usize);
                        return Err(TabularError::NotATable {
                            detail: format!("第{line}行无法按 CSV 读取（{e}）"),
                        }
                        .into());
                    }
                }
            }
        }
        Decoded::Sheet { rows } => {
            for (i, cells) in rows.iter().enumerate() {
                f(i + 1, RowRef::Cells(cells))?;
            }
            Ok(())
        }
    }
}

/// `0 → A`, `25 → Z`, `26 → AA`.
#[must_use]
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_match_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(2), "C");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn encodings_in_fixed_order() {
        let text = "单位,得分\r\n马街街道,18.5\r\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let (_, e) = decode(&gbk).unwrap();
        assert_eq!(e, Encoding::Gb18030);
        let (_, e) = decode(text.as_bytes()).unwrap();
        assert_eq!(e, Encoding::Utf8);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let (d, e) = decode(&bom).unwrap();
        assert_eq!(e, Encoding::Utf8Bom);
        match d {
            Decoded::Text { text: t, .. } => assert!(t.starts_with("单位")),
            Decoded::Sheet { .. } => panic!("text expected"),
        }
    }

    fn rows(text: &str) -> Vec<(usize, String)> {
        let (d, _) = decode(text.as_bytes()).unwrap();
        let mut out = Vec::new();
        for_each_row(&d, |n, r| {
            out.push((n, r.get(0).to_string()));
            Ok::<(), TabularError>(())
        })
        .unwrap();
        out
    }

    #[test]
    fn row_numbers_are_excel_rows_for_lf_crlf_and_blank_lines() {
        let want = vec![(1, "a".to_string()), (2, "b".into()), (4, "c".into())];
        assert_eq!(rows("a,1\nb,2\n\nc,3\n"), want);
        assert_eq!(rows("a,1\r\nb,2\r\n\r\nc,3\r\n"), want);
        assert_eq!(
            rows("a,1\r\n\"b\nb\",2\r\nx,0\r\n")[2].0,
            4,
            "an embedded newline spans two lines"
        );
    }

    #[test]
    fn utf16_unicode_text_is_tab_separated() {
        // Excel's "Unicode text": UTF-16LE with a BOM, tabs between cells.
        let text = "单位\t得分\r\n马街街道\t18.5\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let (d, e) = decode(&bytes).unwrap();
        assert_eq!(e, Encoding::Utf16Le);
        let mut rows = Vec::new();
        for_each_row(&d, |n, r| {
            rows.push((n, r.get(0).to_string(), r.get(1).to_string()));
            Ok::<(), TabularError>(())
        })
        .unwrap();
        assert_eq!(rows[1], (2, "马街街道".to_string(), "18.5".to_string()));
    }

    #[test]
    fn workbook_floats_keep_their_real_decimals() {
        assert_eq!(
            cell_text(&Data::Float(0.1 + 0.2)),
            "0.30",
            "binary noise of 0.1 + 0.2"
        );
        assert_eq!(cell_text(&Data::Float(18.5)), "18.50");
        let third = cell_text(&Data::Float(55.0 / 3.0));
        assert!(third.starts_with("18.3333333"), "{third}");
        assert!(
            crate::import::number::parse_points(&third).is_err(),
            "rejected like a CSV value"
        );
    }

    #[test]
    fn rejects_empty_and_binary() {
        assert!(matches!(decode(b""), Err(TabularError::EmptyFile)));
        assert!(matches!(decode(b" \r\n"), Err(TabularError::EmptyFile)));
        assert!(matches!(
            decode(b"%PDF-1.4\x00\x01\x02"),
            Err(TabularError::NotATable { .. })
        ));
        assert!(matches!(
            decode(b"PK\x03\x04garbage"),
            Err(TabularError::NotATable { .. })
        ));
    }
}
