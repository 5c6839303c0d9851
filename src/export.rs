//! Exports of a ranked board for the written circular: CSV that Excel opens correctly and
//! .xlsx. Text cells that a spreadsheet would read as a formula are neutralised.

use crate::boards::GroupBoard;
use crate::present::{ChangeText, TierText};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

/// A text cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so that no
/// spreadsheet evaluates it (CSV injection). Numbers are written as numbers and never touched.
#[must_use]
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn header(b: &GroupBoard) -> Vec<String> {
    let mut h: Vec<String> = ["名次", "并列或同分", "单位", "总分", "变化", "榜单"]
        .map(String::from)
        .to_vec();
    h.extend(b.indicators.iter().map(|i| i.name.clone()));
    h.extend(["加分", "扣分", "数据缺失"].map(String::from));
    let (grades, vetoes) = marks(b);
    if grades {
        h.extend(["等次", "等次说明"].map(String::from));
    }
    if vetoes {
        h.push("一票否决".into());
    }
    if streaks(b) {
        h.push("连续情况".into());
    }
    if let Some(y) = &b.year_on_year {
        h.push(format!("同比（{}）", y.previous.label()));
    }
    h
}

/// Whether any unit is on a streak or holds the 流动红旗 (a column only then).
fn streaks(b: &GroupBoard) -> bool {
    b.board
        .rows
        .iter()
        .any(|r| !r.streaks.is_empty() || r.red_flag.is_some())
}

/// Whether the board has 等次, and whether any unit has a 一票否决: their columns are added
/// only then, so a board without them exports as it always did.
fn marks(b: &GroupBoard) -> (bool, bool) {
    (
        b.board.rows.iter().any(|r| r.grade.is_some()),
        b.board.rows.iter().any(|r| r.veto.is_some()),
    )
}

/// The 等次 columns and the veto column of a row, as `header` lists them.
fn mark_cells(b: &GroupBoard, r: &crate::ranking::BoardRow) -> Vec<String> {
    let (grades, vetoes) = marks(b);
    let mut out = Vec::new();
    if grades {
        let g = r.grade.as_ref();
        out.push(g.map(|g| g.name.clone()).unwrap_or_default());
        out.push(g.map(crate::present::grade_note).unwrap_or_default());
    }
    if vetoes {
        out.push(r.veto.clone().unwrap_or_default());
    }
    if streaks(b) {
        let m = crate::present::Marks::new(r);
        let mut words: Vec<String> = Vec::new();
        if !m.flag.is_empty() {
            words.push(format!("{}（{}）", m.flag, m.flag_note));
        }
        words.extend(m.streaks.into_iter().map(|(s, _)| s));
        out.push(words.join("、"));
    }
    if let Some(y) = &b.year_on_year {
        out.push(
            y.of(r.unit_id)
                .map(|u| crate::present::yoy_cell(r, u).0)
                .unwrap_or_default(),
        );
    }
    out
}

/// UTF-8 with a byte-order mark, CRLF: what Excel on Chinese Windows opens without garbling.
/// `note` (a result's 公示) is a last line of its own.
#[must_use]
pub fn board_csv(b: &GroupBoard, note: Option<&str>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(header(b).iter().map(|h| neutralise(h)));
    for r in &b.board.rows {
        let mut rec = vec![
            r.rank
                .map_or_else(|| "不参与排名".into(), |x| x.to_string()),
            crate::present::tie_cell(b, r),
            neutralise(&r.name),
            r.total.to_string(),
            r.change.label(),
            r.tier.label().into(),
        ];
        rec.extend(
            r.points
                .iter()
                .map(|p| p.map_or_else(String::new, |p| p.to_string())),
        );
        rec.push(r.bonus.to_string());
        rec.push(r.penalty.to_string());
        rec.push(neutralise(&crate::present::missing_note(b, r)));
        rec.extend(mark_cells(b, r).iter().map(|c| neutralise(c)));
        let _ = w.write_record(&rec);
    }
    if let Some(n) = note {
        let _ = w.write_record([neutralise(n)]);
    }
    w.into_inner().unwrap_or_default()
}

/// An .xlsx workbook: a title row (and under it `note`, a result's 公示), the table with
/// numbers as numbers, the rule line below.
pub fn board_xlsx(
    b: &GroupBoard,
    competition: &str,
    note: Option<&str>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // Created when the board was posted, not when it was downloaded: the same board is the
    // same file, byte for byte.
    if let Some(at) = b
        .frozen
        .as_ref()
        .map(|m| m.created_at)
        .or(b.period.published_at)
        && let Ok(t) = rust_xlsxwriter::ExcelDateTime::from_timestamp(at.unix())
    {
        wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&t));
    }
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(&b.group.name))?;
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let num = Format::new()
        .set_num_format("0.00##")
        .set_align(FormatAlign::Right);
    let head = header(b);
    let last_col = head.len().saturating_sub(1) as u16;
    // The title across the table, as a circular's table has it.
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{competition} {} {} 考评结果", b.title, b.group.name),
        &title.clone().set_align(FormatAlign::Center),
    )?;
    if let Some(n) = note {
        ws.write_string(1, 0, n)?;
    }
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, h, &bold)?;
    }
    // 红榜 and 黑榜 in their colours.
    let red = Format::new()
        .set_background_color(0x00B2_1F24)
        .set_font_color(0x00FF_FFFF);
    let black = Format::new()
        .set_background_color(0x0033_3333)
        .set_font_color(0x00FF_FFFF);
    for (i, r) in b.board.rows.iter().enumerate() {
        let row = 3 + i as u32;
        match r.rank {
            Some(x) => ws.write_number(row, 0, f64::from(x))?,
            None => ws.write_string(row, 0, "不参与排名")?,
        };
        let tie = crate::present::tie_cell(b, r);
        if !tie.is_empty() {
            ws.write_string(row, 1, &tie)?;
        }
        ws.write_string(row, 2, &r.name)?;
        ws.write_number_with_format(row, 3, r.total.as_f64(), &num)?;
        ws.write_string(row, 4, r.change.label())?;
        match r.tier {
            crate::ranking::Tier::Red => {
                ws.write_string_with_format(row, 5, r.tier.label(), &red)?
            }
            crate::ranking::Tier::Black => {
                ws.write_string_with_format(row, 5, r.tier.label(), &black)?
            }
            _ => ws.write_string(row, 5, r.tier.label())?,
        };
        let mut c = 6u16;
        for p in &r.points {
            if let Some(p) = p {
                ws.write_number_with_format(row, c, p.as_f64(), &num)?;
            }
            c += 1;
        }
        ws.write_number_with_format(row, c, r.bonus.as_f64(), &num)?;
        ws.write_number_with_format(row, c + 1, r.penalty.as_f64(), &num)?;
        let missing = crate::present::missing_note(b, r);
        if !missing.is_empty() {
            ws.write_string(row, c + 2, missing)?;
        }
        for (k, cell) in mark_cells(b, r).iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(row, c + 3 + k as u16, cell)?;
            }
        }
    }
    let last = 3 + b.board.rows.len() as u32 + 1;
    ws.write_string(last, 0, format!("规则：{}", b.rules_text))?;
    // Each column as wide as its header and its widest cell (a CJK character counts double).
    for (c, h) in head.iter().enumerate() {
        let cells = b.board.rows.iter().map(|r| match c {
            2 => unicode_width::UnicodeWidthStr::width(r.name.as_str()),
            1 => unicode_width::UnicodeWidthStr::width(crate::present::tie_cell(b, r).as_str()),
            _ => 8,
        });
        let w = cells
            .chain(std::iter::once(unicode_width::UnicodeWidthStr::width(
                h.as_str(),
            )))
            .max()
            .unwrap_or(8);
        ws.set_column_width(c as u16, (w + 2).min(60) as f64)?;
    }
    ws.set_freeze_panes(3, 3)?;
    // An A4 page in landscape, as wide as the table, the header row on every page.
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_repeat_rows(2, 2)?;
    wb.save_to_buffer()
}

/// An import template for one group: a title row naming the competition and period, the
/// header (单位 and the indicators; the importer finds it below the title) and one row per
/// unit with its values blank.
pub fn import_template_xlsx(
    title: &str,
    group: &str,
    units: &[String],
    indicators: &[String],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet_name(group))?;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;
    ws.write_string_with_format(1, 0, "单位", &bold)?;
    for (c, name) in indicators.iter().enumerate() {
        ws.write_string_with_format(1, 1 + c as u16, name, &bold)?;
        ws.set_column_width(1 + c as u16, 14)?;
    }
    for (r, u) in units.iter().enumerate() {
        ws.write_string(2 + r as u32, 0, u)?;
    }
    ws.set_column_width(0, 18)?;
    ws.set_freeze_panes(2, 1)?;
    wb.save_to_buffer()
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if s.is_empty() { "榜单".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_and_numbers_are_not() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("+86"), "'+86");
        assert_eq!(neutralise("-cmd"), "'-cmd");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("马街街道"), "马街街道");
        assert_eq!(sheet_name("a/b:c"), "abc");
    }
}
