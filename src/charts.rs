//! SVG charts drawn with plotters: a group's totals, a bump chart of ranks, a unit's trend and
//! a unit's indicators against the group. Input is plain data; output is an SVG string with a
//! `<title>` and `<desc>`.
//!
//! plotters has no font engine here, so layout does not rely on its text measurement: labels
//! are placed with explicit anchors and the space for them is sized by `text_width`, which
//! counts a CJK character as one em and other characters as about half.

use crate::domain::{Points, Total};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const FONT: &str =
    "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif";

const RED: RGBColor = RGBColor(179, 38, 30);
const GOLD: RGBColor = RGBColor(201, 162, 39);
const INK: RGBColor = RGBColor(31, 35, 40);
const MUTED: RGBColor = RGBColor(95, 102, 112);
const GRID: RGBColor = RGBColor(225, 228, 232);
const BLUE: RGBColor = RGBColor(54, 94, 140);
const DARK: RGBColor = RGBColor(60, 60, 60);

static PALETTE: [RGBColor; 10] = [
    RGBColor(179, 38, 30),
    RGBColor(54, 94, 140),
    RGBColor(201, 142, 19),
    RGBColor(30, 107, 58),
    RGBColor(122, 76, 194),
    RGBColor(0, 128, 128),
    RGBColor(160, 82, 45),
    RGBColor(90, 90, 90),
    RGBColor(200, 60, 140),
    RGBColor(40, 40, 160),
];

/// Approximate rendered width in pixels of `text` at `size` px.
#[must_use]
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if (c as u32) < 0x2E80 { 0.58 } else { 1.0 })
        .sum::<f64>()
        * size
}

/// Shortens a label to fit `max_px`, ending it with `…`.
#[must_use]
pub fn fit(text: &str, size: f64, max_px: f64) -> String {
    if text_width(text, size) <= max_px {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&out, size) + text_width(&format!("{c}…"), size) > max_px {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn style(size: f64, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    // The SVG backend writes font-size = size / 1.24.
    TextStyle::from((FONT, size * 1.24).into_font())
        .color(color)
        .pos(Pos::new(h, v))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Adds an accessible title and description right after the opening `<svg>` tag.
fn label_svg(svg: String, title: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else { return svg };
    let (head, rest) = svg.split_at(end);
    format!(
        "{head} role=\"img\" aria-labelledby=\"chart-title chart-desc\"><title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{}</desc>{}",
        escape(title),
        escape(desc),
        &rest[1..]
    )
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw<F>(w: u32, h: u32, title: &str, desc: &str, f: F) -> String
where
    F: FnOnce(&Area<'_>) -> Result<(), DrawingAreaErrorKind<std::io::Error>>,
{
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .and_then(|_| {
                root.draw(&Text::new(
                    title.to_string(),
                    (16, 12),
                    style(17.0, &INK, HPos::Left, VPos::Top),
                ))
            })
            .and_then(|_| f(&root))
            .and_then(|_| root.present());
        if let Err(e) = drawn {
            tracing::error!("chart drawing failed: {e}");
        }
    }
    label_svg(buf, title, desc)
}

/// One bar of a totals chart.
pub struct TotalBar {
    pub label: String,
    pub total: Total,
    /// 0 none, 1 红榜, 2 黑榜
    pub tier: u8,
}

/// Horizontal bars of each unit's total, in rank order.
pub fn totals_bar(title: &str, desc: &str, bars: &[TotalBar]) -> String {
    let w = 880;
    let row = 26;
    let top = 48;
    let h = (top + row * bars.len().max(1) + 24) as u32;
    let label_w = bars
        .iter()
        .map(|b| text_width(&b.label, 13.0))
        .fold(60.0, f64::max)
        .min(260.0)
        + 24.0;
    let max = bars.iter().map(|b| b.total.as_f64()).fold(0.0, f64::max);
    let min = bars.iter().map(|b| b.total.as_f64()).fold(0.0, f64::min);
    let span = (max - min).max(1.0);
    let x0 = label_w;
    let x1 = f64::from(w) - 70.0;
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
                fit(&b.label, 13.0, label_w - 20.0),
                (label_w as i32 - 10, y + row as i32 / 2),
                style(13.0, &INK, HPos::Right, VPos::Center),
            ))?;
            root.draw(&Text::new(
                b.total.to_string(),
                (z.max(zero) + 6, y + row as i32 / 2),
                style(12.0, &MUTED, HPos::Left, VPos::Center),
            ))?;
        }
        Ok(())
    })
}

/// The colours of a lobby chart: drawn on the slide's own panel (no background of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobbyTheme {
    /// Dark ink on the red theme's cream panel.
    Red,
    /// White ink on the dark theme's black panel.
    Dark,
}

/// The canvas of a lobby chart: 2:1 for landscape screens, 5:8 for portrait ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LobbyShape {
    Wide,
    Tall,
}
const WHITE_INK: RGBColor = RGBColor(255, 255, 255);
const PALE: RGBColor = RGBColor(200, 200, 200);
const BLACK_BAR: RGBColor = RGBColor(150, 150, 150);

/// The totals chart for a lobby slide: one page of a group (at most `ROWS_PER_SLIDE` bars), a
/// 2:1 canvas the slide scales to its own size, no title (the slide has one), a transparent
/// background and type large enough to read from 5 m once scaled.
pub fn totals_lobby(desc: &str, bars: &[TotalBar], theme: LobbyTheme, shape: LobbyShape) -> String {
    // The floor of the type keeps it at 2.2% of the screen height once the slide scales the
    // canvas to its panel (measured by the browser tests).
    let (w, h, floor, ceiling) = match shape {
        LobbyShape::Wide => (1600u32, 800u32, 26.0, 44.0),
        LobbyShape::Tall => (1000u32, 1600u32, 52.0, 66.0),
    };
    let (ink, muted, black): (&'static RGBColor, &'static RGBColor, &'static RGBColor) = match theme
    {
        LobbyTheme::Red => (&INK, &MUTED, &DARK),
        LobbyTheme::Dark => (&WHITE_INK, &PALE, &BLACK_BAR),
    };
    let n = bars.len().max(1);
    let top = 10usize;
    let row = ((h as usize - top - 10) / n).min(150);
    let font = (row as f64 * 0.66).clamp(floor, ceiling);
    let label_w = bars
        .iter()
        .map(|b| text_width(&b.label, font))
        .fold(100.0, f64::max)
        .min(f64::from(w) * 0.5)
        + 30.0;
    let max = bars.iter().map(|b| b.total.as_f64()).fold(0.0, f64::max);
    let min = bars.iter().map(|b| b.total.as_f64()).fold(0.0, f64::min);
    let span = (max - min).max(1.0);
    let x0 = label_w;
    let x1 = f64::from(w) - font * 3.6;
    let scale = |v: f64| x0 + (v - min) / span * (x1 - x0);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let drawn = (|| -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
            let zero = scale(0.0) as i32;
            for (i, b) in bars.iter().enumerate() {
                let y = (top + i * row) as i32;
                let v = b.total.as_f64();
                let color = match b.tier {
                    1 => &RED,
                    2 => black,
                    _ => &BLUE,
                };
                let (a, z) = if v >= 0.0 {
                    (zero, scale(v) as i32)
                } else {
                    (scale(v) as i32, zero)
                };
                let pad = (row as i32 / 6).max(2);
                root.draw(&Rectangle::new(
                    [(a, y + pad), (z.max(a + 1), y + row as i32 - pad)],
                    color.filled(),
                ))?;
                root.draw(&Text::new(
                    fit(&b.label, font, label_w - 24.0),
                    (label_w as i32 - 14, y + row as i32 / 2),
                    style(font, ink, HPos::Right, VPos::Center),
                ))?;
                root.draw(&Text::new(
                    b.total.to_string(),
                    (z.max(zero) + 10, y + row as i32 / 2),
                    style(font, muted, HPos::Left, VPos::Center),
                ))?;
            }
            root.present()
        })();
        if let Err(e) = drawn {
            tracing::error!("chart drawing failed: {e}");
        }
    }
    label_svg(buf, "总分", desc)
}

/// One unit's line in a bump chart: its rank in each period (`None` where not ranked).
pub struct BumpSeries {
    pub label: String,
    pub ranks: Vec<Option<u32>>,
}

/// Ranks across periods for a whole group, rank 1 at the top.
pub fn bump(title: &str, desc: &str, periods: &[String], series: &[BumpSeries]) -> String {
    let w = 880u32;
    let n = series.len().max(1);
    let row = if n > 40 { 12 } else { 28 };
    let top = 60;
    let h = (top + row * n + 30) as u32;
    let label_w = series
        .iter()
        .map(|s| text_width(&s.label, 12.0))
        .fold(40.0, f64::max)
        .min(200.0)
        + 48.0;
    let x0 = label_w;
    let x1 = f64::from(w) - label_w;
    let step = if periods.len() > 1 {
        (x1 - x0) / (periods.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| (x0 + step * i as f64) as i32;
    let y = |rank: u32| (top + (rank as usize - 1) * row + row / 2) as i32;
    draw(w, h, title, desc, |root| {
        for (i, p) in periods.iter().enumerate() {
            root.draw(&PathElement::new(
                vec![(x(i), top as i32 - 4), (x(i), h as i32 - 24)],
                GRID.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                p.clone(),
                (x(i), top as i32 - 10),
                style(12.0, &MUTED, HPos::Center, VPos::Bottom),
            ))?;
        }
        for (k, s) in series.iter().enumerate() {
            let color = &PALETTE[k % PALETTE.len()];
            let pts: Vec<(i32, i32)> = s
                .ranks
                .iter()
                .enumerate()
                .filter_map(|(i, r)| Some((x(i), y((*r)?))))
                .collect();
            root.draw(&PathElement::new(pts.clone(), color.stroke_width(2)))?;
            for p in &pts {
                root.draw(&Circle::new(*p, 3, color.filled()))?;
            }
        }
        // Labels at both ends; units tied on a rank share one label so that none overlap.
        for (col, first) in [(0usize, true), (periods.len().saturating_sub(1), false)] {
            if !first && periods.len() < 2 {
                break;
            }
            let mut by_rank: Vec<(u32, Vec<&str>, usize)> = Vec::new();
            for (k, s) in series.iter().enumerate() {
                if let Some(Some(r)) = s.ranks.get(col) {
                    match by_rank.iter_mut().find(|e| e.0 == *r) {
                        Some(e) => e.1.push(&s.label),
                        None => by_rank.push((*r, vec![&s.label], k)),
                    }
                }
            }
            for (r, names, k) in by_rank {
                let color = if names.len() > 1 {
                    &MUTED
                } else {
                    &PALETTE[k % PALETTE.len()]
                };
                let names = names.join("、");
                let (text, tx, anchor) = if first {
                    (
                        fit(&format!("{names} {r}"), 12.0, label_w - 12.0),
                        x(col) - 8,
                        HPos::Right,
                    )
                } else {
                    (
                        fit(&format!("{r} {names}"), 12.0, label_w - 12.0),
                        x(col) + 8,
                        HPos::Left,
                    )
                };
                root.draw(&Text::new(
                    text,
                    (tx, y(r)),
                    style(12.0, color, anchor, VPos::Center),
                ))?;
            }
        }
        Ok(())
    })
}

/// One point of a unit's trend.
pub struct TrendPoint {
    pub period: String,
    pub total: Total,
    pub rank: Option<u32>,
    pub group_size: usize,
}

/// A unit's total across periods, each point labelled with its rank.
pub fn unit_trend(title: &str, desc: &str, points: &[TrendPoint]) -> String {
    let (w, h) = (880u32, 300u32);
    let (x0, x1, y0, y1) = (70.0, 840.0, 70.0, 250.0);
    let max = points
        .iter()
        .map(|p| p.total.as_f64())
        .fold(f64::MIN, f64::max);
    let min = points
        .iter()
        .map(|p| p.total.as_f64())
        .fold(f64::MAX, f64::min);
    let (lo, hi) = if points.is_empty() {
        (0.0, 100.0)
    } else {
        ((min - 5.0).floor(), (max + 5.0).ceil())
    };
    let step = if points.len() > 1 {
        (x1 - x0) / (points.len() - 1) as f64
    } else {
        0.0
    };
    let px = |i: usize| {
        if points.len() > 1 {
            (x0 + step * i as f64) as i32
        } else {
            ((x0 + x1) / 2.0) as i32
        }
    };
    let py = |v: f64| (y1 - (v - lo) / (hi - lo).max(1.0) * (y1 - y0)) as i32;
    draw(w, h, title, desc, |root| {
        for t in 0..=4 {
            let v = lo + (hi - lo) * f64::from(t) / 4.0;
            root.draw(&PathElement::new(
                vec![(x0 as i32, py(v)), (x1 as i32, py(v))],
                GRID.stroke_width(1),
            ))?;
            root.draw(&Text::new(
                format!("{v:.0}"),
                (x0 as i32 - 8, py(v)),
                style(11.0, &MUTED, HPos::Right, VPos::Center),
            ))?;
        }
        let pts: Vec<(i32, i32)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (px(i), py(p.total.as_f64())))
            .collect();
        root.draw(&PathElement::new(pts.clone(), RED.stroke_width(3)))?;
        for (i, p) in points.iter().enumerate() {
            root.draw(&Circle::new(pts[i], 5, RED.filled()))?;
            root.draw(&Text::new(
                p.total.to_string(),
                (pts[i].0, pts[i].1 - 10),
                style(12.0, &INK, HPos::Center, VPos::Bottom),
            ))?;
            let rank = p.rank.map_or_else(
                || "未排名".to_string(),
                |r| format!("第{r}名/{}", p.group_size),
            );
            root.draw(&Text::new(
                rank,
                (pts[i].0, pts[i].1 + 12),
                style(12.0, &RED, HPos::Center, VPos::Top),
            ))?;
            root.draw(&Text::new(
                p.period.clone(),
                (pts[i].0, h as i32 - 16),
                style(12.0, &MUTED, HPos::Center, VPos::Bottom),
            ))?;
        }
        Ok(())
    })
}

/// One indicator row: the unit, the group average and the leader, as points out of `max`.
pub struct IndicatorBars {
    pub label: String,
    pub max: Points,
    pub unit: Option<Points>,
    pub average: Option<Points>,
    pub leader: Option<Points>,
}

/// A unit's indicators against the group average and leader, each as a share of its maximum.
pub fn unit_indicators(title: &str, desc: &str, rows: &[IndicatorBars]) -> String {
    let w = 880u32;
    let row = 46;
    let top = 70;
    let h = (top + row * rows.len().max(1) + 16) as u32;
    let label_w = rows
        .iter()
        .map(|r| text_width(&r.label, 13.0))
        .fold(60.0, f64::max)
        .min(240.0)
        + 24.0;
    let (x0, x1) = (label_w, f64::from(w) - 120.0);
    let bar = |v: Points, max: Points| {
        (x0 + (v.as_f64() / max.as_f64().max(0.0001)).clamp(0.0, 1.0) * (x1 - x0)) as i32
    };
    draw(w, h, title, desc, |root| {
        for (i, (name, color)) in [("本单位", &RED), ("组平均", &MUTED), ("组内最高", &GOLD)]
            .iter()
            .enumerate()
        {
            let lx = 16 + i as i32 * 110;
            root.draw(&Rectangle::new([(lx, 42), (lx + 14, 54)], color.filled()))?;
            root.draw(&Text::new(
                name.to_string(),
                (lx + 20, 48),
                style(12.0, &INK, HPos::Left, VPos::Center),
            ))?;
        }
        for (i, r) in rows.iter().enumerate() {
            let y = (top + i * row) as i32;
            root.draw(&Text::new(
                fit(&r.label, 13.0, label_w - 20.0),
                (label_w as i32 - 10, y + row as i32 / 2 - 2),
                style(13.0, &INK, HPos::Right, VPos::Center),
            ))?;
            for (j, (v, color)) in [(r.unit, &RED), (r.average, &MUTED), (r.leader, &GOLD)]
                .into_iter()
                .enumerate()
            {
                let by = y + 4 + j as i32 * 12;
                root.draw(&Rectangle::new(
                    [(x0 as i32, by), (x1 as i32, by + 9)],
                    GRID.filled(),
                ))?;
                if let Some(v) = v {
                    root.draw(&Rectangle::new(
                        [(x0 as i32, by), (bar(v, r.max).max(x0 as i32 + 1), by + 9)],
                        color.filled(),
                    ))?;
                }
            }
            let text = r
                .unit
                .map_or_else(|| "缺失".to_string(), |u| format!("{u} / {}", r.max));
            root.draw(&Text::new(
                text,
                (x1 as i32 + 8, y + 10),
                style(12.0, &INK, HPos::Left, VPos::Center),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_as_one_em() {
        assert_eq!(text_width("马街街道", 10.0), 40.0);
        assert!((text_width("ab", 10.0) - 11.6).abs() < 1e-9);
        assert_eq!(fit("马街街道", 10.0, 100.0), "马街街道");
        assert_eq!(fit("西山区生态环境保护分局", 10.0, 50.0), "西山区生…");
    }

    #[test]
    fn svg_has_title_desc_and_escapes_labels() {
        let svg = totals_bar(
            "总分 <图>",
            "说明",
            &[TotalBar {
                label: "<script>alert(1)</script>".into(),
                total: Total::from(Points::from_int(80)),
                tier: 1,
            }],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title id=\"chart-title\">总分 &lt;图&gt;</title>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }
}
