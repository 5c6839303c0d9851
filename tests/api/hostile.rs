//! Hostile workbooks: a value in a far-away cell, a row number beyond Excel's, a zip bomb. Each
//! is checked by the real binary in a child process under a memory ceiling, so a regression
//! that allocates the sheet's dimensions fails the test instead of taking the machine down.

use crate::helpers::structure_db;
use std::io::Write;
use std::process::{Command, Output};

/// Address space allowed to `shaibang check` (the binary and SQLite need well under this).
const CEILING_KIB: u64 = 1024 * 1024;

fn check_under_ceiling(db: &std::path::Path, file: &std::path::Path) -> Output {
    let script =
        format!("ulimit -v {CEILING_KIB}; exec \"$0\" --db \"$1\" check \"$2\" --period 2023Q3");
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_shaibang"))
        .arg(db)
        .arg(file)
        .env("SHAIBANG_LOG", "warn")
        .output()
        .expect("run shaibang")
}

/// A minimal .xlsx whose first sheet has the given `<sheetData>` rows, and optionally one more
/// member of the given size (a run of spaces, which compresses about a thousand times).
fn xlsx(sheet_rows: &str, padding: usize) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_rows}</sheetData></worksheet>"#
            ),
        ),
    ];
    for (name, body) in files {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    if padding > 0 {
        z.start_file("xl/padding.xml", opts).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..padding.div_ceil(1 << 20) {
            z.write_all(&chunk).unwrap();
        }
    }
    z.finish().unwrap();
    buf.into_inner()
}

/// The demo streets' table with a value in Excel's very last cell (for the fuzzer's seeds).
pub(crate) fn far_cell_workbook() -> Vec<u8> {
    let rows = format!(
        "{}<row r=\"1048576\">{}</row>",
        table(),
        inline("XFD1048576", "x")
    );
    xlsx(&rows, 0)
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The demo streets' header and one row, as inline strings.
fn table() -> String {
    format!(
        r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
        inline("A1", "单位"),
        inline("B1", "固定资产投资"),
        inline("A2", "金碧街道"),
        r#"<c r="B2"><v>18.5</v></c>"#
    )
}

fn run(name: &str, bytes: &[u8]) -> (Output, String) {
    let db = structure_db();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).unwrap();
    let before = crate::helpers::dump(&db);
    let out = check_under_ceiling(&db.path, &file);
    assert_eq!(crate::helpers::dump(&db), before, "check writes nothing");
    let text =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    (out, text)
}

#[test]
fn a_value_in_the_last_cell_of_the_sheet_costs_one_cell() {
    // XFD1048576 is Excel's very last cell: a few-KB file that used to allocate the whole
    // sheet. Now it is one more (stray) row, reported like any other.
    let rows = format!(
        "{}<row r=\"1048576\">{}</row>",
        table(),
        inline("XFD1048576", "x")
    );
    let (out, text) = run("far.xlsx", &xlsx(&rows, 0));
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("第1048576行"), "{text}");
}

#[test]
fn a_row_beyond_excels_limit_is_refused_naming_the_cell() {
    let rows = format!(
        "{}<row r=\"2000000000\">{}</row>",
        table(),
        inline("C2000000000", "x")
    );
    let (out, text) = run("beyond.xlsx", &xlsx(&rows, 0));
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("第2000000000行 C列有内容，超出 Excel 的范围"),
        "{text}"
    );
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_expanded() {
    // 64 MB of spaces packed into well under a megabyte.
    let bytes = xlsx(&table(), 64 << 20);
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    let (out, text) = run("bomb.xlsx", &bytes);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("压缩比异常") && text.contains("压缩炸弹"),
        "{text}"
    );
}

#[test]
fn an_ordinary_workbook_still_reads_under_the_same_ceiling() {
    let (out, text) = run("ok.xlsx", &xlsx(&table(), 0));
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("新增1个分值") && text.contains("检查通过"),
        "{text}"
    );
}
