//! Published boards, frozen at 揭榜 (schema v3). A snapshot holds a ranked board exactly as it
//! was posted; pages read it instead of ranking again, so a posted rank never changes on view.
//! A correction writes a new snapshot and marks the old one superseded: nothing is overwritten.

use super::Result;
use crate::domain::{GroupId, IndicatorId, PeriodId, UnitId};
use crate::domain::{PeriodKey, Points, Total, View};
use crate::ranking::{Board, BoardRow, Change, Tier};
use rusqlite::{Connection, OptionalExtension, params};

/// A board to freeze, with what is needed to show it later as it was.
pub struct NewSnapshot<'a> {
    pub period_id: PeriodId,
    pub group_id: GroupId,
    pub view: View,
    pub compared_with: Option<PeriodKey>,
    pub indicator_ids: &'a [IndicatorId],
    pub rules_text: &'a str,
    pub board: &'a Board,
    /// The rules of the computed indicators it was computed with.
    pub scoring: &'a [super::PostedRule],
}

/// Why a snapshot was written.
pub struct SnapshotCause<'a> {
    /// `揭榜`, or the correction in words.
    pub reason: &'a str,
    pub batch_id: Option<i64>,
}

/// A frozen board as stored.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub meta: SnapshotMeta,
    /// Whether it replaced an earlier snapshot (the board was corrected after 揭榜).
    pub supersedes: bool,
    pub compared_with: Option<PeriodKey>,
    pub indicator_ids: Vec<IndicatorId>,
    pub rules_text: String,
    pub board: Board,
    /// The computed indicators' rules as posted; `None` for a board posted before they were
    /// kept.
    pub scoring: Option<Vec<super::PostedRule>>,
}

/// When and why a snapshot was written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SnapshotMeta {
    pub id: i64,
    pub reason: String,
    pub batch_id: Option<i64>,
    pub created_at: crate::domain::Stamp,
}

/// What an earlier (superseded) snapshot of a board said about one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierResult {
    pub unit_id: UnitId,
    pub rank: Option<u32>,
    pub total: Total,
    pub change: Change,
    pub tier: Tier,
}

const MISSING: i64 = i64::MIN;

/// Writes `new` as the current snapshot of its board, superseding the current one. Returns
/// `false` and writes nothing when the current snapshot already says exactly the same.
pub fn save_snapshot(
    conn: &Connection,
    new: &NewSnapshot<'_>,
    cause: &SnapshotCause<'_>,
) -> Result<bool> {
    let current = load_snapshot(conn, new.period_id, new.group_id, new.view)?;
    if let Some(cur) = &current
        && cur.board == *new.board
        && cur.compared_with == new.compared_with
        && cur.indicator_ids == new.indicator_ids
        && cur.rules_text == new.rules_text
    {
        return Ok(false);
    }
    let now = super::now();
    if let Some(cur) = &current {
        conn.execute(
            "UPDATE board_snapshot SET superseded_at = ?2 WHERE id = ?1",
            (cur.meta.id, &now),
        )?;
    }
    conn.execute(
        "INSERT INTO board_snapshot (period_id, group_id, view, compared_with, indicator_ids,
             rules_text, reason, batch_id, created_at, scoring)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            new.period_id,
            new.group_id,
            new.view.as_str(),
            new.compared_with.map(|k| k.to_string()),
            join(new.indicator_ids.iter()),
            new.rules_text,
            cause.reason,
            cause.batch_id,
            now,
            serde_json::to_string(new.scoring)
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
        ],
    )?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare(
        "INSERT INTO board_snapshot_row (snapshot_id, position, unit_id, unit_name, rank, tied,
             equal_total, decided_by, total, subtotal, bonus, penalty, change_kind, change_places,
             previous_rank, tier, missing, points, indicator_ranks, missing_quarters, grade, veto,
             streaks)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
             ?21, ?22, ?23)",
    )?;
    for (pos, r) in new.board.rows.iter().enumerate() {
        let (kind, places) = change_parts(r.change);
        stmt.execute(params![
            id,
            pos as i64,
            r.unit_id,
            r.name,
            r.rank,
            r.tied,
            r.equal_total as i64,
            join(r.decided_by.iter()),
            r.total.0,
            r.subtotal.0,
            r.bonus.0,
            r.penalty.0,
            kind,
            places,
            r.previous_rank,
            tier_code(r.tier),
            join(r.missing.iter()),
            pack_points(&r.points),
            pack_ranks(&r.indicator_ranks),
            join(r.missing_quarters.iter()),
            r.grade
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
            r.veto,
            StreakMarks::of(r)
                .map(|m| serde_json::to_string(&m))
                .transpose()
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?,
        ])?;
    }
    Ok(true)
}

/// The current snapshot of a board, if it was frozen.
pub fn load_snapshot(
    conn: &Connection,
    period_id: PeriodId,
    group_id: GroupId,
    view: View,
) -> Result<Option<Snapshot>> {
    let head = conn
        .prepare_cached(
            "SELECT id, compared_with, indicator_ids, rules_text, reason, batch_id, created_at,
                 EXISTS (SELECT 1 FROM board_snapshot o WHERE o.period_id = ?1
                     AND o.group_id = ?2 AND o.view = ?3 AND o.superseded_at IS NOT NULL),
                 scoring
             FROM board_snapshot
             WHERE period_id = ?1 AND group_id = ?2 AND view = ?3 AND superseded_at IS NULL",
        )?
        .query_row(params![period_id, group_id, view.as_str()], |r| {
            Ok((
                SnapshotMeta {
                    id: r.get(0)?,
                    reason: r.get(4)?,
                    batch_id: r.get(5)?,
                    created_at: r.get(6)?,
                },
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })
        .optional()?;
    let Some((meta, compared_with, indicator_ids, rules_text, supersedes, scoring)) = head else {
        return Ok(None);
    };
    // A stored rule that does not read back is a damaged database, said as such.
    let scoring: Option<Vec<super::PostedRule>> = scoring
        .map(|t| serde_json::from_str(&t))
        .transpose()
        .map_err(|e| {
            super::StoreError::Io(std::io::Error::other(format!(
                "榜单快照的计分规则有误：{e}"
            )))
        })?;
    let indicator_ids: Vec<IndicatorId> = split(&indicator_ids);
    let n = indicator_ids.len();
    let mut stmt = conn.prepare_cached(
        "SELECT unit_id, unit_name, rank, tied, equal_total, decided_by, total, subtotal, bonus,
             penalty, change_kind, change_places, previous_rank, tier, missing, points,
             indicator_ranks, missing_quarters, grade, veto, streaks
         FROM board_snapshot_row WHERE snapshot_id = ?1 ORDER BY position",
    )?;
    let rows = stmt
        .query_map([meta.id], |r| {
            let points = r.get_ref(15)?.as_blob()?;
            let ranks = r.get_ref(16)?.as_blob()?;
            Ok(BoardRow {
                unit_id: r.get(0)?,
                name: r.get(1)?,
                rank: r.get(2)?,
                tied: r.get(3)?,
                equal_total: r.get::<_, i64>(4)? as usize,
                decided_by: positions(r.get_ref(5)?.as_str()?, n),
                total: Total(r.get(6)?),
                subtotal: Total(r.get(7)?),
                bonus: Points(r.get(8)?),
                penalty: Points(r.get(9)?),
                change: change_from(r.get_ref(10)?.as_str()?, r.get(11)?),
                previous_rank: r.get(12)?,
                tier: tier_from(r.get_ref(13)?.as_str()?),
                missing: positions(r.get_ref(14)?.as_str()?, n),
                points: unpack_points(points, n),
                indicator_ranks: unpack_ranks(ranks, n),
                missing_quarters: split(r.get_ref(17)?.as_str()?),
                grade: r
                    .get_ref(18)?
                    .as_str_or_null()?
                    .map(serde_json::from_str)
                    .transpose()
                    .map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            18,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?,
                veto: r.get(19)?,
                streaks: Vec::new(),
                red_flag: None,
            })
            .and_then(|mut row: BoardRow| {
                if let Some(text) = r.get_ref(20)?.as_str_or_null()? {
                    let m: StreakMarks = serde_json::from_str(text).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            20,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?;
                    row.streaks = m.streaks;
                    row.red_flag = m.red_flag;
                }
                Ok(row)
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Snapshot {
        meta,
        supersedes,
        compared_with: compared_with.as_deref().and_then(PeriodKey::parse),
        indicator_ids,
        rules_text,
        board: Board { rows },
        scoring,
    }))
}

/// Whether a board has a current snapshot.
pub fn has_snapshot(
    conn: &Connection,
    period_id: PeriodId,
    group_id: GroupId,
    view: View,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM board_snapshot
             WHERE period_id = ?1 AND group_id = ?2 AND view = ?3 AND superseded_at IS NULL",
        )?
        .exists(params![period_id, group_id, view.as_str()])?)
}

/// Every snapshot of a board, oldest first (the last is the current one).
pub fn snapshot_history(
    conn: &Connection,
    period_id: PeriodId,
    group_id: GroupId,
    view: View,
) -> Result<Vec<SnapshotMeta>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, reason, batch_id, created_at FROM board_snapshot
             WHERE period_id = ?1 AND group_id = ?2 AND view = ?3 ORDER BY id",
        )?
        .query_map(params![period_id, group_id, view.as_str()], |r| {
            Ok(SnapshotMeta {
                id: r.get(0)?,
                reason: r.get(1)?,
                batch_id: r.get(2)?,
                created_at: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Each unit's rank and total in a (superseded) snapshot, in board order.
pub fn snapshot_results(conn: &Connection, snapshot_id: i64) -> Result<Vec<EarlierResult>> {
    Ok(conn
        .prepare_cached(
            "SELECT unit_id, rank, total, change_kind, change_places, tier FROM board_snapshot_row
             WHERE snapshot_id = ?1 ORDER BY position",
        )?
        .query_map([snapshot_id], |r| {
            Ok(EarlierResult {
                unit_id: r.get(0)?,
                rank: r.get(1)?,
                total: Total(r.get(2)?),
                change: change_from(r.get_ref(3)?.as_str()?, r.get(4)?),
                tier: tier_from(r.get_ref(5)?.as_str()?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Published periods (ids) where some group has a board (quarter or year so far) without a
/// current snapshot: databases from before schema v3, or a group added since. The year so far
/// counts only where every quarter of the year up to the period is published, as only then
/// is there such a board.
pub fn periods_missing_snapshots(conn: &Connection) -> Result<Vec<(i64, PeriodKey)>> {
    Ok(conn
        .prepare(
            "SELECT p.id, p.year, p.quarter FROM period p WHERE p.status = 'published'
               AND EXISTS (
                   SELECT 1 FROM ranking_group g
                   CROSS JOIN (SELECT 'quarter' AS view UNION ALL SELECT 'cumulative') v
                   WHERE (v.view = 'quarter' OR p.quarter = (
                           SELECT COUNT(*) FROM period q WHERE q.year = p.year
                             AND q.quarter <= p.quarter AND q.status = 'published'))
                     AND NOT EXISTS (
                       SELECT 1 FROM board_snapshot b WHERE b.period_id = p.id
                         AND b.group_id = g.id AND b.view = v.view AND b.superseded_at IS NULL))
             ORDER BY p.year, p.quarter",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                PeriodKey {
                    year: r.get(1)?,
                    quarter: r.get(2)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

fn join<T: ToString>(items: impl Iterator<Item = T>) -> String {
    items.map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

/// Parses a comma-separated list written by `join`; anything else yields what parses.
fn split<T: std::str::FromStr>(s: &str) -> Vec<T> {
    s.split(',').filter_map(|x| x.parse().ok()).collect()
}

/// Indicator positions as written by `join`, keeping only those of the `n` columns: a damaged
/// row must not index past them.
fn positions(s: &str, n: usize) -> Vec<usize> {
    split(s).into_iter().filter(|&i: &usize| i < n).collect()
}

fn pack_points(points: &[Option<Points>]) -> Vec<u8> {
    points
        .iter()
        .flat_map(|p| p.map_or(MISSING, |p| p.0).to_le_bytes())
        .collect()
}

fn unpack_points(blob: &[u8], n: usize) -> Vec<Option<Points>> {
    let mut out: Vec<Option<Points>> = blob
        .chunks_exact(8)
        .map(|c| {
            let v = i64::from_le_bytes(c.try_into().unwrap_or([0; 8]));
            (v != MISSING).then_some(Points(v))
        })
        .collect();
    out.resize(n, None);
    out
}

fn pack_ranks(ranks: &[Option<u32>]) -> Vec<u8> {
    ranks
        .iter()
        .flat_map(|r| r.unwrap_or(0).to_le_bytes())
        .collect()
}

fn unpack_ranks(blob: &[u8], n: usize) -> Vec<Option<u32>> {
    let mut out: Vec<Option<u32>> = blob
        .chunks_exact(4)
        .map(|c| {
            let v = u32::from_le_bytes(c.try_into().unwrap_or([0; 4]));
            (v != 0).then_some(v)
        })
        .collect();
    out.resize(n, None);
    out
}

fn change_parts(c: Change) -> (&'static str, u32) {
    match c {
        Change::Up(n) => ("up", n),
        Change::Down(n) => ("down", n),
        Change::Same => ("same", 0),
        Change::New => ("new", 0),
        Change::Returned => ("returned", 0),
        Change::First => ("first", 0),
        Change::Unranked => ("unranked", 0),
    }
}

fn change_from(kind: &str, places: u32) -> Change {
    match kind {
        "up" => Change::Up(places),
        "down" => Change::Down(places),
        "same" => Change::Same,
        "new" => Change::New,
        "returned" => Change::Returned,
        "first" => Change::First,
        _ => Change::Unranked,
    }
}

/// A row's streaks and 流动红旗 as stored (one JSON column; none when it has neither).
#[derive(serde::Serialize, serde::Deserialize)]
struct StreakMarks {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    streaks: Vec<crate::ranking::streaks::Streak>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    red_flag: Option<crate::ranking::streaks::RedFlag>,
}

impl StreakMarks {
    fn of(r: &BoardRow) -> Option<StreakMarks> {
        (!r.streaks.is_empty() || r.red_flag.is_some()).then(|| StreakMarks {
            streaks: r.streaks.clone(),
            red_flag: r.red_flag.clone(),
        })
    }
}

/// How a tier is stored: fixed codes, whatever a page calls or styles it.
fn tier_code(t: Tier) -> &'static str {
    match t {
        Tier::Red => "red",
        Tier::Black => "black",
        Tier::None => "none",
    }
}

fn tier_from(s: &str) -> Tier {
    match s {
        "red" => Tier::Red,
        "black" => Tier::Black,
        _ => Tier::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_values_round_trip() {
        let points = vec![
            Some(Points(855_000)),
            None,
            Some(Points(-12)),
            Some(Points(0)),
        ];
        assert_eq!(unpack_points(&pack_points(&points), 4), points);
        let ranks = vec![Some(1), None, Some(1000)];
        assert_eq!(unpack_ranks(&pack_ranks(&ranks), 3), ranks);
        for c in [
            Change::Up(3),
            Change::Down(1),
            Change::Same,
            Change::New,
            Change::Returned,
            Change::First,
            Change::Unranked,
        ] {
            let (k, n) = change_parts(c);
            assert_eq!(change_from(k, n), c);
        }
        for t in [Tier::Red, Tier::Black, Tier::None] {
            assert_eq!(tier_from(tier_code(t)), t);
        }
        assert_eq!(split::<usize>(&join([2usize, 0, 7].iter())), vec![2, 0, 7]);
        assert!(split::<usize>("").is_empty());
        assert_eq!(positions("0,3,9,x", 4), vec![0, 3]);
    }
}
