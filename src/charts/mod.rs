//! SVG charts drawn with plotters: a group's totals, a bump chart of ranks, a unit's trend, a
//! unit's indicators against the group, units compared, and the lobby's totals. Input is plain
//! data; output is an SVG string with a `<title>` and `<desc>`.
//!
//! plotters has no font engine here, so layout does not rely on its text measurement: labels
//! are placed with explicit anchors and the space for them is sized by `text_width`, which
//! counts a CJK character as one em and other characters as about half. Every chart is drawn
//! for the width it is shown at (`Size`), so its type is never scaled below what it was drawn
//! at; `labels` checks a drawn chart for labels that overlap or leave the canvas.

mod board;
pub mod labels;
mod lobby;
mod unit;

pub use board::{BumpSeries, CompareRow, bump, compare_bars, totals_bar};
pub use lobby::{LobbyShape, LobbyTheme, totals_lobby};
pub use unit::{IndicatorBars, TrendPoint, unit_indicators, unit_trend};

use crate::domain::{PeriodKey, Total};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub const FONT: &str =
    "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif";

pub(crate) const RED: RGBColor = RGBColor(179, 38, 30);
pub(crate) const GOLD: RGBColor = RGBColor(201, 162, 39);
pub(crate) const INK: RGBColor = RGBColor(31, 35, 40);
pub(crate) const MUTED: RGBColor = RGBColor(95, 102, 112);
pub(crate) const GRID: RGBColor = RGBColor(225, 228, 232);
pub(crate) const BLUE: RGBColor = RGBColor(54, 94, 140);
pub(crate) const DARK: RGBColor = RGBColor(60, 60, 60);

pub(crate) static PALETTE: [RGBColor; 10] = [
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

pub(crate) fn style(size: f64, color: &'static RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
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
pub(crate) fn label_svg(svg: String, title: &str, desc: &str) -> String {
    let Some(end) = svg.find('>') else { return svg };
    let (head, rest) = svg.split_at(end);
    format!(
        "{head} role=\"img\" aria-labelledby=\"chart-title chart-desc\"><title id=\"chart-title\">{}</title><desc id=\"chart-desc\">{}</desc>{}",
        escape(title),
        escape(desc),
        &rest[1..]
    )
}

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

pub(crate) fn draw<F>(w: u32, h: u32, title: &str, desc: &str, f: F) -> String
where
    F: FnOnce(&Area<'_>) -> Result<(), DrawingAreaErrorKind<std::io::Error>>,
{
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .and_then(|_| {
                // The page names the chart above it too; a title too long for a phone's canvas
                // is shortened rather than left to run off it.
                let size = if w < 600 { 16.0 } else { 17.0 };
                root.draw(&Text::new(
                    fit(title, size, f64::from(w) - 32.0),
                    (16, 12),
                    style(size, &INK, HPos::Left, VPos::Top),
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

/// The canvas a chart is drawn for: `Wide` for a desktop page (880 px), `Narrow` for a phone
/// (360 px, labels at 14 px), so that the type is read at the size it was drawn at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Wide,
    Narrow,
}

impl Size {
    /// `?size=phone` asks for the narrow variant; absent, the desktop one.
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        match raw {
            None | Some("wide") => Ok(Size::Wide),
            Some("phone") => Ok(Size::Narrow),
            Some(t) => Err(format!("size「{t}」应为 wide 或 phone")),
        }
    }

    #[must_use]
    pub fn width(self) -> u32 {
        match self {
            Size::Wide => 880,
            Size::Narrow => 360,
        }
    }

    /// The type of labels and values.
    pub(crate) fn text(self) -> f64 {
        match self {
            Size::Wide => 12.0,
            Size::Narrow => 14.0,
        }
    }

    /// The type of unit and indicator names.
    pub(crate) fn name(self) -> f64 {
        match self {
            Size::Wide => 13.0,
            Size::Narrow => 14.0,
        }
    }
}

/// The labels under (or over) a row of periods `step` px apart, in two short lines: the year
/// where it changes and 「三季度」 or 「年度」. Where the columns are too close for every label,
/// every k-th is labelled, counting back from the latest (always labelled); `None` for the
/// others.
pub(crate) fn period_axis(
    keys: &[PeriodKey],
    step: f64,
    font: f64,
) -> Vec<Option<(Option<String>, String)>> {
    let n = keys.len();
    let k = if n < 2 || step <= 0.0 {
        1
    } else {
        ((text_width("2023年", font) + 6.0) / step).ceil().max(1.0) as usize
    };
    let mut last_year = None;
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            if !(n - 1 - i).is_multiple_of(k) {
                return None;
            }
            let year = (last_year != Some(key.year)).then(|| format!("{}年", key.year));
            last_year = Some(key.year);
            let short = if key.is_annual() {
                "年度".to_string()
            } else {
                let q = ["一", "二", "三", "四"][usize::from(key.quarter.clamp(1, 4) - 1)];
                format!("{q}季度")
            };
            Some((year, short))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Points;

    /// 26 units with long official names, ties, a unit without a rank, and three years.
    fn names() -> Vec<String> {
        let long = [
            "西山区发展和改革局",
            "西山区生态环境保护分局",
            "马街街道",
            "前卫街道",
            "西苑街道",
            "金碧街道",
            "海口街道办事处",
            "团结街道",
            "碧鸡街道",
            "永昌街道",
            "棕树营街道",
            "福海街道",
            "西山区人力资源和社会保障局",
        ];
        (0..26)
            .map(|i| {
                format!(
                    "{}{}",
                    long[i % long.len()],
                    if i >= 13 { "二" } else { "" }
                )
            })
            .collect()
    }

    fn periods(n: usize) -> Vec<PeriodKey> {
        (0..n)
            .map(|i| PeriodKey {
                year: 2021 + (i / 4) as i32,
                quarter: (i % 4) as u8 + 1,
            })
            .collect()
    }

    fn total(i: usize) -> Total {
        Total::from(Points::from_int(100 - (i as i64 / 2) * 3))
    }

    #[test]
    fn no_label_overlaps_or_leaves_the_canvas() {
        let names = names();
        for size in [Size::Wide, Size::Narrow] {
            for n in [3usize, 10, 26] {
                let bars: Vec<TotalBar> = names[..n]
                    .iter()
                    .enumerate()
                    .map(|(i, u)| TotalBar {
                        label: format!("{}= {u}", i / 2 * 2 + 1),
                        total: total(i),
                        tier: (i % 3) as u8,
                    })
                    .collect();
                let svg = totals_bar("2023年第三季度 街道组 总分", "", &bars, size);
                assert_eq!(
                    labels::problems(&svg),
                    Vec::<String>::new(),
                    "totals {size:?} {n}"
                );
                for np in [1usize, 3, 8, 12] {
                    let series: Vec<BumpSeries> = names[..n]
                        .iter()
                        .enumerate()
                        .map(|(i, u)| BumpSeries {
                            label: u.clone(),
                            // Ties on ranks 1 and 3; the last unit missing from the first period.
                            ranks: (0..np)
                                .map(|p| {
                                    (p > 0 || i + 1 < n).then_some(((i + p) % n) as u32 / 2 * 2 + 1)
                                })
                                .collect(),
                            highlight: i == 4,
                        })
                        .collect();
                    let svg = bump("街道组 各季度名次变化", "", &periods(np), &series, size);
                    assert_eq!(
                        labels::problems(&svg),
                        Vec::<String>::new(),
                        "bump {size:?} {n}×{np}"
                    );
                    let points: Vec<TrendPoint> = periods(np)
                        .into_iter()
                        .enumerate()
                        .map(|(i, period)| TrendPoint {
                            period,
                            total: total(i * 7 % 26),
                            rank: (i != 1).then_some(i as u32 * 5 % 26 + 1),
                            group_size: 26,
                        })
                        .collect();
                    let svg =
                        unit_trend(&format!("{} 历季总分与名次", names[12]), "", &points, size);
                    assert_eq!(
                        labels::problems(&svg),
                        Vec::<String>::new(),
                        "trend {size:?} {np}"
                    );
                }
                let rows: Vec<IndicatorBars> = names[..n.min(12)]
                    .iter()
                    .enumerate()
                    .map(|(i, u)| IndicatorBars {
                        label: format!("{u}考核指标"),
                        max: Points::from_int(20),
                        unit: (i != 2).then(|| Points::from_int(12)),
                        average: Some(Points::from_int(10)),
                        leader: Some(Points::from_int(20)),
                    })
                    .collect();
                let svg = unit_indicators(
                    &format!("{} 2023年第三季度 各指标与组平均、组内最高对比", names[1]),
                    "",
                    &rows,
                    size,
                );
                assert_eq!(
                    labels::problems(&svg),
                    Vec::<String>::new(),
                    "indicators {size:?}"
                );
                let units: Vec<String> = names[..n.min(6)].to_vec();
                let rows: Vec<CompareRow> = names[..8]
                    .iter()
                    .map(|u| CompareRow {
                        label: format!("{u}指标"),
                        shares: (0..units.len())
                            .map(|i| (i != 1).then_some(0.5 + i as f64 / 20.0))
                            .collect(),
                    })
                    .collect();
                let svg = compare_bars("单位对比 2023年第三季度", "", &units, &rows, size);
                assert_eq!(
                    labels::problems(&svg),
                    Vec::<String>::new(),
                    "compare {size:?} {n}"
                );
            }
        }
    }

    #[test]
    fn a_phone_chart_is_drawn_at_its_width_with_large_type() {
        let bars = [TotalBar {
            label: "1 马街街道".into(),
            total: total(0),
            tier: 1,
        }];
        let svg = totals_bar("总分", "", &bars, Size::Narrow);
        assert_eq!(labels::view_box(&svg).map(|v| v.0), Some(360.0));
        let smallest = labels::labels(&svg)
            .iter()
            .map(|l| l.font_size)
            .fold(f64::MAX, f64::min);
        // plotters writes the size it was given divided by 1.24; style() undoes that.
        assert!(smallest >= 14.0, "smallest type {smallest}");
    }

    #[test]
    fn the_highlighted_unit_is_red_over_grey_others() {
        let series: Vec<BumpSeries> = names()[..12]
            .iter()
            .enumerate()
            .map(|(i, u)| BumpSeries {
                label: u.clone(),
                ranks: vec![Some(i as u32 + 1), Some(12 - i as u32)],
                highlight: i == 3,
            })
            .collect();
        let svg = bump("名次", "", &periods(2), &series, Size::Wide);
        // One red line (the highlighted unit), eleven grey ones, and no palette colour.
        assert_eq!(svg.matches("stroke=\"#B3261E\"").count(), 1, "{svg}");
        assert_eq!(svg.matches("stroke=\"#BEC2C8\"").count(), 11);
        assert!(!svg.contains("#365E8C"));
        let red_labels: Vec<String> = labels::labels(&svg)
            .into_iter()
            .filter(|l| svg.contains(&format!("fill=\"#B3261E\">\n{}", l.text)))
            .map(|l| l.text)
            .collect();
        assert!(
            red_labels.iter().any(|t| t.contains("前卫街道")),
            "{red_labels:?}"
        );
    }

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
            Size::Wide,
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title id=\"chart-title\">总分 &lt;图&gt;</title>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
    }
}
