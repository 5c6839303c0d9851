//! Reads the labels back out of a drawn chart and checks them: each label's box, counting a
//! CJK character as one em and any other as 0.58 em (`text_width`), must lie inside the
//! viewBox and overlap no other label. Used by the tests on every chart the server draws.

use super::text_width;

/// One `<text>` of a chart and the box it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub font_size: f64,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The canvas size from the root's `viewBox`.
#[must_use]
pub fn view_box(svg: &str) -> Option<(f64, f64)> {
    let open = &svg[..svg.find('>')?];
    let vb = attr(open, "viewBox")?;
    let n: Vec<f64> = vb
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    (n.len() == 4).then(|| (n[2], n[3]))
}

/// Every label of the chart with its box.
#[must_use]
pub fn labels(svg: &str) -> Vec<Label> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find("<text ") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let tag = &rest[..open_end];
        let Some(close) = rest.find("</text>") else {
            break;
        };
        let text = unescape(rest[open_end + 1..close].trim());
        rest = &rest[close..];
        let num = |n: &str| attr(tag, n).and_then(|v| v.parse::<f64>().ok());
        let (Some(x), Some(y), Some(size)) = (num("x"), num("y"), num("font-size")) else {
            continue;
        };
        let width = text_width(&text, size);
        let x0 = match attr(tag, "text-anchor").as_deref() {
            Some("end") => x - width,
            Some("middle") => x - width / 2.0,
            _ => x,
        };
        // plotters writes the vertical anchor as a `dy`: top 0.76em, centre 0.5ex, bottom
        // -0.5ex (and none for the baseline).
        let y0 = match attr(tag, "dy").as_deref() {
            Some("0.76em") => y,
            Some("0.5ex") => y - size / 2.0,
            Some("-0.5ex") => y - size,
            _ => y - size * 0.88,
        };
        out.push(Label {
            text,
            x0,
            y0,
            x1: x0 + width,
            y1: y0 + size,
            font_size: size,
        });
    }
    out
}

/// What is wrong with the chart's labels: each one outside the viewBox and each pair that
/// overlap (by more than half a pixel), described for a test's failure message.
#[must_use]
pub fn problems(svg: &str) -> Vec<String> {
    let Some((w, h)) = view_box(svg) else {
        return vec!["no viewBox".into()];
    };
    let all = labels(svg);
    let mut out = Vec::new();
    for l in &all {
        if l.x0 < -0.5 || l.y0 < -0.5 || l.x1 > w + 0.5 || l.y1 > h + 0.5 {
            out.push(format!(
                "「{}」 ({:.0},{:.0})–({:.0},{:.0}) leaves the {w}×{h} canvas",
                l.text, l.x0, l.y0, l.x1, l.y1
            ));
        }
    }
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            let dx = a.x1.min(b.x1) - a.x0.max(b.x0);
            let dy = a.y1.min(b.y1) - a.y0.max(b.y0);
            if dx > 0.5 && dy > 0.5 {
                out.push(format!("「{}」 overlaps 「{}」", a.text, b.text));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_overlaps_and_overflow() {
        let svg = r#"<svg width="100" height="50" viewBox="0 0 100 50">
<text x="10" y="10" dy="0.76em" text-anchor="start" font-size="12">马街街道</text>
<text x="30" y="12" dy="0.76em" text-anchor="start" font-size="12">碧鸡街道</text>
<text x="95" y="40" dy="0.5ex" text-anchor="middle" font-size="12">A&amp;B</text>
</svg>"#;
        let l = labels(svg);
        assert_eq!(l.len(), 3);
        assert_eq!(
            (l[0].x0, l[0].x1, l[0].y0, l[0].y1),
            (10.0, 58.0, 10.0, 22.0)
        );
        assert_eq!(l[2].text, "A&B");
        let p = problems(svg);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].contains("A&B") && p[0].contains("leaves"), "{p:?}");
        assert!(
            p[1].contains("马街街道") && p[1].contains("碧鸡街道"),
            "{p:?}"
        );
    }
}
