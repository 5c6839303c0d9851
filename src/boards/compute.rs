//! Ranking a board from the stored scores: the engine's input for one group, the earlier
//! published boards (as posted) for movement and the year-to-date sum.

use super::rules::{cumulative_rule, ranked_set_note, rules_text, veto_note};
use super::{GroupBoard, View, title};
use crate::domain::{GroupId, UnitId};
use crate::domain::{PeriodKey, Points};
use crate::ranking::{
    self as ranking, Board, CumulativeInput, GroupInput, GroupRules, IndicatorSpec, Previous,
    QuarterBoard, TierRules, UnitScores,
};
use crate::store::{self, GroupRow, IndicatorRow, PeriodRow, PeriodStatus, Structure};
use rusqlite::Connection;
use std::collections::HashMap;

/// `compute_group_board` for a quarter or its year to date. A year-to-date board adds the
/// quarterly totals as the quarterly boards have them (the posted board for a published
/// quarter).
pub(super) fn compute_quarter_board(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group_id: GroupId,
    view: View,
) -> store::Result<Option<GroupBoard>> {
    let (Some(period), Some(group)) = (s.period(key), s.group(group_id)) else {
        return Ok(None);
    };
    if !s.covers(key.year) {
        return Ok(None);
    }
    if key.is_annual() {
        return Ok(None);
    }
    let indicators: Vec<IndicatorRow> = s.group_indicators(group.id).into_iter().cloned().collect();
    let ctx = Ranking::new(s, group, &indicators);
    let (board, previous) = match view {
        View::Quarter => {
            // Movement against the previous published quarter as posted; 新 against every
            // published quarter before it.
            let published: Vec<&PeriodRow> = s
                .own_periods()
                .filter(|p| {
                    p.key < key && p.status == PeriodStatus::Published && !p.key.is_annual()
                })
                .collect();
            let mut earlier = Vec::with_capacity(published.len());
            for p in &published {
                earlier.push(posted_quarter(conn, p, &ctx)?);
            }
            let prev = previous_ranks(&earlier);
            let data = store::load_period_values(conn, period.id)?;
            let mut board = ctx.quarter(&data, key.quarter, prev.as_ref());
            // Streaks and the 流动红旗 continue the quarters as posted.
            crate::ranking::streaks::mark(
                &earlier,
                &mut board,
                crate::ranking::streaks::StreakRules {
                    from: s.competition.streak_from,
                    red_flag: s.competition.red_flag,
                },
            );
            (
                board,
                published.last().map(|p| p.key).zip(prev.zip(earlier.pop())),
            )
        }
        View::Cumulative => {
            // The year so far: this quarter and every published quarter before it in the year.
            let quarters: Vec<&PeriodRow> = s
                .periods
                .iter()
                .filter(|p| {
                    p.key.year == key.year
                        && (p.key == key || (p.key < key && p.status == PeriodStatus::Published))
                })
                .collect();
            // Every quarter from 1 to N must be there: a sum that silently skips one is wrong.
            if quarters.len() != usize::from(key.quarter) {
                return Ok(None);
            }
            let mut boards = Vec::with_capacity(quarters.len());
            for q in &quarters {
                boards.push(posted_quarter(conn, q, &ctx)?);
            }
            let parts: Vec<QuarterBoard<'_>> = quarters
                .iter()
                .zip(&boards)
                .map(|(q, b)| QuarterBoard {
                    quarter: q.key.quarter,
                    board: b,
                })
                .collect();
            // Each earlier year-to-date board, for movement and for 新.
            let mut earlier: Vec<Board> = Vec::with_capacity(parts.len());
            for m in 1..parts.len() {
                let prev = previous_ranks(&earlier);
                earlier.push(ctx.cumulative(&parts[..m], prev.as_ref()));
            }
            let prev = previous_ranks(&earlier);
            let board = ctx.cumulative(&parts, prev.as_ref());
            let compared = (quarters.len() > 1).then(|| quarters[quarters.len() - 2].key);
            (board, compared.zip(prev.zip(earlier.pop())))
        }
    };
    let mut rules_text = ctx.rules_text(view);
    if view == View::Cumulative {
        rules_text.insert_str(0, &cumulative_rule(key));
    }
    rules_text.push_str(&veto_note(&board, &ctx.rules, view == View::Quarter));
    if view == View::Quarter && s.competition.late_penalty.0 > 0 {
        let due = store::deadlines(conn, period.id)?;
        rules_text.push_str(&super::rules::late_rule(
            &due,
            &indicators,
            &s.competition.zone,
            s.competition.late_penalty,
        ));
    }
    if let Some((_, (_, prev_board))) = &previous {
        rules_text.push_str(&ranked_set_note(prev_board, &board));
    }
    Ok(Some(GroupBoard {
        period: period.clone(),
        view,
        title: title(period.key, view),
        previous: previous.map(|(k, _)| k),
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

/// The ranks of the last of `boards` and the units ranked on any before it; `None` when there
/// is no earlier board.
fn previous_ranks(boards: &[Board]) -> Option<Previous> {
    let (last, before) = boards.split_last()?;
    Some(Previous {
        ranks: last.ranks(),
        ranked_earlier: before
            .iter()
            .flat_map(|b| {
                b.rows
                    .iter()
                    .filter(|r| r.rank.is_some())
                    .map(|r| r.unit_id)
            })
            .collect(),
    })
}

/// A quarter's board as later boards use it (movement, year-to-date sums): as posted when the
/// quarter is published (and its snapshot fits the structure), otherwise ranked from the scores.
pub(super) fn posted_quarter(
    conn: &Connection,
    q: &PeriodRow,
    ctx: &Ranking<'_>,
) -> store::Result<Board> {
    if q.status == PeriodStatus::Published
        && let Some(snap) = store::load_snapshot(conn, q.id, ctx.group.id, View::Quarter)?
        && ctx
            .indicators
            .iter()
            .map(|i| i.id)
            .eq(snap.indicator_ids.iter().copied())
    {
        return Ok(snap.board);
    }
    Ok(ctx.quarter(&store::load_period_values(conn, q.id)?, q.key.quarter, None))
}

/// The engine's view of one group: its indicators and rules.
pub(super) struct Ranking<'a> {
    structure: &'a Structure,
    group: &'a GroupRow,
    indicators: &'a [IndicatorRow],
    specs: Vec<IndicatorSpec>,
    pub(super) rules: GroupRules,
}

impl<'a> Ranking<'a> {
    pub(super) fn new(
        s: &'a Structure,
        group: &'a GroupRow,
        indicators: &'a [IndicatorRow],
    ) -> Self {
        let specs = indicators
            .iter()
            .map(|i| IndicatorSpec {
                id: i.id,
                name: i.name.clone(),
                weight: i.weight,
                direction: i.direction,
            })
            .collect();
        let rules = GroupRules {
            tie_breaks: group
                .tie_breaks
                .iter()
                .filter_map(|t| indicators.iter().position(|i| i.id == *t))
                .collect(),
            missing: s.competition.missing,
            tiers: TierRules {
                red: group.red,
                black: group.black,
                cut_ties: group.cut_ties,
                black_spares_top_half: group.black_spares_top_half,
            },
            total_decimals: s.competition.total_decimals,
            grades: s.competition.grades.clone(),
            veto: s.competition.veto,
        };
        Ranking {
            structure: s,
            group,
            indicators,
            specs,
            rules,
        }
    }

    pub(super) fn quarter(
        &self,
        data: &store::PeriodValues,
        quarter: u8,
        previous: Option<&Previous>,
    ) -> Board {
        let mut units = unit_scores(self.structure, self.group, self.indicators, data);
        super::scored::apply(self.group, self.indicators, &mut units, data, quarter);
        ranking::rank_group(&GroupInput {
            indicators: &self.specs,
            units: &units,
            rules: &self.rules,
            previous,
        })
    }

    fn cumulative(&self, quarters: &[QuarterBoard<'_>], previous: Option<&Previous>) -> Board {
        let units: Vec<(UnitId, String)> = self
            .structure
            .group_units(self.group.id)
            .iter()
            .map(|u| (u.id, u.name.clone()))
            .collect();
        ranking::rank_cumulative(&CumulativeInput {
            indicators: &self.specs,
            units: &units,
            quarters,
            rules: &self.rules,
            previous,
        })
    }

    pub(super) fn rules_text(&self, view: View) -> String {
        if view == View::Quarter {
            rules_text(self.indicators, &self.rules, self.group.id)
        } else {
            // 等次 are a quarter's: the year to date has none.
            let rules = GroupRules {
                grades: Vec::new(),
                ..self.rules.clone()
            };
            rules_text(self.indicators, &rules, self.group.id)
        }
    }
}

fn unit_scores(
    s: &Structure,
    group: &GroupRow,
    indicators: &[IndicatorRow],
    data: &store::PeriodValues,
) -> Vec<UnitScores> {
    let units = s.group_units(group.id);
    let row = IdIndex::new(units.iter().map(|u| u.id.0));
    let col = IdIndex::new(indicators.iter().map(|i| i.id.0));
    let mut out: Vec<UnitScores> = units
        .iter()
        .map(|u| {
            let (bonus, penalty) = data
                .adjustments
                .get(&u.id)
                .copied()
                .unwrap_or((Points::ZERO, Points::ZERO));
            UnitScores {
                unit_id: u.id,
                name: u.name.clone(),
                points: vec![None; indicators.len()],
                bonus,
                penalty,
                veto: data.vetoes.get(&u.id).cloned(),
            }
        })
        .collect();
    for &(u, i, p) in &data.scores {
        if let (Some(r), Some(c)) = (row.get(u.0), col.get(i.0)) {
            out[r].points[c] = Some(p);
        }
    }
    // 逾期报送扣分: so much more 扣分 for each of the group's indicators a unit's value
    // arrived for after its deadline (the why page itemises it).
    if s.competition.late_penalty.0 > 0 {
        for &(u, i) in &data.late {
            if let (Some(r), Some(_)) = (row.get(u.0), col.get(i.0)) {
                out[r].penalty += s.competition.late_penalty;
            }
        }
    }
    out
}

/// Position of an id in a list: a dense table when the ids are small (they are SQLite rowids),
/// a hash map otherwise. Boards look up 100,000 scores this way.
enum IdIndex {
    Dense(Vec<Option<usize>>),
    Sparse(HashMap<i64, usize>),
}

impl IdIndex {
    fn new(ids: impl Iterator<Item = i64>) -> IdIndex {
        let ids: Vec<i64> = ids.collect();
        match ids.iter().max() {
            Some(&max) if max < 1_000_000 && ids.iter().all(|&i| i >= 0) => {
                let mut v = vec![None; max as usize + 1];
                for (k, &id) in ids.iter().enumerate() {
                    v[id as usize] = Some(k);
                }
                IdIndex::Dense(v)
            }
            _ => IdIndex::Sparse(ids.iter().enumerate().map(|(k, &id)| (id, k)).collect()),
        }
    }

    fn get(&self, id: i64) -> Option<usize> {
        match self {
            IdIndex::Dense(v) => usize::try_from(id)
                .ok()
                .and_then(|i| v.get(i).copied().flatten()),
            IdIndex::Sparse(m) => m.get(&id).copied(),
        }
    }
}
