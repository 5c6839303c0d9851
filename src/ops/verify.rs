//! `verify`: ranks every published board again from the stored scores and compares it with
//! the board as posted. Reads only.

use super::error::Result;
use super::structure;
use crate::boards::{self, View};
use crate::domain::PeriodKey;
use crate::domain::UnitId;
use crate::store::{self, PeriodStatus};
use rusqlite::Connection;

/// A published board whose snapshot differs from ranking its stored scores today.
#[derive(Debug)]
pub struct Discrepancy {
    pub period: PeriodKey,
    pub group: String,
    pub view: View,
    /// What differs, in words.
    pub details: Vec<String>,
}

/// Ranks every published board again from the stored scores and compares it with the board as
/// posted. No difference is expected: scores of a published period change only through a
/// correction, which re-freezes. A difference means the scores were changed behind the
/// application's back, or the ranking rules changed since 揭榜.
pub fn verify(conn: &Connection) -> Result<Vec<Discrepancy>> {
    let latest = structure(conn)?;
    let mut out = Vec::new();
    let mut schemes: Vec<crate::store::Structure> = Vec::new();
    for p in latest
        .periods
        .iter()
        .filter(|p| p.status == PeriodStatus::Published)
    {
        // Each year against its own scheme.
        let year = latest.scheme_year(p.key.year);
        if !schemes.iter().any(|s| s.competition.year == year) {
            schemes.push(super::scheme(conn, year)?);
        }
        let Some(s) = schemes.iter().find(|s| s.competition.year == year) else {
            continue;
        };
        for g in &s.groups {
            for view in [View::Quarter, View::Cumulative] {
                let posted = store::load_snapshot(conn, p.id, g.id, view)?;
                let now = boards::compute_group_board(conn, s, p.key, g.id, view)?;
                let details = match (&posted, &now) {
                    (None, None) => continue,
                    (Some(_), None) => vec!["已揭榜的榜单无法根据现有得分重新计算".to_string()],
                    (None, Some(_)) => vec![
                        "已揭榜期间缺少冻结的榜单（旧版本的数据库？核对无误后可运行 shaibang freeze 补冻结）"
                            .to_string(),
                    ],
                    (Some(a), Some(b)) => snapshot_differences(a, b),
                };
                if !details.is_empty() {
                    out.push(Discrepancy {
                        period: p.key,
                        group: g.name.clone(),
                        view,
                        details,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// What differs between a posted board and ranking it again: the rows and the period movement
/// is measured against. The rule line is shown as context when the result differs; on its own
/// it is the wording of the version that posted the board (a newer version may word the same
/// rules differently), not a difference in the result.
fn snapshot_differences(posted: &store::Snapshot, now: &boards::GroupBoard) -> Vec<String> {
    let mut d = board_differences(&posted.board, &now.board);
    if posted.compared_with != now.previous {
        let label = |k: Option<PeriodKey>| k.map_or_else(|| "无".to_string(), |k| k.label());
        d.push(format!(
            "名次变化的比较期间已揭榜为{}，按现有数据为{}",
            label(posted.compared_with),
            label(now.previous)
        ));
    }
    if !d.is_empty() && posted.rules_text != now.rules_text {
        d.push(format!(
            "计分和并列规则说明已揭榜为「{}」，按现有规则为「{}」",
            posted.rules_text, now.rules_text
        ));
    }
    d
}

fn board_differences(posted: &crate::ranking::Board, now: &crate::ranking::Board) -> Vec<String> {
    use std::collections::HashMap;
    let now_by_unit: HashMap<UnitId, &crate::ranking::BoardRow> =
        now.rows.iter().map(|r| (r.unit_id, r)).collect();
    let mut out = Vec::new();
    for a in &posted.rows {
        let Some(b) = now_by_unit.get(&a.unit_id) else {
            out.push(format!("「{}」在重新计算的榜单中不存在", a.name));
            continue;
        };
        let rank = |r: Option<u32>| r.map_or_else(|| "不排名".to_string(), |r| format!("第{r}名"));
        if a.rank != b.rank || a.total != b.total {
            out.push(format!(
                "「{}」已揭榜为{}（{}分），按现有得分为{}（{}分）",
                a.name,
                rank(a.rank),
                a.total,
                rank(b.rank),
                b.total
            ));
        } else if a.grade != b.grade || a.veto != b.veto {
            let g = |r: &crate::ranking::BoardRow| {
                let mut t = r
                    .grade
                    .as_ref()
                    .map_or_else(|| "无等次".to_string(), |g| g.name.clone());
                if r.veto.is_some() {
                    t.push_str("（一票否决）");
                }
                t
            };
            let (ga, gb) = (g(a), g(b));
            if ga == gb {
                // The same band, decided differently (a quota's note).
                let note = |r: &crate::ranking::BoardRow| {
                    r.grade
                        .as_ref()
                        .map(crate::present::grade_note)
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| "按总分评定".into())
                };
                out.push(format!(
                    "「{}」等次均为{ga}，但评定依据已揭榜为「{}」，按现有数据和规则为「{}」",
                    a.name,
                    note(a),
                    note(b)
                ));
            } else {
                out.push(format!(
                    "「{}」等次已揭榜为{ga}，按现有数据和规则为{gb}",
                    a.name
                ));
            }
        } else if a != *b {
            out.push(format!(
                "「{}」名次与总分相同，但明细（指标得分、并列或变化）不同",
                a.name
            ));
        }
    }
    let posted_units: std::collections::HashSet<UnitId> =
        posted.rows.iter().map(|r| r.unit_id).collect();
    for b in now
        .rows
        .iter()
        .filter(|r| !posted_units.contains(&r.unit_id))
    {
        out.push(format!("「{}」不在已揭榜的榜单中", b.name));
    }
    if now.rows.len() != posted.rows.len() {
        out.push(format!(
            "已揭榜{}个单位，按现有得分为{}个",
            posted.rows.len(),
            now.rows.len()
        ));
    }
    out
}
