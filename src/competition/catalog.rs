//! The stored structure indexed for the importer's name look-ups, with typo suggestions.

use crate::domain::{GroupId, IndicatorId, Points, UnitId};
use crate::text::normalize_name;
use rustc_hash::FxHashMap;

#[derive(Debug, Clone)]
pub struct CatalogGroup {
    pub id: GroupId,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct CatalogUnit {
    pub id: UnitId,
    pub name: String,
    pub group: usize,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CatalogIndicator {
    pub id: IndicatorId,
    pub code: String,
    pub name: String,
    pub max: Points,
    /// Its cells are raw figures (万元, %, 起) that a scoring method turns into points: any
    /// size, negative too, never checked against `max`.
    pub raw: bool,
    /// The raw figure is a count of events (扣分制): never below 0.
    pub count: bool,
    /// Scored from a 明细清单, never from a cell.
    pub list: bool,
    /// Indices into the catalog's groups.
    pub groups: Vec<usize>,
    /// Who reports it (报送单位), if assigned.
    pub provider: Option<String>,
}

/// The largest raw figure a cell may hold (in its measure: 万元, %, 起), either sign.
pub const MAX_RAW: Points = Points(1_000_000_000_000 * crate::domain::SCALE);

impl CatalogIndicator {
    /// The values a cell may hold: 0 to its max in points, or any raw figure up to `MAX_RAW`
    /// either way.
    #[must_use]
    pub fn range(&self) -> (Points, Option<Points>) {
        if self.count {
            (Points::ZERO, Some(MAX_RAW))
        } else if self.raw {
            (Points(-MAX_RAW.0), Some(MAX_RAW))
        } else {
            (Points::ZERO, Some(self.max))
        }
    }
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
    /// Set for an upload by a 报送单位: only its own indicators may be written.
    only_provider: Option<String>,
    /// The years whose periods this scheme ranks (first and last, inclusive).
    years: Option<(i32, i32)>,
}

/// Why a provider may not write a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotOwned {
    /// An indicator reported by another provider (or by none).
    Indicator { owner: Option<String> },
    /// Bonus, penalty and remarks are the 考评办's.
    Adjustment,
}

impl Catalog {
    #[must_use]
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
            only_provider: None,
            years: None,
        }
    }

    /// The same catalog for an upload by a 报送单位 (`None`: no restriction).
    #[must_use]
    pub fn restricted_to(mut self, provider: Option<&str>) -> Catalog {
        self.only_provider = provider.map(str::to_string);
        self
    }

    /// The catalog of the scheme that ranks the years `first..=last`.
    #[must_use]
    pub fn for_years(mut self, first: i32, last: i32) -> Catalog {
        self.years = Some((first, last));
        self
    }

    /// Whether a period of `year` is ranked under this catalog's scheme.
    #[must_use]
    pub fn covers(&self, year: i32) -> bool {
        self.years.is_none_or(|(a, b)| (a..=b).contains(&year))
    }

    /// The provider an upload is restricted to, if any.
    #[must_use]
    pub fn provider(&self) -> Option<&str> {
        self.only_provider.as_deref()
    }

    /// Whether this upload may write an indicator (`None`: bonus, penalty or remark).
    pub fn may_write(&self, indicator: Option<usize>) -> Result<(), NotOwned> {
        let Some(me) = &self.only_provider else {
            return Ok(());
        };
        match indicator {
            None => Err(NotOwned::Adjustment),
            Some(i) => {
                let owner = self.indicators.get(i).and_then(|x| x.provider.clone());
                if owner.as_deref() == Some(me.as_str()) {
                    Ok(())
                } else {
                    Err(NotOwned::Indicator { owner })
                }
            }
        }
    }

    /// A unit by full name, short name or alias; `None` also when the name is shared by
    /// several units (see `units_sharing`).
    #[must_use]
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
    #[must_use]
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
    #[must_use]
    pub fn find_indicator_for_group(&self, name: &str, group: usize) -> Option<usize> {
        self.find_indicators(name)
            .iter()
            .copied()
            .find(|&i| self.indicators[i].groups.contains(&group))
    }

    #[must_use]
    pub fn suggest_unit(&self, name: &str) -> Option<String> {
        nearest(
            &normalize_name(name),
            self.units.iter().flat_map(|u| {
                std::iter::once((u.name.as_str(), u.name.as_str()))
                    .chain(u.aliases.iter().map(move |a| (a.as_str(), u.name.as_str())))
            }),
        )
    }

    #[must_use]
    pub fn suggest_indicator(&self, name: &str) -> Option<String> {
        nearest(
            &normalize_name(name),
            self.indicators
                .iter()
                .map(|i| (i.name.as_str(), i.name.as_str())),
        )
    }
}

/// Longest input a name is suggested for (names are at most a few dozen characters).
const MAX_SUGGESTED_CHARS: usize = 64;

/// The closest candidate by edit distance over characters, when it is close enough to be a typo.
/// Candidates are (text to compare, name to suggest).
fn nearest<'a>(
    input: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
) -> Option<String> {
    let len = input.chars().count();
    // A typo is close to a name in length too; the edit distance of a huge cell against every
    // name would cost seconds and suggest nothing.
    if len == 0 || len > MAX_SUGGESTED_CHARS {
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
            id: GroupId(1),
            name: "街道组".into(),
        }];
        let units = ["金碧街道", "马街街道", "前卫街道"]
            .iter()
            .enumerate()
            .map(|(i, n)| CatalogUnit {
                id: UnitId(i as i64 + 1),
                name: n.to_string(),
                group: 0,
                aliases: vec![n.trim_end_matches("街道").to_string()],
            })
            .collect();
        let indicators = vec![CatalogIndicator {
            id: IndicatorId(1),
            code: "gdzctz".into(),
            name: "固定资产投资".into(),
            max: Points::from_int(20),
            raw: false,
            count: false,
            list: false,
            groups: vec![0],
            provider: Some("区统计局".into()),
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
