//! Assembles ranked boards: loads a period's values from the store, hands them to `scoring`,
//! and returns the result with the structure needed to show it. Computes no rank itself.

use crate::domain::{MissingPolicy, PeriodKey, Points};
use crate::scoring::{self, Board, GroupInput, GroupRules, IndicatorSpec, UnitScores};
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

impl RankCorrection {
    /// `丁：第4名 → 第1名，总分 20.00 → 90.00`.
    pub fn describe(&self) -> String {
        let rank = |r: Option<u32>| r.map_or_else(|| "不排名".to_string(), |r| format!("第{r}名"));
        let mut t = format!("{}：", self.unit);
        if self.rank_before != self.rank_now {
            t.push_str(&format!(
                "{} → {}",
                rank(self.rank_before),
                rank(self.rank_now)
            ));
        } else {
            t.push_str(&format!("名次不变（{}）", rank(self.rank_now)));
        }
        if self.total_before != self.total_now {
            t.push_str(&format!(
                "，总分 {} → {}",
                self.total_before, self.total_now
            ));
        }
        if self.change_before != self.change_now {
            let label = |c: scoring::Change| match c.label() {
                l if l.is_empty() => "无".to_string(),
                l => l,
            };
            t.push_str(&format!(
                "，名次变化 {} → {}",
                label(self.change_before),
                label(self.change_now)
            ));
        }
        t
    }
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
    pub total_before: Points,
    pub total_now: Points,
    pub change_before: scoring::Change,
    pub change_now: scoring::Change,
}

/// Ranks one group from the stored scores, ignoring any snapshot: what 揭榜 freezes, and
/// what a draft shows.
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
    match view {
        View::Quarter => {
            let data = store::load_period_values(conn, period.id)?;
            let prev = previous_published(s, key);
            let prev_data = prev
                .map(|p| store::load_period_values(conn, p.id))
                .transpose()?;
            Ok(Some(build(
                s,
                period,
                view,
                group,
                &data,
                prev.map(|p| p.key).zip(prev_data.as_ref()),
            )))
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
            let mut all = Vec::with_capacity(quarters.len());
            for q in &quarters {
                all.push(store::load_period_values(conn, q.id)?);
            }
            let missing = s.competition.missing;
            let data = sum_data(&all, missing);
            let prev = (quarters.len() > 1).then(|| {
                (
                    quarters[quarters.len() - 2].key,
                    sum_data(&all[..all.len() - 1], missing),
                )
            });
            Ok(Some(build(
                s,
                period,
                view,
                group,
                &data,
                prev.as_ref().map(|(k, d)| (*k, d)),
            )))
        }
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

/// Sums quarters. Under the zero rule a value is the sum of the quarters that have it (a
/// missing quarter counts 0); under the exclude rule a value missing in any quarter is missing.
fn sum_data(quarters: &[store::PeriodValues], missing: MissingPolicy) -> store::PeriodValues {
    let mut scores: HashMap<(i64, i64), (Points, usize)> = HashMap::new();
    let mut out = store::PeriodValues::default();
    for q in quarters {
        for &(u, i, p) in &q.scores {
            let e = scores.entry((u, i)).or_insert((Points::ZERO, 0));
            e.0 += p;
            e.1 += 1;
        }
        for (u, (b, p)) in &q.adjustments {
            let e = out
                .adjustments
                .entry(*u)
                .or_insert((Points::ZERO, Points::ZERO));
            e.0 += *b;
            e.1 += *p;
        }
    }
    out.scores = scores
        .into_iter()
        .filter(|(_, (_, n))| missing == MissingPolicy::Zero || *n == quarters.len())
        .map(|((u, i), (p, _))| (u, i, p))
        .collect();
    out.scores.sort_unstable_by_key(|s| (s.0, s.1));
    out
}

fn build(
    s: &Structure,
    period: &PeriodRow,
    view: View,
    group: &GroupRow,
    data: &store::PeriodValues,
    prev: Option<(PeriodKey, &store::PeriodValues)>,
) -> GroupBoard {
    let indicators: Vec<IndicatorRow> = s.group_indicators(group.id).into_iter().cloned().collect();
    let specs: Vec<IndicatorSpec> = indicators
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
        red: group.red,
        black: group.black,
    };
    let previous_ranks: Option<HashMap<i64, u32>> = prev.map(|(_, pdata)| {
        let units = unit_scores(s, group, &indicators, pdata);
        let b = scoring::rank_group(&GroupInput {
            indicators: &specs,
            units: &units,
            rules: &rules,
            previous: None,
        });
        b.rows
            .iter()
            .filter_map(|r| Some((r.unit_id, r.rank?)))
            .collect()
    });
    let units = unit_scores(s, group, &indicators, data);
    let board = scoring::rank_group(&GroupInput {
        indicators: &specs,
        units: &units,
        rules: &rules,
        previous: previous_ranks.as_ref(),
    });
    let mut rules_text = rules_text(&indicators, &rules, group);
    if view == View::Cumulative {
        rules_text.insert_str(
            0,
            &format!(
                "累计得分为{}年1–{}季度各季度得分之和（缺项按0分）；",
                period.key.year, period.key.quarter
            ),
        );
    }
    GroupBoard {
        period: period.clone(),
        view,
        title: title(period.key, view),
        previous: prev.map(|(k, _)| k),
        group: group.clone(),
        indicators,
        board,
        missing_policy: s.competition.missing,
        rules_text,
        frozen: None,
        corrected: None,
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

/// The rule line printed under every board.
pub fn rules_text(indicators: &[IndicatorRow], rules: &GroupRules, group: &GroupRow) -> String {
    let weighted = indicators.iter().any(|i| i.weight.is_some());
    let mut t = String::from(if weighted {
        "总分 = Σ 指标得分 × 权重 + 加分 − 扣分"
    } else {
        "总分 = 各项指标得分之和 + 加分 − 扣分"
    });
    t.push_str("（精确到0.0001分计算）；按总分从高到低排名，总分相同者并列，名次相同后顺延（如 1、2、2、4）");
    if !rules.tie_breaks.is_empty() {
        let names: Vec<String> = rules
            .tie_breaks
            .iter()
            .map(|&k| match indicators[k].direction {
                crate::domain::Direction::Higher => {
                    format!("「{}」（高者在前）", indicators[k].name)
                }
                crate::domain::Direction::Lower => {
                    format!("「{}」（低者在前）", indicators[k].name)
                }
            })
            .collect();
        t.push_str(&format!(
            "；总分相同时依次比较{}得分，仍相同则并列",
            names.join("、")
        ));
    }
    t.push_str(match rules.missing {
        MissingPolicy::Zero => "；缺项按0分计入总分，并标注“数据缺失”",
        MissingPolicy::Exclude => "；有缺项的单位不参与排名",
    });
    if group.red > 0 || group.black > 0 {
        t.push_str(&format!(
            "；前{}名列入红榜、后{}名列入黑榜，并列者同榜",
            group.red, group.black
        ));
    }
    t.push('。');
    t
}

/// A board as the JSON API and `shaibang board --format json` give it.
#[derive(Serialize)]
pub struct BoardJson<'a> {
    pub period: PeriodKey,
    pub status: PeriodStatus,
    pub view: View,
    pub title: &'a str,
    pub group_id: i64,
    pub group: &'a str,
    pub compared_with: Option<PeriodKey>,
    pub rules: &'a str,
    /// Set when the posted board was corrected after 揭榜.
    pub corrected: Option<&'a Correction>,
    pub rows: Vec<RowJson<'a>>,
}

#[derive(Serialize)]
pub struct RowJson<'a> {
    pub rank: Option<u32>,
    pub unit_id: i64,
    pub unit: &'a str,
    pub total: Points,
    pub tied: bool,
    /// Indicators whose tie-break separated this unit from others with an equal total.
    pub tie_broken_by: Vec<&'a str>,
    pub change: scoring::Change,
    pub change_label: String,
    pub previous_rank: Option<u32>,
    pub tier: scoring::Tier,
    pub indicators: Vec<IndicatorJson<'a>>,
    pub bonus: Points,
    pub penalty: Points,
    pub missing: Vec<&'a str>,
}

#[derive(Serialize)]
pub struct IndicatorJson<'a> {
    pub id: i64,
    pub name: &'a str,
    pub points: Option<Points>,
    pub rank: Option<u32>,
}

impl<'a> BoardJson<'a> {
    pub fn new(b: &'a GroupBoard) -> BoardJson<'a> {
        let name = |k: usize| b.indicators[k].name.as_str();
        BoardJson {
            period: b.period.key,
            status: b.period.status,
            view: b.view,
            title: &b.title,
            group_id: b.group.id,
            group: &b.group.name,
            compared_with: b.previous,
            rules: &b.rules_text,
            corrected: b.corrected.as_ref(),
            rows: b
                .board
                .rows
                .iter()
                .map(|r| RowJson {
                    rank: r.rank,
                    unit_id: r.unit_id,
                    unit: &r.name,
                    total: r.total,
                    tied: r.tied,
                    tie_broken_by: r.decided_by.iter().map(|&k| name(k)).collect(),
                    change: r.change,
                    change_label: r.change.label(),
                    previous_rank: r.previous_rank,
                    tier: r.tier,
                    indicators: b
                        .indicators
                        .iter()
                        .enumerate()
                        .map(|(k, i)| IndicatorJson {
                            id: i.id,
                            name: &i.name,
                            points: r.points[k],
                            rank: r.indicator_ranks[k],
                        })
                        .collect(),
                    bonus: r.bonus,
                    penalty: r.penalty,
                    missing: r.missing.iter().map(|&k| name(k)).collect(),
                })
                .collect(),
        }
    }
}
