//! The competition's structure in the database, loaded back (`install` writes it).

use super::{Result, StoreError};
use crate::domain::{
    CutTies, Direction, GroupId, IndicatorId, MissingPolicy, PeriodId, PeriodKey, Points, UnitId,
    UnitKind,
};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct CompetitionRow {
    pub id: i64,
    pub name: String,
    pub year: i32,
    pub is_demo: bool,
    pub missing: MissingPolicy,
    /// Totals are rounded to this many decimals before ranking; `None`: exact.
    pub total_decimals: Option<u8>,
    /// The office's time zone (定时揭榜 and times shown).
    #[serde(skip)]
    pub zone: crate::domain::Zone,
    /// 序时进度: behind by less than this many percentage points is 黄, by more 红.
    pub progress_yellow: Points,
    /// 等次 bands, top first; empty: none.
    #[serde(skip)]
    pub grades: Vec<crate::ranking::GradeRule>,
    #[serde(skip)]
    pub veto: crate::domain::VetoRule,
    /// Streaks are stated from this many published periods on; 0: never.
    pub streak_from: u32,
    /// 流动红旗 on the boards.
    pub red_flag: bool,
    /// 逾期报送扣分 per late indicator (zero: lateness only marked).
    pub late_penalty: Points,
    /// 发文单位 of the printed 通报, if configured.
    pub issuer: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    pub id: GroupId,
    pub name: String,
    pub kind: UnitKind,
    pub red: u32,
    pub black: u32,
    pub cut_ties: CutTies,
    pub black_spares_top_half: bool,
    /// Indicator ids, in tie-break order.
    pub tie_breaks: Vec<IndicatorId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub id: IndicatorId,
    pub code: String,
    pub name: String,
    pub max: Points,
    pub weight: Option<Points>,
    pub direction: Direction,
    pub groups: Vec<GroupId>,
    /// Who reports it (报送单位), if assigned.
    pub provider: Option<String>,
    /// How its raw values become points; `None`: the value is the points (`direct`).
    #[serde(skip)]
    pub scoring: Option<IndicatorScoring>,
}

/// A computed indicator's scoring: its rule in each of its groups, its measure, and whether
/// its raw value is the year so far (its quarter's target then follows 序时进度).
#[derive(Debug, Clone)]
pub struct IndicatorScoring {
    pub method: String,
    pub measure: Option<String>,
    pub cumulative: bool,
    pub rules: Vec<(GroupId, crate::scoring::Rule)>,
    /// Scored from a 明细清单 (加分 items, 扣分制 by kinds), not one value per cell.
    pub list: bool,
    /// Each group's method numbers as stored (JSON), what a posted board keeps.
    pub params: Vec<(GroupId, String)>,
}

impl IndicatorScoring {
    #[must_use]
    pub fn rule(&self, group: GroupId) -> Option<&crate::scoring::Rule> {
        self.rules.iter().find(|(g, _)| *g == group).map(|(_, r)| r)
    }

    /// Whether the method compares with a target.
    #[must_use]
    pub fn needs_target(&self) -> bool {
        matches!(self.method.as_str(), "completion" | "threshold")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitRow {
    pub id: UnitId,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: UnitKind,
    pub group_id: GroupId,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodStatus {
    Draft,
    Published,
}

crate::domain::codes!("期间状态" PeriodStatus {
    Draft = "draft",
    Published = "published",
});

impl PeriodStatus {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            PeriodStatus::Draft => "草稿",
            PeriodStatus::Published => "已揭榜",
        }
    }
}

/// The competition's time zone, the one every time is shown in (Beijing time before a
/// competition is installed).
pub fn office_zone(conn: &Connection) -> super::Result<crate::domain::Zone> {
    Ok(conn
        .query_row(
            "SELECT time_zone FROM competition ORDER BY year DESC, id DESC LIMIT 1",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .and_then(|z| z.parse().ok())
        .unwrap_or_default())
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodRow {
    pub id: PeriodId,
    pub key: PeriodKey,
    pub status: PeriodStatus,
    pub published_at: Option<crate::domain::Stamp>,
}

/// One year's scheme (考核方案): a `competition` row, in force from its year on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeRow {
    pub id: i64,
    pub year: i32,
    pub name: String,
}

/// The competition as one year's scheme sees it, in display order: that scheme's groups,
/// indicators, 等次 and units (named as they were that year), and every period of every year.
#[derive(Debug, Clone, Serialize)]
pub struct Structure {
    /// The scheme's own row (`id` is the scheme's, `year` the first year it is in force).
    pub competition: CompetitionRow,
    /// Every scheme of the competition, oldest first (this one among them).
    pub schemes: Vec<SchemeRow>,
    pub groups: Vec<GroupRow>,
    /// The quarters' indicators.
    pub indicators: Vec<IndicatorRow>,
    /// The components of the year's result besides the quarters (a 评议 score).
    pub annual_indicators: Vec<IndicatorRow>,
    /// How the year's result is made; `None`: the scheme has none.
    #[serde(skip)]
    pub annual: Option<crate::ranking::annual::AnnualRule>,
    pub units: Vec<UnitRow>,
    /// Oldest first.
    pub periods: Vec<PeriodRow>,
}

impl Structure {
    /// The year of the scheme in force in `year`: the latest one from that year or before,
    /// or the earliest for a year before every scheme.
    #[must_use]
    pub fn scheme_year(&self, year: i32) -> i32 {
        self.schemes
            .iter()
            .rev()
            .find(|s| s.year <= year)
            .or(self.schemes.first())
            .map_or(self.competition.year, |s| s.year)
    }
    /// Whether this scheme is the one in force in `year`.
    #[must_use]
    pub fn covers(&self, year: i32) -> bool {
        self.scheme_year(year) == self.competition.year
    }
    /// The years this scheme ranks, first and last (open ends as `i32::MIN`/`MAX`).
    #[must_use]
    pub fn years(&self) -> (i32, i32) {
        let own = self.competition.year;
        let first = if self.schemes.first().is_some_and(|s| s.year == own) {
            i32::MIN
        } else {
            own
        };
        let last = self
            .schemes
            .iter()
            .find(|s| s.year > own)
            .map_or(i32::MAX, |s| s.year - 1);
        (first, last)
    }
    /// Periods ranked under this scheme, oldest first.
    pub fn own_periods(&self) -> impl DoubleEndedIterator<Item = &PeriodRow> {
        self.periods.iter().filter(|p| self.covers(p.key.year))
    }
    #[must_use]
    pub fn group(&self, id: GroupId) -> Option<&GroupRow> {
        self.groups.iter().find(|g| g.id == id)
    }
    #[must_use]
    pub fn group_by_name(&self, name: &str) -> Option<&GroupRow> {
        self.groups
            .iter()
            .find(|g| g.name == name || g.id.to_string() == name)
    }
    #[must_use]
    pub fn unit(&self, id: UnitId) -> Option<&UnitRow> {
        self.units.iter().find(|u| u.id == id)
    }
    /// The unit a name, 简称 or alias names (after `normalize_name`), or an id.
    #[must_use]
    pub fn unit_by_name(&self, name: &str) -> Option<&UnitRow> {
        let n = crate::text::normalize_name(name);
        self.units
            .iter()
            .find(|u| {
                std::iter::once(&u.name)
                    .chain(u.short_name.iter())
                    .chain(u.aliases.iter())
                    .any(|x| crate::text::normalize_name(x) == n)
            })
            .or_else(|| self.unit(UnitId(name.trim().parse().ok()?)))
    }
    #[must_use]
    pub fn period(&self, key: PeriodKey) -> Option<&PeriodRow> {
        self.periods.iter().find(|p| p.key == key)
    }
    #[must_use]
    pub fn latest_published(&self) -> Option<&PeriodRow> {
        self.periods
            .iter()
            .rev()
            .find(|p| p.status == PeriodStatus::Published)
    }
    /// Indicators that apply to a group, in display order.
    #[must_use]
    pub fn group_indicators(&self, group_id: GroupId) -> Vec<&IndicatorRow> {
        self.indicators
            .iter()
            .filter(|i| i.groups.contains(&group_id))
            .collect()
    }
    #[must_use]
    pub fn group_units(&self, group_id: GroupId) -> Vec<&UnitRow> {
        self.units
            .iter()
            .filter(|u| u.group_id == group_id)
            .collect()
    }
}

/// Loads the latest scheme, or `None` when no competition has been installed yet.
pub fn load_structure(conn: &Connection) -> Result<Option<Structure>> {
    load_scheme(conn, None)
}

/// Every name any unit has had (its current one and its name in each year), by unit.
pub fn unit_names(conn: &Connection) -> Result<Vec<(UnitId, String)>> {
    Ok(conn
        .prepare(
            "SELECT id, name FROM unit UNION SELECT unit_id, name FROM unit_scheme ORDER BY 1, 2",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The schemes of the competition, oldest first.
pub fn schemes(conn: &Connection) -> Result<Vec<SchemeRow>> {
    Ok(conn
        .prepare("SELECT id, year, name FROM competition ORDER BY year, id")?
        .query_map([], |r| {
            Ok(SchemeRow {
                id: r.get(0)?,
                year: r.get(1)?,
                name: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Loads the scheme in force in `year` (the latest for `None`), or `None` when no
/// competition has been installed yet.
pub fn load_scheme(conn: &Connection, year: Option<i32>) -> Result<Option<Structure>> {
    let schemes = schemes(conn)?;
    let Some(root) = schemes.iter().map(|s| s.id).min() else {
        return Ok(None);
    };
    let chosen = match year {
        None => schemes.last(),
        Some(y) => schemes
            .iter()
            .rev()
            .find(|s| s.year <= y)
            .or(schemes.first()),
    };
    let Some(chosen) = chosen.map(|s| s.id) else {
        return Ok(None);
    };
    let competition = conn
        .query_row(
            "SELECT id, name, year, is_demo, missing_policy, total_decimals, time_zone, progress_yellow,
                    veto_rule, streak_from, red_flag, late_penalty, issuer
             FROM competition
             WHERE id = ?1",
            [chosen],
            |r| {
                let zone: String = r.get(6)?;
                Ok(CompetitionRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    year: r.get(2)?,
                    is_demo: r.get(3)?,
                    missing: r.get(4)?,
                    total_decimals: r.get(5)?,
                    progress_yellow: Points(r.get(7)?),
                    veto: r.get(8)?,
                    streak_from: r.get(9)?,
                    red_flag: r.get(10)?,
                    late_penalty: Points(r.get(11)?),
                    issuer: r.get(12)?,
                    grades: Vec::new(),
                    // A stored zone that is not known is an error, never a silent default.
                    zone: zone.parse().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            6,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?,
                })
            },
        )
        .optional()?;
    let Some(mut competition) = competition else {
        return Ok(None);
    };
    competition.grades = conn
        .prepare(
            "SELECT name, min_points, quota_percent FROM grade WHERE competition_id = ?1
             ORDER BY position",
        )?
        .query_map([competition.id], |r| {
            Ok(crate::ranking::GradeRule {
                name: r.get(0)?,
                min: r.get::<_, Option<i64>>(1)?.map(Points),
                quota_percent: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut groups: Vec<GroupRow> = conn
        .prepare(
            "SELECT id, name, kind, red_count, black_count, cut_ties, black_spares_top_half
             FROM ranking_group WHERE competition_id = ?1 ORDER BY display_order, id",
        )?
        .query_map([competition.id], |r| {
            Ok(GroupRow {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                red: r.get(3)?,
                black: r.get(4)?,
                cut_ties: r.get(5)?,
                black_spares_top_half: r.get(6)?,
                tie_breaks: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT indicator_id FROM group_tie_break WHERE group_id = ?1 ORDER BY position",
    )?;
    for g in &mut groups {
        g.tie_breaks = stmt
            .query_map([g.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
    }
    let mut indicators: Vec<IndicatorRow> = conn
        .prepare(
            "SELECT id, code, name, max_points, weight, direction, provider,
                    method, method_params, measure, decimals, cumulative FROM indicator
             WHERE competition_id = ?1 ORDER BY display_order, id",
        )?
        .query_map([competition.id], |r| {
            Ok((
                IndicatorRow {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    max: Points(r.get(3)?),
                    weight: r.get::<_, Option<i64>>(4)?.map(Points),
                    direction: r.get(5)?,
                    groups: Vec::new(),
                    provider: r.get(6)?,
                    scoring: None,
                },
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, u8>(10)?,
                r.get::<_, bool>(11)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(mut i, method, params, measure, decimals, cumulative)| {
            if method != "direct" {
                let list = serde_json::from_str::<crate::competition::MethodParams>(&params)
                    .is_ok_and(|p| crate::competition::method::uses_list(&method, &p));
                i.scoring = Some(IndicatorScoring {
                    list,
                    method: method.clone(),
                    measure,
                    cumulative,
                    // Filled below, once the groups are known.
                    rules: vec![(GroupId(0), stored_rule(&i, &method, &params, decimals)?)],
                    params: vec![(GroupId(0), params)],
                });
            }
            Ok(i)
        })
        .collect::<Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT group_id FROM indicator_group WHERE indicator_id = ?1 ORDER BY group_id",
    )?;
    let mut own = conn.prepare(
        "SELECT group_id, method_params FROM indicator_group_params WHERE indicator_id = ?1",
    )?;
    for i in &mut indicators {
        i.groups = stmt
            .query_map([i.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let Some(probe) = i.scoring.as_ref().map(|_| IndicatorRow {
            scoring: None,
            groups: Vec::new(),
            ..i.clone()
        }) else {
            continue;
        };
        if let Some(sc) = &mut i.scoring {
            let (Some((_, default)), Some((_, default_params))) = (sc.rules.pop(), sc.params.pop())
            else {
                continue;
            };
            let overrides: Vec<(GroupId, String)> = own
                .query_map([i.id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let decimals = default.decimals;
            for &g in &i.groups {
                let (rule, params) = match overrides.iter().find(|(o, _)| *o == g) {
                    Some((_, params)) => (
                        stored_rule(&probe, &sc.method, params, decimals)?,
                        params.clone(),
                    ),
                    None => (default.clone(), default_params.clone()),
                };
                sc.rules.push((g, rule));
                sc.params.push((g, params));
            }
        }
    }
    let mut units: Vec<UnitRow> = conn
        .prepare(
            "SELECT u.id, m.name, m.short_name, u.kind, m.group_id FROM unit_scheme m
             JOIN unit u ON u.id = m.unit_id
             JOIN ranking_group g ON g.id = m.group_id
             WHERE m.competition_id = ?1
             ORDER BY g.display_order, m.display_order, u.id",
        )?
        .query_map([competition.id], |r| {
            Ok(UnitRow {
                id: r.get(0)?,
                name: r.get(1)?,
                short_name: r.get(2)?,
                kind: r.get(3)?,
                group_id: r.get(4)?,
                aliases: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // One query for every alias: a thousand units must not cost a thousand queries.
    let index: std::collections::HashMap<UnitId, usize> =
        units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let mut stmt = conn.prepare("SELECT unit_id, alias FROM unit_alias ORDER BY unit_id, alias")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = index.get(&r.get::<_, UnitId>(0)?) {
            units[i].aliases.push(r.get(1)?);
        }
    }
    let periods = load_periods(conn, root)?;
    let annual_ids: Vec<IndicatorId> = conn
        .prepare("SELECT id FROM indicator WHERE competition_id = ?1 AND annual = 1")?
        .query_map([competition.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let (annual_indicators, indicators): (Vec<IndicatorRow>, Vec<IndicatorRow>) = indicators
        .into_iter()
        .partition(|i| annual_ids.contains(&i.id));
    let annual = conn
        .query_row(
            "SELECT annual FROM competition WHERE id = ?1",
            [competition.id],
            |r| r.get::<_, Option<String>>(0),
        )?
        .map(|t| super::annual::decode(&t))
        .transpose()?;
    Ok(Some(Structure {
        competition,
        schemes,
        groups,
        indicators,
        annual_indicators,
        annual,
        units,
        periods,
    }))
}

pub(crate) fn load_periods(conn: &Connection, competition_id: i64) -> Result<Vec<PeriodRow>> {
    Ok(conn
        .prepare(
            "SELECT id, year, quarter, status, published_at FROM period
             WHERE competition_id = ?1 ORDER BY year, quarter",
        )?
        .query_map([competition_id], |r| {
            let year: i32 = r.get(1)?;
            let quarter: u8 = r.get(2)?;
            Ok(PeriodRow {
                id: r.get(0)?,
                key: PeriodKey { year, quarter },
                status: r.get(3)?,
                published_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A method's numbers as stored (the competition file's, as JSON).
/// A stored method read back into a rule; a stored one that no longer makes a rule is a
/// damaged database, said as such.
pub(super) fn stored_rule(
    i: &IndicatorRow,
    method: &str,
    params: &str,
    decimals: u8,
) -> Result<crate::scoring::Rule> {
    let damaged = |why: String| {
        StoreError::Io(std::io::Error::other(format!(
            "数据库中指标「{}」的计分方法有误：{why}",
            i.name
        )))
    };
    let p: crate::competition::MethodParams =
        serde_json::from_str(params).map_err(|e| damaged(e.to_string()))?;
    crate::competition::method::rule(method, &p, i.max, i.direction, decimals).map_err(damaged)
}
