//! The lobby board's plan: which slides a screen shows, in what order and for how long, and
//! how a long group is split into pages. Pure: the web shell turns the plan into HTML.

use serde::Serialize;
use std::fmt;

/// Most rows a board slide shows; a 20-unit group fits on one slide.
pub const ROWS_PER_SLIDE: usize = 20;
pub const DEFAULT_SECONDS: u32 = 15;
pub const MIN_SECONDS: u32 = 1;
pub const MAX_SECONDS: u32 = 3600;

/// What one entry of a playlist shows. A group is named by id or name; `None` means every group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SlideKind {
    Board(Option<String>),
    Tiers,
    Movers,
    Chart(Option<String>),
    Honors,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SlideSpec {
    pub kind: SlideKind,
    /// The year so far (1–N季度累计) instead of the quarter: board, tiers and movers.
    pub cumulative: bool,
    /// Overrides the screen's seconds per slide.
    pub seconds: Option<u32>,
}

impl fmt::Display for SlideSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SlideKind::Board(None) => write!(f, "board")?,
            SlideKind::Board(Some(g)) => write!(f, "board:{g}")?,
            SlideKind::Tiers => write!(f, "tiers")?,
            SlideKind::Movers => write!(f, "movers")?,
            SlideKind::Chart(None) => write!(f, "chart")?,
            SlideKind::Chart(Some(g)) => write!(f, "chart:{g}")?,
            SlideKind::Honors => write!(f, "honors")?,
        }
        if self.cumulative {
            write!(f, ":cumulative")?;
        }
        if let Some(s) = self.seconds {
            write!(f, "@{s}")?;
        }
        Ok(())
    }
}

/// The default playlist: every group's board, 红榜/黑榜, movers, every group's chart, honors.
#[must_use]
pub fn default_slides() -> Vec<SlideSpec> {
    [
        SlideKind::Board(None),
        SlideKind::Tiers,
        SlideKind::Movers,
        SlideKind::Chart(None),
        SlideKind::Honors,
    ]
    .into_iter()
    .map(|kind| SlideSpec {
        kind,
        cumulative: false,
        seconds: None,
    })
    .collect()
}

/// Parses `board:1,tiers,movers@10,chart:街道组,honors`.
/// Most entries a slide list may have, and its longest text: a screen rotates through a
/// handful of slides; a list of thousands can only be an attack on the server.
pub const MAX_SLIDE_ENTRIES: usize = 30;
pub const MAX_SLIDE_TEXT: usize = 1000;

pub fn parse_slides(text: &str) -> Result<Vec<SlideSpec>, String> {
    if text.chars().count() > MAX_SLIDE_TEXT {
        return Err(format!("幻灯片列表过长：最多{MAX_SLIDE_TEXT}个字符"));
    }
    if text.split(',').filter(|s| !s.trim().is_empty()).count() > MAX_SLIDE_ENTRIES {
        return Err(format!(
            "幻灯片过多：最多{MAX_SLIDE_ENTRIES}项（每项可按组别和页数展开）"
        ));
    }
    let mut out = Vec::new();
    for raw in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (body, seconds) = match raw.split_once('@') {
            Some((b, s)) => (b, Some(parse_seconds(s)?)),
            None => (raw, None),
        };
        // `board:街道组:cumulative`, `tiers:累计`: the year-so-far flag may follow any group.
        let mut parts = body.split(':').map(str::trim);
        let name = parts.next().unwrap_or("");
        let mut arg = None;
        let mut cumulative = false;
        for p in parts.filter(|p| !p.is_empty()) {
            if matches!(p, "cumulative" | "累计") {
                cumulative = true;
            } else if arg.is_none() {
                arg = Some(p.to_string());
            } else {
                return Err(format!("无法识别的幻灯片「{raw}」：组别只能写一个"));
            }
        }
        if cumulative && !matches!(name, "board" | "tiers" | "movers") {
            return Err(format!(
                "「{raw}」：只有 board、tiers、movers 可以显示年度累计（:cumulative）"
            ));
        }
        let kind = match (name, arg) {
            ("board", g) => SlideKind::Board(g),
            ("chart", g) => SlideKind::Chart(g),
            ("tiers", None) => SlideKind::Tiers,
            ("movers", None) => SlideKind::Movers,
            ("honors", None) => SlideKind::Honors,
            _ => {
                return Err(format!(
                    "无法识别的幻灯片「{raw}」：可用 board[:组别][:cumulative]、tiers[:cumulative]、movers[:cumulative]、chart[:组别]、honors，可加 @秒数"
                ));
            }
        };
        out.push(SlideSpec {
            kind,
            cumulative,
            seconds,
        });
    }
    if out.is_empty() {
        return Err("幻灯片列表为空".into());
    }
    Ok(out)
}

pub fn parse_seconds(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (MIN_SECONDS..=MAX_SECONDS).contains(&n) => Ok(n),
        _ => Err(format!(
            "每页秒数「{s}」应为 {MIN_SECONDS} 到 {MAX_SECONDS} 之间的整数"
        )),
    }
}

pub fn format_slides(slides: &[SlideSpec]) -> String {
    slides
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Splits `n` rows into pages of at most `per_page`. When more than one page is needed, every
/// page is full and the pages overlap evenly, rather than leaving a near-empty last page.
/// Returns (start, end) ranges.
#[must_use]
pub fn paginate(n: usize, per_page: usize) -> Vec<(usize, usize)> {
    let per_page = per_page.max(1);
    if n <= per_page {
        return vec![(0, n)];
    }
    let pages = n.div_ceil(per_page);
    (0..pages)
        .map(|i| {
            let start = ((i * (n - per_page)) as f64 / (pages - 1) as f64).round() as usize;
            (start, start + per_page)
        })
        .collect()
}

/// Screen themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Theme {
    /// Ceremonial red and gold.
    Red,
    /// Dark, high contrast.
    Dark,
}

crate::domain::codes!("主题" Theme {
    Red = "red" | "",
    Dark = "dark",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slide_list_is_bounded() {
        let many = vec!["board"; MAX_SLIDE_ENTRIES + 1].join(",");
        assert!(parse_slides(&many).unwrap_err().contains("幻灯片过多"));
        let ok = vec!["board"; MAX_SLIDE_ENTRIES].join(",");
        assert_eq!(parse_slides(&ok).unwrap().len(), MAX_SLIDE_ENTRIES);
        let long = format!("board:{}", "组".repeat(MAX_SLIDE_TEXT));
        assert!(parse_slides(&long).unwrap_err().contains("过长"));
    }

    #[test]
    fn pages_overlap_instead_of_leaving_a_stub() {
        assert_eq!(paginate(0, 20), vec![(0, 0)]);
        assert_eq!(paginate(8, 20), vec![(0, 8)]);
        assert_eq!(paginate(20, 20), vec![(0, 20)]);
        assert_eq!(paginate(21, 20), vec![(0, 20), (1, 21)]);
        assert_eq!(paginate(25, 20), vec![(0, 20), (5, 25)]);
        assert_eq!(paginate(60, 20), vec![(0, 20), (20, 40), (40, 60)]);
        assert_eq!(
            paginate(61, 20),
            vec![(0, 20), (14, 34), (27, 47), (41, 61)]
        );
        for n in 1..200 {
            let p = paginate(n, 20);
            assert_eq!(p.first().unwrap().0, 0);
            assert_eq!(p.last().unwrap().1, n, "{n}: the last row is shown");
            for w in p.windows(2) {
                assert!(w[1].0 <= w[0].1, "{n}: no gap between pages");
            }
            assert!(
                p.iter().all(|(a, b)| b - a == n.min(20)),
                "{n}: every page is full"
            );
        }
    }

    #[test]
    fn slide_lists_round_trip() {
        let s = parse_slides("board:1, tiers, movers@10,chart:街道组,honors@30,board").unwrap();
        assert_eq!(s.len(), 6);
        assert_eq!(s[0].kind, SlideKind::Board(Some("1".into())));
        assert_eq!(s[2].seconds, Some(10));
        assert_eq!(s[3].kind, SlideKind::Chart(Some("街道组".into())));
        assert_eq!(s[5].kind, SlideKind::Board(None));
        assert_eq!(
            format_slides(&s),
            "board:1,tiers,movers@10,chart:街道组,honors@30,board"
        );
        let c = parse_slides("board:街道组:cumulative,tiers:累计,movers").unwrap();
        assert_eq!(c[0].kind, SlideKind::Board(Some("街道组".into())));
        assert!(c[0].cumulative && c[1].cumulative && !c[2].cumulative);
        assert_eq!(
            format_slides(&c),
            "board:街道组:cumulative,tiers:cumulative,movers"
        );
        assert!(parse_slides("honors:cumulative").is_err());
        assert!(parse_slides("bogus").is_err());
        assert!(parse_slides("tiers@0").is_err());
        assert!(parse_slides("").is_err());
    }
}
