//! Poster images for WeChat groups: a group's board, and the 红榜·黑榜 of every group, in the
//! boards' red and gold, as PNG at a phone's 1080×1920 and at 1080p's 1920×1080.
//!
//! The poster is drawn as SVG (`layout`) and rasterised on the server with resvg. Text is
//! shaped with one embedded font, a subset of Noto Sans CJK SC Bold covering GB2312, ASCII and
//! the marks the boards use (`scripts/subset_poster_font.py`; SIL OFL, `assets/fonts/OFL.txt`):
//! the binary draws the same image on any machine, with no system font and nothing fetched.
//! A character outside the subset (a rare 生僻字) is reported by `uncovered` and drawn as the
//! font's empty box.

mod layout;

pub use layout::{GroupPoster, Head, PosterRow, TierGroup, group_svg, tiers_svg};

use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

/// The embedded font, and the characters it was made to cover (one line, as the subset script
/// wrote them).
const FONT: &[u8] = include_bytes!("../../assets/fonts/poster-sc-bold.otf");
const COVERED: &str = include_str!("../../assets/fonts/poster-sc-bold.chars.txt");

/// The family name the SVG asks for: the embedded font's own.
pub const FAMILY: &str = "Noto Sans CJK SC";

/// The two sizes of a poster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosterSize {
    /// 1080×1920, portrait: what a phone shows full screen.
    Phone,
    /// 1920×1080: a screen, a slide, a landscape chat image.
    Wide,
}

impl PosterSize {
    /// `?size=phone` (the default) or `?size=wide`.
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        match raw {
            None | Some("phone") => Ok(PosterSize::Phone),
            Some("wide") => Ok(PosterSize::Wide),
            Some(t) => Err(format!("size「{t}」应为 phone 或 wide")),
        }
    }

    #[must_use]
    pub fn pixels(self) -> (u32, u32) {
        match self {
            PosterSize::Phone => (1080, 1920),
            PosterSize::Wide => (1920, 1080),
        }
    }

    #[must_use]
    pub fn slug(self) -> &'static str {
        match self {
            PosterSize::Phone => "phone",
            PosterSize::Wide => "wide",
        }
    }
}

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        let mut opt = usvg::Options {
            font_family: FAMILY.to_string(),
            ..usvg::Options::default()
        };
        opt.fontdb = Arc::new(db);
        opt
    })
}

/// The characters of `text` the embedded font does not cover (each once, in order).
#[must_use]
pub fn uncovered(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    for c in text.chars() {
        if !c.is_whitespace() && !COVERED.contains(c) && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Rasterises a poster's SVG to PNG at the size its root declares.
pub fn render_png(svg: &str) -> Result<Vec<u8>, String> {
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| format!("海报绘制失败：{e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| "海报尺寸无效".to_string())?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| format!("海报编码失败：{e}"))
}

/// Decodes a PNG to its size and RGBA pixels (for tests and checks).
pub fn decode_png(png: &[u8]) -> Result<(u32, u32, Vec<u8>), String> {
    let p = tiny_skia::Pixmap::decode_png(png).map_err(|e| e.to_string())?;
    Ok((p.width(), p.height(), p.data().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ranking::Tier;

    /// One line of text, black on white, rendered alone.
    fn glyphs(text: &str) -> Vec<u8> {
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"60\"><rect width=\"200\" height=\"60\" fill=\"#fff\"/><text x=\"10\" y=\"45\" font-family=\"{FAMILY}\" font-size=\"40\" fill=\"#000\">{text}</text></svg>"
        );
        decode_png(&render_png(&svg).unwrap()).unwrap().2
    }

    fn ink(px: &[u8]) -> usize {
        px.chunks(4).filter(|p| p[0] < 128).count()
    }

    #[test]
    fn the_embedded_font_draws_distinct_cjk_glyphs_not_boxes() {
        // Each character draws ink, and no two draw the same picture: a missing glyph would
        // be the same empty box for all of them.
        let chars = ["马", "街", "道", "榜", "红", "黑", "①", "9"];
        let drawn: Vec<Vec<u8>> = chars.iter().map(|c| glyphs(c)).collect();
        for (c, d) in chars.iter().zip(&drawn) {
            assert!(ink(d) > 30, "「{c}」 drew {} dark pixels", ink(d));
        }
        for i in 0..drawn.len() {
            for j in i + 1..drawn.len() {
                assert_ne!(
                    drawn[i], drawn[j],
                    "「{}」 and 「{}」 look alike",
                    chars[i], chars[j]
                );
            }
        }
        // A character outside the subset is the same box as any other outside it.
        assert_eq!(
            uncovered("马街\u{E000}道\u{E001}"),
            vec!['\u{E000}', '\u{E001}']
        );
        assert_eq!(glyphs("\u{E000}"), glyphs("\u{E001}"));
    }

    #[test]
    fn a_poster_draws_its_names_in_real_glyphs() {
        let rows: Vec<PosterRow> = [
            ("1", "金碧街道", Tier::Red),
            ("2", "马街街道", Tier::None),
            ("3", "福海街道", Tier::Black),
        ]
        .into_iter()
        .map(|(rank, name, tier)| PosterRow {
            rank: rank.into(),
            mark: String::new(),
            name: name.into(),
            total: "90.00".into(),
            tier,
            change: "↑1".into(),
        })
        .collect();
        let poster = |rows: &[PosterRow], size| {
            group_svg(
                &GroupPoster {
                    head: Head {
                        competition: "2023年西山区大竞赛",
                        period: "2023年第三季度",
                        stamp: "数据截至2023年第三季度",
                        demo: true,
                        issuer: Some("西山区考评办"),
                        qr: None,
                    },
                    group: "街道组",
                    rows,
                },
                size,
            )
        };
        for size in [PosterSize::Phone, PosterSize::Wide] {
            let (w, h, real) = decode_png(&render_png(&poster(&rows, size)).unwrap()).unwrap();
            assert_eq!((w, h), size.pixels());
            // The same poster with one name in characters the font lacks, twice: the two look
            // alike (boxes), and unlike the real name (glyphs).
            let swap = |to: &str| {
                let mut r: Vec<PosterRow> = rows.to_vec();
                r[1].name = to.into();
                decode_png(&render_png(&poster(&r, size)).unwrap())
                    .unwrap()
                    .2
            };
            let a = swap("\u{E000}\u{E001}\u{E002}\u{E003}");
            let b = swap("\u{E004}\u{E005}\u{E006}\u{E007}");
            assert_eq!(a, b, "characters outside the font all draw the same box");
            assert_ne!(a, real, "the real name is drawn in glyphs, not boxes");
        }
    }

    #[test]
    fn a_qr_code_sits_clear_of_every_line_of_text() {
        let rows: Vec<PosterRow> = (1..=26)
            .map(|i| PosterRow {
                rank: i.to_string(),
                mark: String::new(),
                name: format!("西山区人力资源和社会保障局{i}"),
                total: "90.00".into(),
                tier: Tier::None,
                change: "—".into(),
            })
            .collect();
        let head = Head {
            competition: "2023年西山区“当好排头兵”高质量发展大竞赛（示例）",
            period: "2023年第三季度",
            stamp: "数据截至2023年第三季度（2023-10-15 09:00揭榜）",
            demo: true,
            issuer: Some("西山区考评办"),
            qr: Some("https://kpb.example.gov.cn/boards/2023Q3/1"),
        };
        let groups = vec![TierGroup {
            group: "经济发展类部门".into(),
            red: vec![("1 区财政局（同分）".into(), "91.00".into())],
            black: vec![("8 区交通运输局".into(), "72.10".into())],
        }];
        for size in [PosterSize::Phone, PosterSize::Wide] {
            let svgs = [
                group_svg(
                    &GroupPoster {
                        head,
                        group: "社会事业类部门",
                        rows: &rows,
                    },
                    size,
                ),
                tiers_svg(&head, &groups, size),
            ];
            for svg in svgs {
                let at = svg.find("<g class=\"qr\"><rect").expect("a QR code");
                let rect = &svg[at..at + 120];
                let num = |k: &str| -> f64 {
                    let i = rect.find(&format!(" {k}=\"")).unwrap() + k.len() + 3;
                    rect[i..].split('"').next().unwrap().parse().unwrap()
                };
                let (x, y, side) = (num("x"), num("y"), num("width"));
                assert!(
                    svg.matches('M').count() > 100,
                    "the code's modules are drawn"
                );
                for l in crate::charts::labels::labels(&svg) {
                    let clear = l.x1 <= x || l.x0 >= x + side || l.y1 <= y || l.y0 >= y + side;
                    assert!(clear, "{size:?}: 「{}」 runs under the QR code", l.text);
                }
                let (w, h, _) = decode_png(&render_png(&svg).unwrap()).unwrap();
                assert_eq!((w, h), size.pixels());
            }
        }
    }

    #[test]
    fn the_covered_list_is_gb2312_and_the_boards_marks() {
        for text in [
            "西山区发展和改革局",
            "嵩明县",
            "碧鸡街道",
            "（示例）",
            "2023年第三季度",
            "↑↓—",
        ] {
            assert_eq!(uncovered(text), Vec::<char>::new(), "{text}");
        }
    }
}
