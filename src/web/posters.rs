//! Poster images to pass round WeChat groups: `/posters/2023Q3/1/board.png` (a group's board)
//! and `/posters/2023Q3/tiers.png` (every group's 红榜·黑榜), `?size=phone` (1080×1920, the
//! default) or `?size=wide` (1920×1080). Drawn from the posted boards, cached per data
//! version like every page.

use super::cache::{Ctx, Rendered};
use super::extract::{self, published};
use super::{AppError, AppState, cached_in};
use crate::boards::{GroupBoard, View};
use crate::poster::{self, GroupPoster, Head, PosterRow, PosterSize, TierGroup};
use crate::present::{ChangeText, rank_mark};
use crate::ranking::{Change, Tier};
use crate::store::{PeriodRow, Structure};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/posters/{period}/{group}/board.png",
        web::get().to(group_poster),
    )
    .route("/posters/{period}/tiers.png", web::get().to(tiers_poster));
}

/// A poster costs a rasterisation: any other parameter is refused, so that the cache (keyed
/// by the address) cannot be sidestepped with made-up ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Q {
    size: Option<String>,
    view: Option<String>,
}

fn png(bytes: Vec<u8>, name: String, ascii: String) -> Rendered {
    Rendered {
        status: StatusCode::OK,
        content_type: "image/png",
        body: bytes.into(),
        filename: Some((name, ascii)),
    }
}

/// 「数据截至2023年第三季度（2023-10-15 09:00揭榜）」
fn stamp(s: &Structure, period: &PeriodRow) -> String {
    let posted = period
        .published_at
        .map(|t| format!("（{}揭榜）", s.competition.zone.minute(t.unix())))
        .unwrap_or_default();
    format!("数据截至{}{posted}", period.key.label())
}

fn render(svg: &str, what: &str) -> Result<Vec<u8>, AppError> {
    poster::render_png(svg).map_err(|e| {
        tracing::error!("{what}: {e}");
        AppError::Internal(e)
    })
}

/// Logs the characters of a poster the embedded font cannot draw (a rare 生僻字).
fn warn_uncovered<'a>(texts: impl Iterator<Item = &'a str>) {
    let missing: String = texts.flat_map(poster::uncovered).collect();
    if !missing.is_empty() {
        tracing::warn!("海报字体缺少以下字符，将显示为方框：{missing}");
    }
}

async fn group_poster(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let (period_raw, group_raw) = path.into_inner();
    let Q { size, view } = q.into_inner();
    let size = PosterSize::parse(size.as_deref()).map_err(AppError::BadRequest)?;
    let public = state.admin.public_url.clone();
    cached_in(&req, &state, Some(period_raw.clone()), move |ctx, s| {
        let (period, g, _, b) = extract::board(ctx, s, &period_raw, &group_raw, view.as_deref())?;
        let rows: Vec<PosterRow> = b
            .board
            .rows
            .iter()
            .map(|r| PosterRow {
                rank: r.rank.map_or_else(|| "—".into(), |n| n.to_string()),
                mark: rank_mark(r).trim_matches(['（', '）']).to_string(),
                name: r.name.clone(),
                total: r.total.to_string(),
                tier: r.tier,
                change: match r.change {
                    Change::Up(_) | Change::Down(_) | Change::Same => r.change.label(),
                    Change::New => "新".into(),
                    _ => "—".into(),
                },
            })
            .collect();
        warn_uncovered(rows.iter().map(|r| r.name.as_str()));
        let qr_url = public.as_ref().map(|base| {
            format!(
                "{base}{}",
                crate::web::urls::board_view(period.key, g.id, b.view)
            )
        });
        let svg = poster::group_svg(
            &GroupPoster {
                head: Head {
                    competition: &s.competition.name,
                    period: &b.title,
                    stamp: &stamp(s, period),
                    demo: s.competition.is_demo,
                    issuer: s.competition.issuer.as_deref(),
                    qr: qr_url.as_deref(),
                },
                group: &g.name,
                rows: &rows,
            },
            size,
        );
        let body = render(&svg, "group poster")?;
        Ok(png(
            body,
            format!("{}_{}_考评结果海报.png", b.title, g.name),
            format!("poster-{}-{}-{}.png", period.key, g.id, size.slug()),
        ))
    })
    .await
}

async fn tiers_poster(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Q>,
) -> Result<HttpResponse, AppError> {
    let period_raw = path.into_inner();
    let size = PosterSize::parse(q.size.as_deref()).map_err(AppError::BadRequest)?;
    let public = state.admin.public_url.clone();
    cached_in(&req, &state, Some(period_raw.clone()), move |ctx, s| {
        let period = published(s, &period_raw)?;
        let boards = group_boards(ctx, s, period)?;
        let groups: Vec<TierGroup> = boards
            .iter()
            .map(|b| {
                let list = |t: Tier| {
                    b.board
                        .rows
                        .iter()
                        .filter(|r| r.tier == t)
                        .map(|r| {
                            let rank = r.rank.map_or_else(|| "—".into(), |n| n.to_string());
                            (
                                format!("{rank} {}{}", r.name, rank_mark(r)),
                                r.total.to_string(),
                            )
                        })
                        .collect()
                };
                TierGroup {
                    group: b.group.name.clone(),
                    red: list(Tier::Red),
                    black: list(Tier::Black),
                }
            })
            .collect();
        warn_uncovered(
            groups
                .iter()
                .flat_map(|g| g.red.iter().chain(&g.black).map(|(n, _)| n.as_str())),
        );
        let qr_url = public
            .as_ref()
            .map(|base| format!("{base}/?period={}", period.key));
        let svg = poster::tiers_svg(
            &Head {
                competition: &s.competition.name,
                period: &period.key.label(),
                stamp: &stamp(s, period),
                demo: s.competition.is_demo,
                issuer: s.competition.issuer.as_deref(),
                qr: qr_url.as_deref(),
            },
            &groups,
            size,
        );
        let body = render(&svg, "tiers poster")?;
        Ok(png(
            body,
            format!("{}_红榜黑榜海报.png", period.key.label()),
            format!("poster-{}-tiers-{}.png", period.key, size.slug()),
        ))
    })
    .await
}

/// Every group's board of the period (quarter view; the year's result has only that one).
fn group_boards(
    ctx: &Ctx<'_>,
    s: &Structure,
    period: &PeriodRow,
) -> Result<Vec<std::sync::Arc<GroupBoard>>, AppError> {
    let mut out = Vec::new();
    for g in &s.groups {
        if let Some(b) = ctx.board(s, period.key, g.id, View::Quarter)? {
            out.push(b);
        }
    }
    Ok(out)
}
