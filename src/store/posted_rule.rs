//! The rule of a computed indicator as a posted board keeps it (`board_snapshot.scoring`), and
//! an indicator read back under that rule.

use super::Result;
use super::structure::{IndicatorRow, IndicatorScoring, stored_rule};
use crate::domain::{GroupId, IndicatorId};

/// A computed indicator's rule in one group as a posted board keeps it (`board_snapshot.scoring`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostedRule {
    pub indicator: IndicatorId,
    pub method: String,
    pub params: String,
    pub decimals: u8,
    pub measure: Option<String>,
    pub cumulative: bool,
    pub list: bool,
}

impl IndicatorRow {
    /// Its rule in `group` as a posted board keeps it; `None` for a `direct` indicator.
    #[must_use]
    pub fn posted_rule(&self, group: GroupId) -> Option<PostedRule> {
        let sc = self.scoring.as_ref()?;
        Some(PostedRule {
            indicator: self.id,
            method: sc.method.clone(),
            params: sc.params.iter().find(|(g, _)| *g == group)?.1.clone(),
            decimals: sc.rule(group)?.decimals,
            measure: sc.measure.clone(),
            cumulative: sc.cumulative,
            list: sc.list,
        })
    }

    /// The indicator scored in `group` by `posted` (a posted board's rule), whatever its
    /// rule is now.
    pub fn with_posted_rule(&mut self, group: GroupId, posted: &PostedRule) -> Result<()> {
        let rule = stored_rule(self, &posted.method, &posted.params, posted.decimals)?;
        self.scoring = Some(IndicatorScoring {
            method: posted.method.clone(),
            measure: posted.measure.clone(),
            cumulative: posted.cumulative,
            rules: vec![(group, rule)],
            list: posted.list,
            params: vec![(group, posted.params.clone())],
        });
        Ok(())
    }
}
