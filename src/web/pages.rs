//! HTML pages for officials: home, group board, why-this-rank, unit profile, indicator view,
//! compare. Every page is rendered once per data version and then served from the cache.

use super::cache::{Ctx, Rendered};
use super::views::{Card, Chrome, PeriodInfo, PeriodLink, opt, period_links, rank_text, signed};
use super::{AppError, AppState, cached};
use crate::analysis::{self, IndicatorMeta};
use crate::boards::{GroupBoard, View};
use crate::domain::{PeriodKey, Points, Total};
use crate::present::{ChangeText, TierText};
use crate::scoring::Change;
use crate::store::{self, GroupRow, PeriodRow, PeriodStatus, Structure};
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use askama::Template;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/boards/{period}/{group}", web::get().to(board))
        .route("/boards/{period}/{group}/why/{unit}", web::get().to(why))
        .route("/units/{id}", web::get().to(unit))
        .route("/indicators/{id}", web::get().to(indicator))
        .route("/compare", web::get().to(compare))
        .route("/healthz", web::get().to(healthz));
}

pub fn html(t: &impl Template) -> Result<Rendered, AppError> {
    let body = t
        .render()
        .map_err(|e| AppError::Internal(format!("模板渲染失败：{e}")))?;
    Ok(Rendered {
        status: StatusCode::OK,
        content_type: "text/html; charset=utf-8",
        body: body.into(),
        filename: None,
    })
}

/// The structure, or a page saying nothing is configured yet.
pub fn structure(ctx: &Ctx<'_>) -> Result<std::sync::Arc<Option<Structure>>, AppError> {
    Ok(ctx.structure()?)
}

pub fn need(s: &Option<Structure>) -> Result<&Structure, AppError> {
    s.as_ref()
        .ok_or_else(|| AppError::NotFound("尚未配置竞赛".into()))
}

/// A published period named in a URL; drafts are not public before 揭榜.
pub fn published<'s>(s: &'s Structure, raw: &str) -> Result<&'s PeriodRow, AppError> {
    let key = PeriodKey::parse(raw)
        .ok_or_else(|| AppError::NotFound(format!("无法识别的期间「{raw}」")))?;
    match s.period(key) {
        Some(p) if p.status == PeriodStatus::Published => Ok(p),
        Some(_) => Err(AppError::NotFound(format!("期间{key}尚未揭榜"))),
        None => Err(AppError::NotFound(format!("期间{key}不存在"))),
    }
}

pub fn group<'s>(s: &'s Structure, raw: &str) -> Result<&'s GroupRow, AppError> {
    s.group_by_name(raw)
        .ok_or_else(|| AppError::NotFound(format!("组别「{raw}」不存在")))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
    print: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    title: String,
    chrome: Chrome,
    heading: String,
    period: Option<PeriodInfo>,
    periods: Vec<PeriodLink>,
    cards: Vec<Card>,
}

async fn home(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let requested = q.period.clone();
    cached(&req, &state, move |ctx| {
        let s = structure(ctx)?;
        let chrome = Chrome::new(s.as_ref().as_ref());
        let Some(s) = s.as_ref() else {
            return html(&HomePage {
                title: "首页".into(),
                chrome,
                heading: "尚未配置竞赛".into(),
                period: None,
                periods: vec![],
                cards: vec![],
            });
        };
        let period = match requested.as_deref() {
            Some(raw) => Some(published(s, raw)?),
            None => s.latest_published(),
        };
        let Some(period) = period else {
            return html(&HomePage {
                title: "首页".into(),
                chrome,
                heading: s.competition.name.clone(),
                period: None,
                periods: period_links(s, None),
                cards: vec![],
            });
        };
        let mut cards = Vec::new();
        let mut compared = None;
        for g in &s.groups {
            if let Some(b) = ctx.board(s, period.key, g.id, View::Quarter)? {
                compared = b.previous;
                cards.push(Card::new(&b));
            }
        }
        html(&HomePage {
            title: format!("{} 考评结果", period.key.label()),
            chrome,
            heading: format!("{} 考评结果", period.key.label()),
            period: Some(PeriodInfo {
                status: period.status.label(),
                published_at: period.published_at.clone(),
                compared_with: compared.map(|p| p.label()),
            }),
            periods: period_links(s, Some(period.key)),
            cards,
        })
    })
    .await
}

/// A group board's query string: `?sort=total&dir=desc&view=cumulative&print=1`.
#[derive(Deserialize, Default)]
pub struct BoardQuery {
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub view: Option<String>,
    pub print: Option<String>,
}

pub fn view_of(raw: Option<&str>) -> Result<View, AppError> {
    match raw {
        None | Some("") | Some("quarter") => Ok(View::Quarter),
        Some("cumulative") => Ok(View::Cumulative),
        Some(v) => Err(AppError::BadRequest(format!(
            "未知的视图「{v}」，应为 quarter 或 cumulative"
        ))),
    }
}

struct Header {
    label: String,
    url: String,
    numeric: bool,
    arrow: Option<&'static str>,
    aria_sort: Option<&'static str>,
}

struct FullRow<'a> {
    rank: String,
    tied: bool,
    tie_broken: bool,
    tie_note: String,
    unit: String,
    unit_id: i64,
    missing: bool,
    missing_list: String,
    total: Total,
    points: &'a [Option<Points>],
    bonus: Points,
    penalty: Points,
    change: String,
    change_css: &'static str,
    tier: &'static str,
    tier_css: &'static str,
    why_url: String,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage<'a> {
    title: String,
    chrome: Chrome,
    period_key: String,
    group_name: String,
    board_title: String,
    status: &'static str,
    compared_with: Option<String>,
    cumulative: bool,
    quarter_url: String,
    cumulative_url: String,
    cumulative_label: String,
    csv_url: String,
    xlsx_url: String,
    print_url: String,
    headers: Vec<Header>,
    rows: Vec<FullRow<'a>>,
    rules_text: String,
    chart_url: String,
    chart_alt: String,
    bump_url: String,
    correction: Option<CorrectionNotice>,
}

/// The notice on a published board that was corrected after 揭榜.
pub struct CorrectionNotice {
    /// One line per correction, oldest first.
    pub lines: Vec<String>,
    /// Units whose rank or total the latest correction changed.
    pub changes: Vec<String>,
}

impl CorrectionNotice {
    pub fn new(c: &crate::boards::Correction) -> CorrectionNotice {
        let mut lines = vec![format!("{} 揭榜", c.first_published)];
        lines.extend(
            c.history
                .iter()
                .map(|m| format!("{} {}", m.created_at, m.reason)),
        );
        let changes = c
            .changes
            .iter()
            .map(crate::present::describe_correction)
            .collect();
        CorrectionNotice { lines, changes }
    }
}

/// Sort key of a row for a column; `None` sorts last.
fn sort_key(b: &GroupBoard, r: &crate::scoring::BoardRow, col: &str) -> Option<i64> {
    match col {
        "total" => Some(r.total.0),
        "bonus" => Some(r.bonus.0),
        "penalty" => Some(r.penalty.0),
        "change" => match r.change {
            Change::Up(n) => Some(i64::from(n)),
            Change::Down(n) => Some(-i64::from(n)),
            Change::Same => Some(0),
            _ => None,
        },
        c if c.starts_with('i') => {
            let k: usize = c[1..].parse().ok()?;
            b.board.rows.first()?.points.get(k)?;
            r.points[k].map(|p| p.0)
        }
        _ => r.rank.map(i64::from),
    }
}

async fn board(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<BoardQuery>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw) = path.into_inner();
    let q = q.into_inner();
    cached(&req, &state, move |ctx| {
        board_page(ctx, &period_raw, &group_raw, &q)
    })
    .await
}

/// Renders a group board page (public so that benchmarks can time it without HTTP).
pub fn board_page(
    ctx: &Ctx<'_>,
    period_raw: &str,
    group_raw: &str,
    q: &BoardQuery,
) -> Result<Rendered, AppError> {
    {
        let s = structure(ctx)?;
        let s = need(&s)?;
        let period = published(s, period_raw)?;
        let g = group(s, group_raw)?;
        let view = view_of(q.view.as_deref())?;
        let b = ctx.board(s, period.key, g.id, view)?.ok_or_else(|| {
            AppError::NotFound("榜单不存在：累计榜需要本年第一季度起各季度均已揭榜".into())
        })?;
        let sort = q.sort.clone().unwrap_or_else(|| "rank".into());
        let desc_default = !matches!(sort.as_str(), "rank" | "unit");
        let desc = match q.dir.as_deref() {
            Some("asc") => false,
            Some("desc") => true,
            _ => desc_default,
        };
        let mut order: Vec<usize> = (0..b.board.rows.len()).collect();
        if sort == "unit" {
            order.sort_by(|&x, &y| b.board.rows[x].name.cmp(&b.board.rows[y].name));
        } else {
            order.sort_by_key(|&i| {
                let k = sort_key(&b, &b.board.rows[i], &sort);
                // Missing values last in either direction; ties keep rank order.
                (
                    k.is_none(),
                    if desc {
                        -k.unwrap_or(0)
                    } else {
                        k.unwrap_or(0)
                    },
                    i,
                )
            });
        }
        if sort == "unit" && desc {
            order.reverse();
        }
        let base = format!("/boards/{}/{}", period.key, g.id);
        let view_q = if view == View::Cumulative {
            "&view=cumulative"
        } else {
            ""
        };
        let mut cols: Vec<(String, String, bool)> = vec![
            ("rank".into(), "名次".into(), false),
            ("unit".into(), "单位".into(), false),
            ("total".into(), "总分".into(), true),
        ];
        cols.extend(
            b.indicators
                .iter()
                .enumerate()
                .map(|(k, i)| (format!("i{k}"), i.name.clone(), true)),
        );
        cols.push(("bonus".into(), "加分".into(), true));
        cols.push(("penalty".into(), "扣分".into(), true));
        cols.push(("change".into(), "变化".into(), false));
        let mut headers: Vec<Header> = cols
            .into_iter()
            .map(|(key, label, numeric)| {
                let active = key == sort;
                let next = if active && desc {
                    "asc"
                } else if active {
                    "desc"
                } else if matches!(key.as_str(), "rank" | "unit") {
                    "asc"
                } else {
                    "desc"
                };
                Header {
                    url: format!("{base}?sort={key}&dir={next}{view_q}"),
                    label,
                    numeric,
                    arrow: active.then_some(if desc { "▼" } else { "▲" }),
                    aria_sort: active.then_some(if desc { "descending" } else { "ascending" }),
                }
            })
            .collect();
        headers.push(Header {
            label: "榜单".into(),
            url: format!("{base}?sort=rank&dir=asc{view_q}"),
            numeric: false,
            arrow: None,
            aria_sort: None,
        });
        let rows = order
            .iter()
            .map(|&i| {
                let r = &b.board.rows[i];
                let tie_broken = r.equal_total > 0 && !r.tied && !r.decided_by.is_empty();
                FullRow {
                    rank: rank_text(r),
                    tied: r.tied,
                    tie_broken,
                    tie_note: if tie_broken {
                        format!(
                            "与{}个单位总分相同，按{}排定名次",
                            r.equal_total,
                            r.decided_by
                                .iter()
                                .map(|&k| format!("「{}」", b.indicators[k].name))
                                .collect::<Vec<_>>()
                                .join("、")
                        )
                    } else {
                        String::new()
                    },
                    unit: r.name.clone(),
                    unit_id: r.unit_id,
                    missing: r.has_missing(),
                    missing_list: crate::present::missing_note(&b, r),
                    total: r.total,
                    points: &r.points,
                    bonus: r.bonus,
                    penalty: r.penalty,
                    change: r.change.label(),
                    change_css: r.change.css(),
                    tier: r.tier.label(),
                    tier_css: r.tier.css(),
                    why_url: format!(
                        "/boards/{}/{}/why/{}{}",
                        period.key,
                        g.id,
                        r.unit_id,
                        if view == View::Cumulative {
                            "?view=cumulative"
                        } else {
                            ""
                        }
                    ),
                }
            })
            .collect();
        let mut chrome = Chrome::new(Some(s));
        chrome.print = q.print.is_some();
        let top: Vec<String> = b
            .board
            .rows
            .iter()
            .take(3)
            .map(|r| format!("{}{}分", r.name, r.total))
            .collect();
        html(&BoardPage {
            title: format!("{} {}", b.title, g.name),
            chrome,
            period_key: period.key.to_string(),
            group_name: g.name.clone(),
            board_title: b.title.clone(),
            status: period.status.label(),
            compared_with: b.previous.map(|p| {
                if view == View::Cumulative {
                    format!("{}年1–{}季度累计", p.year, p.quarter)
                } else {
                    p.label()
                }
            }),
            cumulative: view == View::Cumulative,
            quarter_url: base.clone(),
            cumulative_url: format!("{base}?view=cumulative"),
            cumulative_label: format!("1–{}季度累计", period.key.quarter),
            csv_url: format!(
                "{base}/export.csv{}",
                if view == View::Cumulative {
                    "?view=cumulative"
                } else {
                    ""
                }
            ),
            xlsx_url: format!(
                "{base}/export.xlsx{}",
                if view == View::Cumulative {
                    "?view=cumulative"
                } else {
                    ""
                }
            ),
            print_url: format!("{base}?print=1{view_q}"),
            headers,
            rows,
            rules_text: b.rules_text.clone(),
            chart_url: format!(
                "/charts/{}/{}/totals.svg{}",
                period.key,
                g.id,
                if view == View::Cumulative {
                    "?view=cumulative"
                } else {
                    ""
                }
            ),
            chart_alt: format!(
                "{} {}各单位总分条形图，前三名：{}；完整数据见上表",
                b.title,
                g.name,
                top.join("，")
            ),
            bump_url: if view == View::Quarter {
                format!("/charts/groups/{}/bump.svg", g.id)
            } else {
                String::new()
            },
            correction: b.corrected.as_ref().map(CorrectionNotice::new),
        })
    }
}

struct WhyLine {
    name: String,
    points: String,
    max: String,
    weight: String,
    counted: String,
    rank: String,
    note: String,
}

#[derive(Template)]
#[template(path = "why.html")]
struct WhyPage {
    title: String,
    chrome: Chrome,
    period_key: String,
    board_url: String,
    group_name: String,
    unit: String,
    board_title: String,
    rank_text: String,
    total: String,
    lines: Vec<WhyLine>,
    explanations: Vec<String>,
    rules_text: String,
}

#[derive(Deserialize)]
pub struct ViewQuery {
    view: Option<String>,
}

async fn why(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    q: web::Query<ViewQuery>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw, unit_raw) = path.into_inner();
    let view_raw = q.into_inner().view;
    cached(&req, &state, move |ctx| {
        let s = structure(ctx)?;
        let s = need(&s)?;
        let period = published(s, &period_raw)?;
        let g = group(s, &group_raw)?;
        let view = view_of(view_raw.as_deref())?;
        let b = ctx.board(s, period.key, g.id, view)?.ok_or_else(|| {
            AppError::NotFound("榜单不存在：累计榜需要本年第一季度起各季度均已揭榜".into())
        })?;
        let unit_id: i64 = unit_raw
            .parse()
            .map_err(|_| AppError::NotFound(format!("单位「{unit_raw}」不存在")))?;
        let pos = b
            .board
            .rows
            .iter()
            .position(|r| r.unit_id == unit_id)
            .ok_or_else(|| AppError::NotFound(format!("单位{unit_id}不在{}中", g.name)))?;
        let r = &b.board.rows[pos];
        let reasons = if view == View::Quarter {
            store::unit_adjustments(ctx.conn, period.id, unit_id)?
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
        let mut ex = Vec::new();
        let rt = rank_text(r);
        match r.rank {
            None => ex.push(crate::present::unranked_reason(&b, r).to_string()),
            Some(rank) => {
                let better = b
                    .board
                    .rows
                    .iter()
                    .filter(|o| o.rank.is_some_and(|x| x < rank))
                    .count();
                ex.push(format!(
                    "总分 {}，组内有{}个单位名次在前，因此为第{}名。",
                    r.total, better, rank
                ));
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
        if r.tier != crate::scoring::Tier::None {
            ex.push(format!(
                "按「前{}名红榜、后{}名黑榜」的规则列入{}。",
                g.red,
                g.black,
                r.tier.label()
            ));
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
        html(&WhyPage {
            title: format!("{} {} 名次说明", r.name, b.title),
            chrome: Chrome::new(Some(s)),
            period_key: period.key.to_string(),
            board_url: format!("/boards/{}/{}", period.key, g.id),
            group_name: g.name.clone(),
            unit: r.name.clone(),
            board_title: b.title.clone(),
            rank_text: if r.rank.is_some() {
                format!("第{rt}名")
            } else {
                rt
            },
            total: r.total.to_string(),
            lines,
            explanations: ex,
            rules_text: b.rules_text.clone(),
        })
    })
    .await
}

struct Current {
    rank: String,
    tied: bool,
    group_size: usize,
    total: String,
    change: String,
    change_css: &'static str,
    tier: &'static str,
    tier_css: &'static str,
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
    url: String,
    total: String,
    rank: String,
    tied: bool,
    change: String,
    change_css: &'static str,
    tier: &'static str,
    tier_css: &'static str,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    title: String,
    chrome: Chrome,
    unit_id: i64,
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
    indicators_chart: String,
    trend_chart: String,
    trend: Vec<TrendRow>,
    remarks: Vec<String>,
    honors: Vec<store::HonorRow>,
}

/// The unit, its group and the period to show (the requested one or the latest published).
pub fn unit_context<'s>(
    s: &'s Structure,
    id_raw: &str,
    period_raw: Option<&str>,
) -> Result<(&'s store::UnitRow, &'s GroupRow, Option<&'s PeriodRow>), AppError> {
    let id: i64 = id_raw
        .parse()
        .map_err(|_| AppError::NotFound(format!("单位「{id_raw}」不存在")))?;
    let u = s
        .unit(id)
        .ok_or_else(|| AppError::NotFound(format!("单位{id}不存在")))?;
    let g = s
        .group(u.group_id)
        .ok_or_else(|| AppError::NotFound("组别不存在".into()))?;
    let period = match period_raw {
        Some(raw) => Some(published(s, raw)?),
        None => s.latest_published(),
    };
    Ok((u, g, period))
}

pub fn metas(b: &GroupBoard) -> Vec<IndicatorMeta> {
    b.indicators
        .iter()
        .map(|i| IndicatorMeta {
            name: i.name.clone(),
            max: i.max,
            direction: i.direction,
        })
        .collect()
}

async fn unit(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let id_raw = path.into_inner();
    let q = q.into_inner();
    cached(&req, &state, move |ctx| {
        let s = structure(ctx)?;
        let s = need(&s)?;
        let (u, g, period) = unit_context(s, &id_raw, q.period.as_deref())?;
        let history = ctx.history(s, g.id)?;
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
            period_label: b.title.clone(),
        });
        let standings = board
            .as_ref()
            .and_then(|b| analysis::standings(&metas(b), &b.board, u.id))
            .unwrap_or_default();
        let ind_url = |k: usize| {
            board.as_ref().map_or_else(String::new, |b| {
                format!("/indicators/{}?group={}", b.indicators[k].id, g.id)
            })
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
        let trend = history
            .iter()
            .filter_map(|b| {
                let r = b.board.rows.iter().find(|r| r.unit_id == u.id)?;
                Some(TrendRow {
                    period: b.title.clone(),
                    url: format!("/boards/{}/{}", b.period.key, g.id),
                    total: r.total.to_string(),
                    rank: rank_text(r),
                    tied: r.tied,
                    change: r.change.label(),
                    change_css: r.change.css(),
                    tier: r.tier.label(),
                    tier_css: r.tier.css(),
                })
            })
            .collect();
        let remarks = match period {
            Some(p) => {
                let a = store::unit_adjustments(ctx.conn, p.id, u.id)?;
                [("加分", &a.bonus), ("扣分", &a.penalty)]
                    .into_iter()
                    .filter_map(|(name, v)| {
                        let (pts, reason) = v.as_ref()?;
                        Some(format!(
                            "{name} {pts}：{}",
                            reason.as_deref().unwrap_or("（未注明原因）")
                        ))
                    })
                    .collect()
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
            kind: u.kind.clone(),
            group_name: g.name.clone(),
            board_url: period.map_or_else(|| "/".into(), |p| format!("/boards/{}/{}", p.key, g.id)),
            current,
            periods: period_links(s, period.map(|p| p.key)),
            compare_url: match leader {
                Some(l) => format!("/compare?{pq}&units={}&units={}", u.id, l.unit_id),
                None => format!("/compare?{pq}&units={}", u.id),
            },
            print_url: format!("/units/{}?{pq}&print=1", u.id),
            weak,
            standings: standings.iter().map(view).collect(),
            indicators_chart: format!("/charts/units/{}/indicators.svg?{pq}", u.id),
            trend_chart: format!("/charts/units/{}/trend.svg", u.id),
            trend,
            remarks,
            honors: store::unit_honors(ctx.conn, u.id)?,
        })
    })
    .await
}

struct IndicatorRowView {
    unit_id: i64,
    unit: String,
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    title: String,
    chrome: Chrome,
    indicator_id: i64,
    name: String,
    max: String,
    group_name: String,
    groups: Vec<(i64, String, bool)>,
    periods: Vec<String>,
    rows: Vec<IndicatorRowView>,
    averages: Vec<String>,
}

#[derive(Deserialize)]
pub struct GroupQuery {
    group: Option<String>,
}

async fn indicator(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<GroupQuery>,
) -> Result<HttpResponse, AppError> {
    let id_raw = path.into_inner();
    let group_raw = q.into_inner().group;
    cached(&req, &state, move |ctx| {
        let s = structure(ctx)?;
        let s = need(&s)?;
        let id: i64 = id_raw
            .parse()
            .map_err(|_| AppError::NotFound(format!("指标「{id_raw}」不存在")))?;
        let ind = s
            .indicators
            .iter()
            .find(|i| i.id == id)
            .ok_or_else(|| AppError::NotFound(format!("指标{id}不存在")))?;
        let gid = match group_raw.as_deref() {
            Some(raw) => group(s, raw)?.id,
            None => *ind
                .groups
                .first()
                .ok_or_else(|| AppError::NotFound("指标未分配组别".into()))?,
        };
        if !ind.groups.contains(&gid) {
            return Err(AppError::NotFound(format!(
                "指标「{}」不适用于该组别",
                ind.name
            )));
        }
        let g = group(s, &gid.to_string())?;
        let history = ctx.history(s, gid)?;
        let k = history
            .first()
            .and_then(|b| b.indicators.iter().position(|i| i.id == id));
        let rows = s
            .group_units(gid)
            .into_iter()
            .map(|u| IndicatorRowView {
                unit_id: u.id,
                unit: u.name.clone(),
                cells: history
                    .iter()
                    .map(|b| {
                        let r = b.board.rows.iter().find(|r| r.unit_id == u.id);
                        match (r, k) {
                            (Some(r), Some(k)) => match (r.points[k], r.indicator_ranks[k]) {
                                (Some(p), Some(rank)) => format!("{p}（{rank}）"),
                                _ => "—".into(),
                            },
                            _ => "—".into(),
                        }
                    })
                    .collect(),
            })
            .collect();
        let averages = history
            .iter()
            .map(|b| {
                opt(k
                    .and_then(|k| {
                        analysis::average(b.board.rows.iter().filter_map(|r| r.points[k]))
                    })
                    .map(|p: Points| p))
            })
            .collect();
        html(&IndicatorPage {
            title: format!("{} · {}", ind.name, g.name),
            chrome: Chrome::new(Some(s)),
            indicator_id: id,
            name: ind.name.clone(),
            max: ind.max.to_string(),
            group_name: g.name.clone(),
            groups: ind
                .groups
                .iter()
                .filter_map(|x| s.group(*x))
                .map(|x| (x.id, x.name.clone(), x.id == gid))
                .collect(),
            periods: history.iter().map(|b| b.title.clone()).collect(),
            rows,
            averages,
        })
    })
    .await
}

struct ChoiceGroup {
    name: String,
    units: Vec<(i64, String, bool)>,
}

struct CompareRow {
    label: String,
    strong: bool,
    values: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    title: String,
    chrome: Chrome,
    period_key: String,
    period_label: String,
    choices: Vec<ChoiceGroup>,
    columns: Vec<(i64, String)>,
    rows: Vec<CompareRow>,
}

async fn compare(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    cached(&req, &state, move |ctx| {
        let s = structure(ctx)?;
        let s = need(&s)?;
        let period = match pairs.iter().find(|(k, _)| k == "period") {
            Some((_, v)) if !v.is_empty() => published(s, v)?,
            _ => s
                .latest_published()
                .ok_or_else(|| AppError::NotFound("还没有已揭榜的期间".into()))?,
        };
        let mut ids: Vec<i64> = Vec::new();
        for (k, v) in &pairs {
            if k == "units" {
                for part in v.split(',') {
                    let id: i64 = part
                        .trim()
                        .parse()
                        .map_err(|_| AppError::NotFound(format!("单位「{part}」不存在")))?;
                    if s.unit(id).is_none() {
                        return Err(AppError::NotFound(format!("单位{id}不存在")));
                    }
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
            }
        }
        let mut columns = Vec::new();
        let mut cols: Vec<(std::sync::Arc<GroupBoard>, usize)> = Vec::new();
        for id in &ids {
            let Some(u) = s.unit(*id) else { continue };
            if let Some(b) = ctx.board(s, period.key, u.group_id, View::Quarter)?
                && let Some(i) = b.board.rows.iter().position(|r| r.unit_id == *id)
            {
                columns.push((u.id, u.name.clone()));
                cols.push((b, i));
            }
        }
        let mut rows = Vec::new();
        let best = |vals: &[Option<i64>], higher: bool| -> Vec<bool> {
            let m = if higher {
                vals.iter().flatten().max()
            } else {
                vals.iter().flatten().min()
            };
            vals.iter()
                .map(|v| cols.len() > 1 && v.is_some() && v.as_ref() == m)
                .collect()
        };
        let totals: Vec<Option<i64>> = cols
            .iter()
            .map(|(b, i)| Some(b.board.rows[*i].total.0))
            .collect();
        let marks = best(&totals, true);
        rows.push(CompareRow {
            label: "总分".into(),
            strong: true,
            values: cols
                .iter()
                .zip(marks)
                .map(|((b, i), m)| (b.board.rows[*i].total.to_string(), m))
                .collect(),
        });
        rows.push(CompareRow {
            label: "组内名次".into(),
            strong: true,
            values: cols
                .iter()
                .map(|(b, i)| {
                    let r = &b.board.rows[*i];
                    (
                        format!(
                            "{}/{}（{}）",
                            rank_text(r),
                            b.board.rows.len(),
                            b.group.name
                        ),
                        false,
                    )
                })
                .collect(),
        });
        // Indicators by name, in the order they first appear; a unit without one shows —.
        let mut names: Vec<String> = Vec::new();
        for (b, _) in &cols {
            for i in &b.indicators {
                if !names.contains(&i.name) {
                    names.push(i.name.clone());
                }
            }
        }
        for name in names {
            let vals: Vec<Option<Points>> = cols
                .iter()
                .map(|(b, i)| {
                    b.indicators
                        .iter()
                        .position(|x| x.name == name)
                        .and_then(|k| b.board.rows[*i].points[k])
                })
                .collect();
            let higher = cols
                .iter()
                .find_map(|(b, _)| b.indicators.iter().find(|x| x.name == name))
                .is_none_or(|x| x.direction == crate::domain::Direction::Higher);
            let marks = best(
                &vals.iter().map(|v| v.map(|p| p.0)).collect::<Vec<_>>(),
                higher,
            );
            rows.push(CompareRow {
                label: name,
                strong: false,
                values: vals.iter().zip(marks).map(|(v, m)| (opt(*v), m)).collect(),
            });
        }
        for (label, f) in [("加分", 0), ("扣分", 1)] {
            rows.push(CompareRow {
                label: label.into(),
                strong: false,
                values: cols
                    .iter()
                    .map(|(b, i)| {
                        let r = &b.board.rows[*i];
                        (
                            (if f == 0 { r.bonus } else { r.penalty }).to_string(),
                            false,
                        )
                    })
                    .collect(),
            });
        }
        let choices = s
            .groups
            .iter()
            .map(|g| ChoiceGroup {
                name: g.name.clone(),
                units: s
                    .group_units(g.id)
                    .into_iter()
                    .map(|u| (u.id, u.name.clone(), ids.contains(&u.id)))
                    .collect(),
            })
            .collect();
        if columns.len() < 2 {
            columns.clear();
        }
        html(&ComparePage {
            title: "单位对比".into(),
            chrome: Chrome::new(Some(s)),
            period_key: period.key.to_string(),
            period_label: period.key.label(),
            choices,
            columns,
            rows,
        })
    })
    .await
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let ok = web::block(move || store::data_version(&*store.conn()?)).await;
    match ok {
        Ok(Ok((v, _))) => {
            HttpResponse::Ok().json(serde_json::json!({ "status": "ok", "data_version": v }))
        }
        _ => HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "error" })),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: String,
    chrome: Chrome,
    message: String,
}

pub async fn not_found() -> HttpResponse {
    error_page(
        StatusCode::NOT_FOUND,
        "找不到页面".into(),
        "您访问的页面不存在。".into(),
    )
}

pub fn error_page(status: StatusCode, title: String, message: String) -> HttpResponse {
    let page = ErrorPage {
        title,
        chrome: Chrome::new(None),
        message,
    };
    let body = page.render().unwrap_or_else(|_| "错误".into());
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body)
}
