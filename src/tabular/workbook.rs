//! Workbooks: an .xlsx streamed cell by cell after the archive passed `zip_guard`; older
//! formats (.xls, .ods) read whole after checking their used range. A cell's text is bounded
//! (Excel's own 32,767 characters).

use super::zip_guard::check_zip;
use super::{CellRef, MAX_CELL_CHARS, ReadSeek, SheetRow, TabularError, unreadable};
use calamine::{Data, DataRef, Reader};
use std::io::{Cursor, Read, Seek, SeekFrom};

/// Most non-empty cells read from a worksheet (and largest used range of an older format).
const MAX_SHEET_CELLS: usize = 20_000_000;

pub(super) fn read_workbook(
    mut input: Box<dyn ReadSeek + Send + '_>,
    zip: bool,
) -> Result<Vec<SheetRow>, TabularError> {
    let rewind = |input: &mut Box<dyn ReadSeek + Send + '_>| {
        input
            .seek(SeekFrom::Start(0))
            .map(|_| ())
            .map_err(|e| unreadable(&e))
    };
    if zip {
        check_zip(&mut input)?;
        rewind(&mut input)?;
        if let Ok(mut x) = calamine::Xlsx::new(&mut input) {
            for name in x.sheet_names().clone() {
                let rows = stream_xlsx_sheet(&mut x, &name)?;
                if !rows.is_empty() {
                    return Ok(rows);
                }
            }
            return Err(TabularError::EmptyFile);
        }
        rewind(&mut input)?;
    }
    // Older or rarer workbook formats (.xls, .xlsb, .ods) are read from memory.
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| unreadable(&e))?;
    let mut wb =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes.as_slice())).map_err(|e| {
            TabularError::NotATable {
                detail: format!("无法作为 Excel 工作簿读取（{e}）"),
            }
        })?;
    read_sheet_range(&mut wb)
}

/// Reads an .xlsx worksheet cell by cell as it streams out of the archive: empty cells and
/// rows are skipped, so a stray value far away costs one cell, not the rectangle up to it.
/// A cell beyond Excel's own limits, or more cells than any score table has, is refused.
fn stream_xlsx_sheet<RS: Read + Seek>(
    x: &mut calamine::Xlsx<RS>,
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
        if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
            return Err(super::cell_too_long(
                CellRef { row, col },
                text.chars().count(),
            ));
        }
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
fn read_sheet_range(
    wb: &mut calamine::Sheets<Cursor<&[u8]>>,
) -> Result<Vec<SheetRow>, TabularError> {
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
            if let Some((col, t)) = cells
                .iter()
                .find(|(_, t)| t.chars().count() > MAX_CELL_CHARS)
            {
                return Err(super::cell_too_long(
                    CellRef {
                        row: r0 as usize + i + 1,
                        col: *col,
                    },
                    t.chars().count(),
                ));
            }
            if !cells.is_empty() {
                rows.push(SheetRow {
                    row: r0 as usize + i + 1,
                    cells,
                });
            }
        }
        return Ok(rows);
    }
    Err(TabularError::EmptyFile)
}

/// Excel's own limits.
const MAX_SHEET_ROWS: usize = 1_048_576;
const MAX_SHEET_COLUMNS: usize = 16_384;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
