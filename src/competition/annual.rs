//! The `[annual]` section of a competition file: how the year's result (年度综合考评) is
//! made — from the quarters (sum, mean, weights per quarter, or the fourth quarter's year to
//! date), with the weight of that part beside the annual components (indicators marked
//! `annual = true`, such as a 评议 score), its own 红榜/黑榜, 等次 and 公示期.

use super::grades::{GradeSpec, band_rules, check_bands};
use super::{CompetitionSpec, exact_positive};
use crate::ranking::annual::{AnnualRule, QuarterBasis};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct AnnualSpec {
    /// `weights` (the default, with `quarter_weights`), `sum`, `mean` or `q4_cumulative`.
    #[serde(default = "default_from")]
    pub from: String,
    /// Percent per quarter, adding to 100 (`from = "weights"`).
    #[serde(default)]
    pub quarter_weights: Vec<u32>,
    /// Percent of the annual total given to the quarterly part when there are annual
    /// components (e.g. 95, beside a 评议 indicator of weight 0.05); default 100.
    #[serde(default = "default_hundred")]
    pub quarters_weight: f64,
    pub red: Option<u32>,
    pub black: Option<u32>,
    #[serde(default)]
    pub grades: Vec<GradeSpec>,
    /// 公示期 in days (0: the result is final at 揭榜).
    #[serde(default)]
    pub publicity_days: u32,
}

fn default_from() -> String {
    "weights".into()
}

fn default_hundred() -> f64 {
    100.0
}

impl CompetitionSpec {
    /// The year's result as the engine takes it (checked by `check_annual`).
    #[must_use]
    pub fn annual_rule(&self) -> Option<AnnualRule> {
        let a = self.annual.as_ref()?;
        let basis = match a.from.trim() {
            "sum" => QuarterBasis::Sum,
            "mean" => QuarterBasis::Mean,
            "q4_cumulative" => QuarterBasis::Q4Cumulative,
            _ => QuarterBasis::Weights(a.quarter_weights.clone()),
        };
        Some(AnnualRule {
            basis,
            quarters_weight: (a.quarters_weight != 100.0)
                .then(|| exact_positive(a.quarters_weight / 100.0, 1).ok())
                .flatten(),
            red: a.red,
            black: a.black,
            grades: band_rules(&a.grades)
                .into_iter()
                .map(|g| (g.name, g.min, g.quota_percent))
                .collect(),
            publicity_days: a.publicity_days,
        })
    }
}

/// Every mistake in `[annual]` and the annual indicators, in Chinese.
pub(super) fn check_annual(spec: &CompetitionSpec, errs: &mut Vec<String>) {
    let annual_indicators = spec.indicators.iter().filter(|i| i.annual).count();
    let Some(a) = &spec.annual else {
        if annual_indicators > 0 {
            errs.push(
                "有指标标为 annual（年度考评指标），但没有 [annual] 一节说明年度综合考评的算法"
                    .into(),
            );
        }
        return;
    };
    match a.from.trim() {
        "weights" => {
            if a.quarter_weights.len() != 4 || a.quarter_weights.iter().sum::<u32>() != 100 {
                errs.push(format!(
                    "[annual] quarter_weights 应为四个季度的百分比，合计100（如 [20, 20, 30, 30]），而不是 {:?}",
                    a.quarter_weights
                ));
            }
        }
        "sum" | "mean" | "q4_cumulative" => {
            if !a.quarter_weights.is_empty() {
                errs.push(format!(
                    "[annual] from = \"{}\" 不用 quarter_weights；按季度加权请写 from = \"weights\"",
                    a.from.trim()
                ));
            }
        }
        other => errs.push(format!(
            "[annual] from 应为 weights（各季度加权）、sum（相加）、mean（平均）或 q4_cumulative（第四季度的全年累计），而不是「{other}」"
        )),
    }
    if !(a.quarters_weight > 0.0 && a.quarters_weight <= 100.0)
        || exact_positive(a.quarters_weight, 100).is_err()
    {
        errs.push(format!(
            "[annual] quarters_weight 应为大于0、不超过100的百分比（季度考评在年度综合考评中的占比），而不是 {}",
            a.quarters_weight
        ));
    } else if a.quarters_weight < 100.0 && annual_indicators == 0 {
        errs.push(format!(
            "[annual] quarters_weight = {}：季度考评之外还应有年度考评指标（annual = true，如群众评议）",
            a.quarters_weight
        ));
    }
    check_bands(&a.grades, "[[annual.grades]]", errs);
    if a.publicity_days > 60 {
        errs.push(format!(
            "[annual] publicity_days 应为 0 到 60（公示天数），而不是 {}",
            a.publicity_days
        ));
    }
}
