//! `periods` and `board`: what is in the database, as a terminal table, CSV or JSON.

use super::{CliError, Format, structure};
use crate::boards::{self, GroupBoard};
use crate::domain::PeriodKey;
use crate::present::{ChangeText, TierText};
use crate::store::Store;
use std::process::ExitCode;

pub fn periods(store: &Store) -> Result<ExitCode, CliError> {
    let conn = store.conn()?;
    let s = structure(&conn)?;
    for p in &s.periods {
        println!(
            "{}\t{}\t{}\t{}",
            p.key,
            p.key.label(),
            p.status.label(),
            p.published_at
                .map(|t| s.competition.zone.show(t))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn board(
    store: &Store,
    period: PeriodKey,
    group: Option<&str>,
    format: Format,
) -> Result<ExitCode, CliError> {
    let conn = store.conn()?;
    let s = super::scheme(&conn, Some(period))?;
    if s.period(period).is_none() {
        return Err(CliError::Input(format!("期间{period}不存在")));
    }
    let mut list = boards::period_boards(&conn, &s, period)?;
    if let Some(g) = group {
        let Some(gid) = s.group_by_name(g).map(|g| g.id) else {
            return Err(CliError::Input(format!("组别「{g}」不存在")));
        };
        list.retain(|b| b.group.id == gid);
    }
    let out = match format {
        Format::Table => table(&list),
        Format::Csv => csv_text(&list)?,
        Format::Json => {
            let boards: Vec<_> = list.iter().map(crate::present::BoardJson::new).collect();
            serde_json::to_string_pretty(&boards).map_err(std::io::Error::other)? + "\n"
        }
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// Display width of a string in a terminal: CJK, full-width and East Asian ambiguous
/// characters (↑, —) take two columns, as in a Chinese terminal.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width_cjk(s)
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// Header and rows of one board as text cells (shared by table and CSV output).
fn cells(b: &GroupBoard) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head: Vec<String> = ["名次", "单位", "总分", "并列或同分", "变化", "榜单"]
        .map(String::from)
        .to_vec();
    head.extend(b.indicators.iter().map(|i| i.name.clone()));
    head.extend(["加分", "扣分", "数据缺失"].map(String::from));
    let rows = b
        .board
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.rank.map_or("—".into(), |x| x.to_string()),
                r.name.clone(),
                r.total.to_string(),
                crate::present::tie_cell(b, r),
                r.change.label(),
                r.tier.label().into(),
            ];
            row.extend(
                r.points
                    .iter()
                    .map(|p| p.map_or(String::new(), |p| p.to_string())),
            );
            row.push(r.bonus.to_string());
            row.push(r.penalty.to_string());
            row.push(crate::present::missing_note(b, r));
            row
        })
        .collect();
    (head, rows)
}

fn table(list: &[GroupBoard]) -> String {
    let mut out = String::new();
    for b in list {
        out.push_str(&format!(
            "{} {}（{}）\n",
            b.period.key.label(),
            b.group.name,
            b.period.status.label()
        ));
        let (head, rows) = cells(b);
        let widths: Vec<usize> = (0..head.len())
            .map(|i| {
                rows.iter()
                    .map(|r| width(&r[i]))
                    .chain([width(&head[i])])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |r: &[String]| {
            r.iter()
                .zip(&widths)
                .map(|(c, &w)| pad(c, w))
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        out.push_str(&line(&head));
        out.push('\n');
        for r in &rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        out.push_str(&format!("规则：{}\n\n", b.rules_text));
    }
    out
}

fn csv_text(list: &[GroupBoard]) -> Result<String, CliError> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for b in list {
        let (head, rows) = cells(b);
        let mut h = vec!["期间".to_string(), "组别".to_string()];
        h.extend(head);
        w.write_record(&h).map_err(std::io::Error::from)?;
        for r in rows {
            let mut full = vec![b.period.key.to_string(), b.group.name.clone()];
            full.extend(r);
            w.write_record(&full).map_err(std::io::Error::from)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
