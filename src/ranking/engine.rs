//! The engine proper: totals, then one ranking pass (`rank_rows`) shared by the quarter and
//! the year so far.

use super::{
    Board, BoardRow, Change, CumulativeInput, CutTies, Grade, GroupInput, GroupRules,
    IndicatorSpec, Previous, QuotaCut, QuotaKind, Tier, TierRules, VetoRule,
};
use crate::domain::UnitId;
use crate::domain::{Direction, MissingPolicy, Points, Total};
use std::cmp::Ordering;
use std::collections::HashMap;

/// Ranks one group in one period.
#[must_use]
pub fn rank_group(input: &GroupInput<'_>) -> Board {
    let n_ind = input.indicators.len();
    let rows: Vec<BoardRow> = input
        .units
        .iter()
        .map(|u| {
            let points: Vec<Option<Points>> = (0..n_ind)
                .map(|i| u.points.get(i).copied().flatten())
                .collect();
            let missing: Vec<usize> = (0..n_ind).filter(|&i| points[i].is_none()).collect();
            let subtotal =
                Total::sum(input.indicators.iter().zip(&points).filter_map(|(ind, p)| {
                    let p = (*p)?;
                    Some(ind.weight.map_or(Total::from(p), |w| Total::weighted(p, w)))
                }));
            let exact = subtotal + Total::from(u.bonus) - Total::from(u.penalty);
            let total = input
                .rules
                .total_decimals
                .map_or(exact, |d| exact.rounded(d));
            let mut row = new_row(
                u.unit_id,
                &u.name,
                points,
                subtotal,
                (u.bonus, u.penalty),
                total,
                missing,
            );
            row.veto.clone_from(&u.veto);
            row
        })
        .collect();
    // A unit with no indicator score at all has not been assessed in this period (its file
    // is not in yet): it is never ranked, whatever the missing-data rule.
    let eligible: Vec<bool> = rows
        .iter()
        .map(|r| {
            (r.missing.len() < n_ind || n_ind == 0)
                && (input.rules.missing == MissingPolicy::Zero || r.missing.is_empty())
        })
        .collect();
    rank_rows(
        rows,
        &eligible,
        input.indicators,
        input.rules,
        input.previous,
        true,
    )
}

/// Ranks the year so far: each unit's total is the sum of its quarterly totals as the
/// quarterly boards have them (so rounding and weights are applied once, per quarter, as
/// posted); a unit that was not ranked in one of the quarters is not ranked, and says which.
#[must_use]
pub fn rank_cumulative(input: &CumulativeInput<'_>) -> Board {
    let n_ind = input.indicators.len();
    let mut rows = Vec::with_capacity(input.units.len());
    let mut eligible = Vec::with_capacity(input.units.len());
    // Each quarter's row of a unit, looked up once per quarter rather than searched per unit.
    let by_unit: Vec<HashMap<UnitId, &BoardRow>> = input
        .quarters
        .iter()
        .map(|q| q.board.rows.iter().map(|r| (r.unit_id, r)).collect())
        .collect();
    for (unit_id, name) in input.units {
        let mut points: Vec<Option<Points>> = vec![None; n_ind];
        let mut missing_any = vec![false; n_ind];
        let (mut subtotal, mut total) = (Total::ZERO, Total::ZERO);
        let (mut bonus, mut penalty) = (Points::ZERO, Points::ZERO);
        let mut missing_quarters = Vec::new();
        let mut vetoes: Vec<&str> = Vec::new();
        for (q, rows_of) in input.quarters.iter().zip(&by_unit) {
            let row = rows_of.get(unit_id).copied();
            if row.is_none_or(|r| r.rank.is_none()) {
                missing_quarters.push(q.quarter);
            }
            let Some(row) = row else {
                missing_any.iter_mut().for_each(|m| *m = true);
                continue;
            };
            if let Some(v) = &row.veto {
                vetoes.push(v);
            }
            add_points(&mut points, &mut missing_any, row);
            subtotal += row.subtotal;
            total += row.total;
            bonus += row.bonus;
            penalty += row.penalty;
        }
        let missing: Vec<usize> = (0..n_ind).filter(|&k| missing_any[k]).collect();
        eligible.push(missing_quarters.is_empty() && !input.quarters.is_empty());
        let mut row = new_row(
            *unit_id,
            name,
            points,
            subtotal,
            (bonus, penalty),
            total,
            missing,
        );
        row.missing_quarters = missing_quarters;
        if !vetoes.is_empty() {
            row.veto = Some(vetoes.join("；"));
        }
        rows.push(row);
    }
    rank_rows(
        rows,
        &eligible,
        input.indicators,
        input.rules,
        input.previous,
        false,
    )
}

fn add_points(points: &mut [Option<Points>], missing: &mut [bool], row: &BoardRow) {
    for (k, p) in row.points.iter().enumerate() {
        match p {
            Some(p) => points[k] = Some(points[k].unwrap_or(Points::ZERO) + *p),
            None => missing[k] = true,
        }
    }
}

fn new_row(
    unit_id: UnitId,
    name: &str,
    points: Vec<Option<Points>>,
    subtotal: Total,
    (bonus, penalty): (Points, Points),
    total: Total,
    missing: Vec<usize>,
) -> BoardRow {
    let n_ind = points.len();
    BoardRow {
        unit_id,
        name: name.to_string(),
        points,
        subtotal,
        bonus,
        penalty,
        total,
        rank: None,
        tied: false,
        equal_total: 0,
        decided_by: Vec::new(),
        change: Change::Unranked,
        previous_rank: None,
        tier: Tier::None,
        indicator_ranks: vec![None; n_ind],
        missing,
        missing_quarters: Vec::new(),
        grade: None,
        veto: None,
        streaks: Vec::new(),
        red_flag: None,
    }
}

/// Ranks rows whose totals are known: ranks, ties, tie-breaks, tiers, movement and
/// per-indicator ranks, and 等次 when `grades` (quarter boards). `eligible[i]` says whether
/// row i takes part in the ranking.
fn rank_rows(
    mut rows: Vec<BoardRow>,
    eligible: &[bool],
    indicators: &[IndicatorSpec],
    rules: &GroupRules,
    previous: Option<&Previous>,
    grades: bool,
) -> Board {
    // A value missing in a tie-break is worse than any reported value (`cmp_indicator`), so
    // a unit that did not report never wins a tie, whichever direction is better.
    let tb = &rules.tie_breaks;
    let value = |r: &BoardRow, k: usize| {
        if r.missing.contains(&k) {
            None
        } else {
            r.points[k]
        }
    };
    // Under `VetoRule::Last` a veto comes before the total: every unit without one is ahead.
    let put_last = |r: &BoardRow| rules.veto == VetoRule::Last && r.veto.is_some();
    let key_cmp = |a: &BoardRow, b: &BoardRow| -> Ordering {
        put_last(a)
            .cmp(&put_last(b))
            .then(b.total.cmp(&a.total))
            .then_with(|| {
                for &k in tb {
                    let o = cmp_indicator(value(a, k), value(b, k), indicators[k].direction);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            })
    };

    let mut order: Vec<usize> = (0..rows.len()).filter(|&i| eligible[i]).collect();
    order.sort_by(|&a, &b| key_cmp(&rows[a], &rows[b]));
    let n = order.len() as u32;
    // Competition ranks, and how many units share each rank.
    let mut ranks = vec![0u32; rows.len()];
    let mut sharing = vec![0u32; rows.len()];
    let mut start = 0;
    while start < order.len() {
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&j| key_cmp(&rows[order[start]], &rows[j]) == Ordering::Equal)
                .count();
        for &i in &order[start..end] {
            ranks[i] = start as u32 + 1;
            sharing[i] = (end - start) as u32;
        }
        start = end;
    }

    // Units with an equal total (and the same side of a veto that ranks last) are contiguous
    // in `order`: explain each cluster.
    let mut start = 0;
    while start < order.len() {
        let (total, last) = (rows[order[start]].total, put_last(&rows[order[start]]));
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&j| rows[j].total == total && put_last(&rows[j]) == last)
                .count();
        let cluster = &order[start..end];
        for &i in cluster {
            let mut decided_by = Vec::new();
            for &j in cluster {
                if j == i {
                    continue;
                }
                if let Some(&k) = tb.iter().find(|&&k| {
                    cmp_indicator(
                        value(&rows[i], k),
                        value(&rows[j], k),
                        indicators[k].direction,
                    ) != Ordering::Equal
                }) && !decided_by.contains(&k)
                {
                    decided_by.push(k);
                }
            }
            decided_by.sort_by_key(|k| tb.iter().position(|t| t == k));
            let rank = ranks[i];
            let row = &mut rows[i];
            row.rank = Some(rank);
            row.tied = sharing[i] > 1;
            row.equal_total = cluster.len() - 1;
            row.decided_by = decided_by;
            row.tier = match tier(rank, sharing[i], n, &rules.tiers) {
                Tier::Red if row.veto.is_some() => Tier::None,
                t => t,
            };
            row.previous_rank = previous.and_then(|p| p.ranks.get(&row.unit_id).copied());
            row.change = match (previous, row.previous_rank) {
                (None, _) => Change::First,
                (Some(_), Some(p)) => match p.cmp(&rank) {
                    Ordering::Greater => Change::Up(p - rank),
                    Ordering::Less => Change::Down(rank - p),
                    Ordering::Equal => Change::Same,
                },
                (Some(p), None) if p.ranked_earlier.contains(&row.unit_id) => Change::Returned,
                (Some(_), None) => Change::New,
            };
        }
        start = end;
    }

    // Per-indicator ranks among the ranked units; a missing value has none.
    let mut by_value: Vec<(Points, usize)> = Vec::with_capacity(rows.len());
    for (k, ind) in indicators.iter().enumerate() {
        by_value.clear();
        by_value.extend(order.iter().filter_map(|&i| Some((value(&rows[i], k)?, i))));
        by_value.sort_by(|a, b| cmp_indicator(Some(a.0), Some(b.0), ind.direction));
        let mut rank = 0;
        for (pos, &(v, i)) in by_value.iter().enumerate() {
            if pos == 0 || by_value[pos - 1].0 != v {
                rank = pos as u32 + 1;
            }
            rows[i].indicator_ranks[k] = Some(rank);
        }
    }

    if grades {
        assign_grades(&mut rows, &order, rules);
    }

    let mut idx: Vec<usize> = (0..rows.len()).collect();
    idx.sort_by_key(|&i| (rows[i].rank.unwrap_or(u32::MAX), i));
    let mut sorted: Vec<Option<BoardRow>> = rows.into_iter().map(Some).collect();
    Board {
        rows: idx.into_iter().filter_map(|i| sorted[i].take()).collect(),
    }
}

/// Gives every ranked unit its 等次: the bands from the top down, units in rank order (`order`),
/// each band's quota counted among the n ranked units and decided tie by tie.
fn assign_grades(rows: &mut [BoardRow], order: &[usize], rules: &GroupRules) {
    let Some(lowest) = rules.grades.len().checked_sub(1) else {
        return;
    };
    let n = order.len() as u64;
    let mut left: Vec<usize> = order.to_vec();
    for (level, band) in rules.grades.iter().enumerate() {
        let set = |row: &mut BoardRow, quota: Option<QuotaCut>| {
            let quota = quota.or_else(|| row.grade.take().and_then(|g| g.quota));
            row.grade = Some(Grade {
                level: level as u8,
                lowest: level == lowest,
                name: band.name.clone(),
                quota,
            });
        };
        if level == lowest {
            for &i in &left {
                set(&mut rows[i], None);
            }
            return;
        }
        let barred = |r: &BoardRow| {
            r.veto.is_some() && (rules.veto == VetoRule::Last || level == 0)
                || band
                    .min
                    .is_some_and(|m| r.total < crate::domain::Total::from(m))
        };
        let quota = band
            .quota_percent
            .map(|p| (n * u64::from(p) / 100) as usize);
        let cut = |kind| {
            quota.map(|q| QuotaCut {
                grade: band.name.clone(),
                quota: q as u32,
                kind,
            })
        };
        let (mut taken, mut next, mut k) = (0usize, Vec::with_capacity(left.len()), 0);
        while k < left.len() {
            let rank = rows[left[k]].rank;
            let end = k + left[k..]
                .iter()
                .take_while(|&&j| rows[j].rank == rank)
                .count();
            let (tie, out): (Vec<usize>, Vec<usize>) =
                left[k..end].iter().partition(|&&j| !barred(&rows[j]));
            next.extend(out);
            let fits = quota.is_none_or(|q| taken + tie.len() <= q);
            let straddles = quota.is_some_and(|q| taken < q && !fits);
            if fits || (straddles && rules.tiers.cut_ties == CutTies::AllIn) {
                for &j in &tie {
                    set(
                        &mut rows[j],
                        straddles.then(|| cut(QuotaKind::TieIn)).flatten(),
                    );
                }
                taken += tie.len();
            } else {
                let kind = if straddles {
                    // The places the tie left are not handed to units ranked below it.
                    taken = quota.unwrap_or(0);
                    QuotaKind::TieOut
                } else {
                    QuotaKind::Beyond
                };
                for &j in &tie {
                    // Remember the first quota that turned the unit away.
                    if rows[j].grade.is_none() {
                        rows[j].grade = Some(Grade {
                            level: level as u8,
                            lowest: false,
                            name: String::new(),
                            quota: cut(kind),
                        });
                    }
                }
                next.extend(tie);
            }
            k = end;
        }
        // `next` must stay in rank order for the next band's quota.
        next.sort_by_key(|&i| (rows[i].rank, i));
        left = next;
    }
}

/// The tier of `shared` units ranked `rank` among `n` ranked units. The tie occupies places
/// rank…rank+shared−1; `CutTies` says whether a tie reaching across a cut is in or out.
fn tier(rank: u32, shared: u32, n: u32, t: &TierRules) -> Tier {
    let last_place = rank + shared - 1;
    // Places counted from the bottom: the tie occupies n−last_place+1 … n−rank+1.
    let (from_bottom_best, from_bottom_worst) = (n - last_place + 1, n - rank + 1);
    let (red, black) = match t.cut_ties {
        CutTies::AllIn => (rank <= t.red, from_bottom_best <= t.black),
        CutTies::AllOut => (last_place <= t.red, from_bottom_worst <= t.black),
    };
    let spared = t.black_spares_top_half && rank <= n.div_ceil(2);
    if red {
        Tier::Red
    } else if black && !spared {
        Tier::Black
    } else {
        Tier::None
    }
}

/// Orders two indicator values best first; a missing value is worse than any value.
fn cmp_indicator(a: Option<Points>, b: Option<Points>, dir: Direction) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => match dir {
            Direction::Higher => y.cmp(&x),
            Direction::Lower => x.cmp(&y),
        },
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}
