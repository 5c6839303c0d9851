//! A group's charts: totals in rank order, ranks across periods (bump), and units compared
//! indicator by indicator.

use super::{
    BLUE, DARK, GRID, INK, MUTED, PALETTE, RED, Size, TotalBar, draw, fit, period_axis, style,
    text_width,
};
use crate::domain::PeriodKey;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Horizontal bars of each unit's total, in rank order.
pub fn totals_bar(title: &str, desc: &str, bars: &[TotalBar], size: Size) -> String {
    let w = size.width();
    let (name_font, value_font) = (size.name(), size.text());
    let row = if size == Size::Wide { 26 } else { 28 };
    let top = 48;
    let h = (top + row * bars.len().max(1) + 24) as u32;
    let cap = if size == Size::Wide { 260.0 } else { 150.0 };
    let label_w = bars
        .iter()
        .map(|b| text_width(&b.label, name_font))
        .fold(60.0, f64::max)
        .min(cap)
        + 24.0;
    let max = bars.iter().map(|b| b.total.as_f64()).fold(0.0, f64::max);
    let min = bars.iter().map(|b| b.total.as_f64()).fold(0.0, f64::min);
    let span = (max - min).max(1.0);
    let x0 = label_w;
    let widest_value = bars
        .iter()
        .map(|b| text_width(&b.total.to_string(), value_font))
        .fold(0.0, f64::max);
    let x1 = f64::from(w) - widest_value - 16.0;
    let scale = |v: f64| x0 + (v - min) / span * (x1 - x0);
    draw(w, h, title, desc, |root| {
        let zero = scale(0.0) as i32;
        root.draw(&PathElement::new(
            vec![(zero, top as i32 - 6), (zero, h as i32 - 16)],
            GRID.stroke_width(1),
        ))?;
        for (i, b) in bars.iter().enumerate() {
            let y = (top + i * row) as i32;
            let v = b.total.as_f64();
            let color = match b.tier {
                1 => &RED,
                2 => &DARK,
                _ => &BLUE,
            };
            let (a, z) = if v >= 0.0 {
                (zero, scale(v) as i32)
            } else {
                (scale(v) as i32, zero)
            };
            root.draw(&Rectangle::new(
                [(a, y + 4), (z.max(a + 1), y + row as i32 - 4)],
                color.filled(),
            ))?;
            root.draw(&Text::new(
                fit(&b.label, name_font, label_w - 20.0),
                (label_w as i32 - 10, y + row as i32 / 2),
                style(name_font, &INK, HPos::Right, VPos::Center),
            ))?;
            root.draw(&Text::new(
                b.total.to_string(),
                (z.max(zero) + 6, y + row as i32 / 2),
                style(value_font, &MUTED, HPos::Left, VPos::Center),
            ))?;
        }
        Ok(())
    })
}

/// One unit's line in a bump chart: its rank in each period (`None` where not ranked).
pub struct BumpSeries {
    pub label: String,
    pub ranks: Vec<Option<u32>>,
    /// Drawn in red over the others, which turn grey.
    pub highlight: bool,
}

const FADED: RGBColor = RGBColor(190, 194, 200);

/// Ranks across periods for a whole group, rank 1 at the top. Up to ten units get a colour
/// each; with more, or with one unit highlighted, the others are grey. On a phone only the
/// last four periods are drawn and the names stand on the right only.
pub fn bump(
    title: &str,
    desc: &str,
    periods: &[PeriodKey],
    series: &[BumpSeries],
    size: Size,
) -> String {
    let keep = if size == Size::Narrow {
        periods.len().min(4)
    } else {
        periods.len()
    };
    let skip = periods.len() - keep;
    let periods = &periods[skip..];
    let f = size.text();
    let w = size.width();
    let n = series.len().max(1);
    let row = match size {
        Size::Wide if n > 40 => 13,
        Size::Wide => 28,
        Size::Narrow if n > 30 => 17,
        Size::Narrow => 30,
    };
    let top = if size == Size::Wide { 78 } else { 84 };
    let h = (top + row * n + 24) as u32;
    // The labels at both ends: units tied on a rank share one label, so that none overlap.
    let last = periods.len().saturating_sub(1);
    let ends: Vec<(usize, bool, Vec<EndLabel>)> = [(0usize, true), (last, false)]
        .into_iter()
        .filter(|(_, first)| *first || periods.len() > 1 || size == Size::Narrow)
        .map(|(col, first)| (col, first, end_labels(series, skip + col)))
        .collect();
    let cap = if size == Size::Wide { 280.0 } else { 170.0 };
    let widest = |first: bool| {
        ends.iter()
            .filter(|e| e.1 == first)
            .flat_map(|e| e.2.iter())
            .map(|l| text_width(&l.text(first, f, cap), f))
            .fold(40.0, f64::max)
            + 20.0
    };
    let (left_w, right_w) = match size {
        Size::Wide => (
            widest(true),
            widest(false).max(if periods.len() > 1 { 0.0 } else { 60.0 }),
        ),
        Size::Narrow => (text_width("99", f) + 14.0, widest(false)),
    };
    let x0 = left_w;
    let x1 = f64::from(w) - right_w;
    let step = if periods.len() > 1 {
        (x1 - x0) / (periods.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| (x0 + step * i as f64) as i32;
    let y = |rank: u32| (top + (rank as usize - 1) * row + row / 2) as i32;
    let any_highlight = series.iter().any(|s| s.highlight);
    let coloured = !any_highlight && series.len() <= PALETTE.len();
    let colour = |k: usize| -> &'static RGBColor {
        if coloured {
            &PALETTE[k % PALETTE.len()]
        } else if series[k].highlight {
            &RED
        } else {
            &FADED
        }
    };
    draw(w, h, title, desc, |root| {
        for (i, label) in period_axis(periods, step, f).into_iter().enumerate() {
            root.draw(&PathElement::new(
                vec![(x(i), top as i32 - 4), (x(i), h as i32 - 20)],
                GRID.stroke_width(1),
            ))?;
            let Some((year, short)) = label else { continue };
            if let Some(year) = year {
                root.draw(&Text::new(
                    year,
                    (x(i), top as i32 - 12 - f as i32 - 4),
                    style(f, &MUTED, HPos::Center, VPos::Bottom),
                ))?;
            }
            root.draw(&Text::new(
                short,
                (x(i), top as i32 - 10),
                style(f, &MUTED, HPos::Center, VPos::Bottom),
            ))?;
        }
        // Grey lines first, the highlighted (or coloured) ones over them.
        let mut order: Vec<usize> = (0..series.len()).collect();
        order.sort_by_key(|k| series[*k].highlight);
        for k in order {
            let s = &series[k];
            let color = colour(k);
            let pts: Vec<(i32, i32)> = s.ranks[skip.min(s.ranks.len())..]
                .iter()
                .enumerate()
                .filter_map(|(i, r)| Some((x(i), y((*r)?))))
                .collect();
            let width = if s.highlight { 3 } else { 2 };
            root.draw(&PathElement::new(pts.clone(), color.stroke_width(width)))?;
            for p in &pts {
                root.draw(&Circle::new(*p, width + 1, color.filled()))?;
            }
        }
        for (col, first, labels) in &ends {
            for l in labels {
                let color = if l.lit {
                    &RED
                } else if l.names.len() > 1 || !coloured {
                    &MUTED
                } else {
                    &PALETTE[l.first_series % PALETTE.len()]
                };
                let (text, tx, anchor) = match (first, size) {
                    (true, Size::Narrow) => (l.rank.to_string(), x(*col) - 8, HPos::Right),
                    (true, Size::Wide) => (l.text(true, f, cap), x(*col) - 8, HPos::Right),
                    (false, _) => (l.text(false, f, cap), x(*col) + 8, HPos::Left),
                };
                root.draw(&Text::new(
                    text,
                    (tx, y(l.rank)),
                    style(f, color, anchor, VPos::Center),
                ))?;
            }
        }
        Ok(())
    })
}

/// The label of one rank at one end of a bump chart.
struct EndLabel<'a> {
    rank: u32,
    names: Vec<&'a str>,
    first_series: usize,
    lit: bool,
}

impl EndLabel<'_> {
    /// 「马街街道 3」 on the left, 「3 马街街道」 on the right; units tied on the rank are joined
    /// with 、 and, when that is too long, named as 「西苑街道等3个单位」.
    fn text(&self, left: bool, f: f64, max: f64) -> String {
        let joined = self.names.join("、");
        let names = if self.names.len() > 1 && text_width(&joined, f) > max - text_width("99 ", f) {
            format!("{}等{}个单位", self.names[0], self.names.len())
        } else {
            joined
        };
        let text = if left {
            format!("{names} {}", self.rank)
        } else {
            format!("{} {names}", self.rank)
        };
        fit(&text, f, max)
    }
}

fn end_labels(series: &[BumpSeries], col: usize) -> Vec<EndLabel<'_>> {
    let mut out: Vec<EndLabel<'_>> = Vec::new();
    for (k, s) in series.iter().enumerate() {
        let Some(Some(r)) = s.ranks.get(col) else {
            continue;
        };
        match out.iter_mut().find(|e| e.rank == *r) {
            // A highlighted unit is named first, so that a long tie still names it.
            Some(e) if s.highlight => {
                e.names.insert(0, &s.label);
                e.lit = true;
            }
            Some(e) => e.names.push(&s.label),
            None => out.push(EndLabel {
                rank: *r,
                names: vec![&s.label],
                first_series: k,
                lit: s.highlight,
            }),
        }
    }
    out
}

/// One indicator across the compared units: each unit's points as a share of the indicator's
/// max (0–1), `None` where it has no score.
pub struct CompareRow {
    pub label: String,
    pub shares: Vec<Option<f64>>,
}

/// Units compared indicator by indicator: a bar per unit in each row, as a share of the
/// indicator's max, so that indicators of different weight (and groups) sit on one scale.
pub fn compare_bars(
    title: &str,
    desc: &str,
    units: &[String],
    rows: &[CompareRow],
    size: Size,
) -> String {
    let w = size.width();
    let (f, nf) = (size.text(), size.name());
    let bar = if size == Size::Wide { 10 } else { 12 };
    let per_row = bar * units.len().max(1) as i32 + 14 + if size == Size::Narrow { 20 } else { 0 };
    // The legend: one line per unit on a phone, side by side on a desktop.
    let legend_w = units
        .iter()
        .map(|u| text_width(u, f) + 30.0)
        .fold(0.0, f64::max)
        .min(f64::from(w) - 32.0);
    let per_line = (((f64::from(w) - 32.0) / legend_w).floor() as usize).max(1);
    let legend_lines = units.len().div_ceil(per_line).max(1);
    let top = 44 + legend_lines as i32 * (f as i32 + 8) + 8;
    let h = (top + per_row * rows.len().max(1) as i32 + 16) as u32;
    let (label_w, x0) = match size {
        Size::Wide => {
            let lw = rows
                .iter()
                .map(|r| text_width(&r.label, nf))
                .fold(60.0, f64::max)
                .min(220.0)
                + 24.0;
            (lw, lw)
        }
        // A phone: the indicator's name above its bars, the bars the full width.
        Size::Narrow => (f64::from(w) - 32.0, 16.0),
    };
    let x1 = f64::from(w) - text_width("100%", f) - 16.0;
    draw(w, h, title, desc, |root| {
        for (i, u) in units.iter().enumerate() {
            let color = &PALETTE[i % PALETTE.len()];
            let lx = 16 + (i % per_line) as i32 * legend_w as i32;
            let ly = 44 + (i / per_line) as i32 * (f as i32 + 8) + f as i32 / 2;
            root.draw(&Rectangle::new(
                [(lx, ly - 6), (lx + 14, ly + 6)],
                color.filled(),
            ))?;
            root.draw(&Text::new(
                fit(u, f, legend_w - 30.0),
                (lx + 20, ly),
                style(f, &INK, HPos::Left, VPos::Center),
            ))?;
        }
        for (r_i, r) in rows.iter().enumerate() {
            let y = top + r_i as i32 * per_row;
            let bars_top = match size {
                Size::Wide => {
                    root.draw(&Text::new(
                        fit(&r.label, nf, label_w - 20.0),
                        (label_w as i32 - 10, y + (per_row - 14) / 2),
                        style(nf, &INK, HPos::Right, VPos::Center),
                    ))?;
                    y
                }
                Size::Narrow => {
                    root.draw(&Text::new(
                        fit(&r.label, nf, label_w),
                        (16, y),
                        style(nf, &INK, HPos::Left, VPos::Top),
                    ))?;
                    y + 20
                }
            };
            for (i, share) in r.shares.iter().enumerate() {
                let by = bars_top + i as i32 * bar;
                let color = &PALETTE[i % PALETTE.len()];
                root.draw(&Rectangle::new(
                    [(x0 as i32, by + 1), (x1 as i32, by + bar - 1)],
                    GRID.filled(),
                ))?;
                let Some(share) = share else { continue };
                let end = x0 + share.clamp(0.0, 1.0) * (x1 - x0);
                root.draw(&Rectangle::new(
                    [
                        (x0 as i32, by + 1),
                        ((end as i32).max(x0 as i32 + 1), by + bar - 1),
                    ],
                    color.filled(),
                ))?;
            }
            // The best share of the row, once: the table below has every figure.
            let best = r.shares.iter().flatten().fold(f64::NAN, |a, b| a.max(*b));
            if best.is_finite() {
                root.draw(&Text::new(
                    format!("{:.0}%", best * 100.0),
                    (x1 as i32 + 6, bars_top + (bar * units.len() as i32) / 2),
                    style(f, &MUTED, HPos::Left, VPos::Center),
                ))?;
            }
        }
        Ok(())
    })
}
