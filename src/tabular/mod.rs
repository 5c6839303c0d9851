//! From uploaded bytes to rows of text cells: file type, text encoding, delimiter; cell
//! references as Excel names them. Shared by every reader of a table (scores, honors, the
//! units list). Pure.
//!
//! The encoding is decided in a fixed order — byte-order mark, then strict UTF-8, then GB18030
//! (a superset of the GBK that Chinese Excel and WPS write) — never by statistical guessing.

use crate::text::trim_cell;
use serde::Serialize;
use std::collections::VecDeque;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek, SeekFrom};

mod encoding;
mod workbook;
mod zip_guard;

use encoding::{DecodeReader, Scan, decode_head, looks_binary, scan};
use std::path::Path;
use workbook::read_workbook;

/// Why a file cannot be read as a table at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TabularError {
    #[error("文件为空：没有任何内容")]
    EmptyFile,
    #[error("不是可读取的 CSV 或 Excel（.xlsx）文件：{detail}")]
    NotATable { detail: String },
    #[error("无法识别文件编码：{detail}。请在 Excel 中另存为「CSV UTF-8」或 .xlsx")]
    Undecodable { detail: String },
    #[error("无法读取文件：{detail}")]
    Unreadable { detail: String },
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

/// Where a table's bytes come from: an upload already in memory, or a file on disk that is
/// read as a stream (twice: once to decide the encoding and hash it, once to walk its rows),
/// so that memory follows one row at a time, never the file's size.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Bytes(&'a [u8]),
    File(&'a Path),
}

/// A seekable byte stream (a file or bytes in memory).
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl<'a> Source<'a> {
    fn open(self) -> Result<Box<dyn ReadSeek + Send + 'a>, TabularError> {
        Ok(match self {
            Source::Bytes(b) => Box::new(Cursor::new(b)),
            Source::File(p) => Box::new(BufReader::with_capacity(
                64 * 1024,
                File::open(p).map_err(|e| unreadable(&e))?,
            )),
        })
    }
}

pub(super) fn unreadable(e: &io::Error) -> TabularError {
    TabularError::Unreadable {
        detail: e.to_string(),
    }
}

/// A decoded file, ready to be walked row by row.
pub struct Decoded<'a> {
    pub body: Body<'a>,
    pub encoding: Encoding,
    /// SHA-256 of the file's bytes, in lowercase hex.
    pub sha256: String,
}

/// A decoded file's rows.
pub enum Body<'a> {
    /// Delimited text (CSV, or the tab-separated "Unicode text" Excel writes), as a stream of
    /// UTF-8 bytes decoded on the fly.
    Text {
        reader: Box<dyn Read + Send + 'a>,
        delimiter: u8,
    },
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
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// How much of a file's start is kept to sniff its type and delimiter.
const HEAD_BYTES: usize = 64 * 1024;
/// A single CSV record longer than this is refused (no score table has one), so that a file
/// without line breaks cannot make the reader hold all of it.
pub const MAX_RECORD_BYTES: u64 = 8 << 20;
/// The longest cell text read (Excel's own limit): a longer cell is no score table's, and
/// refusing it bounds every later step (look-ups, suggestions, messages).
pub const MAX_CELL_CHARS: usize = 32_767;

/// Line breaks held between two records at most (16 bytes each).
const MAX_PENDING_BREAKS: usize = 1 << 20;

/// Decodes bytes in memory (see `decode_source`).
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, TabularError> {
    decode_source(Source::Bytes(bytes))
}

/// Decodes a file. Fails on an empty file, a binary that is neither a workbook nor text, or
/// text in no encoding we accept — all decided before the first row is handed out.
pub fn decode_source(source: Source<'_>) -> Result<Decoded<'_>, TabularError> {
    let mut input = source.open()?;
    let scan = scan(&mut input).map_err(|e| unreadable(&e))?;
    let Scan {
        sha256,
        head,
        utf8_error,
        blank,
    } = scan;
    if blank {
        return Err(TabularError::EmptyFile);
    }
    let rewind = |input: &mut Box<dyn ReadSeek + Send + '_>, to: u64| {
        input
            .seek(SeekFrom::Start(to))
            .map(|_| ())
            .map_err(|e| unreadable(&e))
    };
    if head.starts_with(ZIP_MAGIC) || head.starts_with(OLE_MAGIC) {
        rewind(&mut input, 0)?;
        let rows = read_workbook(input, head.starts_with(ZIP_MAGIC))?;
        return Ok(Decoded {
            body: Body::Sheet { rows },
            encoding: Encoding::Workbook,
            sha256,
        });
    }
    let (encoding, skip, decoder): (Encoding, u64, Option<&'static encoding_rs::Encoding>) =
        if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            if let Some(at) = utf8_error {
                return Err(TabularError::Undecodable {
                    detail: format!("文件声明为 UTF-8，但第{}字节起不是有效的 UTF-8", at + 1),
                });
            }
            (Encoding::Utf8Bom, 3, None)
        } else if head.starts_with(&[0xFF, 0xFE]) {
            (Encoding::Utf16Le, 2, Some(encoding_rs::UTF_16LE))
        } else if head.starts_with(&[0xFE, 0xFF]) {
            (Encoding::Utf16Be, 2, Some(encoding_rs::UTF_16BE))
        } else if head.iter().take(8192).any(|&b| b == 0) || head.starts_with(b"%PDF") {
            // No text a spreadsheet writes without a UTF-16 BOM contains NUL bytes.
            return Err(TabularError::NotATable {
                detail: "文件是二进制内容（如图片、PDF 或压缩包）".into(),
            });
        } else if utf8_error.is_none() {
            (Encoding::Utf8, 0, None)
        } else {
            (Encoding::Gb18030, 0, Some(encoding_rs::GB18030))
        };
    if let Some(enc) = decoder {
        // Checked whole before any row is read, so a bad byte at the end is not found after
        // the rows before it were handed out.
        rewind(&mut input, skip)?;
        let mut check = DecodeReader::new(&mut input, enc);
        if io::copy(&mut check, &mut io::sink()).is_err() {
            return Err(TabularError::Undecodable {
                detail: if enc == encoding_rs::GB18030 {
                    "既不是 UTF-8，也不是 GBK/GB18030".into()
                } else {
                    "UTF-16 文本中有无效字符".into()
                },
            });
        }
    }
    let start_text = decode_head(&head[skip as usize..], decoder);
    if looks_binary(&start_text) {
        return Err(TabularError::NotATable {
            detail: "文件含有二进制内容，不是 CSV 或 Excel 文件".into(),
        });
    }
    let first_line = start_text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    rewind(&mut input, skip)?;
    let reader: Box<dyn Read + Send + '_> = match decoder {
        Some(enc) => Box::new(DecodeReader::new(input, enc)),
        None => input,
    };
    Ok(Decoded {
        body: Body::Text { reader, delimiter },
        encoding,
        sha256,
    })
}

/// Walks every row with its 1-based row number as Excel shows it; stops at the first error
/// `f` returns (a text that cannot be read as CSV stops it too).
pub fn for_each_row<E: From<TabularError>>(
    body: Body<'_>,
    mut f: impl FnMut(usize, RowRef<'_>) -> Result<(), E>,
) -> Result<(), E> {
    match body {
        Body::Text { reader, delimiter } => {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(Tracked {
                    inner: reader,
                    breaks: VecDeque::new(),
                    handed: 0,
                    record_start: 0,
                    too_long: false,
                });
            let mut rec = csv::StringRecord::new();
            // Row numbers are counted from the line breaks: the reader's own line count lags
            // by one after a CRLF, and Excel users think in the rows Excel shows.
            let mut line = 1usize;
            loop {
                match rdr.read_record(&mut rec) {
                    Ok(true) => {
                        let t = rdr.get_mut();
                        let mut start = rec.position().map_or(0, csv::Position::byte);
                        while let Some(&(at, lf)) = t.breaks.front() {
                            if at > start {
                                break;
                            }
                            // A record starts after the line breaks in front of it.
                            if at == start {
                                start += 1;
                            }
                            line += usize::from(lf);
                            t.breaks.pop_front();
                        }
                        t.record_start = start;
                        if let Some((col, n)) = rec.iter().enumerate().find_map(|(i, c)| {
                            // Bytes first: most cells are far shorter than the limit.
                            (c.len() > MAX_CELL_CHARS)
                                .then(|| c.chars().count())
                                .filter(|&n| n > MAX_CELL_CHARS)
                                .map(|n| (i, n))
                        }) {
                            return Err(cell_too_long(CellRef { row: line, col }, n).into());
                        }
                        f(line, RowRef::Csv(&rec))?;
                    }
                    Ok(false) => return Ok(()),
                    Err(e) => {
                        let at = e.position().map_or(line, |p| p.line() as usize);
                        let too_long = rdr.get_ref().too_long;
                        return Err(match e.kind() {
                            _ if too_long => TabularError::NotATable {
                                detail: format!(
                                    "第{line}行起的一条记录超过{}MB，不是可读取的表格（请检查引号是否成对）",
                                    MAX_RECORD_BYTES >> 20
                                ),
                            },
                            csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::InvalidData => {
                                TabularError::Undecodable {
                                    detail: format!("第{line}行附近{io}"),
                                }
                            }
                            csv::ErrorKind::Io(io) => unreadable(io),
                            _ => TabularError::NotATable {
                                detail: format!("第{at}行无法按 CSV 读取（{e}）"),
                            },
                        }
                        .into());
                    }
                }
            }
        }
        Body::Sheet { rows } => {
            for r in &rows {
                f(r.row, RowRef::Sparse(&r.cells))?;
            }
            Ok(())
        }
    }
}

/// A cell longer than Excel allows: refused, and never echoed.
pub(super) fn cell_too_long(at: CellRef, chars: usize) -> TabularError {
    TabularError::NotATable {
        detail: format!(
            "{at}有{chars}个字，超过 Excel 单元格的上限（{MAX_CELL_CHARS}字），不是得分表的内容"
        ),
    }
}

/// The CSV reader's input, keeping the offsets of the line breaks it hands out (until the
/// records they belong to are counted) and refusing a record beyond `MAX_RECORD_BYTES`.
struct Tracked<R> {
    inner: R,
    /// (offset, is LF) of every CR and LF handed out and not yet counted.
    breaks: VecDeque<(u64, bool)>,
    handed: u64,
    record_start: u64,
    too_long: bool,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // A record, or a run of blank lines between two, longer than any table has; the
        // second bound keeps the queue of line breaks small too.
        if self.handed - self.record_start.min(self.handed) > MAX_RECORD_BYTES
            || self.breaks.len() > MAX_PENDING_BREAKS
        {
            self.too_long = true;
            return Err(io::Error::other("record too long"));
        }
        let n = self.inner.read(buf)?;
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.breaks.push_back((self.handed + i as u64, b == b'\n'));
            }
        }
        self.handed += n as u64;
        Ok(n)
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
        assert_eq!(decode(&gbk).unwrap().encoding, Encoding::Gb18030);
        assert_eq!(rows_of(&gbk)[1].1, "马街街道");
        assert_eq!(decode(text.as_bytes()).unwrap().encoding, Encoding::Utf8);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom).unwrap().encoding, Encoding::Utf8Bom);
        assert_eq!(rows_of(&bom)[0].1, "单位");
    }

    #[test]
    fn the_hash_is_of_the_bytes() {
        let bytes = "单位,得分\n马街街道,18.5\n".as_bytes();
        assert_eq!(
            decode(bytes).unwrap().sha256,
            crate::import::sha256_hex(bytes)
        );
    }

    #[test]
    fn a_bad_byte_far_down_is_found_before_any_row() {
        // Past the head and across chunk boundaries: still GB18030 (or refused), decided
        // before the first row.
        let mut text = String::from("单位,得分\n");
        while text.len() < 300_000 {
            text.push_str("马街街道,18.5\n");
        }
        let (mut gbk, _, _) = encoding_rs::GBK.encode(&text);
        let gbk = gbk.to_mut();
        assert_eq!(decode(gbk).unwrap().encoding, Encoding::Gb18030);
        let mut utf8 = text.clone().into_bytes();
        utf8.extend_from_slice(&[0x81, 0x30]);
        assert!(matches!(
            decode(&utf8),
            Err(TabularError::Undecodable { .. })
        ));
        gbk.push(0xFF);
        assert!(matches!(decode(gbk), Err(TabularError::Undecodable { .. })));
    }

    #[test]
    fn a_record_without_end_is_refused_not_held() {
        let mut bytes = b"a,\"".to_vec();
        bytes.resize(MAX_RECORD_BYTES as usize + (1 << 20), b'x');
        let d = decode(&bytes).unwrap();
        let err = for_each_row(d.body, |_, _| Ok::<(), TabularError>(())).unwrap_err();
        assert!(err.to_string().contains("超过8MB"), "{err}");
    }

    fn rows_of(bytes: &[u8]) -> Vec<(usize, String)> {
        let d = decode(bytes).unwrap();
        let mut out = Vec::new();
        for_each_row(d.body, |n, r| {
            out.push((n, r.get(0).to_string()));
            Ok::<(), TabularError>(())
        })
        .unwrap();
        out
    }

    fn rows(text: &str) -> Vec<(usize, String)> {
        rows_of(text.as_bytes())
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
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, Encoding::Utf16Le);
        let mut rows = Vec::new();
        for_each_row(d.body, |n, r| {
            rows.push((n, r.get(0).to_string(), r.get(1).to_string()));
            Ok::<(), TabularError>(())
        })
        .unwrap();
        assert_eq!(rows[1], (2, "马街街道".to_string(), "18.5".to_string()));
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
