//! Reading numbers the way staff type them into Excel: spaces, thousands separators,
//! full-width digits and punctuation (`１８．５`), a trailing `%` or `分`. Blank, `-` and `—` are missing.

use crate::domain::Points;
use crate::text::{to_half_width, trim_cell};

/// Why a cell is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    TooManyDecimals,
}

/// Parses a score cell. `Ok(None)` is a missing value, never zero.
pub fn parse_points(raw: &str) -> Result<Option<Points>, NumberError> {
    let s = trim_cell(raw);
    if s.is_empty() {
        return Ok(None);
    }
    // Fast path: a plain ASCII decimal, as almost every cell is.
    if let Some(p) = Points::parse_decimal(s) {
        return Ok(Some(p));
    }
    let normalized: String = s
        .chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace())
        .collect();
    if matches!(
        normalized.as_str(),
        "-" | "—" | "–" | "--" | "——" | "/" | "无"
    ) {
        return Ok(None);
    }
    let body = normalized
        .strip_suffix('%')
        .or_else(|| normalized.strip_suffix('分'))
        .unwrap_or(&normalized);
    let body = strip_thousands(body).ok_or(NumberError::NotANumber)?;
    match Points::parse_decimal(&body) {
        Some(p) => Ok(Some(p)),
        None => {
            let frac = body.split_once('.').map_or("", |(_, f)| f);
            if !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) && body.len() > 1 {
                let int = body.split_once('.').map_or("", |(i, _)| i);
                let int = int.trim_start_matches(['-', '+']);
                if int.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(NumberError::TooManyDecimals);
                }
            }
            Err(NumberError::NotANumber)
        }
    }
}

/// Removes thousands separators when they sit where they belong (`1,234.5`), else `None`.
fn strip_thousands(s: &str) -> Option<String> {
    if !s.contains(',') {
        return Some(s.to_string());
    }
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let ok = !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    if !ok {
        return None;
    }
    let mut out = format!("{sign}{}", groups.concat());
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_staff_type() {
        let ok = [
            ("18.5", Some(185_000)),
            (" 18.5 ", Some(185_000)),
            ("１８．５", Some(185_000)),
            ("\u{3000}12\u{3000}", Some(120_000)),
            ("1,234.5", Some(12_345_000)),
            ("１，２３４", Some(12_340_000)),
            ("85%", Some(850_000)),
            ("85.5％", Some(855_000)),
            ("18.5分", Some(185_000)),
            ("", None),
            ("   ", None),
            ("-", None),
            ("—", None),
            ("－", None),
            ("0", Some(0)),
            ("-2", Some(-20_000)),
        ];
        for (s, want) in ok {
            assert_eq!(parse_points(s).map(|o| o.map(|p| p.0)), Ok(want), "{s:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for s in ["abc", "十八", "12,34", "1.2.3", "18.5元", "%", "1,2345"] {
            assert_eq!(parse_points(s), Err(NumberError::NotANumber), "{s:?}");
        }
        assert_eq!(parse_points("1.23456"), Err(NumberError::TooManyDecimals));
    }
}
