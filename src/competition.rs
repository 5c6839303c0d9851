//! The competition's structure: groups, units and indicators. Read from a TOML file plus a
//! units CSV (`CompetitionSpec`), and, once stored, looked up by name (`Catalog`). Pure.

use crate::domain::{Direction, MissingPolicy, Points, UnitKind};
use crate::import::decode::{self, RowRef};
use crate::import::number::{to_half_width, trim_cell};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Deserialize)]
pub struct CompetitionSpec {
    pub competition: CompetitionHead,
    #[serde(default, rename = "groups")]
    pub groups: Vec<GroupSpec>,
    #[serde(default, rename = "indicators")]
    pub indicators: Vec<IndicatorSpecToml>,
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
}

impl CompetitionSpec {
    /// Parses the competition TOML and the units CSV, checking that they agree.
    pub fn parse(toml_text: &str, units_csv: &[u8]) -> Result<CompetitionSpec, Vec<String>> {
        let mut spec: CompetitionSpec =
            toml::from_str(toml_text).map_err(|e| vec![format!("竞赛配置文件有误：{e}")])?;
        let mut errs = Vec::new();
        if MissingPolicy::parse(&spec.competition.missing).is_none() {
            errs.push(format!(
                "[competition] missing 应为 \"zero\" 或 \"exclude\"，而不是「{}」",
                spec.competition.missing
            ));
        }
        for g in &spec.groups {
            if UnitKind::parse(&g.kind).is_none() {
                errs.push(format!("组别「{}」的 kind 应为 区、街道 或 部门", g.name));
            }
            for t in &g.tie_break {
                if !spec.indicators.iter().any(|i| &i.name == t || &i.code == t) {
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
            if Direction::parse(&i.direction).is_none() {
                errs.push(format!(
                    "指标「{}」的 direction 应为 higher 或 lower",
                    i.name
                ));
            }
            if i.max.is_nan() || i.max <= 0.0 {
                errs.push(format!("指标「{}」的满分 max 应大于0", i.name));
            }
            for g in &i.groups {
                if !spec.groups.iter().any(|x| &x.name == g) {
                    errs.push(format!("指标「{}」适用的组别「{g}」不存在", i.name));
                }
            }
        }
        match parse_units(units_csv, &spec.groups) {
            Ok(u) => spec.units = u,
            Err(mut e) => errs.append(&mut e),
        }
        if errs.is_empty() { Ok(spec) } else { Err(errs) }
    }

    pub fn missing_policy(&self) -> MissingPolicy {
        MissingPolicy::parse(&self.competition.missing).unwrap_or(MissingPolicy::Zero)
    }
}

/// Units CSV: `单位,简称,别名,类型,组别` (aliases separated by `;`, `；` or `、`), any encoding
/// the score importer accepts. Display order is row order.
fn parse_units(bytes: &[u8], groups: &[GroupSpec]) -> Result<Vec<UnitSpec>, Vec<String>> {
    let (decoded, _) = decode::decode(bytes).map_err(|e| vec![format!("单位名单：{e}")])?;
    let mut cols: Option<HashMap<&'static str, usize>> = None;
    let mut units = Vec::new();
    let mut errs = Vec::new();
    let _ = decode::for_each_row(&decoded, |row, cells: RowRef<'_>| {
        if cells.is_blank() {
            return Ok(());
        }
        let Some(c) = &cols else {
            let mut m = HashMap::new();
            for i in 0..cells.len() {
                let h = trim_cell(cells.get(i));
                let key = match h {
                    "单位" | "单位名称" => "name",
                    "简称" => "short",
                    "别名" => "aliases",
                    "类型" => "kind",
                    "组别" => "group",
                    _ => continue,
                };
                m.insert(key, i);
            }
            for need in ["name", "kind", "group"] {
                if !m.contains_key(need) {
                    errs.push(format!(
                        "单位名单第{row}行表头应包含「单位」「类型」「组别」列"
                    ));
                    return Err(crate::import::ImportError::NoHeader);
                }
            }
            cols = Some(m);
            return Ok(());
        };
        let get = |k: &str| c.get(k).map_or("", |&i| trim_cell(cells.get(i)));
        let name = get("name").to_string();
        let kind = UnitKind::parse(get("kind"));
        let group = get("group").to_string();
        if name.is_empty() {
            errs.push(format!("单位名单第{row}行：单位名称为空"));
        }
        if kind.is_none() {
            errs.push(format!(
                "单位名单第{row}行：类型「{}」应为 区、街道 或 部门",
                get("kind")
            ));
        }
        if !groups.iter().any(|g| g.name == group) {
            errs.push(format!(
                "单位名单第{row}行：组别「{group}」未在竞赛配置中定义"
            ));
        }
        if units.iter().any(|u: &UnitSpec| u.name == name) {
            errs.push(format!("单位名单第{row}行：单位「{name}」重复"));
        }
        let short = Some(get("short").to_string()).filter(|s| !s.is_empty());
        let aliases = get("aliases")
            .split([';', '；', '、', '|'])
            .map(|a| trim_cell(a).to_string())
            .filter(|a| !a.is_empty())
            .collect();
        if let Some(kind) = kind {
            units.push(UnitSpec {
                name,
                short_name: short,
                aliases,
                kind,
                group,
            });
        }
        Ok(())
    });
    if units.is_empty() && errs.is_empty() {
        errs.push("单位名单没有任何单位".into());
    }
    if errs.is_empty() {
        Ok(units)
    } else {
        Err(errs)
    }
}

#[derive(Debug, Clone)]
pub struct CatalogGroup {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct CatalogUnit {
    pub id: i64,
    pub name: String,
    pub group: usize,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CatalogIndicator {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub max: Points,
    /// Indices into the catalog's groups.
    pub groups: Vec<usize>,
}

/// The stored structure, indexed for name look-ups while importing.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub groups: Vec<CatalogGroup>,
    pub units: Vec<CatalogUnit>,
    pub indicators: Vec<CatalogIndicator>,
    unit_by_name: HashMap<String, usize, FnvBuild>,
    /// Several indicators may share a name in different groups.
    indicator_by_name: HashMap<String, Vec<usize>, FnvBuild>,
}

/// FNV-1a for the name look-ups: an import looks up two short names per row, a million times,
/// and the keys come from the competition's own structure (no untrusted key flooding).
#[derive(Debug, Clone, Copy, Default)]
pub struct FnvBuild;

#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

impl std::hash::BuildHasher for FnvBuild {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

/// Trims and folds full-width characters, so `马街街道　` and `马街街道` are the same name.
pub fn normalize_name(s: &str) -> String {
    trim_cell(s)
        .chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

impl Catalog {
    pub fn new(
        groups: Vec<CatalogGroup>,
        units: Vec<CatalogUnit>,
        indicators: Vec<CatalogIndicator>,
    ) -> Catalog {
        let mut unit_by_name = HashMap::with_hasher(FnvBuild);
        for (i, u) in units.iter().enumerate() {
            for a in &u.aliases {
                unit_by_name.insert(normalize_name(a), i);
            }
        }
        // Full names win over any alias that happens to equal another unit's name.
        for (i, u) in units.iter().enumerate() {
            unit_by_name.insert(normalize_name(&u.name), i);
        }
        let mut indicator_by_name: HashMap<String, Vec<usize>, FnvBuild> =
            HashMap::with_hasher(FnvBuild);
        for (i, ind) in indicators.iter().enumerate() {
            for key in [
                normalize_name(&ind.code),
                ind.code.to_ascii_lowercase(),
                normalize_name(&ind.name),
            ] {
                let list = indicator_by_name.entry(key).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        Catalog {
            groups,
            units,
            indicators,
            unit_by_name,
            indicator_by_name,
        }
    }

    /// A unit by full name, short name or alias.
    pub fn find_unit(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.unit_by_name.get(name) {
            return Some(i);
        }
        self.unit_by_name.get(&normalize_name(name)).copied()
    }

    /// Indicators with this name or code (several when groups share a name); a header like
    /// `固定资产投资（20分）` also matches.
    pub fn find_indicators(&self, name: &str) -> &[usize] {
        if let Some(v) = self.indicator_by_name.get(name) {
            return v;
        }
        let n = normalize_name(name);
        let stripped = n.split(['(', '（']).next().unwrap_or("").to_string();
        for key in [n.clone(), n.to_ascii_lowercase(), stripped] {
            if let Some(v) = self.indicator_by_name.get(&key) {
                return v;
            }
        }
        &[]
    }

    /// The indicator of this name that applies to a group.
    pub fn find_indicator_for_group(&self, name: &str, group: usize) -> Option<usize> {
        self.find_indicators(name)
            .iter()
            .copied()
            .find(|&i| self.indicators[i].groups.contains(&group))
    }

    pub fn suggest_unit(&self, name: &str) -> Option<String> {
        nearest(
            &normalize_name(name),
            self.units.iter().flat_map(|u| {
                std::iter::once((u.name.as_str(), u.name.as_str()))
                    .chain(u.aliases.iter().map(move |a| (a.as_str(), u.name.as_str())))
            }),
        )
    }

    pub fn suggest_indicator(&self, name: &str) -> Option<String> {
        nearest(
            &normalize_name(name),
            self.indicators
                .iter()
                .map(|i| (i.name.as_str(), i.name.as_str())),
        )
    }
}

/// The closest candidate by edit distance over characters, when it is close enough to be a typo.
/// Candidates are (text to compare, name to suggest).
fn nearest<'a>(
    input: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let len = input.chars().count();
    if len == 0 {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for (text, suggest) in candidates {
        let d = strsim::levenshtein(input, text);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, suggest));
        }
    }
    let (d, name) = best?;
    let limit = (len.max(2) / 2).max(1);
    (d <= limit).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let groups = vec![CatalogGroup {
            id: 1,
            name: "街道组".into(),
        }];
        let units = ["金碧街道", "马街街道", "前卫街道"]
            .iter()
            .enumerate()
            .map(|(i, n)| CatalogUnit {
                id: i as i64 + 1,
                name: n.to_string(),
                group: 0,
                aliases: vec![n.trim_end_matches("街道").to_string()],
            })
            .collect();
        let indicators = vec![CatalogIndicator {
            id: 1,
            code: "gdzctz".into(),
            name: "固定资产投资".into(),
            max: Points::from_int(20),
            groups: vec![0],
        }];
        Catalog::new(groups, units, indicators)
    }

    #[test]
    fn finds_units_by_name_alias_and_suggests_typos() {
        let c = catalog();
        assert_eq!(c.find_unit("马街街道"), Some(1));
        assert_eq!(c.find_unit(" 马街 "), Some(1));
        assert_eq!(c.find_unit("马衔街道"), None);
        assert_eq!(c.suggest_unit("马衔街道").as_deref(), Some("马街街道"));
        assert_eq!(c.suggest_unit("完全不同的名字"), None);
    }

    #[test]
    fn finds_indicators_by_name_code_and_decorated_header() {
        let c = catalog();
        assert_eq!(c.find_indicators("固定资产投资"), &[0]);
        assert_eq!(c.find_indicators("GDZCTZ"), &[0]);
        assert_eq!(c.find_indicators("固定资产投资（20分）"), &[0]);
        assert!(c.find_indicators("固定资产投入").is_empty());
        assert_eq!(c.find_indicator_for_group("固定资产投资", 0), Some(0));
        assert_eq!(
            c.suggest_indicator("固定资产投入").as_deref(),
            Some("固定资产投资")
        );
    }
}
