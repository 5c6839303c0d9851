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
