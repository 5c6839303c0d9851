//! Points and totals as exact fixed-point integers: sums and ties are exact, two totals are
//! tied exactly when they are equal, never "nearly equal" floats.

use serde::{Serialize, Serializer};
use std::fmt;

/// Ten thousandths of a point.
pub const SCALE: i64 = 10_000;
/// Most decimal places a score may carry.
pub const MAX_DECIMALS: usize = 4;

/// A number of points, exact to 1/10000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Points(pub i64);

impl Points {
    /// As a rule states a number: no trailing zeros (`90`, `0.5`, `92.25`).
    #[must_use]
    pub fn plain(self) -> String {
        let s = self.to_string();
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }

    pub const ZERO: Points = Points(0);

    #[must_use]
    pub fn from_int(n: i64) -> Points {
        Points(n * SCALE)
    }

    /// Parses a plain decimal such as `18.5`, `-3`, `0.25` (no separators, no units).
    #[must_use]
    pub fn parse_decimal(s: &str) -> Option<Points> {
        let (neg, digits) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i, f),
            None => (digits, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return None;
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit())
            || !frac_part.bytes().all(|b| b.is_ascii_digit())
            || frac_part.len() > MAX_DECIMALS
            || int_part.len() > 12
        {
            return None;
        }
        let mut value: i64 = 0;
        for b in int_part.bytes() {
            value = value * 10 + i64::from(b - b'0');
        }
        let mut frac: i64 = 0;
        for i in 0..MAX_DECIMALS {
            let d = frac_part
                .as_bytes()
                .get(i)
                .map_or(0, |b| i64::from(b - b'0'));
            frac = frac * 10 + d;
        }
        let v = value * SCALE + frac;
        Some(Points(if neg { -v } else { v }))
    }

    /// Rounds a float (as read from an Excel cell) to the nearest 1/10000.
    #[must_use]
    pub fn from_f64(f: f64) -> Option<Points> {
        if !f.is_finite() || f.abs() > 1e12 {
            return None;
        }
        Some(Points((f * SCALE as f64).round() as i64))
    }

    #[must_use]
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    #[must_use]
    pub fn abs(self) -> Points {
        Points(self.0.abs())
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0 + o.0)
    }
}
impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0 - o.0)
    }
}
impl std::ops::AddAssign for Points {
    fn add_assign(&mut self, o: Points) {
        self.0 += o.0;
    }
}
impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

/// At least two decimals, more only when the value needs them (so `85.0012` never shows as
/// `85.00` beside a different rank).
///
/// Written by hand into a stack buffer: a large board prints 50,000 of these, and going
/// through `core::fmt` for each part was a third of its render time. Width, fill and alignment
/// are honoured (`f.pad`); a precision is ignored, as the decimals shown are part of what a
/// value says.
impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // i64 has at most 19 digits: sign + 15 integer digits + '.' + 4 decimals fits in 32.
        let mut buf = [0u8; 32];
        let mut at = buf.len();
        let mut push = |b: u8| {
            at -= 1;
            buf[at] = b;
        };
        let a = self.0.unsigned_abs();
        let (mut int, frac) = (a / SCALE as u64, a % SCALE as u64);
        let (mut digits, mut places) = if frac.is_multiple_of(100) {
            (frac / 100, 2)
        } else if frac.is_multiple_of(10) {
            (frac / 10, 3)
        } else {
            (frac, 4)
        };
        while places > 0 {
            push(b'0' + (digits % 10) as u8);
            digits /= 10;
            places -= 1;
        }
        push(b'.');
        loop {
            push(b'0' + (int % 10) as u8);
            int /= 10;
            if int == 0 {
                break;
            }
        }
        if self.0 < 0 {
            push(b'-');
        }
        // Only ASCII digits, '.' and '-' were written.
        f.pad(std::str::from_utf8(&buf[at..]).map_err(|_| fmt::Error)?)
    }
}

/// In JSON a value is an exact number (`92.4`, `92.0`, `162345778.00000002`), never a binary
/// float: two different totals never come out equal.
impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        exact_number(json_decimal(self.0, 4), s)
    }
}

/// `value / 10^digits` as the shortest exact decimal with at least one decimal digit: the
/// form serde_json writes a float in (`92.0`, `-3.25`), but exact.
fn json_decimal(value: i64, digits: u32) -> String {
    let scale = 10_u64.pow(digits);
    let a = value.unsigned_abs();
    let (int, mut frac) = (a / scale, a % scale);
    let mut places = digits as usize;
    while places > 1 && frac % 10 == 0 {
        frac /= 10;
        places -= 1;
    }
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{int}.{frac:0places$}")
}

/// Writes a decimal as a JSON number token exactly as given (serde_json's
/// `arbitrary_precision` keeps the digits).
fn exact_number<S: Serializer>(text: String, s: S) -> Result<S::Ok, S::Error> {
    let n: serde_json::Number = text.parse().map_err(serde::ser::Error::custom)?;
    n.serialize(s)
}

/// Ten-thousandths of a ten-thousandth: a total keeps every digit of points × weight.
pub const TOTAL_SCALE: i64 = SCALE * SCALE;

/// A unit's total, exact to 1/10^8 of a point.
///
/// Points and weights both carry at most four decimals, so every product has at most eight and
/// a sum of them is exact here: totals are never rounded part by part, and two totals are tied
/// exactly when they are equal. A competition whose rules round the total (保留两位小数) does
/// so once, with [`Total::rounded`], before ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Total(pub i64);

impl Total {
    pub const ZERO: Total = Total(0);

    /// Points × weight, exactly.
    #[must_use]
    pub fn weighted(points: Points, weight: Points) -> Total {
        Total::saturate(i128::from(points.0) * i128::from(weight.0))
    }

    /// Sums exactly; a sum beyond ±92 billion points (impossible within the validated limits
    /// on maxima, weights and adjustments) saturates instead of wrapping.
    pub fn sum(parts: impl IntoIterator<Item = Total>) -> Total {
        Total::saturate(parts.into_iter().map(|t| i128::from(t.0)).sum())
    }

    fn saturate(v: i128) -> Total {
        Total(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
    }

    /// Rounded half away from zero to `decimals` places (0–4).
    #[must_use]
    pub fn rounded(self, decimals: u8) -> Total {
        let unit = TOTAL_SCALE / 10_i64.pow(u32::from(decimals.min(8)));
        let half = unit / 2;
        let q = if self.0 >= 0 {
            (self.0.saturating_add(half)) / unit
        } else {
            (self.0.saturating_sub(half)) / unit
        };
        Total(q * unit)
    }

    #[must_use]
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / TOTAL_SCALE as f64
    }

    #[must_use]
    pub fn abs(self) -> Total {
        Total(self.0.saturating_abs())
    }
}

impl From<Points> for Total {
    fn from(p: Points) -> Total {
        Total::saturate(i128::from(p.0) * i128::from(SCALE))
    }
}

impl std::ops::Add for Total {
    type Output = Total;
    fn add(self, o: Total) -> Total {
        Total(self.0.saturating_add(o.0))
    }
}
impl std::ops::Sub for Total {
    type Output = Total;
    fn sub(self, o: Total) -> Total {
        Total(self.0.saturating_sub(o.0))
    }
}
impl std::ops::AddAssign for Total {
    fn add_assign(&mut self, o: Total) {
        self.0 = self.0.saturating_add(o.0);
    }
}
impl std::iter::Sum for Total {
    fn sum<I: Iterator<Item = Total>>(iter: I) -> Total {
        Total::sum(iter)
    }
}

/// Like [`Points`]: at least two decimals, and every further digit the value has (up to
/// eight), so two different totals never look equal.
impl fmt::Display for Total {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.unsigned_abs();
        let scale = TOTAL_SCALE as u64;
        let (int, mut frac) = (a / scale, a % scale);
        let mut places = 8;
        while places > 2 && frac % 10 == 0 {
            frac /= 10;
            places -= 1;
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        f.pad(&format!("{sign}{int}.{frac:0places$}"))
    }
}

impl Serialize for Total {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        exact_number(json_decimal(self.0, 8), s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_are_exact() {
        let t = |v: i64| serde_json::to_string(&Total(v)).unwrap();
        // Two totals a binary float cannot tell apart stay apart.
        assert_eq!(t(16_234_577_800_000_002), "162345778.00000002");
        assert_eq!(t(16_234_577_800_000_003), "162345778.00000003");
        assert_eq!(t(9_240_000_000), "92.4");
        assert_eq!(t(9_200_000_000), "92.0");
        assert_eq!(t(-325_000_000), "-3.25");
        assert_eq!(t(0), "0.0");
        let p = |v: i64| serde_json::to_string(&Points(v)).unwrap();
        assert_eq!(p(185_000), "18.5");
        assert_eq!(p(-1), "-0.0001");
        // Inside a json! value too (the API builds some answers that way).
        let v = serde_json::json!({ "total": Total(16_234_577_800_000_002) });
        assert_eq!(v.to_string(), r#"{"total":162345778.00000002}"#);
    }

    #[test]
    fn parses_decimals_exactly() {
        let cases = [
            ("18.5", Some(185_000)),
            ("0.25", Some(2_500)),
            ("-3", Some(-30_000)),
            ("20", Some(200_000)),
            (".5", Some(5_000)),
            ("1.23456", None),
            ("1e3", None),
            ("", None),
            ("-", None),
            ("1.2.3", None),
        ];
        for (s, want) in cases {
            assert_eq!(Points::parse_decimal(s).map(|p| p.0), want, "{s}");
        }
    }

    #[test]
    fn displays_with_needed_decimals() {
        assert_eq!(Points(850_000).to_string(), "85.00");
        assert_eq!(Points(850_012).to_string(), "85.0012");
        assert_eq!(Points(855_000).to_string(), "85.50");
        assert_eq!(Points(-25_000).to_string(), "-2.50");
        assert_eq!(Points(-500).to_string(), "-0.05");
        assert_eq!(Points(0).to_string(), "0.00");
        assert_eq!(Points(5).to_string(), "0.0005");
        assert_eq!(Points(1_000_010).to_string(), "100.001");
        assert_eq!(Points(i64::MAX).to_string(), "922337203685477.5807");
        assert_eq!(Points(i64::MIN).to_string(), "-922337203685477.5808");
        assert_eq!(format!("{:>8}", Points(850_000)), "   85.00");
    }

    #[test]
    fn totals_are_exact_and_show_every_digit() {
        // 25.6459 × 0.15 = 3.846885 exactly; rounding each part would give 3.8469.
        let t = Total::weighted(Points(256_459), Points(1_500));
        assert_eq!(t, Total(384_688_500));
        assert_eq!(t.to_string(), "3.846885");
        assert_eq!(Total::from(Points(850_000)).to_string(), "85.00");
        assert_eq!(Total(-250_000_000).to_string(), "-2.50");
        assert_eq!(Total(1).to_string(), "0.00000001");
        assert_eq!(Total(-5).to_string(), "-0.00000005");
        assert_eq!(format!("{:>8}", Total(8_500_000_000)), "   85.00");
        assert_eq!(Total(384_688_500).rounded(2), Total(385_000_000));
        assert_eq!(Total(-384_688_500).rounded(2), Total(-385_000_000));
        assert_eq!(Total(384_688_500).rounded(4), Total(384_690_000));
        assert_eq!(Total(i64::MAX) + Total(1), Total(i64::MAX));
    }
}
