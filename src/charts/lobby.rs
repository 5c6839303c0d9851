//! The lobby's totals chart: one page of a group, no title or background of its own, type
//! sized for a screen read from 5 m.

use super::{BLUE, DARK, INK, MUTED, RED, TotalBar, fit, label_svg, style, text_width};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

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
