//! What a new year's scheme changes against the one before it (`ops::plan_scheme` finds it,
//! `present::scheme_changes` words it).

/// What the new scheme changes against the one in force before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemeDiff {
    /// The year of the scheme compared with.
    pub previous_year: i32,
    pub groups_added: Vec<String>,
    pub groups_removed: Vec<String>,
    /// Group name and what changed (its 红榜/黑榜 counts, tie-breaks), in words.
    pub groups_changed: Vec<(String, String)>,
    /// Indicator names (with code).
    pub indicators_added: Vec<String>,
    pub indicators_removed: Vec<String>,
    /// Indicator name and what changed, in words.
    pub indicators_changed: Vec<(String, String)>,
    pub grades_changed: bool,
    /// New units with no predecessor.
    pub units_added: Vec<String>,
    /// Units of the year before that do not continue (neither renamed nor merged).
    pub units_retired: Vec<String>,
    /// (name before, name now).
    pub units_renamed: Vec<(String, String)>,
    /// (unit, group before, group now).
    pub units_moved: Vec<(String, String, String)>,
    /// (unit, merged from).
    pub units_merged: Vec<(String, Vec<String>)>,
    /// (unit, split off from).
    pub units_split: Vec<(String, String)>,
}

impl SchemeDiff {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self
            == SchemeDiff {
                previous_year: self.previous_year,
                ..SchemeDiff::default()
            }
    }
}
