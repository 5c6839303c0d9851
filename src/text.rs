//! Text as staff type it: full-width forms folded to ASCII, cells trimmed of every kind of
//! space, names normalised so that `马街街道　` and `马街街道` are one name. Pure.

/// Full-width ASCII variants (U+FF01..U+FF5E) and the ideographic space to their ASCII forms.
#[must_use]
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' => '.',
        '−' => '-',
        _ => c,
    }
}

/// Trims ordinary, full-width and non-breaking spaces.
#[must_use]
pub fn trim_cell(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{FEFF}')
}

/// Trims and folds full-width characters and drops spaces, so `马街街道　` and `马街街道` are
/// the same name. Every name look-up (units, indicators, headers) goes through this.
pub fn normalize_name(s: &str) -> String {
    trim_cell(s)
        .chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_and_spaces() {
        assert_eq!(normalize_name(" Ａ区 街道\u{3000}"), "A区街道");
        assert_eq!(trim_cell("\u{FEFF} 18.5\u{3000}"), "18.5");
        assert_eq!(to_half_width('１'), '1');
        assert_eq!(to_half_width('。'), '.');
    }
}

/// Characters that change how text looks without being seen: zero-width characters, joiners,
/// directional marks and overrides (a right-to-left override makes `gpj.exe` read `exe.jpg`),
/// the soft hyphen, the byte-order mark.
#[must_use]
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}')
        || c.is_control()
}

/// Text a person typed, as it may be stored and shown: no invisible or control characters
/// (line breaks kept where `multiline`), and something visible left.
#[must_use]
pub fn visible_text(s: &str, multiline: bool) -> Option<String> {
    if s.chars()
        .any(|c| is_invisible(c) && !(multiline && matches!(c, '\n' | '\r' | '\t')))
    {
        return None;
    }
    let t = trim_cell(s);
    (!t.is_empty()).then(|| t.to_string())
}

/// Shown text with every invisible and control character removed (a browser's file name).
#[must_use]
pub fn strip_invisible(s: &str) -> String {
    s.chars().filter(|&c| !is_invisible(c)).collect()
}

/// Letters of scripts that copy Latin ones (Cyrillic а, Greek ο): refused in account names,
/// where `аdmin` must not pass for `admin`.
#[must_use]
pub fn has_lookalike_letters(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{0370}'..='\u{03FF}' | '\u{0400}'..='\u{052F}' | '\u{1D00}'..='\u{1DBF}'))
}

/// The form two names are compared in for "looks like another": full-width folded, spaces
/// removed, case folded.
#[must_use]
pub fn name_skeleton(s: &str) -> String {
    normalize_name(s).to_lowercase()
}

/// Longest cell text echoed whole in a message.
pub const SHOWN_CHARS: usize = 40;

/// A cell's text as a message shows it: whole when short, else its first characters and its
/// length (「某某某…（共5,000,000字）」), so that an error never echoes a huge cell back.
#[must_use]
pub fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = s.char_indices();
    match chars.nth(SHOWN_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some(_) => {
            let head_end = s
                .char_indices()
                .nth(SHOWN_CHARS - 8)
                .map_or(s.len(), |(i, _)| i);
            let n = s.chars().count();
            std::borrow::Cow::Owned(format!("{}…（共{}字）", &s[..head_end], thousands(n)))
        }
    }
}

/// 5000000 → 5,000,000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod clip_tests {
    use super::*;

    #[test]
    fn invisible_and_lookalike_text_is_caught() {
        assert_eq!(
            visible_text("  数据有误 ", false).as_deref(),
            Some("数据有误")
        );
        assert_eq!(visible_text("\u{200B}\u{200B}", false), None);
        assert_eq!(visible_text("\u{202E}原因", false), None);
        assert_eq!(
            visible_text("第一行\n第二行", true).as_deref(),
            Some("第一行\n第二行")
        );
        assert_eq!(visible_text("第一行\n第二行", false), None);
        assert_eq!(visible_text("   ", false), None);
        assert!(has_lookalike_letters("\u{0430}dmin"));
        assert!(!has_lookalike_letters("管理员admin"));
        assert_eq!(name_skeleton("Ａｄｍｉｎ 甲"), name_skeleton("admin甲"));
        assert_eq!(strip_invisible("a\u{202E}gpj.csv"), "agpj.csv");
    }

    #[test]
    fn long_cells_are_clipped_with_their_length() {
        assert_eq!(clip("马街街道"), "马街街道");
        let huge = "街".repeat(5_000_000);
        let c = clip(&huge);
        assert!(c.ends_with("…（共5,000,000字）"), "{c}");
        assert_eq!(c.chars().count(), 32 + "…（共5,000,000字）".chars().count());
        let forty = "a".repeat(40);
        assert_eq!(clip(&forty), forty.as_str());
    }
}
