//! The competition's structure: groups, units and indicators. Read from a TOML file plus a
//! units CSV (`CompetitionSpec`), and, once stored, looked up by name (`Catalog`). Pure.

pub mod annual;
mod catalog;
mod changes;
mod grades;
pub mod method;
mod units;

pub use catalog::{Catalog, CatalogGroup, CatalogIndicator, CatalogUnit, NotOwned};
pub use changes::SchemeDiff;
pub use grades::GradeSpec;
pub use method::{GroupParams, MethodParams};

use crate::domain::{CutTies, Direction, MissingPolicy, Points, UnitKind};
use serde::Deserialize;
use units::parse_units;

#[derive(Debug, Clone, Deserialize)]
pub struct CompetitionSpec {
    pub competition: CompetitionHead,
    #[serde(default, rename = "groups")]
    pub groups: Vec<GroupSpec>,
    #[serde(default, rename = "indicators")]
    pub indicators: Vec<IndicatorSpecToml>,
    /// 等次 bands, top first (`[[grades]]`); none: no 等次.
    #[serde(default)]
    pub grades: Vec<GradeSpec>,
    /// How the year's result (年度综合考评) is made; none: the scheme has none.
    #[serde(default)]
    pub annual: Option<annual::AnnualSpec>,
    #[serde(skip)]
    pub units: Vec<UnitSpec>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CompetitionHead {
    pub name: String,
    pub year: i32,
    #[serde(default)]
    pub demo: bool,
    #[serde(default = "default_missing")]
    pub missing: String,
    /// Totals are rounded to this many decimals before ranking (保留N位小数); absent: exact.
    pub total_decimals: Option<u8>,
    /// The office's time zone, in which 定时揭榜 is entered and times are shown (default
    /// Asia/Shanghai, whatever the server's own zone).
    pub time_zone: Option<String>,
    /// 序时进度: a unit behind the year's time progress by less than this many percentage
    /// points is shown 黄, by more 红 (default 5).
    #[serde(default = "default_progress_yellow")]
    pub progress_yellow: f64,
    /// 一票否决: `last` (the default: ranked after the others, lowest 等次) or `no_top`.
    pub veto: Option<String>,
    /// Streaks (连续N期红榜/黑榜/末位/进位) are shown from this many published periods on; 0 (the
    /// default) shows none.
    #[serde(default)]
    pub streak_from: u32,
    /// 流动红旗: the group's first place holds it, and the board says from whom it passed.
    #[serde(default)]
    pub red_flag: bool,
    /// 逾期报送扣分: points deducted for each indicator whose value arrived after its 报送截止
    /// (0, the default: lateness is only marked).
    #[serde(default)]
    pub late_penalty: f64,
    /// 发文单位, e.g. 西山区考评办: heads the printed board (the 通报) and signs it.
    pub issuer: Option<String>,
}

fn default_progress_yellow() -> f64 {
    5.0
}

fn default_missing() -> String {
    "zero".into()
}

#[derive(Debug, Clone, Deserialize)]
pub struct GroupSpec {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub red: u32,
    #[serde(default)]
    pub black: u32,
    /// Indicator names or codes, applied in order when totals are equal.
    #[serde(default)]
    pub tie_break: Vec<String>,
    /// Units tied across a 红榜/黑榜 cut: `all-in` (default) or `all-out`.
    #[serde(default)]
    pub cut_ties: CutTies,
    /// A unit ranked in the top half is never on the 黑榜 (default true).
    #[serde(default = "default_true")]
    pub black_spares_top_half: bool,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
pub struct IndicatorSpecToml {
    pub name: String,
    pub code: String,
    pub max: f64,
    pub weight: Option<f64>,
    #[serde(default = "default_direction")]
    pub direction: String,
    pub groups: Vec<String>,
    /// Who reports it (报送单位), e.g. 区统计局: that provider's accounts may upload it.
    #[serde(default)]
    pub provider: Option<String>,
    /// What a raw value is measured in (万元, %, 起); shown beside raw values.
    #[serde(default)]
    pub measure: Option<String>,
    /// How raw values become points (`direct`: the value is the points, the default).
    #[serde(default = "default_method")]
    pub method: String,
    /// The method's numbers.
    #[serde(default)]
    pub params: MethodParams,
    /// A group's own numbers where they differ.
    #[serde(default)]
    pub group_params: Vec<GroupParams>,
    /// Computed points are rounded (四舍五入) to this many decimals (default 2).
    #[serde(default = "default_decimals")]
    pub decimals: u8,
    /// The raw value is the year so far (1–N月累计): its target for a quarter is the annual
    /// target × N/4 (序时进度) unless a quarterly target is set.
    #[serde(default)]
    pub cumulative: bool,
    /// A component of the year's result only (a 评议 score), never of a quarter.
    #[serde(default)]
    pub annual: bool,
}

fn default_method() -> String {
    "direct".into()
}

fn default_decimals() -> u8 {
    2
}

impl IndicatorSpecToml {
    /// The scoring rule in `group` (its own numbers where given), or why there is none.
    pub fn rule_for(&self, group: &str) -> Result<crate::scoring::Rule, String> {
        let params = self
            .group_params
            .iter()
            .find(|g| g.group == group)
            .map_or(&self.params, |g| &g.params);
        method::rule(
            &self.method,
            params,
            CompetitionSpec::points(self.max),
            self.direction.parse().unwrap_or(Direction::Higher),
            self.decimals,
        )
    }
}

fn default_direction() -> String {
    "higher".into()
}

#[derive(Debug, Clone)]
pub struct UnitSpec {
    pub name: String,
    pub short_name: Option<String>,
    pub aliases: Vec<String>,
    pub kind: UnitKind,
    pub group: String,
    /// A new year's list only: the unit's name in the year before (原名称), when renamed.
    pub former: Option<String>,
    /// A new year's list only: the units merged into this one (合并自).
    pub merged_from: Vec<String>,
    /// A new year's list only: the unit this one was split off (拆分自).
    pub split_from: Option<String>,
}

impl CompetitionSpec {
    /// Parses the competition TOML and the units CSV, checking that they agree.
    pub fn parse(toml_text: &str, units_csv: &[u8]) -> Result<CompetitionSpec, Vec<String>> {
        let mut spec: CompetitionSpec =
            toml::from_str(toml_text).map_err(|e| vec![format!("竞赛配置文件有误：{e}")])?;
        let mut errs = Vec::new();
        if spec.competition.missing.parse::<MissingPolicy>().is_err() {
            errs.push(format!(
                "[competition] missing 应为 \"zero\" 或 \"exclude\"，而不是「{}」",
                spec.competition.missing
            ));
        }
        if let Some(z) = &spec.competition.time_zone
            && let Err(e) = z.parse::<crate::domain::Zone>()
        {
            errs.push(format!("[competition] time_zone：{e}"));
        }
        if let Err(e) = exact_positive(spec.competition.progress_yellow, 100) {
            errs.push(format!("[competition] progress_yellow {e}"));
        }
        grades::check_grades(&spec, &mut errs);
        annual::check_annual(&spec, &mut errs);
        if let Some(i) = &spec.competition.issuer
            && (i.trim().is_empty() || i.chars().count() > 40)
        {
            errs.push(format!(
                "[competition] issuer「{i}」应为发文单位名称，1至40个字"
            ));
        }
        if spec.competition.late_penalty != 0.0
            && let Err(e) = exact_positive(spec.competition.late_penalty, 100)
        {
            errs.push(format!("[competition] late_penalty {e}"));
        }
        if spec.competition.streak_from == 1 || spec.competition.streak_from > 20 {
            errs.push(format!(
                "[competition] streak_from 应为 2 到 20（连续几期起标注），或 0（不标注），而不是 {}",
                spec.competition.streak_from
            ));
        }
        if let Some(d) = spec.competition.total_decimals
            && d > 4
        {
            errs.push(format!(
                "[competition] total_decimals 应为 0 到 4（总分保留的小数位数），而不是 {d}"
            ));
        }
        for g in &spec.groups {
            if g.kind.trim().parse::<UnitKind>().is_err() {
                errs.push(format!("组别「{}」的 kind 应为 区、街道 或 部门", g.name));
            }
            // Names may repeat across groups: a name is looked up among the group's own
            // indicators first, and only said to be another group's when none matches.
            for t in &g.tie_break {
                let named = |i: &&IndicatorSpecToml| &i.name == t || &i.code == t;
                if spec
                    .indicators
                    .iter()
                    .filter(named)
                    .any(|i| i.groups.contains(&g.name))
                {
                    continue;
                }
                if spec.indicators.iter().any(|i| named(&i)) {
                    errs.push(format!(
                        "组别「{}」的 tie_break 指标「{t}」不适用于该组别",
                        g.name
                    ));
                } else {
                    errs.push(format!("组别「{}」的 tie_break 指标「{t}」不存在", g.name));
                }
            }
        }
        for (k, i) in spec.indicators.iter().enumerate() {
            for j in &spec.indicators[..k] {
                if j.code == i.code {
                    errs.push(format!("指标代码「{}」重复", i.code));
                }
                if j.name == i.name && j.groups.iter().any(|g| i.groups.contains(g)) {
                    errs.push(format!("指标「{}」在同一组别中重复", i.name));
                }
            }
            if i.direction.parse::<Direction>().is_err() {
                errs.push(format!(
                    "指标「{}」的 direction 应为 higher 或 lower",
                    i.name
                ));
            }
            if let Err(e) = exact_positive(i.max, MAX_POINTS) {
                errs.push(format!("指标「{}」的满分 max {e}", i.name));
            }
            if let Some(w) = i.weight
                && let Err(e) = exact_positive(w, MAX_WEIGHT)
            {
                errs.push(format!("指标「{}」的权重 weight {e}", i.name));
            }
            for g in &i.groups {
                if !spec.groups.iter().any(|x| &x.name == g) {
                    errs.push(format!("指标「{}」适用的组别「{g}」不存在", i.name));
                }
            }
            if i.decimals > 4 {
                errs.push(format!(
                    "指标「{}」的 decimals 应为 0 到 4，而不是 {}",
                    i.name, i.decimals
                ));
            }
            for gp in &i.group_params {
                if !i.groups.contains(&gp.group) {
                    errs.push(format!(
                        "指标「{}」的 group_params 组别「{}」不是该指标适用的组别",
                        i.name, gp.group
                    ));
                }
            }
            for g in &i.groups {
                if let Err(e) = i.rule_for(g) {
                    errs.push(format!("指标「{}」（{g}）的计分方法：{e}", i.name));
                }
            }
        }
        match parse_units(units_csv, &spec.groups) {
            Ok(u) => spec.units = u,
            Err(mut e) => errs.append(&mut e),
        }
        if errs.is_empty() { Ok(spec) } else { Err(errs) }
    }

    /// An indicator's maximum, as validated by `parse`.
    #[must_use]
    pub fn points(v: f64) -> Points {
        exact_positive(v, i64::MAX).unwrap_or(Points::ZERO)
    }

    #[must_use]
    pub fn missing_policy(&self) -> MissingPolicy {
        self.competition
            .missing
            .parse()
            .unwrap_or(MissingPolicy::Zero)
    }
}

/// The largest maximum an indicator may have, and the largest weight: far beyond any real
/// scheme, and small enough that no total can overflow.
const MAX_POINTS: i64 = 100_000;
const MAX_WEIGHT: i64 = 1_000;

/// A positive number with at most four decimals, exactly as written in the TOML file (a TOML
/// float prints back as its shortest exact spelling, so `0.33333` is seen as written and
/// refused, never silently rounded to 0.3333), no larger than `limit`.
fn exact_positive(v: f64, limit: i64) -> Result<Points, String> {
    let written = v.to_string();
    let p = Points::parse_decimal(&written)
        .ok_or_else(|| format!("应为最多4位小数的数（如 0.15、0.3333），而不是「{written}」"))?;
    if p.0 <= 0 {
        return Err(format!("应大于0，而不是「{written}」"));
    }
    if p > Points::from_int(limit.min(i64::MAX / crate::domain::SCALE)) {
        return Err(format!("不应超过{limit}，而不是「{written}」"));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: &[u8] = "单位,简称,别名,类型,组别\n甲街道,,,街道,街道组\n乙街道,,,街道,街道组\n丙局,,,部门,部门组\n丁局,,,部门,部门组\n".as_bytes();

    pub(crate) fn toml(tie_break: &str) -> String {
        format!(
            r#"
[competition]
name = "测试"
year = 2024

[[groups]]
name = "街道组"
kind = "街道"

[[groups]]
name = "部门组"
kind = "部门"
tie_break = [{tie_break}]

[[indicators]]
name = "营商环境"
code = "S1"
max = 10
groups = ["街道组"]

[[indicators]]
name = "营商环境"
code = "D1"
max = 20
groups = ["部门组"]
"#
        )
    }

    #[test]
    fn a_tie_break_name_is_looked_up_within_its_group() {
        // Both groups have an indicator named 营商环境; the departments' is meant.
        let spec = CompetitionSpec::parse(&toml("\"营商环境\""), UNITS).expect("valid");
        assert_eq!(spec.groups[1].tie_break, vec!["营商环境".to_string()]);
        // By code it works as before, and a name no indicator has is still refused.
        assert!(CompetitionSpec::parse(&toml("\"D1\""), UNITS).is_ok());
        let errs = CompetitionSpec::parse(&toml("\"招商引资\""), UNITS).unwrap_err();
        assert!(errs.iter().any(|e| e.contains("不存在")), "{errs:?}");
        // Another group's indicator by its code is refused as not applying.
        let errs = CompetitionSpec::parse(&toml("\"S1\""), UNITS).unwrap_err();
        assert!(
            errs.iter().any(|e| e.contains("不适用于该组别")),
            "{errs:?}"
        );
    }
}
