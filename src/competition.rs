//! The competition's structure: groups, units and indicators. Read from a TOML file plus a
//! units CSV (`CompetitionSpec`), and, once stored, looked up by name (`Catalog`). Pure.

use crate::domain::{CutTies, Direction, MissingPolicy, Points, UnitKind};
use crate::tabular::{self, RowRef, TabularError};
use crate::text::{normalize_name, trim_cell};
use rustc_hash::FxHashMap;
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
    /// Totals are rounded to this many decimals before ranking (保留N位小数); absent: exact.
    pub total_decimals: Option<u8>,
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
        if let Some(d) = spec.competition.total_decimals
            && d > 4
        {
            errs.push(format!(
                "[competition] total_decimals 应为 0 到 4（总分保留的小数位数），而不是 {d}"
            ));
        }
        for g in &spec.groups {
            if UnitKind::parse(&g.kind).is_none() {
                errs.push(format!("组别「{}」的 kind 应为 区、街道 或 部门", g.name));
            }
            for t in &g.tie_break {
                match spec
                    .indicators
                    .iter()
                    .find(|i| &i.name == t || &i.code == t)
                {
                    None => errs.push(format!("组别「{}」的 tie_break 指标「{t}」不存在", g.name)),
                    Some(i) if !i.groups.contains(&g.name) => errs.push(format!(
                        "组别「{}」的 tie_break 指标「{t}」不适用于该组别",
                        g.name
                    )),
                    Some(_) => {}
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
        }
        match parse_units(units_csv, &spec.groups) {
            Ok(u) => spec.units = u,
            Err(mut e) => errs.append(&mut e),
        }
        if errs.is_empty() { Ok(spec) } else { Err(errs) }
    }

    /// An indicator's maximum, as validated by `parse`.
    pub fn points(v: f64) -> Points {
        exact_positive(v, i64::MAX).unwrap_or(Points::ZERO)
    }

    pub fn missing_policy(&self) -> MissingPolicy {
        MissingPolicy::parse(&self.competition.missing).unwrap_or(MissingPolicy::Zero)
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

/// What stops reading the units list: no header, or text that is not CSV.
struct UnitsStop(String);

impl From<TabularError> for UnitsStop {
    fn from(e: TabularError) -> Self {
        UnitsStop(format!("单位名单：{e}"))
    }
}

/// Units CSV: `单位,简称,别名,类型,组别` (aliases separated by `;`, `；` or `、`), any encoding
/// the score importer accepts. Display order is row order.
fn parse_units(bytes: &[u8], groups: &[GroupSpec]) -> Result<Vec<UnitSpec>, Vec<String>> {
    let (decoded, _) = tabular::decode(bytes).map_err(|e| vec![format!("单位名单：{e}")])?;
    let mut cols: Option<HashMap<&'static str, usize>> = None;
    let mut units = Vec::new();
    let mut rows = Vec::new();
    let mut errs = Vec::new();
    let walked = tabular::for_each_row(&decoded, |row, cells: RowRef<'_>| {
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
                    return Err(UnitsStop(format!(
                        "单位名单第{row}行表头应包含「单位」「类型」「组别」列"
                    )));
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
            rows.push(row);
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
    if let Err(UnitsStop(e)) = walked {
        errs.push(e);
    } else if units.is_empty() && errs.is_empty() {
        errs.push("单位名单没有任何单位".into());
    }
    errs.extend(name_collisions(&units, &rows));
    if errs.is_empty() {
        Ok(units)
    } else {
        Err(errs)
    }
}

/// Every name a file may use for a unit — full name, short name, aliases — must name exactly
/// one unit after the importer's normalising (full-width folded, spaces removed): otherwise a
/// score could be booked to the wrong unit. `rows` are the units' rows in the CSV.
fn name_collisions(units: &[UnitSpec], rows: &[usize]) -> Vec<String> {
    let mut seen: HashMap<String, (usize, &'static str, &str)> = HashMap::new();
    let mut errs = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let names = std::iter::once(("名称", u.name.as_str()))
            .chain(u.short_name.iter().map(|n| ("简称", n.as_str())))
            .chain(u.aliases.iter().map(|n| ("别名", n.as_str())));
        for (role, name) in names {
            let key = normalize_name(name);
            match seen.get(&key) {
                Some(&(j, other_role, other)) if j != i => errs.push(format!(
                    "单位名单第{}行：「{}」的{role}「{name}」与第{}行「{}」的{other_role}「{other}」相同（忽略全角半角和空格后），导入时无法区分，请修改其中一个",
                    rows[i], u.name, rows[j], units[j].name
                )),
                Some(_) => {}
                None => {
                    seen.insert(key, (i, role, name));
                }
            }
        }
    }
    errs
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
    unit_by_name: FxHashMap<String, usize>,
    /// Names that more than one stored unit answers to.
    ambiguous_units: FxHashMap<String, Vec<usize>>,
    /// Several indicators may share a name in different groups.
    indicator_by_name: FxHashMap<String, Vec<usize>>,
}

impl Catalog {
    pub fn new(
        groups: Vec<CatalogGroup>,
        units: Vec<CatalogUnit>,
        indicators: Vec<CatalogIndicator>,
    ) -> Catalog {
        // A name shared by two units (only possible in a database from before `init` refused
        // that) names neither: the importer reports it instead of guessing.
        let mut unit_by_name = FxHashMap::default();
        let mut ambiguous_units: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, u) in units.iter().enumerate() {
            for name in std::iter::once(&u.name).chain(&u.aliases) {
                let key = normalize_name(name);
                match unit_by_name.get(&key) {
                    Some(&j) if j != i => {
                        let list = ambiguous_units.entry(key).or_insert_with(|| vec![j]);
                        if !list.contains(&i) {
                            list.push(i);
                        }
                    }
                    Some(_) => {}
                    None => {
                        unit_by_name.insert(key, i);
                    }
                }
            }
        }
        for key in ambiguous_units.keys() {
            unit_by_name.remove(key);
        }
        let mut indicator_by_name: FxHashMap<String, Vec<usize>> = FxHashMap::default();
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
            ambiguous_units,
            indicator_by_name,
        }
    }

    /// A unit by full name, short name or alias; `None` also when the name is shared by
    /// several units (see `units_sharing`).
    pub fn find_unit(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.unit_by_name.get(name) {
            return Some(i);
        }
        self.unit_by_name.get(&normalize_name(name)).copied()
    }

    /// The units that all answer to `name`, when more than one does.
    pub fn units_sharing(&self, name: &str) -> &[usize] {
        self.ambiguous_units
            .get(&normalize_name(name))
            .map_or(&[], Vec::as_slice)
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
