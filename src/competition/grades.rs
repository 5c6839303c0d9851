//! 等次 bands and the competition's 一票否决 rule as the competition file writes them.

use super::{CompetitionSpec, exact_positive};
use crate::domain::{Points, VetoRule};
use crate::ranking::GradeRule;
use serde::Deserialize;

/// One `[[grades]]` band: 优秀 from 90 points, at most 20 % of the group.
#[derive(Debug, Clone, Deserialize)]
pub struct GradeSpec {
    pub name: String,
    /// The least total that reaches the band (inclusive); absent on the last band only.
    pub min: Option<f64>,
    /// At most this percentage of the group's ranked units (rounded down).
    pub quota: Option<u32>,
}

/// Bands as the engine takes them.
pub(super) fn band_rules(bands: &[GradeSpec]) -> Vec<GradeRule> {
    bands
        .iter()
        .map(|g| GradeRule {
            name: g.name.trim().to_string(),
            min: g.min.map(CompetitionSpec::points_or_zero),
            quota_percent: g.quota,
        })
        .collect()
}

impl CompetitionSpec {
    /// The bands as the engine takes them (checked by `check_grades`).
    #[must_use]
    pub fn grade_rules(&self) -> Vec<GradeRule> {
        band_rules(&self.grades)
    }

    #[must_use]
    pub fn veto_rule(&self) -> VetoRule {
        self.competition
            .veto
            .as_deref()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_default()
    }

    /// A value that may be zero (a band from 0 points), exact to four decimals.
    pub(super) fn points_or_zero(v: f64) -> Points {
        if v == 0.0 {
            Points::ZERO
        } else {
            Self::points(v)
        }
    }
}

/// Every mistake in the bands and the veto rule, in Chinese.
pub(super) fn check_grades(spec: &CompetitionSpec, errs: &mut Vec<String>) {
    if let Some(v) = &spec.competition.veto
        && v.trim().parse::<VetoRule>().is_err()
    {
        errs.push(format!(
            "[competition] veto 应为 \"last\"（否决单位排在最后）或 \"no_top\"（保留名次，不得评先），而不是「{v}」"
        ));
    }
    check_bands(&spec.grades, "[[grades]]", errs);
}

/// Every mistake in a list of 等次 bands (`what` names the list in the messages).
pub(super) fn check_bands(g: &[GradeSpec], what: &str, errs: &mut Vec<String>) {
    if g.len() == 1 {
        errs.push(format!(
            "{what} 至少要有两个等次（最后一个不写 min，表示其余单位）"
        ));
    }
    let mut last_min: Option<Points> = None;
    for (k, band) in g.iter().enumerate() {
        let name = band.name.trim();
        if name.is_empty() {
            errs.push(format!("第{}个等次缺少名称 name", k + 1));
        }
        if g[..k].iter().any(|o| o.name.trim() == name) {
            errs.push(format!("等次「{name}」重复"));
        }
        let is_last = k + 1 == g.len();
        match (band.min, is_last) {
            (Some(_), true) => errs.push(format!(
                "最后一个等次「{name}」不应写 min：它包括其余所有参与排名的单位"
            )),
            (None, false) => errs.push(format!("等次「{name}」缺少最低分 min")),
            (Some(m), false) => {
                let p = if m == 0.0 {
                    Ok(Points::ZERO)
                } else {
                    exact_positive(m, 1_000_000)
                };
                match p {
                    Err(e) => errs.push(format!("等次「{name}」的最低分 min {e}")),
                    Ok(p) => {
                        if last_min.is_some_and(|l| p >= l) {
                            errs.push(format!(
                                "等次「{name}」的最低分 min 应低于上一个等次的最低分"
                            ));
                        }
                        last_min = Some(p);
                    }
                }
            }
            (None, true) => {}
        }
        if let Some(q) = band.quota
            && !(1..=100).contains(&q)
        {
            errs.push(format!(
                "等次「{name}」的名额比例 quota 应为 1 到 100（百分比），而不是 {q}"
            ));
        }
        if band.quota.is_some() && is_last {
            errs.push(format!("最后一个等次「{name}」不设名额比例 quota"));
        }
    }
}
