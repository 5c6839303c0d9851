//! Charts (SVG) and exports (CSV, .xlsx) at stable URLs.

use super::cache::Rendered;
use super::extract::{self, group, metas, unit_context};
use super::{AppError, AppState, cached, cached_in};
use crate::boards::View;
use crate::charts::{self, BumpSeries, IndicatorBars, TotalBar, TrendPoint};
use crate::domain::{PeriodKey, UnitId};
use crate::ranking::Tier;
use crate::ranking::analysis;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // One handler for both formats.
    for (path, xlsx) in [
        ("/boards/{period}/{group}/export.csv", false),
        ("/boards/{period}/{group}/export.xlsx", true),
    ] {
        cfg.route(
            path,
            web::get().to(move |req, state, path, q| export(req, state, path, q, xlsx)),
        );
    }
    cfg.route(
        "/charts/{period}/{group}/totals.svg",
        web::get().to(totals_chart),
    )
    .route("/charts/groups/{group}/bump.svg", web::get().to(bump_chart))
    .route("/charts/units/{id}/trend.svg", web::get().to(trend_chart))
    .route(
        "/charts/units/{id}/indicators.svg",
        web::get().to(indicators_chart),
    );
}

#[derive(Deserialize)]
pub struct Q {
    view: Option<String>,
    period: Option<String>,
    /// `red` or `dark`: the lobby's variant of the totals chart (no title, no background).
    lobby: Option<String>,
    /// `0-20`: the rows of one lobby page.
    rows: Option<String>,
    /// `tall`: the lobby chart for a portrait screen.
    shape: Option<String>,
    /// `phone`: the chart drawn for a phone's width.
    size: Option<String>,
    /// A unit to highlight in the bump chart.
    hl: Option<String>,
}

pub(crate) fn svg(body: String) -> Rendered {
    Rendered {
        status: StatusCode::OK,
        content_type: "image/svg+xml; charset=utf-8",
        body: body.into(),
        filename: None,
    }
}

async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<Q>,
    xlsx: bool,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw) = path.into_inner();
    let view_raw = q.into_inner().view;
    cached_in(&req, &state, Some(period_raw.clone()), move |ctx, s| {
        let (period, g, view, b) =
            extract::board(ctx, s, &period_raw, &group_raw, view_raw.as_deref())?;
        let suffix = if view == View::Cumulative {
            "-cumulative"
        } else {
            ""
        };
        let note = b
            .publicity
            .as_ref()
            .map(|p| crate::present::publicity_text(p, &s.competition.zone));
        if xlsx {
            let bytes = crate::export::board_xlsx(&b, &s.competition.name, note.as_deref())
                .map_err(|e| AppError::Internal(format!("生成 Excel 失败：{e}")))?;
            Ok(Rendered {
                status: StatusCode::OK,
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                body: bytes.into(),
                filename: Some((
                    download_name(&b.title, &g.name, "xlsx"),
                    format!("board-{}-{}{suffix}.xlsx", period.key, g.id),
                )),
            })
        } else {
            Ok(Rendered {
                status: StatusCode::OK,
                content_type: "text/csv; charset=utf-8",
                body: crate::export::board_csv(&b, note.as_deref()).into(),
                filename: Some((
                    download_name(&b.title, &g.name, "csv"),
                    format!("board-{}-{}{suffix}.csv", period.key, g.id),
                )),
            })
        }
    })
    .await
}

async fn totals_chart(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw) = path.into_inner();
    let Q {
        view: view_raw,
        lobby,
        rows,
        shape,
        size,
        ..
    } = q.into_inner();
    let size = charts::Size::parse(size.as_deref()).map_err(AppError::BadRequest)?;
    let shape = match shape.as_deref() {
        None | Some("wide") => charts::LobbyShape::Wide,
        Some("tall") => charts::LobbyShape::Tall,
        Some(t) => {
            return Err(AppError::BadRequest(format!(
                "shape「{t}」应为 wide 或 tall"
            )));
        }
    };
    let theme = match lobby.as_deref() {
        None => None,
        Some("red") => Some(charts::LobbyTheme::Red),
        Some("dark") => Some(charts::LobbyTheme::Dark),
        Some(t) => {
            return Err(AppError::BadRequest(format!(
                "lobby「{t}」应为 red 或 dark"
            )));
        }
    };
    cached_in(&req, &state, Some(period_raw.clone()), move |ctx, s| {
        let (_, g, _, b) = extract::board(ctx, s, &period_raw, &group_raw, view_raw.as_deref())?;
        let bars: Vec<TotalBar> = b
            .board
            .rows
            .iter()
            .map(|r| TotalBar {
                // The marks every rank carries: 并列, 同分 (placed by the tie-break).
                label: format!(
                    "{}{} {}",
                    r.rank.map_or_else(|| "—".into(), |x| x.to_string()),
                    crate::present::rank_mark(r),
                    r.name
                ),
                total: r.total,
                tier: match r.tier {
                    Tier::Red => 1,
                    Tier::Black => 2,
                    Tier::None => 0,
                },
            })
            .collect();
        let title = format!("{} {} 总分", b.title, g.name);
        let desc = format!(
            "按名次排列的各单位总分，红色为红榜，深灰为黑榜。共{}个单位。",
            bars.len()
        );
        if let Some(theme) = theme {
            let (a, z) = page_rows(rows.as_deref(), bars.len())?;
            return Ok(svg(charts::totals_lobby(&desc, &bars[a..z], theme, shape)));
        }
        Ok(svg(charts::totals_bar(&title, &desc, &bars, size)))
    })
    .await
}

/// `2023年第四季度_街道组_考评结果.xlsx`: what a clerk would name the file, with no character
/// a file system refuses.
fn download_name(title: &str, group: &str, ext: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if "\\/:*?\"<>|".contains(c) || c.is_control() {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    format!("{}_{}_考评结果.{ext}", clean(title), clean(group))
}

async fn bump_chart(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let group_raw = path.into_inner();
    let Q { size, hl, .. } = q.into_inner();
    let size = charts::Size::parse(size.as_deref()).map_err(AppError::BadRequest)?;
    let hl: Option<i64> = match hl.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse()
                .map_err(|_| AppError::BadRequest(format!("hl「{raw}」应为单位编号")))?,
        ),
    };
    cached(&req, &state, move |ctx| {
        // The scheme the group belongs to (an earlier year's, for an earlier group).
        let st = extract::group_structure(ctx, &group_raw)?;
        let s = extract::need(&st)?;
        let g = group(s, &group_raw)?;
        let history = ctx.history(s, g.id)?;
        let periods: Vec<PeriodKey> = history.iter().map(|b| b.period.key).collect();
        let order: Vec<UnitId> = match history.last() {
            Some(last) => last.board.rows.iter().map(|r| r.unit_id).collect(),
            None => Vec::new(),
        };
        let series: Vec<BumpSeries> = order
            .iter()
            .filter_map(|id| s.unit(*id))
            .map(|u| BumpSeries {
                label: u.name.clone(),
                highlight: hl == Some(u.id.0),
                ranks: history
                    .iter()
                    .map(|b| {
                        b.board
                            .rows
                            .iter()
                            .find(|r| r.unit_id == u.id)
                            .and_then(|r| r.rank)
                    })
                    .collect(),
            })
            .collect();
        let title = format!("{} 各季度名次变化", g.name);
        let desc = format!(
            "{}个单位在{}的名次，第1名在最上方。",
            series.len(),
            periods
                .iter()
                .map(|p| p.label())
                .collect::<Vec<_>>()
                .join("、")
        );
        Ok(svg(charts::bump(&title, &desc, &periods, &series, size)))
    })
    .await
}

async fn trend_chart(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let id_raw = path.into_inner();
    let size = charts::Size::parse(q.size.as_deref()).map_err(AppError::BadRequest)?;
    cached(&req, &state, move |ctx| {
        let st = extract::unit_structure(ctx, &id_raw, None)?;
        let s = extract::need(&st)?;
        let (u, _, _) = unit_context(s, &id_raw, None)?;
        let years = extract::unit_history(ctx, u.id)?;
        let points: Vec<TrendPoint> = years
            .iter()
            .flat_map(|h| h.iter())
            .filter_map(|b| {
                let r = b.board.rows.iter().find(|r| r.unit_id == u.id)?;
                Some(TrendPoint {
                    period: b.period.key,
                    total: r.total,
                    rank: r.rank,
                    group_size: b.board.rows.len(),
                })
            })
            .collect();
        let title = format!("{} 历季总分与名次", u.name);
        let desc = points
            .iter()
            .map(|p| {
                format!(
                    "{}：{}分，{}",
                    p.period.label(),
                    p.total,
                    p.rank
                        .map_or_else(|| "未排名".into(), |r| format!("第{r}名"))
                )
            })
            .collect::<Vec<_>>()
            .join("；");
        Ok(svg(charts::unit_trend(&title, &desc, &points, size)))
    })
    .await
}

async fn indicators_chart(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let id_raw = path.into_inner();
    let Q {
        period: period_raw,
        size,
        ..
    } = q.into_inner();
    let size = charts::Size::parse(size.as_deref()).map_err(AppError::BadRequest)?;
    cached(&req, &state, move |ctx| {
        let st = extract::unit_structure(ctx, &id_raw, period_raw.as_deref())?;
        let s = extract::need(&st)?;
        let (u, g, period) = unit_context(s, &id_raw, period_raw.as_deref())?;
        let period = period.ok_or_else(|| AppError::NotFound("还没有已揭榜的期间".into()))?;
        let b = extract::board_of(ctx, s, period.key, g.id, View::Quarter)?;
        let st = analysis::standings(&metas(&b), &b.board, u.id).unwrap_or_default();
        let rows: Vec<IndicatorBars> = st
            .iter()
            .map(|x| IndicatorBars {
                label: x.name.clone(),
                max: x.max,
                unit: x.points,
                average: x.average,
                leader: x.leader,
            })
            .collect();
        let title = format!(
            "{} {} 各指标与组平均、组内最高对比",
            u.name,
            period.key.label()
        );
        let desc = st
            .iter()
            .map(|x| {
                format!(
                    "{}：{}",
                    x.name,
                    x.points.map_or_else(|| "缺失".into(), |p| p.to_string())
                )
            })
            .collect::<Vec<_>>()
            .join("；");
        Ok(svg(charts::unit_indicators(&title, &desc, &rows, size)))
    })
    .await
}

/// `0-20` → rows 0..20 of `n` (a lobby page of at most `ROWS_PER_SLIDE`); all rows if absent.
fn page_rows(raw: Option<&str>, n: usize) -> Result<(usize, usize), AppError> {
    let Some(raw) = raw else {
        return Ok((0, n.min(crate::lobby::ROWS_PER_SLIDE)));
    };
    let bad = || AppError::BadRequest(format!("rows「{raw}」应为如 0-20 的行范围"));
    let (a, z) = raw.split_once('-').ok_or_else(bad)?;
    let (a, z): (usize, usize) = (
        a.trim().parse().map_err(|_| bad())?,
        z.trim().parse().map_err(|_| bad())?,
    );
    if a >= z || z > n || z - a > crate::lobby::ROWS_PER_SLIDE {
        return Err(bad());
    }
    Ok((a, z))
}
