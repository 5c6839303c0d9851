//! The posters drawn as SVG: a red ground in a gold frame, the competition and period at the
//! top, a cream panel of results, and the data stamp (and 示例数据 on demo data) at the foot.
//! Sizes come from `charts::text_width` (a CJK character is one em), so that every name fits
//! its column: long names are set smaller, and cut with … only below a floor.

use super::{FAMILY, PosterSize};
use crate::charts::{fit, text_width};
use crate::present::TierText;
use crate::ranking::Tier;
use std::fmt::Write;

const RED: &str = "#B3261E";
const RED_DEEP: &str = "#7E130E";
const GOLD: &str = "#F2C94C";
const CREAM: &str = "#FFF8E7";
const RULE: &str = "#EADBC8";
const INK: &str = "#1F2328";
const MUTED: &str = "#6B6B6B";
const BLACK_TIER: &str = "#3C3C3C";
const UP: &str = "#B3261E";
const DOWN: &str = "#1E6B3A";

/// One unit on a group's poster.
#[derive(Clone)]
pub struct PosterRow {
    /// 「3」, or 「—」 unranked.
    pub rank: String,
    /// 「并列」 or 「同分」 (placed by a tie-break), or empty.
    pub mark: String,
    pub name: String,
    pub total: String,
    pub tier: Tier,
    /// 「↑2」, 「↓1」, 「—」, 「新」.
    pub change: String,
}

/// What every poster says around its results: the competition, the period (「2023年第三季度」),
/// the data stamp (「数据截至2023年第三季度（2023-10-15 09:00揭榜）」), the demo notice, the
/// issuing body, and the address a QR code links to.
#[derive(Clone, Copy)]
pub struct Head<'a> {
    pub competition: &'a str,
    pub period: &'a str,
    pub stamp: &'a str,
    pub demo: bool,
    pub issuer: Option<&'a str>,
    pub qr: Option<&'a str>,
}

/// A group's poster: its name and its rows.
pub struct GroupPoster<'a> {
    pub head: Head<'a>,
    pub group: &'a str,
    pub rows: &'a [PosterRow],
}

/// A unit on a 红榜·黑榜 poster: its label (rank, name, mark) and total.
pub type Entry = (String, String);

/// One group's 红榜 and 黑榜.
pub struct TierGroup {
    pub group: String,
    pub red: Vec<Entry>,
    pub black: Vec<Entry>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Text at (x, y) on its baseline; `anchor` start, middle or end.
fn text(out: &mut String, x: f64, y: f64, size: f64, fill: &str, anchor: &str, s: &str) {
    let _ = write!(
        out,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size:.1}\" fill=\"{fill}\" text-anchor=\"{anchor}\" font-family=\"{FAMILY}\" font-weight=\"bold\">{}</text>",
        esc(s)
    );
}

/// The size at which `s` fits `max_px`, at most `size` and at least 70 % of it; below that it
/// is cut with … at the floor.
fn fitted(s: &str, size: f64, max_px: f64) -> (String, f64) {
    let w = text_width(s, size);
    if w <= max_px {
        return (s.to_string(), size);
    }
    let smaller = size * max_px / w;
    if smaller >= size * 0.7 {
        return (s.to_string(), smaller);
    }
    (fit(s, size * 0.7, max_px), size * 0.7)
}

/// A QR code of `url`, `size` px square with its quiet zone, at (x, y), captioned below if
/// there is room.
fn qr(out: &mut String, url: &str, x: f64, y: f64, size: f64, caption: bool) {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(code) = QrCode::encode_text(url, QrCodeEcc::Medium) else {
        return;
    };
    let n = code.size();
    // Whole-pixel modules on whole-pixel corners, so a phone's camera reads sharp edges.
    let module = (size / f64::from(n + 8)).floor().max(1.0);
    let (x, y) = (x.round(), y.round());
    let size = module * f64::from(n + 8);
    let _ = write!(
        out,
        "<g class=\"qr\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{size:.1}\" height=\"{size:.1}\" fill=\"#FFFFFF\"/><path fill=\"#000000\" d=\""
    );
    for row in 0..n {
        for col in 0..n {
            if code.get_module(col, row) {
                let _ = write!(
                    out,
                    "M{:.2} {:.2}h{module:.2}v{module:.2}h-{module:.2}z",
                    x + module * f64::from(col + 4),
                    y + module * f64::from(row + 4)
                );
            }
        }
    }
    out.push_str("\"/></g>");
    if caption {
        text(
            out,
            x + size / 2.0,
            y + size + 28.0,
            22.0,
            GOLD,
            "middle",
            "扫码查看榜单",
        );
    }
}

/// The ground, the frame and the foot every poster shares.
fn frame(out: &mut String, w: f64, h: f64, head: &Head<'_>) {
    let (stamp, demo, issuer) = (head.stamp, head.demo, head.issuer);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\
<defs><linearGradient id=\"g\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\"><stop offset=\"0\" stop-color=\"{RED}\"/><stop offset=\"1\" stop-color=\"{RED_DEEP}\"/></linearGradient></defs>\
<rect width=\"{w}\" height=\"{h}\" fill=\"url(#g)\"/>\
<rect x=\"22\" y=\"22\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{GOLD}\" stroke-width=\"6\"/>\
<rect x=\"34\" y=\"34\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{GOLD}\" stroke-width=\"2\"/>",
        w - 44.0,
        h - 44.0,
        w - 68.0,
        h - 68.0
    );
    let foot = h - 70.0;
    let (left, size) = fitted(stamp, 28.0, w * 0.62);
    text(out, 70.0, foot, size, GOLD, "start", &left);
    if demo {
        text(
            out,
            w / 2.0,
            h - 112.0,
            28.0,
            "#FFFFFF",
            "middle",
            "示例数据（虚构）：本图所有单位得分均为演示用虚构数据",
        );
    }
    if let Some(i) = issuer {
        let (i, size) = fitted(i, 30.0, w * 0.3);
        text(out, w - 70.0, foot, size, "#FFFFFF", "end", &i);
    }
}

/// A group's board: rank, name, 红榜/黑榜, movement and total for every unit.
#[must_use]
pub fn group_svg(p: &GroupPoster<'_>, size: PosterSize) -> String {
    let (w, h) = size.pixels();
    let (w, h) = (f64::from(w), f64::from(h));
    let mut out = String::new();
    frame(&mut out, w, h, &p.head);
    let title = format!("{}考评结果", p.head.period);
    // With a QR code in the top corner, the centred lines keep clear of it on both sides.
    let qr_room = if p.head.qr.is_some() {
        2.0 * 170.0
    } else {
        0.0
    };
    if let Some(url) = p.head.qr {
        let (qx, qy, qs) = match size {
            PosterSize::Phone => (w - 70.0 - 150.0, 160.0, 150.0),
            PosterSize::Wide => (w - 70.0 - 130.0, 48.0, 130.0),
        };
        qr(&mut out, url, qx, qy, qs, true);
    }
    let (panel_top, panel_bottom, cols) = match size {
        PosterSize::Phone => {
            let (c, s) = fitted(p.head.competition, 40.0, w - 160.0);
            text(&mut out, w / 2.0, 130.0, s, GOLD, "middle", &c);
            let (g, s) = fitted(p.group, 104.0, w - 160.0 - qr_room);
            text(&mut out, w / 2.0, 265.0, s, "#FFFFFF", "middle", &g);
            let (t, s) = fitted(&title, 54.0, w - 160.0 - qr_room);
            text(&mut out, w / 2.0, 350.0, s, GOLD, "middle", &t);
            (400.0, h - 150.0, 1)
        }
        PosterSize::Wide => {
            let (c, s) = fitted(p.head.competition, 36.0, w - 200.0 - qr_room);
            text(&mut out, w / 2.0, 100.0, s, GOLD, "middle", &c);
            let line = format!("{} {title}", p.group);
            let (t, s) = fitted(&line, 68.0, w - 200.0 - qr_room);
            text(&mut out, w / 2.0, 190.0, s, "#FFFFFF", "middle", &t);
            (225.0, h - 150.0, if p.rows.len() > 10 { 2 } else { 1 })
        }
    };
    let (x0, x1) = (70.0, w - 70.0);
    let per_col = p.rows.len().div_ceil(cols).max(1);
    let row_h = ((panel_bottom - panel_top - 30.0) / per_col as f64).min(116.0);
    let font = (row_h * 0.44).clamp(16.0, 46.0);
    // The panel as tall as its rows.
    let _ = write!(
        out,
        "<rect x=\"{x0}\" y=\"{panel_top}\" width=\"{}\" height=\"{:.1}\" rx=\"22\" fill=\"{CREAM}\"/>",
        x1 - x0,
        row_h * per_col as f64 + 30.0
    );
    let col_w = (x1 - x0) / cols as f64;
    for (i, r) in p.rows.iter().enumerate() {
        let (col, k) = (i / per_col, i % per_col);
        let left = x0 + col_w * col as f64;
        let top = panel_top + 15.0 + row_h * k as f64;
        let base = top + row_h / 2.0 + font * 0.36;
        if k > 0 {
            let _ = write!(
                out,
                "<line x1=\"{:.1}\" y1=\"{top:.1}\" x2=\"{:.1}\" y2=\"{top:.1}\" stroke=\"{RULE}\" stroke-width=\"2\"/>",
                left + 24.0,
                left + col_w - 24.0
            );
        }
        // The rank: a gold disc for the first three places.
        let rank_x = left + 30.0 + font;
        let top3 = r.rank.parse::<u32>().is_ok_and(|n| n <= 3);
        if top3 {
            let _ = write!(
                out,
                "<circle cx=\"{rank_x:.1}\" cy=\"{:.1}\" r=\"{:.1}\" fill=\"{GOLD}\"/>",
                top + row_h / 2.0,
                (row_h * 0.4).min(font * 1.05)
            );
        }
        text(
            &mut out,
            rank_x,
            base,
            font,
            if top3 { INK } else { RED },
            "middle",
            &r.rank,
        );
        // The total on the right, then the movement and the 红榜/黑榜 chip before it.
        let right = left + col_w - 30.0;
        text(&mut out, right, base, font, RED, "end", &r.total);
        let change_x = right - text_width("100.00", font) - 20.0;
        let change_fill = match r.change.chars().next() {
            Some('↑') => UP,
            Some('↓') => DOWN,
            _ => MUTED,
        };
        text(
            &mut out,
            change_x,
            base,
            font * 0.8,
            change_fill,
            "end",
            &r.change,
        );
        let chip_w = font * 2.6;
        let chip_x = change_x - text_width("↑10", font * 0.8) - 16.0 - chip_w;
        if r.tier != Tier::None {
            let (fill, word) = if r.tier == Tier::Red {
                (RED, r.tier.label())
            } else {
                (BLACK_TIER, r.tier.label())
            };
            let _ = write!(
                out,
                "<rect x=\"{chip_x:.1}\" y=\"{:.1}\" width=\"{chip_w:.1}\" height=\"{:.1}\" rx=\"{:.1}\" fill=\"{fill}\"/>",
                top + row_h / 2.0 - font * 0.62,
                font * 1.24,
                font * 0.3
            );
            text(
                &mut out,
                chip_x + chip_w / 2.0,
                base - font * 0.04,
                font * 0.8,
                "#FFFFFF",
                "middle",
                word,
            );
        }
        // The name between the rank and the chip; a 并列/同分 mark after it.
        let name_x = rank_x + font * 1.3;
        let mark_w = if r.mark.is_empty() {
            0.0
        } else {
            text_width(&r.mark, font * 0.62) + 14.0
        };
        let (name, size) = fitted(&r.name, font, chip_x - 14.0 - name_x - mark_w);
        text(&mut out, name_x, base, size, INK, "start", &name);
        if !r.mark.is_empty() {
            let mx = name_x + text_width(&name, size) + 8.0;
            text(&mut out, mx, base, font * 0.62, MUTED, "start", &r.mark);
        }
    }
    out.push_str("</svg>");
    out
}

/// A group's block in lines: its name (1.4), each list's heading (1.5 before its first
/// entry), the entries (an empty list says （无）), and half a line below.
fn block_lines(g: &TierGroup, size: PosterSize) -> f64 {
    let (red, black) = (g.red.len().max(1) as f64, g.black.len().max(1) as f64);
    match size {
        PosterSize::Phone => 1.4 + 1.5 + red.max(black) + 0.4,
        PosterSize::Wide => 1.4 + 1.5 + red + 0.7 + 1.5 + black + 0.4,
    }
}

/// Every group's 红榜 and 黑榜, side by side per group on a phone, one column per group on a
/// wide screen.
#[must_use]
pub fn tiers_svg(head: &Head<'_>, groups: &[TierGroup], size: PosterSize) -> String {
    let (w, h) = size.pixels();
    let (w, h) = (f64::from(w), f64::from(h));
    let mut out = String::new();
    frame(&mut out, w, h, head);
    let period = head.period;
    let qr_room = if head.qr.is_some() { 2.0 * 170.0 } else { 0.0 };
    if let Some(url) = head.qr {
        // Beside the heading: the lists start below it.
        let (qx, qy, qs) = match size {
            PosterSize::Phone => (w - 70.0 - 120.0, 48.0, 120.0),
            PosterSize::Wide => (w - 70.0 - 120.0, 40.0, 120.0),
        };
        qr(&mut out, url, qx, qy, qs, false);
    }
    // Beside a QR code the competition's name starts at the left, so it has all the room
    // the code leaves.
    if head.qr.is_some() {
        let (c, s) = fitted(head.competition, 38.0, w - 140.0 - qr_room / 2.0);
        text(&mut out, 70.0, 120.0, s, GOLD, "start", &c);
    } else {
        let (c, s) = fitted(head.competition, 38.0, w - 160.0);
        text(&mut out, w / 2.0, 120.0, s, GOLD, "middle", &c);
    }
    let heading = format!("{period} 红榜·黑榜");
    let (t, s) = fitted(
        &heading,
        if size == PosterSize::Phone {
            76.0
        } else {
            64.0
        },
        w - 160.0,
    );
    // Below the QR code's lower edge when there is one.
    let base = if head.qr.is_some() && size == PosterSize::Phone {
        238.0
    } else {
        215.0
    };
    text(&mut out, w / 2.0, base, s, "#FFFFFF", "middle", &t);
    let (top, bottom) = (260.0, h - 150.0);
    // Blocks: one per group, as (x, y, width, height).
    let n = groups.len().max(1);
    let blocks: Vec<(f64, f64, f64, f64)> = match size {
        PosterSize::Phone => {
            // Heights by the longer of each group's two lists, plus its heading.
            let lines: Vec<f64> = groups.iter().map(|g| block_lines(g, size)).collect();
            let total: f64 = lines.iter().sum();
            let unit = ((bottom - top - 20.0 * n as f64) / total).min(84.0);
            let mut y = top;
            lines
                .iter()
                .map(|l| {
                    let b = (70.0, y, w - 140.0, unit * l);
                    y += unit * l + 20.0;
                    b
                })
                .collect()
        }
        PosterSize::Wide => {
            let bw = (w - 140.0 - 20.0 * (n as f64 - 1.0)) / n as f64;
            (0..n)
                .map(|i| (70.0 + i as f64 * (bw + 20.0), top, bw, bottom - top))
                .collect()
        }
    };
    for (g, (bx, by, bw, bh)) in groups.iter().zip(blocks) {
        let _ = write!(
            out,
            "<rect x=\"{bx:.1}\" y=\"{by:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" rx=\"18\" fill=\"{CREAM}\"/>"
        );
        let lists: [(&str, &str, &[Entry]); 2] = [
            (Tier::Red.label(), RED, &g.red),
            (Tier::Black.label(), BLACK_TIER, &g.black),
        ];
        // A phone: the two lists side by side; a wide screen: 红榜 over 黑榜.
        let line = (bh / block_lines(g, size)).min(84.0);
        let font = (line * 0.56).clamp(16.0, 40.0);
        let (name, s) = fitted(&g.group, font * 1.15, bw - 40.0);
        text(
            &mut out,
            bx + bw / 2.0,
            by + line * 1.0,
            s,
            INK,
            "middle",
            &name,
        );
        for (k, (word, fill, list)) in lists.iter().enumerate() {
            let (lx, ly, lw) = match size {
                PosterSize::Phone => (
                    bx + 20.0 + k as f64 * (bw - 40.0) / 2.0,
                    by + line * 1.4,
                    (bw - 60.0) / 2.0,
                ),
                PosterSize::Wide => {
                    let before = if k == 0 {
                        0.0
                    } else {
                        1.5 + g.red.len().max(1) as f64 + 0.7
                    };
                    (bx + 20.0, by + line * (1.4 + before), bw - 40.0)
                }
            };
            let _ = write!(
                out,
                "<rect x=\"{lx:.1}\" y=\"{ly:.1}\" width=\"{lw:.1}\" height=\"{:.1}\" rx=\"8\" fill=\"{fill}\"/>",
                line * 0.9
            );
            text(
                &mut out,
                lx + lw / 2.0,
                ly + line * 0.45 + font * 0.36,
                font,
                "#FFFFFF",
                "middle",
                word,
            );
            if list.is_empty() {
                text(
                    &mut out,
                    lx + lw / 2.0,
                    ly + line * 1.5 + font * 0.36,
                    font * 0.8,
                    MUTED,
                    "middle",
                    "（无）",
                );
            }
            for (j, (unit, total)) in list.iter().enumerate() {
                let base = ly + line * (1.5 + j as f64) + font * 0.36;
                text(&mut out, lx + lw - 8.0, base, font, fill, "end", total);
                let room = lw - 16.0 - text_width(total, font) - 12.0;
                let (u, s) = fitted(unit, font, room);
                text(&mut out, lx + 8.0, base, s, INK, "start", &u);
            }
        }
    }
    out.push_str("</svg>");
    out
}
