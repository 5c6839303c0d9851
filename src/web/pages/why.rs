//! `/boards/{period}/{group}/why/{unit}`: why a unit has its rank — its total indicator by
//! indicator, ties and tie-breaks, the gap to its neighbours, the tier rule, any correction.

use super::html;
use crate::boards::View;
use crate::domain::Total;
use crate::domain::UnitId;
use crate::present::{ChangeText, TierText};
use crate::store::{self};
use crate::web::extract::{self};
use crate::web::urls;
use crate::web::views::{Chrome, opt, rank_text};
use crate::web::{AppError, AppState, cached_in};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

pub(crate) struct WhyLine {
    pub name: String,
    pub points: String,
    pub max: String,
    pub weight: String,
    pub counted: String,
    pub rank: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "why.html")]
struct WhyPage {
    title: String,
    chrome: Chrome,
    period_key: String,
    board_url: String,
    group_name: String,
    board_title: String,
    why: Why,
}

/// Why a unit has its rank: its total item by item and the rank explained in sentences
/// (shared by the public page and the staff's draft board).
pub(crate) struct Why {
    pub unit: String,
    pub rank_text: String,
    pub total: String,
    pub lines: Vec<WhyLine>,
    pub explanations: Vec<String>,
    /// Each computed indicator's working: 「固定资产投资：完成5600万元，…= 32.40」.
    pub scoring: Vec<String>,
    pub rules_text: String,
}

#[derive(Deserialize)]
pub struct ViewQuery {
    view: Option<String>,
}

pub(super) async fn why(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    q: web::Query<ViewQuery>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw, unit_raw) = path.into_inner();
    let view_raw = q.into_inner().view;
    cached_in(&req, &state, Some(period_raw.clone()), move |ctx, s| {
        let (period, g, view, b) =
            extract::board(ctx, s, &period_raw, &group_raw, view_raw.as_deref())?;
        let unit_id: UnitId = unit_raw
            .parse()
            .map_err(|_| AppError::NotFound(format!("单位「{unit_raw}」不存在")))?;
        let why = explain(ctx.conn, s, &b, g, view, unit_id)?;
        html(&WhyPage {
            title: format!("{} {} 名次说明", why.unit, b.title),
            chrome: Chrome::new(Some(s)),
            period_key: period.key.to_string(),
            board_url: urls::board(period.key, g.id),
            group_name: g.name.clone(),
            board_title: b.title.clone(),
            why,
        })
    })
    .await
}

/// Explains unit `unit_id`'s place on board `b` (of group `g`, period `period`).
pub(crate) fn explain(
    conn: &rusqlite::Connection,
    s: &store::Structure,
    b: &crate::boards::GroupBoard,
    g: &store::GroupRow,
    view: View,
    unit_id: UnitId,
) -> Result<Why, AppError> {
    let period = b.period.id;
    let pos = b
        .board
        .rows
        .iter()
        .position(|r| r.unit_id == unit_id)
        .ok_or_else(|| AppError::NotFound(format!("单位{unit_id}不在{}中", g.name)))?;
    let r = &b.board.rows[pos];
    let reasons = if view == View::Quarter {
        store::unit_adjustments(conn, period, unit_id)?
    } else {
        store::Adjustments::default()
    };
    // Per-indicator ranks are among the units ranked on the board.
    let ranked = b.board.rows.iter().filter(|o| o.rank.is_some()).count();
    let mut lines: Vec<WhyLine> = b
        .indicators
        .iter()
        .enumerate()
        .map(|(k, i)| WhyLine {
            name: i.name.clone(),
            points: opt(r.points[k]),
            max: i.max.to_string(),
            weight: i.weight.map_or_else(|| "1".into(), |w| w.to_string()),
            counted: r.points[k].map_or_else(
                || "0（缺项）".into(),
                |p| {
                    i.weight
                        .map_or(Total::from(p), |w| Total::weighted(p, w))
                        .to_string()
                },
            ),
            rank: r.indicator_ranks[k].map_or_else(|| "—".into(), |x| format!("{x}/{ranked}")),
            note: if r.missing.contains(&k) {
                "数据缺失".into()
            } else {
                String::new()
            },
        })
        .collect();
    for (name, p, reason, sign) in [
        ("加分", r.bonus, reasons.bonus.and_then(|x| x.1), ""),
        ("扣分", r.penalty, reasons.penalty.and_then(|x| x.1), "−"),
    ] {
        lines.push(WhyLine {
            name: name.into(),
            points: p.to_string(),
            max: String::new(),
            weight: String::new(),
            counted: if p.0 == 0 {
                p.to_string()
            } else {
                format!("{sign}{p}")
            },
            rank: String::new(),
            note: reason.unwrap_or_default(),
        });
    }
    // A computed indicator names its method in the table and states its raw value, target
    // and the method's numbers below it.
    let mut scoring = Vec::new();
    if view == View::Quarter {
        for e in
            crate::boards::scored::explain(conn, s, b.period.key, g.id, &b.indicators, unit_id)?
        {
            let sc = b.indicators[e.column].scoring.as_ref();
            let said =
                crate::present::describe_scoring(sc.and_then(|sc| sc.measure.as_deref()), &e);
            let method = sc
                .and_then(|sc| {
                    crate::competition::method::METHODS
                        .iter()
                        .find(|(c, _)| *c == sc.method)
                })
                .map_or("", |(_, w)| w);
            let line = &mut lines[e.column];
            line.note = if line.note.is_empty() {
                method.to_string()
            } else {
                format!("{}；{method}", line.note)
            };
            scoring.push(format!("{}：{said}", line.name));
        }
    }
    // The year's result: its quarterly part from the four posted totals, numbers filled in.
    if b.period.key.is_annual()
        && let Some(rule) = &s.annual
        && let Some(part) = r.points.first().copied().flatten()
    {
        let totals = crate::boards::quarter_totals(conn, s, b.period.key.year, g, unit_id)?;
        scoring.push(format!(
            "季度考评：{}",
            crate::present::describe_quarterly_part(&rule.basis, &totals, part)
        ));
    }
    let mut ex = Vec::new();
    let rt = rank_text(r);
    match r.rank {
        None => ex.push(crate::present::unranked_reason(b, r).to_string()),
        Some(rank) => {
            let better = b
                .board
                .rows
                .iter()
                .filter(|o| o.rank.is_some_and(|x| x < rank))
                .count();
            // As a clerk would say it: first place needs no count of those ahead.
            ex.push(if better == 0 {
                format!("总分 {}，排本组第{}名。", r.total, rank)
            } else {
                format!(
                    "总分 {}，本组有{}个单位名次在前，排第{}名。",
                    r.total, better, rank
                )
            });
        }
    }
    let same: Vec<&str> = b
        .board
        .rows
        .iter()
        .filter(|o| o.unit_id != r.unit_id && o.total == r.total)
        .map(|o| o.name.as_str())
        .collect();
    if r.tied {
        let tied: Vec<&str> = b
            .board
            .rows
            .iter()
            .filter(|o| o.unit_id != r.unit_id && o.rank == r.rank)
            .map(|o| o.name.as_str())
            .collect();
        ex.push(format!(
            "与{}总分相同，并列第{}名；下一名次顺延。",
            tied.join("、"),
            rt
        ));
    } else if !same.is_empty() {
        let by: Vec<String> = r
            .decided_by
            .iter()
            .map(|&k| format!("「{}」", b.indicators[k].name))
            .collect();
        ex.push(format!(
            "与{}总分相同，按规则依次比较{}得分排定先后。",
            same.join("、"),
            by.join("、")
        ));
        for o in b
            .board
            .rows
            .iter()
            .filter(|o| o.unit_id != r.unit_id && o.total == r.total)
        {
            for &k in &r.decided_by {
                ex.push(format!(
                    "「{}」：本单位 {}，{} {}。",
                    b.indicators[k].name,
                    opt(r.points[k]),
                    o.name,
                    opt(o.points[k])
                ));
            }
        }
    }
    if let Some(above) = pos.checked_sub(1).map(|p| &b.board.rows[p])
        && above.total != r.total
    {
        ex.push(format!(
            "距上一名（{}，{}分）相差 {} 分。",
            above.name,
            above.total,
            above.total - r.total
        ));
    }
    if let Some(below) = b.board.rows.get(pos + 1)
        && below.total != r.total
        && below.rank.is_some()
    {
        ex.push(format!(
            "领先下一名（{}，{}分）{} 分。",
            below.name,
            below.total,
            r.total - below.total
        ));
    }
    if let Some(p) = r.previous_rank {
        ex.push(format!(
            "上期（{}）为第{}名，本期变化：{}。",
            b.previous.map(|k| k.label()).unwrap_or_default(),
            p,
            r.change.label()
        ));
    }
    if r.tier != crate::ranking::Tier::None {
        ex.push(format!(
            "按「前{}名红榜、后{}名黑榜」的规则列入{}。",
            g.red,
            g.black,
            r.tier.label()
        ));
    }
    if view == View::Quarter && s.competition.late_penalty.0 > 0 {
        let late: Vec<String> = store::late_values(conn, period)?
            .into_iter()
            .filter(|(u, _, _)| *u == r.unit_id)
            .filter_map(|(_, i, _)| {
                b.indicators
                    .iter()
                    .find(|x| x.id == i)
                    .map(|x| format!("「{}」", x.name))
            })
            .collect();
        if !late.is_empty() {
            let p = s.competition.late_penalty;
            ex.push(format!(
                "逾期报送扣分{}：{}的数据晚于报送截止时间报送，每项扣{}分，已计入扣分。",
                crate::domain::Points(p.0 * late.len() as i64),
                late.join(""),
                p.plain()
            ));
        }
    }
    if let Some(v) = &r.veto {
        ex.push(format!(
            "本单位被一票否决（{v}）。{}",
            match s.competition.veto {
                crate::domain::VetoRule::Last =>
                    "按规则，其得分照常计算和公布，名次排在未被否决的单位之后，不列入红榜，评为最低等次，不占等次名额。",
                crate::domain::VetoRule::NoTop =>
                    "按规则，保留其名次，但不列入红榜，不评为最高等次，不占其名额。",
            }
        ));
    }
    if let Some(gr) = &r.grade {
        let note = crate::present::grade_note(gr);
        let vetoed_last = r.veto.is_some() && s.competition.veto == crate::domain::VetoRule::Last;
        ex.push(if vetoed_last {
            format!("因一票否决，等次为{}。", gr.name)
        } else if note.is_empty() {
            format!("按总分评定等次为{}。", gr.name)
        } else {
            format!("等次为{}：{note}。", gr.name)
        });
    }
    // A corrected board is explained as corrected, with what this unit had before.
    if let Some(c) = &b.corrected
        && let Some(last) = c.history.last()
    {
        let mine = c.changes.iter().find(|ch| ch.unit_id == r.unit_id);
        ex.push(match mine {
            Some(ch) => format!(
                "本榜于{}揭榜后更正（{}）。更正前后：{}。",
                c.first_published,
                last.reason,
                crate::present::describe_correction(ch)
            ),
            None => format!(
                "本榜于{}揭榜后更正（{}），本单位的名次、总分和名次变化未受影响。",
                c.first_published, last.reason
            ),
        });
    }
    Ok(Why {
        unit: r.name.clone(),
        rank_text: if r.rank.is_some() {
            format!("第{rt}名")
        } else {
            rt
        },
        total: r.total.to_string(),
        lines,
        explanations: ex,
        scoring,
        rules_text: b.rules_text.clone(),
    })
}
