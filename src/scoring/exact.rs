//! Exact rational numbers for the scoring rules: every intermediate value of a method is a
//! fraction of two `i128`s, reduced, and only the final points are rounded (四舍五入, half away
//! from zero). An operation that would overflow is an error, never a wrong number.

use crate::domain::{Points, SCALE};
use std::cmp::Ordering;
use std::fmt;

/// A fraction `num / den`, `den > 0`, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

/// A computation left the range of exact arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("数值过大，无法精确计算")]
pub struct Overflow;

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const HUNDRED: Ratio = Ratio { num: 100, den: 1 };

    /// `num / den`; `None` when `den` is 0.
    #[must_use]
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den);
        let s = if den < 0 { -1 } else { 1 };
        Some(Ratio {
            num: s * num / g,
            den: s * den / g,
        })
    }

    #[must_use]
    pub fn int(n: i64) -> Ratio {
        Ratio {
            num: i128::from(n),
            den: 1,
        }
    }

    #[must_use]
    pub fn from_points(p: Points) -> Ratio {
        Ratio::new(i128::from(p.0), i128::from(SCALE)).unwrap_or(Ratio::ZERO)
    }

    /// A plain decimal as written (`-3.2`, `112`, `0.0005`), at most 12 decimals.
    #[must_use]
    pub fn parse(text: &str) -> Option<Ratio> {
        let t = text.trim();
        let (neg, body) = match t.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty()
            || frac.len() > 12
            || int.len() > 24
            || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
            || (body.contains('.') && frac.is_empty())
        {
            return None;
        }
        let digits: i128 = format!("{int}{frac}").parse().ok()?;
        let den = 10_i128.checked_pow(frac.len() as u32)?;
        Ratio::new(if neg { -digits } else { digits }, den)
    }

    #[must_use]
    pub fn numer(self) -> i128 {
        self.num
    }

    #[must_use]
    pub fn denom(self) -> i128 {
        self.den
    }

    pub fn checked_add(self, o: Ratio) -> Result<Ratio, Overflow> {
        let g = gcd(self.den, o.den);
        let l = self.den / g;
        let num = self
            .num
            .checked_mul(o.den / g)
            .and_then(|a| o.num.checked_mul(l).and_then(|b| a.checked_add(b)))
            .ok_or(Overflow)?;
        let den = l.checked_mul(o.den).ok_or(Overflow)?;
        Ratio::new(num, den).ok_or(Overflow)
    }

    pub fn checked_sub(self, o: Ratio) -> Result<Ratio, Overflow> {
        self.checked_add(o.negated())
    }

    pub fn checked_mul(self, o: Ratio) -> Result<Ratio, Overflow> {
        let g1 = gcd(self.num, o.den);
        let g2 = gcd(o.num, self.den);
        let num = (self.num / g1).checked_mul(o.num / g2).ok_or(Overflow)?;
        let den = (self.den / g2).checked_mul(o.den / g1).ok_or(Overflow)?;
        Ratio::new(num, den).ok_or(Overflow)
    }

    /// `None` when dividing by zero.
    pub fn checked_div(self, o: Ratio) -> Result<Option<Ratio>, Overflow> {
        if o.num == 0 {
            return Ok(None);
        }
        let inv = Ratio::new(o.den, o.num).ok_or(Overflow)?;
        self.checked_mul(inv).map(Some)
    }

    #[must_use]
    pub fn negated(self) -> Ratio {
        Ratio {
            num: -self.num,
            den: self.den,
        }
    }

    #[must_use]
    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    #[must_use]
    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// Rounded once, half away from zero (四舍五入), to `decimals` (0–4) places, as points.
    pub fn round_points(self, decimals: u8) -> Result<Points, Overflow> {
        let decimals = decimals.min(4);
        let unit = 10_i128.pow(u32::from(decimals));
        let scaled = self.num.checked_mul(unit).ok_or(Overflow)?;
        let (q, r) = (scaled / self.den, scaled % self.den);
        // 2|r| ≥ den, without doubling (which could overflow).
        let rounded = if r.abs() >= self.den - r.abs() {
            q + scaled.signum()
        } else {
            q
        };
        let p = rounded
            .checked_mul(i128::from(SCALE) / unit)
            .ok_or(Overflow)?;
        i64::try_from(p).map(Points).map_err(|_| Overflow)
    }

    /// As a decimal with `places` places, rounded half away from zero: `112.0`.
    #[must_use]
    pub fn fixed(self, places: u32) -> String {
        let unit = 10_i128.pow(places);
        let Some(scaled) = self.num.checked_mul(unit) else {
            return format!("{}/{}", self.num, self.den);
        };
        let (q, r) = (scaled / self.den, scaled % self.den);
        let v = if r.abs() >= self.den - r.abs() {
            q + scaled.signum()
        } else {
            q
        };
        let sign = if v < 0 { "-" } else { "" };
        let a = v.unsigned_abs();
        let unit = unit.unsigned_abs();
        if places == 0 {
            format!("{sign}{a}")
        } else {
            format!("{sign}{}.{:0w$}", a / unit, a % unit, w = places as usize)
        }
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, o: &Ratio) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Ratio {
    fn cmp(&self, o: &Ratio) -> Ordering {
        // Dens are positive: a/b < c/d ⇔ a·d < c·b; past i128, compare the exact difference's
        // sign through the integer parts first.
        match (self.num.checked_mul(o.den), o.num.checked_mul(self.den)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => {
                let (ia, ib) = (self.num.div_euclid(self.den), o.num.div_euclid(o.den));
                if ia != ib {
                    return ia.cmp(&ib);
                }
                let fa = Ratio::new(self.num.rem_euclid(self.den), self.den).unwrap_or(Ratio::ZERO);
                let fb = Ratio::new(o.num.rem_euclid(o.den), o.den).unwrap_or(Ratio::ZERO);
                fa.cmp(&fb)
            }
        }
    }
}

/// The shortest exact decimal when there is one (`112.5`), else the fraction.
impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mut d, mut twos, mut fives) = (self.den, 0_u32, 0_u32);
        while d % 2 == 0 {
            d /= 2;
            twos += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        let places = twos.max(fives);
        if d != 1 || places > 12 {
            return f.pad(&self.fixed(4));
        }
        f.pad(&self.fixed(places))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> Ratio {
        Ratio::parse(s).unwrap()
    }

    #[test]
    fn parses_and_computes_exactly() {
        assert_eq!(r("-3.2"), Ratio::new(-16, 5).unwrap());
        assert_eq!(r("0.1").checked_add(r("0.2")).unwrap(), r("0.3"));
        assert_eq!(r("1.5").checked_mul(r("-2")).unwrap(), r("-3"));
        assert_eq!(
            r("1")
                .checked_div(r("3"))
                .unwrap()
                .unwrap()
                .checked_mul(r("3"))
                .unwrap(),
            r("1")
        );
        assert_eq!(r("1").checked_div(r("0")).unwrap(), None);
        assert!(r("2.5") > r("2.49999"));
        assert!(r("-1") < r("0"));
        for bad in ["", "-", "1.", ".", "1e3", "1,000", "１"] {
            assert_eq!(Ratio::parse(bad), None, "{bad:?}");
        }
        assert_eq!(r(".5"), r("0.5"));
    }

    #[test]
    fn rounds_once_half_away_from_zero() {
        let p = |s: &str, d: u8| r(s).round_points(d).unwrap().to_string();
        assert_eq!(p("32.405", 2), "32.41");
        assert_eq!(p("32.404999", 2), "32.40");
        assert_eq!(p("-2.345", 2), "-2.35");
        assert_eq!(p("2.5", 0), "3.00");
        // 1/3 to two places.
        let third = r("1").checked_div(r("3")).unwrap().unwrap();
        assert_eq!(third.round_points(2).unwrap().to_string(), "0.33");
        assert_eq!(third.fixed(1), "0.3");
        assert_eq!(r("112").fixed(1), "112.0");
        assert_eq!(r("112.05").to_string(), "112.05");
        assert_eq!(third.to_string(), "0.3333");
    }

    #[test]
    fn overflow_is_an_error_not_a_wrong_number() {
        let big = Ratio::new(i128::MAX / 2, 1).unwrap();
        assert_eq!(big.checked_mul(Ratio::int(4)), Err(Overflow));
        assert_eq!(big.checked_add(big).map(|_| ()), Ok(()));
        assert_eq!(
            big.checked_add(big).and_then(|x| x.checked_add(big)),
            Err(Overflow)
        );
    }
}
