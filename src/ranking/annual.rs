//! The year's result (年度综合考评): the quarterly part of a unit's year from its posted
//! quarterly totals, by the scheme's rule. The annual board is then ranked by the engine like
//! any board, the quarterly part being its first column beside the annual components (a
//! 评议 score), each with its weight.

use crate::domain::{Points, SCALE, TOTAL_SCALE, Total};
use serde::{Deserialize, Serialize};

/// How the four quarters make the quarterly part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "from", content = "weights")]
pub enum QuarterBasis {
    /// The four totals added.
    Sum,
    /// Their mean.
    Mean,
    /// Weighted, in percent per quarter (adding to 100).
    Weights(Vec<u32>),
    /// The year-to-date total of the fourth quarter's 1–4季度累计 board.
    Q4Cumulative,
}

/// The scheme's rules for the year's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualRule {
    pub basis: QuarterBasis,
    /// The quarterly part's weight in the annual total when there are other components
    /// (0.95); `None`: 1.
    pub quarters_weight: Option<Points>,
    /// 红榜/黑榜 places of the year's result; `None`: each group's own.
    pub red: Option<u32>,
    pub black: Option<u32>,
    /// 等次 of the year's result: (name, least total, quota percent), top first.
    pub grades: Vec<(String, Option<Points>, Option<u32>)>,
    /// 公示期 in days after 揭榜; 0: final at once.
    pub publicity_days: u32,
}

/// The quarterly part of one unit's year, rounded half up to four decimals; `None` when a
/// quarter it needs has no total for it (not ranked that quarter).
#[must_use]
pub fn quarterly_part(
    basis: &QuarterBasis,
    totals: &[Option<Total>; 4],
    q4_cumulative: Option<Total>,
) -> Option<Points> {
    // Everything in 1/10^8 of a point, then ÷ `den`, rounded once.
    let (sum, den): (i128, i128) = match basis {
        QuarterBasis::Q4Cumulative => (i128::from(q4_cumulative?.0), 1),
        QuarterBasis::Sum => (all(totals)?.iter().sum(), 1),
        QuarterBasis::Mean => (all(totals)?.iter().sum(), 4),
        QuarterBasis::Weights(w) => (
            all(totals)?
                .iter()
                .zip(w)
                .map(|(t, &w)| t * i128::from(w))
                .sum(),
            100,
        ),
    };
    let per_point = i128::from(TOTAL_SCALE / SCALE);
    let d = den * per_point;
    // Half up (away from zero for negative totals, as 四舍五入 reads).
    let rounded = if sum >= 0 {
        (sum + d / 2) / d
    } else {
        -((-sum + d / 2) / d)
    };
    i64::try_from(rounded).ok().map(Points)
}

fn all(totals: &[Option<Total>; 4]) -> Option<[i128; 4]> {
    let mut out = [0i128; 4];
    for (o, t) in out.iter_mut().zip(totals) {
        *o = i128::from(t.as_ref()?.0);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(points: &str) -> Option<Total> {
        Points::parse_decimal(points).map(|p| Total(p.0 * (TOTAL_SCALE / SCALE)))
    }

    #[test]
    fn the_quarterly_part_by_each_basis() {
        let q = [t("90"), t("80.5"), t("85.25"), t("92")];
        // 20/20/30/30: 18 + 16.1 + 25.575 + 27.6 = 87.275
        assert_eq!(
            quarterly_part(&QuarterBasis::Weights(vec![20, 20, 30, 30]), &q, None),
            Points::parse_decimal("87.275")
        );
        assert_eq!(
            quarterly_part(&QuarterBasis::Sum, &q, None),
            Points::parse_decimal("347.75")
        );
        // 347.75 / 4 = 86.9375
        assert_eq!(
            quarterly_part(&QuarterBasis::Mean, &q, None),
            Points::parse_decimal("86.9375")
        );
        assert_eq!(
            quarterly_part(&QuarterBasis::Q4Cumulative, &q, t("347.75")),
            Points::parse_decimal("347.75")
        );
    }

    #[test]
    fn rounding_is_once_and_half_up() {
        // (90.0001 + 0 + 0 + 0) / 4 = 22.500025 → 22.5000 (the fifth decimal is 2)
        let q = [t("90.0001"), t("0"), t("0"), t("0")];
        assert_eq!(
            quarterly_part(&QuarterBasis::Mean, &q, None),
            Points::parse_decimal("22.5")
        );
        // (0.0002 + 0 + 0 + 0) / 4 = 0.00005 → 0.0001
        let q = [t("0.0002"), t("0"), t("0"), t("0")];
        assert_eq!(
            quarterly_part(&QuarterBasis::Mean, &q, None),
            Points::parse_decimal("0.0001")
        );
    }

    #[test]
    fn a_quarter_without_a_total_leaves_the_part_missing() {
        let q = [t("90"), None, t("85"), t("92")];
        assert_eq!(
            quarterly_part(&QuarterBasis::Weights(vec![25, 25, 25, 25]), &q, None),
            None
        );
        assert_eq!(quarterly_part(&QuarterBasis::Q4Cumulative, &q, None), None);
    }
}
