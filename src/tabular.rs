//! From uploaded bytes to rows of text cells: file type, text encoding, delimiter; cell
//! references as Excel names them. Shared by every reader of a table (scores, honors, the
//! units list). Pure.
//!
//! The encoding is decided in a fixed order — byte-order mark, then strict UTF-8, then GB18030
//! (a superset of the GBK that Chinese Excel and WPS write) — never by statistical guessing.

use crate::text::trim_cell;
use calamine::{Data, DataRef, Reader};
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
    /// The first non-empty worksheet of a workbook: only the rows and cells that hold
    /// something, with their Excel row numbers and column indices, so memory follows the
    /// cells present, never the sheet's dimensions.
    Sheet { rows: Vec<SheetRow> },
}

/// One non-empty worksheet row: its 1-based row number and its non-empty cells, by column.
pub struct SheetRow {
    pub row: usize,
    pub cells: Vec<(usize, String)>,
}

/// One row of cells, borrowed from the decoded file.
pub enum RowRef<'a> {
    Csv(&'a csv::StringRecord),
    /// A worksheet row's non-empty cells, ordered by column.
    Sparse(&'a [(usize, String)]),
}

impl RowRef<'_> {
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            RowRef::Csv(r) => r.len(),
            RowRef::Sparse(c) => c.last().map_or(0, |(col, _)| col + 1),
        }
    }
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, i: usize) -> &str {
        match self {
            RowRef::Csv(r) => r.get(i).unwrap_or(""),
            RowRef::Sparse(c) => c
                .binary_search_by_key(&i, |(col, _)| *col)
                .map_or("", |k| c[k].1.as_str()),
        }
    }
    /// Every cell is blank (Excel writes `,,,,` for an empty row).
    #[must_use]
    pub fn is_blank(&self) -> bool {
        match self {
            RowRef::Csv(r) => r.iter().all(|c| trim_cell(c).is_empty()),
            RowRef::Sparse(c) => c.iter().all(|(_, v)| trim_cell(v).is_empty()),
        }
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Most non-empty cells read from a worksheet (and largest used range of an older format).
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
    if bytes.starts_with(ZIP_MAGIC) {
        check_zip(bytes)?;
    }
    let wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        TabularError::NotATable {
            detail: format!("无法作为 Excel 工作簿读取（{e}）"),
        }
    })?;
    match wb {
        calamine::Sheets::Xlsx(mut x) => {
            for name in x.sheet_names().clone() {
                let rows = stream_xlsx_sheet(&mut x, &name)?;
                if !rows.is_empty() {
                    return Ok(Decoded::Sheet { rows });
                }
            }
            Err(TabularError::EmptyFile)
        }
        mut other => read_sheet_range(&mut other),
    }
}

/// Reads an .xlsx worksheet cell by cell as it streams out of the archive: empty cells and
/// rows are skipped, so a stray value far away costs one cell, not the rectangle up to it.
/// A cell beyond Excel's own limits, or more cells than any score table has, is refused.
fn stream_xlsx_sheet(
    x: &mut calamine::Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> Result<Vec<SheetRow>, TabularError> {
    let bad = |e: calamine::XlsxError| TabularError::NotATable {
        detail: format!("无法读取工作表「{name}」（{e}）"),
    };
    let mut reader = x.worksheet_cells_reader(name).map_err(bad)?;
    let mut rows: Vec<SheetRow> = Vec::new();
    let mut count = 0usize;
    while let Some(cell) = reader.next_cell().map_err(bad)? {
        let (r, c) = cell.get_position();
        let text = cell_text_ref(cell.get_value());
        if text.is_empty() {
            continue;
        }
        let (row, col) = (r as usize + 1, c as usize);
        if row > MAX_SHEET_ROWS || col >= MAX_SHEET_COLUMNS {
            return Err(TabularError::NotATable {
                detail: format!(
                    "工作表「{name}」的{}有内容，超出 Excel 的范围；请删除远处的多余单元格或另存为 CSV",
                    CellRef { row, col }
                ),
            });
        }
        count += 1;
        if count > MAX_SHEET_CELLS {
            return Err(TabularError::NotATable {
                detail: format!(
                    "工作表「{name}」有超过{MAX_SHEET_CELLS}个非空单元格，过大；请拆分文件或另存为 CSV"
                ),
            });
        }
        match rows.last_mut() {
            Some(last) if last.row == row => last.cells.push((col, text)),
            _ => rows.push(SheetRow {
                row,
                cells: vec![(col, text)],
            }),
        }
    }
    // Excel writes rows and cells in order; a hand-made file may not.
    rows.sort_by_key(|r| r.row);
    for r in &mut rows {
        r.cells.sort_by_key(|(c, _)| *c);
        r.cells.dedup_by_key(|(c, _)| *c);
    }
    Ok(rows)
}

/// Older workbook formats (.xls, .ods) have no cell stream: their used range is read whole,
/// after checking its size.
fn read_sheet_range(wb: &mut calamine::Sheets<Cursor<&[u8]>>) -> Result<Decoded, TabularError> {
    for name in wb.sheet_names().clone() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| TabularError::NotATable {
                detail: format!("无法读取工作表「{name}」（{e}）"),
            })?;
        if range.is_empty() {
            continue;
        }
        let (h, w) = range.get_size();
        if h.saturating_mul(w) > MAX_SHEET_CELLS {
            return Err(TabularError::NotATable {
                detail: format!(
                    "工作表「{name}」的使用范围有{h}行×{w}列，过大；请删除远处的多余单元格或另存为 CSV"
                ),
            });
        }
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        for (i, row) in range.rows().enumerate() {
            let cells: Vec<(usize, String)> = row
                .iter()
                .enumerate()
                .map(|(j, d)| (c0 as usize + j, cell_text(d)))
                .filter(|(_, t)| !t.is_empty())
                .collect();
            if !cells.is_empty() {
                rows.push(SheetRow {
                    row: r0 as usize + i + 1,
                    cells,
                });
            }
        }
        return Ok(Decoded::Sheet { rows });
    }
    Err(TabularError::EmptyFile)
}

/// Refuses an archive that would expand to far more than any workbook of scores: over
/// `MAX_UNZIPPED` in all, or one member expanding more than `MAX_RATIO` times (a zip bomb).
/// The sizes are the archive's own declarations, read before anything is decompressed.
fn check_zip(bytes: &[u8]) -> Result<(), TabularError> {
    let bomb = |detail: String| TabularError::NotATable { detail };
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a readable archive: calamine says why.
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if size > MAX_RATIO_FLOOR && size / packed > MAX_RATIO {
            return Err(bomb(format!(
                "工作簿中的「{}」压缩比异常（{}倍），可能是压缩炸弹，未读取",
                f.name().unwrap_or_default(),
                size / packed
            )));
        }
    }
    if total > MAX_UNZIPPED {
        return Err(bomb(format!(
            "工作簿解压后有{}MB，超过{}MB的上限，未读取；请另存为 CSV",
            total / (1 << 20),
            MAX_UNZIPPED / (1 << 20)
        )));
    }
    Ok(())
}

/// Excel's own limits.
const MAX_SHEET_ROWS: usize = 1_048_576;
const MAX_SHEET_COLUMNS: usize = 16_384;
/// An .xlsx may expand to at most this much in all…
const MAX_UNZIPPED: u64 = 512 << 20;
/// …and no member more than this many times its packed size, once it is larger than the floor
/// (XML compresses about 10–30 times; a bomb thousands of times).
const MAX_RATIO: u64 = 200;
const MAX_RATIO_FLOOR: u64 = 8 << 20;

/// A streamed cell as the text a user sees (see `cell_text`).
fn cell_text_ref(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => cell_text(&Data::Int(*i)),
        DataRef::Float(f) => cell_text(&Data::Float(*f)),
        DataRef::Bool(b) => cell_text(&Data::Bool(*b)),
        DataRef::Error(e) => cell_text(&Data::Error(e.clone())),
        DataRef::DateTime(dt) => cell_text(&Data::DateTime(*dt)),
    }
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
            for r in rows {
                f(r.row, RowRef::Sparse(&r.cells))?;
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
