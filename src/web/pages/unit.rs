//! `/units/{id}`: a unit's report card — rank and trend, each indicator against the group
//! average and leader, 短板弱项, remarks and honors.

use super::{PeriodQuery, html};
use crate::boards::View;
use crate::domain::UnitId;
use crate::present::{ChangeText, TierText};
use crate::ranking::analysis::{self};
use crate::store::{self};
use crate::web::extract::{self, metas, unit_context};
use crate::web::urls;
use crate::web::views::{Chart, Chrome, PeriodLink, opt, period_links, rank_text, signed};
use crate::web::{AppError, AppState, cached};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

struct Current {
    rank: String,
    tied: bool,
    group_size: usize,
    total: String,
    change: String,
    change_css: &'static str,
    tier: &'static str,
    tier_css: &'static str,
    marks: crate::present::Marks,
    period_label: String,
}

struct StandingView {
    name: String,
    url: String,
    points: String,
    max: String,
    rank: String,
    average: String,
    vs_average: String,
    leader: String,
    behind_leader: String,
    leaders: String,
}

struct TrendRow {
    period: String,
    /// Where a new year's scheme takes over (and the group changed).
    note: String,
    url: String,
    total: String,
    rank: String,
    tied: bool,
    change: String,
    change_css: &'static str,
    tier: &'static str,
    tier_css: &'static str,
    marks: crate::present::Marks,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    title: String,
    chrome: Chrome,
    unit_id: UnitId,
    unit: String,
    kind: String,
    group_name: String,
    board_url: String,
    current: Option<Current>,
    periods: Vec<PeriodLink>,
    compare_url: String,
    print_url: String,
    weak: Vec<StandingView>,
    standings: Vec<StandingView>,
    indicators_chart: Chart,
    trend_chart: Chart,
    /// The group's ranks across periods with this unit highlighted.
    bump_chart: Chart,
    trend: Vec<TrendRow>,
    remarks: Vec<String>,
    honors: Vec<store::HonorRow>,
    /// 序时进度 of the year-to-date indicators: (text, colour class).
    progress: Vec<(String, &'static str)>,
    /// Former names, mergers and splits, each with a link where another unit is named.
    identity: Vec<(String, Option<String>)>,
    /// The years' results (年度综合考评), oldest first; `change` holds the 公示 state.
    annual: Vec<TrendRow>,
}

/// The unit's line on every published year's result.
fn annual_rows(
    ctx: &crate::web::cache::Ctx<'_>,
    s: &store::Structure,
    unit: UnitId,
) -> Result<Vec<TrendRow>, AppError> {
    let mut out = Vec::new();
    for p in s
        .periods
        .iter()
        .filter(|p| p.key.is_annual() && p.status == store::PeriodStatus::Published)
    {
        let sy = ctx.structure_for(p.key.year)?;
        let Some(sy) = Option::as_ref(&sy) else {
            continue;
        };
        let Some(g) = sy.unit(unit).map(|u| u.group_id) else {
            continue;
        };
        let Some(b) = ctx.board(sy, p.key, g, View::Quarter)? else {
            continue;
        };
        let Some(r) = b.board.rows.iter().find(|r| r.unit_id == unit) else {
            continue;
        };
        out.push(TrendRow {
            note: String::new(),
            period: b.title.clone(),
            url: urls::board(p.key, g),
            total: r.total.to_string(),
            rank: rank_text(r),
            tied: r.tied,
            change: b.publicity.as_ref().map_or_else(String::new, |pb| {
                if pb.final_at.is_some() {
                    "已结束".into()
                } else {
                    "公示中".into()
                }
            }),
            change_css: "same",
            tier: r.tier.label(),
            tier_css: r.tier.css(),
            marks: crate::present::Marks::new(r),
        });
    }
    Ok(out)
}

/// The unit's identity over the years in words: 「原马街街道」, 「2023年由A、B合并」.
fn identity(l: &store::Lineage) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let former = l.former_names();
    if !former.is_empty() {
        out.push((
            format!(
                "原{}",
                former
                    .iter()
                    .map(|(y, n)| format!("{n}（{y}年及以前）"))
                    .collect::<Vec<_>>()
                    .join("、原")
            ),
            None,
        ));
    }
    if let Some((y, from)) = &l.merged_from {
        let names: Vec<&str> = from.iter().map(|(_, n)| n.as_str()).collect();
        out.push((
            format!(
                "{y}年由{}合并，此前各单位的成绩见其各自页面",
                names.join("、")
            ),
            None,
        ));
    }
    if let Some((y, id, n)) = &l.split_from {
        out.push((
            format!("{y}年由{n}拆分设立，此前成绩见{n}"),
            Some(urls::unit(*id)),
        ));
    }
    if let Some((y, id, n)) = &l.merged_into {
        out.push((
            format!("{y}年并入{n}，此后成绩见{n}"),
            Some(urls::unit(*id)),
        ));
    }
    out
}

pub(super) async fn unit(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let id_raw = path.into_inner();
    let q = q.into_inner();
    cached(&req, &state, move |ctx| {
        let st = extract::unit_structure(ctx, &id_raw, q.period.as_deref())?;
        let s = extract::need(&st)?;
        let (u, g, period) = unit_context(s, &id_raw, q.period.as_deref())?;
        let years = extract::unit_history(ctx, u.id)?;
        let history = years.iter().flat_map(|h| h.iter());
        let board = match period {
            Some(p) => ctx.board(s, p.key, g.id, View::Quarter)?,
            None => None,
        };
        let row = board
            .as_ref()
            .and_then(|b| b.board.rows.iter().find(|r| r.unit_id == u.id));
        let current = board.as_ref().zip(row).map(|(b, r)| Current {
            rank: rank_text(r),
            tied: r.tied,
            group_size: b.board.rows.len(),
            total: r.total.to_string(),
            change: r.change.label(),
            change_css: r.change.css(),
            tier: r.tier.label(),
            tier_css: r.tier.css(),
            marks: crate::present::Marks::new(r),
            period_label: b.title.clone(),
        });
        let standings = board
            .as_ref()
            .and_then(|b| analysis::standings(&metas(b), &b.board, u.id))
            .unwrap_or_default();
        let ind_url = |k: usize| {
            board
                .as_ref()
                .map_or_else(String::new, |b| urls::indicator(b.indicators[k].id, g.id))
        };
        let view = |st: &analysis::Standing| StandingView {
            name: st.name.clone(),
            url: ind_url(st.index),
            points: opt(st.points),
            max: st.max.to_string(),
            rank: st
                .rank
                .map_or_else(|| "—".into(), |r| format!("{r}/{}", st.ranked)),
            average: opt(st.average),
            vs_average: signed(st.vs_average),
            leader: opt(st.leader),
            behind_leader: st.behind_leader.map_or_else(
                || "—".into(),
                |p| {
                    if p.0 == 0 {
                        "0".into()
                    } else {
                        format!("-{p}")
                    }
                },
            ),
            leaders: st.leaders.join("、"),
        };
        let weak = analysis::weaknesses(&standings, 5)
            .into_iter()
            .map(view)
            .collect();
        // Where a year's scheme takes over, the row says so (and the group, if it changed):
        // ranks under different rules say less.
        let mut notes: Vec<String> = Vec::new();
        let mut last_group: Option<&str> = None;
        for (k, h) in years.iter().enumerate() {
            for (i, b) in h.iter().enumerate() {
                let mut note = String::new();
                if i == 0 && k > 0 {
                    note = format!("自{}年起按当年考核方案", b.period.key.year);
                    if last_group.is_some_and(|g| g != b.group.name) {
                        note.push_str(&format!("，调入{}", b.group.name));
                    }
                }
                notes.push(note);
                last_group = Some(&b.group.name);
            }
        }
        let trend = history
            .zip(notes)
            .filter_map(|(b, note)| {
                let r = b.board.rows.iter().find(|r| r.unit_id == u.id)?;
                Some(TrendRow {
                    note,
                    period: b.title.clone(),
                    url: urls::board(b.period.key, b.group.id),
                    total: r.total.to_string(),
                    rank: rank_text(r),
                    tied: r.tied,
                    change: r.change.label(),
                    change_css: r.change.css(),
                    tier: r.tier.label(),
                    tier_css: r.tier.css(),
                    marks: crate::present::Marks::new(r),
                })
            })
            .collect();
        let ranked_in: Vec<String> = years
            .iter()
            .flat_map(|h| h.iter())
            .filter(|b| b.board.rows.iter().any(|r| r.unit_id == u.id))
            .map(|b| b.period.key.to_string())
            .collect();
        let remarks = match period {
            Some(p) => {
                let a = store::unit_adjustments(ctx.conn, p.id, u.id)?;
                // Zero points say nothing; one remark given for both is said once.
                let given: Vec<(&str, String, Option<&str>)> =
                    [("加分", &a.bonus), ("扣分", &a.penalty)]
                        .into_iter()
                        .filter_map(|(name, v)| {
                            let (pts, reason) = v.as_ref()?;
                            (pts.0 != 0).then(|| (name, pts.to_string(), reason.as_deref()))
                        })
                        .collect();
                let why = |r: Option<&str>| r.unwrap_or("（未注明原因）").to_string();
                match given.as_slice() {
                    [(n1, p1, r1), (n2, p2, r2)] if r1 == r2 => {
                        vec![format!("{n1} {p1}，{n2} {p2}：{}", why(*r1))]
                    }
                    _ => given
                        .iter()
                        .map(|(n, p, r)| format!("{n} {p}：{}", why(*r)))
                        .collect(),
                }
            }
            None => Vec::new(),
        };
        let leader = board
            .as_ref()
            .and_then(|b| b.board.rows.first())
            .filter(|r| r.unit_id != u.id);
        let pq = period.map_or_else(String::new, |p| format!("period={}", p.key));
        let mut chrome = Chrome::new(Some(s));
        chrome.print = q.print.is_some();
        html(&UnitPage {
            title: format!("{} 成绩单", u.name),
            chrome,
            unit_id: u.id,
            unit: u.name.clone(),
            kind: u.kind.to_string(),
            group_name: g.name.clone(),
            board_url: period.map_or_else(|| "/".into(), |p| urls::board(p.key, g.id)),
            current,
            // Only the periods the unit ranked in (a unit merged away has none after).
            periods: period_links(s, period.map(|p| p.key))
                .into_iter()
                .filter(|l| ranked_in.contains(&l.key))
                .collect(),
            compare_url: match leader {
                Some(l) => urls::compare(&pq, &[u.id, l.unit_id]),
                None => urls::compare(&pq, &[u.id]),
            },
            print_url: urls::unit_print(u.id, &pq),
            weak,
            standings: standings.iter().map(view).collect(),
            indicators_chart: Chart::new(
                urls::indicators_chart(u.id, &pq),
                format!(
                    "{}各项指标得分与组平均、组内最高的对比条形图；数据见下表",
                    u.name
                ),
            ),
            trend_chart: Chart::new(
                urls::trend_chart(u.id),
                format!("{}各季度总分与名次走势图；数据见下表", u.name),
            ),
            bump_chart: Chart::new(
                urls::bump_chart(g.id, Some(u.id)),
                format!(
                    "{}各单位在各季度的名次变化折线图，{}以红色突出显示",
                    g.name, u.name
                ),
            ),
            trend,
            remarks,
            honors: store::unit_honors(ctx.conn, u.id)?,
            identity: identity(&store::lineage(ctx.conn, u.id)?),
            annual: annual_rows(ctx, s, u.id)?,
            progress: match period {
                Some(p) => crate::boards::scored::progress(ctx.conn, s, p.key, g.id, u.id)?
                    .iter()
                    .map(crate::present::describe_progress)
                    .collect(),
                None => Vec::new(),
            },
        })
    })
    .await
}
