//! The year's result (年度综合考评) of one group: the quarterly part of each unit's year from
//! the year's four posted quarterly boards (or the fourth quarter's year to date), beside the
//! annual components (a 评议 score), ranked by the engine with the result's own 红榜/黑榜 and
//! 等次. A draft until 揭榜, then read from its snapshot like any posted board.

use super::compute::{Ranking, compute_quarter_board, posted_quarter};
use super::{GroupBoard, View, title};
use crate::domain::{Direction, IndicatorId, PeriodKey, Points, SCALE, Total, UnitId};
use crate::ranking::GradeRule;
use crate::ranking::annual::{AnnualRule, QuarterBasis, quarterly_part};
use crate::store::{self, GroupRow, IndicatorRow, PeriodRow, PeriodStatus, Structure};
use rusqlite::Connection;

/// The quarterly part's column on the annual board (no stored indicator has id 0).
pub const QUARTERS_COLUMN: IndicatorId = IndicatorId(0);

/// The columns of a group's annual board: the quarterly part, then the annual components.
#[must_use]
pub fn annual_columns(s: &Structure, group: &GroupRow) -> Vec<IndicatorRow> {
    let rule = s.annual.as_ref();
    // The quarterly part is out of what a quarter's total is out of.
    let max = s
        .group_indicators(group.id)
        .iter()
        .map(|i| match i.weight {
            Some(w) => Points(i.max.0 * w.0 / SCALE),
            None => i.max,
        })
        .fold(Points::ZERO, |a, b| a + b);
    let mut out = vec![IndicatorRow {
        id: QUARTERS_COLUMN,
        code: "QUARTERS".into(),
        name: "季度考评".into(),
        max,
        weight: rule.and_then(|r| r.quarters_weight),
        direction: Direction::Higher,
        groups: vec![group.id],
        provider: None,
        scoring: None,
    }];
    out.extend(
        s.annual_indicators
            .iter()
            .filter(|i| i.groups.contains(&group.id))
            .cloned(),
    );
    out
}

pub(super) fn annual_board(
    conn: &Connection,
    s: &Structure,
    period: &PeriodRow,
    group: &GroupRow,
) -> store::Result<Option<GroupBoard>> {
    if !s.covers(period.key.year) {
        return Ok(None);
    }
    let Some(rule) = &s.annual else {
        return Ok(None);
    };
    let year = period.key.year;
    // Every quarter of the year, posted: a result that silently skips one is wrong.
    let quarters: Vec<&PeriodRow> = s
        .own_periods()
        .filter(|p| p.key.year == year && !p.key.is_annual() && p.status == PeriodStatus::Published)
        .collect();
    if quarters.len() != 4 {
        return Ok(None);
    }
    let q_indicators: Vec<IndicatorRow> =
        s.group_indicators(group.id).into_iter().cloned().collect();
    let qctx = Ranking::new(s, group, &q_indicators);
    let mut posted = Vec::with_capacity(4);
    for p in &quarters {
        posted.push(posted_quarter(conn, p, &qctx)?);
    }
    let ytd = match rule.basis {
        QuarterBasis::Q4Cumulative => {
            let q4 = PeriodKey { year, quarter: 4 };
            super::group_board(conn, s, q4, group.id, View::Cumulative)?
                .or(compute_quarter_board(
                    conn,
                    s,
                    q4,
                    group.id,
                    View::Cumulative,
                )?)
                .map(|b| b.board)
        }
        _ => None,
    };
    let total_of = |b: &crate::ranking::Board, u: UnitId| -> Option<Total> {
        b.rows
            .iter()
            .find(|r| r.unit_id == u && r.rank.is_some())
            .map(|r| r.total)
    };
    let indicators = annual_columns(s, group);
    let mut data = store::load_period_values(conn, period.id)?;
    // The components' own values only: a stray value of another indicator is not counted.
    data.scores
        .retain(|(_, i, _)| indicators.iter().any(|x| x.id == *i));
    for u in s.group_units(group.id) {
        let totals = [0, 1, 2, 3].map(|k| total_of(&posted[k], u.id));
        let q4 = ytd.as_ref().and_then(|b| total_of(b, u.id));
        if let Some(p) = quarterly_part(&rule.basis, &totals, q4) {
            data.scores.push((u.id, QUARTERS_COLUMN, p));
        }
    }
    let mut ctx = Ranking::new(s, group, &indicators);
    annual_rules(&mut ctx.rules, rule);
    let board = ctx.quarter(&data, period.key.quarter, None);
    let mut rules_text = super::rules::annual_rule(rule, &indicators);
    // The year's result is not compared with an earlier board: no movement to explain.
    let quarter_rules = ctx.rules_text(View::Quarter);
    rules_text.push_str(
        &quarter_rules
            .strip_suffix(super::rules::MOVEMENT_RULE)
            .map_or(quarter_rules.clone(), |r| format!("{r}。")),
    );
    rules_text.push_str(&super::rules::veto_note(&board, &ctx.rules, true));
    Ok(Some(GroupBoard {
        period: period.clone(),
        view: View::Quarter,
        title: title(period.key, View::Quarter),
        previous: None,
        group: group.clone(),
        indicators,
        board,
        missing_policy: s.competition.missing,
        rules_text,
        frozen: None,
        corrected: None,
        year_on_year: None,
        publicity: None,
    }))
}

/// The result's own 红榜/黑榜 and 等次 (no tie-break but the total: equal totals share a
/// rank).
fn annual_rules(rules: &mut crate::ranking::GroupRules, rule: &AnnualRule) {
    rules.tie_breaks.clear();
    if let Some(r) = rule.red {
        rules.tiers.red = r;
    }
    if let Some(b) = rule.black {
        rules.tiers.black = b;
    }
    rules.grades = rule
        .grades
        .iter()
        .map(|(name, min, quota)| GradeRule {
            name: name.clone(),
            min: *min,
            quota_percent: *quota,
        })
        .collect();
}

/// A unit's posted quarterly totals of `year`, Q1 to Q4 (`None` where it was not ranked or the
/// quarter is not published): the numbers its quarterly part is made from.
pub fn quarter_totals(
    conn: &Connection,
    s: &Structure,
    year: i32,
    group: &GroupRow,
    unit: UnitId,
) -> store::Result<Vec<(PeriodKey, Option<Total>)>> {
    let q_indicators: Vec<IndicatorRow> =
        s.group_indicators(group.id).into_iter().cloned().collect();
    let qctx = Ranking::new(s, group, &q_indicators);
    let mut out = Vec::with_capacity(4);
    for quarter in 1..=4 {
        let key = PeriodKey { year, quarter };
        let total = match s.period(key) {
            Some(p) if p.status == PeriodStatus::Published => posted_quarter(conn, p, &qctx)?
                .rows
                .iter()
                .find(|r| r.unit_id == unit && r.rank.is_some())
                .map(|r| r.total),
            _ => None,
        };
        out.push((key, total));
    }
    Ok(out)
}
