//! Periods: a quarter of a year (`2023Q3`) or the year's result (`2023Y`, 年度综合考评), and
//! the two views of a board.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A quarter of a year, `2023Q3`, or the year's result, `2023Y` (`quarter` 5: it sorts
/// after the year's fourth quarter and before the next year's first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeriodKey {
    pub year: i32,
    pub quarter: u8,
}

/// The `quarter` of the year's result.
pub const ANNUAL: u8 = 5;

impl PeriodKey {
    #[must_use]
    pub fn new(year: i32, quarter: u8) -> Option<PeriodKey> {
        ((1..=ANNUAL).contains(&quarter) && (1900..=2999).contains(&year))
            .then_some(PeriodKey { year, quarter })
    }

    /// The year's result (年度综合考评) of `year`.
    #[must_use]
    pub fn annual(year: i32) -> PeriodKey {
        PeriodKey {
            year,
            quarter: ANNUAL,
        }
    }

    /// Whether this is the year's result rather than a quarter.
    #[must_use]
    pub fn is_annual(self) -> bool {
        self.quarter == ANNUAL
    }

    /// The first period written somewhere in a text, such as a file name or a title row
    /// (「2023年第三季度考核得分.xlsx」, 「街道组2023Q4」): the preview compares it with the
    /// period the file goes to.
    #[must_use]
    pub fn find_in(text: &str) -> Option<PeriodKey> {
        let chars: Vec<char> = text.chars().map(crate::text::to_half_width).collect();
        for start in 0..chars.len() {
            if !(chars[start] == '2' && chars.get(start + 1) == Some(&'0')) {
                continue;
            }
            if start > 0 && chars[start - 1].is_ascii_digit() {
                continue;
            }
            // The longest reading first: 2023年第三季度 before 2023年第三季.
            for len in (6..=9).rev() {
                let Some(slice) = chars.get(start..start + len) else {
                    continue;
                };
                let candidate: String = slice.iter().collect();
                if let Some(k) = PeriodKey::parse(&candidate) {
                    return Some(k);
                }
            }
        }
        None
    }

    /// Accepts `2023Q3`, `2023-Q3`, `2023q3`, `2023年第三季度`, `2023年3季度`, `2023年三季度`,
    /// `2023年第3季度`, with full-width digits too; the year's result as `2023Y` or `2023年度`.
    pub fn parse(input: &str) -> Option<PeriodKey> {
        let s: String = input
            .trim()
            .chars()
            .map(crate::text::to_half_width)
            .filter(|c| !c.is_whitespace())
            .collect();
        let year_digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        if year_digits.len() != 4 {
            return None;
        }
        let year: i32 = year_digits.parse().ok()?;
        let rest = &s[4..];
        if matches!(rest, "Y" | "y" | "-Y" | "年度" | "年度综合考评") {
            return PeriodKey::new(year, ANNUAL);
        }
        let quarter = if let Some(q) = rest
            .strip_prefix("-Q")
            .or_else(|| rest.strip_prefix("Q"))
            .or_else(|| rest.strip_prefix("-q"))
            .or_else(|| rest.strip_prefix("q"))
        {
            q.parse::<u8>().ok().filter(|q| *q <= 4)?
        } else {
            let r = rest.strip_prefix('年')?;
            let r = r.strip_prefix('第').unwrap_or(r);
            let r = r.strip_suffix("季度").or_else(|| r.strip_suffix('季'))?;
            match r {
                "1" | "一" => 1,
                "2" | "二" => 2,
                "3" | "三" => 3,
                "4" | "四" => 4,
                _ => return None,
            }
        };
        PeriodKey::new(year, quarter)
    }

    /// The quarter before this one, crossing into the previous year (the year's result's:
    /// its fourth quarter).
    #[must_use]
    pub fn previous(self) -> PeriodKey {
        if self.is_annual() {
            PeriodKey {
                year: self.year,
                quarter: 4,
            }
        } else if self.quarter == 1 {
            PeriodKey {
                year: self.year - 1,
                quarter: 4,
            }
        } else {
            PeriodKey {
                year: self.year,
                quarter: self.quarter - 1,
            }
        }
    }

    /// The quarter after this one, crossing into the next year (the year's result is not a
    /// quarter: after it, the next year's first).
    #[must_use]
    pub fn next(self) -> PeriodKey {
        if self.quarter >= 4 {
            PeriodKey {
                year: self.year + 1,
                quarter: 1,
            }
        } else {
            PeriodKey {
                year: self.year,
                quarter: self.quarter + 1,
            }
        }
    }

    /// The year so far up to this quarter: `2023年1–3季度累计`; for the first quarter there is
    /// nothing to add up, so just `2023年第一季度`.
    #[must_use]
    pub fn year_to_date_label(self) -> String {
        if self.is_annual() {
            return self.label();
        }
        format!("{}年{}", self.year, self.year_to_date_short())
    }

    /// `1–3季度累计`, or `第一季度` for the first quarter.
    #[must_use]
    pub fn year_to_date_short(self) -> String {
        if self.is_annual() {
            "年度综合考评".into()
        } else if self.quarter == 1 {
            "第一季度".into()
        } else {
            format!("1–{}季度累计", self.quarter)
        }
    }

    /// `2023年第三季度`, `2023年度综合考评`
    #[must_use]
    pub fn label(self) -> String {
        if self.is_annual() {
            return format!("{}年度综合考评", self.year);
        }
        let q = ["一", "二", "三", "四"][usize::from(self.quarter.clamp(1, 4) - 1)];
        format!("{}年第{}季度", self.year, q)
    }
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_annual() {
            write!(f, "{}Y", self.year)
        } else {
            write!(f, "{}Q{}", self.year, self.quarter)
        }
    }
}

impl FromStr for PeriodKey {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        PeriodKey::parse(s).ok_or_else(|| {
            format!("无法识别的期间「{s}」，应为 2023Q3、2023-Q3 或 2023年第三季度 这样的写法")
        })
    }
}

impl Serialize for PeriodKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A board of a single quarter, or of the year so far (1–N季度累计).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum View {
    Quarter,
    Cumulative,
}

super::codes!("视图" View {
    Quarter = "quarter",
    Cumulative = "cumulative",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_is_found_in_a_file_name() {
        let k = |y, q| {
            Some(PeriodKey {
                year: y,
                quarter: q,
            })
        };
        assert_eq!(
            PeriodKey::find_in("2023年第三季度考核得分.xlsx"),
            k(2023, 3)
        );
        assert_eq!(PeriodKey::find_in("街道组2023Q4.csv"), k(2023, 4));
        assert_eq!(PeriodKey::find_in("西山区２０２３年四季度"), k(2023, 4));
        assert_eq!(PeriodKey::find_in("得分表（定稿）.xlsx"), None);
        assert_eq!(PeriodKey::find_in("120230Q1"), None);
    }

    #[test]
    fn parses_period_spellings() {
        let q3 = PeriodKey {
            year: 2023,
            quarter: 3,
        };
        for s in [
            "2023Q3",
            "2023-Q3",
            "2023q3",
            "2023年第三季度",
            "2023年3季度",
            "2023年三季度",
            "2023年第3季度",
            " ２０２３Ｑ３ ",
        ] {
            assert_eq!(PeriodKey::parse(s), Some(q3), "{s}");
        }
        for s in ["2023Q5", "2023", "Q3", "2023年第五季度", "23Q3", "2023年"] {
            assert_eq!(PeriodKey::parse(s), None, "{s}");
        }
        assert_eq!(q3.label(), "2023年第三季度");
        assert_eq!(
            PeriodKey {
                year: 2024,
                quarter: 1
            }
            .previous(),
            PeriodKey {
                year: 2023,
                quarter: 4
            }
        );
    }
}
