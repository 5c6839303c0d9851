//! A scheme as the importer sees it: names, aliases, maxima and applicability (`Catalog`).

use super::Structure;
use crate::competition::{Catalog, CatalogGroup, CatalogIndicator, CatalogUnit};
use crate::domain::{GroupId, PeriodKey};

impl Structure {
    /// The importer's view for a period: the year's result takes its components' values
    /// (a 评议 score), a quarter its indicators'.
    #[must_use]
    pub fn catalog_for(&self, period: Option<PeriodKey>) -> Catalog {
        if period.is_some_and(PeriodKey::is_annual) {
            Structure {
                indicators: self.annual_indicators.clone(),
                ..self.clone()
            }
            .catalog()
        } else {
            self.catalog()
        }
    }

    /// The importer's view: names, aliases, maxima and applicability.
    #[must_use]
    pub fn catalog(&self) -> Catalog {
        let group_index = |id: GroupId| self.groups.iter().position(|g| g.id == id).unwrap_or(0);
        Catalog::new(
            self.groups
                .iter()
                .map(|g| CatalogGroup {
                    id: g.id,
                    name: g.name.clone(),
                })
                .collect(),
            self.units
                .iter()
                .map(|u| CatalogUnit {
                    id: u.id,
                    name: u.name.clone(),
                    group: group_index(u.group_id),
                    aliases: u.short_name.iter().chain(&u.aliases).cloned().collect(),
                })
                .collect(),
            self.indicators
                .iter()
                .map(|i| CatalogIndicator {
                    id: i.id,
                    code: i.code.clone(),
                    name: i.name.clone(),
                    provider: i.provider.clone(),
                    max: i.max,
                    raw: i.scoring.is_some(),
                    count: i.scoring.as_ref().is_some_and(|s| s.method == "deduction"),
                    list: i.scoring.as_ref().is_some_and(|s| s.list),
                    groups: i.groups.iter().map(|&g| group_index(g)).collect(),
                })
                .collect(),
        )
        .for_years(self.years().0, self.years().1)
    }
}
