//! Assembles ranked boards: loads a period's values from the store, hands them to `scoring`,
//! and returns the result with the structure needed to show it. Computes no rank itself.

use crate::domain::{CutTies, MissingPolicy, PeriodKey, Points, Total};
use crate::ranking::{
    self as ranking, Board, CumulativeInput, GroupInput, GroupRules, IndicatorSpec, Previous,
    QuarterBoard, TierRules, UnitScores,
};
use crate::store::{self, GroupRow, IndicatorRow, PeriodRow, PeriodStatus, Structure};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;

pub use crate::domain::View;

/// One group's ranked board in one period.
#[derive(Debug, Clone, Serialize)]
pub struct GroupBoard {
    pub period: PeriodRow,
    pub view: View,
    /// `2023年第三季度` or `2023年1–3季度累计`.
    pub title: String,
    /// The period that movement is measured against.
    pub previous: Option<PeriodKey>,
    pub group: GroupRow,
    pub indicators: Vec<IndicatorRow>,
    pub board: Board,
    pub missing_policy: MissingPolicy,
    /// The scoring and tie rules that produced the board, in words.
    pub rules_text: String,
    /// The snapshot this board was read from; `None` when it was ranked now (a draft).
    #[serde(skip)]
    pub frozen: Option<store::SnapshotMeta>,
    /// Set when the posted board was later corrected.
    pub corrected: Option<Correction>,
}

/// The nearest earlier published period: movement is always against what was posted.
pub fn previous_published(structure: &Structure, key: PeriodKey) -> Option<&PeriodRow> {
    structure
        .periods
        .iter()
        .rev()
        .find(|p| p.key < key && p.status == PeriodStatus::Published)
}

/// Every group's board in a period, in display order.
pub fn period_boards(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
) -> store::Result<Vec<GroupBoard>> {
    let mut out = Vec::with_capacity(s.groups.len());
    for g in &s.groups {
        if let Some(b) = group_board(conn, s, key, g.id, View::Quarter)? {
            out.push(b);
        }
    }
    Ok(out)
}

/// One group's board in a period; `None` when the period or the group does not exist (or,
/// for the cumulative view, when a quarter of the year is not published). A published board
/// is read from the snapshot frozen at 揭榜, exactly as posted; a draft is ranked now.
pub fn group_board(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group_id: i64,
    view: View,
) -> store::Result<Option<GroupBoard>> {
    let (Some(period), Some(group)) = (s.period(key), s.group(group_id)) else {
        return Ok(None);
    };
    if period.status == PeriodStatus::Published
        && let Some(snap) = store::load_snapshot(conn, period.id, group.id, view)?
    {
        let indicators: Vec<IndicatorRow> =
            s.group_indicators(group.id).into_iter().cloned().collect();
        if indicators
            .iter()
            .map(|i| i.id)
            .eq(snap.indicator_ids.iter().copied())
        {
            let corrected = if snap.supersedes {
                Some(correction_of(conn, period, group.id, view, &snap)?)
            } else {
                None
            };
            return Ok(Some(GroupBoard {
                period: period.clone(),
                view,
                title: title(period.key, view),
                previous: snap.compared_with,
                group: group.clone(),
                indicators,
                board: snap.board,
                missing_policy: s.competition.missing,
                rules_text: snap.rules_text,
                frozen: Some(snap.meta),
                corrected,
            }));
        }
        // The structure never changes after init, so this is a damaged database: rank anew
        // rather than show points under the wrong indicators.
        tracing::warn!(period = %key, group = group.id, "snapshot columns differ from the structure");
    }
    compute_group_board(conn, s, key, group_id, view)
}

/// What `snap`, a correction, changed against the board posted before it.
fn correction_of(
    conn: &Connection,
    period: &PeriodRow,
    group_id: i64,
    view: View,
    snap: &store::Snapshot,
) -> store::Result<Correction> {
    let history = store::snapshot_history(conn, period.id, group_id, view)?;
    let before = history
        .iter()
        .rev()
        .find(|m| m.id < snap.meta.id)
        .map(|m| store::snapshot_results(conn, m.id))
        .transpose()?
        .unwrap_or_default();
    let changes = corrections(&before, &snap.board);
    Ok(Correction {
        first_published: period
            .published_at
            .clone()
            .or_else(|| history.first().map(|m| m.created_at.clone()))
            .unwrap_or_default(),
        history: history.into_iter().skip(1).collect(),
        changes,
    })
}

/// Units whose rank, total or movement differs between `before` and `now`, in `now`'s order.
fn corrections(before: &[store::EarlierResult], now: &Board) -> Vec<RankCorrection> {
    let before: HashMap<i64, &store::EarlierResult> =
        before.iter().map(|r| (r.unit_id, r)).collect();
    now.rows
        .iter()
        .filter_map(|r| {
            let b = before.get(&r.unit_id)?;
            (b.rank != r.rank || b.total != r.total || b.change != r.change).then(|| {
                RankCorrection {
                    unit_id: r.unit_id,
                    unit: r.name.clone(),
                    rank_before: b.rank,
                    rank_now: r.rank,
                    total_before: b.total,
                    total_now: r.total,
                    change_before: b.change,
                    change_now: r.change,
                }
            })
        })
        .collect()
}

/// What changed for each unit between a posted board and its correction.
pub fn rank_corrections(before: &Board, now: &Board) -> Vec<RankCorrection> {
    let before: Vec<store::EarlierResult> = before
        .rows
        .iter()
        .map(|r| store::EarlierResult {
            unit_id: r.unit_id,
            rank: r.rank,
            total: r.total,
            change: r.change,
        })
        .collect();
    corrections(&before, now)
}

/// The reason recorded with the snapshot written at 揭榜.
pub const PUBLISHED_REASON: &str = "揭榜";

/// A published board that was corrected after 揭榜: shown on the board, never silent.
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    /// When the board was first posted.
    pub first_published: String,
    /// Every correction since, oldest first (the last produced the board shown).
    pub history: Vec<store::SnapshotMeta>,
    /// Units whose rank, total or movement differs from the board before the latest correction.
    pub changes: Vec<RankCorrection>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankCorrection {
    pub unit_id: i64,
    pub unit: String,
    pub rank_before: Option<u32>,
    pub rank_now: Option<u32>,
    pub total_before: Total,
    pub total_now: Total,
    pub change_before: ranking::Change,
    pub change_now: ranking::Change,
}

/// Ranks one group from the stored scores, ignoring its own snapshot: what 揭榜 freezes, and
/// what a draft shows. A year-to-date board adds the quarterly totals as the quarterly boards
/// have them (the posted board for a published quarter).
pub fn compute_group_board(
    conn: &Connection,
    s: &Structure,
    key: PeriodKey,
    group_id: i64,
    view: View,
) -> store::Result<Option<GroupBoard>> {
    let (Some(period), Some(group)) = (s.period(key), s.group(group_id)) else {
        return Ok(None);
    };
    let indicators: Vec<IndicatorRow> = s.group_indicators(group.id).into_iter().cloned().collect();
    let ctx = Ranking::new(s, group, &indicators);
    let (board, previous) = match view {
        View::Quarter => {
            // Movement against the previous published quarter as posted; 新 against every
            // published quarter before it.
            let published: Vec<&PeriodRow> = s
                .periods
                .iter()
                .filter(|p| p.key < key && p.status == PeriodStatus::Published)
                .collect();
            let mut earlier = Vec::with_capacity(published.len());
            for p in &published {
                earlier.push(posted_quarter(conn, p, &ctx)?);
            }
            let prev = previous_ranks(&earlier);
            let data = store::load_period_values(conn, period.id)?;
            let board = ctx.quarter(&data, prev.as_ref());
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
    let mut rules_text = ctx.rules_text();
    if view == View::Cumulative {
        rules_text.insert_str(0, &cumulative_rule(key));
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
fn posted_quarter(conn: &Connection, q: &PeriodRow, ctx: &Ranking<'_>) -> store::Result<Board> {
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
    Ok(ctx.quarter(&store::load_period_values(conn, q.id)?, None))
}

/// The engine's view of one group: its indicators and rules.
struct Ranking<'a> {
    structure: &'a Structure,
    group: &'a GroupRow,
    indicators: &'a [IndicatorRow],
    specs: Vec<IndicatorSpec>,
    rules: GroupRules,
}

impl<'a> Ranking<'a> {
    fn new(s: &'a Structure, group: &'a GroupRow, indicators: &'a [IndicatorRow]) -> Self {
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
        };
        Ranking {
            structure: s,
            group,
            indicators,
            specs,
            rules,
        }
    }

    fn quarter(&self, data: &store::PeriodValues, previous: Option<&Previous>) -> Board {
        let units = unit_scores(self.structure, self.group, self.indicators, data);
        ranking::rank_group(&GroupInput {
            indicators: &self.specs,
            units: &units,
            rules: &self.rules,
            previous,
        })
    }

    fn cumulative(&self, quarters: &[QuarterBoard<'_>], previous: Option<&Previous>) -> Board {
        let units: Vec<(i64, String)> = self
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

    fn rules_text(&self) -> String {
        rules_text(self.indicators, &self.rules)
    }
}

/// Quarterly boards of one group for every published period, oldest first.
pub fn group_history(
    conn: &Connection,
    s: &Structure,
    group_id: i64,
) -> store::Result<Vec<GroupBoard>> {
    let mut out = Vec::new();
    for p in s
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published)
    {
        if let Some(b) = group_board(conn, s, p.key, group_id, View::Quarter)? {
            out.push(b);
        }
    }
    Ok(out)
}

fn title(key: PeriodKey, view: View) -> String {
    match view {
        View::Quarter => key.label(),
        View::Cumulative => format!("{}年1–{}季度累计", key.year, key.quarter),
    }
}

fn unit_scores(
    s: &Structure,
    group: &GroupRow,
    indicators: &[IndicatorRow],
    data: &store::PeriodValues,
) -> Vec<UnitScores> {
    let units = s.group_units(group.id);
    let row = IdIndex::new(units.iter().map(|u| u.id));
    let col = IdIndex::new(indicators.iter().map(|i| i.id));
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
            }
        })
        .collect();
    for &(u, i, p) in &data.scores {
        if let (Some(r), Some(c)) = (row.get(u), col.get(i)) {
            out[r].points[c] = Some(p);
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

/// The rule line printed under every board: how the total is computed, ranked and tied,
/// what a missing value does, how the tiers are cut and what the movement compares with.
pub fn rules_text(indicators: &[IndicatorRow], rules: &GroupRules) -> String {
    use crate::domain::Direction;
    let weighted = indicators.iter().any(|i| i.weight.is_some());
    let mut t = String::from(if weighted {
        "总分 = Σ 指标得分 × 权重 + 加分 − 扣分"
    } else {
        "总分 = 各项指标得分之和 + 加分 − 扣分"
    });
    match rules.total_decimals {
        None if weighted => t.push_str("（按各项精确值计算，不逐项四舍五入）"),
        None => t.push_str("（精确计算）"),
        Some(d) => t.push_str(&format!("，四舍五入保留{}位小数后排名", decimals_word(d))),
    }
    t.push_str("；按总分从高到低排名，总分相同者并列，名次相同后顺延（如 1、2、2、4）");
    if !rules.tie_breaks.is_empty() {
        let names: Vec<String> = rules
            .tie_breaks
            .iter()
            .map(|&k| match indicators[k].direction {
                Direction::Higher => format!("「{}」（高者在前）", indicators[k].name),
                Direction::Lower => format!("「{}」（低者在前）", indicators[k].name),
            })
            .collect();
        t.push_str(&format!(
            "；总分相同时依次比较{}得分，缺项排在已报送者之后，仍相同则并列",
            names.join("、")
        ));
    }
    t.push_str(match rules.missing {
        MissingPolicy::Zero => "；缺项按0分计入总分，并标注“数据缺失”",
        MissingPolicy::Exclude => "；有缺项的单位不参与排名",
    });
    t.push_str("；没有任何得分的单位不参与排名");
    let tiers = &rules.tiers;
    if tiers.red > 0 || tiers.black > 0 {
        let mut cut = Vec::new();
        if tiers.red > 0 {
            cut.push(format!("前{}名列入红榜", tiers.red));
        }
        if tiers.black > 0 {
            cut.push(format!("后{}名列入黑榜", tiers.black));
        }
        t.push('；');
        t.push_str(&cut.join("、"));
        t.push_str(match tiers.cut_ties {
            CutTies::AllIn => "，名额边界上并列的单位同时列入",
            CutTies::AllOut => "，名额边界上并列的单位均不列入",
        });
        if tiers.black > 0 && tiers.black_spares_top_half {
            t.push_str("，名次在前一半的单位不列入黑榜");
        }
        if tiers.red > 0 && tiers.black > 0 {
            t.push_str("，同时符合两榜条件的列入红榜");
        }
    }
    t.push_str("；名次变化与上一个已揭榜季度比较，“新”为首次参与排名，“上期未排名”为此前排过名但上期未参与排名。");
    t
}

fn decimals_word(d: u8) -> &'static str {
    ["零", "一", "两", "三", "四"][usize::from(d.min(4))]
}

/// The year-to-date rule, put before the group's rules.
fn cumulative_rule(key: PeriodKey) -> String {
    format!(
        "累计总分为{}年1–{}季度各季度榜单总分之和，任一季度未参与排名的单位不参与累计排名（标注所缺季度）；",
        key.year, key.quarter
    )
}

/// Said under a board when the units ranked differ from the previous board's: a rank can then
/// move although the unit did no better or worse.
fn ranked_set_note(previous: &Board, now: &Board) -> String {
    let ranked = |b: &Board| -> Vec<(i64, String)> {
        b.rows
            .iter()
            .filter(|r| r.rank.is_some())
            .map(|r| (r.unit_id, r.name.clone()))
            .collect()
    };
    let (before, after) = (ranked(previous), ranked(now));
    let names = |from: &[(i64, String)], not_in: &[(i64, String)]| -> Vec<String> {
        from.iter()
            .filter(|(id, _)| !not_in.iter().any(|(o, _)| o == id))
            .map(|(_, n)| format!("「{n}」"))
            .collect()
    };
    let (left, joined) = (names(&before, &after), names(&after, &before));
    if left.is_empty() && joined.is_empty() {
        return String::new();
    }
    let mut parts = Vec::new();
    if !left.is_empty() {
        parts.push(format!("上期排名的{}本期未参与排名", left.join("")));
    }
    if !joined.is_empty() {
        parts.push(format!("{}上期未参与排名", joined.join("")));
    }
    format!(
        "注：与上期相比，{}，其他单位的名次变化含此影响。",
        parts.join("，")
    )
}
