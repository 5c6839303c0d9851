//! Reading a ranked board for one unit: where it stands on each indicator against the group
//! average and the leader, its 短板弱项 (weakest indicators), and the biggest movers. Pure.

use crate::domain::UnitId;
use crate::domain::{Direction, Points};
use crate::ranking::{Board, BoardRow, Change};
use serde::Serialize;

/// The indicator facts the analysis needs.
#[derive(Debug, Clone)]
pub struct IndicatorMeta {
    pub name: String,
    pub max: Points,
    pub direction: Direction,
}

/// A unit's standing on one indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub index: usize,
    pub direction: Direction,
    pub name: String,
    pub max: Points,
    pub points: Option<Points>,
    /// Rank within the group on this indicator (ties shared).
    pub rank: Option<u32>,
    /// Units with a value on this indicator.
    pub ranked: usize,
    pub average: Option<Points>,
    pub leader: Option<Points>,
    pub leaders: Vec<String>,
    /// points − average (negative: below average on a higher-is-better indicator).
    pub vs_average: Option<Points>,
    /// How far behind the leader (≥ 0).
    pub behind_leader: Option<Points>,
}

/// Mean of the values, rounded to 1/10000.
pub fn average(values: impl Iterator<Item = Points>) -> Option<Points> {
    let (sum, n) = values.fold((0i128, 0i128), |(s, n), p| (s + i128::from(p.0), n + 1));
    if n == 0 {
        return None;
    }
    // Round half away from zero.
    let q = if sum >= 0 {
        (2 * sum + n) / (2 * n)
    } else {
        -((-2 * sum + n) / (2 * n))
    };
    Some(Points(q as i64))
}

/// Every indicator's standing for one unit; `None` when the unit is not on the board.
#[must_use]
pub fn standings(
    indicators: &[IndicatorMeta],
    board: &Board,
    unit_id: UnitId,
) -> Option<Vec<Standing>> {
    let row = board.rows.iter().find(|r| r.unit_id == unit_id)?;
    Some(
        indicators
            .iter()
            .enumerate()
            .map(|(k, ind)| {
                let values: Vec<(Points, &BoardRow)> = board
                    .rows
                    .iter()
                    .filter_map(|r| Some((r.points[k]?, r)))
                    .collect();
                let avg = average(values.iter().map(|v| v.0));
                let best = match ind.direction {
                    Direction::Higher => values.iter().map(|v| v.0).max(),
                    Direction::Lower => values.iter().map(|v| v.0).min(),
                };
                let leaders = values
                    .iter()
                    .filter(|v| Some(v.0) == best)
                    .map(|v| v.1.name.clone())
                    .collect();
                let points = row.points[k];
                Standing {
                    index: k,
                    direction: ind.direction,
                    name: ind.name.clone(),
                    max: ind.max,
                    points,
                    rank: row.indicator_ranks[k],
                    ranked: values.len(),
                    average: avg,
                    leader: best,
                    leaders,
                    vs_average: points.zip(avg).map(|(p, a)| p - a),
                    behind_leader: points.zip(best).map(|(p, b)| (b - p).abs()),
                }
            })
            .collect(),
    )
}

/// The 短板弱项: indicators where the unit ranks in the lower half of its group or below the
/// group average (missing scores first), worst rank first, then the largest gap to the leader
/// relative to the indicator's maximum. At most `n`.
#[must_use]
pub fn weaknesses(standings: &[Standing], n: usize) -> Vec<&Standing> {
    let mut weak: Vec<&Standing> = standings
        .iter()
        .filter(|s| match (s.points, s.rank) {
            (None, _) => true,
            (Some(_), Some(r)) => {
                // Worse than average: below it, or above it where lower is better.
                let below_avg = s.vs_average.is_some_and(|g| match s.direction {
                    Direction::Higher => g.0 < 0,
                    Direction::Lower => g.0 > 0,
                });
                r > 1 && (below_avg || (r as usize) * 2 > s.ranked + 1)
            }
            _ => false,
        })
        .collect();
    weak.sort_by(|a, b| {
        let rel = |s: &Standing| {
            s.behind_leader.map_or(i128::MAX, |g| {
                i128::from(g.0) * 1_000_000 / i128::from(s.max.0.max(1))
            })
        };
        b.points
            .is_none()
            .cmp(&a.points.is_none())
            .then(b.rank.cmp(&a.rank))
            .then(rel(b).cmp(&rel(a)))
    });
    weak.truncate(n);
    weak
}

/// The units that climbed most and fell most since the previous period (at most `n` each).
#[must_use]
pub fn movers(board: &Board, n: usize) -> (Vec<&BoardRow>, Vec<&BoardRow>) {
    let mut up: Vec<&BoardRow> = board
        .rows
        .iter()
        .filter(|r| matches!(r.change, Change::Up(_)))
        .collect();
    up.sort_by_key(|r| {
        std::cmp::Reverse(match r.change {
            Change::Up(k) => k,
            _ => 0,
        })
    });
    up.truncate(n);
    let mut down: Vec<&BoardRow> = board
        .rows
        .iter()
        .filter(|r| matches!(r.change, Change::Down(_)))
        .collect();
    down.sort_by_key(|r| {
        std::cmp::Reverse(match r.change {
            Change::Down(k) => k,
            _ => 0,
        })
    });
    down.truncate(n);
    (up, down)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MissingPolicy;
    use crate::ranking::{GroupInput, GroupRules, IndicatorSpec, UnitScores, rank_group};

    fn p(x: f64) -> Points {
        Points::from_f64(x).unwrap()
    }

    fn board() -> (Vec<IndicatorMeta>, Board) {
        // Indicator 0 (max 20): A 18, B 12, C 15, D missing. Indicator 1 (max 10): A 5, B 9, C 9, D 7.
        let specs: Vec<IndicatorSpec> = (0..2)
            .map(|i| IndicatorSpec {
                id: crate::domain::IndicatorId(i + 1),
                name: format!("I{i}"),
                weight: None,
                direction: Direction::Higher,
            })
            .collect();
        let rows: [(&str, [Option<f64>; 2]); 4] = [
            ("A", [Some(18.0), Some(5.0)]),
            ("B", [Some(12.0), Some(9.0)]),
            ("C", [Some(15.0), Some(9.0)]),
            ("D", [None, Some(7.0)]),
        ];
        let units: Vec<UnitScores> = rows
            .iter()
            .enumerate()
            .map(|(i, (n, pts))| UnitScores {
                unit_id: crate::domain::UnitId(i as i64 + 1),
                name: n.to_string(),
                points: pts.iter().map(|x| x.map(p)).collect(),
                bonus: Points::ZERO,
                penalty: Points::ZERO,
                veto: None,
            })
            .collect();
        let rules = GroupRules {
            tie_breaks: vec![],
            missing: MissingPolicy::Zero,
            tiers: crate::ranking::TierRules {
                red: 1,
                black: 1,
                cut_ties: crate::ranking::CutTies::AllIn,
                black_spares_top_half: true,
            },
            total_decimals: None,
            grades: vec![],
            veto: crate::domain::VetoRule::Last,
        };
        let b = rank_group(&GroupInput {
            indicators: &specs,
            units: &units,
            rules: &rules,
            previous: None,
        });
        let meta = vec![
            IndicatorMeta {
                name: "I0".into(),
                max: p(20.0),
                direction: Direction::Higher,
            },
            IndicatorMeta {
                name: "I1".into(),
                max: p(10.0),
                direction: Direction::Higher,
            },
        ];
        (meta, b)
    }

    #[test]
    fn standing_against_average_and_leader() {
        let (meta, b) = board();
        let s = standings(&meta, &b, crate::domain::UnitId(1)).unwrap(); // A
        assert_eq!(s[0].average, Some(p(15.0))); // (18+12+15)/3, D missing is not averaged
        assert_eq!(s[0].vs_average, Some(p(3.0)));
        assert_eq!(s[0].rank, Some(1));
        assert_eq!(s[0].behind_leader, Some(p(0.0)));
        assert_eq!(s[1].average, Some(p(7.5)));
        assert_eq!(s[1].leader, Some(p(9.0)));
        assert_eq!(
            s[1].leaders,
            vec!["C".to_string(), "B".to_string()],
            "in board order"
        );
        assert_eq!(s[1].rank, Some(4));
        assert_eq!(s[1].behind_leader, Some(p(4.0)));
        assert_eq!(s[1].vs_average, Some(p(-2.5)));
    }

    #[test]
    fn weaknesses_put_missing_and_lowest_ranks_first() {
        let (meta, b) = board();
        let a = standings(&meta, &b, crate::domain::UnitId(1)).unwrap();
        let w: Vec<&str> = weaknesses(&a, 5).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(w, vec!["I1"]);
        let d = standings(&meta, &b, crate::domain::UnitId(4)).unwrap();
        let w: Vec<&str> = weaknesses(&d, 5).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(w, vec!["I0", "I1"], "missing first, then rank 3 of 4");
        let c = standings(&meta, &b, crate::domain::UnitId(3)).unwrap();
        assert!(
            weaknesses(&c, 5).is_empty(),
            "C is at or above average everywhere"
        );
    }

    #[test]
    fn averages_round_to_the_nearest_ten_thousandth() {
        assert_eq!(average([Points(1), Points(2)].into_iter()), Some(Points(2)));
        assert_eq!(
            average([Points(1), Points(1), Points(2)].into_iter()),
            Some(Points(1))
        );
        assert_eq!(average(std::iter::empty()), None);
        assert_eq!(
            average([Points(-1), Points(-2)].into_iter()),
            Some(Points(-2))
        );
    }
}
